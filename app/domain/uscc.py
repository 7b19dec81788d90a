"""The unified social credit code 统一社会信用代码 (GB 32100-2015; docs/domain.md §4)."""

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
# Position 2 (organisation type under registration authority 9, market regulation):
# 1 enterprise, 2 individual business, 3 farmers' cooperative; enterprises dominate.
_TYPES = ("1",) * 8 + ("2", "3")
# GB 11714 organisation code: 8 characters and a check character of weights mod 11.
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def normalise(text: str) -> str:
    """Trimmed and upper-cased (ASCII letters only), as §8 reads input."""
    return text.strip().translate(_ASCII_UPPER)


def check_character(first17: str) -> str:
    """The 18th character for the first 17 (ValueError unless 17 alphabet characters)."""
    if len(first17) != LENGTH - 1 or any(c not in _VALUES for c in first17):
        raise ValueError(f"not 17 characters of the USCC alphabet: {first17!r}")
    total = sum(_VALUES[c] * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def is_valid(text: str) -> bool:
    """True for a well-formed code with the right check character (after ``normalise``)."""
    code = normalise(text)
    return (
        len(code) == LENGTH
        and all(c in _VALUES for c in code)
        and code[2:8].isdigit()
        and check_character(code[:-1]) == code[-1]
    )


def _with_organisation_check(body: str) -> str:
    """An 8-character GB 11714 organisation code body with its check character."""
    total = sum(int(c, 36) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def _organisation_code(rng: random.Random) -> str:
    if rng.randrange(10) < 7:  # seven in ten get a numeric GB 11714 organisation code
        body = "".join(rng.choice(string.digits) for _ in range(8))
    else:  # codes issued since 2015 start with "MA"
        body = "MA" + "".join(rng.choice(ALPHABET) for _ in range(6))
    return _with_organisation_check(body)


def generate(rng: random.Random) -> str:
    """A realistic valid code: "9" + type + real division + organisation code + check."""
    first17 = "9" + rng.choice(_TYPES) + rng.choice(DIVISIONS) + _organisation_code(rng)
    return first17 + check_character(first17)


def compose(division: str, serial: int) -> str:
    """A valid enterprise code for a division and a serial number (0..99,999,999), the same
    for the same inputs: distinct serials give distinct codes (bulk demo data)."""
    if len(division) != 6 or not division.isdigit() or not 0 <= serial < 10**8:
        raise ValueError("a 6-digit division and a serial of at most 8 digits")
    first17 = "91" + division + _with_organisation_check(f"{serial:08d}")
    return first17 + check_character(first17)
