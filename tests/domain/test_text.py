"""Folding of names for matching and search, and the control-character guard."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.text import (
    MAX_SEARCH_KEY,
    SEPARATOR,
    exact_form,
    fold,
    is_blank,
    search_key,
)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("深圳市华为技术有限公司", " 深圳市华为技术有限公司\u3000"),
        ("ACME Service Co., Ltd.", "acme  service co.,\tltd."),
        ("ＡＣＭＥ（中国）有限公司", "acme(中国)有限公司"),
        ("Straße", "STRASSE"),
        ("ﬁne", "FINE"),
    ],
)
def test_fold_equates_what_people_mean_as_the_same_name(a: str, b: str) -> None:
    assert fold(a) == fold(b)


@pytest.mark.parametrize(("a", "b"), [("华为", "華為"), ("acme co", "acmeco"), ("A1", "Al")])
def test_fold_keeps_different_names_apart(a: str, b: str) -> None:
    assert fold(a) != fold(b)


def test_search_key_joins_both_names_with_a_newline() -> None:
    assert search_key(" 华为 ", "HUAWEI  Tech\n") == "华为\nhuawei tech"
    assert search_key("华为", None) == "华为\n"
    assert fold("为\nhuawei") not in search_key("华为", "Huawei")  # no match across the names


def test_search_key_keeps_earlier_names_once_newest_first() -> None:
    key = search_key("格力", "Gree", ["格力", "Gree", "珠海格力", None, "ZHUHAI  Gree", "珠海格力"])
    assert key == "格力\ngree\n珠海格力\nzhuhai gree"


def test_search_key_leaves_out_earlier_names_that_do_not_fit() -> None:
    key = search_key("甲" * 200, "b" * 300, ["丙" * 200, "d" * 300, "戊" * 200])
    # the 300 d do not fit after 丙: they and every older name are left out
    assert key.split(SEPARATOR) == ["甲" * 200, "b" * 300, "丙" * 200]
    assert len(key) <= MAX_SEARCH_KEY


names = st.lists(st.text(), min_size=2, max_size=6)


@given(names, st.text(min_size=1))
def test_no_folded_term_matches_across_two_names(given_names: list[str], text: str) -> None:
    """Whatever names a key joins, a folded term is found in it only when it is found in one
    of the names: the separator is a character ``fold`` never leaves in a term."""
    term = fold(text)
    key = search_key(given_names[0], given_names[1], given_names[2:])
    assert SEPARATOR not in term
    in_one = any(term in part for part in key.split(SEPARATOR))
    assert (term in key) is in_one


@given(st.text())
def test_fold_is_idempotent_and_single_line(text: str) -> None:
    folded = fold(text)
    assert fold(folded) == folded
    assert folded == folded.strip()
    assert "\n" not in folded
    assert "  " not in folded


@pytest.mark.parametrize(
    ("given", "stored", "same"),
    [
        (" 格力电器（武汉）有限公司\u3000", "格力电器(武汉)有限公司", True),
        ("ＡＣＭＥ Co.", "ACME Co.", True),
        ("acme co.", "ACME Co.", False),
        ("ACME  Co.", "ACME Co.", False),
    ],
)
def test_exact_form_folds_width_and_trims_only(given: str, stored: str, same: bool) -> None:
    assert (exact_form(given) == exact_form(stored)) is same


@given(st.text())
def test_exact_form_is_idempotent(text: str) -> None:
    assert exact_form(exact_form(text)) == exact_form(text)


@pytest.mark.parametrize(
    ("value", "blank"),
    [(None, True), ("", True), (" \t\n", True), ("\u3000", True), ("\u200b\ufeff", True),
     ("不涉及", False), (" x ", False)],
)  # fmt: skip
def test_is_blank(value: str | None, blank: bool) -> None:
    assert is_blank(value) is blank
