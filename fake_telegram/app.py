"""HTTP face of the fake Bot API: Telegram's URL scheme for the bot, a client API for users.

- `POST|GET /bot<token>/<method>`: the Bot API, accepting query strings, form, multipart and JSON bodies.
- `GET /file/bot<token>/<file_path>`: Telegram's file server, for the `file_path` of getFile.
- `/client/<token>/...`: what a Telegram app would do for a user (send, press a button, read the chat),
  used by the test driver and by the demo's browser chat at `/` (see `fake_telegram.client`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from fake_telegram.botapi import BotApiError, FakeBotApi
from fake_telegram.client import client_routes

STATIC_DIR = Path(__file__).resolve().parent / "static"
DISCONNECT_CHECK = 0.25  # seconds between checks whether a waiting bot is still connected


@dataclass
class UploadedFile:
    filename: str
    content: bytes
    content_type: str = ""


async def _params(request: Request) -> dict[str, Any]:
    params: dict[str, Any] = dict(request.query_params)
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/json"):
        body = await request.body()
        if body:
            try:
                data = json.loads(body)
            except (json.JSONDecodeError, UnicodeDecodeError):
                raise BotApiError(400, "Bad Request: can't parse JSON") from None
            if not isinstance(data, dict):
                raise BotApiError(400, "Bad Request: JSON object expected")
            params.update(data)
    elif content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        for key, value in form.multi_items():
            if hasattr(value, "read"):
                name = getattr(value, "filename", "") or key
                params[key] = UploadedFile(name, await value.read(), getattr(value, "content_type", "") or "")
            else:
                params[key] = value
    return params


async def _unless_disconnected(request: Request, call: asyncio.Future[Any]) -> Any:
    """The call's result; if the client goes away first (a stopped or killed bot), the call is cancelled
    so that a long poll or a held answer does not outlive its client."""
    while True:
        done, _ = await asyncio.wait({call}, timeout=DISCONNECT_CHECK)
        if done:
            return call.result()
        if await request.is_disconnected():
            call.cancel()
            with contextlib.suppress(asyncio.CancelledError, BotApiError):
                await call
            raise _ClientGone


class _ClientGone(Exception):
    pass


def create_app(api: FakeBotApi, *, with_web_chat: bool = True, web_chat_token: str | None = None) -> Starlette:
    """The ASGI app around `api`. `web_chat_token` is the bot the browser chat at `/` talks to."""

    async def bot_method(request: Request) -> Response:
        token = request.path_params["token"]
        method = request.path_params["method"]
        try:
            params = await _params(request)
            result = await _unless_disconnected(request, asyncio.ensure_future(api.call(token, method, params)))
        except BotApiError as exc:
            return JSONResponse(exc.payload(), status_code=exc.error_code)
        except _ClientGone:
            return Response(status_code=499)  # nobody reads it
        return JSONResponse({"ok": True, "result": result})

    async def file_server(request: Request) -> Response:
        try:
            file = api.download(request.path_params["token"], request.path_params["file_path"])
        except BotApiError as exc:
            return JSONResponse(exc.payload(), status_code=exc.error_code)
        return Response(file.content, media_type=file.content_type, headers={"X-Content-Type-Options": "nosniff"})

    async def web_chat(request: Request) -> Response:
        return FileResponse(STATIC_DIR / "chat.html", headers={"Cache-Control": "no-store"})

    async def web_chat_asset(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in {"chat.js", "chat.css"}:
            return JSONResponse({"ok": False, "description": "Not Found"}, status_code=404)
        return FileResponse(STATIC_DIR / name, headers={"Cache-Control": "no-store"})

    async def web_chat_config(request: Request) -> Response:
        return JSONResponse({"token": web_chat_token})

    routes = [
        Route("/bot{token}/{method}", bot_method, methods=["GET", "POST"]),
        Route("/file/bot{token}/{file_path:path}", file_server, methods=["GET"]),
        *client_routes(api),
    ]
    if with_web_chat:
        routes += [
            Route("/", web_chat),
            Route("/static/{name}", web_chat_asset),
            Route("/config.json", web_chat_config),
        ]
    return Starlette(routes=routes)
