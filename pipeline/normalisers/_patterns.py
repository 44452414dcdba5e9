"""Shared plumbing for the rule families: pattern-rule models and regex assembly.

Rule files hold regex *templates* with ``%TOKEN%`` placeholders (``%NUM%``, ``%MONTH%``...)
that are filled per language from the word lists; each family's rules are then joined
into one alternation so a finder makes a single linear pass over the text.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from pydantic import field_validator

from klynge.rules import RuleModel, literal_alternation, registry

_TOKEN = re.compile(r"%([A-Z][A-Z0-9_]*)%")
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
        # Tokens are only known per language, so compile with stand-ins: a syntax error
        # in the template itself still fails when the file is loaded.
        try:
            re.compile(_TOKEN.sub("(?:x)", v))
        except re.error as exc:
            raise ValueError(f"bad regex {v!r}: {exc}") from exc
        return v

    @field_validator("langs")
    @classmethod
    def _check_langs(cls, v: list[str] | None) -> list[str] | None:
        if v is not None and any(not registry().is_supported(lang) for lang in v):
            raise ValueError(f"unknown language in {v}")
        return v


def alternation(forms: Iterable[str]) -> str:
    """A non-capturing :func:`~klynge.rules.literal_alternation` of the non-empty forms,
    a space in a form matching any run of spaces, NBSPs or narrow NBSPs."""
    words = [f for f in forms if f]
    if not words:
        return literal_alternation(words)  # matches nothing, keeps the template valid
    return "(?:" + literal_alternation(words).replace(r"\ ", r"[ \u00a0\u202f]+") + ")"


def fill(template: str, tokens: Mapping[str, str]) -> str:
    """Replace ``%TOKEN%`` placeholders; an unknown token is an error."""

    def sub(m: re.Match[str]) -> str:
        try:
            return tokens[m.group(1)]
        except KeyError:
            raise ValueError(f"unknown token %{m.group(1)}% in {template!r}") from None

    return _TOKEN.sub(sub, template)


def combine(rules: Sequence[PatternRule], lang: str, tokens: Mapping[str, str],
            flags: int = re.IGNORECASE) -> tuple[re.Pattern[str], list[PatternRule]]:
    """One compiled alternation of all rules for ``lang``; group names get an ``r<i>_`` prefix.

    Returns the pattern and the rules in alternative order (index i -> group ``r<i>``).
    """
    used = [r for r in rules if r.langs is None or lang in r.langs]
    parts = []
    for i, rule in enumerate(used):
        body = fill(rule.pattern, tokens)
        body = _GROUP_NAME.sub(lambda m, i=i: f"(?P<r{i}_{m.group(1)}>", body)
        body = _GROUP_REF.sub(lambda m, i=i: f"(?P=r{i}_{m.group(1)})", body)
        parts.append(f"(?P<r{i}>{body})")
    try:
        return re.compile("|".join(parts), flags), used
    except re.error as exc:
        raise ValueError(f"rules for {lang} do not combine: {exc}") from exc


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
