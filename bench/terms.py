"""The search terms: one of every class of docs/performance.md, picked from the loaded names."""

from __future__ import annotations

import asyncio
import random
from collections import Counter

from bench.data import Register, query

# the parts of nearly every company name ("有限公司" and its pieces): no class is made of them
EVERYWHERE = {"有限", "限公", "公司", "有限公", "限公司", "有限公司"}


def choose_terms(register: Register) -> list[tuple[str, str, int]]:
    """Search terms of every class of docs/performance.md, picked from the loaded names by their
    frequency (counted in a sample, then exactly on the whole table): (class, term, matches)."""
    step = max(1, register.certificates // 20_000)  # an even, repeatable sample of 20,000
    sql = f"SELECT search_key FROM certificates WHERE id % {step} = 0"
    keys = [r[0] for r in asyncio.run(query(register, sql))]
    chinese = [k.split("\n")[0] for k in keys]
    english_words = Counter(w for k in keys for w in set(k.split("\n")[1].split()))
    counts = {n: Counter(s for name in chinese for s in _grams(name, n)) for n in (2, 3, 4, 6)}

    def near(n: int, fraction: float, *, punctuation: bool = False) -> str:
        """The n-character part of names whose share of the names is nearest ``fraction``:
        Chinese characters only, or (``punctuation``) one of them a bracket."""
        goal = fraction * len(keys)
        options = [
            (abs(c - goal), g)
            for g, c in counts[n].items()
            if g not in EVERYWHERE and _is_chinese(g, punctuation=punctuation)
        ]
        return min(options)[1]

    def absent(n: int) -> str:
        chars = [c for c, _ in Counter("".join(chinese)).most_common(60)]
        rng = random.Random(n)
        while True:
            candidate = "".join(rng.choice(chars) for _ in range(n))
            if candidate not in counts.get(n, {}) and not _exists(register, candidate):
                return candidate

    rare_pinyin = min(
        (w for w, c in english_words.items() if len(w) >= 7 and w.isalpha() and c == 1),
        key=len,
    )
    picked = [
        ("2 chars, very common", near(2, 0.25)),
        ("2 chars, mid (~0.5 %)", near(2, 0.005)),
        ("2 chars, brand (~0.05 %)", near(2, 0.0005)),
        ("2 chars, absent", absent(2)),
        ("3 chars, common", near(3, 0.02)),
        ("3 chars, rare", near(3, 0.0001)),
        ("3 chars, absent", absent(3)),
        ("4 chars, common", near(4, 0.01)),
        ("4 chars, rare", near(4, 0.0001)),
        ("4 chars, absent", absent(4)),
        ("4 chars with a bracket, rare", near(4, 0.0003, punctuation=True)),
        ("6 chars", near(6, 0.0002)),
        ("English, common", "technology"),
        ("English, rare pinyin", rare_pinyin),
        ("English, absent", "zzyzxqj"),
    ]
    out = []
    for label, term in picked:
        sql = "SELECT count(*) FROM certificates WHERE search_key LIKE $1"
        matches = asyncio.run(query(register, sql, f"%{term}%"))[0][0]
        out.append((label, term, int(matches)))
    return out


def _is_chinese(gram: str, *, punctuation: bool) -> bool:
    letters = [c for c in gram if c not in "()"]
    chinese = all("\u4e00" <= c <= "\u9fff" for c in letters)
    return chinese and (len(letters) < len(gram)) == punctuation


def _grams(name: str, n: int) -> set[str]:
    return {name[i : i + n] for i in range(len(name) - n + 1)}


def _exists(register: Register, term: str) -> bool:
    sql = "SELECT 1 FROM certificates WHERE search_key LIKE $1 LIMIT 1"
    return bool(asyncio.run(query(register, sql, f"%{term}%")))
