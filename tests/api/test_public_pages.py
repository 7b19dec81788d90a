"""The human pages /verify/{number} and /verify?q=: HTML, Chinese with English, no script."""

from __future__ import annotations

from datetime import date

from tests.support.api import Api
from tests.support.factories import make_certificate


async def test_certificate_page(api: Api) -> None:
    await make_certificate(
        api.db,
        name="珠海格力电器股份有限公司",
        name_en="Gree Electric Appliances, Inc. of Zhuhai",
        address="珠海市前山金鸡西路",
        grade="five_star",
        number="ASC-2026-000001",
    )
    response = await api.get("/verify/asc-2026-000001")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    html = response.text
    for text in (
        "珠海格力电器股份有限公司",
        "Gree Electric Appliances, Inc. of Zhuhai",
        "珠海市前山金鸡西路",
        "有效",
        "Valid",
        "五星级",
        "★★★★★",
        "ASC-2026-000001",
        "GB/T 27922-2011",
        "2029-10-31",
        'class="status active"',
    ):
        assert text in html, text
    assert "<script" not in html.lower()
    assert 'name="viewport"' in html

    assert "2026-11-01 至 2029-10-31" in html and "from 2026-11-01 to 2029-10-31" in html

    api.clock.set_today(date(2029, 11, 1))
    expired = (await api.get("/verify/ASC-2026-000001")).text
    assert "过期" in expired and "Expired" in expired and "本证书目前无效" in expired
    assert "Status since" in expired and "2029-11-01" in expired


async def test_the_page_says_since_when_and_from_when(api: Api) -> None:
    await make_certificate(
        api.db, name="美的集团", status="suspended", number="ASC-2026-000001",
        issued_on=date(2026, 5, 4),
    )  # fmt: skip
    await make_certificate(
        api.db, name="海尔智家", number="ASC-2026-000002", issued_on=date(2026, 11, 1),
        valid_from=date(2027, 1, 1),
    )  # fmt: skip
    suspended = (await api.get("/verify/ASC-2026-000001")).text
    assert "本证书自 2026-05-04 起暂停" in suspended
    assert "suspended since 2026-05-04" in suspended
    not_yet = (await api.get("/verify/ASC-2026-000002")).text
    assert "本证书自 2027-01-01 起有效" in not_yet and "valid from 2027-01-01" in not_yet
    assert "2027-01-01 至 2029-12-31" in not_yet and "本证书有效。" not in not_yet
    api.clock.set_today(date(2027, 1, 1))
    valid = (await api.get("/verify/ASC-2026-000002")).text
    assert "本证书有效。This certificate is valid." in valid and "valid from" not in valid


async def test_unknown_certificate_page_is_404_html(api: Api) -> None:
    response = await api.get("/verify/ASC-2026-000404")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "未找到证书" in response.text and "Certificate not found" in response.text
    assert "ASC-2026-000404" in response.text
    long = await api.get("/verify/" + "x" * 80)
    assert long.status_code == 422 and long.headers["content-type"].startswith("text/html")
    missing = await api.get("/verify/a/b")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("text/html")


async def test_search_page(api: Api) -> None:
    await make_certificate(
        api.db, name="华为技术有限公司", name_en="Huawei Technologies", number="ASC-2026-000001"
    )
    cert = await make_certificate(
        api.db, name="深圳市华为终端有限公司", status="suspended", number="ASC-2026-000002"
    )
    empty = await api.get("/verify")
    assert empty.status_code == 200 and 'name="q"' in empty.text
    found = await api.get("/verify", params={"q": "华为"})
    assert found.status_code == 200
    html = found.text
    assert html.index("ASC-2026-000001") < html.index("ASC-2026-000002")  # active first
    assert "暂停" in html and "Suspended" in html
    assert 'href="/verify/ASC-2026-000002"' in html
    by_uscc = await api.get("/verify", params={"q": cert["uscc"]})
    assert "ASC-2026-000002" in by_uscc.text and "ASC-2026-000001" not in by_uscc.text
    none = await api.get("/verify", params={"q": "不存在的公司"})
    assert "未找到相关证书" in none.text
    redirect = await api.get("/verify", params={"q": " asc-2026-000001 "})
    assert redirect.status_code == 303
    assert redirect.headers["location"] == "/verify/ASC-2026-000001"
    short = await api.get("/verify", params={"q": "华"})
    assert short.status_code == 422 and "至少两个字符" in short.text
    escaped = await api.get("/verify", params={"q": "<script>alert(1)</script>"})
    assert "<script>alert" not in escaped.text and "&lt;script&gt;" in escaped.text


async def test_the_page_shows_sites_history_and_a_day_to_check(api: Api) -> None:
    from tests.support.workflow import Cast, Story

    cast = await Cast.hire(api)
    story = Story(api, cast)
    issued = await story.certificate(total="96")
    number = issued["number"]
    api.clock.set_today(date(2027, 3, 8))
    await story.ok(
        "POST", f"/api/v1/certificates/{number}/suspend", cast.staff, json={"reason": "欠费未缴"}
    )
    api.clock.set_today(date(2027, 4, 1))
    page = await api.get(f"/verify/{number}")
    assert page.status_code == 200
    html = page.text
    for site in issued["sites"]:
        assert site["name"] in html and site["address"] in html
    assert "Sites covered" in html and "History" in html
    table = html[html.index('id="history"') :]
    assert table.index("2026-11-23") < table.index("2027-03-08")  # oldest first
    assert "颁证" in table and "Issued" in table and "暂停" in table
    assert "欠费未缴" not in html  # no internal reason
    assert '<form method="get" action="/verify/' + number + '"' in html
    assert 'type="date" id="on" name="on" max="2027-04-01"' in html
    # the instant of the answer, next to the date of the status
    assert "Answered at" in html and "2027-04-01 10:00:00 (Asia/Shanghai)" in html
    assert html.index("Status since") < html.index("Answered at")

    before = (await api.get(f"/verify/{number}", params={"on": "2027-03-07"})).text
    assert "The record as it stood at the end of 2027-03-07" in before
    assert "On 2027-03-07 this certificate was valid." in before
    assert 'class="status active"' in before
    during = (await api.get(f"/verify/{number}", params={"on": "2027-03-08"})).text
    assert 'class="status suspended"' in during and "was not valid" in during

    not_yet = await api.get(f"/verify/{number}", params={"on": "2026-11-22"})
    assert not_yet.status_code == 404 and "尚未颁发" in not_yet.text
    future = await api.get(f"/verify/{number}", params={"on": "2027-04-02"})
    assert future.status_code == 422 and future.headers["content-type"].startswith("text/html")
    malformed = await api.get(f"/verify/{number}", params={"on": "tomorrow"})
    assert malformed.status_code == 422
    unknown = await api.get("/verify/ASC-2026-000404", params={"on": "2027-01-01"})
    assert unknown.status_code == 404 and "Certificate not found" in unknown.text
