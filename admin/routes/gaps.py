"""Knowledge gaps: what newcomers asked that the knowledge base could not answer well, grouped (anonymous:
the question log has no link to a person)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from admin.deps import Ctx, PagesDep, SignedIn
from admin.i18n import N_
from bot import services
from bot.services import AuditAction, InvalidInput, NotFound
from translations.service import InvalidCorrection, UnknownCachedTranslation

router = APIRouter()

PERIODS = (1, 2, 4, 8, 12)
REVIEW_PAGE = 50
OUTCOMES = {
    "unanswered": N_("no answer"),
    "suggested": N_("suggestions, none picked"),
    "not helpful": N_("answer did not help"),
}


@router.get("/knowledge-gaps")
async def knowledge_gaps(
    request: Request,
    ctx: Ctx,
    pages: PagesDep,
    login: SignedIn,
    weeks: int = Query(4, ge=1, le=52),
    corrected: int = Query(0, ge=0),
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
        to_review=await ctx.translator.awaiting_review(limit=REVIEW_PAGE),
        corrected=corrected,
    )


@router.post("/translations/{cache_id}/correct")
async def correct_translation(
    ctx: Ctx, login: SignedIn, cache_id: int, text: Annotated[str, Form(max_length=8000)] = ""
) -> Response:
    """A person's correction of a machine translation (knowledge-base texts and the interface, never a
    newcomer's words): from now on users read it, marked as checked."""
    try:
        await ctx.translator.correct_cached(cache_id, text)
    except UnknownCachedTranslation as exc:
        raise NotFound(str(exc)) from None
    except InvalidCorrection as exc:
        raise InvalidInput(str(exc)) from None
    await services.record_audit(
        ctx, login.staff.id, AuditAction.TRANSLATION_CORRECTED, detail=f"translation {cache_id}"
    )
    return RedirectResponse(f"/knowledge-gaps?corrected={cache_id}#review", status_code=303)
