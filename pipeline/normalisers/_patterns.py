"""Shared plumbing for the rule families: pattern-rule models and regex assembly.

Rule files hold regex *templates* with ``{NAME}`` placeholders (``{NUM}``, ``{MONTH}``...,
expanded by :func:`klynge.rules.expand`) that are filled per language from the word lists;
each family's rules are then joined into one alternation so a finder makes a single linear
pass over the text.
"""
from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import ClassVar

from pydantic import field_validator, model_validator

from klynge.rules import RuleModel, check_template, expand, placeholders, registry
from klynge.rules.guards import guarded

_GROUP_NAME = re.compile(r"\(\?P<([A-Za-z_]\w*)>")
_GROUP_REF = re.compile(r"\(\?P=([A-Za-z_]\w*)\)")
_RULE_ID = re.compile(r"^[a-z][a-z0-9_]*\.[a-z0-9_.]+$")


class PatternRule(RuleModel):
    """One regex template with an id that every match it produces records."""

    id: str
    pattern: str
    langs: list[str] | None = None  # None: every language
    description: str = ""

    @field_validator("id")
    @classmethod
    def _check_id(cls, v: str) -> str:
        if not _RULE_ID.match(v):
            raise ValueError(f"rule id {v!r} must look like 'family.name'")
        return v

    @field_validator("pattern")
    @classmethod
    def _check_pattern(cls, v: str) -> str:
        # Placeholder values are only known per language, so compile with stand-ins: a
        # syntax error in the template itself still fails when the file is loaded (the
        # family checks the names, see PatternFamily).
        check_template(v, placeholders(v))
        return v

    @field_validator("langs")
    @classmethod
    def _check_langs(cls, v: list[str] | None) -> list[str] | None:
        if v is not None and any(not registry().is_supported(lang) for lang in v):
            raise ValueError(f"unknown language in {v}")
        return v


class PatternFamily(RuleModel):
    """A rule file of pattern templates; ``PLACEHOLDERS`` names what its finder fills in,
    so a template using any other name fails when the file is loaded."""

    PLACEHOLDERS: ClassVar[tuple[str, ...]] = ()
    rules: list[PatternRule]

    @model_validator(mode="after")
    def _known_placeholders(self) -> "PatternFamily":
        for rule in self.rules:
            try:
                check_template(rule.pattern, self.PLACEHOLDERS)
            except ValueError as exc:
                raise ValueError(f"{rule.id}: {exc}") from None
        return self


def combine(rules: Sequence[PatternRule], lang: str, tokens: Mapping[str, str],
            flags: int = re.IGNORECASE) -> tuple[re.Pattern[str], list[PatternRule]]:
    """One compiled alternation of all rules for ``lang``; group names get an ``r<i>_`` prefix.

    Returns the pattern and the rules in alternative order (index i -> group ``r<i>``).
    It stands behind a lookahead of the first two characters a match can begin with
    (klynge.rules.guards.guarded): the same matches in a third to a half of the time, as sre
    otherwise tries every rule at every position of the text.
    """
    used = [r for r in rules if r.langs is None or lang in r.langs]
    parts = []
    for i, rule in enumerate(used):
        body = expand(rule.pattern, tokens)
        body = _GROUP_NAME.sub(lambda m, i=i: f"(?P<r{i}_{m.group(1)}>", body)
        body = _GROUP_REF.sub(lambda m, i=i: f"(?P=r{i}_{m.group(1)})", body)
        parts.append(f"(?P<r{i}>{body})")
    source = "|".join(parts)
    try:
        return re.compile(guarded(source, flags), flags), used
    except re.error as exc:
        raise ValueError(f"rules for {lang} do not combine: {exc}") from exc


def rule_matches(pattern: re.Pattern[str], rules: Sequence[PatternRule], text: str
                 ) -> Iterator[tuple[re.Match[str], PatternRule, "Groups"]]:
    """Each match of a :func:`combine` d pattern in ``text`` with the rule that made it and
    that rule's groups: the loop every finder starts with."""
    for m in pattern.finditer(text):
        i = which(m, len(rules))
        yield m, rules[i], Groups(m, i)


def which(m: re.Match[str], n: int) -> int:
    """Index of the rule alternative that produced ``m``."""
    for i in range(n):
        if m.start(f"r{i}") != -1:
            return i
    raise AssertionError("match without a rule group")


class Groups:
    """Named groups of one rule alternative, without the ``r<i>_`` prefix."""

    __slots__ = ("m", "prefix")

    def __init__(self, m: re.Match[str], i: int) -> None:
        self.m = m
        self.prefix = f"r{i}_"

    def _name(self, name: str) -> str | None:
        full = self.prefix + name
        return full if full in self.m.re.groupindex else None

    def get(self, name: str) -> str | None:
        full = self._name(name)
        return None if full is None else self.m.group(full)

    def span(self, name: str) -> tuple[int, int]:
        full = self._name(name)
        return (-1, -1) if full is None else self.m.span(full)
