"""README.md stays short, and its tour stays true.

The tour is the one ```sh block between ``<!-- tour:begin -->`` and ``<!-- tour:end -->``.
It runs here as printed — bash, curl and python3 — against a real uvicorn server on a free
port over a fresh SQLite database; only its base URL is pointed at that port. An API change
that breaks a step of the README breaks this test.
"""

from __future__ import annotations

import gc
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from app.config import RateLimit, Settings
from app.main import create_app
from tests.support.databases import migrate

README = Path(__file__).resolve().parent.parent / "README.md"
MAX_CHARACTERS = 12_000
TOUR = re.compile(r"<!-- tour:begin -->\n```sh\n(.*?)```\n<!-- tour:end -->", re.DOTALL)
PRINTED_BASE_URL = "http://127.0.0.1:8000"
TOUR_CALLS = 17
ADMIN_TOKEN = "readme-tour-admin-token-27922"


def readme() -> str:
    return README.read_text(encoding="utf-8")


def tour() -> str:
    blocks = TOUR.findall(readme())
    assert len(blocks) == 1, "README.md must hold exactly one tour block between the markers"
    script: str = blocks[0]
    return script


def test_readme_is_under_12000_characters() -> None:
    size = len(readme())
    assert size < MAX_CHARACTERS, (
        f"README.md has {size} characters; keep it under {MAX_CHARACTERS} (details go to docs/)"
    )


def test_the_tour_is_seventeen_calls_to_the_printed_address() -> None:
    script = tour()
    assert len(re.findall(r"\bcurl ", script)) == TOUR_CALLS
    assert script.count(PRINTED_BASE_URL) == 1, "the base URL is set once, as API=..."


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """A uvicorn server in a thread of this process, on a free port, over a fresh SQLite
    database migrated to head, with a bootstrap admin owning ``ADMIN_TOKEN``."""
    url = f"sqlite:///{tmp_path / 'tour.db'}"
    migrate(url)
    settings = Settings(
        database_url=url,
        bootstrap_admin_token=ADMIN_TOKEN,
        public_rate_limit=RateLimit(1000, 60),
    )
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(settings), log_level="warning", lifespan="on")
    uvicorn_server = uvicorn.Server(config)
    thread = threading.Thread(target=uvicorn_server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not uvicorn_server.started:
        assert thread.is_alive(), "the server did not start"
        assert time.monotonic() < deadline, "the server did not start within 20 s"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        uvicorn_server.should_exit = True
        thread.join(timeout=20)
        sock.close()
        gc.unfreeze()  # the application's start-up froze this process's objects


@pytest.mark.skipif(shutil.which("bash") is None, reason="the tour is a bash script")
@pytest.mark.skipif(shutil.which("curl") is None, reason="the tour calls curl")
def test_the_tour_runs_as_printed(server: str) -> None:
    script = tour().replace(PRINTED_BASE_URL, server)
    env = {
        **os.environ,
        "STARCERT_BOOTSTRAP_ADMIN_TOKEN": ADMIN_TOKEN,
        # the tour's python3: this interpreter's directory first (fast, and always there)
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "NO_PROXY": "127.0.0.1",
        "no_proxy": "127.0.0.1",
    }
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],  # noqa: S607 (bash from PATH, as a reader)
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, f"the tour failed:\n{done.stdout}\n{done.stderr}"
    lines = done.stdout.splitlines()
    assert lines[:5] == [
        "Bootstrap administrator",
        "accepted",
        "stage1_passed",
        "five_star",
        "completed",
    ]
    record = json.loads(lines[-1])
    assert re.fullmatch(r"ASC-\d{4}-000001", record["number"])
    assert (record["status"], record["grade"]) == ("active", "five_star")
    assert record["organisation_name"] == "珠海星达电器有限公司"
    assert record["standard"] == "GB/T 27922-2011"
