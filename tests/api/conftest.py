"""Fixtures shared by the API tests: the people of a certification body and their story."""

from __future__ import annotations

import pytest

from tests.support.api import Api
from tests.support.workflow import Cast, Story


@pytest.fixture
async def cast(api: Api) -> Cast:
    return await Cast.hire(api)


@pytest.fixture
def story(api: Api, cast: Cast) -> Story:
    return Story(api, cast)
