"""Numbers: digit strings with language-specific separators, number words and scale words."""
from __future__ import annotations

import re
from decimal import Context, Decimal, InvalidOperation, localcontext
from functools import lru_cache
from typing import Literal

from pydantic import field_validator

from klynge.rules import RuleModel, load_lang_rules

_GROUP_SPACE = re.compile(r"[ \u00a0\u202f\u2009]")

# Longer digit runs are identifiers or noise, not amounts; refusing them keeps every value
# exact in EXACT's precision.
MAX_DIGITS = 60
# Decimal's default context keeps 28 digits: a 29-digit amount was rounded when multiplied
# by its scale and made quantize() raise InvalidOperation, which lost the whole document.
EXACT = Context(prec=4 * MAX_DIGITS, traps=[InvalidOperation])


class ScaleWord(RuleModel):
    value: Decimal
    forms: list[str]
    # "m"/"bn" only count glued to the digits ("€2.5m"): "2.5 m" is a length.
    attached_only: bool = False


class NumberWords(RuleModel):
    """``<lang>/numbers.yaml``."""

    decimal_separator: Literal[",", "."]
    words: dict[str, Decimal] = {}
    # Number words that are also the indefinite article: "en partner" is no count.
    articles: list[str] = []
    scales: list[ScaleWord] = []

    @field_validator("words")
    @classmethod
    def _lower(cls, v: dict[str, Decimal]) -> dict[str, Decimal]:
        return {_squash(k): val for k, val in v.items()}


@lru_cache(maxsize=None)
def number_words(lang: str) -> NumberWords:
    return load_lang_rules(lang, "numbers.yaml", NumberWords)


@lru_cache(maxsize=None)
def count_words(lang: str) -> dict[str, int]:
    """Number words that count things on their own ("tre partnere", "twenty members"):
    the whole numbers of ``words``, less the articles."""
    nw = number_words(lang)
    articles = {_squash(a) for a in nw.articles}
    return {w: int(v) for w, v in nw.words.items()
            if w not in articles and v == v.to_integral_value()}


def _squash(form: str) -> str:
    return " ".join(form.casefold().split())


@lru_cache(maxsize=None)
def scale_table(lang: str) -> dict[str, Decimal]:
    """Lower-cased scale form -> multiplier."""
    return {_squash(f): s.value for s in number_words(lang).scales for f in s.forms}


def word_value(raw: str, lang: str) -> Decimal | None:
    return number_words(lang).words.get(_squash(raw))


def parse_number(raw: str, lang: str) -> Decimal | None:
    """Digits with thousands groups and a decimal mark, read the way ``lang`` writes them.

    A lone separator followed by exactly three digits is a thousands group when it is not
    the language's decimal mark ("5.000" is 5000 in nb, "1,000" is 1000 in en); otherwise
    it is the decimal mark ("2,2", "3.6").
    """
    s = _GROUP_SPACE.sub("", raw.strip())
    if not s or not s[0].isdigit():
        return None
    dec = number_words(lang).decimal_separator
    if "." in s and "," in s:
        mark = "." if s.rfind(".") > s.rfind(",") else ","
        group = "," if mark == "." else "."
        head, _, tail = s.rpartition(mark)
        groups = head.split(group)
        if any(len(g) != 3 for g in groups[1:]) or group in tail:
            return None
        s = "".join(groups) + "." + tail
    elif "." in s or "," in s:
        sep = "." if "." in s else ","
        parts = s.split(sep)
        if len(parts) > 2 or (sep != dec and len(parts[1]) == 3 and len(parts[0]) <= 3):
            if any(len(p) != 3 for p in parts[1:]):
                return None
            s = "".join(parts)
        else:
            s = parts[0] + "." + parts[1]
    if sum(ch.isdigit() for ch in s) > MAX_DIGITS:
        return None
    try:
        return Decimal(s)
    except InvalidOperation:
        return None


def canonical(value: Decimal) -> Decimal:
    """Exact and tidy: 2.2 * 10**6 -> Decimal('2200000'), not '2200000.0' or '2.2E+6'."""
    with localcontext(EXACT):
        if value == value.to_integral_value():
            return value.quantize(Decimal(1))
        return value.normalize()


def scaled(*factors: Decimal) -> Decimal:
    """The exact product of a number and its scales, canonical (see :func:`canonical`)."""
    with localcontext(EXACT):
        value = Decimal(1)
        for factor in factors:
            value *= factor
        return canonical(value)


def decimal_str(value: Decimal | str) -> str:
    """Plain decimal notation without exponent or trailing zeros ("2.2E+9" -> "2200000000")."""
    with localcontext(EXACT):
        text = format(Decimal(value), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
