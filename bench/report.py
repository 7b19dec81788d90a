"""The report of one register's run: the scenarios' table and the plans of the search
statements."""

from __future__ import annotations

import asyncio

import asyncpg

from bench.data import Register, query
from bench.load import Scenario, Worst
from bench.targets import unexpected


def report(
    register: Register,
    scenarios: list[Scenario],
    rss: float,
    worst: list[Worst],
    plan_lines: list[str],
    *,
    rounds: int,
    seconds: int,
) -> str:
    lines = [
        f"### {register.label}",
        "",
        f"Median of {rounds} interleaved round(s) of {seconds} s per scenario; wrk, "
        f"2 threads; service: one uvicorn worker, rate limiter on. Peak RSS of the service "
        f"process: **{rss:.0f} MB**.",
        "",
        "| scenario | conns | service req/s | p50 ms | p99 ms | ceiling req/s | ceiling p99 ms | share | non-2xx / errors |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for s in scenarios:
        rps, p50, p99 = (s.median(a) for a in ("rps", "p50_ms", "p99_ms"))
        odd = sum(r.non_2xx for r in s.service), sum(r.errors for r in s.service)
        flag = " ⚠ unexpected" if unexpected(s) else ""
        if s.raw:
            raw_rps, raw_p99 = s.median("rps", raw=True), s.median("p99_ms", raw=True)
            ceiling = f"{raw_rps:,.0f} | {raw_p99:.1f} | {rps / raw_rps:.0%}"
        else:
            ceiling = "— | — | —"
        lines.append(
            f"| {s.name} | {s.connections} | {rps:,.0f} | {p50:.1f} | {p99:.1f} | {ceiling} "
            f"| {odd[0]} / {odd[1]}{flag} |"
        )
    lines += [
        "",
        "The worst term of each class of search term, timed alone (the median of 5 requests "
        "in a row):",
        "",
        "| class | worst term | names | ms |",
        "|---|---|---|---|",
    ]
    lines += [f"| {w.label} | {w.term} | {w.matches:,} | {w.ms:.1f} |" for w in worst]
    lines += [
        "",
        "<details><summary>plans of the worst terms' statements</summary>",
        "",
        "```",
    ]
    lines += plan_lines
    lines += ["```", "</details>", ""]
    return "\n".join(lines)


def plans(register: Register, terms: list[tuple[str, str, int]]) -> list[str]:
    """The statements the service runs for each term (the first walk, then the index
    statement the reader picks, with the same statistics), as the database plans them:
    EXPLAIN ANALYZE on PostgreSQL, EXPLAIN QUERY PLAN on SQLite."""
    from app.domain.search import FIRST_WALK, fts_query, like_pattern, uses_trigrams
    from app.public.queries import SQLITE

    if register.dialect == "postgresql":
        return asyncio.run(_plans_pg(register, terms))
    out = []
    for label, term, matches in terms:
        out.append(f"-- {label}: {term!r} ({matches:,} matches)")
        pattern = like_pattern(term)
        words = uses_trigrams(term)
        statements = (
            (SQLITE["walk"].format(after=""), (FIRST_WALK, pattern, 21)),
            (
                SQLITE["indexed"].format(
                    after="",
                    table="certificate_search_words" if words else "certificate_search",
                ),
                (fts_query(term, double=not words), pattern, 21),
            ),
        )
        for sql, args in statements:
            rows = asyncio.run(query(register, "EXPLAIN QUERY PLAN " + sql, *args))
            out += [f"   {r[-1]}" for r in rows]
    return out


async def _plans_pg(register: Register, terms: list[tuple[str, str, int]]) -> list[str]:
    from app.domain.search import FIRST_WALK, like_pattern
    from app.public.queries import PostgresReader, pg_statement, pool_options

    reader = PostgresReader(register.url, pool_size=1)
    settings = {k: v for k, v in pool_options(1).items() if k == "server_settings"}
    conn = await asyncpg.connect(register.url, **settings)
    out = []
    try:
        for label, term, matches in terms:
            out.append(f"-- {label}: {term!r} ({matches:,} matches)")
            walk = (pg_statement("walk", None), (like_pattern(term), FIRST_WALK, 21))
            for sql, args in (walk, await reader.index_statement(term, None, 21)):
                await conn.fetch(sql, *args)  # warm, as the service's connections are
                explain = "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) " + sql
                out += [f"   {r[0]}" for r in await conn.fetch(explain, *args)]
    finally:
        await conn.close()
        await reader.close()
    return out
