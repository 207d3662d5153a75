"""HTTP face of the fake Bot API: Telegram's URL scheme for the bot, a client API for users.

- `POST|GET /bot<token>/<method>`: the Bot API, accepting query strings, form, multipart and JSON bodies.
- `/client/<token>/...`: what a Telegram app would do for a user (send, press a button, read the chat),
  used by the test driver and by the demo's browser chat at `/`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from fake_telegram.botapi import BotApiError, FakeBotApi

STATIC_DIR = Path(__file__).resolve().parent / "static"
_USER_ID_LIMIT = 2**52


@dataclass
class UploadedFile:
    filename: str
    content: bytes


async def _params(request: Request) -> dict[str, Any]:
    params: dict[str, Any] = dict(request.query_params)
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/json"):
        body = await request.body()
        if body:
            try:
                data = json.loads(body)
            except json.JSONDecodeError:
                raise BotApiError(400, "Bad Request: can't parse JSON") from None
            if not isinstance(data, dict):
                raise BotApiError(400, "Bad Request: JSON object expected")
            params.update(data)
    elif content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        for key, value in form.multi_items():
            if hasattr(value, "read"):
                params[key] = UploadedFile(getattr(value, "filename", "") or key, await value.read())
            else:
                params[key] = value
    return params


def create_app(api: FakeBotApi, *, with_web_chat: bool = True, web_chat_token: str | None = None) -> Starlette:
    """The ASGI app around `api`. `web_chat_token` is the bot the browser chat at `/` talks to."""

    async def bot_method(request: Request) -> Response:
        token = request.path_params["token"]
        method = request.path_params["method"]
        try:
            params = await _params(request)
            result = await api.call(token, method, params)
        except BotApiError as exc:
            return JSONResponse(exc.payload(), status_code=exc.error_code)
        return JSONResponse({"ok": True, "result": result})

    async def client_send(request: Request) -> Response:
        body = await _json(request)
        user_id = _user_id(body)
        message = await api.user_sends(
            request.path_params["token"],
            user_id,
            text=body.get("text"),
            first_name=body.get("first_name"),
            language_code=body.get("language_code"),
            kind=str(body.get("kind") or "text"),
        )
        return JSONResponse({"ok": True, "result": message})

    async def client_press(request: Request) -> Response:
        body = await _json(request)
        query = await api.user_presses(
            request.path_params["token"], _user_id(body), int(body.get("message_id", 0)), str(body.get("data", ""))
        )
        return JSONResponse({"ok": True, "result": query})

    async def client_messages(request: Request) -> Response:
        token = request.path_params["token"]
        chat_id = int(request.query_params.get("chat_id", "0"))
        after = int(request.query_params.get("after", "0"))
        wait = min(float(request.query_params.get("wait", "0")), 30.0)
        if wait > 0:
            api.bot(token)
            await api.wait_messages(token, chat_id, after, wait)
        return JSONResponse({"ok": True, "result": api.messages(token, chat_id, after)})

    async def client_state(request: Request) -> Response:
        state = api.bot(request.path_params["token"])
        return JSONResponse(
            {
                "ok": True,
                "result": {
                    "calls": [{"method": c["method"], "params": _jsonable(c["params"])} for c in state.calls],
                    "callback_answers": state.callback_answers,
                    "chat_actions": state.chat_actions,
                    "commands": [
                        {"scope": s, "language_code": lang, "commands": cmds}
                        for (s, lang), cmds in state.commands.items()
                    ],
                    "pending_updates": len(state.updates),
                },
            }
        )

    async def client_fail(request: Request) -> Response:
        body = await _json(request)
        api.inject_failure(
            request.path_params["token"],
            str(body["method"]),
            int(body.get("error_code", 429)),
            str(body.get("description", "Too Many Requests: retry after 1")),
            retry_after=body.get("retry_after"),
            count=int(body.get("count", 1)),
        )
        return JSONResponse({"ok": True, "result": True})

    async def client_block(request: Request) -> Response:
        body = await _json(request)
        api.block(request.path_params["token"], _user_id(body), bool(body.get("blocked", True)))
        return JSONResponse({"ok": True, "result": True})

    async def web_chat(request: Request) -> Response:
        return FileResponse(STATIC_DIR / "chat.html", headers={"Cache-Control": "no-store"})

    async def web_chat_asset(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in {"chat.js", "chat.css"}:
            return JSONResponse({"ok": False, "description": "Not Found"}, status_code=404)
        return FileResponse(STATIC_DIR / name, headers={"Cache-Control": "no-store"})

    async def web_chat_config(request: Request) -> Response:
        return JSONResponse({"token": web_chat_token})

    def client(handler):
        async def wrapped(request: Request) -> Response:
            try:
                return await handler(request)
            except BotApiError as exc:
                return JSONResponse(exc.payload(), status_code=exc.error_code)
            except (KeyError, ValueError, TypeError) as exc:
                return JSONResponse(
                    {"ok": False, "error_code": 400, "description": f"Bad Request: {exc}"}, status_code=400
                )

        return wrapped

    routes = [
        Route("/bot{token}/{method}", bot_method, methods=["GET", "POST"]),
        Route("/client/{token}/send", client(client_send), methods=["POST"]),
        Route("/client/{token}/press", client(client_press), methods=["POST"]),
        Route("/client/{token}/messages", client(client_messages), methods=["GET"]),
        Route("/client/{token}/state", client(client_state), methods=["GET"]),
        Route("/client/{token}/fail", client(client_fail), methods=["POST"]),
        Route("/client/{token}/block", client(client_block), methods=["POST"]),
    ]
    if with_web_chat:
        routes += [
            Route("/", web_chat),
            Route("/static/{name}", web_chat_asset),
            Route("/config.json", web_chat_config),
        ]
    return Starlette(routes=routes)


async def _json(request: Request) -> dict[str, Any]:
    try:
        data = json.loads(await request.body() or b"{}")
    except json.JSONDecodeError as exc:
        raise ValueError("body must be JSON") from exc
    if not isinstance(data, dict):
        raise ValueError("body must be a JSON object")
    return data


def _user_id(body: dict[str, Any]) -> int:
    user_id = int(body["user_id"])
    if not 0 < user_id < _USER_ID_LIMIT:
        raise ValueError("user_id out of range")
    return user_id


def _jsonable(value: Any) -> Any:
    if isinstance(value, UploadedFile):
        return {"filename": value.filename, "size": len(value.content)}
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value
