"""The processes the bench drives: the service and the raw ceiling, each one uvicorn worker."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from bench.data import PYTHON, ROOT, env

SERVICE_PORT, CEILING_PORT = 8741, 8742
SERVICE_APP = ["--factory", "app.main:create_app"]
CEILING_APP = ["bench.ceiling:app"]
UVICORN = ["--workers", "1", "--loop", "uvloop", "--http", "httptools", "--no-access-log",
           "--log-level", "warning", "--lifespan", "on"]  # fmt: skip


def service_env(url: str) -> dict[str, str]:
    """The service's settings: the rate limiter on, with a limit it never reaches."""
    return env(url, STARCERT_PUBLIC_RATE_LIMIT="1000000000/minute", STARCERT_LOG_LEVEL="WARNING")


@contextmanager
def served(app: list[str], port: int, env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen(
        [PYTHON, "-m", "uvicorn", *app, "--host", "127.0.0.1", "--port", str(port), *UVICORN],
        env=env,
        cwd=ROOT,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.get(f"http://127.0.0.1:{port}/public/v1/certificates/X", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise RuntimeError(f"{app} did not start")
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0
