"""Turn service outcomes into Telegram messages: HTML-escaped text in the user's language plus buttons.

One module per feature (`start`, `answers`, `handover`, `errors`); `Renderer` combines their screens so
that a handler renders everything for one chat through one object. The mechanics (translation for the
reader, signed buttons, right-to-left marks, splitting at Telegram's limit) are in `base` and `text`.
"""

from bot.telegram.render.answers import AnswerScreens
from bot.telegram.render.base import MACHINE_MARK, RendererBase, Reply
from bot.telegram.render.emergency import EMERGENCY_MESSAGES, EmergencyScreens
from bot.telegram.render.errors import ErrorScreens
from bot.telegram.render.handover import HandoverScreens
from bot.telegram.render.start import StartScreens, command_descriptions
from bot.telegram.render.text import RLM, TELEGRAM_TEXT_LIMIT, split_paragraphs


class Renderer(StartScreens, AnswerScreens, EmergencyScreens, HandoverScreens, ErrorScreens):
    """Every screen, for one chat in one language."""


__all__ = [
    "EMERGENCY_MESSAGES",
    "MACHINE_MARK",
    "RLM",
    "TELEGRAM_TEXT_LIMIT",
    "Renderer",
    "RendererBase",
    "Reply",
    "command_descriptions",
    "split_paragraphs",
]
