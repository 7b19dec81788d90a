"""The unified social credit code of GB 32100-2015 (docs/domain.md §4)."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain import uscc
from app.domain.uscc import ALPHABET, check_character, generate, is_valid, normalise

REAL = "914403001922038216"


@pytest.mark.parametrize(
    "text",
    [
        REAL,
        " 914403001922038216 ",
        "\u3000914403001922038216\t",  # trimmed, full-width space included
        "91110000600037341L",
        "91110000600037341l",  # upper-cased before checking
        "91310115MA1K3B9W59",
    ],
)
def test_good_codes(text: str) -> None:
    assert is_valid(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "91440300192203821",  # 17 characters
        "9144030019220382166",  # 19 characters
        "914403001922038217",  # wrong check character
        "914403001922038210",
        "9144030019220382I6",  # I, O, S, V, Z are not in the alphabet
        "9144030019220382O6",
        "9144030019220382S6",
        "9144030019220382V6",
        "9144030019220382Z6",
        "91A403001922038216",  # division must be digits
        "914403001922038 16",  # inner space
        "９１４４０３００１９２２０３８２１６",  # full-width digits are not a code
        "91440300192203821ǅ",
        "91310115MA1K3B9W5ﬀ",
    ],
)
def test_bad_codes(text: str) -> None:
    assert not is_valid(text)


def test_normalise_trims_and_upper_cases_ascii_only() -> None:
    assert normalise("  91310115ma1k3b9w59\n") == "91310115MA1K3B9W59"
    assert normalise("ﬀı") == "ﬀı"


def test_the_alphabet_and_weights() -> None:
    assert ALPHABET == "0123456789ABCDEFGHJKLMNPQRTUWXY"
    assert not set("IOSVZ") & set(ALPHABET)
    assert check_character(REAL[:17]) == "6"


@pytest.mark.parametrize("first17", ["9144030019220382", "91440300192203821X", "9144030019220382I"])
def test_check_character_needs_17_alphabet_characters(first17: str) -> None:
    with pytest.raises(ValueError, match="17 characters"):
        check_character(first17)


def test_the_check_character_can_be_any_of_the_alphabet() -> None:
    # Over many bodies the check character takes every value, including letters and 0.
    rng = random.Random(7)
    seen = {generate(rng)[-1] for _ in range(2000)}
    assert seen == set(ALPHABET)


def test_generated_codes_look_real() -> None:
    rng = random.Random(2026)
    codes = [generate(rng) for _ in range(300)]
    assert all(code.startswith("9") and code[1] in "123" for code in codes)
    assert sum(code.startswith("91") for code in codes) > 200
    assert {code[2:8] for code in codes} <= set(uscc.DIVISIONS)
    assert any(code[8:10] == "MA" for code in codes)
    assert any(code[8:16].isdigit() for code in codes)


@settings(max_examples=200)
@given(st.randoms(use_true_random=False), st.data())
def test_generated_codes_validate_and_any_one_change_breaks_them(
    rng: random.Random, data: st.DataObject
) -> None:
    code = generate(rng)
    assert is_valid(code)
    assert is_valid(code.lower())
    position = data.draw(st.integers(0, 17))
    other = data.draw(st.sampled_from(ALPHABET).filter(lambda c: c != code[position]))
    changed = code[:position] + other + code[position + 1 :]
    assert not is_valid(changed)


@pytest.mark.parametrize("serial", [0, 1, 42, 12_345_678, 99_999_999])
def test_compose_gives_valid_distinct_codes(serial: int) -> None:
    code = uscc.compose("440305", serial)
    assert uscc.is_valid(code)
    assert code.startswith("91440305")
    assert code != uscc.compose("440305", (serial + 1) % 10**8)


@pytest.mark.parametrize(
    ("division", "serial"), [("4403", 1), ("44030X", 1), ("440305", 10**8), ("440305", -1)]
)
def test_compose_refuses_bad_parts(division: str, serial: int) -> None:
    with pytest.raises(ValueError, match="division"):
        uscc.compose(division, serial)
