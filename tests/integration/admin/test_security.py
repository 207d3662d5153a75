"""The staff web app's security, over every route the app has (enumerated from `app.routes`, never a list
written by hand): login required, CSRF tokens, admin-only pages, the login throttle, idle logout,
deactivated accounts, cookie flags and the headers every answer carries."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from fastapi import FastAPI

from admin import create_app
from admin.auth import PUBLIC_PATHS, SESSION_COOKIE, is_public
from bot import services
from bot.services import ServiceContext
from tests.staff_helpers import HTML, PASSWORD, Account, Endpoint, endpoints, log_in


def every_endpoint(app: FastAPI, coordinator: Account | None = None) -> list[Endpoint]:
    found = list(endpoints(app, username=coordinator.username if coordinator else "maria"))
    assert len(found) >= 8, found  # the enumeration itself works
    return found


async def call(client: httpx.AsyncClient, endpoint: Endpoint, *, token: str | None = None, html: bool = True):
    headers = dict(HTML) if html else {"accept": "application/json"}
    data = {"csrf_token": token} if token is not None else {}
    if endpoint.changes_state:
        data |= {"username": "maria", "password": "another long password", "language": "en", "role": "admin"}
        return await client.request(endpoint.method, endpoint.url, data=data, headers=headers)
    return await client.request(endpoint.method, endpoint.url, headers=headers)


async def accounts_state(ctx: ServiceContext) -> list[object]:
    """What a forged or anonymous request could change: accounts, case 1 and its story, canned replies."""
    accounts = [(m.username, m.active, m.interface_language) for m in await services.list_staff(ctx)]
    case = await services.case_view(ctx, 1)
    story = (case.status, case.priority, case.assignee_id, [m.id for m in case.messages])
    return [accounts, story, await services.canned_replies(ctx)]


@pytest.fixture(autouse=True)
async def case_one(ctx: ServiceContext) -> int:
    """Case 1 exists, so that a forged request to /cases/1/... would have something to change."""
    profile = await services.register_contact(ctx, 1, 1, "en")
    await services.remember(ctx, profile, services.Sender.USER, "hello")
    case_id = (await services.request_person(ctx, profile)).id
    await services.save_canned(ctx, "hello", "de", "Hallo", "Hallo!")
    assert case_id == 1
    return case_id


async def test_only_the_login_and_static_files_are_open_without_a_login(app, client, ctx, coordinator) -> None:
    before = await accounts_state(ctx)
    public = []
    for endpoint in every_endpoint(app, coordinator):
        if is_public(endpoint.url):
            public.append(str(endpoint))
            continue
        page = await call(client, endpoint, html=True)
        assert page.status_code == 303 and page.headers["location"].startswith("/login"), endpoint
        script = await call(client, endpoint, html=False)
        assert script.status_code == 401, endpoint
    assert sorted(public) == ["GET /login", "GET /static/{path}", "POST /login"]
    assert PUBLIC_PATHS == {"/login"}
    assert (await client.get("/static/admin.css")).status_code == 200
    assert (await client.get("/login")).status_code == 200
    assert await accounts_state(ctx) == before  # nothing changed


async def test_unknown_paths_need_a_login_too(client) -> None:
    answer = await client.get("/no/such/page", headers=HTML)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/login")
    assert (await client.get("/docs")).status_code == 401  # no API documentation pages either
    assert (await client.get("/openapi.json")).status_code == 401


async def test_every_state_changing_request_needs_the_logins_csrf_token(
    app, client, second_client, ctx, admin_account, coordinator
) -> None:
    token = await log_in(client, admin_account.username)
    others = await log_in(second_client, coordinator.username)  # a valid token, of another login
    before = await accounts_state(ctx)
    checked = []
    for endpoint in every_endpoint(app, coordinator):
        if not endpoint.changes_state:
            continue
        checked.append(str(endpoint))
        for wrong in (None, "", "forged", others, token.upper() if token.upper() != token else token + "x"):
            answer = await call(client, endpoint, token=wrong)
            assert answer.status_code == 403, (endpoint, wrong, answer.status_code)
        header_only = await client.request(
            endpoint.method, endpoint.url, data={"username": "maria"}, headers={**HTML, "X-CSRF-Token": "forged"}
        )
        assert header_only.status_code == 403, endpoint
    assert "POST /login" in checked and "POST /logout" in checked and len(checked) >= 5
    assert await accounts_state(ctx) == before
    assert (await client.get("/", headers=HTML)).status_code == 200  # still logged in: the logout was refused


async def test_the_csrf_token_may_come_as_a_header(client, ctx, admin_account) -> None:
    token = await log_in(client, admin_account.username)
    answer = await client.post("/account/language", data={"language": "en"}, headers={"X-CSRF-Token": token})
    assert answer.status_code == 303
    assert (await services.get_staff(ctx, admin_account.username)).interface_language == "en"


async def test_the_csrf_token_may_come_in_a_multipart_form(client, ctx, admin_account) -> None:
    token = await log_in(client, admin_account.username)
    fields = {"csrf_token": (None, token), "language": (None, "en"), "next": (None, "/admin/audit")}
    # the app reads the form after the CSRF check did (once it waited for a body already consumed)
    answer = await asyncio.wait_for(client.post("/account/language", files=fields), 10)
    assert answer.status_code == 303 and answer.headers["location"] == "/admin/audit"
    assert (await services.get_staff(ctx, admin_account.username)).interface_language == "en"
    forged = await client.post("/account/language", files={**fields, "csrf_token": (None, "forged")})
    assert forged.status_code == 403


async def test_admin_only_routes_refuse_coordinators(app, client, ctx, admin_account, coordinator) -> None:
    token = await log_in(client, coordinator.username)
    before = await accounts_state(ctx)
    admin_only = [endpoint for endpoint in every_endpoint(app, coordinator) if endpoint.admin_only]
    assert {e.template for e in admin_only} >= {
        "/admin/staff",
        "/admin/audit",
        "/admin/staff/{username}/deactivate",
        "/admin/canned",
        "/admin/canned/{canned_id}/delete",
    }
    assert all(e.template.startswith("/admin/") for e in admin_only)  # and everything under /admin is admin-only:
    assert all(e.admin_only for e in every_endpoint(app, coordinator) if e.template.startswith("/admin/"))
    for endpoint in admin_only:
        answer = await call(client, endpoint, token=token)
        assert answer.status_code == 403, endpoint
        assert "Only admins" in answer.text or "Nur Admins" in answer.text
    assert await accounts_state(ctx) == before
    queue = await client.get("/", headers=HTML)
    assert "/admin/staff" not in queue.text and "/admin/audit" not in queue.text  # not offered either


async def test_the_sixth_wrong_password_within_a_minute_is_answered_429(client, clock, admin_account) -> None:
    form = await client.get("/login")
    csrf = form.cookies.get("lotse_login_csrf") or client.cookies.get("lotse_login_csrf")

    async def attempt(password: str, username: str = "root") -> httpx.Response:
        return await client.post("/login", data={"username": username, "password": password, "csrf_token": csrf})

    for _ in range(5):
        clock.advance(seconds=5)
        assert (await attempt("wrong password")).status_code == 401
    refused = await attempt("wrong password")
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 40  # the first failure was 25 s ago
    assert (await attempt(PASSWORD)).status_code == 429  # not even the right password is tried now
    assert (await attempt("wrong", username="someone-else")).status_code == 401  # per username
    clock.advance(seconds=int(refused.headers["Retry-After"]))
    assert (await attempt(PASSWORD)).status_code == 303


async def test_the_throttle_counts_usernames_however_they_are_written(client, clock, admin_account) -> None:
    await client.get("/login")
    csrf = client.cookies["lotse_login_csrf"]
    for name in ("root", "ROOT", " Root", "rOOt ", "root"):
        answer = await client.post("/login", data={"username": name, "password": "nope", "csrf_token": csrf})
        assert answer.status_code == 401
    answer = await client.post("/login", data={"username": "Root", "password": "nope", "csrf_token": csrf})
    assert answer.status_code == 429 and int(answer.headers["Retry-After"]) == 60


@pytest.mark.parametrize("idle_minutes", [None, 5])
async def test_an_idle_login_ends(ctx, clock, admin_account, idle_minutes) -> None:
    settings = ctx.settings
    if idle_minutes is not None:
        settings = settings.model_copy(update={"admin": settings.admin.model_copy(update={"idle_minutes": 5})})
    minutes = idle_minutes or 30
    app = create_app(ctx, settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://admin.test") as client:
        await log_in(client, admin_account.username)
        clock.advance(minutes=minutes - 1)
        assert (await client.get("/", headers=HTML)).status_code == 200  # used: the idle time starts again
        clock.advance(minutes=minutes - 1)
        refresh = await client.get("/", headers={**HTML, "X-Lotse-Refresh": "1"})  # a page refreshing itself...
        assert refresh.status_code == 200
        clock.advance(minutes=1, seconds=1)
        ended = await client.get("/admin/staff", headers=HTML)  # ...is no activity
        assert ended.status_code == 303
        assert ended.headers["location"] == "/login?next=%2Fadmin%2Fstaff&ended=1"
        assert SESSION_COOKIE not in client.cookies  # the cookie is cleared
        again = await client.get(ended.headers["location"], headers=HTML)
        assert "Sitzung ist beendet" in again.text


async def test_a_deactivated_accounts_login_stops_working(client, second_client, admin_account, coordinator) -> None:
    await log_in(second_client, coordinator.username)
    token = await log_in(client, admin_account.username)
    answer = await client.post(f"/admin/staff/{coordinator.username}/deactivate", data={"csrf_token": token})
    assert answer.status_code == 303
    refused = await second_client.get("/", headers=HTML)
    assert refused.status_code == 303 and refused.headers["location"].startswith("/login")
    form = await second_client.get("/login")
    again = await second_client.post(
        "/login",
        data={"username": coordinator.username, "password": PASSWORD, "csrf_token": form.cookies["lotse_login_csrf"]},
    )
    assert again.status_code == 401


async def test_a_new_password_ends_the_persons_logins(client, second_client, admin_account, coordinator) -> None:
    await log_in(second_client, coordinator.username)
    token = await log_in(client, admin_account.username)
    answer = await client.post(
        f"/admin/staff/{coordinator.username}/password", data={"csrf_token": token, "password": "brand new secret 1"}
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/admin/staff?done=password"
    assert (await second_client.get("/", headers=HTML)).status_code == 303
    await log_in(second_client, coordinator.username, "brand new secret 1")


def cookie_header(answer: httpx.Response, name: str) -> str:
    [header] = [value for value in answer.headers.get_list("set-cookie") if value.startswith(f"{name}=")]
    return header


async def login_answer(app: FastAPI, base_url: str, headers: dict[str, str] | None = None) -> httpx.Response:
    transport = httpx.ASGITransport(app=app, client=("10.0.0.7", 50000))
    async with httpx.AsyncClient(transport=transport, base_url=base_url, headers=headers or {}) as client:
        form = await client.get("/login")
        csrf = form.cookies["lotse_login_csrf"]
        # sent by hand: a client keeps a Secure cookie from http:// (the browser, behind the proxy, is on https)
        return await client.post(
            "/login",
            data={"username": "root", "password": PASSWORD, "csrf_token": csrf},
            headers={"cookie": f"lotse_login_csrf={csrf}"},
        )


@pytest.mark.parametrize(
    ("trusted_proxy", "base_url", "forwarded", "secure"),
    [
        (False, "http://admin.test", None, False),
        (False, "https://admin.test", None, True),  # TLS straight to the app
        (False, "http://admin.test", "https", False),  # a header anyone can send: not believed
        (True, "http://admin.test", "https", True),
        (True, "http://admin.test", "http", False),
        (True, "http://admin.test", None, False),
        (("10.0.0.7",), "http://admin.test", "https", True),  # the proxy's address: believed
        (("10.0.0.8", "10.0.0.9"), "http://admin.test", "https", False),  # from another address: not
    ],
)
async def test_cookies_are_httponly_samesite_and_secure_over_tls(
    ctx, admin_account, trusted_proxy, base_url, forwarded, secure
) -> None:
    settings = ctx.settings.model_copy(
        update={"admin": ctx.settings.admin.model_copy(update={"trusted_proxy": trusted_proxy})}
    )
    app = create_app(ctx, settings)
    answer = await login_answer(app, base_url, {"X-Forwarded-Proto": forwarded} if forwarded else None)
    assert answer.status_code == 303
    cookie = cookie_header(answer, SESSION_COOKIE).lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/" in cookie
    assert ("; secure" in cookie) is secure
    assert "max-age" not in cookie and "expires" not in cookie  # ends with the browser session (and when idle)


async def test_every_answer_carries_the_security_headers(client, admin_account) -> None:
    for answer in (
        await client.get("/login"),
        await client.get("/", headers=HTML),
        await client.get("/static/admin.css"),
    ):
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["x-frame-options"] == "DENY"
        assert "script-src 'self'" in answer.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
    await log_in(client, admin_account.username)
    assert (await client.get("/", headers=HTML)).headers["cache-control"] == "no-store"


async def test_a_login_starts_a_new_session_and_the_old_cookie_ends(client, ctx, admin_account) -> None:
    await log_in(client, admin_account.username)
    first = client.cookies[SESSION_COOKIE]
    assert (await client.get("/login", headers=HTML)).headers["location"] == "/"  # logged in already
    client.cookies.set("lotse_login_csrf", "c" * 32)  # a login form kept open from before
    answer = await client.post("/login", data={"username": "root", "password": PASSWORD, "csrf_token": "c" * 32})
    assert answer.status_code == 303
    assert client.cookies[SESSION_COOKIE] != first
    assert await services.session_for(ctx, first) is None


@pytest.mark.parametrize(
    "target", ["//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)", "/login"]
)
async def test_after_login_only_pages_of_this_app_are_next(client, admin_account, target) -> None:
    form = await client.get("/login")
    answer = await client.post(
        "/login",
        data={"username": "root", "password": PASSWORD, "csrf_token": form.cookies["lotse_login_csrf"], "next": target},
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/"


async def test_a_body_too_large_is_refused_before_it_is_read_as_a_form(client, admin_account) -> None:
    token = await log_in(client, admin_account.username)
    answer = await client.post(
        "/account/language", data={"csrf_token": token, "language": "en", "padding": "x" * (1024 * 1024 + 1)}
    )
    assert answer.status_code == 413
