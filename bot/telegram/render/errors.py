"""What the user reads when something did not work: an old button, a domain error, a bug on our side."""

from __future__ import annotations

from html import escape

from bot.services import LotseError
from bot.telegram.render.base import RendererBase, Reply


class ErrorScreens(RendererBase):
    def invalid_button(self) -> str:
        return self._("This button is no longer valid. Please write your question again.")

    def error_text(self, error: BaseException | None = None) -> str:
        """A domain error's polite text (its kind's message); for anything else the generic apology."""
        message = error.user_message if isinstance(error, LotseError) else LotseError.user_message
        return self._(message)

    def error(self, error: BaseException | None = None) -> list[Reply]:
        return self.finish([escape(self.error_text(error))])
