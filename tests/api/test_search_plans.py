"""The shape of the public search statements at scale: each class of term is answered by an
index, never by a scan of the table (issue: national-register scale).

A register of 30,000 demo certificates is loaded and analysed, so the plans are those of a
table the planner does not consider small; the terms are picked by their frequency in it.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter
from datetime import date
from typing import Any

import asyncpg
import pytest

from app import dburl
from app.demo import load
from app.domain.search import FIRST_WALK, bigrams, fts_query, like_pattern, uses_trigrams
from app.public.queries import PG, SQLITE, pg_statement, sqlite_statement
from tests.support.api import Api

ROWS = 30_000


async def _keys(api: Api) -> list[str]:
    async with api.db.engine.connect() as conn:
        rows = (await conn.exec_driver_sql("SELECT search_key FROM certificates")).all()
    return [r[0] for r in rows]


def _nodes(plan: dict[str, Any]) -> list[dict[str, Any]]:
    out = [plan]
    for child in plan.get("Plans", []):
        out += _nodes(child)
    return out


async def _explain_pg(url: str, sql: str, *args: Any) -> list[dict[str, Any]]:
    conn = await asyncpg.connect(url, server_settings={"plan_cache_mode": "force_custom_plan"})
    try:
        raw = await conn.fetchval("EXPLAIN (FORMAT JSON) " + sql, *args)
    finally:
        await conn.close()
    return _nodes(json.loads(raw)[0]["Plan"])


async def test_every_class_of_term_is_served_by_an_index(
    api: Api, subtests: pytest.Subtests
) -> None:
    settings = api.app.state.settings
    await load.load(settings, load.Plan(ROWS, date(2026, 11, 23), "ASC", seed=3))
    keys = await _keys(api)
    bigram_counts = Counter(b for k in keys for b in {k[i : i + 2] for i in range(len(k) - 1)})
    common = "科技"
    assert bigram_counts[common] > ROWS // 5  # a very common word
    two = min(
        (
            b
            for b, n in bigram_counts.items()
            if 20 <= n <= 60 and all("\u4e00" <= c <= "\u9fff" for c in b)
        ),
        key=lambda b: abs(bigram_counts[b] - 40),
    )
    absent = "子北电小"
    assert not any(absent in k for k in keys)
    assert not uses_trigrams(two) and uses_trigrams(absent)

    if api.db.is_sqlite:
        path = dburl.sqlite_path(settings.database_url)
        with sqlite3.connect(path) as conn:
            conn.execute("ANALYZE")

            def plan(sql: str, *args: Any) -> str:
                return " | ".join(r[-1] for r in conn.execute("EXPLAIN QUERY PLAN " + sql, args))

            walk = plan(SQLITE["walk"].format(after=""), FIRST_WALK, like_pattern(common), 21)
            assert "COVERING INDEX ix_certificates_search_walk" in walk, walk
            for term, table in ((two, "certificate_search"), (absent, "certificate_search_words")):
                with subtests.test(term=term, table=table):
                    words = table.endswith("words")
                    found = plan(
                        sqlite_statement("indexed", None, table),
                        fts_query(term, double=not words),
                        like_pattern(term),
                        21,
                    )
                    assert f"SCAN {table} VIRTUAL TABLE INDEX" in found, found
                    assert "SEARCH c USING INTEGER PRIMARY KEY" in found, found
        return

    url = settings.database_url
    walk = await _explain_pg(url, pg_statement("walk", None), like_pattern(common), FIRST_WALK, 21)
    kinds = {n["Node Type"] for n in walk}
    assert "Seq Scan" not in kinds
    assert any(
        n.get("Index Name") == "ix_certificates_public_order"
        and n["Node Type"] in {"Index Only Scan", "Index Scan"}
        for n in walk
    ), walk
    two_plan = await _explain_pg(
        url, PG["bigrams"].format(after=""), bigrams(two), like_pattern(two), 21
    )
    # a Chinese term of 3 or more characters goes to the bigram index too (its selective
    # bigrams), a Latin one to pg_trgm
    absent_plan = await _explain_pg(
        url, PG["bigrams"].format(after=""), bigrams(absent), like_pattern(absent), 21
    )
    latin = "zzyzxqj"
    latin_plan = await _explain_pg(
        url, pg_statement("trigrams", None), like_pattern(latin[:4]), like_pattern(latin), 21
    )
    for term, nodes, index in (
        (two, two_plan, "ix_certificates_search_bigrams"),
        (absent, absent_plan, "ix_certificates_search_bigrams"),
        (latin, latin_plan, "ix_certificates_search_trigrams"),
    ):
        with subtests.test(term=term, index=index):
            assert "Seq Scan" not in {n["Node Type"] for n in nodes}, nodes
            assert any(
                n["Node Type"] == "Bitmap Index Scan" and n.get("Index Name") == index
                for n in nodes
            ), nodes

    # and the service takes those paths: the common term is answered by the walk alone
    calls: list[str] = []
    reader = api.app.state.public.reader
    for name in ("walk", "indexed"):
        original = getattr(reader, name)

        async def spy(*args: Any, _name: str = name, _original: Any = original) -> Any:
            calls.append(_name)
            return await _original(*args)

        setattr(reader, name, spy)
    for term, expected in ((common, ["walk"]), (absent, ["walk", "indexed"])):
        with subtests.test(term=term):
            calls.clear()
            response = await api.get("/public/v1/certificates", params={"name": term})
            assert response.status_code == 200
            assert calls == expected, (term, calls)


@pytest.mark.postgresql_only
async def test_the_worst_kinds_of_term_are_bounded_on_postgresql(
    api: Api, subtests: pytest.Subtests
) -> None:
    """The worst cases a register-drawn benchmark found at a million names: a rare Latin word
    made of common pinyin syllables (every trigram of it in many names), an English word in
    no name, a 2-character term in a few hundredths of a percent of them. Each is answered
    by an index over its own matches, never by a posting list as long as a common trigram's."""
    settings = api.app.state.settings
    await load.load(settings, load.Plan(ROWS, date(2026, 11, 23), "ASC", seed=3))
    keys = await _keys(api)
    words = Counter(w for k in keys for w in set(re.findall(r"[a-z0-9]+", k)))
    trigrams = Counter(
        t for w in words.elements() for t in {w[i : i + 3] for i in range(len(w) - 2)}
    )
    # a rare word whose every trigram is in at least 1 % of the names: the kind pg_trgm
    # answers slowest, since it reads each of their posting lists
    rare = next(
        w
        for w, n in sorted(words.items())
        if n <= 2
        and len(w) >= 7
        and all(trigrams[w[i : i + 3]] >= ROWS // 100 for i in range(len(w) - 2))
    )
    reader = api.app.state.public.reader
    for term, found in ((rare, True), ("microsoft", False)):
        with subtests.test(term=term):
            sql, args = await reader.index_statement(term, None, 21)
            assert sql == pg_statement("words", None)
            assert bool(args[0]) is found and all(term in w for w in args[0])
            nodes = await _explain_pg(settings.database_url, sql, *args)
            assert "Seq Scan" not in {n["Node Type"] for n in nodes}, nodes
            assert any(n.get("Index Name") == "ix_certificates_search_words" for n in nodes)
            response = await api.get("/public/v1/certificates", params={"name": term})
            assert (len(response.json()["items"]) > 0) is found
    bigram_counts = Counter(b for k in keys for b in {k[i : i + 2] for i in range(len(k) - 1)})
    scarce = next(
        b
        for b, n in sorted(bigram_counts.items())
        if ROWS * 3 // 10_000 <= n <= ROWS * 8 // 10_000
        and all("\u4e00" <= c <= "\u9fff" for c in b)
    )  # in 0.03 to 0.08 % of the names
    sql, args = await reader.index_statement(scarce, None, 21)
    assert sql == pg_statement("bigrams", None) and args[0] == [scarce]
    nodes = await _explain_pg(settings.database_url, sql, *args)
    assert any(n.get("Index Name") == "ix_certificates_search_bigrams" for n in nodes), nodes
