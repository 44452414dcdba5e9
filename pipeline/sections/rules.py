"""The sections stage's rule files: their validated models and the compiled set one
language reads.

``rules/shared/sections.yaml`` holds the layout rules of every language (bullets, limits,
the characters that end a sentence); ``rules/<lang>/sections.yaml`` the wording of one
language (navigation lines, date lines, contact labels). A language's set merges its own
file with those of every language along its fallback chain, then the shared file.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable

from pydantic import PrivateAttr, ValidationInfo, model_validator

from klynge.lexicon import speech_verbs
from klynge.normalisers.contacts import family_pattern
from klynge.normalisers.dates import month_alternatives, published_labels
from klynge.rules import (
    RuleModel, alternation, char_class, expand, lang_rule_chain, literal_alternation, load_rules, rule_folder,
)

RULE_FILE = "sections.yaml"

# Fields whose patterns are OR-ed into one regex, so they may not use named groups.
JOINED = ("navigation", "boilerplate", "metadata", "links", "not_heading", "facts_heading",
          "kicker_navigation", "contact_label", "role_words", "quote_inline",
          "quote_attribution", "caption")
# Fields tried one pattern at a time to read a named group.
GROUPED = {"publisher": "value", "press_release_no": "value", "published": "date",
           "updated": "date", "inline_dateline": "date", "byline": "name"}
# The fields the shared file may hold too (OR-ed after those of the language).
_SHARED_JOINED = ("navigation", "boilerplate", "metadata", "links", "not_heading")


class Example(RuleModel):
    """A line and the kind it gets on its own (None: decided by layout), for rules check."""

    text: str
    kind: str | None


class _PatternLists(RuleModel):
    navigation: list[str] = []
    boilerplate: list[str] = []
    metadata: list[str] = []
    links: list[str] = []
    not_heading: list[str] = []


def _scoped(pattern: str) -> str:
    """Make a leading ``(?i)`` local, since global flags are illegal inside an alternation."""
    if pattern.startswith("(?i)"):
        return "(?i:" + pattern[4:] + ")"
    return pattern


def _compile_all(model: RuleModel, names: Iterable[str],
                 expand: Callable[[str], str]) -> dict[str, list[str]]:
    """Expand placeholders and compile every pattern once, so a bad one fails on load."""
    out: dict[str, list[str]] = {}
    for name in names:
        expanded = []
        for raw in getattr(model, name, []):
            pat = expand(raw)
            try:
                compiled = re.compile(pat)
            except re.error as exc:
                raise ValueError(f"{name}: bad regex {raw!r}: {exc}") from exc
            if name in JOINED and compiled.groupindex:
                raise ValueError(f"{name}: named groups are not allowed in {raw!r}")
            if name in GROUPED and GROUPED[name] not in compiled.groupindex:
                raise ValueError(f"{name}: {raw!r} needs the group (?P<{GROUPED[name]}>...)")
            expanded.append(_scoped(pat))
        out[name] = expanded
    return out


class LangSectionRules(_PatternLists):
    """``pipeline/rules/<lang>/sections.yaml``: the wording of one language."""

    date: list[str]
    time: str = ""
    publisher: list[str] = []
    press_release_no: list[str] = []
    published: list[str] = []
    updated: list[str] = []
    inline_dateline: list[str] = []
    kicker_navigation: list[str] = []
    contact_label: list[str] = []
    role_words: list[str] = []
    caption: list[str] = []
    byline: list[str] = []
    facts_heading: list[str] = []
    quote_inline: list[str] = []
    quote_attribution: list[str] = []
    examples: list[Example] = []

    _patterns: dict[str, list[str]] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _compile(self, info: ValidationInfo) -> "LangSectionRules":
        # Word lists have one home per language, which the patterns name by placeholder:
        # months.yaml ({MONTH}, {MONTH_ABBR}), quotes.yaml ({SPEECH}) and dates.yaml
        # ({PUBLISHED_LABEL}), all of the language whose folder holds this file; {DATE}
        # is any of this file's `date` patterns and {TIME} its `time`.
        lang = rule_folder(info)
        months, abbreviations = month_alternatives(lang)
        words = {"MONTH": months, "MONTH_ABBR": abbreviations,
                 "SPEECH": literal_alternation(speech_verbs(lang)),
                 "PUBLISHED_LABEL": alternation(published_labels(lang))}
        dates = [expand(d, words) for d in self.date]
        for d in dates:
            re.compile(d)
        table = {**words, "DATE": "(?:" + "|".join(f"(?:{d})" for d in dates) + ")",
                 "TIME": self.time}
        self._patterns = _compile_all(self, [*JOINED, *GROUPED], lambda p: expand(p, table))
        return self


class Limits(RuleModel):
    heading_max_chars: int
    heading_max_words: int
    title_max_chars: int
    dateline_max_chars: int
    metadata_max_chars: int
    links_max_chars: int
    links_url_share: float
    contact_max_chars: int
    caption_cluster_lines: int
    caption_line_max_chars: int
    caption_max_chars: int
    url_line_max_chars: int
    contact_line_max_chars: int
    name_max_tokens: int
    name_token_max_chars: int
    list_terminal_share: float
    header_lines: int
    own_line_date_lines: int


class SharedSectionRules(_PatternLists):
    """``pipeline/rules/shared/sections.yaml``: layout rules for every language."""

    bullets: list[str]
    bullet: str
    strong_bullets: frozenset[str]
    ordered_bullet: re.Pattern[str]
    junk_line: re.Pattern[str]
    quote_start: re.Pattern[str]
    fold_chars: dict[str, str] = {}
    terminal_chars: str
    heading_forbidden_end: str
    closing_quotes: str
    dashes: str
    field_separators: tuple[str, ...]
    field_joiners: str
    limits: Limits

    _patterns: dict[str, list[str]] = PrivateAttr(default_factory=dict)
    _bullet: re.Pattern[str] = PrivateAttr()

    @model_validator(mode="after")
    def _compile(self) -> "SharedSectionRules":
        if not set(self.strong_bullets) <= set(self.bullets):
            raise ValueError("strong_bullets: every strong bullet is one of `bullets`")
        self._bullet = re.compile(expand(self.bullet, {"BULLET": char_class(self.bullets)}))
        for name, pattern in (("bullet", self._bullet), ("ordered_bullet", self.ordered_bullet)):
            if "bullet" not in pattern.groupindex:
                raise ValueError(f"{name}: needs the group (?P<bullet>...)")
        self._patterns = _compile_all(self, _SHARED_JOINED, lambda p: expand(p, {}))
        return self

    @property
    def bullet_line(self) -> re.Pattern[str]:
        """A bullet at the start of a (stripped) line, group ``bullet`` the bullet."""
        return self._bullet

    @property
    def fold(self) -> dict[int, str]:
        return str.maketrans(self.fold_chars)


def _join(patterns: list[str]) -> re.Pattern[str] | None:
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{p})" for p in patterns))


@dataclass(frozen=True)
class SectionRules:
    """Every pattern one language needs: the shared layout rules, and the wording of its
    file and its fallbacks' merged field by field (``JOINED`` fields as one alternation,
    ``GROUPED`` fields as a tuple tried in order)."""

    shared: SharedSectionRules
    joined: dict[str, re.Pattern[str] | None]
    grouped: dict[str, tuple[re.Pattern[str], ...]]
    # Addresses in a line: the contact normaliser's patterns (shared/contacts.yaml, their
    # one home), so a line is contact information when that stage would find one in it.
    url: re.Pattern[str]
    email: re.Pattern[str]
    phone: re.Pattern[str]

    @property
    def limits(self) -> Limits:
        return self.shared.limits

    def fullmatch(self, name: str, s: str) -> bool:
        """``s`` is all one of the ``name`` patterns (False when the language has none)."""
        p = self.joined[name]
        return p is not None and p.fullmatch(s) is not None

    def match(self, name: str, s: str) -> bool:
        p = self.joined[name]
        return p is not None and p.match(s) is not None

    def search(self, name: str, s: str) -> bool:
        p = self.joined[name]
        return p is not None and p.search(s) is not None


def shared_rules() -> SharedSectionRules:
    return load_rules("shared", RULE_FILE, SharedSectionRules)


def lang_rules(lang: str) -> list[LangSectionRules]:
    """The files of ``lang`` and of every language along its fallback chain."""
    return [load_rules(code, RULE_FILE, LangSectionRules)
            for code in lang_rule_chain(lang, RULE_FILE)]


@lru_cache(maxsize=None)
def section_rules(lang: str) -> SectionRules:
    shared = shared_rules()
    # Page furniture mixes Bokmål and Nynorsk ("Publisert under:" on a Nynorsk release), so
    # a language's wording is merged with that of every language along its fallback chain.
    files = lang_rules(lang)

    def merged(name: str) -> list[str]:
        pats = [p for f in files for p in f._patterns.get(name, [])]
        return pats + shared._patterns.get(name, [])

    return SectionRules(
        shared=shared,
        joined={name: _join(merged(name)) for name in JOINED},
        grouped={name: tuple(re.compile(p) for p in merged(name)) for name in GROUPED},
        url=family_pattern(lang, "url"), email=family_pattern(lang, "email"),
        phone=family_pattern(lang, "phone"),
    )
