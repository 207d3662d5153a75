"""Turn service outcomes into Telegram messages: HTML-escaped text in the user's language plus buttons.

Everything the user reads comes from the gettext catalogs (UI) or the knowledge base (content); user
text is always escaped; right-to-left languages get a right-to-left mark on every line so that lines
starting with a number or a German word still read right to left; messages longer than Telegram's
limit are split at paragraph boundaries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, get_day_names
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.services import Answer, CaseInfo, NoAnswer, SmallTalkReply, StaffReply, Suggestions
from bot.telegram.callbacks import CallbackSigner
from knowledge import KnowledgeBase, Organisation
from knowledge.model import ORIGINAL_LANGUAGE
from translations import LANGUAGE_NAMES, N_, translator
from translations.catalog import has_machine_catalog
from translations.languages import RTL_LANGUAGES

TELEGRAM_TEXT_LIMIT = 4096
RLM = "\u200f"
MACHINE_MARK = "🤖 "  # understood in every language, even where the label itself is machine-translated

# Button labels, extracted here and translated where they are shown.
BUTTON_PERSON = N_("Talk to a person")
BUTTON_HELPED = N_("Yes, this helped")
BUTTON_NOT_HELPED = N_("No")
BUTTON_NONE = N_("None of these")
BUTTON_LANGUAGE = N_("Change language")
PROMPT_LANGUAGE = N_("Please choose your language:")
PROMPT_UNSUPPORTED = N_("Lotse is not available in your language yet. Please choose one of these languages:")
NOTE_MACHINE_INTERFACE = N_(
    "The texts of this bot in your language are machine translations that no person has checked."
)


@dataclass
class Reply:
    """One message to send: Telegram HTML and an optional inline keyboard."""

    html: str
    keyboard: InlineKeyboardMarkup | None = None


class Renderer:
    """Renders for one chat (button payloads are signed for that chat)."""

    def __init__(self, kb: KnowledgeBase, signer: CallbackSigner, chat_id: int, language: str) -> None:
        self.kb = kb
        self.signer = signer
        self.chat_id = chat_id
        self.language = language
        self._ = translator(language)
        # The interface itself is machine-translated (no curated catalog): every message carries the mark.
        self.machine_interface = has_machine_catalog(language)

    # --- building blocks -------------------------------------------------------------------

    def button(self, label: str, action: str, *args: str | int) -> InlineKeyboardButton:
        return InlineKeyboardButton(self._(label), callback_data=self.signer.encode(self.chat_id, action, *args))

    def person_row(self) -> list[InlineKeyboardButton]:
        return [self.button(BUTTON_PERSON, "p")]

    def finish(self, blocks: Sequence[str], keyboard: InlineKeyboardMarkup | None = None) -> list[Reply]:
        """Join paragraphs, mark right-to-left lines and split to Telegram's limit; buttons go on the last part."""
        blocks = [block for block in blocks if block]
        if self.machine_interface and blocks and not blocks[0].startswith(MACHINE_MARK):
            blocks[0] = MACHINE_MARK + blocks[0]
        paragraphs = [self.directional(block) for block in blocks]
        parts = split_paragraphs(paragraphs, TELEGRAM_TEXT_LIMIT)
        return [Reply(part, keyboard if index == len(parts) - 1 else None) for index, part in enumerate(parts)]

    def directional(self, html: str) -> str:
        if self.language not in RTL_LANGUAGES:
            return html
        return "\n".join(RLM + line for line in html.split("\n"))

    def machine_interface_note(self) -> str:
        """Where the interface is machine-translated, say so (with the mark every such message carries)."""
        if not self.machine_interface:
            return ""
        return "<i>" + MACHINE_MARK + escape(self._(NOTE_MACHINE_INTERFACE)) + "</i>"

    # --- screens -----------------------------------------------------------------------------

    def language_picker(self, offered: Sequence[str], *, unsupported: bool = False) -> list[Reply]:
        rows = []
        codes = [code for code in offered if code in LANGUAGE_NAMES]
        for start in range(0, len(codes), 2):
            rows.append(
                [
                    InlineKeyboardButton(
                        LANGUAGE_NAMES[code], callback_data=self.signer.encode(self.chat_id, "l", code)
                    )
                    for code in codes[start : start + 2]
                ]
            )
        # The prompt is also shown in English and German so everyone finds their way to the buttons; when
        # Telegram's language is one Lotse cannot serve yet, it says so in English and German.
        prompt = PROMPT_UNSUPPORTED if unsupported else PROMPT_LANGUAGE
        lines = [] if unsupported else [self._(prompt)]
        lines += [translator(language)(prompt) for language in ("en", "de")]
        return self.finish(["\n".join(escape(t) for t in dict.fromkeys(lines))], InlineKeyboardMarkup(rows))

    def welcome(self) -> list[Reply]:
        _ = self._
        blocks = [
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
            self.machine_interface_note(),
        ]
        return self.finish(blocks, InlineKeyboardMarkup([self.person_row()]))

    def language_set(self) -> list[Reply]:
        _ = self._
        blocks = [
            escape(_("Your language: {language}").format(language=LANGUAGE_NAMES[self.language])),
            escape(_("Write your question in your own words, for example: “Where do I register my address?”")),
            self.machine_interface_note(),
        ]
        return self.finish(blocks, InlineKeyboardMarkup([self.person_row(), [self.button(BUTTON_LANGUAGE, "m")]]))

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
        return self.finish(blocks, InlineKeyboardMarkup([self.person_row(), [self.button(BUTTON_LANGUAGE, "m")]]))

    def answer(self, answer: Answer) -> list[Reply]:
        _ = self._
        entry = answer.entry
        text = answer.text
        blocks: list[str] = []
        if answer.long_message:
            blocks.append(
                "<i>"
                + escape(
                    _(
                        "Your message is long. I answered the main question I found. Please send other questions one at a time."
                    )
                )
                + "</i>"
            )
        if text.fallback:
            blocks.append(
                "<i>"
                + escape(
                    _("There is no text in your language yet, so here it is in {language}.").format(
                        language=LANGUAGE_NAMES[text.language]
                    )
                )
                + "</i>"
            )
        blocks.append("<b>" + escape(text.title) + "</b>")
        blocks.append(escape(text.answer))
        contacts = self.contacts(self.kb.organisations_of(entry)[:3])
        if contacts:
            blocks.append(contacts)
        sources = " · ".join(f'<a href="{escape(s.url, quote=True)}">{escape(s.title)}</a>' for s in entry.sources)
        blocks.append(escape(_("Source:")) + " " + sources)
        checked = escape(
            _("Checked on {date}").format(
                date=format_date(entry.reviewed, format="medium", locale=babel_locale(self.language))
            )
        )
        if text.machine:
            checked += " · " + MACHINE_MARK + escape(_("Machine translation – not checked by a person."))
        elif text.language != ORIGINAL_LANGUAGE and not text.native_reviewed:
            checked += " · " + escape(_("This translation has not yet been checked by a native speaker."))
        blocks.append("<i>" + checked + "</i>")
        rows = []
        if answer.log_id is not None:
            rows.append(
                [
                    self.button(BUTTON_HELPED, "f", answer.log_id, "y"),
                    self.button(BUTTON_NOT_HELPED, "f", answer.log_id, "n"),
                ]
            )
        if text.machine:  # the curated original is one tap away
            rows.append([self.original_button(entry.id, language) for language in ("en", "de")])
        rows.append(self.person_row())
        blocks.append(escape(_("Did this help?")) if answer.log_id is not None else "")
        return self.finish(blocks, InlineKeyboardMarkup(rows))

    def original_button(self, entry_id: str, language: str) -> InlineKeyboardButton:
        label = self._("Original: {language}").format(language=LANGUAGE_NAMES[language])
        return InlineKeyboardButton(label, callback_data=self.signer.encode(self.chat_id, "o", entry_id, language))

    def contacts(self, organisations: Sequence[Organisation]) -> str:
        _ = self._
        if not organisations:
            return ""
        lines = ["<b>" + escape(_("Contact")) + "</b>"]
        for org in organisations:
            label = org.label(self.language)
            head = "• <b>" + escape(org.name) + "</b>" + (" – " + escape(label) if label else "")
            details = [escape(v) for v in (org.address, org.phone and "☎ " + org.phone, org.email) if v]
            hours = self.hours(org)
            if hours:
                details.append(escape(hours))
            if org.website:
                details.append(
                    f'<a href="{escape(org.website, quote=True)}">{escape(org.website.removeprefix("https://").rstrip("/"))}</a>'
                )
            lines.append(head)
            if details:
                lines.append("  " + " · ".join(details))
            if org.sample:
                lines.append(
                    "  <i>" + escape(_("(sample contact data: the county replaces it before going live)")) + "</i>"
                )
        return "\n".join(lines)

    def hours(self, org: Organisation) -> str:
        if org.always_open:
            return self._("open 24 hours, every day")
        if not org.hours:
            return ""
        names = get_day_names("abbreviated", locale=babel_locale(self.language))
        parts = []
        for slot in org.hours:
            parts.append(f"{_day_ranges(slot.weekdays, names)} {slot.opens:%H:%M}–{slot.closes:%H:%M}")
        return "; ".join(parts)

    def suggestions(self, suggestions: Suggestions) -> list[Reply]:
        _ = self._
        rows = [
            [
                InlineKeyboardButton(
                    title, callback_data=self.signer.encode(self.chat_id, "s", suggestions.log_id, entry.id)
                )
            ]
            for entry, title in zip(suggestions.entries, suggestions.titles, strict=True)
        ]
        rows.append([self.button(BUTTON_NONE, "n", suggestions.log_id)])
        return self.finish(
            [escape(_("I am not sure I understood. Do you mean one of these topics?"))], InlineKeyboardMarkup(rows)
        )

    def no_answer(self, no_answer: NoAnswer) -> list[Reply]:
        _ = self._
        blocks = [
            escape(_("Sorry, I do not have a checked answer to this question, and I do not want to guess.")),
            escape(
                _(
                    "I have passed your question to the team of the Koordinierungsstelle (case {number}). They can answer you here in this chat."
                ).format(number=no_answer.case.id)
            ),
            escape(
                _("If you would like a person to contact you, tap “Talk to a person”. In an emergency call 112 or 110.")
            ),
        ]
        return self.finish(blocks, InlineKeyboardMarkup([self.person_row()]))

    def person_requested(self, case: CaseInfo) -> list[Reply]:
        _ = self._
        blocks = [
            escape(
                _(
                    "Thank you. A person from the team of the Koordinierungsstelle will answer you here in this chat (case {number})."
                ).format(number=case.id)
            ),
            escape(
                _(
                    "We answer during office hours, usually within two working days. Counselling is free and confidential."
                )
            ),
            escape(
                _(
                    "You can write more details now; we add them to your request. In an emergency call 112 (ambulance, fire brigade) or 110 (police)."
                )
            ),
        ]
        return self.finish(blocks)

    def small_talk(self, reply: SmallTalkReply) -> list[Reply]:
        _ = self._
        texts = {
            "greeting": _(
                "Hello! How can I help you? Write your question, for example: “Where do I register my address?”"
            ),
            "thanks": _("You are welcome! Write to me again at any time."),
            "bye": _("Goodbye and all the best! You can write to me again at any time."),
            "capabilities": _(
                "I answer questions about living in Germany and in our county: registering your address, residence, "
                "work, money, school and Kita, health and more. I name the responsible office and the official source, "
                "and I can put you in touch with a person from our team."
            ),
        }
        return self.finish([escape(texts[reply.kind])], InlineKeyboardMarkup([self.person_row()]))

    def staff_reply(self, reply: StaffReply) -> list[Reply]:
        """A message from a person of the team, in the user's language where possible."""
        _ = self._
        blocks = ["<b>" + escape(_("Message from the team of the Koordinierungsstelle:")) + "</b>", escape(reply.text)]
        rows = []
        if reply.origin == "machine":
            blocks.append("<i>" + MACHINE_MARK + escape(_("Machine translation – not checked by a person.")) + "</i>")
        elif reply.origin == "none":
            blocks.append(
                "<i>"
                + escape(_("There is no translation into your language yet; this is the original in German."))
                + "</i>"
            )
        if reply.origin in ("machine", "curated"):
            label = self._("Original: {language}").format(language=LANGUAGE_NAMES["de"])
            rows.append(
                [
                    InlineKeyboardButton(
                        label, callback_data=self.signer.encode(self.chat_id, "r", reply.case_message_id)
                    )
                ]
            )
        rows.append(self.person_row())
        return self.finish(blocks, InlineKeyboardMarkup(rows))

    def original_text(self, text: str) -> list[Reply]:
        return self.finish(
            [
                "<b>" + escape(self._("Original: {language}").format(language=LANGUAGE_NAMES["de"])) + "</b>",
                escape(text),
            ]
        )

    def feedback_thanks(self, helpful: bool) -> str:
        return self._("Thank you for your feedback!") if helpful else self._("Thank you. Sorry that this did not help.")

    def not_helped(self) -> list[Reply]:
        _ = self._
        return self.finish(
            [escape(_("Sorry that this did not help. Would you like to ask a person from our team?"))],
            InlineKeyboardMarkup([self.person_row()]),
        )

    def invalid_button(self) -> str:
        return self._("This button is no longer valid. Please write your question again.")

    def non_text(self, voice: bool) -> list[Reply]:
        _ = self._
        if voice:
            text = _(
                "I cannot listen to voice messages. Please write your question as text, or ask a person from our team."
            )
            return self.finish([escape(text)], InlineKeyboardMarkup([self.person_row()]))
        return self.finish([escape(_("I can only read text. Please write your question as a message."))])

    def unknown_command(self) -> list[Reply]:
        return self.finish(
            [
                escape(
                    self._(
                        "I do not know this command. You can use /start, /help, /language and /person, or simply write your question."
                    )
                )
            ]
        )

    def error(self) -> list[Reply]:
        return self.finish([escape(self._("Sorry, something went wrong on our side. Please try again in a moment."))])


def babel_locale(language: str) -> str:
    """`language` if Babel has locale data for it (day names, dates), else English."""
    try:
        Locale.parse(language)
    except (UnknownLocaleError, ValueError):
        return "en"
    return language


def command_descriptions(language: str) -> list[tuple[str, str]]:
    """The bot's commands with descriptions in `language` (for setMyCommands)."""
    _ = translator(language)
    return [
        ("start", _("Start and choose your language")),
        ("help", _("How the assistant works")),
        ("language", _("Change the language")),
        ("person", _("Talk to a person from our team")),
    ]


def _day_ranges(weekdays: Sequence[int], names: dict[int, str]) -> str:
    days = sorted(set(weekdays))
    groups: list[list[int]] = []
    for day in days:
        if groups and day == groups[-1][-1] + 1:
            groups[-1].append(day)
        else:
            groups.append([day])
    return ", ".join(names[g[0]] if len(g) == 1 else f"{names[g[0]]}–{names[g[-1]]}" for g in groups)


def split_paragraphs(paragraphs: Sequence[str], limit: int) -> list[str]:
    """Pack paragraphs into messages of at most `limit` characters; split an oversized paragraph at
    line breaks, then at spaces outside tags and entities."""
    pieces: list[str] = []
    for paragraph in paragraphs:
        pieces.extend(_split_long(paragraph, limit))
    messages: list[str] = []
    current = ""
    for piece in pieces:
        candidate = f"{current}\n\n{piece}" if current else piece
        if len(candidate) <= limit:
            current = candidate
        else:
            messages.append(current)
            current = piece
    if current:
        messages.append(current)
    return messages or [""]


def _split_long(text: str, limit: int) -> list[str]:
    if len(text) <= limit:
        return [text]
    lines = text.split("\n")
    if len(lines) > 1:
        out: list[str] = []
        current = ""
        for line in lines:
            for chunk in _split_long(line, limit):
                candidate = f"{current}\n{chunk}" if current else chunk
                if len(candidate) <= limit:
                    current = candidate
                else:
                    out.append(current)
                    current = chunk
        if current:
            out.append(current)
        return out
    cut = _safe_cut(text, limit)
    return [text[:cut].rstrip(), *_split_long(text[cut:].lstrip(), limit)]


def _safe_cut(text: str, limit: int) -> int:
    """The last position <= limit that is a space outside a tag or an entity (else outside either)."""
    best_space = best_any = 0
    in_tag = in_entity = False
    for index, char in enumerate(text[: limit + 1]):
        if not in_tag and not in_entity:
            best_any = index
            if char == " ":
                best_space = index
        if char == "<":
            in_tag = True
        elif char == ">":
            in_tag = False
        elif char == "&":
            in_entity = True
        elif char == ";":
            in_entity = False
    return best_space or best_any or limit
