"""Data minimisation: what is stored for statistics is stripped of contact data and identifiers."""

from __future__ import annotations

import re

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){3,7}(?:\s?[A-Z0-9]{1,3})?\b", re.IGNORECASE)
_URL = re.compile(r"https?://\S+")
# Six or more digits, possibly grouped by spaces, dashes, dots or slashes: phone numbers, file numbers,
# dates of birth. Emergency numbers (112, 110, 116117) stay readable.
_LONG_NUMBER = re.compile(r"(?<!\w)\+?\d(?:[\s./-]?\d){5,}(?!\w)")

MAX_LOGGED_CHARS = 500


def redact(text: str) -> str:
    """`text` with e-mail addresses, IBANs, links and long numbers replaced by placeholders."""
    text = _EMAIL.sub("[email]", text)
    text = _URL.sub("[link]", text)
    text = _IBAN.sub("[iban]", text)
    text = _LONG_NUMBER.sub(lambda m: m.group(0) if m.group(0).strip() in ("116117", "116016") else "[number]", text)
    return text[:MAX_LOGGED_CHARS]
