"""Domain errors: the product's one exception tree.

    LotseError          something the user or staff can act on; the base of everything below
    ├── NotFound        what was referred to does not exist (any more): an entry, a case, a log row, an account
    ├── Conflict        the state changed in between (a slot someone else booked first, a username taken)
    ├── InvalidInput    input the domain cannot accept (a language Lotse does not offer, an empty reply, a
    │                   wrong password)
    └── Unavailable     a part the action needs is not there right now (the database not migrated, ...)

`str(error)` is for logs and operators (English, specific). `user_message` is an English msgid from the
interface catalogs that a channel translates for the user. Each channel maps these once: the bot in
`bot/telegram/handlers/errors.py` (a polite, translated text), the CLI prints `str(error)` and exits 1, and
the staff web app will answer 404/409/422/503. Anything that is not a `LotseError` is a bug: it is logged
with its traceback and the user gets the generic apology.
"""

from __future__ import annotations

from typing import ClassVar

from translations import N_


class LotseError(Exception):
    user_message: ClassVar[str] = N_("Sorry, something went wrong on our side. Please try again in a moment.")


class NotFound(LotseError):
    user_message = N_("This is no longer available. Please write your question again.")


class Conflict(LotseError):
    user_message = N_("This has changed in the meantime. Please try again.")


class InvalidInput(LotseError):
    user_message = N_("I cannot accept this. Please check it and try again.")


class Unavailable(LotseError):
    user_message = N_("This is not available right now. Please try again later or talk to a person from our team.")


# --- specific kinds the services raise --------------------------------------------------------------------


class UnknownQuestion(NotFound):
    """A question-log id or an entry id that does not exist (e.g. from an old button)."""


class CaseNotFound(NotFound):
    """No open case with that number, or a message of somebody else's case."""


class UnsupportedLanguage(InvalidInput):
    """A language code the bot does not offer (now)."""


class EmptyText(InvalidInput):
    """A reply or correction with nothing in it."""


class SchemaOutdated(Unavailable):
    """The database is not migrated to this version of Lotse: run `lotse db upgrade`."""


class StaffNotFound(NotFound):
    """No staff account with that username (or id)."""


class UsernameTaken(Conflict):
    """An account with that username exists already."""


class LastAdmin(Conflict):
    """The last active admin cannot be deactivated: nobody could manage the accounts any more."""


class LoginFailed(InvalidInput):
    """Wrong username or password, or a deactivated account (one answer for all three, on purpose)."""


class InvalidUsername(InvalidInput):
    """A username with characters other than a-z, 0-9, '.', '_', '-', or of the wrong length."""


class WeakPassword(InvalidInput):
    """A password shorter than the rule allows (or absurdly long)."""
