"""Names staff read for what the services store as codes: priorities, outcomes, delivery states, the audit
log's actions and the events in a case's history. msgids of the `admin` domain, translated where shown."""

from __future__ import annotations

import re
from collections.abc import Callable

from admin.i18n import N_
from bot.services import AuditAction, CaseOutcome, CasePriority, OutboxStatus

PRIORITIES: dict[int, str] = {
    CasePriority.NORMAL: N_("Normal"),
    CasePriority.HIGH: N_("High"),
    CasePriority.URGENT: N_("Urgent"),
}

OUTCOMES: dict[str, str] = {
    CaseOutcome.RESOLVED: N_("Resolved"),
    CaseOutcome.REFERRED: N_("Referred to another office"),
    CaseOutcome.NO_RESPONSE: N_("No response"),
    CaseOutcome.WITHDRAWN: N_("Withdrawn"),
    CaseOutcome.DUPLICATE: N_("Duplicate"),
}

DELIVERY: dict[str, str] = {
    OutboxStatus.PENDING: N_("being sent"),
    OutboxStatus.SENT: N_("delivered to Telegram"),
    OutboxStatus.FAILED: N_("not delivered: Telegram refused it"),
    OutboxStatus.GIVEN_UP: N_("not delivered: given up after many attempts"),
    OutboxStatus.UNREACHABLE: N_("waiting: the person blocked the bot"),
    OutboxStatus.CANCELLED: N_("cancelled"),
}

ACTIONS: dict[str, str] = {
    AuditAction.LOGIN: N_("Logged in"),
    AuditAction.LOGIN_FAILED: N_("Login refused"),
    AuditAction.LOGOUT: N_("Logged out"),
    AuditAction.READ_CASE: N_("Read the case"),
    AuditAction.REPLY: N_("Replied"),
    AuditAction.NOTE: N_("Added a note"),
    AuditAction.CLAIM: N_("Took over the case"),
    AuditAction.ASSIGN: N_("Assigned the case"),
    AuditAction.PRIORITY: N_("Changed the priority"),
    AuditAction.CLOSE: N_("Closed the case"),
    AuditAction.EXPORT: N_("Exported"),
    AuditAction.ACCOUNT_ADDED: N_("Added an account"),
    AuditAction.ACCOUNT_DEACTIVATED: N_("Deactivated an account"),
    AuditAction.PASSWORD_CHANGED: N_("Set a new password"),
    AuditAction.CANNED_SAVED: N_("Saved a canned reply"),
    AuditAction.CANNED_DELETED: N_("Deleted a canned reply"),
    AuditAction.TRANSLATION_CORRECTED: N_("Corrected a machine translation"),
}

# The services write a case's events in English (bot/services/casework.py, handover.py); shown translated.
EVENTS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"assigned to (?P<name>.+)"), N_("Assigned to {name}")),
    (re.compile(r"returned to the queue"), N_("Returned to the queue")),
    (re.compile(r"priority (?P<priority>normal|high|urgent)"), N_("Priority: {priority}")),
    (re.compile(r"closed: (?P<outcome>\w+)"), N_("Closed: {outcome}")),
    (re.compile(r"reopened: the user wrote again"), N_("Reopened: the newcomer wrote again")),
    (
        re.compile(r"the user asked the bot again \(hand-over mode ended\)"),
        N_("The newcomer asked the bot again (the bot answers again)"),
    ),
    (re.compile(r"withdrawn by the user"), N_("Withdrawn by the newcomer")),
    (re.compile(r"rated (?P<rating>[1-5]) of 5 by the user"), N_("Rated {rating} of 5 by the newcomer")),
    (re.compile(r"the user commented on the rating"), N_("The newcomer commented on the rating")),
]

_PRIORITY_NAMES = {"normal": CasePriority.NORMAL, "high": CasePriority.HIGH, "urgent": CasePriority.URGENT}


def event_text(text: str, _: Callable[[str], str]) -> str:
    """An event line of a case's history in the reader's language (as stored when it is not a known one)."""
    for pattern, message in EVENTS:
        match = pattern.fullmatch(text)
        if match is None:
            continue
        values = match.groupdict()
        if "priority" in values:
            values["priority"] = _(PRIORITIES[_PRIORITY_NAMES[values["priority"]]])
        if "outcome" in values:
            values["outcome"] = _(OUTCOMES[values["outcome"]]) if values["outcome"] in OUTCOMES else values["outcome"]
        return _(message).format(**values)
    return text
