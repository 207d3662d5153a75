"""Greetings, thanks and 'what can you do' are small talk; questions are not."""

import pytest

from intents import classify_small_talk


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Hallo", "greeting"),
        ("hi!", "greeting"),
        ("السلام عليكم", "greeting"),
        ("مرحبا", "greeting"),
        ("Привіт", "greeting"),
        ("merhaba", "greeting"),
        ("Danke!", "thanks"),
        ("شكرا", "thanks"),
        ("спасибо большое", "thanks"),
        ("شكرا جزيلا", "thanks"),
        ("teşekkürler", "thanks"),
        ("ok thanks bye", "thanks"),
        ("tschüss", "bye"),
        ("what can you do?", "capabilities"),
        ("Was kannst du?", "capabilities"),
        ("что ты умеешь", "capabilities"),
    ],
)
def test_small_talk(text: str, kind) -> None:
    assert classify_small_talk(text) == kind


@pytest.mark.parametrize(
    "text", ["Hallo, wo bekomme ich Kindergeld?", "hi I need a flat", "مرحبا بدي اعمل انملدونغ", "112"]
)
def test_questions_are_not_small_talk(text: str) -> None:
    assert classify_small_talk(text) is None
