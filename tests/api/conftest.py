"""Fixtures shared by the API tests: the people of a certification body and their story."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from app.config import Settings
from app.db import Database
from app.main import close_public, create_app
from tests.support.api import Api
from tests.support.workflow import Cast, Story


@pytest.fixture
async def cast(api: Api) -> Cast:
    return await Cast.hire(api)


@pytest.fixture
def story(api: Api, cast: Cast) -> Story:
    return Story(api, cast)


@pytest.fixture
async def other(api: Api) -> AsyncIterator[Api]:
    """A second instance of the service on the same database (another worker)."""
    settings: Settings = api.app.state.settings
    db = Database.from_settings(settings)
    app = create_app(settings, clock=api.clock, db=db)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield Api(app=app, client=client, clock=api.clock, db=db)
    finally:
        await close_public(app)
        await db.dispose()
