"""The audit log (admins only): who did what with which case, newest first."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from starlette.requests import Request
from starlette.responses import Response

from admin.deps import AdminLogin, Ctx, PagesDep, require_admin
from admin.labels import ACTIONS
from bot import services

router = APIRouter(prefix="/admin", dependencies=[Depends(require_admin)])

PAGE_SIZE = 50


@router.get("/audit")
async def audit(
    request: Request, ctx: Ctx, pages: PagesDep, login: AdminLogin, page: int = Query(default=1, ge=1, le=100_000)
) -> Response:
    entries = await services.audit_log(ctx, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    return pages.render(request, "audit/audit.html", section="audit", log=entries, page=page, actions=ACTIONS)
