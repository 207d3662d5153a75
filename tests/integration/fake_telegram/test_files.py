"""Files users send carry their bytes: python-telegram-bot's getFile and download get exactly those back from
the fake's file server, with Telegram's errors for an unknown file id, a file over 20 MB and wrong paths."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
from telegram import Bot, Update
from telegram.error import BadRequest

from fake_telegram import BotObserver, DriverError, FakeTelegramServer, TelegramUser
from fake_telegram.files import MAX_DOWNLOAD_SIZE, image_info, png
from fake_telegram.spec import shape_problems
from tests.integration.fake_telegram.wire import Wire

USER = 701
LETTER = png(64, 48, (250, 240, 230))  # a photo of a letter
PDF = b"%PDF-1.7\n% Bescheid der Ausl\xe4nderbeh\xf6rde\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"


@pytest_asyncio.fixture
async def bot(telegram_server: FakeTelegramServer, token: str) -> AsyncIterator[Bot]:
    """python-telegram-bot's Bot with the fake as its Bot API and file server."""
    async with Bot(token, base_url=telegram_server.base_url, base_file_url=telegram_server.base_file_url) as bot:
        yield bot


@pytest_asyncio.fixture
async def user(telegram_server: FakeTelegramServer, token: str) -> AsyncIterator[TelegramUser]:
    user = TelegramUser(telegram_server.url, token, USER, language_code="de")
    yield user
    await user.aclose()


async def _messages(bot: Bot, count: int) -> list[Any]:
    updates = await bot.get_updates(timeout=5)
    assert len(updates) == count, updates
    await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0)  # confirmed
    return [update.message for update in updates]


async def _download(bot: Bot, file_id: str) -> bytes:
    file = await bot.get_file(file_id)
    return bytes(await file.download_as_bytearray())


async def test_a_photo_and_a_pdf_the_user_sends_are_downloaded_byte_for_byte(bot: Bot, user: TelegramUser) -> None:
    await user.send_photo(LETTER, file_name="brief.png", caption="Mein Brief")
    await user.send_document(PDF, "Bescheid.pdf", mime_type="application/pdf", caption="Seite 1")
    photo_message, document_message = await _messages(bot, 2)

    assert photo_message.caption == "Mein Brief"
    [size] = photo_message.photo
    assert (size.width, size.height, size.file_size) == (64, 48, len(LETTER))
    file = await bot.get_file(size.file_id)
    assert file.file_size == len(LETTER) and file.file_unique_id == size.file_unique_id
    assert file.file_path is not None and file.file_path.endswith("/photos/file_0.png")
    assert bytes(await file.download_as_bytearray()) == LETTER

    document = document_message.document
    assert document_message.caption == "Seite 1"
    assert (document.file_name, document.mime_type, document.file_size) == ("Bescheid.pdf", "application/pdf", len(PDF))
    file = await bot.get_file(document.file_id)
    assert file.file_path is not None and file.file_path.endswith("/documents/file_0.pdf")
    assert bytes(await file.download_as_bytearray()) == PDF
    assert await _download(bot, document.file_id) == PDF  # again: the same path, the same bytes


async def test_an_unknown_file_id_is_a_bad_request(bot: Bot, user: TelegramUser, wire: Wire) -> None:
    with pytest.raises(BadRequest, match="Invalid file_id"):
        await bot.get_file("AgACAgIAAxkBAAIBnothing")
    status, body = await wire.call("getFile", file_id="photo999")
    assert (status, body) == (400, {"ok": False, "error_code": 400, "description": "Bad Request: invalid file_id"})
    status, body = await wire.call("getFile")
    assert status == 400 and body["description"] == "Bad Request: file_id is empty"


async def test_a_file_over_20_mb_is_too_big(bot: Bot, user: TelegramUser, wire: Wire) -> None:
    largest = bytes(MAX_DOWNLOAD_SIZE)
    await user.send_document(largest, "scan-20mb.pdf")
    await user.send_document(largest + b"!", "scan-too-big.pdf")
    just_right, too_big = await _messages(bot, 2)
    assert await _download(bot, just_right.document.file_id) == largest  # 20 MB is still allowed
    with pytest.raises(BadRequest, match="File is too big"):
        await bot.get_file(too_big.document.file_id)
    status, body = await wire.call("getfile", file_id=too_big.document.file_id)  # method names: any case
    assert (status, body["description"]) == (400, "Bad Request: file is too big")
    assert await user.download(too_big.document.file_id) == largest + b"!"  # the user's app still has it


async def test_the_file_server_answers_as_telegrams_does(
    telegram_server: FakeTelegramServer, token: str, user: TelegramUser, wire: Wire
) -> None:
    message = await user.send_document(b"Hallo", "notiz.txt")
    status, body = await wire.call("getFile", file_id=message["document"]["file_id"])
    assert status == 200 and shape_problems("File", body["result"]) == []
    path = body["result"]["file_path"]
    assert path == "documents/file_0.txt"

    ok = await wire.http.get(f"/file/bot{token}/{path}")
    assert ok.status_code == 200 and ok.content == b"Hallo"
    assert ok.headers["content-type"].startswith("text/plain") and ok.headers["x-content-type-options"] == "nosniff"

    other_token = "999001:other-bot"
    telegram_server.add_bot(other_token)
    for url, code, description in (
        (f"/file/bot{token}/documents/file_1.txt", 404, "Not Found"),
        (f"/file/bot{other_token}/{path}", 404, "Not Found"),  # another bot's files are not its own
        (f"/file/bot123:never-registered/{path}", 401, "Unauthorized"),
        (f"/file/botnot-a-token/{path}", 401, "Unauthorized"),
    ):
        response = await wire.http.get(url)
        assert response.status_code == code, url
        assert response.json() == {"ok": False, "error_code": code, "description": description}

    files = (await wire.state())["files"]
    assert [(f["file_path"], f["downloads"], f["file_name"]) for f in files] == [(path, 1, "notiz.txt")]


async def test_an_uploaded_page_is_not_served_as_a_page(token: str, user: TelegramUser, wire: Wire) -> None:
    message = await user.send_document(b"<script>alert(1)</script>", "x.html", mime_type="text/html")
    file_id = message["document"]["file_id"]
    _, body = await wire.call("getFile", file_id=file_id)
    served = await wire.http.get(f"/file/bot{token}/{body['result']['file_path']}")
    assert served.headers["content-type"] == "application/octet-stream"
    downloaded = await wire.http.get(f"/client/{token}/file", params={"file_id": file_id})
    assert downloaded.headers["content-type"] == "application/octet-stream"
    assert downloaded.headers["content-disposition"] == "attachment; filename*=UTF-8''x.html"


async def test_media_sent_without_content_get_placeholders_the_bot_can_download(
    bot: Bot, user: TelegramUser, wire: Wire
) -> None:
    for kind in ("photo", "document", "voice", "video", "sticker", "location"):
        await user.send_media(kind)
    photo, document, voice, video, sticker, location = await _messages(bot, 6)
    [size] = photo.photo
    assert image_info(await _download(bot, size.file_id)) == ("png", size.width, size.height)
    assert document.document.file_name == "scan.pdf"
    assert (await _download(bot, document.document.file_id)).startswith(b"%PDF-")
    for media in (voice.voice, video.video, sticker.sticker):
        content = await _download(bot, media.file_id)
        assert content and len(content) == media.file_size
    assert location.location is not None
    ids = [f["file_id"] for f in (await wire.state())["files"]]
    assert len(ids) == len(set(ids)) == 5  # every file its own id


async def test_a_second_user_gets_other_file_ids(bot: Bot, user: TelegramUser, telegram_server, token) -> None:
    other = TelegramUser(telegram_server.url, token, USER + 1)
    try:
        first = await user.send_photo(LETTER)
        second = await other.send_photo(png(10, 10))
    finally:
        await other.aclose()
    assert first["photo"][0]["file_id"] != second["photo"][0]["file_id"]
    assert await _download(bot, second["photo"][0]["file_id"]) == png(10, 10)


async def test_updates_with_files_have_the_documented_shapes(user: TelegramUser, wire: Wire) -> None:
    await user.send_photo(LETTER, caption="/start hallo")
    await user.send_document(PDF, "Bescheid.pdf")
    group = {"id": -4711, "type": "group", "title": "Beratung"}
    await user.send_photo(LETTER, caption="an @lotse_demo_bot", chat=group)  # a mention reaches the bot
    await user.send_photo(LETTER, caption="nur für die Gruppe", chat=group)  # privacy mode: does not
    status, body = await wire.call("getUpdates", timeout=0)
    assert status == 200 and len(body["result"]) == 3
    for update in body["result"]:
        assert shape_problems("Update", update) == []
        assert Update.de_json(update, None) is not None
    first = body["result"][0]["message"]
    assert first["caption_entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]


async def test_uploads_are_checked(token: str, wire: Wire) -> None:
    async def upload(fields: dict[str, str], file: tuple[str, bytes, str] | None, key: str = "file") -> Any:
        files = {key: file} if file is not None else None
        response = await wire.http.post(f"/client/{token}/send", data=fields, files=files)
        return response.status_code, response.json()

    me = {"user_id": str(USER)}
    refused: list[tuple[dict[str, str], tuple[str, bytes, str] | None, str, str]] = [
        ({**me, "kind": "photo"}, ("a.jpg", b"not an image", "image/jpeg"), "file", "IMAGE_PROCESS_FAILED"),
        ({**me, "kind": "photo"}, ("a.png", LETTER[:20], "image/png"), "file", "IMAGE_PROCESS_FAILED"),
        ({**me, "kind": "sticker"}, ("a.webp", LETTER, "image/webp"), "file", "kind photo or document"),
        ({**me, "kind": "text", "text": "x"}, ("a.txt", b"x", "text/plain"), "file", "kind photo or document"),
        ({**me, "kind": "document"}, ("a.txt", b"", "text/plain"), "file", "file must be non-empty"),
        ({**me, "kind": "document"}, ("a.txt", b"x", "text/plain"), "document", "form field 'file'"),
        ({**me, "kind": "document", "caption": "x" * 1025}, ("a.txt", b"x", "text/plain"), "file", "caption"),
        ({**me, "kind": "document", "chat": "{"}, ("a.txt", b"x", "text/plain"), "file", "chat must be"),
        ({"user_id": "abc", "kind": "document"}, ("a.txt", b"x", "text/plain"), "file", "user_id"),
        ({"kind": "document"}, ("a.txt", b"x", "text/plain"), "file", "user_id"),
        ({**me, "kind": "document"}, ("n" * 256, b"x", "text/plain"), "file", "file name"),
    ]
    for fields, file, key, reason in refused:
        status, body = await upload(fields, file, key)
        assert status == 400 and body["description"].startswith("Bad Request: ") and reason in body["description"], (
            fields,
            body,
        )
    status, body = await upload(me, None)
    assert status == 400, body
    for json_body, reason in (
        ({"user_id": USER, "kind": "location", "caption": "hier"}, "a location has no caption"),
        ({"user_id": USER, "text": "hallo", "caption": "x"}, "no caption"),
        ({"user_id": USER, "kind": "photo", "caption": ""}, "caption must not be empty"),
    ):
        status, body = await wire.post("/send", json_body)
        assert status == 400 and reason in body["description"], body
    assert (await wire.state())["files"] == []  # nothing refused was kept

    status, body = await upload({**me, "caption": "", "reply_to_message_id": ""}, ("C:\\Scans\\brief.pdf", PDF, ""))
    assert status == 200, body
    document = body["result"]["document"]  # a file without a kind is a document; folders are dropped
    assert (document["file_name"], document["mime_type"]) == ("brief.pdf", "application/pdf")
    status, body = await wire.post("/send", {"user_id": USER, "kind": "photo", "caption": "  Seite 2 "})
    assert status == 200 and body["result"]["caption"] == "Seite 2"  # JSON media take a caption too


async def test_a_document_the_bot_sends_can_be_downloaded_and_sent_again(
    bot: Bot, user: TelegramUser, telegram_server: FakeTelegramServer, token: str
) -> None:
    received = await user.send_document(PDF, "Bescheid.pdf")
    photo = await user.send_photo(LETTER)
    sent = await bot.send_document(USER, b"Ihre Unterlagen", filename="unterlagen.txt")
    assert sent.document is not None and sent.document.file_name == "unterlagen.txt"
    assert await _download(bot, sent.document.file_id) == b"Ihre Unterlagen"
    again = await bot.send_document(USER, received["document"]["file_id"])  # by file id, as Telegram allows
    assert again.document is not None and again.document.file_id == received["document"]["file_id"]
    with pytest.raises(BadRequest, match="(?i)can't use file of type photo as document"):
        await bot.send_document(USER, photo["photo"][0]["file_id"])
    reply = await user.reply()
    assert reply.raw["document"]["file_name"] == "unterlagen.txt"
    assert await user.download(reply.raw["document"]["file_id"]) == b"Ihre Unterlagen"
    observer = BotObserver(telegram_server.url, token)
    try:
        kinds = [f["kind"] for f in (await observer.state())["files"]]
    finally:
        await observer.aclose()
    assert kinds == ["document", "photo", "document"]


async def test_a_user_cannot_download_an_unknown_file(user: TelegramUser) -> None:
    with pytest.raises(DriverError, match="invalid file_id"):
        await user.download("photo404")


async def test_the_file_route_needs_a_known_token(telegram_server: FakeTelegramServer) -> None:
    async with httpx.AsyncClient(base_url=telegram_server.url) as http:
        response = await http.get("/client/123:never-registered/file", params={"file_id": "photo1"})
    assert response.status_code == 401
