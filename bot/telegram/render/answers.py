"""Answers from the knowledge base, suggestions, the honest "I don't know", small talk and feedback."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.services import Answer, NoAnswer, SmallTalkReply, Suggestions
from bot.telegram.callbacks import Action
from bot.telegram.render.base import MACHINE_MARK, RendererBase, Reply
from bot.telegram.render.dates import medium_date, opening_hours
from knowledge import Organisation
from translations import N_
from translations.languages import LANGUAGE_NAMES, ORIGINAL_LANGUAGE

BUTTON_HELPED = N_("Yes, this helped")
BUTTON_NOT_HELPED = N_("No")
BUTTON_NONE = N_("None of these")
BUTTON_GERMAN = N_("Show in German")
MAX_CONTACTS = 3


class AnswerScreens(RendererBase):
    def answer(self, answer: Answer) -> list[Reply]:
        _ = self._
        entry = answer.entry
        text = answer.text
        blocks: list[str] = []
        if answer.long_message:
            note = _(
                "Your message is long. I answered the main question I found. Please send other questions one at a time."
            )
            blocks.append("<i>" + escape(note) + "</i>")
        if text.fallback:
            note = _("There is no text in your language yet, so here it is in {language}.")
            blocks.append("<i>" + escape(note.format(language=LANGUAGE_NAMES[text.language])) + "</i>")
        blocks.append("<b>" + escape(text.title) + "</b>")
        blocks.append(escape(text.answer))
        blocks.append(self.contacts(self.kb.organisations_of(entry)[:MAX_CONTACTS]))
        # German titles and names are one left-to-right unit each in a right-to-left chat (free_text)
        sources = " · ".join(
            f'<a href="{escape(s.url, quote=True)}">{self.free_text(s.title)}</a>' for s in entry.sources
        )
        blocks.append(escape(_("Source:")) + " " + sources)
        checked = escape(_("Checked on {date}").format(date=medium_date(entry.reviewed, self.language)))
        if text.machine:
            checked += " · " + MACHINE_MARK + escape(_("Machine translation – not checked by a person."))
        elif text.language != ORIGINAL_LANGUAGE and not text.native_reviewed:
            checked += " · " + escape(_("This translation has not yet been checked by a native speaker."))
        blocks.append("<i>" + checked + "</i>")
        rows = []
        if answer.log_id is not None:
            rows.append(
                [
                    self.button(BUTTON_HELPED, Action.FEEDBACK, answer.log_id, "y"),
                    self.button(BUTTON_NOT_HELPED, Action.FEEDBACK, answer.log_id, "n"),
                ]
            )
            blocks.append(escape(_("Did this help?")))
        if text.machine and self.language != "en":  # the curated English is one tap away
            rows.append([self.original_button(entry.id, "en")])
        if self.language != ORIGINAL_LANGUAGE:  # and the German, to show at the office
            rows.append([self.button(BUTTON_GERMAN, Action.GERMAN, entry.id)])
        if entry.is_sensitive:  # violence, a rejection, a deadline: a person first, not last
            blocks.insert(
                1 + bool(answer.long_message) + bool(text.fallback),
                "<b>"
                + escape(_("You can talk to a person from our team about this – free and confidential."))
                + "</b>",
            )
            rows.insert(0, self.person_row())
        else:
            rows.append(self.person_row())
        return self.finish(blocks, InlineKeyboardMarkup(rows))

    def answer_in_german(self, answer: Answer) -> list[Reply]:
        """The answer and its contact block in German (as the office writes it), headed by one line in the
        user's language: something to show at the counter."""
        german = AnswerScreens(self.kb, self.signer, self.chat_id, ORIGINAL_LANGUAGE)
        parts = german.answer(Answer(answer.entry, answer.text, answer.score, None))
        heading = self._("For the office: here is this answer in German. You can show it at the counter.")
        parts[0].html = self.directional("<i>" + escape(heading) + "</i>") + "\n\n" + parts[0].html
        parts[-1].keyboard = InlineKeyboardMarkup([self.person_row()])
        return parts

    def original_button(self, entry_id: str, language: str) -> InlineKeyboardButton:
        return self.labelled_button(self.original_label(language), Action.ENTRY_ORIGINAL, entry_id, language)

    def contacts(self, organisations: Sequence[Organisation]) -> str:
        _ = self._
        if not organisations:
            return ""
        lines = ["<b>" + escape(_("Contact")) + "</b>"]
        for org in organisations:
            label = org.label(self.language)
            head = "• <b>" + self.free_text(org.name) + "</b>" + (" – " + escape(label) if label else "")
            details = [escape(v) for v in (org.address, org.phone and "☎ " + org.phone, org.email) if v]
            hours = opening_hours(org, self.language, _("open 24 hours, every day"))
            if hours:
                details.append(escape(hours))
            if org.website:
                shown = org.website.removeprefix("https://").rstrip("/")
                details.append(f'<a href="{escape(org.website, quote=True)}">{escape(shown)}</a>')
            lines.append(head)
            if details:
                lines.append("  " + " · ".join(details))
            if org.sample:
                sample = _("(sample contact data: the county replaces it before going live)")
                lines.append("  <i>" + escape(sample) + "</i>")
        return "\n".join(lines)

    def suggestions(self, suggestions: Suggestions) -> list[Reply]:
        _ = self._
        rows = [
            [self.labelled_button(title, Action.SUGGESTION, suggestions.log_id, entry.id)]
            for entry, title in zip(suggestions.entries, suggestions.titles, strict=True)
        ]
        rows.append([self.button(BUTTON_NONE, Action.NO_SUGGESTION, suggestions.log_id)])
        question = _("I am not sure I understood. Do you mean one of these topics?")
        return self.finish([escape(question)], InlineKeyboardMarkup(rows))

    def no_answer(self, no_answer: NoAnswer) -> list[Reply]:
        _ = self._
        blocks = [
            escape(_("Sorry, I do not have a checked answer to this question, and I do not want to guess.")),
            escape(
                _(
                    "A person from the team of the Koordinierungsstelle can help you: tap “Talk to a person”. "
                    "You can also ask your question in other words."
                )
            ),
            escape(_("In an emergency call 112 or 110.")),
        ]
        return self.finish(blocks, InlineKeyboardMarkup([self.person_row()]))

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

    def feedback_thanks(self, helpful: bool) -> str:
        return self._("Thank you for your feedback!") if helpful else self._("Thank you. Sorry that this did not help.")

    def not_helped(self) -> list[Reply]:
        question = self._("Sorry that this did not help. Would you like to ask a person from our team?")
        return self.finish([escape(question)], InlineKeyboardMarkup([self.person_row()]))
