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
from bot.services.localize import LocalizedEntry, localize
from bot.services.staff import CaseNotFound, QueuedReply, StaffReply, claim_staff_replies, mark_failed, mark_sent, original_of, reply_to_case, translate_waiting_user_messages
from bot.services.users import UnsupportedLanguage, UserProfile, choose_language, register_contact, telegram_language_unsupported

__all__ = [
    "Answer",
    "CaseInfo",
    "CaseNotFound",
    "CaseSummary",
    "LocalizedEntry",
    "NoAnswer",
    "Outcome",
    "QueuedReply",
    "ServiceContext",
    "SmallTalkReply",
    "StaffReply",
    "Suggestions",
    "UnknownQuestion",
    "UnsupportedLanguage",
    "UserProfile",
    "build_context",
    "build_matcher",
    "choose_language",
    "choose_suggestion",
    "claim_staff_replies",
    "handle_question",
    "list_cases",
    "localize",
    "mark_failed",
    "mark_sent",
    "original_of",
    "open_case",
    "record_feedback",
    "register_contact",
    "reject_suggestions",
    "remember",
    "reply_to_case",
    "request_person",
    "show_entry",
    "telegram_language_unsupported",
    "translate_waiting_user_messages",
    "unanswered_questions",
]
