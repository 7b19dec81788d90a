"""The verification page in a real browser (Debian's Chromium driven by Playwright), on a
phone-sized screen, against a real server process. A screenshot lands in tests/artifacts/.

Skipped only when no browser can be found, and never when STARCERT_REQUIRE_BROWSER=1 (CI).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app import dburl
from app.db import Database
from tests.support.databases import migrate
from tests.support.factories import make_certificate

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
REQUIRE = os.environ.get("STARCERT_REQUIRE_BROWSER") == "1"
FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, str]]:
    if CHROMIUM is None:
        if REQUIRE:
            pytest.fail("Chromium is required (STARCERT_REQUIRE_BROWSER=1) but not installed")
        pytest.skip("no Chromium on this machine (make test installs it where it can)")
    url = f"sqlite:///{tmp_path}/browser.db"
    migrate(url)
    port = _free_port()
    env = {**os.environ, "STARCERT_DATABASE_URL": url, "STARCERT_PORT": str(port)}
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve"], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{base}/healthz", timeout=0.5).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            pytest.fail("the server did not start")
        yield base, url
    finally:
        process.terminate()
        process.wait(timeout=10)


async def test_verify_page_in_a_real_browser(server: tuple[str, str]) -> None:
    from playwright.async_api import async_playwright

    base, url = server
    db = Database(dburl.sqlalchemy_url(url), pool_size=1)
    try:
        await make_certificate(
            db,
            name="珠海格力电器股份有限公司",
            name_en="Gree Electric Appliances, Inc. of Zhuhai",
            address="广东省珠海市前山金鸡西路789号",
            grade="five_star",
            number="ASC-2026-000042",
        )
        await make_certificate(
            db, name="格力电器（武汉）有限公司", status="suspended", number="ASC-2026-000043"
        )
    finally:
        await db.dispose()

    ARTIFACTS.mkdir(exist_ok=True)
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = await browser.new_context(
            viewport={"width": 390, "height": 844}, device_scale_factor=2, java_script_enabled=False
        )
        page = await context.new_page()
        response = await page.goto(f"{base}/verify/ASC-2026-000042")
        assert response is not None and response.status == 200
        status = page.locator("#status")
        assert (await status.inner_text()).split() == ["有效", "Valid"]
        colour = await status.evaluate("e => getComputedStyle(e).backgroundColor")
        assert colour == "rgb(30, 123, 52)"  # green for a valid certificate
        body = await page.locator("main").inner_text()
        for text in (
            "珠海格力电器股份有限公司",
            "广东省珠海市前山金鸡西路789号",
            "五星级",
            "2029-10-31",
        ):
            assert text in body
        # nothing overflows the phone's width
        assert await page.evaluate("document.documentElement.scrollWidth") <= 390
        await page.screenshot(path=str(ARTIFACTS / "verify-page.png"), full_page=True)

        # the history, and the record on a day through the date form (no JavaScript)
        assert "颁证" in await page.locator("table.grid").last.inner_text()
        await page.fill("input[name=on]", "2026-11-15")
        await page.press("input[name=on]", "Enter")
        await page.wait_for_url(f"{base}/verify/ASC-2026-000042?on=2026-11-15")
        assert "the end of 2026-11-15" in await page.locator("main").inner_text()
        assert await page.evaluate("document.documentElement.scrollWidth") <= 390
        await page.goto(f"{base}/verify/ASC-2026-000042")

        # the search form works without JavaScript
        await page.fill("input[name=q]", "格力")
        await page.press("input[name=q]", "Enter")
        await page.wait_for_url(f"{base}/verify?q=*")
        results = page.locator("ul.results li")
        assert await results.count() == 2
        assert "ASC-2026-000042" in await results.nth(0).inner_text()
        assert "暂停" in await results.nth(1).inner_text()
        await page.screenshot(path=str(ARTIFACTS / "verify-search.png"), full_page=True)
        await page.click("text=ASC-2026-000043")
        assert "暂停" in await page.locator("#status").inner_text()

        missing = await page.goto(f"{base}/verify/ASC-2026-000404")
        assert missing is not None and missing.status == 404
        assert "未找到证书" in await page.locator("main").inner_text()
        await browser.close()
