"""What routes receive: the service context, the pages, the login, and the admin-only check."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from starlette.requests import Request

from admin.auth import LoginThrottle
from admin.pages import Pages
from bot.services import ServiceContext, StaffLogin


class AdminOnly(Exception):
    """A coordinator asked for an admin-only page or action (answered 403)."""


def get_ctx(request: Request) -> ServiceContext:
    ctx: ServiceContext = request.app.state.ctx
    return ctx


def get_pages(request: Request) -> Pages:
    pages: Pages = request.app.state.pages
    return pages


def get_throttle(request: Request) -> LoginThrottle:
    throttle: LoginThrottle = request.app.state.login_throttle
    return throttle


def current_login(request: Request) -> StaffLogin:
    """The login StaffAuth found for this request (every path but the public ones has one)."""
    login: StaffLogin | None = getattr(request.state, "login", None)
    if login is None:
        raise RuntimeError(f"{request.url.path} needs a login but is public (see admin/auth.py PUBLIC_PATHS)")
    return login


def require_admin(login: Annotated[StaffLogin, Depends(current_login)]) -> StaffLogin:
    if not login.staff.is_admin:
        raise AdminOnly(login.staff.username)
    return login


def safe_next(target: str | None, default: str = "/") -> str:
    """A path of this app to go to next; anything else (another site, a scheme, //host) becomes `default`."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    if any(ord(char) < 32 for char in target) or target.startswith("/login"):
        return default
    return target


Ctx = Annotated[ServiceContext, Depends(get_ctx)]
PagesDep = Annotated[Pages, Depends(get_pages)]
SignedIn = Annotated[StaffLogin, Depends(current_login)]
AdminLogin = Annotated[StaffLogin, Depends(require_admin)]
Throttle = Annotated[LoginThrottle, Depends(get_throttle)]
