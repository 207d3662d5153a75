"""Welcome, language choice, help, and what the bot says to input it cannot use."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from telegram import InlineKeyboardMarkup

from bot.telegram.callbacks import Action
from bot.telegram.render.base import RendererBase, Reply
from translations import N_, translator
from translations.languages import FALLBACK_LANGUAGES, LANGUAGE_NAMES

BUTTON_LANGUAGE = N_("Change language")
PROMPT_LANGUAGE = N_("Please choose your language:")
PROMPT_UNSUPPORTED = N_("Lotse is not available in your language yet. Please choose one of these languages:")


def command_descriptions(language: str) -> list[tuple[str, str]]:
    """The bot's commands with descriptions in `language` (for setMyCommands)."""
    _ = translator(language)
    return [
        ("start", _("Start and choose your language")),
        ("help", _("How the assistant works")),
        ("language", _("Change the language")),
        ("person", _("Talk to a person from our team")),
    ]


class StartScreens(RendererBase):
    def language_picker(self, offered: Sequence[str], *, unsupported: bool = False) -> list[Reply]:
        codes = [code for code in offered if code in LANGUAGE_NAMES]
        rows = [
            [self.labelled_button(LANGUAGE_NAMES[code], Action.LANGUAGE, code) for code in codes[start : start + 2]]
            for start in range(0, len(codes), 2)
        ]
        # The prompt is also shown in English and German so everyone finds their way to the buttons; when
        # Telegram's language is one Lotse cannot serve yet, it says so in English and German.
        prompt = PROMPT_UNSUPPORTED if unsupported else PROMPT_LANGUAGE
        lines = [] if unsupported else [self._(prompt)]
        lines += [translator(language)(prompt) for language in FALLBACK_LANGUAGES]
        return self.finish(["\n".join(escape(t) for t in dict.fromkeys(lines))], InlineKeyboardMarkup(rows))

    def welcome(self) -> list[Reply]:
        """What Lotse does, that a person can help, and how data is handled."""
        return self.finish(
            [*self._welcome_blocks(), self.machine_interface_note()], InlineKeyboardMarkup([self.person_row()])
        )

    def _welcome_blocks(self) -> list[str]:
        _ = self._
        return [
            "<b>" + escape(_("Welcome to Lotse!")) + "</b>",
            escape(
                _(
                    "I am the digital assistant of the Koordinierungsstelle Migration und Teilhabe. "
                    "Ask me your question in your own words, for example about registering your address, "
                    "the Jobcenter, Kita or your residence permit."
                )
            ),
            escape(
                _(
                    "I answer with checked information and name the responsible office and the official source. "
                    "If I do not know the answer, a person from our team will help you."
                )
            ),
            escape(
                _(
                    "Your data: the Koordinierungsstelle stores what you write here so that it can help you. "
                    "Messages in Telegram also pass through Telegram's servers. Ask “data protection” to learn more."
                )
            ),
        ]

    def language_set(self, *, with_welcome: bool = False) -> list[Reply]:
        _ = self._
        blocks = [
            *(self._welcome_blocks() if with_welcome else ()),
            escape(_("Your language: {language}").format(language=LANGUAGE_NAMES[self.language])),
            escape(_("Write your question in your own words, for example: “Where do I register my address?”")),
            self.machine_interface_note(),
        ]
        return self.finish(blocks, self._person_and_language_buttons())

    def help(self) -> list[Reply]:
        _ = self._
        blocks = [
            "<b>" + escape(_("How I can help")) + "</b>",
            escape(
                _(
                    "Write your question as a normal message, in your language. I look for the best checked answer "
                    "and show the responsible office and the official source."
                )
            ),
            "\n".join(
                [
                    "/start – " + escape(_("start again")),
                    "/language – " + escape(_("change the language")),
                    "/person – " + escape(_("talk to a person from our team")),
                    "/help – " + escape(_("this help")),
                ]
            ),
            escape(_("In an emergency call 112 (ambulance, fire brigade) or 110 (police).")),
            self.machine_interface_note(),
        ]
        return self.finish(blocks, self._person_and_language_buttons())

    def _person_and_language_buttons(self) -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup([self.person_row(), [self.button(BUTTON_LANGUAGE, Action.LANGUAGE_MENU)]])

    def non_text(self, voice: bool, *, file: bool = False) -> list[Reply]:
        _ = self._
        if voice:
            text = _(
                "I cannot listen to voice messages. Please write your question as text, or ask a person from our team."
            )
            return self.finish([escape(text)], InlineKeyboardMarkup([self.person_row()]))
        if file:  # a photo of a letter, mostly: a person can read it
            blocks = [
                escape(_("I can only read text. Please write your question as a message.")),
                escape(
                    _(
                        "A person from our team can look at a letter or document: tap “Talk to a person”, "
                        "then send the photo or file again."
                    )
                ),
            ]
            return self.finish(blocks, InlineKeyboardMarkup([self.person_row()]))
        return self.finish([escape(_("I can only read text. Please write your question as a message."))])

    def no_words(self) -> list[Reply]:
        """Only spaces, invisible characters, emoji or punctuation arrived."""
        text = self._("Please write your question in words, for example: “Where do I register my address?”")
        return self.finish([escape(text)])

    def write_privately(self, bot_username: str) -> list[Reply]:
        """A command in a group: Lotse only talks in private chats (what people write there stays private)."""
        text = self._("I only answer in a private chat, so that what you write stays private. Please write to me here:")
        link = f"https://t.me/{bot_username}"
        return self.finish([escape(text) + " " + f'<a href="{escape(link)}">@{escape(bot_username)}</a>'])

    def unknown_command(self) -> list[Reply]:
        text = self._(
            "I do not know this command. You can use /start, /help, /language and /person, or simply write your "
            "question."
        )
        return self.finish([escape(text)])
