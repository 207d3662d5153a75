"""Knowledge gaps: what newcomers asked that the knowledge base could not answer well, grouped (anonymous:
the question log has no link to a person)."""

from __future__ import annotations

from fastapi import APIRouter, Query
from starlette.requests import Request
from starlette.responses import Response

from admin.deps import Ctx, PagesDep, SignedIn
from admin.i18n import N_
from bot import services

router = APIRouter()

PERIODS = (1, 2, 4, 8, 12)
OUTCOMES = {
    "unanswered": N_("no answer"),
    "suggested": N_("suggestions, none picked"),
    "not helpful": N_("answer did not help"),
}


@router.get("/knowledge-gaps")
async def knowledge_gaps(
    request: Request, ctx: Ctx, pages: PagesDep, login: SignedIn, weeks: int = Query(4, ge=1, le=52)
) -> Response:
    groups = await services.knowledge_gaps(ctx, weeks=weeks)
    return pages.render(
        request,
        "gaps/gaps.html",
        section="gaps",
        groups=groups,
        weeks=weeks,
        periods=sorted({*PERIODS, weeks}),
        gap_outcomes=OUTCOMES,
    )
