"""The unified social credit code of GB 32100-2015 (docs/domain.md §4): the check character,
the registration authority and type, the division, the GB 11714 organisation code's own
check character; real published codes as the positive cases."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain import uscc
from app.domain.uscc import (
    ALPHABET,
    AUTHORITIES,
    ORGANISATION_TYPES,
    check_character,
    failures,
    generate,
    is_enterprise,
    is_valid,
    looks_like,
    normalise,
    organisation_check_character,
)

HUAWEI = "914403001922038216"
TENCENT = "9144030071526726XG"  # organisation code check character X (10)
XIAOMI = "91110108551385082Q"
REAL = (HUAWEI, TENCENT, XIAOMI)


def with_check(first17: str) -> str:
    """``first17`` completed with its right 18th character."""
    return first17 + check_character(first17)


def organisation_code(body: str) -> str:
    return body + organisation_check_character(body)


@pytest.mark.parametrize("code", REAL)
def test_real_codes_pass_every_rule(code: str) -> None:
    assert failures(code) == ()
    assert is_valid(code) and looks_like(code) and is_enterprise(code)


@pytest.mark.parametrize(
    "text",
    [
        " 914403001922038216 ",
        "\u3000914403001922038216\t",  # trimmed, the ideographic space included
        "9144030071526726xg",  # upper-cased before checking
        "９１４４０３００１９２２０３８２１６",  # full-width digits fold to ASCII
        "９１４４０３００７１５２６７２６ｘｇ",  # full-width small letters: folded, upper-cased
        "\u3000９１１１０１０８５５１３８５０８２Ｑ\u3000",
    ],
)
def test_input_is_folded_trimmed_and_upper_cased(text: str) -> None:
    assert normalise(text) in REAL
    assert is_valid(text)


def test_normalise_folds_only_full_width_forms_and_ascii_letters() -> None:
    assert normalise("  91310115ma1k3b9w59\n") == "91310115MA1K3B9W59"
    assert normalise("ﬀı") == "ﬀı"  # neither NFKC nor Unicode upper-casing
    assert normalise("！～\u3000ａ") == "!~ A"  # U+FF01 and U+FF5E are the ends of the block
    assert normalise("\uff00\uff5f") == "\uff00\uff5f"  # just outside it


@pytest.mark.parametrize(
    ("text", "length"), [("", 0), ("91440300192203821", 17), ("9144030019220382166", 19)]
)
def test_a_code_of_the_wrong_length_gets_one_message(text: str, length: int) -> None:
    assert failures(text) == (f"must be 18 characters, not {length}",)
    assert not looks_like(text)


@pytest.mark.parametrize("position", range(1, 19))
@pytest.mark.parametrize("char", [*"IOSVZ", *"iosvz", "ǅ", "ﬀ", "-", "\u0301", "\u200b"])
def test_a_character_outside_the_alphabet_is_named_at_its_position(
    position: int, char: str
) -> None:
    text = HUAWEI[: position - 1] + char + HUAWEI[position:]
    # only the message naming it: the rules that need the character are left out
    assert failures(text) == (
        f"position {position}: {normalise(char)!r} is not a character of the code "
        "(0–9 and capital letters other than I, O, S, V, Z)",
    )
    assert not is_valid(text) and not looks_like(text)


def test_an_inner_space_is_not_trimmed() -> None:
    assert failures("914403001922038 16") == (
        "position 16: ' ' is not a character of the code (0–9 and capital letters other than "
        "I, O, S, V, Z)",
    )


@pytest.mark.parametrize("authority", sorted(AUTHORITIES))
def test_every_listed_registration_authority_passes(authority: str) -> None:
    assert is_valid(with_check(authority + HUAWEI[1:17]))


@pytest.mark.parametrize("authority", sorted(set(ALPHABET) - AUTHORITIES))
def test_position_1_an_unlisted_registration_authority(authority: str) -> None:
    code = with_check(authority + HUAWEI[1:17])
    assert failures(code) == (
        f"position 1: registration authority {authority!r} is not one GB 32100 lists "
        "(1–9, A, N, Y)",
    )
    assert looks_like(code)  # the shape and the check character are right


@pytest.mark.parametrize("kind", sorted(ORGANISATION_TYPES))
def test_every_type_of_the_table_passes(kind: str) -> None:
    assert is_valid(with_check("9" + kind + HUAWEI[2:17]))


@pytest.mark.parametrize("kind", sorted(set(ALPHABET) - ORGANISATION_TYPES))
def test_position_2_an_unknown_organisation_type(kind: str) -> None:
    assert failures(with_check("9" + kind + HUAWEI[2:17])) == (
        f"position 2: organisation type {kind!r} is not one of 1–5, 9",
    )


@pytest.mark.parametrize("position", range(3, 9))
@pytest.mark.parametrize("letter", ["A", "X"])
def test_positions_3_to_8_the_division_is_digits(position: int, letter: str) -> None:
    first17 = HUAWEI[: position - 1] + letter + HUAWEI[position:17]
    assert failures(with_check(first17)) == (
        "positions 3–8: the administrative division must be six digits",
    )


def test_positions_3_to_8_the_division_is_not_all_zero() -> None:
    assert failures(with_check("91000000" + HUAWEI[8:17])) == (
        "positions 3–8: the administrative division must not be 000000",
    )
    assert is_valid(with_check("91000001" + HUAWEI[8:17]))


def test_eighteen_zeros_fail_three_rules() -> None:
    # accepted before the full check: both check characters of all zeros are right
    assert failures("000000000000000000") == (
        "position 1: registration authority '0' is not one GB 32100 lists (1–9, A, N, Y)",
        "position 2: organisation type '0' is not one of 1–5, 9",
        "positions 3–8: the administrative division must not be 000000",
    )
    assert looks_like("000000000000000000")


@pytest.mark.parametrize("code", REAL)
def test_position_17_the_organisation_code_check_character(code: str) -> None:
    for wrong in (c for c in ALPHABET if c != code[16]):
        forged = with_check(code[:16] + wrong)  # a right 18th character does not save it
        assert failures(forged) == (
            "position 17: wrong check character of the organisation code (GB 11714)",
        )
        assert looks_like(forged)


@pytest.mark.parametrize("code", REAL)
def test_position_18_the_check_character(code: str) -> None:
    for wrong in (c for c in ALPHABET if c != code[17]):
        assert failures(code[:17] + wrong) == ("position 18: wrong check character (GB 32100)",)
        assert not looks_like(code[:17] + wrong)


def test_every_failure_at_once_in_the_order_of_the_positions() -> None:
    assert failures("0Z0A0000192203822O") == (
        "position 1: registration authority '0' is not one GB 32100 lists (1–9, A, N, Y)",
        "position 2: 'Z' is not a character of the code (0–9 and capital letters other than "
        "I, O, S, V, Z)",
        "positions 3–8: the administrative division must be six digits",
        "position 17: wrong check character of the organisation code (GB 11714)",
        "position 18: 'O' is not a character of the code (0–9 and capital letters other than "
        "I, O, S, V, Z)",
    )
    # position 18 is judged with the others when every character is readable
    assert failures("000000000000000001") == (
        "position 1: registration authority '0' is not one GB 32100 lists (1–9, A, N, Y)",
        "position 2: organisation type '0' is not one of 1–5, 9",
        "positions 3–8: the administrative division must not be 000000",
        "position 18: wrong check character (GB 32100)",
    )


@pytest.mark.parametrize(
    ("body", "check"),
    [
        ("19220382", "1"),  # Huawei
        ("71526726", "X"),  # Tencent: 10 is written X
        ("55138508", "2"),  # Xiaomi
        ("00000000", "0"),  # 11 is written 0
        ("MA1K3B9W", "2"),  # letters count A=10 … Z=35
    ],
)
def test_the_gb_11714_check_character(body: str, check: str) -> None:
    assert organisation_check_character(body) == check


@pytest.mark.parametrize("body", ["1922038", "192203821", "1922038a", "1922038-"])
def test_the_gb_11714_check_needs_8_digits_or_capitals(body: str) -> None:
    with pytest.raises(ValueError, match="8 digits"):
        organisation_check_character(body)


def test_the_alphabet_and_weights() -> None:
    assert ALPHABET == "0123456789ABCDEFGHJKLMNPQRTUWXY"
    assert not set("IOSVZ") & set(ALPHABET)
    assert check_character(HUAWEI[:17]) == "6"


@pytest.mark.parametrize("first17", ["9144030019220382", "91440300192203821X", "9144030019220382I"])
def test_check_character_needs_17_alphabet_characters(first17: str) -> None:
    with pytest.raises(ValueError, match="17 characters"):
        check_character(first17)


@pytest.mark.parametrize(
    ("code", "enterprise"),
    [
        (HUAWEI, True),
        (" ９１４４０３００１９２２０３８２１６", True),
        (with_check("92" + HUAWEI[2:17]), False),  # individual business
        (with_check("93" + HUAWEI[2:17]), False),  # farmers' cooperative
        (with_check("12" + HUAWEI[2:17]), False),  # public institution
        (with_check("51" + HUAWEI[2:17]), False),  # social organisation
        (with_check("Y1" + HUAWEI[2:17]), False),
    ],
)
def test_is_enterprise_is_91(code: str, enterprise: bool) -> None:
    assert is_valid(code)
    assert is_enterprise(code) is enterprise


def test_the_check_character_can_be_any_of_the_alphabet() -> None:
    # Over many bodies the check character takes every value, including letters and 0.
    rng = random.Random(7)
    seen = {generate(rng)[-1] for _ in range(2000)}
    assert seen == set(ALPHABET)


def test_generated_codes_look_real() -> None:
    rng = random.Random(2026)
    codes = [generate(rng) for _ in range(300)]
    assert all(code.startswith("91") for code in codes)
    assert {code[2:8] for code in codes} <= set(uscc.DIVISIONS)
    assert any(code[8:10] == "MA" for code in codes)
    assert any(code[8:16].isdigit() for code in codes)
    assert {code[16] for code in codes} >= {"X", "0"}


@pytest.mark.parametrize(
    ("authority", "kind"), [("9", "2"), ("9", "3"), ("1", "2"), ("5", "1"), ("Y", "1")]
)
def test_generate_other_kinds_of_organisation(authority: str, kind: str) -> None:
    code = generate(random.Random(1), authority=authority, organisation_type=kind)
    assert code.startswith(authority + kind)
    assert is_valid(code) and not is_enterprise(code)


@pytest.mark.parametrize(("authority", "kind"), [("0", "1"), ("9", "6"), ("91", "1")])
def test_generate_refuses_what_the_standard_does_not_list(authority: str, kind: str) -> None:
    with pytest.raises(ValueError, match="authority"):
        generate(random.Random(1), authority=authority, organisation_type=kind)


@settings(max_examples=200)
@given(st.randoms(use_true_random=False), st.data())
def test_generated_codes_validate_and_any_one_change_breaks_them(
    rng: random.Random, data: st.DataObject
) -> None:
    code = generate(rng)
    assert failures(code) == ()
    assert is_valid(code.lower())
    position = data.draw(st.integers(0, 17))
    other = data.draw(st.sampled_from(ALPHABET).filter(lambda c: c != code[position]))
    changed = code[:position] + other + code[position + 1 :]
    assert not is_valid(changed)


@pytest.mark.parametrize("serial", [0, 1, 42, 12_345_678, 99_999_999])
def test_compose_gives_valid_distinct_codes(serial: int) -> None:
    code = uscc.compose("440305", serial)
    assert failures(code) == ()
    assert code.startswith("91440305")
    assert code != uscc.compose("440305", (serial + 1) % 10**8)


@pytest.mark.parametrize(
    ("division", "serial"),
    [("4403", 1), ("44030X", 1), ("000000", 1), ("440305", 10**8), ("440305", -1)],
)
def test_compose_refuses_bad_parts(division: str, serial: int) -> None:
    with pytest.raises(ValueError, match="division"):
        uscc.compose(division, serial)
