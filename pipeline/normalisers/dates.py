"""DATE: find dates (absolute, partial, year ranges, relative) and normalise them to ISO.

``base`` is the document's published date; relative and year-less dates are resolved
against it and never against the clock, so output is reproducible.
"""
from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from pydantic import field_validator

from klynge.normalisers._patterns import (
    Groups, PatternFamily, PatternRule, combine, rule_matches,
)
from klynge.normalisers.amounts import money_words  # "2021 kroner" is not a year
from klynge.rules import RuleModel, alternation, load_lang_rules, load_rules


@dataclass(frozen=True)
class DateMatch:
    start: int
    end: int
    text: str
    value: str | None
    precision: str | None     # "day" | "month" | "year" | None
    rule_id: str
    flags: tuple[str, ...] = ()
    range_id: int | None = None


class Month(RuleModel):
    number: int
    names: list[str]
    abbreviations: list[str] = []

    @field_validator("number")
    @classmethod
    def _range(cls, v: int) -> int:
        if not 1 <= v <= 12:
            raise ValueError("month number must be 1-12")
        return v


class MonthFile(RuleModel):
    """``<lang>/months.yaml``."""

    case_sensitive: bool
    months: list[Month]
    weekdays: list[str]


class DateWords(RuleModel):
    """``<lang>/dates.yaml``."""

    year_context: list[str]
    # seasons before a year are part of its date ("høsten 2008" is one span, value 2008)
    seasons: list[str] = []
    quantity_words: list[str] = []
    range_from: list[str] = []
    range_to: list[str] = []
    published_labels: list[str] = []


class RelativeRule(RuleModel):
    id: str   # recorded as the match's rule_id, e.g. "date.relative.today"
    forms: list[str]
    unit: Literal["day", "month", "year"]
    offset: int

    @field_validator("id")
    @classmethod
    def _check_id(cls, v: str) -> str:
        if not v.startswith("date.relative."):
            raise ValueError(f"relative rule id {v!r} must start with 'date.relative.'")
        return v


class RelativeFile(RuleModel):
    """``<lang>/relative_dates.yaml``."""

    rules: list[RelativeRule]


class DateRules(PatternFamily):
    """``shared/dates.yaml``."""

    PLACEHOLDERS = ("DAY", "MNUM", "YEAR", "MONTH", "WEEKDAY", "YEARCTX", "SEASON", "FROM",
                    "TO", "NOTQTY", "RELATIVE", "SP", "DASH")
    min_year: int
    max_year: int
    two_digit_pivot: int
    space: str
    dashes: list[str]

    @field_validator("space")
    @classmethod
    def _compiles(cls, v: str) -> str:
        re.compile(v)
        return v


def _variants(forms: list[str], case_sensitive: bool) -> list[str]:
    # Patterns run case-sensitively so English "may"/"march" stay verbs; Norwegian words
    # are listed in lower case and also match capitalised at a sentence start.
    if case_sensitive:
        return list(forms)
    out = []
    for f in forms:
        out += [f.lower(), f[:1].upper() + f[1:].lower(), f.upper()]
    return out


@lru_cache(maxsize=None)
def month_alternatives(lang: str) -> tuple[str, str]:
    """Regex sources (names, abbreviations) of ``lang``'s months as ``months.yaml`` lists
    them, in every case form they are written in; the one source of month names for the
    date normaliser and the sections stage's date lines."""
    mf: MonthFile = load_lang_rules(lang, "months.yaml", MonthFile)
    names = [n for mo in mf.months for n in mo.names]
    abbrs = [a for mo in mf.months for a in mo.abbreviations]
    return (alternation(_variants(names, mf.case_sensitive)),
            alternation(_variants(abbrs, mf.case_sensitive)))


def published_labels(lang: str) -> list[str]:
    """Line labels that carry the publication date ("Publisert", "Date"), from ``dates.yaml``."""
    return list(_load(lang, "dates.yaml", DateWords).published_labels)


def _key(form: str) -> str:
    return " ".join(form.casefold().rstrip(".").split())


@dataclass(frozen=True)
class _Lang:
    pattern: re.Pattern[str]
    rules: list[PatternRule]
    months: dict[str, int]
    relative: dict[str, RelativeRule]
    words: DateWords
    spec: DateRules


def _load(lang: str, name: str, model: type[RuleModel]) -> RuleModel:
    return load_lang_rules(lang, name, model)


@lru_cache(maxsize=None)
def _lang(lang: str) -> _Lang:
    spec = load_rules("shared", "dates.yaml", DateRules)
    mf: MonthFile = _load(lang, "months.yaml", MonthFile)
    words: DateWords = _load(lang, "dates.yaml", DateWords)
    rel: RelativeFile = _load(lang, "relative_dates.yaml", RelativeFile)
    cs = mf.case_sensitive
    months: dict[str, int] = {}
    for mo in mf.months:
        for n in mo.names:
            months[_key(n)] = mo.number
        for a in mo.abbreviations:
            months[_key(a)] = mo.number
    names, abbrs = month_alternatives(lang)
    month_alt = f"(?:{names}|{abbrs}\\.?)(?!\\w)"
    relative = {_key(f): r for r in rel.rules for f in r.forms}
    sp = spec.space
    qty = alternation(_variants(words.quantity_words + money_words(lang), False))
    tokens = {
        "DAY": r"(?:3[01]|[12]\d|0?[1-9])(?!\d)",
        "MNUM": r"(?:1[0-2]|0?[1-9])(?!\d)",
        "YEAR": r"\d{4}",
        "MONTH": month_alt,
        "WEEKDAY": f"{alternation(_variants(mf.weekdays, cs))}(?!\\w)",
        "YEARCTX": f"{alternation(_variants(words.year_context, False))}",
        "SEASON": f"{alternation(_variants(words.seasons, False))}",
        "FROM": alternation(_variants(words.range_from, False)),
        "TO": alternation(_variants(words.range_to, False)),
        "NOTQTY": f"(?!{sp}*(?:%|{qty}(?!\\w)))",
        "RELATIVE": alternation(_variants([f for r in rel.rules for f in r.forms], False)),
        "SP": sp,
        "DASH": alternation(spec.dashes),
    }
    pattern, rules = combine(spec.rules, lang, tokens, flags=0)
    return _Lang(pattern, rules, months, relative, words, spec)


def _add_months(d: dt.date, n: int) -> dt.date:
    y, m = divmod(d.year * 12 + d.month - 1 + n, 12)
    return dt.date(y, m + 1, 1)


def _resolve_relative(rule: RelativeRule, base: dt.date | None) -> tuple[str | None, tuple[str, ...]]:
    if base is None:
        return None, ("relative", "relative_unresolved")
    if rule.unit == "day":
        return (base + dt.timedelta(days=rule.offset)).isoformat(), ("relative",)
    if rule.unit == "month":
        return _add_months(base, rule.offset).isoformat()[:7], ("relative",)
    return f"{base.year + rule.offset:04d}", ("relative",)


def _closest_year(month: int, day: int, base: dt.date) -> dt.date | None:
    """The year that puts day/month nearest the base date ("14. januar" in a December text
    is next January)."""
    best = None
    for y in (base.year - 1, base.year, base.year + 1):
        try:
            d = dt.date(y, month, day)
        except ValueError:
            continue
        if best is None or abs((d - base).days) < abs((best - base).days):
            best = d
    return best


def _year(g: Groups, spec: DateRules, name: str = "year") -> int | None:
    raw = g.get(name)
    if raw is not None:
        y = int(raw)
        return y if spec.min_year <= y <= spec.max_year else None
    yy = g.get("yy") if name == "year" else None
    if yy is None:
        return None
    y = int(yy)
    return (1900 if y >= spec.two_digit_pivot else 2000) + y


def find_dates(text: str, lang: str, base: dt.date | None = None) -> list[DateMatch]:
    """All dates in ``text``; both ends of a year range share a ``range_id``.

    Year-less day dates take the year nearest ``base``; without ``base`` they get value
    None and the flag "year_unknown". Relative words get "relative" (and
    "relative_unresolved", value None, when ``base`` is None).
    """
    L = _lang(lang)
    out: list[DateMatch] = []
    range_ids = itertools.count()
    for m, rule, g in rule_matches(L.pattern, L.rules, text):
        start, end, rid = m.start(), m.end(), rule.id
        if g.get("rel") is not None:
            r = L.relative.get(_key(g.get("rel")))
            if r is None:
                continue
            value, flags = _resolve_relative(r, base)
            out.append(DateMatch(start, end, m.group(), value, r.unit, r.id, flags))
            continue
        month = None
        if g.get("mnum") is not None:
            month = int(g.get("mnum"))
        elif g.get("month") is not None:
            month = L.months.get(_key(g.get("month")))
        year = _year(g, L.spec)
        if g.get("day") is not None:
            day = int(g.get("day"))
            if month is None:
                continue
            if year is None and (g.get("year") or g.get("yy")):
                continue  # a year outside the plausible range: not a date
            if year is None:
                if base is not None:
                    d = _closest_year(month, day, base)
                    if d is None:
                        continue
                    out.append(DateMatch(start, end, m.group(), d.isoformat(), "day", rid,
                                         ("year_inferred",)))
                else:
                    try:
                        dt.date(2000, month, day)  # leap year: 29 February is valid
                    except ValueError:
                        continue
                    out.append(DateMatch(start, end, m.group(), None, "day", rid, ("year_unknown",)))
                continue
            try:
                d = dt.date(year, month, day)
            except ValueError:
                continue
            out.append(DateMatch(start, end, m.group(), d.isoformat(), "day", rid))
            continue
        if month is not None:
            if year is None:
                continue
            out.append(DateMatch(start, end, m.group(), f"{year:04d}-{month:02d}", "month", rid))
            continue
        if year is None:
            continue
        ys, ye = g.span("year")
        if g.get("season") is not None:
            ys = g.span("season")[0]
        if g.get("year2") is not None or (g.get("yy") is not None):
            if g.get("year2") is not None:
                year2 = _year(g, L.spec, "year2")
                s2, e2 = g.span("year2")
            else:
                yy = int(g.get("yy"))
                year2 = year - year % 100 + yy
                s2, e2 = g.span("yy")
            if year2 is None or year2 <= year:
                continue
            r = next(range_ids)
            out.append(DateMatch(ys, ye, text[ys:ye], f"{year:04d}", "year", rid, (), r))
            out.append(DateMatch(s2, e2, text[s2:e2], f"{year2:04d}", "year", rid, (), r))
            continue
        out.append(DateMatch(ys, ye, text[ys:ye], f"{year:04d}", "year", rid))
    return out


_BARE_YEAR = re.compile(r"\d{4}")
_ISO_DATETIME = re.compile(r"(\d{4}-\d\d-\d\d)[T ]\d\d:\d\d")


def parse_date(raw: str, lang: str, base: dt.date | None = None) -> DateMatch | None:
    """The date that makes up all of ``raw`` (offsets relative to ``raw``), else None.

    A bare year ("2009") is accepted here, unlike in running text: the caller has
    already decided the span is a date.
    """
    lead = len(raw) - len(raw.lstrip())
    s = raw.strip()
    if not s:
        return None
    iso = _ISO_DATETIME.match(s)
    if iso:  # metadata timestamps ("2020-11-19T10:00:00+01:00"): the date part only
        s = iso.group(1)
    label = published_label(lang).match(s)
    if label:  # a header line handed over whole: "Publisert: 19. november 2020"
        rest = s[label.end():].lstrip(" :|\t")
        lead += len(s) - len(rest)
        s = rest
    if _BARE_YEAR.fullmatch(s):
        spec = _lang(lang).spec
        if spec.min_year <= int(s) <= spec.max_year:
            return DateMatch(lead, lead + 4, s, s, "year", "date.year_bare")
        return None
    found = find_dates(s, lang, base)
    whole = [d for d in found if d.start == 0 and d.end == len(s)]
    # "i 2021" spans only the year; accept a lone year match when nothing else is there.
    if not whole and len(found) == 1 and found[0].precision == "year" and found[0].range_id is None:
        whole = found
    if not whole:
        return None
    d = whole[0]
    return DateMatch(d.start + lead, d.end + lead, d.text, d.value, d.precision, d.rule_id,
                     d.flags, None)


@lru_cache(maxsize=None)
def published_label(lang: str) -> re.Pattern[str]:
    """A published-date label ("Publisert", "Dato", "Published") at the start of a line,
    after any bullets or field separators."""
    labels = _lang(lang).words.published_labels
    return re.compile(rf"^[\s|•*\-–]*{alternation(labels)}(?!\w)", re.IGNORECASE)
