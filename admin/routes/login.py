"""Logging in and out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from admin.auth import LOGIN_CSRF_COOKIE, SESSION_COOKIE, clear_cookie, login_csrf_token, set_cookie
from admin.deps import Ctx, PagesDep, SignedIn, Throttle, safe_next
from bot import services
from bot.services import LoginFailed

router = APIRouter()


@router.get("/login")
async def login_form(request: Request, ctx: Ctx, pages: PagesDep, next: str = "/") -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token and await services.session_for(ctx, token, touch=False) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _form(request, ctx, pages, next=next)


@router.post("/login")
async def login(
    request: Request,
    ctx: Ctx,
    pages: PagesDep,
    throttle: Throttle,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=2048)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    wait = throttle.retry_after(username)
    if wait is not None:
        return _form(
            request, ctx, pages, next=next, username=username, status=429, wait=wait, headers={"Retry-After": str(wait)}
        )
    try:
        signed_in = await services.login(ctx, username, password)
    except LoginFailed:
        throttle.failed(username)
        return _form(request, ctx, pages, next=next, username=username, status=401, failed=True)
    throttle.succeeded(username)
    previous = request.cookies.get(SESSION_COOKIE)
    if previous:  # a new login never continues an old one (session fixation)
        await services.logout(ctx, previous)
    response = RedirectResponse(safe_next(next), status_code=303)
    set_cookie(response, request.scope, ctx.settings.admin, SESSION_COOKIE, signed_in.token)
    clear_cookie(response, request.scope, ctx.settings.admin, LOGIN_CSRF_COOKIE)
    return response


@router.post("/logout")
async def logout(request: Request, ctx: Ctx, login: SignedIn) -> Response:
    await services.logout(ctx, login.token)
    # the login page in the language the person just used
    response = RedirectResponse(f"/login?logged_out=1&lang={login.staff.interface_language}", status_code=303)
    clear_cookie(response, request.scope, ctx.settings.admin, SESSION_COOKIE)
    return response


def _form(
    request: Request,
    ctx: Ctx,
    pages: PagesDep,
    *,
    next: str,
    username: str = "",
    status: int = 200,
    failed: bool = False,
    wait: int | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    csrf = login_csrf_token(request)
    response = pages.render(
        request,
        "login/login.html",
        status=status,
        headers=headers,
        login=None,
        login_csrf=csrf,
        next=safe_next(next),
        username=username,
        failed=failed,
        wait=wait,
        ended=request.query_params.get("ended") == "1",
        logged_out=request.query_params.get("logged_out") == "1",
    )
    set_cookie(response, request.scope, ctx.settings.admin, LOGIN_CSRF_COOKIE, csrf)
    return response
