"""The first admin: STARCERT_BOOTSTRAP_ADMIN_TOKEN at start-up, and `starcert create-admin`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import anyio
import pytest
import uvicorn
from pydantic import SecretStr

from app.cli import main as cli_main
from app.config import get_settings
from app.main import create_app
from tests.support.api import Api, assert_problem
from tests.support.inspect import events

TOKEN = "bootstrap-token-for-tests-0123456789"


async def test_bootstrap_admin_is_created_once(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    settings = api.app.state.settings.model_copy(update={"bootstrap_admin_token": SecretStr(TOKEN)})
    lines = []
    for _ in range(2):  # a second start (or a second process) changes nothing
        app = create_app(settings, clock=api.clock, db=api.db)
        caplog.clear()
        with caplog.at_level("INFO", logger="starcert.bootstrap"):
            async with app.router.lifespan_context(app):
                pass
        lines.append([r.getMessage() for r in caplog.records if r.name == "starcert.bootstrap"])
    # start-up says what it did, in one line each time
    assert len(lines[0]) == 1 and lines[0][0].startswith("created administrator")
    assert len(lines[1]) == 1 and "exists already" in lines[1][0]
    assert TOKEN not in lines[0][0] + lines[1][0]
    me = await api.get("/api/v1/me", headers={"Authorization": f"Bearer {TOKEN}"})
    assert me.status_code == 200, me.text
    assert me.json()["roles"] == ["admin"]
    created = await events(api.db, action="user.created")
    keys = await events(api.db, action="api_key.created")
    assert len(created) == 1 and len(keys) == 1
    assert created[0]["actor_user_id"] is None and keys[0]["actor_user_id"] is None
    assert keys[0]["data"]["prefix"] == "bootstrap"


async def test_no_bootstrap_when_an_admin_exists(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    admin = await api.actor("admin")
    settings = api.app.state.settings.model_copy(update={"bootstrap_admin_token": SecretStr(TOKEN)})
    app = create_app(settings, clock=api.clock, db=api.db)
    with caplog.at_level("INFO", logger="starcert.bootstrap"):
        async with app.router.lifespan_context(app):
            pass
    [line] = [r for r in caplog.records if r.name == "starcert.bootstrap"]
    assert line.levelname == "WARNING"
    assert line.getMessage().startswith(
        f"STARCERT_BOOTSTRAP_ADMIN_TOKEN ignored: an administrator exists (user {admin.id})"
    )
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


@pytest.mark.parametrize(
    ("name", "email", "says"),
    [
        ("   ", "chen@example.org", "invalid name"),
        ("x" * 201, "chen@example.org", "invalid name"),
        ("Chen\nJing", "chen@example.org", "invalid name"),
        ("Chen\x00", "chen@example.org", "invalid name"),
        ("Chen Jing", "chen@", "invalid e-mail"),
    ],
)
def test_create_admin_refuses_what_the_api_refuses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, email: str, says: str
) -> None:
    monkeypatch.setenv("STARCERT_DATABASE_URL", f"sqlite:///{tmp_path / 'untouched.db'}")
    get_settings.cache_clear()
    try:
        with pytest.raises(SystemExit) as refused:
            cli_main(["create-admin", "--name", name, "--email", email])
    finally:
        get_settings.cache_clear()
    message = str(refused.value.code)
    assert message.startswith(f"starcert: {says} ") and "\n" not in message
    assert not (tmp_path / "untouched.db").exists()  # refused before touching the database


def test_create_admin_on_an_unmigrated_database_says_migrate_first(tmp_path: Path) -> None:
    env = {**os.environ, "STARCERT_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}"}
    args = ["create-admin", "--name", "Chen Jing", "--email", "chen@example.org"]
    done = subprocess.run(
        [sys.executable, "-m", "app.cli", *args], env=env, capture_output=True, text=True
    )
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        "starcert: the database schema is not migrated to the current version; "
        "run `starcert migrate` first"
    ]


def test_serve_makes_a_failed_start_up_fail_the_process(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: seen.update(kwargs))
    assert cli_main(["serve"]) == 0
    assert seen["lifespan"] == "on"
    assert seen["factory"] is True
