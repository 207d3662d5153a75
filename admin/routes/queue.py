"""The queue: open hand-overs, the most urgent and longest waiting first."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from admin.deps import Ctx, PagesDep, SignedIn
from bot import services
from bot.services import CaseStatus, CaseSummary, Sender

router = APIRouter()


@router.get("/")
async def queue(request: Request, ctx: Ctx, pages: PagesDep, login: SignedIn) -> Response:
    cases = await services.list_cases(ctx, CaseStatus.OPEN)
    cases.sort(key=lambda case: (not case.urgent, case.created_at))
    rows = [(case, _first_message(case)) for case in cases]
    return pages.render(request, "queue/queue.html", section="queue", rows=rows)


def _first_message(case: CaseSummary) -> services.CaseLine | None:
    return next((line for line in case.messages if line.sender is Sender.USER), None)
