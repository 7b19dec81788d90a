"""The scope statement printed on a certificate (认证范围), and when a change narrows it.

An application may list its scope items (the products or services covered, each with its
Chinese name and optionally its English one). At a grant the certificate's statement is
generated from them, with the rubric indicators the recommended score sheet excluded
(scored not applicable) named as exclusions (docs/domain.md §8.4):

- Chinese: the items joined by ``、``, then ``的售后服务``, then ``（不含…）`` with the
  excluded indicators' names joined by ``、`` when there are any:
  ``家用空调器、冰箱的售后服务（不含安装调试）``.
- English, only when every item has its English name: ``After-sales service of `` and the
  items (``A``; ``A and B``; ``A, B and C``), then `` (excluding …)`` with the excluded
  indicators' English names, first letter lower-cased, joined the same way:
  ``After-sales service of household air conditioners (excluding installation and
  commissioning)``.

Exclusions are named in rubric order, each once. A change certificate's scope is a
narrowing (applies at once) only when both statements read in this format and the new one
covers no item the current one does not, and excludes at least what it excludes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from app.domain.enums import EnterpriseType
from app.domain.rubric import STRUCTURE, StandardIndicator

ITEM_SEPARATOR = "、"
SERVICE = "的售后服务"
EXCLUDING_OPEN = "（不含"
EXCLUDING_CLOSE = "）"
SERVICE_EN = "After-sales service of "
# the longest statements a certificate prints (its columns)
MAX_ZH = 1000
MAX_EN = 2000


@dataclass(frozen=True, slots=True)
class ScopeItem:
    """One product or service covered: its Chinese name, and its English one if given."""

    zh: str
    en: str | None = None


@dataclass(frozen=True, slots=True)
class Statement:
    """A generated scope statement: Chinese always, English when every item has one."""

    zh: str
    en: str | None


@dataclass(frozen=True, slots=True)
class Parsed:
    """A statement read back: the items it covers and the indicators' names it excludes."""

    items: frozenset[str]
    excluded: frozenset[str]


def _indicators(enterprise_type: EnterpriseType) -> Mapping[str, StandardIndicator]:
    return MappingProxyType({i.code: i for s in STRUCTURE[enterprise_type] for i in s.indicators})


def excluded_indicators(
    enterprise_type: EnterpriseType, not_applicable: Iterable[str]
) -> tuple[StandardIndicator, ...]:
    """The standard's indicators among ``not_applicable`` (codes), in rubric order, each once;
    codes the enterprise type does not have are ignored."""
    wanted = set(not_applicable)
    return tuple(i for code, i in _indicators(enterprise_type).items() if code in wanted)


def english_list(names: Sequence[str]) -> str:
    """``A``; ``A and B``; ``A, B and C``."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def statement(
    items: Sequence[ScopeItem],
    enterprise_type: EnterpriseType,
    not_applicable: Iterable[str] = (),
) -> Statement:
    """The scope statement of ``items`` (at least one) with the excluded indicators."""
    if not items:
        raise ValueError("a scope statement needs at least one item")
    excluded = excluded_indicators(enterprise_type, not_applicable)
    zh = ITEM_SEPARATOR.join(i.zh for i in items) + SERVICE
    if excluded:
        zh += EXCLUDING_OPEN + ITEM_SEPARATOR.join(i.name for i in excluded) + EXCLUDING_CLOSE
    en: str | None = None
    english = [i.en for i in items if i.en is not None]
    if len(english) == len(items):
        en = SERVICE_EN + english_list(english)
        if excluded:
            en += " (excluding " + english_list([_lower_first(i.name_en) for i in excluded]) + ")"
    return Statement(zh, en)


def parse(text: str) -> Parsed | None:
    """The items and exclusions of a statement in the generated format, or None."""
    head, found, tail = text.strip().partition(SERVICE)
    if not found or not head:
        return None
    excluded: frozenset[str] = frozenset()
    if tail:
        if not (tail.startswith(EXCLUDING_OPEN) and tail.endswith(EXCLUDING_CLOSE)):
            return None
        inner = tail[len(EXCLUDING_OPEN) : -len(EXCLUDING_CLOSE)]
        names = inner.split(ITEM_SEPARATOR)
        if not all(names):
            return None
        excluded = frozenset(names)
    items = head.split(ITEM_SEPARATOR)
    if not all(items):
        return None
    return Parsed(frozenset(items), excluded)


def narrows(current: str, new: str) -> bool:
    """Whether ``new`` covers at most what ``current`` does: both read in the generated
    format, every item of ``new`` is one of ``current``'s, and ``new`` excludes at least
    what ``current`` excludes. The same text narrows (changes nothing); anything not
    recognisable is an extension, for the committee to decide."""
    if new.strip() == current.strip():
        return True
    before, after = parse(current), parse(new)
    if before is None or after is None:
        return False
    return after.items <= before.items and after.excluded >= before.excluded


HEADQUARTERS = "headquarters"


def extends_sites(current: Sequence[Mapping[str, str]], new: Sequence[Mapping[str, str]]) -> bool:
    """Whether a new annex of sites covers a site the current one does not: a site is covered
    when the current annex prints it with the same name, address and kind (a site renamed or
    moved since counts as new). The headquarters is always covered."""
    printed = {(s["name"], s["address"], s["kind"]) for s in current}
    return any(
        s["kind"] != HEADQUARTERS and (s["name"], s["address"], s["kind"]) not in printed
        for s in new
    )
