"""Inline buttons end to end: each action reaches its handler, errors are answered once and honestly."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import text

from bot import services
from bot.services import ServiceContext
from bot.telegram.callbacks import Action, CallbackSigner
from tests.helpers import TEST_SECRET, RunningBot, eventually

APOLOGY = "Sorry, something went wrong on our side. Please try again in a moment."
NO_LONGER_VALID = "This button is no longer valid"


async def _callback_answers(bot: RunningBot, count: int) -> list[dict[str, Any]] | None:
    answers: list[dict[str, Any]] = (await bot.observer.state())["callback_answers"]
    return answers if len(answers) >= count else None


async def _drop_the_question_log(ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fault the feedback handler does not expect: its table is gone (as after a broken migration)."""
    async with ctx.db.engine.begin() as connection:
        await connection.execute(text("ALTER TABLE question_log RENAME TO question_log_gone"))
    return "question_log"


async def _a_bug_raising_value_error(ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch) -> str:
    """A programming error that raises ValueError, which a bare `except ValueError` used to hide."""

    async def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("invalid literal for int() with base 10: 'bug'")

    monkeypatch.setattr(services, "record_feedback", broken)
    return "invalid literal"


@pytest.mark.parametrize("fault", [_drop_the_question_log, _a_bug_raising_value_error])
async def test_a_bug_in_a_button_handler_is_logged_with_its_traceback_and_the_user_gets_the_apology(
    bot: RunningBot,
    ctx: ServiceContext,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    fault: Callable[[ServiceContext, pytest.MonkeyPatch], Awaitable[str]],
) -> None:
    user = bot.user(language_code="en")
    await user.send("how much is kindergeld per child")
    answer = await user.reply()
    expected_in_log = await fault(ctx, monkeypatch)
    with caplog.at_level(logging.INFO, logger="bot"):
        await user.press(answer, "Yes")
        apology = await user.reply()
        answers = await eventually(lambda: _callback_answers(bot, 1))
    assert APOLOGY in apology.text
    assert isinstance(answers, list) and answers[0]["text"] == APOLOGY  # the button's notice too
    assert not any(NO_LONGER_VALID in (a["text"] or "") for a in answers)
    failures = [r for r in caplog.records if r.levelno == logging.ERROR and r.exc_info]
    assert failures, "the unexpected error is logged with its traceback"
    exc_info = failures[0].exc_info
    assert exc_info is not None and expected_in_log in str(exc_info[1])
    assert "Traceback" in caplog.text


async def test_a_domain_error_from_a_button_gets_its_polite_text_and_no_apology(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    user = bot.user(language_code="de")
    await user.send("/start")
    welcome, _picker = await user.replies(2)
    # Signed correctly for this chat, but the entry does not exist (an old button after a content update).
    old_button = CallbackSigner(TEST_SECRET).encode(user.user_id, Action.ENTRY_ORIGINAL, "removed-entry", "de")
    with caplog.at_level(logging.INFO, logger="bot"):
        await user.press(welcome, data=old_button)
        answers = await eventually(lambda: _callback_answers(bot, 1))
    assert isinstance(answers, list)
    assert answers[0]["text"] == "Das ist nicht mehr verfügbar. Bitte schreiben Sie Ihre Frage noch einmal."
    await user.no_reply(within=1.0)  # a notice under the button, no error message in the chat
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
