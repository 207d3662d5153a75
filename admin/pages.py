"""Pages: Jinja2 templates with autoescaping on for every template, in the reader's language and timezone.

Templates get `_` (the `admin` domain's gettext for the page's language; it returns plain strings, so a
translation is escaped like everything else), `when` and `waited` (times in the office's timezone, in the
reader's locale), the login (or None) and its CSRF token for forms.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from babel.dates import format_datetime, format_timedelta
from babel.numbers import format_decimal
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from admin.i18n import LANGUAGES, gettext, language_name, negotiate
from admin.labels import DELIVERY, OUTCOMES, PRIORITIES, event_text
from bot.services import ServiceContext, StaffLogin

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent / "static"


class Pages:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.env = Environment(
            loader=FileSystemLoader(TEMPLATES_DIR),
            autoescape=True,  # every template, whatever its name: all text is escaped unless marked safe
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )

    def language(self, request: Request, login: StaffLogin | None) -> str:
        """The account's interface language; before login `?lang=`, else what the browser prefers."""
        if login is not None and login.staff.interface_language in LANGUAGES:
            return login.staff.interface_language
        asked = request.query_params.get("lang", "")
        return asked if asked in LANGUAGES else negotiate(request.headers.get("accept-language"))

    def render(
        self,
        request: Request,
        template: str,
        *,
        status: int = 200,
        headers: Mapping[str, str] | None = None,
        **values: Any,
    ) -> HTMLResponse:
        login: StaffLogin | None = values.pop("login", getattr(request.state, "login", None))
        language = self.language(request, login)
        translate = gettext(language)
        context = {
            "_": translate,
            "lang": language,
            "login": login,
            "csrf_token": login.csrf_token if login else "",
            "path": request.url.path,
            "here": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
            "when": lambda value, format="short": self.when(value, language, format),
            "waited": lambda value: self.waited(value, language),
            "filesize": lambda size: filesize(size, language),
            "language_name": language_name,
            "languages": LANGUAGES,
            "section": "",  # which navigation item is the current page
            "priorities": PRIORITIES,
            "outcomes": OUTCOMES,
            "delivery_labels": DELIVERY,
            "event_text": lambda text: event_text(text, translate),
            **values,
        }
        html = self.env.get_template(template).render(context)
        return HTMLResponse(html, status_code=status, headers=headers)

    def refused(self, request: Request, status: int, reason: str, login: StaffLogin | None) -> Response:
        """The short page StaffAuth answers with: a missing CSRF token (403), a body too large (413)."""
        return self.render(request, "errors/refused.html", status=status, reason=reason, login=login)

    def when(self, value: dt.datetime | None, language: str, format: str = "short") -> str:
        if value is None:
            return ""
        return format_datetime(value, format=format, tzinfo=self.ctx.timezone, locale=language)

    def waited(self, since: dt.datetime, language: str) -> str:
        """How long ago, in words ("3 Stunden")."""
        return format_timedelta(self.ctx.now() - since, locale=language, threshold=1.1)


def filesize(size: int, language: str) -> str:
    """A file's size for people: "12 KB", "1,4 MB"."""
    if size < 1024 * 1024:
        return f"{format_decimal(max(1, round(size / 1024)), locale=language)} KB"
    return f"{format_decimal(round(size / (1024 * 1024), 1), format='#,##0.0', locale=language)} MB"
