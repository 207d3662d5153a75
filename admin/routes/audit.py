"""The audit log (admins only): who did what with which case, newest first."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from starlette.requests import Request
from starlette.responses import Response

from admin.deps import AdminLogin, Ctx, PagesDep, require_admin
from admin.i18n import N_
from bot import services
from bot.services import AuditAction

router = APIRouter(prefix="/admin", dependencies=[Depends(require_admin)])

PAGE_SIZE = 50

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
}


@router.get("/audit")
async def audit(
    request: Request, ctx: Ctx, pages: PagesDep, login: AdminLogin, page: int = Query(default=1, ge=1, le=100_000)
) -> Response:
    entries = await services.audit_log(ctx, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    return pages.render(request, "audit/audit.html", section="audit", log=entries, page=page, actions=ACTIONS)
