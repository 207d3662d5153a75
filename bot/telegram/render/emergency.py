"""The emergency card: a short first answer to a cry for help, and the numbers to call.

It is built from catalog strings only (no knowledge-base text, no translation at the moment of need): the
curated languages have them in their catalogs, and languages reached only by machine translation get them
translated ahead (`EMERGENCY_MESSAGES`, prepared at start-up), else in English. The numbers are Germany's
nationwide numbers (checked facts, as in `organisations.yaml`); the full emergency entry and a person are
one tap away.
"""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardMarkup

from bot.services import EmergencyCard
from bot.telegram.callbacks import Action
from bot.telegram.render.base import RendererBase, Reply
from translations import N_

# Germany's nationwide numbers: the same in organisations.yaml (ids notruf, bereitschaftsdienst,
# hilfetelefon, telefonseelsorge), where their sources are.
FIRE_AND_AMBULANCE = "112"
POLICE = "110"
ON_CALL_DOCTOR = "116117"
VIOLENCE_AGAINST_WOMEN = "116 016"
CRISIS_LINE = "0800 111 0 111"
SAY_ON_THE_PHONE = "Ich brauche Hilfe. Meine Adresse ist: ..."  # read out in German, whatever the user reads

CARD_TITLE = N_("Emergency? Call now. These calls are free, from any phone.")
LINE_112 = N_("{number}: fire brigade and ambulance (danger to life, fire, serious accident)")
LINE_110 = N_("{number}: police (violence, threat, crime)")
LINE_116117 = N_("{number}: doctor on call when your practice is closed (not life-threatening)")
LINE_116016 = N_("{number}: help for women facing violence, day and night, anonymous, in many languages")
LINE_CRISIS = N_("{number}: TelefonSeelsorge, if you think of ending your life; day and night, anonymous")
SAY_LABEL = N_("Say on the phone in German:")
SAY_MEANING = N_("(I need help. My address is: ...)")
BUTTON_FULL = N_("More emergency information")
EMERGENCY_MESSAGES = [
    CARD_TITLE,
    LINE_112,
    LINE_110,
    LINE_116117,
    LINE_116016,
    LINE_CRISIS,
    SAY_LABEL,
    SAY_MEANING,
    BUTTON_FULL,
    N_("Talk to a person"),
]


class EmergencyScreens(RendererBase):
    def emergency_card(self, card: EmergencyCard) -> list[Reply]:
        _ = self._
        lines = [
            (FIRE_AND_AMBULANCE, LINE_112),
            (POLICE, LINE_110),
            (ON_CALL_DOCTOR, LINE_116117),
            (VIOLENCE_AGAINST_WOMEN, LINE_116016),
            (CRISIS_LINE, LINE_CRISIS),
        ]
        numbers = "\n".join(
            "☎ " + escape(_(line)).replace("{number}", f"<b>{escape(number)}</b>", 1) for number, line in lines
        )
        blocks = [
            "🆘 <b>" + escape(_(CARD_TITLE)) + "</b>",
            numbers,
            escape(_(SAY_LABEL)) + "\n<b>" + self.free_text(SAY_ON_THE_PHONE) + "</b>\n" + escape(_(SAY_MEANING)),
        ]
        rows = [[self.button(BUTTON_FULL, Action.ENTRY, card.entry_id)], self.person_row()]
        return self.finish(blocks, InlineKeyboardMarkup(rows))
