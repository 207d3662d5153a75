"""Domain errors mapped once, at the boundary: NotFound 404, Conflict 409, InvalidInput 422, Unavailable 503,
each with a message for staff in their language. Anything else is a bug and ends as a 500."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from admin.deps import AdminOnly
from admin.i18n import N_
from admin.pages import Pages
from bot.services import (
    MIN_PASSWORD_LENGTH,
    CaseNotFound,
    Conflict,
    EmptyText,
    InvalidInput,
    InvalidUsername,
    LastAdmin,
    LoginFailed,
    LotseError,
    NotFound,
    StaffNotFound,
    Unavailable,
    UnsupportedLanguage,
    UsernameTaken,
    WeakPassword,
)

# Most specific first: the first class an error is an instance of gives its message.
MESSAGES: list[tuple[type[LotseError], str]] = [
    (LoginFailed, N_("Wrong username or password.")),
    (UsernameTaken, N_("There is an account with this username already.")),
    (LastAdmin, N_("This is the last active admin account. Add another admin first.")),
    (WeakPassword, N_("A password needs at least {length} characters.")),
    (
        InvalidUsername,
        N_("A username has 2 to 64 characters: lower-case letters a-z, digits, dot, hyphen or underscore."),
    ),
    (StaffNotFound, N_("There is no such account.")),
    (CaseNotFound, N_("This case does not exist, or it is closed.")),
    (EmptyText, N_("Please write something first.")),
    (UnsupportedLanguage, N_("This language is not available.")),
    (NotFound, N_("This does not exist (any more).")),
    (Conflict, N_("This has changed in the meantime. Please reload the page and try again.")),
    (InvalidInput, N_("This cannot be accepted. Please check your input and try again.")),
    (Unavailable, N_("This is not available right now. Please try again later.")),
    (LotseError, N_("Something went wrong. Please try again.")),
]

STATUS: list[tuple[type[LotseError], int]] = [(NotFound, 404), (Conflict, 409), (InvalidInput, 422), (Unavailable, 503)]


def status_of(error: LotseError) -> int:
    return next((status for kind, status in STATUS if isinstance(error, kind)), 500)


def message_of(error: LotseError) -> tuple[str, dict[str, object]]:
    """The msgid for staff and its placeholders' values."""
    message = next(message for kind, message in MESSAGES if isinstance(error, kind))
    return message, {"length": MIN_PASSWORD_LENGTH}


def install_error_pages(app: FastAPI, pages: Pages) -> None:
    async def domain_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, LotseError)
        message, values = message_of(error)
        return pages.render(request, "errors/error.html", status=status_of(error), message=message, values=values)

    async def admin_only(request: Request, error: Exception) -> Response:
        message = N_("Only admins may open this page.")
        return pages.render(request, "errors/error.html", status=403, message=message, values={})

    async def http_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, HTTPException)
        message = {
            404: N_("This page does not exist."),
            405: N_("This page cannot be used like this."),
        }.get(error.status_code, N_("Something went wrong. Please try again."))
        return pages.render(
            request, "errors/error.html", status=error.status_code, headers=error.headers, message=message, values={}
        )

    async def invalid_request(request: Request, error: Exception) -> Response:
        message = N_("Something is missing in this form. Please fill in every field and try again.")
        return pages.render(request, "errors/error.html", status=422, message=message, values={})

    app.add_exception_handler(LotseError, domain_error)
    app.add_exception_handler(AdminOnly, admin_only)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid_request)
