"""URL, EMAIL and PHONE: finders and normalisers.

URL values: http(s) URLs are kept as written; "www." and bare domains get "https://"
(what a browser would try first today). E-mail values are lower-cased; phone values are
"+<country code><digits>" ("+4722242500").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pydantic import field_validator

from klynge.normalisers._patterns import (
    PatternFamily, PatternRule, combine, rule_matches,
)
from klynge.normalisers.amounts import money_words  # "922 45 678 kroner" is money
from klynge.rules import alternation, load_rules, registry


@dataclass(frozen=True)
class ContactMatch:
    start: int
    end: int
    text: str
    label: str   # "URL" | "EMAIL" | "PHONE"
    value: str
    rule_id: str


class ContactRules(PatternFamily):
    """``shared/contacts.yaml``."""

    PLACEHOLDERS = ("TLD", "SP", "NOTQTY")
    tlds: list[str]
    trailing_punctuation: str
    bracket_pairs: list[str]
    default_country_code: str

    @field_validator("bracket_pairs")
    @classmethod
    def _pairs(cls, v: list[str]) -> list[str]:
        if any(len(p) != 2 for p in v):
            raise ValueError("bracket_pairs entries are two characters: opener, closer")
        return v


_LABELS = {"url": "URL", "email": "EMAIL", "phone": "PHONE"}


@dataclass(frozen=True)
class _Lang:
    pattern: re.Pattern[str]
    rules: list[PatternRule]
    spec: ContactRules


def _spec(lang: str) -> ContactRules:
    registry().rules_language(lang)  # an unregistered code fails here, by name
    spec = load_rules("shared", "contacts.yaml", ContactRules)
    for r in spec.rules:
        if r.id.split(".")[0] not in _LABELS:
            raise ValueError(f"contact rule {r.id}: family must be url, email or phone")
    return spec


def _tokens(lang: str, spec: ContactRules) -> dict[str, str]:
    sp = r"[ \u00a0\u202f]"
    words = money_words(lang)
    qty = alternation(words + [w.capitalize() for w in words] + [w.upper() for w in words])
    return {
        "TLD": alternation(spec.tlds),
        "SP": sp,
        "NOTQTY": f"(?!{sp}*{qty}(?!\\w))",
    }


@lru_cache(maxsize=None)
def _lang(lang: str) -> _Lang:
    spec = _spec(lang)
    pattern, rules = combine(spec.rules, lang, _tokens(lang, spec), flags=0)
    return _Lang(pattern, rules, spec)


@lru_cache(maxsize=None)
def family_pattern(lang: str, family: str) -> re.Pattern[str]:
    """One family's rules ("url", "email" or "phone") as one pattern: for the sections
    stage, which asks whether a line holds an address, not for its value."""
    if family not in _LABELS:
        raise ValueError(f"no contact family {family!r}")
    spec = _spec(lang)
    rules = [r for r in spec.rules if r.id.split(".")[0] == family]
    return combine(rules, lang, _tokens(lang, spec), flags=0)[0]


def _trim_url(s: str, spec: ContactRules) -> str:
    """Drop trailing punctuation, and closing brackets that have no opener in the URL
    ("(se www.nfd.no)" -> "www.nfd.no", but "wiki/Foo_(bar)" keeps its bracket)."""
    closers = {p[1]: p[0] for p in spec.bracket_pairs}
    while s:
        c = s[-1]
        if c in spec.trailing_punctuation:
            s = s[:-1]
        elif c in closers and s.count(closers[c]) < s.count(c):
            s = s[:-1]
        else:
            break
    return s


def normalise_url(raw: str) -> str:
    """A URL with a scheme: http(s) URLs unchanged, others get "https://"."""
    s = raw.strip()
    if re.match(r"(?i)https?://", s):
        return s
    return "https://" + s


def normalise_phone(digits: str, country_code: str) -> str:
    return "+" + country_code + re.sub(r"\D", "", digits)


def find_contacts(text: str, lang: str) -> list[ContactMatch]:
    """URLs, e-mail addresses and phone numbers in ``text``, in order."""
    L = _lang(lang)
    out: list[ContactMatch] = []
    for m, rule, g in rule_matches(L.pattern, L.rules, text):
        label = _LABELS[rule.id.split(".")[0]]
        start, end = m.span()
        if label == "URL":
            raw = _trim_url(m.group(), L.spec)
            if "." not in raw:
                continue
            end = start + len(raw)
            out.append(ContactMatch(start, end, raw, label, normalise_url(raw), rule.id))
        elif label == "EMAIL":
            raw = m.group()
            out.append(ContactMatch(start, end, raw, label, raw.lower(), rule.id))
        else:
            cc = g.get("cc") or L.spec.default_country_code
            out.append(ContactMatch(start, end, m.group(), label,
                                    normalise_phone(g.get("digits") or "", cc), rule.id))
    return out
