"""Which language a message is written in."""

import pytest

from intents.language import detect_language, normalize_language_code
from translations.languages import CURATED_LANGUAGES


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("وين بعمل Anmeldung للبيت", "ar"),
        ("أريد أن أجدد إقامتي", "ar"),
        ("من میخوام کلاس زبان ثبت نام کنم", "fa"),
        ("де мені зробити анмельдунг", "uk"),
        ("где мне сделать регистрацию по месту жительства", "ru"),
        ("oturma izni nasıl uzatılır", "tr"),
        ("Wo bekomme ich einen Termin bei der Ausländerbehörde?", "de"),
        ("how do I open a bank account", "en"),
    ],
)
def test_detects_the_bots_languages(text: str, language: str) -> None:
    assert detect_language(text, CURATED_LANGUAGES) == language


def test_no_letters_no_language() -> None:
    assert detect_language("112 !!!", CURATED_LANGUAGES) is None


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("de", "de"),
        ("de-AT", "de"),
        ("pt-br", None),
        ("fa-IR", "fa"),
        ("prs", "fa"),
        ("UK", "uk"),
        (None, None),
        ("", None),
    ],
)
def test_telegram_language_codes(code, expected) -> None:
    assert normalize_language_code(code, CURATED_LANGUAGES) == expected
