"""The fake Bot API behaves like Telegram over real HTTP: shapes, errors, long polling."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from fake_telegram.spec import shape_problems


@pytest.fixture
async def http(telegram_server, token):
    async with httpx.AsyncClient(base_url=telegram_server.url, timeout=10) as client:
        client.token = token
        yield client


async def call(http, method: str, **params):
    response = await http.post(f"/bot{http.token}/{method}", data={k: v for k, v in params.items()})
    return response.status_code, response.json()


async def user_sends(http, user_id: int, text: str):
    response = await http.post(
        f"/client/{http.token}/send", json={"user_id": user_id, "text": text, "language_code": "ar"}
    )
    return response.json()["result"]


async def test_results_have_the_documented_shapes(http) -> None:
    status, me = await call(http, "getMe")
    assert status == 200 and shape_problems("User", me["result"]) == []
    await user_sends(http, 77, "/start")
    status, updates = await call(http, "getUpdates", timeout=0)
    assert status == 200
    for update in updates["result"]:
        assert shape_problems("Update", update) == []
    status, sent = await call(
        http,
        "sendMessage",
        chat_id=77,
        text="<b>Hallo</b> &amp; willkommen",
        parse_mode="HTML",
        reply_markup='{"inline_keyboard": [[{"text": "Deutsch", "callback_data": "l:de:sig"}]]}',
    )
    assert status == 200 and shape_problems("Message", sent["result"]) == []
    assert sent["result"]["entities"] == [{"type": "bold", "offset": 0, "length": 5}]


async def test_telegram_errors(http, telegram_server) -> None:
    response = await http.post("/botnot-a-token/getMe")
    assert response.status_code == 401 and response.json() == {
        "ok": False,
        "error_code": 401,
        "description": "Unauthorized",
    }
    status, body = await call(http, "noSuchMethod")
    assert status == 404 and body["description"] == "Not Found"
    await user_sends(http, 78, "hi")
    cases = [
        ({"chat_id": 78, "text": "<script>x</script>", "parse_mode": "HTML"}, "can't parse entities"),
        ({"chat_id": 78, "text": "x" * 4097}, "message is too long"),
        ({"chat_id": 78, "text": "  "}, "message text is empty"),
        ({"chat_id": 4242, "text": "hi"}, "chat not found"),
        (
            {
                "chat_id": 78,
                "text": "hi",
                "reply_markup": '{"inline_keyboard": [[{"text": "x", "callback_data": "' + "y" * 65 + '"}]]}',
            },
            "BUTTON_DATA_INVALID",
        ),
    ]
    for params, description in cases:
        status, body = await call(http, "sendMessage", **params)
        assert status == 400 and body["ok"] is False and description in body["description"], body


async def test_injected_rate_limit_carries_retry_after(http) -> None:
    await user_sends(http, 79, "hi")
    await http.post(
        f"/client/{http.token}/fail",
        json={
            "method": "sendMessage",
            "error_code": 429,
            "description": "Too Many Requests: retry after 3",
            "retry_after": 3,
        },
    )
    status, body = await call(http, "sendMessage", chat_id=79, text="hi")
    assert status == 429 and body["parameters"] == {"retry_after": 3}
    status, _ = await call(http, "sendMessage", chat_id=79, text="hi")
    assert status == 200


async def test_blocked_user_gives_403(http) -> None:
    await user_sends(http, 80, "hi")
    await http.post(f"/client/{http.token}/block", json={"user_id": 80})
    status, body = await call(http, "sendMessage", chat_id=80, text="hi")
    assert status == 403 and "blocked" in body["description"]


async def test_get_updates_offset_confirms_and_long_poll_waits(http) -> None:
    await user_sends(http, 81, "one")
    await user_sends(http, 81, "two")
    _, first = await call(http, "getUpdates")
    ids = [u["update_id"] for u in first["result"]]
    assert len(ids) == 2
    _, again = await call(http, "getUpdates", offset=ids[0] + 1)
    assert [u["update_id"] for u in again["result"]] == ids[1:]  # the first one is confirmed and gone

    async def later():
        await asyncio.sleep(0.3)
        await user_sends(http, 81, "three")

    task = asyncio.create_task(later())
    _, waited = await call(http, "getUpdates", offset=ids[1] + 1, timeout=5)
    await task
    assert [u["message"]["text"] for u in waited["result"]] == ["three"]


async def test_competing_get_updates_conflict(http) -> None:
    async def poll():
        return await call(http, "getUpdates", timeout=2)

    first = asyncio.create_task(poll())
    await asyncio.sleep(0.2)
    second = asyncio.create_task(poll())
    (status1, body1), (status2, _) = await asyncio.gather(first, second)
    assert status1 == 409 and "terminated by other getUpdates request" in body1["description"]
    assert status2 == 200


async def test_forms_json_and_query_strings_are_all_accepted(http) -> None:
    await user_sends(http, 82, "hi")
    by_json = await http.post(f"/bot{http.token}/sendMessage", json={"chat_id": 82, "text": "json"})
    by_query = await http.get(f"/bot{http.token}/sendMessage", params={"chat_id": 82, "text": "query"})
    by_multipart = await http.post(
        f"/bot{http.token}/sendDocument", data={"chat_id": "82"}, files={"document": ("report.csv", b"a,b\n1,2\n")}
    )
    assert by_json.json()["ok"] and by_query.json()["ok"]
    document = by_multipart.json()["result"]["document"]
    assert document["file_name"] == "report.csv" and document["file_size"] == 8


async def test_callback_answers_only_once(http) -> None:
    await user_sends(http, 83, "hi")
    _, sent = await call(
        http,
        "sendMessage",
        chat_id=83,
        text="pick",
        reply_markup='{"inline_keyboard": [[{"text": "a", "callback_data": "a"}]]}',
    )
    press = await http.post(
        f"/client/{http.token}/press",
        json={"user_id": 83, "message_id": sent["result"]["message_id"], "data": "forged-anything"},
    )
    query = press.json()["result"]
    assert shape_problems("CallbackQuery", query) == []
    status, _ = await call(http, "answerCallbackQuery", callback_query_id=query["id"], text="ok")
    assert status == 200
    status, body = await call(http, "answerCallbackQuery", callback_query_id=query["id"])
    assert status == 400 and "query is too old" in body["description"]


async def test_explicit_entities_are_checked_and_normalised(http) -> None:
    await user_sends(http, 84, "hi")
    bold = [{"type": "bold", "offset": 0, "length": 2}, {"type": "bold", "offset": 2, "length": 3}]
    response = await http.post(
        f"/bot{http.token}/sendMessage", json={"chat_id": 84, "text": "Hallo ", "entities": bold}
    )
    assert response.json()["result"]["entities"] == [{"type": "bold", "offset": 0, "length": 5}]
    for entities in ([{"type": "bold"}], [{"type": "bold", "offset": "0", "length": 1}], "x"):
        response = await http.post(
            f"/bot{http.token}/sendMessage", json={"chat_id": 84, "text": "x", "entities": entities}
        )
        assert response.status_code == 400, entities
