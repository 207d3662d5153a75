"""The domain: conversations, hand-overs, the outbox, users. Knows nothing of Telegram or HTTP.

Each module owns one feature; the channels (`bot/telegram`, `bot/cli`, later `admin`) call these functions
with a `ServiceContext` and map `bot.services.errors` to what their users see.
"""

from bot.db import CaseStatus, Sender, TranslationOrigin
from bot.services.context import ServiceContext
from bot.services.conversation import (
    Answer,
    NoAnswer,
    Outcome,
    SmallTalkReply,
    Suggestions,
    choose_suggestion,
    handle_question,
    record_feedback,
    reject_suggestions,
    remember,
    request_person,
    show_entry,
    unanswered_questions,
)
from bot.services.errors import (
    CaseNotFound,
    Conflict,
    EmptyText,
    InvalidInput,
    LotseError,
    NotFound,
    SchemaOutdated,
    Unavailable,
    UnknownQuestion,
    UnsupportedLanguage,
)
from bot.services.handover import (
    CaseInfo,
    CaseLine,
    CaseSummary,
    QueuedReply,
    list_cases,
    open_case,
    original_of,
    reply_to_case,
    translate_waiting_user_messages,
)
from bot.services.localize import CuratedTexts, LocalizedEntry, localize
from bot.services.outbox import StaffReply, claim_staff_replies, mark_failed, mark_sent
from bot.services.retention import purge_old_messages
from bot.services.users import (
    UserProfile,
    choose_language,
    known_language,
    register_contact,
    telegram_language_unsupported,
)

__all__ = [
    "Answer",
    "CaseInfo",
    "CaseLine",
    "CaseNotFound",
    "CaseStatus",
    "CaseSummary",
    "Conflict",
    "CuratedTexts",
    "EmptyText",
    "InvalidInput",
    "LocalizedEntry",
    "LotseError",
    "NoAnswer",
    "NotFound",
    "Outcome",
    "QueuedReply",
    "SchemaOutdated",
    "Sender",
    "ServiceContext",
    "SmallTalkReply",
    "StaffReply",
    "Suggestions",
    "TranslationOrigin",
    "Unavailable",
    "UnknownQuestion",
    "UnsupportedLanguage",
    "UserProfile",
    "choose_language",
    "choose_suggestion",
    "claim_staff_replies",
    "handle_question",
    "known_language",
    "list_cases",
    "localize",
    "mark_failed",
    "mark_sent",
    "open_case",
    "original_of",
    "purge_old_messages",
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
