"""Canned replies (admins only): prepared answers per language; staff pick the German ones on a case page,
and one sent unchanged reaches the newcomer in its checked translation."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from admin.deps import AdminLogin, Ctx, PagesDep, require_admin
from admin.errors import message_of, status_of
from bot import services
from bot.services import AuditAction, LotseError, ServiceContext
from translations.languages import CURATED_LANGUAGES

router = APIRouter(prefix="/admin", dependencies=[Depends(require_admin)])

NOTICES = {"saved", "deleted"}


@router.get("/canned")
async def canned_page(
    request: Request,
    ctx: Ctx,
    pages: PagesDep,
    login: AdminLogin,
    edit: int = Query(0, ge=0),
    done: str = Query("", max_length=16),
) -> Response:
    replies = await services.canned_replies(ctx)
    chosen = next((reply for reply in replies if reply.id == edit), None)
    form = {}
    if chosen is not None:  # "Change": the form holds the reply
        form = {"key": chosen.key, "language": chosen.language, "title": chosen.title, "text": chosen.text}
    return await _page(request, ctx, pages, notice=done if done in NOTICES else "", form=form)


@router.post("/canned")
async def save(
    request: Request,
    ctx: Ctx,
    pages: PagesDep,
    login: AdminLogin,
    key: Annotated[str, Form(max_length=200)],
    language: Annotated[str, Form(max_length=8)],
    title: Annotated[str, Form(max_length=500)],
    text: Annotated[str, Form(max_length=8000)],
) -> Response:
    try:
        await services.save_canned(ctx, key, language, title, text)
    except LotseError as error:
        form = {"key": key, "language": language, "title": title, "text": text}
        return await _page(request, ctx, pages, error=error, form=form)
    detail = f"{key.strip().lower()} ({language})"
    await services.record_audit(ctx, login.staff.id, AuditAction.CANNED_SAVED, detail=detail)
    return RedirectResponse("/admin/canned?done=saved", status_code=303)


@router.post("/canned/{canned_id}/delete")
async def delete(request: Request, ctx: Ctx, login: AdminLogin, canned_id: int) -> Response:
    await services.delete_canned(ctx, canned_id)
    await services.record_audit(ctx, login.staff.id, AuditAction.CANNED_DELETED, detail=f"#{canned_id}")
    return RedirectResponse("/admin/canned?done=deleted", status_code=303)


async def _page(
    request: Request,
    ctx: ServiceContext,
    pages: PagesDep,
    *,
    notice: str = "",
    error: LotseError | None = None,
    form: dict[str, str] | None = None,
) -> Response:
    message, values = message_of(error) if error else ("", {})
    return pages.render(
        request,
        "canned/canned.html",
        status=status_of(error) if error else 200,
        section="canned",
        replies=await services.canned_replies(ctx),
        notice=notice,
        error=message,
        error_values=values,
        form={"key": "", "language": "de", "title": "", "text": "", **(form or {})},
        reply_languages=CURATED_LANGUAGES,
    )
