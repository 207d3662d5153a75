"""The renderer's building blocks: translation for one reader, signed buttons, and finishing a message
(the machine-translation mark, right-to-left marks, splitting at Telegram's limit).

Everything the user reads comes from the gettext catalogs (interface) or the knowledge base (content);
user text is always escaped with `html.escape` before it goes into Telegram HTML.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.telegram.callbacks import Action, CallbackSigner
from bot.telegram.render.text import TELEGRAM_TEXT_LIMIT, isolate_free_text, right_to_left, split_paragraphs
from knowledge import KnowledgeBase
from translations import N_, translator
from translations.catalog import has_machine_catalog
from translations.languages import LANGUAGE_NAMES, RTL_LANGUAGES, STAFF_LANGUAGE

MACHINE_MARK = "🤖 "  # understood in every language, even where the label itself is machine-translated

# Button labels, extracted here and translated where they are shown.
BUTTON_PERSON = N_("Talk to a person")
NOTE_MACHINE_INTERFACE = N_(
    "The texts of this bot in your language are machine translations that no person has checked."
)


@dataclass
class Reply:
    """One message to send: Telegram HTML and an optional inline keyboard."""

    html: str
    keyboard: InlineKeyboardMarkup | None = None


class RendererBase:
    """Renders for one chat in one language (button payloads are signed for that chat)."""

    def __init__(self, kb: KnowledgeBase, signer: CallbackSigner, chat_id: int, language: str) -> None:
        if language not in LANGUAGE_NAMES:  # a language Lotse has never offered: the staff's language
            language = STAFF_LANGUAGE
        self.kb = kb
        self.signer = signer
        self.chat_id = chat_id
        self.language = language
        self._: Callable[[str], str] = translator(language)
        # The interface itself is machine-translated (no curated catalog): every message carries the mark.
        self.machine_interface = has_machine_catalog(language)

    def button(self, label: str, action: Action, *args: str | int) -> InlineKeyboardButton:
        """A button with a catalog label (translated here)."""
        return self.labelled_button(self._(label), action, *args)

    def labelled_button(self, text: str, action: Action, *args: str | int) -> InlineKeyboardButton:
        """A button whose text is already what the user reads (a language name, an entry title)."""
        return InlineKeyboardButton(text, callback_data=self.signer.encode(self.chat_id, action, *args))

    def person_row(self) -> list[InlineKeyboardButton]:
        return [self.button(BUTTON_PERSON, Action.PERSON)]

    def finish(self, blocks: Sequence[str], keyboard: InlineKeyboardMarkup | None = None) -> list[Reply]:
        """Join paragraphs, mark right-to-left lines and split to Telegram's limit; buttons go on the last part."""
        blocks = [block for block in blocks if block]
        if self.machine_interface and blocks and not blocks[0].startswith(MACHINE_MARK):
            blocks[0] = MACHINE_MARK + blocks[0]
        paragraphs = [self.directional(block) for block in blocks]
        parts = split_paragraphs(paragraphs, TELEGRAM_TEXT_LIMIT)
        return [Reply(part, keyboard if index == len(parts) - 1 else None) for index, part in enumerate(parts)]

    def directional(self, html: str) -> str:
        return right_to_left(html) if self.language in RTL_LANGUAGES else html

    def free_text(self, text: str) -> str:
        """Escaped text someone wrote (a staff reply, possibly German in an Arabic chat): in a right-to-left
        chat each line keeps its own direction (a German sentence its full stop on the right)."""
        return isolate_free_text(escape(text)) if self.language in RTL_LANGUAGES else escape(text)

    def machine_interface_note(self) -> str:
        """Where the interface is machine-translated, say so (with the mark every such message carries)."""
        if not self.machine_interface:
            return ""
        return "<i>" + MACHINE_MARK + escape(self._(NOTE_MACHINE_INTERFACE)) + "</i>"

    def original_label(self, language: str) -> str:
        return self._("Original: {language}").format(language=LANGUAGE_NAMES[language])
