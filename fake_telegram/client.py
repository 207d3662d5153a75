"""The client API, `/client/<token>/...`: what a Telegram app does for users, plus test controls.

Users: `send` (text, media, commands; in a group or as a channel post with `chat`; a photo or document
with its bytes as multipart/form-data), `edit`, `press`, `block`. Reading: `messages` (a chat's messages,
both sides), `file` (a file's bytes, as a user's app downloads it), `callback_answer` (the bot's answer to
one button press: the notice a Telegram app shows), `state` (calls, callback answers, files, ...).
Controls: `fail` and `fail/clear` (faults), `advance` (the bot's clock).

Everything a client sends is checked here (JSON types, ranges, valid Unicode, Telegram's lengths) and
refused with 400 and the reason, so that nothing python-telegram-bot cannot parse reaches getUpdates.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from fake_telegram.botapi import FakeBotApi
from fake_telegram.errors import BotApiError, bad_request
from fake_telegram.faults import fault_from_body
from fake_telegram.files import MAX_FILE_NAME, MAX_UPLOAD_SIZE, Upload
from fake_telegram.html import utf16_len
from fake_telegram.updates import MEDIA_KINDS

USER_ID_LIMIT = 2**52  # Telegram's ids fit in 52 bits
MAX_USER_TEXT = 4096
MAX_CAPTION = 1024
UPLOAD_KINDS = ("photo", "document")
_MIME_RE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]{0,126}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}")
MAX_NAME = 64
MAX_TITLE = 128
MAX_CALLBACK_DATA = 64
SUPERGROUP_ID_LIMIT = -(10**12)  # supergroups and channels: -100xxxxxxxxxx; basic groups are above
CHAT_TYPES = ("private", "group", "supergroup", "channel")
MAX_WAIT = 30.0  # seconds a client's long poll (messages, callback_answer) may wait

Handler = Callable[[Request], Awaitable[Response]]


def client_routes(api: FakeBotApi) -> list[Route]:
    def token(request: Request) -> str:
        return str(request.path_params["token"])

    async def send(request: Request) -> Response:
        upload = None
        if request.headers.get("content-type", "").startswith("multipart/form-data"):
            body, upload = await _form(request)
        else:
            body = await _json(request)
        chat = _chat(body.get("chat"))
        channel = chat is not None and chat["type"] == "channel"
        kind = body.get("kind") or ("document" if upload is not None else "text")
        if kind != "text" and kind not in MEDIA_KINDS:
            raise bad_request(f"kind must be text or one of {', '.join(MEDIA_KINDS)}")
        if upload is not None and kind not in UPLOAD_KINDS:
            raise bad_request(f"a file is sent as kind {' or '.join(UPLOAD_KINDS)}")
        message = await api.user_sends(
            token(request),
            None if channel and "user_id" not in body else _user_id(body),
            text=_text(body.get("text"), "text", MAX_USER_TEXT) if kind == "text" else None,
            first_name=_optional_text(body.get("first_name"), "first_name", MAX_NAME),
            language_code=_language(body.get("language_code")),
            kind=kind,
            chat=chat,
            reply_to_message_id=_optional_int(body.get("reply_to_message_id"), "reply_to_message_id", 1, 2**31),
            caption=_optional_text(body.get("caption"), "caption", MAX_CAPTION),
            upload=upload,
        )
        return _ok(message)

    async def file(request: Request) -> Response:
        file_id = request.query_params.get("file_id", "")
        if not file_id:
            raise bad_request("file_id is required")
        stored = api.file(token(request), file_id)
        headers = {"X-Content-Type-Options": "nosniff", "Cache-Control": "private, max-age=3600"}
        if not stored.content_type.startswith("image/"):  # saved, not opened, by the browser
            headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(stored.file_name or file_id)}"
        return Response(stored.content, media_type=stored.content_type, headers=headers)

    async def edit(request: Request) -> Response:
        body = await _json(request)
        chat_id = _optional_int(body.get("chat_id"), "chat_id", -(2**52), USER_ID_LIMIT - 1)
        user_id = None if chat_id is not None and chat_id < 0 and "user_id" not in body else _user_id(body)
        message = await api.user_edits(
            token(request),
            user_id,
            _int(body.get("message_id"), "message_id", 1, 2**31),
            _text(body.get("text"), "text", MAX_USER_TEXT),
            chat_id,
        )
        return _ok(message)

    async def press(request: Request) -> Response:
        body = await _json(request)
        data = body.get("data")
        if not isinstance(data, str) or not 1 <= len(_utf8(data, "data")) <= MAX_CALLBACK_DATA:
            raise bad_request(f"data must be a string of 1-{MAX_CALLBACK_DATA} bytes")
        query = await api.user_presses(
            token(request),
            _user_id(body),
            _int(body.get("message_id"), "message_id", 1, 2**31),
            data,
            _optional_int(body.get("chat_id"), "chat_id", -(2**52), USER_ID_LIMIT - 1),
        )
        return _ok(query)

    async def block(request: Request) -> Response:
        body = await _json(request)
        blocked = body.get("blocked", True)
        if not isinstance(blocked, bool):
            raise bad_request("blocked must be true or false")
        await api.block(token(request), _user_id(body), blocked)
        return _ok(True)

    async def messages(request: Request) -> Response:
        query = request.query_params
        chat_id = _int(_number_text(query.get("chat_id", "0")), "chat_id", -(2**52), USER_ID_LIMIT - 1)
        after = _int(_number_text(query.get("after", "0")), "after", 0, 2**62)
        wait = _wait(query.get("wait", "0"))
        if wait > 0:
            await api.wait_messages(token(request), chat_id, after, wait)
        return _ok(api.messages(token(request), chat_id, after))

    async def callback_answer(request: Request) -> Response:
        query = request.query_params
        query_id = query.get("callback_query_id", "")
        if not query_id:
            raise bad_request("callback_query_id is required")
        answer = await api.callback_answer(token(request), query_id, _wait(query.get("wait", "0")))
        return _ok(answer)

    async def state(request: Request) -> Response:
        bot = api.bot(token(request))
        return _ok(
            {
                "calls": [_call_json(c) for c in bot.calls],
                "callback_answers": bot.callback_answers,
                "chat_actions": bot.chat_actions,
                "commands": [
                    {"scope": s, "language_code": lang, "commands": cmds} for (s, lang), cmds in bot.commands.items()
                ],
                "pending_updates": len(bot.updates),
                "polls_waiting": bot.polls_waiting,
                "faults": dict(bot.faults.fired),
                "rate_limited": dict(bot.limits.hits),
                "clock_offset": bot.clock_offset,
                "files": [file.summary() for file in bot.files.by_id.values()],
            }
        )

    async def fail(request: Request) -> Response:
        api.add_fault(token(request), fault_from_body(await _json(request)))
        return _ok(True)

    async def fail_clear(request: Request) -> Response:
        api.clear_faults(token(request))
        return _ok(True)

    async def advance(request: Request) -> Response:
        seconds = (await _json(request)).get("seconds")
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not 0 <= seconds <= 10**8:
            raise bad_request("seconds must be a number from 0 to 100000000")
        api.advance(token(request), float(seconds))
        return _ok({"clock_offset": api.bot(token(request)).clock_offset})

    return [
        Route("/client/{token}/send", _answering(send), methods=["POST"]),
        Route("/client/{token}/edit", _answering(edit), methods=["POST"]),
        Route("/client/{token}/press", _answering(press), methods=["POST"]),
        Route("/client/{token}/block", _answering(block), methods=["POST"]),
        Route("/client/{token}/messages", _answering(messages), methods=["GET"]),
        Route("/client/{token}/callback_answer", _answering(callback_answer), methods=["GET"]),
        Route("/client/{token}/state", _answering(state), methods=["GET"]),
        Route("/client/{token}/file", _answering(file), methods=["GET"]),
        Route("/client/{token}/fail", _answering(fail), methods=["POST"]),
        Route("/client/{token}/fail/clear", _answering(fail_clear), methods=["POST"]),
        Route("/client/{token}/advance", _answering(advance), methods=["POST"]),
    ]


def _answering(handler: Handler) -> Handler:
    async def wrapped(request: Request) -> Response:
        try:
            return await handler(request)
        except BotApiError as exc:
            return JSONResponse(exc.payload(), status_code=exc.error_code)

    return wrapped


def _wait(value: str) -> float:
    """A long poll's `wait` in seconds, 0-30."""
    try:
        wait = float(value)
    except ValueError:
        raise bad_request("wait must be a number of seconds") from None
    return min(max(wait, 0.0), MAX_WAIT) if wait == wait else 0.0  # NaN: no wait


def _ok(result: Any) -> Response:
    return JSONResponse({"ok": True, "result": result})


def _call_json(call: dict[str, Any]) -> dict[str, Any]:
    data = {"method": call["method"], "params": _jsonable(call["params"])}
    if "fault" in call:
        data["fault"] = call["fault"]
    return data


def _jsonable(value: Any) -> Any:
    if hasattr(value, "filename") and hasattr(value, "content"):
        return {"filename": value.filename, "size": len(value.content)}
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


# --- checking what clients send -------------------------------------------------------------------


async def _json(request: Request) -> dict[str, Any]:
    try:
        data = json.loads(await request.body() or b"{}")
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise bad_request("the body must be JSON") from None
    if not isinstance(data, dict):
        raise bad_request("the body must be a JSON object")
    return data


async def _form(request: Request) -> tuple[dict[str, Any], Upload]:
    """A multipart/form-data `send`: the fields as `send` takes them in JSON (`chat` as JSON text) and the
    file, in the part `file`, with the name and MIME type the client gives it."""
    try:
        form = await request.form(max_files=1, max_fields=20)
    except HTTPException as exc:
        raise bad_request(f"can't parse the form: {exc.detail}") from None
    body: dict[str, Any] = {}
    upload: Upload | None = None
    for key, value in form.multi_items():
        if isinstance(value, UploadFile):
            if key != "file":
                raise bad_request("the file goes in the form field 'file'")
            if value.size is not None and value.size > MAX_UPLOAD_SIZE:
                raise bad_request(f"the file is larger than {MAX_UPLOAD_SIZE >> 20} MB, the most this fake takes")
            content = await value.read()
            if not content:
                raise bad_request("file must be non-empty")
            upload = Upload(content, _file_name(value.filename), _mime_type(value.content_type))
        elif value == "":  # an empty form field is one not given
            continue
        elif key in ("user_id", "reply_to_message_id"):
            body[key] = _number_text(value) if value.isascii() and value.strip("-").isdigit() else value
        elif key == "chat":
            try:
                body[key] = json.loads(value)
            except json.JSONDecodeError:
                raise bad_request("chat must be a JSON object with id, type and title") from None
        else:
            body[key] = value
    if upload is None:
        raise bad_request("there is no file in the request (form field 'file')")
    return body, upload


def _file_name(value: str | None) -> str | None:
    """The name of an uploaded file, without any folders, as Telegram keeps it (None: not given)."""
    if not value:
        return None
    name = value.replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not name:
        return None
    _utf8(name, "file name")
    if "\0" in name or len(name) > MAX_FILE_NAME:
        raise bad_request(f"the file name must be 1-{MAX_FILE_NAME} characters without NUL")
    return name


def _mime_type(value: str | None) -> str | None:
    """The MIME type a client gives (parameters dropped), if it looks like one."""
    mime_type = (value or "").split(";", 1)[0].strip().lower()
    return mime_type if _MIME_RE.fullmatch(mime_type) else None


def _int(value: Any, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise bad_request(f"{name} must be an integer from {low} to {high}")
    return value


def _optional_int(value: Any, name: str, low: int, high: int) -> int | None:
    return None if value is None else _int(value, name, low, high)


def _number_text(value: str) -> int | None:
    try:
        return int(value)
    except ValueError:
        return None


def _user_id(body: dict[str, Any]) -> int:
    value = body.get("user_id")
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)  # the web chat and older drivers may send it as a string
    return _int(value, "user_id", 1, USER_ID_LIMIT - 1)


def _utf8(text: str, name: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        raise bad_request(f"{name} is not valid Unicode (a lone surrogate?)") from None


def _text(value: Any, name: str, limit: int) -> str:
    """User text as Telegram takes it: valid Unicode without NUL, trimmed, 1 to `limit` UTF-16 units."""
    if not isinstance(value, str):
        raise bad_request(f"{name} must be a string")
    _utf8(value, name)
    if "\0" in value:
        raise bad_request(f"{name} must not contain NUL characters")
    value = value.strip(" \n")
    if not value:
        raise bad_request("message text is empty" if name == "text" else f"{name} must not be empty")
    if utf16_len(value) > limit:
        raise bad_request(f"{name} is longer than {limit} UTF-16 code units")
    return value


def _optional_text(value: Any, name: str, limit: int) -> str | None:
    return None if value is None else _text(value, name, limit)


def _language(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if (
        not isinstance(value, str)
        or not 2 <= len(value) <= 35
        or not all(c.isascii() and (c.isalnum() or c == "-") for c in value)
    ):
        raise bad_request("language_code must be an IETF language tag like de or pt-BR")
    return value


def _chat(value: Any) -> dict[str, Any] | None:
    """A group, supergroup or channel: {"id": negative, "type": ..., "title": ...} (None: the private chat)."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise bad_request("chat must be an object with id, type and title")
    chat_type = value.get("type")
    if chat_type not in CHAT_TYPES:
        raise bad_request(f"chat type must be one of {', '.join(CHAT_TYPES)}")
    if chat_type == "private":
        return None
    chat_id = _int(value.get("id"), "chat id", -(2**52), -1)
    if chat_type == "group" and chat_id <= SUPERGROUP_ID_LIMIT:
        raise bad_request("a basic group's id is above -1000000000000 (supergroups and channels are -100...)")
    if chat_type != "group" and chat_id > SUPERGROUP_ID_LIMIT:
        raise bad_request(f"a {chat_type}'s id is -100 followed by 10 or more digits, e.g. -1001234567890")
    title = _text(value.get("title", "Test group"), "chat title", MAX_TITLE)
    return {"id": chat_id, "type": chat_type, "title": title}
