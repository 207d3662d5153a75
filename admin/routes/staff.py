"""Staff accounts (admins only): add, deactivate, set a new password."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from admin.deps import AdminLogin, Ctx, PagesDep, require_admin
from admin.errors import message_of, status_of
from bot import services
from bot.services import LotseError, StaffRole

router = APIRouter(prefix="/admin", dependencies=[Depends(require_admin)])

NOTICES = {"added", "deactivated", "password"}


@router.get("/staff")
async def accounts(request: Request, ctx: Ctx, pages: PagesDep, login: AdminLogin) -> Response:
    notice = request.query_params.get("done", "")
    return await _page(request, ctx, pages, notice=notice if notice in NOTICES else "")


@router.post("/staff")
async def add_account(
    request: Request,
    ctx: Ctx,
    pages: PagesDep,
    login: AdminLogin,
    username: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=2048)],
    role: Annotated[StaffRole, Form()],
    display_name: Annotated[str, Form(max_length=200)] = "",
    interface_language: Annotated[str, Form(max_length=8)] = "de",
) -> Response:
    try:
        await services.add_staff(
            ctx,
            username,
            password,
            role,
            display_name=display_name.strip() or None,
            interface_language=interface_language,
            actor_id=login.staff.id,
        )
    except LotseError as error:
        form: dict[str, object] = {
            "username": username,
            "display_name": display_name,
            "role": role,
            "language": interface_language,
        }
        return await _page(request, ctx, pages, error=error, form=form)
    return RedirectResponse("/admin/staff?done=added", status_code=303)


@router.post("/staff/{username}/deactivate")
async def deactivate_account(request: Request, ctx: Ctx, pages: PagesDep, login: AdminLogin, username: str) -> Response:
    try:
        await services.deactivate_staff(ctx, username, actor_id=login.staff.id)
    except LotseError as error:
        return await _page(request, ctx, pages, error=error)
    return RedirectResponse("/admin/staff?done=deactivated", status_code=303)


@router.post("/staff/{username}/password")
async def set_password(
    request: Request,
    ctx: Ctx,
    pages: PagesDep,
    login: AdminLogin,
    username: str,
    password: Annotated[str, Form(max_length=2048)],
) -> Response:
    try:
        await services.change_password(ctx, username, password, actor_id=login.staff.id)
    except LotseError as error:
        return await _page(request, ctx, pages, error=error, failed_for=username)
    return RedirectResponse("/admin/staff?done=password", status_code=303)


async def _page(
    request: Request,
    ctx: Ctx,
    pages: PagesDep,
    *,
    notice: str = "",
    error: LotseError | None = None,
    form: dict[str, object] | None = None,
    failed_for: str = "",
) -> Response:
    members = await services.list_staff(ctx)
    message, values = message_of(error) if error else ("", {})
    return pages.render(
        request,
        "staff/accounts.html",
        status=status_of(error) if error else 200,
        section="staff",
        members=members,
        notice=notice,
        error=message,
        error_values=values,
        form=form or {"username": "", "display_name": "", "role": "coordinator", "language": "de"},
        failed_for=failed_for,
        roles=list(StaffRole),
        min_length=services.MIN_PASSWORD_LENGTH,
    )
