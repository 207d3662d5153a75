"""The staff web app's pages over HTTP: logging in and out, the queue, staff accounts, the audit log, the
language switch; everything a person or a translation wrote is escaped."""

from __future__ import annotations

import re

from sqlalchemy import update

from bot import services
from bot.db import Case, CaseMessage, CasePriority, Sender, TranslationOrigin
from bot.services import AuditAction, StaffRole
from tests.staff_helpers import HTML, PASSWORD, add_account, hidden_value, log_in

XSS = "<script>alert(1)</script><img src=x onerror=alert(1)>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"


def text_of(html: str) -> str:
    """The page's text, roughly as a reader sees it (tags dropped, whitespace folded)."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


async def test_the_login_page_speaks_german_unless_english_is_asked_for(client) -> None:
    german = await client.get("/login")
    assert german.status_code == 200 and '<html lang="de">' in german.text
    assert '<label for="username">Benutzername</label>' in german.text
    assert '<label for="password">Passwort</label>' in german.text
    english = await client.get("/login?lang=en")
    assert '<html lang="en">' in english.text and '<label for="username">Username</label>' in english.text
    preferred = await client.get("/login", headers={"accept-language": "en-GB,en;q=0.9,de;q=0.5"})
    assert '<html lang="en">' in preferred.text
    assert '<html lang="de">' in (await client.get("/login", headers={"accept-language": "fr, ar"})).text


async def test_a_wrong_password_shows_the_form_again(client, ctx, admin_account) -> None:
    form = await client.get("/login")
    answer = await client.post(
        "/login", data={"username": "root", "password": "nope", "csrf_token": hidden_value(form.text)}
    )
    assert answer.status_code == 401
    assert "Benutzername oder Passwort falsch." in answer.text and 'value="root"' in answer.text
    assert "nope" not in answer.text  # the password is never echoed
    log = await services.audit_log(ctx)
    assert log.entries[0].action == AuditAction.LOGIN_FAILED and log.entries[0].staff_id == admin_account.member.id


async def test_log_in_and_out(client, ctx, admin_account) -> None:
    token = await log_in(client, admin_account.username)
    queue = await client.get("/", headers=HTML)
    assert "Angemeldet als Leitung" in text_of(queue.text)
    assert 'aria-current="page">Warteschlange</a>' in queue.text
    answer = await client.post("/logout", data={"csrf_token": token}, headers=HTML)
    assert answer.status_code == 303 and answer.headers["location"] == "/login?logged_out=1&lang=de"
    assert "lotse_session" not in client.cookies
    assert "Sie sind abgemeldet." in (await client.get(answer.headers["location"])).text
    assert (await client.get("/", headers=HTML)).status_code == 303
    actions = [entry.action for entry in (await services.audit_log(ctx)).entries]
    assert actions[:2] == [AuditAction.LOGOUT, AuditAction.LOGIN]


async def test_after_login_the_page_asked_for_opens(client, admin_account) -> None:
    asked = await client.get("/admin/audit?page=1", headers=HTML)
    assert asked.headers["location"] == "/login?next=%2Fadmin%2Faudit%3Fpage%3D1"
    form = await client.get(asked.headers["location"])
    assert hidden_value(form.text, "next") == "/admin/audit?page=1"
    answer = await client.post(
        "/login",
        data={
            "username": "root",
            "password": PASSWORD,
            "csrf_token": hidden_value(form.text),
            "next": "/admin/audit?page=1",
        },
    )
    assert answer.headers["location"] == "/admin/audit?page=1"


async def test_the_queue_lists_open_cases_urgent_first_with_original_and_german(
    client, ctx, clock, admin_account
) -> None:
    ids = {}
    for telegram_id, language, text in (
        (1, "ar", "مرحبا، أحتاج مساعدة في الجوب سنتر"),
        (2, "en", XSS),
        (3, "uk", "Допоможіть"),
    ):
        profile = await services.register_contact(ctx, telegram_id, telegram_id, language)
        await services.remember(ctx, profile, Sender.USER, text)
        ids[telegram_id] = (await services.request_person(ctx, profile)).id
        clock.advance(minutes=10)
    async with ctx.db.session() as session, session.begin():
        await session.execute(
            update(CaseMessage)
            .where(CaseMessage.case_id == ids[1], CaseMessage.sender == Sender.USER)
            .values(
                translated_text="Hallo, ich brauche Hilfe beim Jobcenter", translation_origin=TranslationOrigin.MACHINE
            )
        )
        await session.execute(
            update(CaseMessage)
            .where(CaseMessage.case_id == ids[2], CaseMessage.sender == Sender.USER)
            .values(translated_text=XSS + " (übersetzt)", translation_origin=TranslationOrigin.CURATED)
        )
    await make_urgent(ctx, ids[3])
    await log_in(client, admin_account.username)
    page = await client.get("/", headers=HTML)
    assert page.status_code == 200
    rows = re.findall(r'<th scope="row">\s*<a href="/cases/(\d+)">', page.text)
    assert rows == [str(ids[3]), str(ids[1]), str(ids[2])]  # urgent first, then the longest waiting
    assert "Dringend" in page.text
    assert 'lang="ar" dir="auto">مرحبا، أحتاج مساعدة في الجوب سنتر</p>' in page.text
    assert "nobody yet" in page.text or "noch niemand" in page.text
    assert "Deutsch (maschinelle Übersetzung):" in text_of(page.text) and "Hallo, ich brauche Hilfe" in page.text
    assert XSS not in page.text and page.text.count(ESCAPED) == 2  # the message and its translation, as text
    assert "<script>" not in page.text


async def make_urgent(ctx, case_id: int) -> None:
    async with ctx.db.session() as session, session.begin():
        await session.execute(update(Case).where(Case.id == case_id).values(priority=CasePriority.URGENT))


async def test_an_empty_queue_says_so(client, admin_account) -> None:
    await log_in(client, admin_account.username)
    page = await client.get("/", headers=HTML)
    assert "Keine offenen Fälle." in page.text and "TODO" not in page.text


async def test_the_interface_language_follows_the_account_and_can_be_switched(client, ctx, admin_account) -> None:
    token = await log_in(client, admin_account.username)
    answer = await client.post(
        "/account/language", data={"csrf_token": token, "language": "en", "next": "/admin/audit"}
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/admin/audit"
    page = await client.get("/admin/audit", headers=HTML)
    assert '<html lang="en">' in page.text and "<h1>Audit log</h1>" in page.text
    assert 'value="en" lang="en" aria-pressed="true"' in page.text
    assert (await services.get_staff(ctx, "root")).interface_language == "en"
    refused = await client.post("/account/language", data={"csrf_token": token, "language": "ar"})
    assert refused.status_code == 422 and "This language is not available." in refused.text
    elsewhere = await client.post(
        "/account/language", data={"csrf_token": token, "language": "de", "next": "https://evil.example/"}
    )
    assert elsewhere.headers["location"] == "/"


async def test_admins_manage_accounts(client, ctx, admin_account) -> None:
    token = await log_in(client, admin_account.username)
    page = await client.get("/admin/staff", headers=HTML)
    assert page.status_code == 200 and "<h1>Konten</h1>" in page.text
    for field in ("new-username", "new-display-name", "new-role", "new-language", "new-password"):
        assert f'<label for="{field}">' in page.text and f'id="{field}"' in page.text
    added = await client.post(
        "/admin/staff",
        data={
            "csrf_token": token,
            "username": "Jonas",
            "display_name": XSS,
            "role": "coordinator",
            "interface_language": "en",
            "password": "a long enough password",
        },
    )
    assert added.status_code == 303 and added.headers["location"] == "/admin/staff?done=added"
    page = await client.get(added.headers["location"], headers=HTML)
    assert "Das Konto wurde hinzugefügt." in page.text
    assert ESCAPED in page.text and XSS not in page.text
    jonas = await services.get_staff(ctx, "jonas")
    assert (jonas.role, jonas.interface_language, jonas.display_name) == (StaffRole.COORDINATOR, "en", XSS)

    async def add(username: str, password: str = "a long enough password"):
        data = {"csrf_token": token, "username": username, "role": "admin", "password": password}
        return await client.post("/admin/staff", data=data)

    taken = await add("jonas")
    assert taken.status_code == 409 and "Es gibt schon ein Konto mit diesem Benutzernamen." in taken.text
    weak = await add("lena", "short")
    assert weak.status_code == 422 and "mindestens 12 Zeichen" in weak.text and 'value="lena"' in weak.text
    invalid = await add("<b>lena</b>")
    assert invalid.status_code == 422 and "Kleinbuchstaben a-z" in invalid.text
    assert "&lt;b&gt;lena&lt;/b&gt;" in invalid.text  # the form keeps what was typed, escaped
    missing = await client.post("/admin/staff", data={"csrf_token": token, "username": "x"})
    assert missing.status_code == 422

    reset = await client.post("/admin/staff/jonas/password", data={"csrf_token": token, "password": "another long one"})
    assert reset.headers["location"] == "/admin/staff?done=password"
    assert (await services.login(ctx, "jonas", "another long one")).staff.username == "jonas"
    short = await client.post("/admin/staff/jonas/password", data={"csrf_token": token, "password": "x"})
    assert short.status_code == 422 and 'aria-invalid="true"' in short.text
    gone = await client.post("/admin/staff/nobody/password", data={"csrf_token": token, "password": "another long one"})
    assert gone.status_code == 404 and "Dieses Konto gibt es nicht." in gone.text

    deactivated = await client.post("/admin/staff/jonas/deactivate", data={"csrf_token": token})
    assert deactivated.headers["location"] == "/admin/staff?done=deactivated"
    assert not (await services.get_staff(ctx, "jonas")).active
    last = await client.post("/admin/staff/root/deactivate", data={"csrf_token": token})
    assert last.status_code == 409 and "letzte aktive Admin-Konto" in last.text

    log = await services.audit_log(ctx)
    mine = [(e.action, e.detail) for e in log.entries if e.staff_id == admin_account.member.id]
    assert (AuditAction.ACCOUNT_ADDED, "jonas (coordinator)") in mine
    assert (AuditAction.PASSWORD_CHANGED, "jonas") in mine and (AuditAction.ACCOUNT_DEACTIVATED, "jonas") in mine


async def test_the_audit_log_page_is_newest_first_in_pages(client, ctx, clock, admin_account) -> None:
    for case_id in range(1, 61):
        clock.advance(seconds=1)
        await services.record_audit(ctx, admin_account.member.id, AuditAction.READ_CASE, case_id=case_id)
    clock.advance(seconds=1)
    await log_in(client, admin_account.username)
    first = await client.get("/admin/audit", headers=HTML)
    assert first.status_code == 200
    cells = text_of(first.text)
    assert "(1–50 von 62)" in cells and "Angemeldet" in cells and "Fall gelesen" in cells
    assert cells.index("Angemeldet") < cells.index("Fall gelesen")
    assert 'href="/admin/audit?page=2" rel="next"' in first.text
    second = await client.get("/admin/audit?page=2", headers=HTML)
    assert "(51–62 von 62)" in text_of(second.text) and "Kommandozeile" in second.text  # root was added by the CLI
    assert 'href="/admin/audit?page=1" rel="prev"' in second.text
    assert (await client.get("/admin/audit?page=0", headers=HTML)).status_code == 422


async def test_coordinators_see_the_queue_and_the_knowledge_gaps(client, ctx, coordinator) -> None:
    profile = await services.register_contact(ctx, 77, 77, "en")
    await services.handle_question(ctx, profile, "what is the capital of Peru " + XSS)
    await log_in(client, coordinator.username)
    page = await client.get("/knowledge-gaps", headers=HTML)
    assert page.status_code == 200 and "capital of Peru" in page.text
    assert XSS not in page.text and "&lt;script&gt;" in page.text


async def test_an_unknown_page_is_a_404_page_in_the_persons_language(client, ctx, admin_account) -> None:
    await log_in(client, admin_account.username)
    answer = await client.get("/no/such/page", headers=HTML)
    assert answer.status_code == 404 and "Diese Seite gibt es nicht." in answer.text


async def test_a_display_name_is_escaped_in_the_header(client, ctx) -> None:
    await add_account(ctx, "lena", StaffRole.COORDINATOR, display_name=XSS)
    await log_in(client, "lena")
    page = await client.get("/", headers=HTML)
    assert XSS not in page.text and f"Angemeldet als {ESCAPED}" in page.text
