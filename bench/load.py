"""The load: the scenarios (lookups, batches, searches) and wrk, which drives them."""

from __future__ import annotations

import dataclasses
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import quote

import httpx

from app.config import Settings
from bench.data import DATA, ROOT, Register, missing_numbers, numbers
from bench.terms import SearchClass

EXISTING = "lookup, existing numbers"
HALF_MISSING = "lookup, half missing"
BATCH = "batch verify of 100"
DATED = "lookup on a past day (?on=)"
HISTORY = "history"
VERIFY = "/public/v1/certificates/verify"


@dataclass
class Result:
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    errors: int


@dataclass
class Scenario:
    name: str
    connections: int
    input_lines: list[str]
    method: str = "GET"
    path: str = "/"
    ceiling: bool = False
    # the share of answers that are meant to be non-2xx (the missing numbers' 404s)
    expected_non_2xx: float = 0.0
    label: str = ""  # the query class of a search (the same on both databases)
    service: list[Result] = field(default_factory=list)
    raw: list[Result] = field(default_factory=list)

    @property
    def kind(self) -> str:
        """What the scenario is, the same on both databases: its name, or a search's class."""
        return self.label or self.name

    def median(self, attribute: str, *, raw: bool = False) -> float:
        return median(self.raw if raw else self.service, attribute)


@dataclass
class Run:
    """One register's scenarios, measured, with the peak RSS of its service and its report."""

    register: Register
    scenarios: list[Scenario]
    rss_mb: float
    section: str


def median(results: list[Result], attribute: str) -> float:
    return statistics.median(getattr(r, attribute) for r in results)


def _paths(numbers: list[str]) -> list[str]:
    return [f"/public/v1/certificates/{n}" for n in numbers]


def existing_lookup(existing: list[str], connections: int) -> Scenario:
    return Scenario(EXISTING, connections, _paths(existing), ceiling=True)


def half_missing_lookup(existing: list[str], missing: list[str], connections: int) -> Scenario:
    """Numbers the register holds interleaved with as many it does not hold."""
    half = [x for pair in zip(_paths(existing), _paths(missing), strict=True) for x in pair]
    return Scenario(HALF_MISSING, connections, half, ceiling=True, expected_non_2xx=0.5)


def _last_day_of_issue_year(number: str, today: date) -> date:
    """A day on which the certificate was already issued: the last day of the year its
    number names (the year of issue), or today in that year."""
    year = int(number.rsplit("-", 2)[-2])
    return min(date(year, 12, 31), today)


def dated_lookup(existing: list[str], connections: int, today: date) -> Scenario:
    """The record as it stood on a past day: the row, its log and a revision (one statement),
    through the route (a query string never takes the fast path)."""
    paths = [
        f"{p}?on={_last_day_of_issue_year(n, today)}"
        for p, n in zip(_paths(existing), existing, strict=True)
    ]
    return Scenario(DATED, connections, paths)


def history(existing: list[str], connections: int) -> Scenario:
    return Scenario(HISTORY, connections, [f"{p}/history" for p in _paths(existing)])


def batch(existing: list[str], connections: int) -> Scenario:
    rng = random.Random(100)
    bodies = [
        json.dumps({"items": [{"number": n} for n in rng.sample(existing, 100)]})
        for _ in range(200)
    ]
    return Scenario(BATCH, connections, bodies, "POST", VERIFY, ceiling=True)


def search_path(term: str) -> str:
    return f"/public/v1/certificates?name={quote(term)}"


def searches(classes: list[SearchClass]) -> list[Scenario]:
    """One scenario a class of terms, at 4 connections: wrk draws its terms at random."""
    return [
        Scenario(
            f"search {c.label}: {len(c.terms)} terms, {c.matches} names",
            4,
            [search_path(term) for term, _ in c.terms],
            label=c.label,
        )
        for c in classes
    ]


@dataclass(frozen=True)
class Worst:
    """The slowest term of a class, timed alone (sequential requests, their median)."""

    label: str
    term: str
    matches: int
    ms: float


def worst_terms(port: int, classes: list[SearchClass], repeats: int = 5) -> list[Worst]:
    """Each class's slowest term: every term of the class requested ``repeats`` times in a
    row (after one request to warm it), the term with the highest median wins."""
    out = []
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
        for c in classes:
            timed = []
            for term, matches in c.terms:
                client.get(search_path(term)).raise_for_status()
                times = []
                for _ in range(repeats):
                    started = time.perf_counter()
                    client.get(search_path(term)).raise_for_status()
                    times.append((time.perf_counter() - started) * 1000)
                timed.append(Worst(c.label, term, matches, statistics.median(times)))
            out.append(max(timed, key=lambda w: w.ms))
    return out


def scenarios_for(register: Register, classes: list[SearchClass]) -> list[Scenario]:
    """Every scenario of ``make bench``: at 32 then 4 connections a lookup of existing numbers,
    one of half missing numbers, a batch, a lookup on a past day and a history; then every
    search class at 4."""
    existing = numbers(register, 20_000)
    missing = missing_numbers(register, existing)
    today = datetime.now(Settings().zone).date()
    out = []
    for connections in (32, 4):
        out += [
            existing_lookup(existing, connections),
            half_missing_lookup(existing, missing, connections),
            batch(existing, connections),
            dated_lookup(existing, connections, today),
            history(existing, connections),
        ]
    return out + searches(classes)


def warm_up(scenario: Scenario) -> Scenario:
    """A short run of the same requests as ``scenario`` at 4 connections, measured for nothing."""
    return dataclasses.replace(scenario, name="warm-up", connections=4, service=[], raw=[])


def require_wrk() -> None:
    if shutil.which("wrk") is None:
        sys.exit("bench: wrk is not installed (make bench installs it with apt-get)")


def wrk(port: int, scenario: Scenario, seconds: int) -> Result:
    DATA.mkdir(parents=True, exist_ok=True)
    input_file = DATA / "wrk-input.txt"
    input_file.write_text("\n".join(scenario.input_lines) + "\n", encoding="utf-8")
    env = {
        **os.environ,
        "BENCH_INPUT": str(input_file),
        "BENCH_METHOD": scenario.method,
        "BENCH_PATH": scenario.path,
    }
    threads = min(2, scenario.connections)
    command = ["wrk", "-t", str(threads), "-c", str(scenario.connections), "-d", f"{seconds}s",
               "--timeout", "10s", "-s", str(ROOT / "bench" / "wrk.lua"),
               f"http://127.0.0.1:{port}"]  # fmt: skip
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"wrk on :{port} ({scenario.name}) failed: {done.stderr.strip()}")
    line = next(x for x in done.stdout.splitlines() if x.startswith("BENCH "))
    data = json.loads(line[6:])
    return Result(
        requests=data["requests"],
        rps=data["requests"] / (data["duration_us"] / 1e6),
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        non_2xx=data["non_2xx"],
        errors=data["socket_errors"],
    )
