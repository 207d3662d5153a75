"""The hand-over to a person: the confirmation, and staff replies in the user's language."""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardMarkup

from bot.services import CaseInfo, StaffReply, TranslationOrigin
from bot.telegram.callbacks import Action
from bot.telegram.render.base import MACHINE_MARK, RendererBase, Reply
from translations.languages import STAFF_LANGUAGE


class HandoverScreens(RendererBase):
    def person_requested(self, case: CaseInfo) -> list[Reply]:
        _ = self._
        blocks = [
            escape(
                _(
                    "Thank you. A person from the team of the Koordinierungsstelle will answer you here in this chat "
                    "(case {number})."
                ).format(number=case.id)
            ),
            escape(
                _(
                    "We answer during office hours, usually within two working days. "
                    "Counselling is free and confidential."
                )
            ),
            escape(
                _(
                    "You can write more details now; we add them to your request. "
                    "In an emergency call 112 (ambulance, fire brigade) or 110 (police)."
                )
            ),
        ]
        return self.finish(blocks)

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
