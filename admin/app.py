"""`create_app`: the staff web app on the same services as the bot.

Order of the layers, outermost first: security headers on every answer, then `StaffAuth` (login and CSRF
checks, admin/auth.py), then the routes (admin/routes/, one module per feature) with the domain errors
mapped once (admin/errors.py). Static files come from admin/static (no CDN).
"""

from __future__ import annotations

import dataclasses

from fastapi import FastAPI
from starlette.staticfiles import StaticFiles

from admin.auth import LoginThrottle, SecurityHeaders, StaffAuth
from admin.errors import install_error_pages
from admin.pages import STATIC_DIR, Pages
from admin.routes import account, audit, canned, cases, gaps, login, queue, staff
from bot.services import ServiceContext
from bot.settings import Settings

ROUTERS = (login, queue, cases, gaps, account, staff, audit, canned)


def create_app(ctx: ServiceContext, settings: Settings | None = None) -> FastAPI:
    """The app for `ctx`'s database; `settings` (default: the context's) replace the context's settings."""
    if settings is not None and settings is not ctx.settings:
        ctx = dataclasses.replace(ctx, settings=settings)
    app = FastAPI(title="Lotse staff", docs_url=None, redoc_url=None, openapi_url=None)
    pages = Pages(ctx)
    app.state.ctx = ctx
    app.state.pages = pages
    app.state.login_throttle = LoginThrottle(ctx.now)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for module in ROUTERS:
        app.include_router(module.router)
    install_error_pages(app, pages)
    app.add_middleware(StaffAuth, ctx=ctx, refused=pages.refused)
    app.add_middleware(SecurityHeaders)  # added last: the outermost, so every answer gets the headers
    return app
