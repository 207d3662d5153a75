"""The signed-in person's own settings: the interface language."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from starlette.responses import RedirectResponse, Response

from admin.deps import Ctx, SignedIn, safe_next
from bot import services

router = APIRouter()


@router.post("/account/language")
async def choose_language(
    ctx: Ctx,
    login: SignedIn,
    language: Annotated[str, Form(max_length=8)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    await services.set_interface_language(ctx, login.staff.id, language)
    return RedirectResponse(safe_next(next), status_code=303)
