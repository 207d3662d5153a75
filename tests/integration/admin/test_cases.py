"""The queue and the case page over HTTP: the whole conversation, every action as a plain form POST with a
redirect and an audit entry, files served safely, and the live updates' endpoints."""

from __future__ import annotations

import html
import re

from sqlalchemy import update

from bot import services
from bot.db import CaseMessage, TranslationOrigin
from bot.services import (
    AuditAction,
    CaseMessageKind,
    CaseOutcome,
    CasePriority,
    CaseStatus,
    OutboxKind,
    Sender,
    StaffRole,
    UserFile,
)
from tests.staff_helpers import HTML, add_account, hidden_value, log_in, tiny_png
from translations.service import CURATED_VERSION

XSS = "<script>alert(1)</script><img src=x onerror=alert(2)>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;"
PNG = tiny_png()


async def hand_over(ctx, telegram_id: int, language: str, first: str, *later: str) -> int:
    """A newcomer who wrote `first`, asked for a person, then wrote `later` (forwarded to the case)."""
    profile = await services.register_contact(ctx, telegram_id, telegram_id, language)
    await services.remember(ctx, profile, Sender.USER, first)
    case_id = (await services.request_person(ctx, profile)).id
    for text in later:
        await services.handle_question(ctx, profile, text)
    return case_id


async def translate_users_lines(ctx, case_id: int, german: str, origin=TranslationOrigin.MACHINE) -> None:
    async with ctx.db.session() as session, session.begin():
        await session.execute(
            update(CaseMessage)
            .where(CaseMessage.case_id == case_id, CaseMessage.sender == Sender.USER)
            .values(translated_text=german, translation_origin=origin)
        )


async def send_file(ctx, telegram_id: int, kind: CaseMessageKind, name: str, media_type: str, content: bytes) -> None:
    profile = await services.register_contact(ctx, telegram_id, telegram_id, "ar")
    state = await services.handover_state(ctx, profile)
    await services.forward_file(ctx, profile, state, UserFile(kind, name, media_type, content), None)


def attribute(html: str, name: str) -> str:
    match = re.search(rf'{name}="([^"]*)"', html)
    assert match, f"no {name} in the page"
    return match.group(1)


async def audit_actions(ctx, case_id: int) -> list[str]:
    return [e.action for e in (await services.audit_log(ctx, limit=500)).entries if e.case_id == case_id]


async def test_the_case_page_shows_the_whole_conversation(client, ctx, admin_account) -> None:
    case_id = await hand_over(ctx, 1, "ar", "أريد موعدا", "هل يمكنكم مساعدتي؟")
    await translate_users_lines(ctx, case_id, "Ich möchte einen Termin")
    maria = await add_account(ctx, "maria", StaffRole.COORDINATOR, display_name="Maria")
    await services.claim_case(ctx, case_id, maria.member.id)
    await services.reply_to_case(ctx, case_id, "Wir melden uns morgen.", maria.member.id)
    await services.add_note(ctx, case_id, XSS, maria.member.id)
    await services.set_priority(ctx, case_id, CasePriority.HIGH, maria.member.id)
    await log_in(client, admin_account.username)
    page = await client.get(f"/cases/{case_id}", headers=HTML)
    assert page.status_code == 200
    text = " ".join(re.sub(r"<[^>]+>", " ", page.text).split())
    assert "Fall " + str(case_id) in text and "أريد موعدا" in page.text and "هل يمكنكم مساعدتي؟" in page.text
    assert 'lang="ar" dir="auto">أريد موعدا</p>' in page.text
    assert "Deutsch (maschinelle Übersetzung): Ich möchte einen Termin" in text
    assert "Antwort von Maria" in text and "Wir melden uns morgen." in text
    assert "wird gesendet" in text  # the reply's delivery state: nobody has sent it yet
    assert "Interne Notiz von Maria" in text and ESCAPED in page.text and XSS not in page.text
    assert "Zugewiesen an Maria" in text and "Priorität: Hoch" in text  # the history, in German
    assert "Neuankommende Person" in text
    assert await audit_actions(ctx, case_id) == [AuditAction.READ_CASE]


async def test_take_over_assign_reply_note_priority_close(client, ctx, admin_account, coordinator) -> None:
    case_id = await hand_over(ctx, 2, "en", "I need help with my residence permit")
    token = await log_in(client, coordinator.username)

    async def post(action: str, **data: str):
        return await client.post(f"/cases/{case_id}/{action}", data={"csrf_token": token, **data}, headers=HTML)

    claimed = await post("claim")
    assert claimed.status_code == 303 and claimed.headers["location"] == f"/cases/{case_id}?done=claim"
    page = await client.get(claimed.headers["location"], headers=HTML)
    assert "Sie haben diesen Fall übernommen" in page.text
    assert (await services.case_view(ctx, case_id)).assignee_id == coordinator.member.id

    assigned = await post("assign", assignee=str(admin_account.member.id))
    assert assigned.status_code == 303
    assert (await services.case_view(ctx, case_id)).assignee == "Leitung"
    assert (await post("assign", assignee="none")).status_code == 303
    assert (await services.case_view(ctx, case_id)).assignee_id is None
    assert (await post("assign", assignee="9999")).status_code == 422
    assert (await post("assign", assignee="someone")).status_code == 422

    replied = await post("reply", text="Bitte bringen Sie Ihren Pass mit.")
    assert replied.headers["location"] == f"/cases/{case_id}?done=reply#conversation"
    empty = await post("reply", text="   ")
    assert empty.status_code == 422 and "Bitte schreiben Sie zuerst etwas." in empty.text
    noted = await post("note", text="Termin bei der ABH am Montag")
    assert noted.status_code == 303
    kept = await post("note", text="x" * 4001)
    assert kept.status_code == 422  # too long for a form field: refused before the service

    assert (await post("priority", priority="2")).status_code == 303
    assert (await services.case_view(ctx, case_id)).priority is CasePriority.URGENT
    assert (await post("priority", priority="7")).status_code == 422

    assert (await post("close", outcome="nonsense")).status_code == 422
    closed = await post("close", outcome="referred")
    assert closed.status_code == 303
    view = await services.case_view(ctx, case_id)
    assert view.status is CaseStatus.CLOSED and view.outcome is CaseOutcome.REFERRED
    page = await client.get(f"/cases/{case_id}", headers=HTML)
    assert "Dieser Fall ist abgeschlossen" in page.text and f'action="/cases/{case_id}/reply"' not in page.text
    again = await post("close", outcome="resolved")
    assert again.status_code == 422  # closed meanwhile (by someone else): said, nothing changes
    too_late = await post("reply", text="Noch etwas")
    assert too_late.status_code == 404

    kinds = sorted(row.kind for row in await services.list_outbox(ctx))
    assert kinds == [OutboxKind.CASE_CLOSED, OutboxKind.STAFF_JOINED, OutboxKind.STAFF_JOINED, OutboxKind.STAFF_REPLY]
    entries = [e for e in (await services.audit_log(ctx, limit=500)).entries if e.case_id == case_id]
    done = [(e.action, e.detail) for e in reversed(entries) if e.action != AuditAction.READ_CASE]
    assert [action for action, _ in done] == [
        AuditAction.CLAIM,
        AuditAction.ASSIGN,
        AuditAction.ASSIGN,
        AuditAction.REPLY,
        AuditAction.NOTE,
        AuditAction.PRIORITY,
        AuditAction.CLOSE,
    ]
    assert [detail for _, detail in done][1:3] == ["root", "queue"] and done[-1][1] == "referred"
    assert all(e.staff_id == coordinator.member.id for e in entries)


async def test_an_unknown_case_is_a_404_page(client, admin_account) -> None:
    token = await log_in(client, admin_account.username)
    assert (await client.get("/cases/4711", headers=HTML)).status_code == 404
    assert (await client.post("/cases/4711/note", data={"csrf_token": token, "text": "x"})).status_code == 404
    assert (await client.get("/cases/not-a-number", headers=HTML)).status_code == 422


async def test_photos_are_shown_and_documents_downloaded_safely(client, ctx, admin_account) -> None:
    case_id = await hand_over(ctx, 3, "ar", "رسالة من المكتب")
    await send_file(ctx, 3, CaseMessageKind.PHOTO, XSS + ".png", "image/png", PNG)
    await send_file(ctx, 3, CaseMessageKind.DOCUMENT, "Bescheid März.pdf", "application/pdf", b"%PDF-1.4 ...")
    await send_file(ctx, 3, CaseMessageKind.DOCUMENT, "page.html", "text/html", b"<script>alert(3)</script>")
    await log_in(client, admin_account.username)
    page = await client.get(f"/cases/{case_id}", headers=HTML)
    files = [int(i) for i in re.findall(r'href="/files/(\d+)"', page.text)]
    assert len(set(files)) == 3
    photo, pdf, html = sorted(set(files))
    assert f'<img src="/files/{photo}" alt="Foto: {ESCAPED}.png"' in page.text and XSS not in page.text
    assert f'<a href="/files/{pdf}" download>Bescheid März.pdf</a>' in page.text

    shown = await client.get(f"/files/{photo}")
    assert shown.status_code == 200 and shown.content == PNG and shown.headers["content-type"] == "image/png"
    assert shown.headers["content-disposition"].startswith("inline; filename=")
    assert shown.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in shown.headers["content-security-policy"]
    document = await client.get(f"/files/{pdf}")
    assert document.headers["content-type"] == "application/pdf"
    assert document.headers["content-disposition"] == (
        "attachment; filename=\"Bescheid M_rz.pdf\"; filename*=UTF-8''Bescheid%20M%C3%A4rz.pdf"
    )
    dangerous = await client.get(f"/files/{html}")
    assert dangerous.headers["content-disposition"].startswith("attachment;")  # never shown as a page
    assert "sandbox" in dangerous.headers["content-security-policy"]
    assert (await client.get("/files/999999")).status_code == 404


async def test_a_canned_reply_can_be_put_into_the_reply(client, ctx, admin_account) -> None:
    await services.save_canned(ctx, "passport", "de", "Pass mitbringen", "Bitte bringen Sie Ihren Pass mit.")
    case_id = await hand_over(ctx, 4, "en", "What do I need?")
    await log_in(client, admin_account.username)
    page = await client.get(f"/cases/{case_id}?canned=passport", headers=HTML)
    assert re.search(r'<textarea id="reply-text"[^>]*>Bitte bringen Sie Ihren Pass mit.</textarea>', page.text)
    assert '<option value="passport">Pass mitbringen</option>' in page.text


async def test_the_case_live_endpoint_answers_only_when_something_was_added(client, ctx, admin_account) -> None:
    case_id = await hand_over(ctx, 5, "en", "hello")
    await log_in(client, admin_account.username)
    page = await client.get(f"/cases/{case_id}", headers=HTML)
    last = int(attribute(page.text, "data-marker"))
    refresh = {"X-Lotse-Refresh": "1"}
    assert (await client.get(f"/cases/{case_id}/live?after={last}", headers=refresh)).status_code == 204
    profile = await services.register_contact(ctx, 5, 5, "en")
    await services.handle_question(ctx, profile, "are you there? " + XSS)
    news = await client.get(f"/cases/{case_id}/live?after={last}", headers=refresh)
    assert news.status_code == 200 and int(news.headers["x-lotse-marker"]) > last
    assert "are you there?" in news.text and ESCAPED in news.text and "<html" not in news.text
    assert (await client.get(f"/cases/{case_id}/live?after={news.headers['x-lotse-marker']}")).status_code == 204
    reads = [a for a in await audit_actions(ctx, case_id) if a == AuditAction.READ_CASE]
    assert len(reads) == 1  # the live checks are not reads of their own


async def test_the_queue_live_endpoint_brings_new_cases(client, ctx, admin_account) -> None:
    await hand_over(ctx, 6, "uk", "Допоможіть")
    await log_in(client, admin_account.username)
    page = await client.get("/?status=open&language=", headers=HTML)
    marker = attribute(page.text, "data-marker")
    live_url = attribute(page.text, "data-live-url").replace("&amp;", "&")
    assert live_url == "/queue/live?status=open"
    refresh = {"X-Lotse-Refresh": "1"}
    assert (await client.get(f"{live_url}&marker={marker}", headers=refresh)).status_code == 204
    new_case = await hand_over(ctx, 7, "fa", "سلام " + XSS)
    news = await client.get(f"{live_url}&marker={marker}", headers=refresh)
    assert news.status_code == 200 and news.headers["x-lotse-marker"] != marker
    assert f'href="/cases/{new_case}"' in news.text and ESCAPED in news.text and XSS not in news.text


async def test_the_queue_filters_by_status_language_topic_and_staff(client, ctx, admin_account, coordinator) -> None:
    german = await hand_over(ctx, 8, "de", "Ich brauche Hilfe")
    ukrainian = await hand_over(ctx, 9, "uk", "Допоможіть")
    closed = await hand_over(ctx, 10, "en", "thanks")
    await services.claim_case(ctx, ukrainian, coordinator.member.id)
    await services.close_case(ctx, closed, CaseOutcome.RESOLVED, coordinator.member.id)
    await log_in(client, coordinator.username)

    async def listed(query: str) -> list[int]:
        page = await client.get(f"/?{query}", headers=HTML)
        assert page.status_code == 200
        return [int(i) for i in re.findall(r'<th scope="row">\s*<a href="/cases/(\d+)">', page.text)]

    assert sorted(await listed("")) == sorted([german, ukrainian])
    assert await listed("language=uk") == [ukrainian]
    assert await listed("assignee=me") == [ukrainian]
    assert await listed("assignee=none") == [german]
    assert await listed(f"assignee={coordinator.member.id}") == [ukrainian]
    assert await listed("status=closed") == [closed]
    assert sorted(await listed("status=all")) == sorted([german, ukrainian, closed])
    assert sorted(await listed("status=nonsense")) == sorted([german, ukrainian])  # the default: open cases
    page = await client.get("/?language=uk", headers=HTML)
    assert '<option value="uk" selected>' in page.text and '<label for="filter-language">' in page.text


async def test_admins_edit_canned_replies(client, ctx, admin_account) -> None:
    token = await log_in(client, admin_account.username)
    saved = await client.post(
        "/admin/canned",
        data={"csrf_token": token, "key": "Call-Back", "language": "de", "title": XSS, "text": "Wir rufen an."},
    )
    assert saved.status_code == 303 and saved.headers["location"] == "/admin/canned?done=saved"
    page = await client.get("/admin/canned", headers=HTML)
    assert "call-back" in page.text and ESCAPED in page.text and XSS not in page.text
    [reply] = await services.canned_replies(ctx)
    empty = await client.post(
        "/admin/canned", data={"csrf_token": token, "key": "x", "language": "de", "title": "t", "text": " "}
    )
    assert empty.status_code == 422
    edit = await client.get(f"/admin/canned?edit={reply.id}", headers=HTML)
    assert 'value="call-back"' in edit.text
    deleted = await client.post(f"/admin/canned/{reply.id}/delete", data={"csrf_token": token})
    assert deleted.status_code == 303 and await services.canned_replies(ctx) == []
    assert (await client.post(f"/admin/canned/{reply.id}/delete", data={"csrf_token": token})).status_code == 404
    actions = [e.action for e in (await services.audit_log(ctx)).entries]
    assert AuditAction.CANNED_SAVED in actions and AuditAction.CANNED_DELETED in actions


async def test_the_knowledge_gap_report(client, ctx, coordinator) -> None:
    for telegram_id, text in ((20, "what is the capital of Peru"), (21, "capital of Peru please " + XSS)):
        profile = await services.register_contact(ctx, telegram_id, telegram_id, "en")
        await services.handle_question(ctx, profile, text)
    await log_in(client, coordinator.username)
    page = await client.get("/knowledge-gaps", headers=HTML)
    assert page.status_code == 200 and "capital of Peru" in page.text and XSS not in page.text
    assert (await client.get("/knowledge-gaps?weeks=0", headers=HTML)).status_code == 422


async def test_a_knowledge_base_answer_put_into_the_reply_reaches_the_user_in_its_curated_text(
    client, ctx, admin_account, kb
) -> None:
    case_id = await hand_over(ctx, 6, "uk", "Як отримати Kindergeld?")
    await log_in(client, admin_account.username)
    page = await client.get(f"/cases/{case_id}?entry=child-benefit", headers=HTML)
    german = kb.get("child-benefit").text("de")
    assert f'<option value="child-benefit">{german.title}</option>' in page.text
    shown = re.search(r'<textarea id="reply-text"[^>]*>(.*?)</textarea>', page.text, re.S)
    assert shown is not None and html.unescape(shown[1]) == german.answer
    queued = await services.reply_to_case(ctx, case_id, html.unescape(shown[1]))  # what the form sends
    await services.translate_waiting_messages(ctx)
    reply = await services.staff_reply_to_send(ctx, queued.case_message_id, "uk")
    assert reply is not None and reply.text == kb.get("child-benefit").text("uk").answer
    assert reply.origin is TranslationOrigin.CURATED  # a person's translation, not a machine's


async def test_a_machine_translation_is_corrected_in_place_on_the_knowledge_gap_page(
    client, ctx, admin_account
) -> None:
    await ctx.translator.store.save("Kindergeld", "de", "ps", "v1", "[machine]", curated=False)
    (waiting,) = await ctx.translator.awaiting_review()
    await log_in(client, admin_account.username)
    page = await client.get("/knowledge-gaps", headers=HTML)
    assert f'action="/translations/{waiting.id}/correct"' in page.text and "[machine]" in page.text
    refused = await client.post(f"/translations/{waiting.id}/correct", data={"text": "x"})
    assert refused.status_code == 403  # no CSRF token
    saved = await client.post(
        f"/translations/{waiting.id}/correct", data={"text": "ماشومانو پیسې", "csrf_token": hidden_value(page.text)}
    )
    assert saved.status_code == 303
    assert await ctx.translator.awaiting_review() == []
    stored = await ctx.translator.store.find("Kindergeld", "de", "ps", [CURATED_VERSION])
    assert [(row.translated_text, row.curated) for row in stored] == [("ماشومانو پیسې", True)]  # users read this
    actions = [e.action for e in (await services.audit_log(ctx)).entries]
    assert AuditAction.TRANSLATION_CORRECTED in actions
