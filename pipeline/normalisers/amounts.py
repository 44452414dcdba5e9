"""MONEY: find amounts in running text and normalise them to (Decimal, ISO 4217 code).

Only amounts with a currency (word, code, symbol or "MNOK"-style unit) are found: a bare
"460 millioner" is as often people as kroner. Values are exact Decimals in whole units.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from pydantic import field_validator

from klynge.normalisers._patterns import (
    PatternFamily, PatternRule, combine, rule_matches,
)
from klynge.normalisers.numbers import (
    number_words, parse_number, scale_table, scaled, word_value,
)
from klynge.lexicon import bullets
from klynge.rules import RuleModel, alternation, char_class, check_template, expand, load_lang_rules, load_rules


@dataclass(frozen=True)
class AmountMatch:
    start: int
    end: int
    text: str
    value: Decimal
    currency: str
    rule_id: str
    range_id: int | None = None


class CurrencyForms(RuleModel):
    currency: str
    forms: list[str]
    before: bool = True   # may precede the number ("NOK 5")
    after: bool = True    # may follow it ("5 NOK")
    scale: Decimal = Decimal(1)

    @field_validator("currency")
    @classmethod
    def _iso(cls, v: str) -> str:
        if not re.fullmatch(r"[A-Z]{3}", v):
            raise ValueError(f"{v!r} is not an ISO 4217 code")
        return v


class CurrencyFile(RuleModel):
    """``shared/currencies.yaml`` and ``<lang>/currencies.yaml``."""

    default_currency: str | None = None
    range_from: list[str] = []
    range_to: list[str] = []
    currencies: list[CurrencyForms]


class AmountRules(PatternFamily):
    """``shared/amounts.yaml``: number syntax and the money pattern templates."""

    PLACEHOLDERS = ("NUM", "WNUM", "SCALED", "CURPRE", "CURPOST", "SP", "DASH", "B", "FROM", "TO",
                    "BULLET")
    number: str
    space: str
    dashes: list[str]
    list_item: str

    @field_validator("number", "space")
    @classmethod
    def _compiles(cls, v: str) -> str:
        re.compile(v)
        return v

    @field_validator("list_item")
    @classmethod
    def _template(cls, v: str) -> str:
        check_template(v, cls.PLACEHOLDERS)
        return v


def _key(form: str) -> str:
    # casefold: IGNORECASE lets "ſEK" match "SEK"; lower() would not map it back
    return " ".join(form.casefold().split())


@dataclass(frozen=True)
class _Lang:
    pattern: re.Pattern[str]
    rules: list[PatternRule]
    currencies: dict[str, tuple[str, Decimal]]   # lower-cased form -> (code, scale)
    default_currency: str | None
    list_item: re.Pattern[str]
    bullets: frozenset[str]


def _currency_files(lang: str) -> list[CurrencyFile]:
    files = [load_rules("shared", "currencies.yaml", CurrencyFile)]
    files.append(load_lang_rules(lang, "currencies.yaml", CurrencyFile))
    return files


@lru_cache(maxsize=None)
def _lang(lang: str) -> _Lang:
    spec = load_rules("shared", "amounts.yaml", AmountRules)
    nums = number_words(lang)
    files = _currency_files(lang)
    table: dict[str, tuple[str, Decimal]] = {}
    pre: list[str] = []
    post: list[str] = []
    for f in files:  # language file last: its forms override shared ones
        for c in f.currencies:
            for form in c.forms:
                table[_key(form)] = (c.currency, c.scale)
                (pre.append(form) if c.before else None)
                (post.append(form) if c.after else None)
    sp = spec.space
    loose = [f for s in nums.scales if not s.attached_only for f in s.forms]
    glued = [f for s in nums.scales if s.attached_only for f in s.forms]
    scaled = f"(?:{sp}*{alternation(loose)}|{alternation(glued)})(?!\\w)"
    tokens = {
        "NUM": f"(?:{spec.number})",
        "WNUM": f"(?<!\\w){alternation(nums.words)}(?!\\w)",
        "SCALED": scaled,
        # A prefix currency may touch the digits ("NOK3.6"), never a preceding letter.
        "CURPRE": f"(?<![^\\W\\d_]){alternation(pre)}(?![^\\W\\d_])",
        "CURPOST": f"{alternation(post)}(?!\\w)",
        "SP": sp,
        "DASH": alternation(spec.dashes),
        "B": r"(?<![\w.,])",
        "FROM": alternation(files[-1].range_from),
        "TO": alternation(files[-1].range_to),
        "BULLET": char_class(bullets()),
    }
    pattern, rules = combine(spec.rules, lang, tokens)
    list_item = re.compile(expand(spec.list_item, tokens), re.IGNORECASE)
    return _Lang(pattern, rules, table, files[-1].default_currency, list_item, frozenset(bullets()))


def money_words(lang: str) -> list[str]:
    """Currency and scale forms that may follow a number (dates use them: "2021 kroner"
    is not a year)."""
    spec = _lang(lang)
    return sorted({f for f in spec.currencies} | set(scale_table(lang)))


def _number(raw: str | None, lang: str) -> Decimal | None:
    if not raw:
        return None
    if raw[0].isdigit():
        return parse_number(raw, lang)
    return word_value(raw, lang)


def _scale(raw: str | None, lang: str) -> Decimal | None:
    if raw is None:
        return None
    return scale_table(lang).get(_key(raw))


def _first(*positions: int) -> int:
    """Smallest group start among the groups that took part (-1 = did not)."""
    return min(p for p in positions if p != -1)


def find_amounts(text: str, lang: str) -> list[AmountMatch]:
    """All money amounts in ``text``; both ends of a range share a ``range_id``.

    Range ends are split so the spans do not overlap: "NOK 30–80 million" gives "NOK 30"
    (30000000) and "80 million" (80000000).
    """
    spec = _lang(lang)
    out: list[AmountMatch] = []
    range_ids = itertools.count()
    for m, rule, g in rule_matches(spec.pattern, spec.rules, text):
        cur_raw = g.get("cur") or g.get("cur0")
        if cur_raw is None:
            continue
        found = spec.currencies.get(_key(cur_raw))
        if found is None:
            continue
        currency, cur_scale = found
        num = _number(g.get("num"), lang)
        if num is None:
            continue
        num2_raw = g.get("num2") or g.get("num2b")
        scale = _scale(g.get("scale") or g.get("scaleb"), lang) or Decimal(1)
        if num2_raw is None:
            out.append(AmountMatch(m.start(), m.end(), m.group(), scaled(num, scale, cur_scale),
                                   currency, rule.id))
            continue
        num2 = _number(num2_raw, lang)
        if num2 is None:
            continue
        scale1 = _scale(g.get("scale1"), lang) or scale   # "30–80 million": shared scale
        # First end: from its own currency (if it stands before it) to its number/scale.
        s1 = _first(g.span("cur0")[0], g.span("num")[0],
                    g.span("cur")[0] if g.span("cur")[0] < g.span("num")[0] else -1)
        e1 = g.span("scale1")[1] if g.get("scale1") else g.span("num")[1]
        # Second end: from its own currency or number to the end of the match.
        s2 = _first(g.span("num2")[0], g.span("num2b")[0], g.span("cur2")[0], g.span("cur2b")[0])
        rid = next(range_ids)
        out.append(AmountMatch(s1, e1, text[s1:e1], scaled(num, scale1, cur_scale),
                               currency, rule.id, rid))
        out.append(AmountMatch(s2, m.end(), text[s2:m.end()], scaled(num2, scale, cur_scale),
                               currency, rule.id, rid))
    out.extend(_list_amounts(text, lang, out))
    return out


def _list_amounts(text: str, lang: str, found: list[AmountMatch]) -> list[AmountMatch]:
    """Amounts in list items that take the currency stated once for the list (see
    ``list_item`` in ``shared/amounts.yaml``)."""
    spec = _lang(lang)
    out = []
    for m in spec.list_item.finditer(text):
        if any(a.start < m.end() and m.start("num") < a.end for a in found):
            continue
        # the lead: the first line above that is neither an item nor blank
        pos = m.start()
        lead = None
        while pos > 0:
            line_start = text.rfind("\n", 0, pos - 1) + 1
            line = text[line_start:pos].strip()
            pos = line_start
            if line and not spec.list_item.match(text, line_start) and line[:1] not in spec.bullets:
                lead = (line_start, line_start + len(text[line_start:].split("\n", 1)[0]))
                break
        if lead is None or not text[lead[0]:lead[1]].rstrip().endswith(":"):
            continue
        in_lead = [a.currency for a in found if lead[0] <= a.start < lead[1]]
        currencies = [a.currency for a in found]
        currency = (in_lead[0] if in_lead else
                    max(set(currencies), key=currencies.count) if currencies else spec.default_currency)
        num = _number(m.group("num"), lang)
        scale = _scale(m.group("scale"), lang)
        if currency is None or num is None or scale is None:
            continue
        out.append(AmountMatch(m.start("num"), m.end("scale"), text[m.start("num"):m.end("scale")],
                               scaled(num, scale), currency, "money.list_item"))
    return out


def parse_amount(raw: str, lang: str) -> tuple[Decimal, str] | None:
    """Value and currency of one raw amount ("217 millioner kroner", "€2.5m").

    A span with a number and scale but no currency ("1,12 milliardar") gets the language's
    ``default_currency`` (NOK for nb/nn, none for en): callers use this on spans a model
    already labelled MONEY. Ranges give None.
    """
    raw = raw.strip()
    if not raw:
        return None
    found = find_amounts(raw, lang)
    if len(found) == 1 and found[0].start == 0 and found[0].end == len(raw):
        return found[0].value, found[0].currency
    if found:
        return None
    spec = _lang(lang)
    if spec.default_currency is None:
        return None
    # No currency at all: a number (digits or words) and an optional scale word.
    m = _GLUED.fullmatch(raw)
    if m:  # "2.5m", "3,5mrd"
        num, scale = _number(m.group(1), lang), _scale(m.group(2), lang)
        if num is not None and scale is not None:
            return scaled(num, scale), spec.default_currency
    words = raw.split()
    for k in range(len(words), 0, -1):
        num = _number(" ".join(words[:k]), lang)
        rest = " ".join(words[k:])
        scale = _scale(rest, lang) if rest else Decimal(1)
        if num is not None and scale is not None:
            return scaled(num, scale), spec.default_currency
    return None


_GLUED = re.compile(r"(\d[\d.,]*)([^\W\d_]+\.?)")
