"""Knowledge gaps: recent questions the bot had no checked answer for (anonymous: no link to a person)."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from admin.deps import Ctx, PagesDep, SignedIn
from bot import services

router = APIRouter()


@router.get("/knowledge-gaps")
async def knowledge_gaps(request: Request, ctx: Ctx, pages: PagesDep, login: SignedIn) -> Response:
    questions = await services.unanswered_questions(ctx, 200)
    return pages.render(request, "gaps/gaps.html", section="gaps", questions=questions)
