"""A case: its whole conversation, and what staff do with it (take it on, assign, reply, note, priority,
close), each a plain form POST with the CSRF token, answered with a redirect back to the case, and
recorded in the audit log. `/cases/{id}/live` is what the page's script asks every two seconds: 204 while
nothing was added, else the conversation again. `/files/{id}` serves a photo or document a newcomer sent."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Query
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from admin.deps import Ctx, PagesDep, SignedIn
from admin.errors import message_of, status_of
from bot import services
from bot.services import (
    AuditAction,
    CaseOutcome,
    CasePriority,
    CaseView,
    InvalidInput,
    LotseError,
    ServiceContext,
    StaffLogin,
)

router = APIRouter()

NOTICES = {"claim", "assign", "reply", "note", "priority", "close"}
MAX_TEXT = 4000
# Shown in the page; anything else a newcomer sent is offered as a download only.
INLINE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "image/gif"})


@router.get("/cases/{case_id}")
async def case_page(
    request: Request,
    ctx: Ctx,
    pages: PagesDep,
    login: SignedIn,
    case_id: int,
    canned: str = Query("", max_length=64),
    entry: str = Query("", max_length=64),
    done: str = Query("", max_length=16),
) -> Response:
    view = await services.case_view(ctx, case_id)
    await services.record_audit(ctx, login.staff.id, AuditAction.READ_CASE, case_id=case_id)
    reply = ""
    if canned:
        reply = next((c.text for c in await services.canned_replies(ctx, "de") if c.key == canned), "")
    elif entry and (found := ctx.kb.get(entry)) is not None and (german := found.text("de")) is not None:
        reply = german.answer  # sent unchanged, it reaches the newcomer in the entry's curated translation
    return await _page(request, ctx, pages, view, notice=done if done in NOTICES else "", reply=reply)


@router.get("/cases/{case_id}/live")
async def case_live(
    request: Request, ctx: Ctx, pages: PagesDep, login: SignedIn, case_id: int, after: int = Query(0, ge=0)
) -> Response:
    if not await services.messages_after(ctx, case_id, after):
        return Response(status_code=204)
    view = await services.case_view(ctx, case_id)
    return pages.render(request, "cases/_story.html", headers={"X-Lotse-Marker": str(_last_id(view))}, view=view)


@router.post("/cases/{case_id}/claim")
async def claim(request: Request, ctx: Ctx, pages: PagesDep, login: SignedIn, case_id: int) -> Response:
    async def act() -> str | None:
        await services.claim_case(ctx, case_id, login.staff.id)
        return None

    return await _action(request, ctx, pages, login, case_id, AuditAction.CLAIM, "claim", act)


@router.post("/cases/{case_id}/assign")
async def assign(
    request: Request,
    ctx: Ctx,
    pages: PagesDep,
    login: SignedIn,
    case_id: int,
    assignee: Annotated[str, Form(max_length=12)],
) -> Response:
    async def act() -> str | None:
        if assignee == "none":
            await services.assign_case(ctx, case_id, None, by_id=login.staff.id)
            return "queue"
        if not assignee.isdigit():
            raise InvalidInput(f"no staff member {assignee!r}")
        member = next((m for m in await services.list_staff(ctx) if m.id == int(assignee) and m.active), None)
        if member is None:
            raise InvalidInput(f"no active staff member {assignee}")
        await services.assign_case(ctx, case_id, member.id, by_id=login.staff.id)
        return member.username

    return await _action(request, ctx, pages, login, case_id, AuditAction.ASSIGN, "assign", act)


@router.post("/cases/{case_id}/reply")
async def reply(
    request: Request,
    ctx: Ctx,
    pages: PagesDep,
    login: SignedIn,
    case_id: int,
    text: Annotated[str, Form(max_length=MAX_TEXT)] = "",
) -> Response:
    async def act() -> str | None:
        queued = await services.reply_to_case(ctx, case_id, text, login.staff.id)
        return f"message {queued.case_message_id}"

    return await _action(request, ctx, pages, login, case_id, AuditAction.REPLY, "reply", act, reply=text)


@router.post("/cases/{case_id}/note")
async def note(
    request: Request,
    ctx: Ctx,
    pages: PagesDep,
    login: SignedIn,
    case_id: int,
    text: Annotated[str, Form(max_length=MAX_TEXT)] = "",
) -> Response:
    async def act() -> str | None:
        return f"message {await services.add_note(ctx, case_id, text, login.staff.id)}"

    return await _action(request, ctx, pages, login, case_id, AuditAction.NOTE, "note", act, note=text)


@router.post("/cases/{case_id}/priority")
async def priority(
    request: Request,
    ctx: Ctx,
    pages: PagesDep,
    login: SignedIn,
    case_id: int,
    priority: Annotated[CasePriority, Form()],
) -> Response:
    async def act() -> str | None:
        await services.set_priority(ctx, case_id, priority, login.staff.id)
        return priority.name.lower()

    return await _action(request, ctx, pages, login, case_id, AuditAction.PRIORITY, "priority", act)


@router.post("/cases/{case_id}/close")
async def close(
    request: Request,
    ctx: Ctx,
    pages: PagesDep,
    login: SignedIn,
    case_id: int,
    outcome: Annotated[CaseOutcome, Form()],
) -> Response:
    async def act() -> str | None:
        await services.close_case(ctx, case_id, outcome, login.staff.id)
        return outcome.value

    return await _action(request, ctx, pages, login, case_id, AuditAction.CLOSE, "close", act)


@router.get("/files/{file_id}")
async def case_file(ctx: Ctx, login: SignedIn, file_id: int) -> Response:
    """A newcomer's photo (shown inline) or document (a download), with its media type. Never run by the
    browser: nosniff, and a sandbox policy should a document be HTML or SVG after all."""
    stored = await services.case_file(ctx, file_id)
    inline = stored.media_type in INLINE_TYPES
    return Response(
        stored.content,
        media_type=stored.media_type,
        headers={
            "Content-Disposition": _disposition("inline" if inline else "attachment", stored.file_name),
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
            "Cache-Control": "private, no-store",
        },
    )


async def _action(
    request: Request,
    ctx: ServiceContext,
    pages: PagesDep,
    login: StaffLogin,
    case_id: int,
    action: AuditAction,
    done: str,
    act: Callable[[], Awaitable[str | None]],
    *,
    reply: str = "",
    note: str = "",
) -> Response:
    """Do `act`, record it in the audit log and go back to the case (redirect after POST); a domain error
    shows the case again with the message and what was typed."""
    try:
        detail = await act()
    except LotseError as error:
        view = await services.case_view(ctx, case_id)  # an unknown case: 404 from here
        return await _page(request, ctx, pages, view, error=error, reply=reply, note=note)
    await services.record_audit(ctx, login.staff.id, action, case_id=case_id, detail=detail)
    anchor = "#conversation" if done in {"reply", "note"} else ""
    return RedirectResponse(f"/cases/{case_id}?done={done}{anchor}", status_code=303)


async def _page(
    request: Request,
    ctx: ServiceContext,
    pages: PagesDep,
    view: CaseView,
    *,
    notice: str = "",
    error: LotseError | None = None,
    reply: str = "",
    note: str = "",
) -> Response:
    message, values = message_of(error) if error else ("", {})
    return pages.render(
        request,
        "cases/case.html",
        status=status_of(error) if error else 200,
        section="queue",
        view=view,
        last_id=_last_id(view),
        staff=[member for member in await services.list_staff(ctx) if member.active],
        canned=await services.canned_replies(ctx, "de"),
        entries=sorted(
            ((entry.id, text.title) for entry in ctx.kb.entries.values() if (text := entry.text("de")) is not None),
            key=lambda item: item[1].casefold(),
        ),
        notice=notice,
        error=message,
        error_values=values,
        reply=reply,
        note=note,
        outcome_choices=list(CaseOutcome),
        priority_choices=list(CasePriority),
        max_text=MAX_TEXT,
    )


def _last_id(view: CaseView) -> int:
    return view.messages[-1].id if view.messages else 0


def _disposition(kind: str, file_name: str) -> str:
    """`inline`/`attachment` with the file's name: plain ASCII for old browsers, UTF-8 (RFC 6266) for others."""
    fallback = "".join(c if 32 <= ord(c) < 127 and c not in '"\\;' else "_" for c in file_name) or "file"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(file_name, safe='')}"
