"""The staff web app on a real database, called over HTTP in-process (httpx's ASGI transport)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI

from admin import create_app
from bot.services import ServiceContext, StaffRole
from tests.staff_helpers import Account, add_account


@pytest.fixture
def app(ctx: ServiceContext) -> FastAPI:
    return create_app(ctx)


@pytest_asyncio.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://admin.test") as client:
        yield client


@pytest_asyncio.fixture
async def second_client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """Another browser (cookies of its own)."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://admin.test") as client:
        yield client


@pytest_asyncio.fixture
async def admin_account(ctx: ServiceContext) -> Account:
    return await add_account(ctx, "root", StaffRole.ADMIN, display_name="Leitung")


@pytest_asyncio.fixture
async def coordinator(ctx: ServiceContext) -> Account:
    return await add_account(ctx, "maria", StaffRole.COORDINATOR, display_name="Maria")
