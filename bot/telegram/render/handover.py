"""The hand-over to a person: the confirmation, and staff replies in the user's language."""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardMarkup

from bot.services import CaseInfo, ExpectedAnswer, Forwarded, StaffReply, TranslationOrigin
from bot.telegram.callbacks import Action
from bot.telegram.render.base import MACHINE_MARK, RendererBase, Reply
from bot.telegram.render.dates import long_date
from translations import N_
from translations.languages import STAFF_LANGUAGE

BUTTON_RESUME_BOT = N_("Ask the bot again")
BUTTON_WITHDRAW = N_("Withdraw my request")


class HandoverScreens(RendererBase):
    def person_requested(self, case: CaseInfo, expected: ExpectedAnswer | None = None) -> list[Reply]:
        _ = self._
        blocks = [
            escape(
                _(
                    "Thank you. A person from the team of the Koordinierungsstelle will answer you here in this chat "
                    "(case {number})."
                ).format(number=case.id)
            ),
            self.when_to_expect(expected),
            escape(
                _(
                    "You can write more details now, or send a photo of a letter; we add them to your request. "
                    "Until you tap “Ask the bot again”, I pass your messages to the team and do not answer them "
                    "myself."
                )
            ),
            escape(_("In an emergency call 112 (ambulance, fire brigade) or 110 (police).")),
        ]
        return self.finish(blocks, self.handover_keyboard())

    def when_to_expect(self, expected: ExpectedAnswer | None) -> str:
        """The office's hours now: open, or closed (a public holiday says which) until when; the answer by when."""
        _ = self._
        confidential = _("Counselling is free and confidential.")
        if expected is None or expected.next_opening is None or expected.answer_by is None:
            return escape(_("We answer during office hours, usually within two working days.") + " " + confidential)
        by = long_date(expected.answer_by, self.language)
        if expected.open_now:
            text = _("The office is open now. You can expect an answer by {date} at the latest.").format(date=by)
        else:
            opens = expected.next_opening
            when = _("{date} at {time}").format(date=long_date(opens.date(), self.language), time=f"{opens:%H:%M}")
            if expected.holiday:
                closed = _("The office is closed today (public holiday: {holiday}).").format(holiday=expected.holiday)
            else:
                closed = _("The office is closed now.")
            text = " ".join(
                [
                    closed,
                    _("It opens again on {when}.").format(when=when),
                    _("You can expect an answer by {date} at the latest.").format(date=by),
                ]
            )
        return escape(text + " " + confidential)

    def handover_keyboard(self) -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup(
            [[self.button(BUTTON_RESUME_BOT, Action.RESUME_BOT)], [self.button(BUTTON_WITHDRAW, Action.WITHDRAW)]]
        )

    def forwarded(self, forwarded: Forwarded) -> list[Reply]:
        """Said once per case: the message went to the team, the bot does not answer it itself."""
        _ = self._
        if forwarded.reopened:
            text = _(
                "Your request (case {number}) is open again: I have passed your message to the team. "
                "A person will answer you here."
            )
        elif forwarded.notice:
            text = _(
                "I have passed your message to the team (case {number}). While a person is handling your request, "
                "I do not answer from my knowledge base. A person will answer you here."
            )
        else:
            return []
        return self.finish([escape(text.format(number=forwarded.case_id))], self.handover_keyboard())

    def file_received(self, forwarded: Forwarded) -> list[Reply]:
        text = self._("Thank you. Your file has been added to your request (case {number}).")
        keyboard = self.handover_keyboard() if forwarded.notice else None
        return self.finish([escape(text.format(number=forwarded.case_id))], keyboard)

    def file_too_large(self, limit_mb: float) -> list[Reply]:
        text = self._(
            "This file is too large (at most {size} MB). Please send a photo of each page, or a smaller file."
        )
        return self.finish([escape(text.format(size=f"{limit_mb:g}"))])

    def bot_resumed(self, case_id: int) -> list[Reply]:
        _ = self._
        blocks = [
            escape(_("OK, I answer your questions again. Write your question.")),
            escape(
                _("Your request (case {number}) stays open: a person from the team will still answer you here.").format(
                    number=case_id
                )
            ),
        ]
        return self.finish(blocks, InlineKeyboardMarkup([[self.button(BUTTON_WITHDRAW, Action.WITHDRAW)]]))

    def withdrawn(self, case_id: int) -> list[Reply]:
        text = self._("Your request (case {number}) has been withdrawn. You can ask me or the team again at any time.")
        return self.finish([escape(text.format(number=case_id))], InlineKeyboardMarkup([self.person_row()]))

    def no_open_request(self) -> list[Reply]:
        text = self._("You have no open request to the team at the moment. I answer your questions.")
        return self.finish([escape(text)], InlineKeyboardMarkup([self.person_row()]))

    def staff_joined(self, case_id: int, name: str) -> list[Reply]:
        text = self._(
            "{name} from the team of the Koordinierungsstelle is now looking after your request (case {number}) "
            "and will answer you here."
        )
        # the name is what staff chose to show (a first name or a role): someone's text, escaped and isolated
        return self.finish([escape(text).format(name=self.free_text(name), number=case_id)])

    def case_closed(self, case_id: int) -> list[Reply]:
        _ = self._
        blocks = [
            escape(_("The team has closed your request (case {number}).").format(number=case_id)),
            escape(_("How satisfied are you with the help? 1 = not at all, 5 = very satisfied.")),
            escape(_("If you need more help, just write here again.")),
        ]
        stars = [self.labelled_button(f"{n} ★", Action.RATE, case_id, n) for n in range(1, 6)]
        return self.finish(blocks, InlineKeyboardMarkup([stars]))

    def rated(self) -> list[Reply]:
        text = self._("Thank you for your rating! If you like, write a short comment now (optional).")
        return self.finish([escape(text)])

    def comment_saved(self) -> list[Reply]:
        return self.finish([escape(self._("Thank you for your comment! It helps us improve."))])

    def staff_reply(self, reply: StaffReply) -> list[Reply]:
        """A message from a person of the team, in the user's language where possible."""
        _ = self._
        blocks = [
            "<b>" + escape(_("Message from the team of the Koordinierungsstelle:")) + "</b>",
            self.free_text(reply.text),
        ]
        rows = []
        if reply.origin is TranslationOrigin.MACHINE:
            blocks.append("<i>" + MACHINE_MARK + escape(_("Machine translation – not checked by a person.")) + "</i>")
        elif reply.origin is TranslationOrigin.NONE:
            note = _("There is no translation into your language yet; this is the original in German.")
            blocks.append("<i>" + escape(note) + "</i>")
        if reply.origin in (TranslationOrigin.MACHINE, TranslationOrigin.CURATED):
            label = self.original_label(STAFF_LANGUAGE)
            rows.append([self.labelled_button(label, Action.STAFF_ORIGINAL, reply.case_message_id)])
        rows.append(self.person_row())
        return self.finish(blocks, InlineKeyboardMarkup(rows))

    def original_text(self, text: str) -> list[Reply]:
        return self.finish(["<b>" + escape(self.original_label(STAFF_LANGUAGE)) + "</b>", self.free_text(text)])
