"""The search terms: drawn from the register itself, many at random for every class.

A class is a kind of term — its script and length (2, 3, 4, 5 or more Chinese characters;
a Latin word) and how many names hold it (very common, about 5 %, 0.5 %, 0.05 %, a handful,
none). Each class is measured with at least ``PER_CLASS`` terms drawn at random (a new
sample each run unless ``--seed`` is given), so that it is measured as a distribution and no
code path can be tuned to one word; the report names the worst term of each class.

Candidates come from the names of a random sample of the register and are counted exactly
on the whole register (``count_matches``) before they are given a class; absent terms are
put together from the register's own characters and syllables, so they look like names.
"""

from __future__ import annotations

import asyncio
import random
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from app.domain.search import like_pattern
from bench.data import Register, log, query

PER_CLASS = 20
TRIES = 1500
SAMPLE = 20_000
# the parts of nearly every company name ("有限公司" and its pieces): no class is made of them
EVERYWHERE = {"有限", "限公", "公司", "有限公", "限公司", "有限公司"}
# share of the names (in a class, a term's matches ÷ the register's size)
BUCKETS: tuple[tuple[str, float, float], ...] = (
    ("very common", 0.10, 1.0),
    ("~5 %", 0.03, 0.08),
    ("~0.5 %", 0.003, 0.008),
    ("~0.05 %", 0.0003, 0.0008),
)
HANDFUL = (1, 10)  # names
LATIN_COMMON = 0.01
# English words a supplier's name might hold that a register of Chinese enterprises may not:
# candidates for absent Latin words (each is checked against the register)
ENGLISH = [
    "microsoft",
    "google",
    "amazon",
    "oracle",
    "siemens",
    "philips",
    "samsung",
    "toshiba",
    "panasonic",
    "hitachi",
    "bosch",
    "nokia",
    "ericsson",
    "cisco",
    "intel",
    "nvidia",
    "qualcomm",
    "adobe",
    "salesforce",
    "netflix",
    "tesla",
    "boeing",
    "airbus",
    "nestle",
    "unilever",
    "procter",
    "gamble",
    "walmart",
    "costco",
    "carrefour",
    "ikea",
    "zara",
    "uniqlo",
    "sony",
    "canon",
    "nikon",
    "epson",
    "xerox",
    "dell",
    "lenovo",
    "acer",
    "asus",
    "motorola",
    "blackberry",
    "spotify",
    "uber",
    "airbnb",
    "paypal",
    "visa",
    "mastercard",
]


@dataclass
class SearchClass:
    label: str
    terms: list[tuple[str, int]] = field(default_factory=list)  # (term, matches)

    @property
    def matches(self) -> str:
        counts = [m for _, m in self.terms]
        return f"{min(counts):,}–{max(counts):,}" if counts else "—"


def count_matches(register: Register, term: str) -> int:
    """How many names hold ``term``, exactly, on the whole register (through its indexes:
    PostgreSQL's plans a 2-character LIKE as a scan, so such a term asks its bigram)."""
    pattern = like_pattern(term)
    if register.dialect == "postgresql" and len(term) == 2:
        sql = (
            "SELECT count(*) FROM certificates WHERE starcert_bigrams(search_key) @> ARRAY[$2]"
            " AND search_key LIKE $1 ESCAPE '\\'"
        )
        return int(asyncio.run(query(register, sql, pattern, term))[0][0])
    sql = "SELECT count(*) FROM certificates WHERE search_key LIKE $1 ESCAPE '\\'"
    return int(asyncio.run(query(register, sql, pattern))[0][0])


def choose_classes(register: Register, seed: int) -> list[SearchClass]:
    """Every class with its terms, drawn with ``seed``."""
    rng = random.Random(seed)
    keys = _sample(register, rng)
    chinese = [k.split("\n")[0] for k in keys]
    words = Counter(w for k in keys for w in set(_words(k.split("\n")[1])))
    total = register.certificates
    counted: dict[str, int] = {}

    def exact(term: str) -> int:
        if term not in counted:
            counted[term] = count_matches(register, term)
        return counted[term]

    classes: list[SearchClass] = []
    for n in (2, 3, 4, 5):
        grams = Counter(
            g for name in chinese for g in _grams(name, n) if g not in EVERYWHERE and _cjk(g)
        )
        label = f"{n}+ chars" if n == 5 else f"{n} chars"
        for bucket, low, high in BUCKETS:
            estimated = [g for g, c in grams.items() if low <= c / len(keys) <= high]
            picked = _pick(rng, estimated, lambda t, lo=low, hi=high: lo <= exact(t) / total <= hi)
            if picked:
                classes.append(SearchClass(f"{label}, {bucket}", [(t, exact(t)) for t in picked]))
        once = [g for g, c in grams.items() if c == 1]
        handful = _pick(rng, once, lambda t: HANDFUL[0] <= exact(t) <= HANDFUL[1])
        classes.append(SearchClass(f"{label}, a handful", [(t, exact(t)) for t in handful]))
        common_chars = [c for c, _ in Counter("".join(chinese)).most_common(120) if _cjk(c)][:80]
        absent = _pick(
            rng,
            ("".join(rng.choice(common_chars) for _ in range(n + rng.randrange(3) * (n == 5)))
             for _ in range(400)),
            lambda t, seen=grams: t not in seen and exact(t) == 0,
        )  # fmt: skip
        classes.append(SearchClass(f"{label}, absent", [(t, 0) for t in absent]))
    common = [w for w, c in words.items() if c / len(keys) >= LATIN_COMMON and len(w) >= 3]
    classes.append(
        SearchClass("Latin word, common", [(w, exact(w)) for w in _pick(rng, common, None)])
    )
    rare = [w for w, c in words.items() if c == 1 and len(w) >= 6 and w.isalpha()]
    picked = _pick(rng, rare, lambda w: HANDFUL[0] <= exact(w) <= HANDFUL[1])
    classes.append(SearchClass("Latin word, a handful", [(w, exact(w)) for w in picked]))
    syllables = _syllables(words)
    made_up = (
        "".join(rng.choice(syllables) for _ in range(rng.choice((2, 3)))) for _ in range(400)
    )
    absent = _pick(rng, [*ENGLISH, *made_up], lambda w: w not in words and exact(w) == 0)
    classes.append(SearchClass("Latin word, absent", [(w, 0) for w in absent]))
    for c in classes:
        log(f"search class {c.label}: {len(c.terms)} terms, {c.matches} matches")
    return [c for c in classes if c.terms]


def _pick(
    rng: random.Random, candidates: Iterable[str], keep: Callable[[str], bool] | None
) -> list[str]:
    """Up to ``PER_CLASS`` candidates at random that ``keep`` accepts (checked in turn, at
    most ``TRIES`` of them: counting a candidate on the register takes a statement)."""
    pool = sorted(set(candidates))
    rng.shuffle(pool)
    out: list[str] = []
    for term in pool[:TRIES]:
        if len(out) == PER_CLASS:
            break
        if keep is None or keep(term):
            out.append(term)
    return out


def _sample(register: Register, rng: random.Random) -> list[str]:
    """The search keys of ``SAMPLE`` certificates at random (by id, reproducible by seed)."""
    top = asyncio.run(query(register, "SELECT max(id) FROM certificates"))[0][0]
    ids = sorted(rng.sample(range(1, int(top) + 1), min(SAMPLE, int(top))))
    sql = "SELECT search_key FROM certificates WHERE id = ANY($1::int[])"
    if register.dialect == "sqlite":
        sql = "SELECT search_key FROM certificates WHERE id IN (SELECT value FROM json_each($1))"
        return [r[0] for r in asyncio.run(query(register, sql, _json(ids)))]
    return [r[0] for r in asyncio.run(query(register, sql, ids))]


def _json(ids: list[int]) -> str:
    return "[" + ",".join(map(str, ids)) + "]"


def _grams(name: str, n: int) -> set[str]:
    sizes = range(n, min(len(name), 8) + 1) if n == 5 else (n,)
    return {name[i : i + k] for k in sizes for i in range(len(name) - k + 1)}


def _cjk(gram: str) -> bool:
    return all("\u4e00" <= c <= "\u9fff" for c in gram)


def _words(english: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", english)


def _syllables(words: Counter[str]) -> list[str]:
    """The register's common pinyin syllables (an initial and a final), most common first."""
    found: Counter[str] = Counter()
    syllable = re.compile(r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?[aeiouv]+(?:ng|n|r)?")
    for word, count in words.items():
        for part in syllable.findall(word):
            found[part] += count
    return [s for s, _ in found.most_common(60)]
