"""The processes the bench drives: the service and the raw ceiling, each one uvicorn worker."""

from __future__ import annotations

import os
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


# uvicorn is started through these lines, so that the process that serves says which `app`
# package it imported and refuses to serve one from another tree than BENCH_TREE
LAUNCH = """\
import os, sys
from pathlib import Path
import app
tree, where = Path(os.environ["BENCH_TREE"]), Path(app.__file__).resolve().parent.parent
if where != tree:
    sys.exit(f"bench: app imported from {where}, not from {tree}")
print(f"[bench] process {os.getpid()} serves app from {where}", file=sys.stderr, flush=True)
from uvicorn.main import main
main(sys.argv[1:], prog_name="uvicorn")
"""


def in_tree(env: dict[str, str], tree: Path) -> dict[str, str]:
    """``env`` with ``tree`` first on PYTHONPATH, so that its ``app`` package is the one
    imported (the venv's editable install points at this work tree)."""
    path = os.pathsep.join(p for p in (str(tree), env.get("PYTHONPATH", "")) if p)
    return {**env, "PYTHONPATH": path}


@contextmanager
def served(
    app: list[str], port: int, env: dict[str, str], tree: Path = ROOT
) -> Iterator[subprocess.Popen[bytes]]:
    """The app served by uvicorn from ``tree`` (its own ``app`` package first on the path),
    with this interpreter and its packages, until the block ends."""
    tree = tree.resolve()
    process = subprocess.Popen(
        [PYTHON, "-c", LAUNCH, *app, "--host", "127.0.0.1", "--port", str(port), *UVICORN],
        env={**in_tree(env, tree), "BENCH_TREE": str(tree)},
        cwd=tree,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            try:
                httpx.get(f"http://127.0.0.1:{port}/public/v1/certificates/X", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise RuntimeError(f"{app} from {tree} did not start")
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0
