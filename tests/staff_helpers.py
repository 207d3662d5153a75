"""Helpers for the staff web app's tests: accounts, a browser-like HTTP client that logs in, the app's routes.

Fixtures that use these live in tests/integration/admin/conftest.py and tests/e2e/admin/conftest.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.routing import Mount

from admin.deps import require_admin
from bot import services
from bot.services import ServiceContext, StaffMember, StaffRole

PASSWORD = "correct horse battery staple"
HTML = {"accept": "text/html,application/xhtml+xml"}


@dataclass(frozen=True)
class Account:
    member: StaffMember
    password: str = PASSWORD

    @property
    def username(self) -> str:
        return self.member.username


async def add_account(
    ctx: ServiceContext, username: str, role: StaffRole, *, display_name: str | None = None, language: str = "de"
) -> Account:
    member = await services.add_staff(
        ctx, username, PASSWORD, role, display_name=display_name, interface_language=language
    )
    return Account(member)


def hidden_value(html: str, name: str = "csrf_token") -> str:
    """The value of the first hidden input called `name` in a page."""
    match = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', html)
    assert match, f"no hidden {name} in the page"
    return match.group(1)


async def log_in(client: httpx.AsyncClient, username: str, password: str = PASSWORD) -> str:
    """Log in through the login form as a browser does; returns the login's CSRF token (from the queue page)."""
    form = await client.get("/login", headers=HTML)
    assert form.status_code == 200, form.text
    answer = await client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": hidden_value(form.text)},
        headers=HTML,
    )
    assert answer.status_code == 303, answer.text
    queue = await client.get("/", headers=HTML)
    assert queue.status_code == 200, queue.text
    return hidden_value(queue.text)


@dataclass(frozen=True)
class Endpoint:
    """One method of one route of the app, with a URL to call it at."""

    method: str
    template: str
    url: str
    admin_only: bool

    @property
    def changes_state(self) -> bool:
        return self.method not in {"GET", "HEAD", "OPTIONS"}

    def __str__(self) -> str:
        return f"{self.method} {self.template}"


def endpoints(app: FastAPI, **path_values: str) -> Iterator[Endpoint]:
    """Every route of the app, each method, with its path parameters filled in (`path_values`, else "1")."""
    for route in app_routes(app):
        original = getattr(route, "original_route", route)
        if isinstance(original, APIRoute):
            path: str = route.path
            url = re.sub(r"\{(\w+)(:[^}]*)?\}", lambda m: path_values.get(m.group(1), "1"), path)
            for method in sorted(route.methods):
                yield Endpoint(method, path, url, _needs_admin(route))
        elif isinstance(original, Mount):
            yield Endpoint("GET", f"{original.path}/{{path}}", f"{original.path}/admin.css", False)
        else:
            raise AssertionError(f"a route of a kind the security tests do not know: {route!r}")


def app_routes(app: FastAPI) -> list[Any]:
    """`app.routes`, with included routers resolved: FastAPI 0.16x keeps an included router as one entry of
    `app.routes` and resolves its routes (prefix and dependencies applied) with `iter_route_contexts`."""
    try:
        from fastapi.routing import iter_route_contexts  # type: ignore[attr-defined,unused-ignore]
    except ImportError:  # older FastAPI copies the routes into app.routes
        return list(app.routes)
    return list(iter_route_contexts(app.routes))


def _needs_admin(route: Any) -> bool:
    def walk(dependant: object) -> bool:
        return getattr(dependant, "call", None) is require_admin or any(
            walk(sub) for sub in getattr(dependant, "dependencies", [])
        )

    return walk(route.dependant)


def tiny_png(width: int = 8, height: int = 8) -> bytes:
    """A valid PNG image (a grey square), for photos a newcomer sends."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
