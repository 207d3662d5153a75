"""Who may do what: the login cookie, CSRF tokens, the login throttle, and the paths open without a login.

Every request passes `StaffAuth`, an ASGI middleware in front of every route and mount, so a route added
later is protected without doing anything for it:

- `PUBLIC_PATHS` and `PUBLIC_PREFIXES` (here, and nowhere else) are open without a login. Any other request
  without a valid login is sent to /login (a browser asking for a page: 303) or refused (401).
- Every state-changing request (any method but GET, HEAD, OPTIONS) must carry the login's CSRF token, as the
  form field `csrf_token` or the header `X-CSRF-Token`, or it is refused (403). The login form, sent before
  there is a login, carries the token of a cookie set with the form instead (double submit).
- Admin-only routes depend on `require_admin` (admin/deps.py), which refuses coordinators (403).

Login cookies are HttpOnly and SameSite=Lax, and Secure when the browser's connection is TLS: directly, or
as a reverse proxy says in X-Forwarded-Proto, believed only as LOTSE_ADMIN_TRUSTED_PROXY allows.
"""

from __future__ import annotations

import collections
import datetime as dt
import hmac
import math
import secrets
from collections.abc import Callable
from urllib.parse import parse_qs, quote

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot import services
from bot.services import ServiceContext, StaffLogin
from bot.settings import AdminSettings

PUBLIC_PATHS: frozenset[str] = frozenset({"/login"})
PUBLIC_PREFIXES: tuple[str, ...] = ("/static/",)

SESSION_COOKIE = "lotse_session"
LOGIN_CSRF_COOKIE = "lotse_login_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
# A page's background refresh sends this header: it does not count as activity for the idle logout.
REFRESH_HEADER = "x-lotse-refresh"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
MAX_FORM_BYTES = 1024 * 1024  # staff send text; a larger body is refused before anything parses it


def is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


def is_tls(scope: Scope, settings: AdminSettings) -> bool:
    """Whether the browser's connection is TLS: directly, or behind a proxy that is believed."""
    if scope.get("scheme") == "https":
        return True
    client = scope.get("client")
    if not settings.honours_forwarded_proto(client[0] if client else None):
        return False
    forwarded = Headers(scope=scope).get("x-forwarded-proto", "")
    return forwarded.split(",")[0].strip().lower() == "https"


def set_cookie(response: Response, scope: Scope, settings: AdminSettings, name: str, value: str) -> None:
    """A cookie for this app only: never readable by scripts, not sent along with other sites' requests."""
    response.set_cookie(name, value, httponly=True, samesite="lax", secure=is_tls(scope, settings), path="/")


def clear_cookie(response: Response, scope: Scope, settings: AdminSettings, name: str) -> None:
    response.delete_cookie(name, httponly=True, samesite="lax", secure=is_tls(scope, settings), path="/")


def login_csrf_token(request: Request) -> str:
    """The login form's CSRF token: the one in the browser's cookie, or a new one (set with the form)."""
    token = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    return token if 20 <= len(token) <= 100 else secrets.token_urlsafe(32)


def same_token(expected: str | None, given: str | None) -> bool:
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected).encode(), str(given).encode())


def wants_page(scope: Scope) -> bool:
    """A browser navigating (or sending a form) asks for HTML; a script's fetch does not."""
    return "text/html" in Headers(scope=scope).get("accept", "")


Renderer = Callable[[Request, int, str, StaffLogin | None], Response]


class StaffAuth:
    """The login check and the CSRF check, in front of everything (see the module's docstring)."""

    def __init__(self, app: ASGIApp, ctx: ServiceContext, refused: Renderer) -> None:
        self.app = app
        self.ctx = ctx
        self.refused = refused  # renders a short page for 403 and 413 in the person's language

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        unsafe = scope["method"] not in SAFE_METHODS
        body = b""
        if unsafe:
            read = await _read_body(receive, MAX_FORM_BYTES)
            if read is None:
                await self.refused(Request(scope), 413, "too_large", None)(scope, receive, send)
                return
            body = read
            receive = _replay(body, receive)
        request = Request(scope, receive)
        if is_public(scope["path"]):
            if unsafe and not same_token(request.cookies.get(LOGIN_CSRF_COOKIE), await _csrf_of(scope, body)):
                await self.refused(request, 403, "csrf", None)(scope, receive, send)
                return
            await self.app(scope, receive, send)
            return
        token = request.cookies.get(SESSION_COOKIE, "")
        login = await services.session_for(self.ctx, token, touch=REFRESH_HEADER not in request.headers)
        if login is None:
            await self._login_required(request, had_cookie=bool(token))(scope, receive, send)
            return
        if unsafe and not same_token(login.csrf_token, await _csrf_of(scope, body)):
            await self.refused(request, 403, "csrf", login)(scope, receive, send)
            return
        scope.setdefault("state", {})["login"] = login
        await self.app(scope, receive, send)

    def _login_required(self, request: Request, *, had_cookie: bool) -> Response:
        response: Response
        if wants_page(request.scope):
            target = "/login"
            query = []
            if request.method == "GET" and request.url.path != "/":
                wanted = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                query.append(f"next={quote(wanted, safe='')}")
            if had_cookie:
                query.append("ended=1")
            response = RedirectResponse(target + ("?" + "&".join(query) if query else ""), status_code=303)
        else:
            response = Response("login required", status_code=401, media_type="text/plain")
        if had_cookie:
            clear_cookie(response, request.scope, self.ctx.settings.admin, SESSION_COOKIE)
        return response


class SecurityHeaders:
    """Headers every answer carries: no framing, no sniffing, scripts and styles only from this app, and
    nothing cached that holds a person's data (static files excepted)."""

    POLICY = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
        "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    )

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith(PUBLIC_PREFIXES)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.setdefault("headers", [])
                present = {name.lower() for name, _ in headers}
                wanted = [
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"same-origin"),
                    (b"content-security-policy", self.POLICY.encode()),
                ]
                if not static:
                    wanted.append((b"cache-control", b"no-store"))
                headers.extend((name, value) for name, value in wanted if name not in present)
            await send(message)

        await self.app(scope, receive, send_with_headers)


class LoginThrottle:
    """Wrong passwords per username: after `limit` within `window`, every further attempt for that username
    is answered 429 until the first of them is older than the window (in memory, per process)."""

    def __init__(self, clock: Callable[[], dt.datetime], *, limit: int = 5, window: float = 60.0) -> None:
        self.clock = clock
        self.limit = limit
        self.window = dt.timedelta(seconds=window)
        self._failures: dict[str, collections.deque[dt.datetime]] = {}

    def retry_after(self, username: str) -> int | None:
        """Seconds to wait before the next attempt for `username`, or None when it may try now."""
        failures = self._recent(_key(username))
        if len(failures) < self.limit:
            return None
        wait = (failures[-self.limit] + self.window - self.clock()).total_seconds()
        return max(1, math.ceil(wait))

    def failed(self, username: str) -> None:
        self._recent(_key(username)).append(self.clock())
        if len(self._failures) > 10_000:  # forget usernames whose failures are all past the window
            for key in [key for key in self._failures if not self._recent(key)]:
                del self._failures[key]

    def succeeded(self, username: str) -> None:
        self._failures.pop(_key(username), None)

    def _recent(self, key: str) -> collections.deque[dt.datetime]:
        failures = self._failures.setdefault(key, collections.deque(maxlen=self.limit * 2))
        cutoff = self.clock() - self.window
        while failures and failures[0] <= cutoff:
            failures.popleft()
        return failures


def _key(username: str) -> str:
    return username.strip().lower()[:100]


async def _csrf_of(scope: Scope, body: bytes) -> str | None:
    """The CSRF token a state-changing request carries: the header, else the form field. Parsing a
    multipart form reads the body from a replay of its own, so the app still gets the whole body."""
    headers = Headers(scope=scope)
    header = headers.get(CSRF_HEADER)
    if header:
        return header
    content_type = headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/x-www-form-urlencoded":
        values = parse_qs(body.decode("utf-8", errors="replace")).get(CSRF_FIELD)
        return values[0] if values else None
    if content_type == "multipart/form-data":
        form = await Request(scope, _replay(body, _no_more)).form()
        try:
            value = form.get(CSRF_FIELD)
            return value if isinstance(value, str) else None
        finally:
            await form.close()
    return None


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole request body, or None when it is larger than `limit`."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks)  # the client went away; the app sees an empty body and nothing happens
        chunk: bytes = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


async def _no_more() -> Message:
    return {"type": "http.disconnect"}


def _replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` that hands the body already read to the app once, then waits as the original does."""
    delivered = False

    async def replay() -> Message:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
