"""The queue: cases by priority, then by how long the newcomer has waited; filters in a plain GET form.

`/queue/live` is what the page's script asks every two seconds (admin/static/live.js): 204 while nothing
changed, else the results again (so new cases appear without a reload). It does not count as activity.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query
from starlette.requests import Request
from starlette.responses import Response

from admin.deps import Ctx, PagesDep, SignedIn
from bot import services
from bot.services import CaseStatus, QueueFilter, QueuePage, ServiceContext, StaffLogin

router = APIRouter()

PAGE_SIZE = 50
STATUSES = ("open", "closed", "all")


@dataclass(frozen=True)
class Filters:
    """The queue form's values as the page shows them (`assignee`: "", "me", "none" or an account id)."""

    status: str = "open"
    language: str = ""
    topic: str = ""
    assignee: str = ""
    page: int = 1

    def query(self, login: StaffLogin) -> QueueFilter:
        status = None if self.status == "all" else CaseStatus(self.status)
        assignee_id = int(self.assignee) if self.assignee.isdigit() else None
        if self.assignee == "me":
            assignee_id = login.staff.id
        return QueueFilter(
            status=status,
            language=self.language or None,
            topic=self.topic or None,
            assignee_id=assignee_id,
            unassigned=self.assignee == "none",
        )

    def url(self, page: int | None = None) -> str:
        """The query string of these filters (on another page)."""
        values = {"status": self.status, "language": self.language, "topic": self.topic, "assignee": self.assignee}
        values = {key: value for key, value in values.items() if value}
        if (page or self.page) > 1:
            values["page"] = str(page or self.page)
        return urlencode(values)


def filters(
    status: str = Query("open", max_length=10),
    language: str = Query("", max_length=8),
    topic: str = Query("", max_length=64),
    assignee: str = Query("", max_length=12),
    page: int = Query(1, ge=1, le=10_000),
) -> Filters:
    return Filters(status if status in STATUSES else "open", language, topic, assignee, page)


async def _results(ctx: ServiceContext, login: StaffLogin, chosen: Filters) -> QueuePage:
    return await services.case_queue(ctx, chosen.query(login), limit=PAGE_SIZE, offset=(chosen.page - 1) * PAGE_SIZE)


Chosen = Annotated[Filters, Depends(filters)]


@router.get("/")
async def queue(request: Request, ctx: Ctx, pages: PagesDep, login: SignedIn, chosen: Chosen) -> Response:
    results = await _results(ctx, login, chosen)
    staff = [member for member in await services.list_staff(ctx) if member.active]
    return pages.render(
        request,
        "queue/queue.html",
        section="queue",
        results=results,
        chosen=chosen,
        staff=staff,
        statuses=STATUSES,
        marker=await services.queue_marker(ctx),
        page_size=PAGE_SIZE,
    )


@router.get("/queue/live")
async def queue_live(
    request: Request,
    ctx: Ctx,
    pages: PagesDep,
    login: SignedIn,
    chosen: Chosen,
    marker: str = Query("", max_length=100),
) -> Response:
    current = await services.queue_marker(ctx)
    if current == marker:
        return Response(status_code=204)
    results = await _results(ctx, login, chosen)
    return pages.render(
        request,
        "queue/_results.html",
        headers={"X-Lotse-Marker": current},
        results=results,
        chosen=chosen,
        page_size=PAGE_SIZE,
    )
