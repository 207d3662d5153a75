"""The domain: conversations, cases, users, statistics. Knows nothing of Telegram or HTTP."""

from bot.services.cases import CaseInfo, CaseSummary, list_cases, open_case
from bot.services.context import ServiceContext, build_context, build_matcher
from bot.services.conversation import (
    Answer,
    NoAnswer,
    Outcome,
    SmallTalkReply,
    Suggestions,
    UnknownQuestion,
    choose_suggestion,
    handle_question,
    record_feedback,
    reject_suggestions,
    remember,
    request_person,
    show_entry,
    unanswered_questions,
)
from bot.services.users import UnsupportedLanguage, UserProfile, choose_language, register_contact

__all__ = [
    "Answer",
    "CaseInfo",
    "CaseSummary",
    "NoAnswer",
    "Outcome",
    "ServiceContext",
    "SmallTalkReply",
    "Suggestions",
    "UnknownQuestion",
    "UnsupportedLanguage",
    "UserProfile",
    "build_context",
    "build_matcher",
    "choose_language",
    "choose_suggestion",
    "handle_question",
    "list_cases",
    "open_case",
    "record_feedback",
    "register_contact",
    "reject_suggestions",
    "remember",
    "request_person",
    "show_entry",
    "unanswered_questions",
]
