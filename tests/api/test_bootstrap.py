"""The first admin: STARCERT_BOOTSTRAP_ADMIN_TOKEN at start-up, and `starcert create-admin`."""

from __future__ import annotations

import anyio
import pytest
from pydantic import SecretStr

from app.cli import main as cli_main
from app.config import get_settings
from app.main import create_app
from tests.support.api import Api, assert_problem
from tests.support.inspect import events

TOKEN = "bootstrap-token-for-tests-0123456789"


async def test_bootstrap_admin_is_created_once(api: Api) -> None:
    settings = api.app.state.settings.model_copy(update={"bootstrap_admin_token": SecretStr(TOKEN)})
    for _ in range(2):  # a second start (or a second process) changes nothing
        app = create_app(settings, clock=api.clock, db=api.db)
        async with app.router.lifespan_context(app):
            pass
    me = await api.get("/api/v1/me", headers={"Authorization": f"Bearer {TOKEN}"})
    assert me.status_code == 200, me.text
    assert me.json()["roles"] == ["admin"]
    created = await events(api.db, action="user.created")
    keys = await events(api.db, action="api_key.created")
    assert len(created) == 1 and len(keys) == 1
    assert created[0]["actor_user_id"] is None and keys[0]["actor_user_id"] is None
    assert keys[0]["data"]["prefix"] == "bootstrap"


async def test_no_bootstrap_when_an_admin_exists(api: Api) -> None:
    await api.actor("admin")
    settings = api.app.state.settings.model_copy(update={"bootstrap_admin_token": SecretStr(TOKEN)})
    app = create_app(settings, clock=api.clock, db=api.db)
    async with app.router.lifespan_context(app):
        pass
    bad = await api.get("/api/v1/me", headers={"Authorization": f"Bearer {TOKEN}"})
    assert_problem(bad, 401, "auth.unauthenticated")


async def test_create_admin_prints_a_token_once(
    api: Api, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("STARCERT_DATABASE_URL", api.app.state.settings.database_url)
    get_settings.cache_clear()
    try:
        code = await anyio.to_thread.run_sync(
            cli_main, ["create-admin", "--name", "Chen Jing", "--email", "Chen@Example.org"]
        )
        assert code == 0
        out = capsys.readouterr().out.strip().splitlines()
        assert out[0] == "admin chen@example.org created; its API token (shown only now):"
        me = await api.get("/api/v1/me", headers={"Authorization": f"Bearer {out[1]}"})
        assert me.json()["name"] == "Chen Jing" and me.json()["roles"] == ["admin"]
        with pytest.raises(SystemExit) as dup:
            await anyio.to_thread.run_sync(
                cli_main, ["create-admin", "--name", "X", "--email", "chen@example.org"]
            )
        assert "already exists" in str(dup.value.code)
        with pytest.raises(SystemExit) as bad:
            await anyio.to_thread.run_sync(
                cli_main, ["create-admin", "--name", "X", "--email", "nope"]
            )
        assert "invalid e-mail" in str(bad.value.code)
    finally:
        get_settings.cache_clear()
