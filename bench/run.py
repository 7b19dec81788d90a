"""``make bench``: load a register, then drive the service and a raw ceiling with wrk.

For each database (PostgreSQL with 1,000,000 certificates, SQLite with 100,000 by default):
load the register with ``starcert demo-data`` (or reuse one already loaded with the same N),
start the service (one uvicorn worker, uvloop + httptools, access log off, the rate limiter on
with a limit it never reaches) and the raw ceiling (``bench/ceiling.py``) on their own ports,
then run every scenario in interleaved rounds (ceiling, service, ceiling, …) and report the
median of the rounds: requests/s, p50, p99, the service's share of the ceiling, the worst
term of each class of search term with the plans of its statements, and the peak RSS of the
service process. The search terms are drawn from the register, many a class, anew each run
(``--seed`` repeats a draw).

The jobs live in their own modules: the register (``data``), the search terms (``terms``),
the processes (``processes``), the scenarios and wrk (``load``), the report (``report``) and
the targets (``targets``).
"""

from __future__ import annotations

import argparse
import os
import random
from datetime import UTC, datetime

from bench.data import (
    DEFAULT_CERTIFICATES,
    DEFAULT_SERVER,
    ROOT,
    Register,
    async_url,
    log,
    prepare,
)
from bench.load import Run, require_wrk, scenarios_for, warm_up, worst_terms, wrk
from bench.processes import (
    CEILING_APP,
    CEILING_PORT,
    SERVICE_APP,
    SERVICE_PORT,
    peak_rss_mb,
    served,
    service_env,
)
from bench.report import plans, report
from bench.targets import table
from bench.terms import choose_classes

RESULTS = ROOT / "bench" / "results"


def run_register(register: Register, args: argparse.Namespace) -> Run:
    prepare(register, args.postgres)
    log(f"{register.label}: search terms drawn with --seed {args.seed}")
    classes = choose_classes(register, args.seed)
    scenarios = scenarios_for(register, classes)
    ceiling_env = {**os.environ, "BENCH_DATABASE_URL": async_url(register.url)}
    with (
        served(SERVICE_APP, SERVICE_PORT, service_env(register.url)) as service,
        served(CEILING_APP, CEILING_PORT, ceiling_env),
    ):
        warm = warm_up(scenarios[0])
        wrk(CEILING_PORT, warm, 3)
        wrk(SERVICE_PORT, warm, 3)
        for round_number in range(1, args.rounds + 1):
            for scenario in scenarios:
                if scenario.ceiling:
                    scenario.raw.append(wrk(CEILING_PORT, scenario, args.seconds))
                scenario.service.append(wrk(SERVICE_PORT, scenario, args.seconds))
                last = scenario.service[-1]
                log(
                    f"{register.dialect} round {round_number}: {scenario.name} "
                    f"@{scenario.connections} → {last.rps:,.0f} req/s, p99 {last.p99_ms:.1f} ms"
                )
        rss = peak_rss_mb(service.pid)
        worst = worst_terms(SERVICE_PORT, classes)
        plan_lines = plans(register, [(w.label, w.term, w.matches) for w in worst])
    section = report(
        register, scenarios, rss, worst, plan_lines, rounds=args.rounds, seconds=args.seconds
    )
    return Run(register, scenarios, rss, section)


def add_common_arguments(parser: argparse.ArgumentParser, *, seconds: int) -> None:
    """The options every entry point of the bench takes."""
    parser.add_argument(
        "--certificates", type=int, help="certificates in the register (default 1M PG, 100k SQLite)"
    )
    parser.add_argument("--seconds", type=int, default=seconds, help="per scenario and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--seed",
        type=int,
        default=random.SystemRandom().randrange(1, 1_000_000),
        help="draw the search terms with this seed (default: a new one each run, logged)",
    )
    parser.add_argument(
        "--postgres",
        default=DEFAULT_SERVER,
        help="a server URL (its maintenance database); the bench creates its own database",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", choices=("postgresql", "sqlite", "both"), default="both")
    add_common_arguments(parser, seconds=15)
    args = parser.parse_args()
    require_wrk()
    dialects = ("postgresql", "sqlite") if args.db == "both" else (args.db,)
    runs = []
    for dialect in dialects:
        register = Register(dialect, args.certificates or DEFAULT_CERTIFICATES[dialect])
        runs.append(run_register(register, args))
        print(runs[-1].section, flush=True)
    summary = table(runs)
    print(summary, flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"bench-{datetime.now(UTC):%Y%m%d-%H%M%S}.md"
    out.write_text("\n".join([summary, *(r.section for r in runs)]), encoding="utf-8")
    log(f"results written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
