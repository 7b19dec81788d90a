"""The unified social credit code 统一社会信用代码 (GB 32100-2015; docs/domain.md §4).

A code is 18 characters: the registration authority (position 1), the organisation type
(2), the administrative division (3–8, digits), the GB 11714 organisation code (9–17, whose
last character is its own check character) and the code's check character (18). ``failures``
names every rule a text breaks, each with the position it concerns; ``is_valid`` is true when
there is none.
"""

from __future__ import annotations

import random
import string

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
LENGTH = 18
# The most characters a USCC may have as people type it (surrounding spaces): longer input is
# refused before any reading.
MAX_USCC_INPUT = 40
_VALUES = {c: i for i, c in enumerate(ALPHABET)}
# w_i = 3^i mod 31 for the first 17 positions.
_WEIGHTS = tuple(pow(3, i, 31) for i in range(LENGTH - 1))
# Only ASCII letters are upper-cased: str.upper() would also map e.g. "ﬀ" to "FF" and the
# dotless "ı" to "I", making a code out of text that is not one (§8: anything else invalid).
_ASCII_UPPER = str.maketrans(string.ascii_lowercase, string.ascii_uppercase)
# Full-width forms (U+FF01–FF5E) fold to their ASCII characters, the ideographic space to a
# space; nothing else is folded (not NFKC, which would also read "ﬀ" as "ff").
_HALF_WIDTH = str.maketrans({code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: " "})

# Registration authorities GB 32100 lists (position 1): 1 机构编制, 5 民政, 9 工商 (market
# regulation), A 中央军委改革和编制办公室, N 农业, Y 其他 and the others in between.
AUTHORITIES = frozenset("123456789ANY")
# Organisation types (position 2) the standard's table uses under the authorities.
ORGANISATION_TYPES = frozenset("123459")
# An enterprise registered with the market regulator (§4: the only applicants accepted).
ENTERPRISE_PREFIX = "91"

# A few real administrative divisions (GB/T 2260), for realistic generated codes.
DIVISIONS = (
    "110105",  # 北京市朝阳区
    "110108",  # 北京市海淀区
    "120116",  # 天津市滨海新区
    "310104",  # 上海市徐汇区
    "310115",  # 上海市浦东新区
    "320505",  # 苏州市虎丘区
    "330106",  # 杭州市西湖区
    "330108",  # 杭州市滨江区
    "370202",  # 青岛市市南区
    "420111",  # 武汉市洪山区
    "440106",  # 广州市天河区
    "440300",  # 深圳市
    "440305",  # 深圳市南山区
    "500112",  # 重庆市渝北区
    "510107",  # 成都市武侯区
    "610113",  # 西安市雁塔区
)
# GB 11714 organisation code: 8 characters and a check character of weights mod 11.
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def normalise(text: str) -> str:
    """Full-width forms folded to ASCII, trimmed and upper-cased (ASCII letters only), as
    §8 reads input."""
    return text.translate(_HALF_WIDTH).strip().translate(_ASCII_UPPER)


def check_character(first17: str) -> str:
    """The 18th character for the first 17 (ValueError unless 17 alphabet characters)."""
    if len(first17) != LENGTH - 1 or any(c not in _VALUES for c in first17):
        raise ValueError(f"not 17 characters of the USCC alphabet: {first17!r}")
    total = sum(_VALUES[c] * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def organisation_check_character(body: str) -> str:
    """The GB 11714 check character of an 8-character organisation code body: digits count
    their value, letters A=10 … Z=35; 11 − (Σ mod 11), with 10 written X and 11 written 0.
    ValueError unless 8 digits or ASCII capitals."""
    if len(body) != len(_ORG_WEIGHTS) or any(
        c not in string.digits + string.ascii_uppercase for c in body
    ):
        raise ValueError(f"not 8 digits or capital letters: {body!r}")
    total = sum(int(c, 36) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def failures(text: str) -> tuple[str, ...]:
    """Every rule of §8 the code read from ``text`` breaks, one message each naming the
    position, in the order of the positions; empty for a valid code.

    A code of the wrong length gets that one message (its positions mean nothing); a
    character outside the alphabet is named at its position, and the checks that need it
    are left out.
    """
    code = normalise(text)
    if len(code) != LENGTH:
        return (f"must be {LENGTH} characters, not {len(code)}",)
    found: dict[int, str] = {}  # by position (the first of a range)
    for index, char in enumerate(code, start=1):
        if char not in _VALUES:
            found[index] = (
                f"position {index}: {char!r} is not a character of the code (0–9 and capital "
                "letters other than I, O, S, V, Z)"
            )

    unreadable = frozenset(found)

    def readable(first: int, last: int) -> bool:  # positions first..last, 1-based
        return not any(first <= index <= last for index in unreadable)

    if readable(1, 1) and code[0] not in AUTHORITIES:
        found[1] = (
            f"position 1: registration authority {code[0]!r} is not one GB 32100 lists "
            "(1–9, A, N, Y)"
        )
    if readable(2, 2) and code[1] not in ORGANISATION_TYPES:
        found[2] = f"position 2: organisation type {code[1]!r} is not one of 1–5, 9"
    division = code[2:8]
    if not readable(3, 8):
        pass  # the characters are named already
    elif not division.isdigit():
        found[3] = "positions 3–8: the administrative division must be six digits"
    elif division == "000000":
        found[3] = "positions 3–8: the administrative division must not be 000000"
    if readable(9, 17) and organisation_check_character(code[8:16]) != code[16]:
        found[17] = "position 17: wrong check character of the organisation code (GB 11714)"
    if readable(1, 18) and check_character(code[:17]) != code[17]:
        found[18] = "position 18: wrong check character (GB 32100)"
    return tuple(found[index] for index in sorted(found))


def is_valid(text: str) -> bool:
    """True for a code that breaks none of §8's rules (after ``normalise``)."""
    return not failures(text)


def looks_like(text: str) -> bool:
    """True for text shaped like a code with a right check character (after ``normalise``):
    how the public search tells a code from a name, not the full check of §8."""
    code = normalise(text)
    return (
        len(code) == LENGTH
        and all(c in _VALUES for c in code)
        and check_character(code[:-1]) == code[-1]
    )


def is_enterprise(code: str) -> bool:
    """True for a code of an enterprise registered with the market regulator (``91``, §4)."""
    return normalise(code).startswith(ENTERPRISE_PREFIX)


def _organisation_code(rng: random.Random) -> str:
    if rng.randrange(10) < 7:  # seven in ten get a numeric GB 11714 organisation code
        body = "".join(rng.choice(string.digits) for _ in range(8))
    else:  # codes issued since 2015 start with "MA"
        body = "MA" + "".join(rng.choice(ALPHABET) for _ in range(6))
    return body + organisation_check_character(body)


def generate(rng: random.Random, *, authority: str = "9", organisation_type: str = "1") -> str:
    """A realistic valid code (the full check passes): authority and type (default ``91``,
    an enterprise) + a real division + an organisation code + the check character."""
    if authority not in AUTHORITIES or organisation_type not in ORGANISATION_TYPES:
        raise ValueError(f"no such authority and type: {authority!r}, {organisation_type!r}")
    first17 = authority + organisation_type + rng.choice(DIVISIONS) + _organisation_code(rng)
    return first17 + check_character(first17)


def compose(division: str, serial: int) -> str:
    """A valid enterprise code for a division and a serial number (0..99,999,999), the same
    for the same inputs: distinct serials give distinct codes (bulk demo data)."""
    if (
        len(division) != 6
        or not division.isdigit()
        or division == "000000"
        or not 0 <= serial < 10**8
    ):
        raise ValueError("a 6-digit division (not 000000) and a serial of at most 8 digits")
    body = f"{serial:08d}"
    first17 = ENTERPRISE_PREFIX + division + body + organisation_check_character(body)
    return first17 + check_character(first17)
