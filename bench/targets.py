"""The issue's targets, in one table (``TARGETS``): the evaluation, the printed "Targets"
table and the report's "unexpected" flag are all driven from it, and no threshold is written
anywhere else."""

from __future__ import annotations

from dataclasses import dataclass

from bench.load import BATCH, EXISTING, HALF_MISSING, Run, Scenario

SEARCH = "search"  # in ``scenarios``: every search class
EACH = "each"  # as ``dialect``: read in every run, one row each
CEILING = "ceiling"  # as ``against``: the raw ceiling's figure for the same scenario
POSTGRESQL = "postgresql"  # as ``against``: PostgreSQL's figure for the same scenario

FORMATS = {
    "rps": "{:,.0f}/s",
    "p50_ms": "{:.1f} ms",
    "p99_ms": "{:.1f} ms",
    "rss_mb": "{:.0f} MB",
    "non_2xx_off": "{:.1f} points",
    "errors": "{:,.0f}",
}


@dataclass(frozen=True)
class Target:
    name: str  # the row's words before its bound, e.g. "lookup p99"
    scenarios: tuple[str, ...]  # scenario names, SEARCH; () for a figure of the whole run
    metric: str  # a Result's rps or p99_ms; of a run: rss_mb, non_2xx_off, errors
    comparison: str  # "≤" or "≥"
    threshold: float
    unit: str  # ms, MB, points, "" (a count), or % or × of ``against``
    connections: int | None = None  # None: every scenario selected, whatever its connections
    dialect: str = POSTGRESQL  # the run it is read in, or EACH
    against: str = ""  # "": a fixed bound; CEILING, POSTGRESQL or a scenario's name

    def met(self, value: float) -> bool:
        return value <= self.threshold if self.comparison == "≤" else value >= self.threshold

    def title(self, subject: str = "") -> str:
        at = f" @{self.connections}" if self.connections else ""
        glue = "" if self.unit in ("", "×") else " "
        bound = f"{self.comparison} {self.threshold:g}{glue}{self.unit}"
        of = {"": "", CEILING: " of the ceiling", POSTGRESQL: " PostgreSQL"}.get(
            self.against, f" of {self.against}"
        )
        if self.dialect == EACH:
            subject = f" ({subject})"
        elif subject:
            subject = f": {subject}"
        return f"{self.name}{at} {bound}{of}{subject}"


# fmt: off
TARGETS = (
    #      name                  scenarios             metric    cmp  bound unit  connections
    Target("lookup req/s",       (EXISTING,),          "rps",    "≥", 80,  "%",  32, against=CEILING),
    Target("lookup p99",         (EXISTING,),          "p99_ms", "≤", 25,  "ms", 32),
    Target("lookup p99",         (EXISTING,),          "p99_ms", "≤", 4,   "ms", 4),
    # a miss is no slower than a hit; the margin is these machines' noise between runs
    Target("half missing p99",   (HALF_MISSING,),      "p99_ms", "≤", 110, "%",  32, against=EXISTING),
    Target("half missing req/s", (HALF_MISSING,),      "rps",    "≥", 90,  "%",  32, against=EXISTING),
    Target("half missing p99",   (HALF_MISSING,),      "p99_ms", "≤", 110, "%",  4,  against=EXISTING),
    Target("half missing req/s", (HALF_MISSING,),      "rps",    "≥", 90,  "%",  4,  against=EXISTING),
    # every class of term, measured over its register-drawn terms (bench/terms.py)
    Target("search p99",         (SEARCH,),            "p99_ms", "≤", 20,  "ms", 4),
    Target("batch req/s",        (BATCH,),             "rps",    "≥", 70,  "%",  32, against=CEILING),
    Target("batch p99",          (BATCH,),             "p99_ms", "≤", 40,  "ms", 4),
    Target("SQLite p99",         (EXISTING, HALF_MISSING, SEARCH),
                                                       "p99_ms", "≤", 2,   "×",  4,
           dialect="sqlite", against=POSTGRESQL),
    Target("peak RSS",           (),                   "rss_mb", "≤", 300, "MB", dialect=EACH),
    # a half-missing lookup answers 404 half the time, any other scenario never
    Target("non-2xx share off the expected one", (),   "non_2xx_off", "≤", 2, "points", dialect=EACH),
    Target("socket errors or timeouts", (),            "errors", "≤", 0,   "",   dialect=EACH),
)
# fmt: on


def _target(metric: str) -> Target:
    return next(t for t in TARGETS if t.metric == metric)


def non_2xx_off(s: Scenario) -> float:
    """How far, in points, the share of non-2xx answers strays from the expected one (the
    worst of the scenario's results, service and ceiling)."""
    return max(
        (abs(r.non_2xx / max(1, r.requests) - s.expected_non_2xx) * 100 for r in s.service + s.raw),
        default=0.0,
    )


def errors(s: Scenario) -> int:
    return sum(r.errors for r in s.service + s.raw)


def unexpected(s: Scenario) -> bool:
    """Whether the scenario misses the non-2xx or the socket-error target."""
    return not (_target("non_2xx_off").met(non_2xx_off(s)) and _target("errors").met(errors(s)))


@dataclass(frozen=True)
class Row:
    target: str
    measured: str
    met: bool


def evaluate(runs: list[Run]) -> list[Row]:
    """Every target read in every run it applies to; one missing its run is left out."""
    by_dialect = {run.register.dialect: run for run in runs}
    rows = []
    for t in TARGETS:
        if t.against == POSTGRESQL and POSTGRESQL not in by_dialect:
            continue
        if t.dialect == EACH:
            chosen = runs
        else:
            chosen = [by_dialect[t.dialect]] if t.dialect in by_dialect else []
        for run in chosen:
            if not t.scenarios:
                rows.append(_whole_run(t, run))
                continue
            several = len(t.scenarios) > 1 or SEARCH in t.scenarios
            for s in _selected(t, run):
                value, measured = _measure(t, s, run, by_dialect)
                rows.append(Row(t.title(s.kind if several else ""), measured, t.met(value)))
    return rows


def _selected(t: Target, run: Run) -> list[Scenario]:
    return [
        s
        for s in run.scenarios
        if (s.name in t.scenarios or (SEARCH in t.scenarios and s.label))
        and t.connections in (None, s.connections)
    ]


def _measure(t: Target, s: Scenario, run: Run, by_dialect: dict[str, Run]) -> tuple[float, str]:
    """The figure compared with the threshold, and the text that shows it."""
    value = s.median(t.metric)
    shown = FORMATS[t.metric].format(value)
    if not t.against:
        return value, shown
    if t.against == CEILING:
        reference = s.median(t.metric, raw=True)
    else:
        other = by_dialect[POSTGRESQL] if t.against == POSTGRESQL else run
        kind = s.kind if t.against == POSTGRESQL else t.against
        reference = next(
            o.median(t.metric)
            for o in other.scenarios
            if o.kind == kind and o.connections == s.connections
        )
    ratio = value / reference * (100 if t.unit == "%" else 1)
    figure = f"{ratio:.0f}%" if t.unit == "%" else f"{ratio:.2f}×"
    return ratio, f"{figure} ({shown} vs {FORMATS[t.metric].format(reference)})"


def _whole_run(t: Target, run: Run) -> Row:
    subject = run.register.dialect
    if t.metric == "rss_mb":
        return Row(t.title(subject), FORMATS["rss_mb"].format(run.rss_mb), t.met(run.rss_mb))
    measure = {"non_2xx_off": non_2xx_off, "errors": errors}[t.metric]
    figures = [(s, measure(s)) for s in run.scenarios]
    worst = max((figure for _, figure in figures), default=0)
    missed = [f"{s.name} @{s.connections}" for s, figure in figures if not t.met(figure)]
    measured = FORMATS[t.metric].format(worst) + (f": {', '.join(missed)}" if missed else "")
    return Row(t.title(subject), measured, t.met(worst))


def table(runs: list[Run]) -> str:
    lines = ["### Targets", "", "| target | measured | met |", "|---|---|---|"]
    lines += [
        f"| {r.target} | {r.measured} | {'yes' if r.met else '**no**'} |" for r in evaluate(runs)
    ]
    return "\n".join([*lines, ""])
