"""``make bench-compare BASE=<ref>``: the public read path of the code at a git ref against the
working tree, interleaved in one run.

The code at ``--base`` is checked out as a git worktree under ``bench/data/base-<short sha>``
(reused when it is there) and served with this venv from that tree, on its own port; the
working tree's service on another; both on the same register (loaded as ``make bench`` loads
it). Each scenario of ``make bench`` that is chosen (``lookup``: existing numbers at 32 and 4
connections; ``batch``: verify of 100 at 32 and 4; ``search``: every search class at 4) runs in
rounds, base then new, and the report gives the median of the rounds for each (req/s, p50,
p99) and the change in percent.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from bench.data import (
    DATA,
    DEFAULT_CERTIFICATES,
    PYTHON,
    ROOT,
    Register,
    log,
    numbers,
    prepare,
)
from bench.load import Scenario, batch, existing_lookup, require_wrk, searches, warm_up, wrk
from bench.processes import SERVICE_APP, in_tree, peak_rss_mb, served, service_env
from bench.run import RESULTS, add_common_arguments
from bench.targets import unexpected
from bench.terms import choose_classes

BASE_PORT, NEW_PORT = 8743, 8744
CHOICES = ("lookup", "batch", "search")
METRICS = (
    ("rps", "req/s", "{:,.0f}"),
    ("p50_ms", "p50 ms", "{:.1f}"),
    ("p99_ms", "p99 ms", "{:.1f}"),
)


def git(*args: str, cwd: Path = ROOT) -> str:
    command = [shutil.which("git") or "git", *args]
    return subprocess.run(
        command, cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


def base_tree(ref: str) -> tuple[Path, str]:
    """A worktree of ``ref`` under bench/data (git-ignored), made once and reused."""
    sha = git("rev-parse", "--verify", f"{ref}^{{commit}}")
    tree = DATA / f"base-{git('rev-parse', '--short', sha)}"
    if tree.exists():
        if git("rev-parse", "HEAD", cwd=tree) != sha:
            raise SystemExit(f"bench: {tree} is not at {sha}; remove it with git worktree remove")
        log(f"base {ref}: reusing {tree.relative_to(ROOT)}")
    else:
        DATA.mkdir(parents=True, exist_ok=True)
        git("worktree", "prune")  # forget worktrees whose directory was deleted with bench/data
        git("worktree", "add", "--detach", str(tree), sha)
        log(f"base {ref}: checked out at {tree.relative_to(ROOT)}")
    return tree, sha


def head_revision(tree: Path) -> str:
    """The migrations' head of the code in ``tree`` ("unknown" when it cannot say)."""
    code = "from app.schema_version import head_revision; print(head_revision())"
    env = in_tree(dict(os.environ), tree)
    done = subprocess.run(
        [PYTHON, "-c", code], cwd=tree, env=env, check=False, capture_output=True, text=True
    )
    return done.stdout.strip() if done.returncode == 0 else "unknown"


def chosen_scenarios(register: Register, chosen: list[str], seed: int) -> list[Scenario]:
    """The scenarios of ``make bench`` that are chosen, in its order."""
    existing = numbers(register, 20_000)
    out = []
    for connections in (32, 4):
        if "lookup" in chosen:
            out.append(existing_lookup(existing, connections))
        if "batch" in chosen:
            out.append(batch(existing, connections))
    if "search" in chosen:
        out += searches(choose_classes(register, seed))
    return out


def change(base: float, new: float) -> str:
    return f"{(new - base) / base:+.1%}" if base else "—"


def report(
    register: Register,
    pairs: list[tuple[Scenario, Scenario]],
    rss: tuple[float, float],
    heading: str,
    args: argparse.Namespace,
) -> str:
    columns = " | ".join(f"{label} base | {label} new | Δ" for _, label, _ in METRICS)
    lines = [
        f"### {heading} · {register.label}",
        "",
        f"Median of {args.rounds} interleaved round(s) (base, new) of {args.seconds} s per "
        f"scenario; wrk, 2 threads; one uvicorn worker each, rate limiter on. Peak RSS of the "
        f"service process: base {rss[0]:.0f} MB, new {rss[1]:.0f} MB.",
        "",
        f"| scenario | conns | {columns} | non-2xx / errors base, new |",
        "|---|---|" + "---|---|---|" * len(METRICS) + "---|",
    ]
    for base, new in pairs:
        cells = []
        for attribute, _, form in METRICS:
            before, after = base.median(attribute), new.median(attribute)
            cells += [form.format(before), form.format(after), change(before, after)]
        odd = ", ".join(
            f"{sum(r.non_2xx for r in s.service)} / {sum(r.errors for r in s.service)}"
            + (" ⚠ unexpected" if unexpected(s) else "")
            for s in (base, new)
        )
        lines.append(f"| {base.name} | {base.connections} | {' | '.join(cells)} | {odd} |")
    return "\n".join([*lines, ""])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", required=True, help="the git ref to compare against")
    parser.add_argument("--db", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--scenarios", default=",".join(CHOICES), help="of " + ",".join(CHOICES))
    add_common_arguments(parser, seconds=10)
    args = parser.parse_args()
    chosen = [c.strip() for c in args.scenarios.split(",") if c.strip()]
    if not chosen or set(chosen) - set(CHOICES):
        parser.error(f"--scenarios: a comma-separated choice of {', '.join(CHOICES)}")
    require_wrk()
    tree, sha = base_tree(args.base)
    if (theirs := head_revision(tree)) != (ours := head_revision(ROOT)):
        log(
            f"warning: the base's migrations end at {theirs}, the working tree's at {ours}; "
            "the register is at the working tree's, which the base's statements may not fit"
        )
    register = Register(args.db, args.certificates or DEFAULT_CERTIFICATES[args.db])
    prepare(register, args.postgres)
    scenarios = chosen_scenarios(register, chosen, args.seed)
    pairs = [
        (dataclasses.replace(s, service=[]), dataclasses.replace(s, service=[])) for s in scenarios
    ]
    env = service_env(register.url)
    with (
        served(SERVICE_APP, BASE_PORT, env, tree=tree) as base_process,
        served(SERVICE_APP, NEW_PORT, env) as new_process,
    ):
        warm = warm_up(scenarios[0])
        wrk(BASE_PORT, warm, 3)
        wrk(NEW_PORT, warm, 3)
        for round_number in range(1, args.rounds + 1):
            for base, new in pairs:
                for port, scenario in ((BASE_PORT, base), (NEW_PORT, new)):
                    scenario.service.append(wrk(port, scenario, args.seconds))
                before, after = base.service[-1], new.service[-1]
                log(
                    f"round {round_number}: {base.name} @{base.connections} → base "
                    f"{before.rps:,.0f} req/s, p99 {before.p99_ms:.1f} ms; new {after.rps:,.0f} "
                    f"req/s, p99 {after.p99_ms:.1f} ms"
                )
        rss = peak_rss_mb(base_process.pid), peak_rss_mb(new_process.pid)
    dirty = " + uncommitted changes" if git("status", "--porcelain") else ""
    heading = f"{args.base} ({sha[:10]}) → working tree ({git('rev-parse', 'HEAD')[:10]}{dirty})"
    text = report(register, pairs, rss, heading, args)
    print(text, flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"compare-{sha[:10]}-{datetime.now(UTC):%Y%m%d-%H%M%S}.md"
    out.write_text(text, encoding="utf-8")
    log(f"results written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
