"""Cluster records: business clusters (næringsklynger) with Arena, Arena Pro, NCE or GCE status.

``extract_clusters`` reads one normalised document plus the earlier stages' output
(entities, sentences, sections, people, organisations) and returns the clusters it names
and the programme-level facts (budget, number of clusters, new clusters, applicants).

How clusters are found (all patterns are data, in ``pipeline/rules/{shared,<lang>}/clusters.yaml``):

1. Names by shape, whatever the NER said: "NCE X", "GCE X", "Arena X", "X Cluster",
   "Cluster for X", "H2Cluster", "Hydrogenklyngen". Aliases from "A – B" where B is itself a
   cluster name or "tidligere B", and from "A (B)".
2. The leading name of a list item in a cluster context ("• NODE (Norwegian Offshore &
   Drilling Engineering)", "• Energy and Emissions Trading").
3. Siblings in an enumeration that holds a cluster name ("A i Bergen, Arena Oslo og
   Tequity Cluster i Trondheim").

Facts (members, partners, location, sectors, linked organisations) come from the text
that belongs to one cluster: the whole list item it leads; else the sentence naming it
(cut at the next cluster named in the same sentence) and the following sentences that
refer back ("Klyngen har ...", "Den har ..."). Status signals ("får Arena-status",
"oppgradert til NCE") apply to every cluster named in the sentence; a status in the
title ("To nye Arena-klynger"; else in the first few units) applies to listed clusters
(list items, enumerations) that have none of their own, or to all when no cluster has a
signal of its own. The name's prefix ("NCE NODE") gives a status but no event. The event
date is a DATE entity of the signal's sentence, else the published date.

Counts: the first count phrase in the cluster's text gives members and/or partners;
coordinated member counts are summed ("123 bedrifter og 19 offentlige aktører" -> 142)
and ``members_breakdown`` is set only when there are two or more parts. Organisations
come from partner lines ("IFE partner i to av klyngene", over the list that follows),
named member lists ("Kjernebedriftene i prosjektet er A, B og C") and host phrases;
people from the people stage when their organisation is the cluster, or when they hold a
leader role in the cluster's text. Evidence: the units that name the cluster or gave one
of its facts.

``Programme`` is only produced for documents about clusters (a cluster found, or a
cluster programme named): budget (MONEY entity, else the rule-data amount pattern) in a
sentence with a budget word and a cluster programme, year from the sentence (DATE entity,
a year, or "neste år" relative to the published date), clusters in the programme, new
clusters (an admission sentence wins over the title), applicants.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, model_validator

from klynge.rules import RuleModel, load_lang_rules, load_rules

StatusName = Literal["Arena", "Arena Pro", "NCE", "GCE"]
EventType = Literal["new_status", "upgrade", "extension", "gold_label", "merger", "founding"]


# --------------------------------------------------------------------------- output models


class Evidence(BaseModel):
    """A sentence or list item that supports a record; ``text == doc_text[start:end]``."""

    model_config = ConfigDict(extra="forbid")
    start: int
    end: int
    text: str


class StatusEvent(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: EventType
    status: Optional[str] = None
    date: Optional[str] = None


class Cluster(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    aliases: list[str] = []
    status: Optional[StatusName] = None
    event: Optional[StatusEvent] = None
    members: Optional[int] = None
    partners: Optional[int] = None
    members_breakdown: Optional[dict[str, int]] = None
    location: Optional[str] = None
    sectors: list[str] = []
    organisations: list[str] = []
    people: list[dict] = []
    evidence: list[Evidence] = []


class Programme(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Optional[str] = None
    budget: Optional[dict] = None
    clusters_total: Optional[int] = None
    clusters_new: Optional[int] = None
    applicants: Optional[int] = None
    evidence: list[Evidence] = []


# --------------------------------------------------------------------------- rule models

_PLACEHOLDER = re.compile(r"\{([A-Z]+)\}")


def _fill(value: Any, table: dict[str, str]) -> Any:
    """Substitute ``{KEY}`` placeholders in every string of a parsed YAML tree."""
    if isinstance(value, str):
        for _ in range(4):  # placeholders may contain placeholders
            new = _PLACEHOLDER.sub(lambda m: table.get(m.group(1), m.group(0)), value)
            if new == value:
                break
            value = new
        return value
    if isinstance(value, list):
        return [_fill(v, table) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, table) for k, v in value.items()}
    return value


class _StatusWord(RuleModel):
    pattern: re.Pattern
    status: StatusName


class _IdPattern(RuleModel):
    id: str
    pattern: re.Pattern


class _ProgrammeName(RuleModel):
    pattern: re.Pattern
    name: str


class SharedClusterRules(RuleModel):
    placeholders: dict[str, str]
    statuses: list[_StatusWord]
    name_patterns: list[_IdPattern]
    not_names: list[str]
    not_name_pattern: re.Pattern
    status_prefix: re.Pattern
    bullet_line: re.Pattern
    ambiguous_markers: str
    alias_dash: re.Pattern
    alias_paren: re.Pattern
    programmes: list[_ProgrammeName]
    year: re.Pattern

    @model_validator(mode="before")
    @classmethod
    def _substitute(cls, data: Any) -> Any:
        if isinstance(data, dict):
            table = dict(data.get("placeholders") or {})
            data = {k: (v if k == "placeholders" else _fill(v, table)) for k, v in data.items()}
        return data

    @property
    def name_re(self) -> re.Pattern:
        """The {NAME} placeholder as a pattern (a run of capitalised words)."""
        return _compiled(self.placeholders["NAME"])

    def status_alternation(self) -> str:
        return "(?:" + "|".join(s.pattern.pattern for s in self.statuses) + ")"

    def status_of(self, text: str) -> Optional[str]:
        for s in self.statuses:
            if s.pattern.fullmatch(text.strip()):
                return s.status
        return None


class _StatusPattern(RuleModel):
    id: str
    pattern: re.Pattern
    status: Optional[StatusName] = None
    event: Optional[EventType] = None


class _Location(RuleModel):
    id: str
    pattern: re.Pattern
    needs_entity: bool = False


class _CountRule(RuleModel):
    id: str
    pattern: re.Pattern
    priority: int = 1
    context: Optional[re.Pattern] = None


class _RelativeYear(RuleModel):
    pattern: re.Pattern
    offset: int


class _ProgrammeRules(RuleModel):
    budget_context: re.Pattern
    budget_exclude: re.Pattern
    programme_word: re.Pattern
    money: re.Pattern
    decimal_separator: str
    scales: dict[str, int]
    currency: str
    relative_years: list[_RelativeYear]
    totals: list[_CountRule]
    new: list[_CountRule]
    applicants: list[_CountRule]


class LangClusterRules(RuleModel):
    number_words: dict[str, int]
    thousands_separators: str
    leading_stopwords: list[str]
    name_connectors: list[str]
    generic_names: list[str]
    name_patterns: list[_IdPattern]
    cluster_word: re.Pattern
    enumeration_next: re.Pattern
    enumeration_prev: re.Pattern
    list_separator: re.Pattern
    location_after_name: re.Pattern
    former_name: re.Pattern
    backref: re.Pattern
    count: re.Pattern
    count_joiner: re.Pattern
    member_nouns: dict[str, Literal["members", "partners"]]
    locations: list[_Location]
    broad_places: list[str]
    regions: list[str]
    status_patterns: list[_StatusPattern]
    partner_links: list[_IdPattern]
    member_lists: list[_IdPattern]
    host_patterns: list[_IdPattern]
    leader_roles: re.Pattern
    sectors: dict[str, list[re.Pattern]]
    programme: _ProgrammeRules

    @model_validator(mode="before")
    @classmethod
    def _substitute(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        shared = shared_rules()
        words = sorted((data.get("number_words") or {}), key=len, reverse=True)
        nouns = sorted((data.get("member_nouns") or {}), key=len, reverse=True)
        table = dict(shared.placeholders)
        seps = re.escape(data.get("thousands_separators") or " ")
        table["NUM"] = r"(?:\d+(?:[" + seps + r"]\d{3})*" + "".join(
            "|" + re.escape(w) for w in words) + r")(?![\w])"
        table["NOUN"] = "(?:" + "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in nouns) + ")"
        table["STATUS"] = shared.status_alternation()
        return _fill(data, table)

    def number(self, text: str) -> Optional[int]:
        t = "".join(ch for ch in text if ch not in self.thousands_separators and not ch.isspace())
        if t.isdigit():
            return int(t)
        return {k.casefold(): v for k, v in self.number_words.items()}.get(text.casefold().strip())


@lru_cache(maxsize=None)
def _compiled(pattern: str) -> re.Pattern:
    return re.compile(pattern)


def shared_rules() -> SharedClusterRules:
    return load_rules("shared", "clusters.yaml", SharedClusterRules)


def lang_rules(lang: str) -> LangClusterRules:
    """Rules for ``lang``; languages without a file fall back to Bokmål."""
    return load_lang_rules(lang, "clusters.yaml", LangClusterRules)


# --------------------------------------------------------------------------- internals


@dataclass
class _Unit:
    """A sentence cut at section and list-item boundaries, whitespace-trimmed."""

    start: int
    end: int
    section: int  # index into sections (-1 when none)
    item: Optional[tuple[int, int]]  # the list item the unit lies in


@dataclass
class _Cand:
    name: str
    start: int
    end: int
    source: str
    status: Optional[str] = None  # status carried by the name ("NCE NODE")
    aliases: list[str] = field(default_factory=list)
    alias_of: Optional["_Cand"] = None
    loc: Optional[tuple[str, int, int]] = None  # place right after the name
    item_lead: Optional[tuple[int, int]] = None  # the list item this name leads


@dataclass
class _ClusterAcc:
    names: list[str]  # first is the record name
    cands: list[_Cand]
    mentions: list[tuple[int, int]] = field(default_factory=list)
    evidence: set[tuple[int, int]] = field(default_factory=set)
    signals: list[tuple[int, Optional[str], Optional[str], tuple[int, int]]] = field(default_factory=list)
    prefix_status: Optional[str] = None
    members: Optional[int] = None
    members_breakdown: Optional[dict[str, int]] = None
    partners: Optional[int] = None
    location: Optional[str] = None
    sectors: list[str] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)
    people: list[dict] = field(default_factory=list)


_DASHES = str.maketrans({"-": " ", "–": " ", "—": " ", "_": " "})


def _norm_key(name: str) -> str:
    k = " ".join(name.casefold().translate(_DASHES).split())
    if k.startswith("the "):
        k = k[4:]
    return k


def _prefix_status(doc: "_Doc", name: str) -> Optional[str]:
    """The status a name carries in its prefix ("NCE NODE" -> NCE), if any."""
    m = doc.shared.status_prefix.match(name)
    return doc.shared.status_of(m.group(0)) if m else None


def _strip_prefix(shared: SharedClusterRules, name: str) -> str:
    return shared.status_prefix.sub("", name, count=1)


def _attr(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


class _Taken:
    """Non-overlapping spans, sorted, with a fast overlap test."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.spans: list[tuple[int, int]] = []

    def overlaps(self, s: int, e: int) -> bool:
        i = bisect_right(self.starts, s) - 1
        return any(0 <= j < len(self.spans) and _overlaps((s, e), self.spans[j])
                   for j in (i, i + 1))

    def add(self, s: int, e: int) -> None:
        i = bisect_right(self.starts, s)
        self.starts.insert(i, s)
        self.spans.insert(i, (s, e))

    def add_merged(self, s: int, e: int) -> None:
        """Add a span that may overlap others (merged into them)."""
        while True:
            i = bisect_right(self.starts, s) - 1
            hit = next((j for j in (i, i + 1) if 0 <= j < len(self.spans)
                        and _overlaps((s, e), self.spans[j])), None)
            if hit is None:
                break
            hs, he = self.spans.pop(hit)
            self.starts.pop(hit)
            s, e = min(s, hs), max(e, he)
        self.add(s, e)


class _Doc:
    """One document with its units and lookups."""

    def __init__(self, text, lang, entities, sentences, sections, people, organisations, published):
        self.text = text
        self.lang = lang
        self.shared = shared_rules()
        self.rules = lang_rules(lang)
        self.entities = [e for e in (entities or []) if isinstance(e, dict)]
        self.sections = list(sections or [])
        self.people = list(people or [])
        self.organisations = list(organisations or [])
        self.published = published
        self.items = self._items()
        self.units = self._units(sentences or [])
        self._unit_starts = [u.start for u in self.units]
        self.urls = [(e["start"], e["end"]) for e in self.entities if e.get("label") == "URL"]
        self.title = self._title_unit()

    # ---- structure
    def _items(self) -> list[tuple[int, int]]:
        """List items: from list sections, else from bullet lines. Sets ``list_size``."""
        items: list[tuple[int, int]] = []
        self.list_size: dict[tuple[int, int], int] = {}
        for sec in self.sections:
            its = []
            for it in _attr(sec, "items", None) or []:
                it = (it["start"], it["end"]) if isinstance(it, dict) else it
                s, e = _trim(self.text, int(it[0]), int(it[1]))
                m = self.shared.bullet_line.match(self.text, s, e)
                if m:  # the sectioniser may keep the bullet in the item
                    s = m.start("item")
                if s < e:
                    its.append((s, e))
            for it in its:
                self.list_size[it] = len(its)
            items.extend(its)
        lines = [m for m in self.shared.bullet_line.finditer(self.text)
                 if not any(_overlaps(m.span("item"), it) for it in items)]
        run: list[re.Match] = []
        runs: list[list[re.Match]] = []
        for m in lines:
            if run and (m.group("marker") != run[-1].group("marker")
                        or self.text.count("\n", run[-1].start(), m.start()) != 1):
                runs.append(run)
                run = []
            run.append(m)
        if run:
            runs.append(run)
        for run in runs:
            # a lone dash line is a quote ("– Vi er glade ..."), not a list
            if len(run) == 1 and run[0].group("marker") in self.shared.ambiguous_markers:
                continue
            for m in run:
                s, e = _trim(self.text, m.start("item"), m.end("item"))
                if s < e:
                    items.append((s, e))
                    self.list_size[(s, e)] = len(run)
        return sorted(items)

    def _units(self, sentences) -> list[_Unit]:
        text = self.text
        cuts = {0, len(text)}
        sec_bounds = []
        for i, sec in enumerate(self.sections):
            s, e = int(_attr(sec, "start", 0)), int(_attr(sec, "end", 0))
            cuts.update((s, e))
            sec_bounds.append((s, e, i))
        sec_bounds.sort()
        sec_starts = [b[0] for b in sec_bounds]
        item_starts = [it[0] for it in self.items]
        for s, e in self.items:
            cuts.update((s, e))
        spans = [(int(s), int(e)) for s, e in sentences] or [(0, len(text))]
        # newline breaks also separate units (headings, list lines without a sentence end)
        cuts.update(i for i, ch in enumerate(text) if ch == "\n")
        cut_list = sorted(cuts)

        def lookup(starts, spans_, pos):
            i = bisect_right(starts, pos) - 1
            return spans_[i] if i >= 0 and spans_[i][0] <= pos < spans_[i][1] else None

        units: list[_Unit] = []
        for s, e in spans:
            inner = cut_list[bisect_right(cut_list, s):bisect_left(cut_list, e)]
            bounds = [s, *inner, e]
            for a, b in zip(bounds, bounds[1:]):
                a, b = _trim(text, a, b)
                if a >= b:
                    continue
                sec = lookup(sec_starts, sec_bounds, a)
                item = lookup(item_starts, self.items, a)
                units.append(_Unit(a, b, sec[2] if sec else -1, item))
        units.sort(key=lambda u: u.start)
        return units

    def _title_unit(self) -> Optional[_Unit]:
        for i, sec in enumerate(self.sections):
            if _attr(sec, "kind") == "title":
                us = [u for u in self.units if u.section == i]
                return us[0] if us else None
        return self.units[0] if self.units else None

    def unit_at(self, pos: int) -> Optional[_Unit]:
        i = bisect_right(self._unit_starts, pos) - 1
        if i >= 0 and self.units[i].start <= pos < self.units[i].end:
            return self.units[i]
        return None

    def section_kind(self, unit: _Unit) -> Optional[str]:
        if 0 <= unit.section < len(self.sections):
            return _attr(self.sections[unit.section], "kind")
        return None

    def in_url(self, span: tuple[int, int]) -> bool:
        return any(_overlaps(span, u) for u in self.urls)

    def entities_in(self, span: tuple[int, int], labels: tuple[str, ...]) -> list[dict]:
        return [e for e in self.entities if e.get("label") in labels
                and span[0] <= e["start"] and e["end"] <= span[1]]

    def is_place(self, span: tuple[int, int], text: str) -> bool:
        for e in self.entities:
            if e.get("label") in ("GPE", "LOC") and e["start"] <= span[0] and span[1] <= e["end"]:
                return True
        return text in self.rules.regions


# ---- candidates


def _clean_name(doc: _Doc, name: str, start: int) -> tuple[str, int]:
    """Strip sentence-initial function words ("Både Tequity Cluster" -> "Tequity Cluster")."""
    stop = set(doc.rules.leading_stopwords)
    while True:
        first, _, rest = name.partition(" ")
        if rest and first in stop:
            start += len(first) + 1
            name = rest.lstrip()
            continue
        return name, start


def _is_bad_name(doc: _Doc, name: str) -> bool:
    k = name.casefold().strip()
    if not k or k in {n.casefold() for n in doc.shared.not_names}:
        return True
    if doc.shared.not_name_pattern.match(name.strip()):
        return True
    if k in {n.casefold() for n in doc.rules.generic_names}:
        return True
    if k in {w.casefold() for w in doc.rules.leading_stopwords}:
        return True
    return any(p.pattern.fullmatch(name) for p in doc.shared.programmes)


def _pattern_candidates(doc: _Doc) -> list[_Cand]:
    found: list[_Cand] = []
    pats = [*doc.shared.name_patterns, *doc.rules.name_patterns]
    for rule in pats:
        for m in rule.pattern.finditer(doc.text):
            name, start = _clean_name(doc, m.group("name"), m.start("name"))
            if _is_bad_name(doc, name) or doc.in_url((start, m.end("name"))):
                continue
            status = None
            if "status" in m.re.groupindex and m.group("status"):
                status = doc.shared.status_of(m.group("status"))
            found.append(_Cand(name, start, start + len(name), rule.id, status))
    # programme phrases ("Norwegian Innovation Clusters") are never clusters
    prog = _Taken()
    for p in doc.shared.programmes:
        for m in p.pattern.finditer(doc.text):
            prog.add_merged(m.start(), m.end())
    found = [c for c in found if not prog.overlaps(c.start, c.end)]
    # overlapping matches: keep the longest, then the earliest
    found.sort(key=lambda c: (-(c.end - c.start), c.start))
    kept: list[_Cand] = []
    taken = _Taken()
    for c in found:
        if not taken.overlaps(c.start, c.end):
            taken.add(c.start, c.end)
            kept.append(c)
    return sorted(kept, key=lambda c: c.start)


def _attach_aliases(doc: _Doc, cands: list[_Cand]) -> list[_Cand]:
    """"A – B" (B a cluster name or "tidligere B") and "A (B)" make B an alias of A."""
    text = doc.text
    by_start = {c.start: c for c in cands}
    for c in cands:
        if c.alias_of is not None:
            continue
        m = doc.shared.alias_paren.match(text, c.end)
        if m and m.group("alias")[:1].isupper():
            alias = m.group("alias").strip()
            if not _is_bad_name(doc, alias) and doc.shared.status_of(alias) is None:
                c.aliases.append(alias)
                inner = next((o for o in cands if o.start == m.start("alias")), None)
                if inner is not None and inner is not c:
                    inner.alias_of = c
            continue
        d = doc.shared.alias_dash.match(text, c.end)
        if not d:
            continue
        nxt = by_start.get(d.end())
        former = doc.rules.former_name.match(text, d.end())
        if former:
            alias = former.group("alias")
            c.aliases.append(alias)
            inner = next((o for o in cands if o.start == former.start("alias")), None)
            if inner is not None:
                inner.alias_of = c
        elif nxt is not None and nxt.alias_of is None:
            c.aliases.append(nxt.name)
            nxt.alias_of = c
    return cands


def _list_candidates(doc: _Doc, cands: list[_Cand]) -> None:
    """Names that lead list items in a cluster context."""
    text = doc.text
    for s, e in doc.items:
        lead = next((c for c in cands if c.start == s), None)
        if lead is not None:
            if lead.alias_of is None:
                lead.item_lead = (s, e)
            continue
        before = text[max(0, s - 400):s]
        item_text = text[s:e]
        if not (doc.rules.cluster_word.search(before) or doc.rules.cluster_word.search(item_text)):
            continue
        inside = [c for c in cands if s <= c.start < e]
        if inside and inside[0].start - s < 3:
            continue
        if doc.list_size.get((s, e), 1) < 2:
            continue  # a lone item: only a name by shape (above) counts
        name = _item_lead_name(doc, s, e)
        if name is None:
            continue
        nm, aliases, nend = name
        if _is_bad_name(doc, nm) or _is_other_thing(doc, nm, (s, s + len(nm))):
            continue
        cand = _Cand(nm, s, s + len(nm), "list-item", _prefix_status(doc, nm))
        cand.aliases.extend(aliases)
        cand.item_lead = (s, e)
        cands.append(cand)
    cands.sort(key=lambda c: c.start)


def _is_other_thing(doc: _Doc, name: str, span: tuple[int, int]) -> bool:
    """A person, a place, a date or an amount (not a cluster). Organisations are not
    excluded: the organisation stage lists clusters among them."""
    for ent in doc.entities:
        if ent.get("label") in ("PER", "GPE", "LOC", "DATE", "MONEY") and \
                ent["start"] <= span[0] and span[1] <= ent["end"]:
            return True
    return False


def _item_lead_name(doc: _Doc, s: int, e: int) -> Optional[tuple[str, list[str], int]]:
    text = doc.text
    m = doc.shared.name_re.match(text, s, e)
    if not m:
        return None
    aliases: list[str] = []
    end = m.end()
    # short item made only of capitalised words and connectors: the whole item is the name
    body = text[s:e].rstrip(" .;:")
    p = body.find("(")
    core = body[:p].rstrip() if p > 0 else body
    words = core.split()
    connectors = set(doc.rules.name_connectors)
    pm = None
    if 0 < len(words) <= 8 and all(w[:1].isupper() or w[:1].isdigit() or w in connectors for w in words) \
            and words[-1] not in connectors:
        name = core
        end = s + len(core)
    else:
        name = m.group(0)
        pm = doc.shared.alias_paren.match(text, end)
        # a long item must show it is about a cluster: an alias in brackets, a cluster
        # word, or a count of members ("• NODE (...) er en klynge med 48 bedrifter")
        rest = text[m.end():e]
        if not (pm or doc.rules.cluster_word.search(rest) or doc.rules.count.search(rest)):
            return None
    pm = pm or doc.shared.alias_paren.match(text, end)
    if pm and pm.group("alias")[:1].isupper():
        aliases.append(pm.group("alias").strip())
        end = pm.end()
    return name, aliases, end


def _enumeration_candidates(doc: _Doc, cands: list[_Cand]) -> None:
    """Siblings of a cluster name in an enumeration: "A i Bergen, Arena Oslo og B"."""
    text = doc.text
    rules = doc.rules
    known = [c for c in cands]
    added: list[_Cand] = []

    def occupied(span):
        return any(_overlaps(span, (c.start, c.end)) for c in known + added)

    def rejected(name, span):
        return _is_bad_name(doc, name) or _is_other_thing(doc, name, span)

    for c in list(known):
        if c.alias_of is not None:
            continue
        unit = doc.unit_at(c.start)
        if unit is None:
            continue
        utext = text[unit.start:unit.end]
        if not (rules.cluster_word.search(utext.replace(c.name, "")) or
                sum(1 for k in known if unit.start <= k.start < unit.end) > 1):
            continue
        # to the right
        cur_end = c.end
        while True:
            la = rules.location_after_name.match(text, cur_end, unit.end)
            pos = la.end() if la else cur_end
            m = rules.enumeration_next.match(text, pos, unit.end)
            if not m:
                break
            name, start = _clean_name(doc, m.group("name"), m.start("name"))
            span = (start, start + len(name))
            existing = next((k for k in known + added if k.start == span[0]), None)
            if existing is not None:
                cur_end = existing.end
                continue
            if occupied(span) or rejected(name, span):
                break
            cand = _Cand(name, span[0], span[1], "enumeration")
            added.append(cand)
            cur_end = span[1]
        # to the left
        cur_start = c.start
        while True:
            m = rules.enumeration_prev.search(text, unit.start, cur_start)
            if not m:
                break
            name, start = _clean_name(doc, m.group("name"), m.start("name"))
            span = (start, start + len(name))
            existing = next((k for k in known + added if k.start == span[0]), None)
            if existing is not None:
                cur_start = existing.start
                continue
            if occupied(span) or rejected(name, span):
                break
            added.append(_Cand(name, span[0], span[1], "enumeration"))
            cur_start = span[0]
    cands.extend(added)
    cands.sort(key=lambda c: c.start)


# ---- grouping and mentions


def _group(doc: _Doc, cands: list[_Cand]) -> list[_ClusterAcc]:
    shared = doc.shared
    groups: list[_ClusterAcc] = []
    index: dict[str, _ClusterAcc] = {}

    def keys(name: str) -> set[str]:
        k = _norm_key(name)
        return {k, _norm_key(_strip_prefix(shared, name))}

    for c in cands:
        root = c
        while root.alias_of is not None:
            root = root.alias_of
        names = [root.name, *root.aliases, c.name, *c.aliases]
        acc = None
        for n in names:
            for k in keys(n):
                if k in index:
                    acc = index[k]
                    break
            if acc:
                break
        if acc is None:
            acc = _ClusterAcc(names=[root.name], cands=[])
            groups.append(acc)
        acc.cands.append(c)
        for n in names:
            if _norm_key(n) not in {_norm_key(x) for x in acc.names}:
                acc.names.append(n)
            for k in keys(n):
                index.setdefault(k, acc)
    return groups


def _find_mentions(doc: _Doc, groups: list[_ClusterAcc]) -> None:
    text = doc.text
    spans: list[tuple[int, int, _ClusterAcc]] = []
    for g in groups:
        for c in g.cands:
            spans.append((c.start, c.end, g))
        for n in g.names:
            flags = re.IGNORECASE if " " in n else 0
            pat = re.compile(r"(?<![\w-])" + re.escape(n).replace(r"\ ", r"\s+") + r"(?![\w])", flags)
            for m in pat.finditer(text):
                spans.append((m.start(), m.end(), g))
    spans.sort(key=lambda t: (-(t[1] - t[0]), t[0]))
    kept: list[tuple[int, int, _ClusterAcc]] = []
    taken = _Taken()
    for s, e, g in spans:
        if doc.in_url((s, e)):
            continue
        if not taken.overlaps(s, e):
            taken.add(s, e)
            kept.append((s, e, g))
    for s, e, g in sorted(kept):
        g.mentions.append((s, e))


# ---- facts


def _counts(doc: _Doc, span: tuple[int, int]):
    """(members, breakdown, partners) from the first count groups in the span."""
    rules = doc.rules
    text = doc.text
    matches = list(rules.count.finditer(text, span[0], span[1]))
    groups: list[list[re.Match]] = []
    for m in matches:
        if groups and rules.count_joiner.match(text[groups[-1][-1].end():m.start()]):
            groups[-1].append(m)
        else:
            groups.append([m])
    members = breakdown = partners = None
    nouns = {" ".join(k.casefold().split()): v for k, v in rules.member_nouns.items()}
    for grp in groups:
        mem: dict[str, int] = {}
        par = 0
        par_found = False
        for m in grp:
            n = rules.number(m.group("num"))
            if n is None:
                continue
            noun = " ".join(m.group("noun").casefold().split())
            if nouns.get(noun) == "partners":
                par += n
                par_found = True
            else:
                mem[noun] = mem.get(noun, 0) + n
        if mem and members is None:
            members = sum(mem.values())
            breakdown = dict(mem) if len(mem) > 1 else None
        if par_found and partners is None:
            partners = par
    return members, breakdown, partners


def _location(doc: _Doc, g: _ClusterAcc, segments: list[tuple[int, int]]) -> Optional[tuple[str, int]]:
    text = doc.text
    rules = doc.rules
    name_spans = list(g.mentions)
    broad = {p.casefold() for p in rules.broad_places}

    def ok(loc: str, span) -> bool:
        if loc.casefold() in broad:
            return False
        return not any(_overlaps(span, m) for m in name_spans)

    for c in g.cands:
        if c.loc:
            return c.loc[0], c.loc[1]
    for s, e in g.mentions:
        m = rules.location_after_name.match(text, e)
        if m and ok(m.group("loc"), m.span("loc")):
            return m.group("loc"), m.start("loc")
    for rule in rules.locations:
        for s, e in segments:
            for m in rule.pattern.finditer(text, s, e):
                loc, span = m.group("loc"), m.span("loc")
                if not ok(loc, span):
                    continue
                if rule.needs_entity and not doc.is_place(span, loc):
                    continue
                if rule.id.startswith("based") and loc.endswith("s") and not doc.is_place(span, loc):
                    # genitive "Bergens-baserte"
                    if re.search(r"(?<![\w-])" + re.escape(loc[:-1]) + r"(?![\w])", text):
                        loc = loc[:-1]
                return loc, span[0]
    return None


def _sectors(doc: _Doc, texts: list[str]) -> list[str]:
    found: list[tuple[int, int, str]] = []
    for order, t in enumerate(texts):
        for label, pats in doc.rules.sectors.items():
            for p in pats:
                m = p.search(t)
                if m:
                    found.append((order, m.start(), label))
                    break
    found.sort()
    out: list[str] = []
    for _, _, label in found:
        if label not in out:
            out.append(label)
    return out


def _resolve_org(doc: _Doc, name: str, span: tuple[int, int]) -> str:
    for o in doc.organisations:
        for m in _attr(o, "mentions", None) or []:
            try:
                ms, me = (m[0], m[1]) if not isinstance(m, dict) else (m["start"], m["end"])
            except (KeyError, IndexError, TypeError):
                continue
            if _overlaps((ms, me), span):
                return _attr(o, "name")
        names = [_attr(o, "name") or "", *(_attr(o, "aliases", None) or [])]
        if any(n.casefold() == name.casefold() for n in names):
            return _attr(o, "name")
    for ent in doc.entities:
        if ent.get("label") == "ORG" and _overlaps((ent["start"], ent["end"]), span):
            return ent["text"]
    return name


def _named_list(doc: _Doc, start: int, end: int) -> list[str]:
    """Names in "A, B og C": an ORG entity where one covers the part, else the part."""
    out: list[str] = []
    text = doc.text
    pos = start
    parts = []
    for m in doc.rules.list_separator.finditer(text, start, end):
        parts.append((pos, m.start()))
        pos = m.end()
    parts.append((pos, end))
    for s, e in parts:
        s, e = _trim(text, s, e)
        part = text[s:e].rstrip(".;:")
        if not part[:1].isupper():
            continue
        ent = next((x for x in doc.entities if x.get("label") == "ORG"
                    and x["start"] <= s and e <= x["end"]), None)
        _add_unique(out, _resolve_org(doc, part, (s, s + len(part))) if ent else part)
    return out


def _add_unique(seq: list, value) -> None:
    if value and value not in seq:
        seq.append(value)


def _signals(doc: _Doc, unit: _Unit) -> list[tuple[int, Optional[str], Optional[str]]]:
    out = []
    text = doc.text
    for rule in doc.rules.status_patterns:
        for m in rule.pattern.finditer(text, unit.start, unit.end):
            if doc.in_url(m.span()):
                continue
            status = rule.status
            if "status" in m.re.groupindex and m.group("status"):
                status = doc.shared.status_of(m.group("status")) or status
            out.append((m.start(), status, rule.event))
    out.sort(key=lambda t: t[0])
    return out


def _event_date(doc: _Doc, unit: Optional[_Unit], pos: Optional[int] = None) -> Optional[str]:
    """The DATE that belongs to the signal at ``pos``, else the published date.

    Each DATE of the sentence belongs to the nearest status signal before it (or, when
    none is before it, to the first one): in "fikk NCE-status i 2010 og er nå oppgradert
    til GCE" 2010 is the date of the first event, not of the upgrade.
    """
    if unit is not None:
        dates = [e for e in doc.entities_in((unit.start, unit.end), ("DATE",)) if e.get("value")]
        if pos is None:
            return str(dates[0]["value"]) if dates else doc.published
        signals = sorted({p for p, _, ev in _signals(doc, unit) if ev} | {pos})
        for ent in sorted(dates, key=lambda e: e["start"]):
            before = [p for p in signals if p <= ent["start"]]
            owner = before[-1] if before else signals[0]
            if owner == pos:
                return str(ent["value"])
    return doc.published


def _scope(doc: _Doc, g: _ClusterAcc, owner: dict[tuple[int, int], _ClusterAcc]):
    """Segments of text that speak of this cluster only, and the units they lie in."""
    segments: list[tuple[int, int]] = []
    units: list[_Unit] = []
    leads = {c.item_lead for c in g.cands if c.item_lead}
    for lead in leads:
        for u in doc.units:
            if lead[0] <= u.start < lead[1]:
                segments.append((u.start, u.end))
                units.append(u)
    for ms, me in g.mentions:
        u = doc.unit_at(ms)
        if u is None or (u.item and u.item in leads):
            continue
        others = sorted(s for (s, e), o in owner.items() if o is not g and u.start <= s < u.end)
        if not others:
            segments.append((u.start, u.end))
            units.append(u)
            # following sentences that refer back
            idx = doc.units.index(u)
            for nu in doc.units[idx + 1:]:
                if nu.section != u.section or nu.item != u.item:
                    break
                if any(nu.start <= s < nu.end for s, _e in owner):
                    break
                first = doc.text[nu.start]
                if not (first.islower() or first.isdigit()) and \
                        not doc.rules.backref.match(doc.text, nu.start, nu.end):
                    break
                segments.append((nu.start, nu.end))
                units.append(nu)
        else:
            nxt = next((s for s in others if s > ms), u.end)
            segments.append((ms, nxt))
            units.append(u)
    return segments, units


def _programme(doc: _Doc, has_clusters: bool) -> Optional[Programme]:
    """Programme facts, only for documents about clusters (clusters found or a cluster
    programme named)."""
    text = doc.text
    rules = doc.rules.programme
    evidence: set[tuple[int, int]] = set()
    name = None
    first = None
    for p in doc.shared.programmes:
        for m in p.pattern.finditer(text):
            if first is None or m.start() < first:
                first, name = m.start(), p.name
            break
    if name is None and not has_clusters:
        return None
    budget = None
    for u in doc.units:
        ut = text[u.start:u.end]
        if not (rules.budget_context.search(ut) and rules.programme_word.search(ut)):
            continue
        # a cluster programme: named, or the sentence speaks of clusters
        if not (doc.rules.cluster_word.search(ut) or
                any(p.pattern.search(ut) for p in doc.shared.programmes)):
            continue
        if rules.budget_exclude.search(ut):
            continue
        amount = _amount(doc, u)
        if amount is None:
            continue
        value, currency, aspan = amount
        year = None
        for ent in doc.entities_in((u.start, u.end), ("DATE",)):
            v = str(ent.get("value") or "")
            if len(v) >= 4 and v[:4].isdigit() and not _overlaps((ent["start"], ent["end"]), aspan):
                year = int(v[:4])
                break
        if year is None:
            for m in doc.shared.year.finditer(text, u.start, u.end):
                if not _overlaps(m.span(), aspan):
                    year = int(m.group(0))
                    break
        if year is None and doc.published and doc.published[:4].isdigit():
            for ry in rules.relative_years:
                if ry.pattern.search(ut):
                    year = int(doc.published[:4]) + ry.offset
                    break
        ev = Evidence(start=u.start, end=u.end, text=ut)
        budget = {"value": value, "currency": currency, "year": year, "evidence": ev.model_dump()}
        evidence.add((u.start, u.end))
        break

    def count(rules_list: list[_CountRule]) -> Optional[int]:
        best = None
        for u in doc.units:
            ut = text[u.start:u.end]
            for r in rules_list:
                m = r.pattern.search(ut)
                if not m or (r.context and not r.context.search(ut)):
                    continue
                n = doc.rules.number(m.group("num"))
                if n is None:
                    continue
                key = (r.priority, u.start + m.start())
                if best is None or key < best[0]:
                    best = (key, n, (u.start, u.end))
        if best is None:
            return None
        evidence.add(best[2])
        return best[1]

    total = count(rules.totals)
    new = count(rules.new)
    applicants = count(rules.applicants)
    if name is None and budget is None and total is None and new is None and applicants is None:
        return None
    return Programme(name=name, budget=budget, clusters_total=total, clusters_new=new,
                     applicants=applicants,
                     evidence=[Evidence(start=s, end=e, text=text[s:e]) for s, e in sorted(evidence)])


def _decimal_str(value: Decimal) -> str:
    s = format(value.normalize(), "f")
    return s


def _amount(doc: _Doc, u: _Unit) -> Optional[tuple[str, str, tuple[int, int]]]:
    for ent in doc.entities_in((u.start, u.end), ("MONEY",)):
        if ent.get("value") is None:
            continue
        try:
            value = Decimal(str(ent["value"]))
        except InvalidOperation:
            continue
        return _decimal_str(value), ent.get("currency") or doc.rules.programme.currency, (ent["start"], ent["end"])
    rules = doc.rules.programme
    m = rules.money.search(doc.text, u.start, u.end)
    if not m:
        return None
    raw = "".join(ch for ch in m.group("num") if not ch.isspace())
    if rules.decimal_separator == ",":
        raw = raw.replace(".", "").replace(",", ".")
    else:
        raw = raw.replace(",", "")
    try:
        num = Decimal(raw)
    except InvalidOperation:
        return None
    scale = (m.group("scale") or "").casefold()
    num *= rules.scales.get(scale, 1)
    return _decimal_str(num), rules.currency, m.span()


# --------------------------------------------------------------------------- entry point

# When the title says nothing about a status, the first units may (web captures often put
# navigation text such as "Historisk arkiv" before the real title).
TITLE_WINDOW = 4


def extract_clusters(text: str, *, lang: str, entities: list[dict], sentences: list[tuple[int, int]],
                     sections: list, people: list[dict], organisations: list[dict],
                     published: str | None) -> tuple[list[Cluster], Programme | None]:
    doc = _Doc(text, lang, entities, sentences, sections, people, organisations, published)
    cands = _pattern_candidates(doc)
    cands = _attach_aliases(doc, cands)
    _list_candidates(doc, cands)
    _enumeration_candidates(doc, cands)
    # a place right after a name ("Cluster for Applied AI i Halden")
    for c in cands:
        m = doc.rules.location_after_name.match(text, c.end)
        if m and m.group("loc").casefold() not in {p.casefold() for p in doc.rules.broad_places}:
            c.loc = (m.group("loc"), m.start("loc"), m.end("loc"))
    groups = _group(doc, cands)
    _find_mentions(doc, groups)
    owner = {m: g for g in groups for m in g.mentions}
    programme = _programme(doc, bool(groups))

    # title-level status ("To nye Arena-klynger")
    title_signal = None
    heads = ([doc.title] if doc.title is not None else []) + doc.units[:TITLE_WINDOW]
    for hu in heads:
        if doc.rules.cluster_word.search(text[hu.start:hu.end]):
            sig = [s for s in _signals(doc, hu) if s[1]]
            if sig:
                title_signal = sig[0]
                doc.title = hu
                break

    clusters: list[Cluster] = []
    for g in groups:
        g.prefix_status = next((c.status for c in g.cands if c.status and c.alias_of is None), None)
        if g.prefix_status is None:
            g.prefix_status = _prefix_status(doc, g.names[0])
        for ms, me in g.mentions:
            u = doc.unit_at(ms)
            if u is not None:
                g.evidence.add((u.start, u.end))
                for pos, status, event in _signals(doc, u):
                    g.signals.append((pos, status, event, (u.start, u.end)))
        segments, units = _scope(doc, g, owner)
        seg_unit = {seg: next((u for u in units if u.start <= seg[0] < u.end), None) for seg in segments}
        # counts: the first segment that gives any
        for seg in segments:
            mem, br, par = _counts(doc, seg)
            if mem is not None and g.members is None:
                g.members, g.members_breakdown = mem, br
                if seg_unit[seg]:
                    g.evidence.add((seg_unit[seg].start, seg_unit[seg].end))
            if par is not None and g.partners is None:
                g.partners = par
                if seg_unit[seg]:
                    g.evidence.add((seg_unit[seg].start, seg_unit[seg].end))
        loc = _location(doc, g, segments)
        if loc is not None:
            g.location = loc[0]
            lu = doc.unit_at(loc[1])
            if lu is not None:
                g.evidence.add((lu.start, lu.end))
        g.sectors = _sectors(doc, [*g.names, *(text[s:e] for s, e in segments)])
        # named organisations in the cluster's own text
        for seg in segments:
            for rule in doc.rules.member_lists:
                for m in rule.pattern.finditer(text, seg[0], seg[1]):
                    ls, le = m.span("list")
                    for org in _named_list(doc, ls, le):
                        _add_unique(g.organisations, org)
                    u = seg_unit[seg]
                    if u:
                        g.evidence.add((u.start, u.end))
            for rule in doc.rules.host_patterns:
                for m in rule.pattern.finditer(text, seg[0], seg[1]):
                    org, _ = _clean_name(doc, m.group("org"), m.start("org"))
                    _add_unique(g.organisations, _resolve_org(doc, org, m.span("org")))
        # people: leaders and staff of the cluster
        keys = {_norm_key(n) for n in g.names} | {_norm_key(_strip_prefix(doc.shared, n)) for n in g.names}
        for p in doc.people:
            org = _attr(p, "organisation")
            roles = list(_attr(p, "roles", None) or [])
            role = next((r for r in roles if doc.rules.leader_roles.search(r or "")), roles[0] if roles else None)
            pstart = _attr(p, "start")
            linked = org and (_norm_key(org) in keys or _norm_key(_strip_prefix(doc.shared, org)) in keys)
            if not linked and pstart is not None and not org and role and doc.rules.leader_roles.search(role):
                linked = any(s <= pstart < e for s, e in segments)
                if not linked and doc.rules.cluster_word.search(role):
                    # "Klyngeleder Kari Nordmann": the cluster named last before, same section
                    pu = doc.unit_at(pstart)
                    before = [(ms, o) for (ms, _me), o in owner.items() if ms < pstart
                              and (pu is None or (doc.unit_at(ms) or pu).section == pu.section)]
                    linked = bool(before) and max(before, key=lambda t: t[0])[1] is g
            if linked:
                entry = {"name": _attr(p, "name"), "role": role}
                if entry not in g.people:
                    g.people.append(entry)

    # organisations linked by "IFE partner i to av klyngene"
    _partner_links(doc, groups)

    own = any(s[1] for g in groups for s in g.signals)
    for g in groups:
        status, event, evunit = _decide_status(doc, g, title_signal, own)
        if evunit:
            g.evidence.add(evunit)
        ev = [Evidence(start=s, end=e, text=text[s:e]) for s, e in sorted(g.evidence)]
        clusters.append(Cluster(
            name=g.names[0], aliases=[n for n in g.names[1:]], status=status, event=event,
            members=g.members, partners=g.partners, members_breakdown=g.members_breakdown,
            location=g.location, sectors=g.sectors, organisations=g.organisations,
            people=g.people, evidence=ev))
    clusters.sort(key=lambda c: c.evidence[0].start if c.evidence else 0)
    return clusters, programme


EVENT_PRIORITY = ("upgrade", "new_status", "extension", "gold_label", "merger", "founding")


def _decide_status(doc: _Doc, g: _ClusterAcc, title_signal, own_status_elsewhere: bool):
    """Status and event: sentence signals first, then the name's prefix, then the title.

    The title's status ("To nye Arena-klynger") goes to clusters that are listed (list
    items, enumerations), or to all when no cluster has a status signal of its own.
    """
    listed = any(c.source in ("list-item", "enumeration") or c.item_lead for c in g.cands)
    sigs = sorted(g.signals, key=lambda s: s[0])
    # a status change is the news; extensions, labels, mergers and foundings come after
    with_event = sorted((s for s in sigs if s[2]),
                        key=lambda s: (EVENT_PRIORITY.index(s[2]), s[0]))
    status = next((s[1] for s in with_event if s[1] and s[2] in ("upgrade", "new_status")), None)
    status = status or g.prefix_status or next((s[1] for s in sigs if s[1]), None)
    event = None
    evunit = None
    if with_event:
        pos, st, typ, span = with_event[0]
        unit = doc.unit_at(pos)
        event = StatusEvent(type=typ, status=st or status, date=_event_date(doc, unit, pos))
        evunit = span
    if title_signal is not None and (own_status_elsewhere is False or listed):
        tpos, tstatus, tevent = title_signal
        if status is None:
            status = tstatus
        if event is None and tevent and status == tstatus:
            event = StatusEvent(type=tevent, status=tstatus, date=_event_date(doc, doc.title))
            evunit = (doc.title.start, doc.title.end)
    return status, event, evunit


def _partner_links(doc: _Doc, groups: list[_ClusterAcc]) -> None:
    text = doc.text
    leads_by_item = {}
    for g in groups:
        for c in g.cands:
            if c.item_lead:
                leads_by_item[c.item_lead] = g
    for u in doc.units:
        for rule in doc.rules.partner_links:
            for m in rule.pattern.finditer(text, u.start, u.end):
                org, ostart = _clean_name(doc, m.group("org"), m.start("org"))
                org = _resolve_org(doc, org, (ostart, ostart + len(org)))
                cword = m.group("count")
                n = doc.rules.number(cword) if cword else None
                # the list that follows the sentence (a heading over a list)
                following = [it for it in sorted(leads_by_item) if it[0] >= u.end]
                targets: list[_ClusterAcc] = []
                if following:
                    nxt_items = []
                    for it in following:
                        between = text[u.end:it[0]] if not nxt_items else text[nxt_items[-1][1]:it[0]]
                        if between.count("\n") > 3 and nxt_items:
                            break
                        if not nxt_items and len(between.strip()) > 200:
                            break
                        nxt_items.append(it)
                    targets = [leads_by_item[it] for it in nxt_items]
                if not targets:
                    targets = [g for g in groups if any(u.start <= s < u.end for s, _ in g.mentions)]
                if not targets and (n == len(groups) or n is None):
                    targets = list(groups)
                if n is not None and len(targets) > n:
                    targets = targets[:n]
                for g in targets:
                    _add_unique(g.organisations, org)
                    g.evidence.add((u.start, u.end))
    # a list section whose heading (a string from the sectioniser) is the partner line
    for sec in doc.sections:
        heading = _attr(sec, "heading")
        if not isinstance(heading, str) or not heading.strip():
            continue
        sec_span = (int(_attr(sec, "start", 0)), int(_attr(sec, "end", 0)))
        targets = [g for it, g in sorted(leads_by_item.items()) if sec_span[0] <= it[0] < sec_span[1]]
        if not targets:
            continue
        for rule in doc.rules.partner_links:
            m = rule.pattern.search(heading)
            if not m:
                continue
            org, _ = _clean_name(doc, m.group("org"), m.start("org"))
            org = _resolve_org(doc, org, (-1, -1))
            pos = text.rfind(heading.strip(), 0, sec_span[0] + len(heading) + 1)
            hu = doc.unit_at(pos) if pos >= 0 else None
            for g in targets:
                _add_unique(g.organisations, org)
                if hu is not None:
                    g.evidence.add((hu.start, hu.end))
