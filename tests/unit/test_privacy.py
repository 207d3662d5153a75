"""What goes into the statistics log is stripped of contact data."""

from bot.services.privacy import MAX_LOGGED_CHARS, redact


def test_contact_data_is_redacted() -> None:
    text = "my number is +49 151 2345 6789, mail me at ali.k@example.org, IBAN DE89 3704 0044 0532 0130 00"
    out = redact(text)
    assert "2345" not in out and "example.org" not in out and "3704" not in out
    assert "[number]" in out and "[email]" in out and "[iban]" in out


def test_emergency_numbers_and_short_numbers_stay() -> None:
    assert redact("call 112 or 116117, I have 3 children") == "call 112 or 116117, I have 3 children"


def test_long_text_is_truncated() -> None:
    assert len(redact("a" * 5000)) == MAX_LOGGED_CHARS
