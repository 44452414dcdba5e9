"""Lexicon: the word lists and name lists that more than one stage reads.

The entity stage and the organisation records both scan for gazetteer names; the
organisation, cluster, registry and evaluation code all compare names; the sections and
quotes stages both know the speech verbs. Each of these lives here once, below every stage
that uses it, so no stage imports another stage for its words.

* the gazetteer of known bodies (``rules/shared/organisations.yaml``) and the generic nouns
  that are never names (``rules/shared/generic_nouns.yaml``);
* :func:`names`, what names are written with (``rules/shared/names.yaml``: the capital
  letters, genitive endings, legal suffixes and articles of names);
* :func:`name_key`, the one comparison key for organisation and cluster names;
* :func:`speech_verbs`, read from each language's ``quotes.yaml`` (their one home);
* the cluster status and event vocabularies, which the cluster rule files and the output
  schema both name;
* the bullets that mark a list item (``rules/shared/sections.yaml``, their one home);
* the Norwegian places (``rules/shared/places.yaml``: municipalities, counties, regions,
  towns) and the Danish and Swedish ones (``rules/shared/places_dk_se.yaml``: towns,
  ISO 3166-2 subdivisions, provinces) that locate a cluster, with :func:`place_name` for
  the forms they take in text;
* the Nordic cluster gazetteer (``rules/shared/clusters_gazetteer.yaml``): stable cluster
  ids, with :func:`known_cluster_id` for the id of a cluster record's names.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from klynge.rules import (
    RuleModel, alternation, lang_rule_chain, literal_alternation, load_lang_rules, load_rules,
)
from klynge.rules.guards import dispatched

Span = tuple[int, int]

ClusterStatus = Literal["Arena", "Arena Pro", "NCE", "GCE"]
# A cluster's status event (schema 2.3 added downgrade, loss, application, ending):
# "extension" is a renewal, "application" gives no status, "loss" leaves none.
StatusEventType = Literal["new_status", "upgrade", "downgrade", "loss", "application",
                          "extension", "ending", "gold_label", "merger", "founding"]
# Events after which the cluster holds none of the status they name: an application
# ("søker Arena-status") and a loss ("mister NCE-statusen"). The record, the JSONL registry
# and the registry database all read a cluster's status past them.
EVENTS_WITHOUT_STATUS = frozenset({"application", "loss"})

_SHORT_NAME = 5  # names this short are matched case-sensitively: "LO", "UD", "Hydro"


# --------------------------------------------------------------------------- names


class NameRules(RuleModel):
    """``rules/shared/names.yaml``: what the names of people and bodies are written with."""

    capitals: str
    lowercase: str
    genitive_endings: list[str]
    genitive_after_s: list[str]
    legal_suffixes: list[str]
    leading_articles: list[str]
    credit_separator: re.Pattern
    bracket_open: re.Pattern
    abbreviation_end: re.Pattern

    @field_validator("capitals", "lowercase")
    @classmethod
    def _character_class(cls, v: str) -> str:
        re.compile(f"[{v}]")
        return v

    @property
    def apostrophe_genitives(self) -> list[str]:
        """The genitive endings that carry an apostrophe ("Equinor’s", "Siemens’"): a name
        never ends so, unlike a bare "s" ("Siemens")."""
        return [g for g in self.genitive_endings if not g.isalpha()] + self.genitive_after_s

    @property
    def genitive(self) -> str:
        """Regex source of an optional genitive ending."""
        return f"(?:{literal_alternation(self.genitive_endings)})?"


@lru_cache(maxsize=None)
def names() -> NameRules:
    return load_rules("shared", "names.yaml", NameRules)


@lru_cache(maxsize=None)
def _articles() -> frozenset[str]:
    return frozenset(a.casefold() for a in names().leading_articles)


# --------------------------------------------------------------------------- name key

# Dashes and underscores separate words as spaces do: "H2-Cluster", "H2 Cluster" and
# "H2Cluster" are one name, and so are "Arena Pro–klyngen" and "Arena Pro-klyngen".
_SEPARATORS = str.maketrans({c: " " for c in "-\u2010\u2011\u2012\u2013\u2014_"})


def name_key(name: str | None) -> str:
    """Comparison key of an organisation or cluster name: case, spaces, dashes and a
    leading article (names.yaml) ignored ("The H2-Cluster" -> "h2cluster")."""
    words = (name or "").casefold().translate(_SEPARATORS).split()
    if words and words[0] in _articles():
        words = words[1:]
    return "".join(words)


# --------------------------------------------------------------------------- gazetteer


class Body(RuleModel):
    id: str
    names: list[str]
    exact: bool = False

    @field_validator("names")
    @classmethod
    def _non_empty(cls, v: list[str]) -> list[str]:
        if not v or any(not n.strip() for n in v):
            raise ValueError("a body needs at least one non-empty name")
        return v


class OrgPatterns(RuleModel):
    s_genitive_langs: list[str]
    bracket_abbreviation: re.Pattern
    left_guard: str
    right_guard: str


class Gazetteer(RuleModel):
    """``rules/shared/organisations.yaml``."""

    patterns: OrgPatterns
    bodies: list[Body]

    @field_validator("bodies")
    @classmethod
    def _unique(cls, bodies: list[Body]) -> list[Body]:
        # A name shared by two bodies would make the merge depend on file order.
        seen: dict[str, str] = {}
        for b in bodies:
            for n in b.names:
                key = n.casefold()
                if seen.get(key, b.id) != b.id:
                    raise ValueError(f"name {n!r} in both {seen[key]} and {b.id}")
                seen[key] = b.id
        return bodies


class GenericNouns(RuleModel):
    """``rules/shared/generic_nouns.yaml``."""

    patterns: list[re.Pattern]
    preceded_by: list[re.Pattern]
    dangling_words: list[str]
    glue_words: list[str]
    name_head_before: re.Pattern
    term_abbreviation: re.Pattern
    file_name: re.Pattern
    words: list[str]


@lru_cache(maxsize=None)
def gazetteer() -> Gazetteer:
    return load_rules("shared", "organisations.yaml", Gazetteer)


@lru_cache(maxsize=None)
def generic_rules() -> GenericNouns:
    return load_rules("shared", "generic_nouns.yaml", GenericNouns)


@lru_cache(maxsize=None)
def generic_nouns() -> frozenset[str]:
    return frozenset(w.casefold() for w in generic_rules().words)


def _case_sensitive(name: str, body: Body) -> bool:
    return body.exact or len(name) <= _SHORT_NAME or (name.isupper() and " " not in name)


@dataclass(frozen=True)
class _Index:
    by_name: dict[str, str]  # casefolded name -> body id (case-insensitive names)
    by_exact: dict[str, str]  # exact name -> body id (case-sensitive names)
    scanner: re.Pattern
    legal_suffix: re.Pattern


@lru_cache(maxsize=None)
def _index() -> _Index:
    gaz = gazetteer()
    by_name: dict[str, str] = {}
    by_exact: dict[str, str] = {}
    alts: list[tuple[int, tuple[str, str, str, bool]]] = []
    for body in gaz.bodies:
        for name in body.names:
            if _case_sensitive(name, body):
                by_exact[name] = body.id
                alts.append((len(name), (name[0], re.escape(name[1:]), re.escape(name), False)))
            else:
                by_name[name.casefold()] = body.id
                alts.append((len(name), (name[0], f"(?i:{re.escape(name[1:])})",
                                         f"(?i:{re.escape(name)})", True)))
    # Longest first: the regex takes the first alternative that matches, and
    # "Norges Bank Investment Management" must win over "Norges Bank".
    alts.sort(key=lambda a: -a[0])
    p = gaz.patterns
    # Dispatched on the first character: sre would otherwise try every name, case-folded,
    # at every word start.
    scanner = re.compile(
        f"{p.left_guard}(?P<name>{dispatched(a for _, a in alts)})(?P<gen>{names().genitive})"
        f"{p.right_guard}"
    )
    legal = re.compile(r"\s+(?:" + "|".join(re.escape(s) for s in names().legal_suffixes) + r")$")
    return _Index(by_name, by_exact, scanner, legal)


def strip_legal_suffix(name: str) -> str:
    """``name`` without a trailing legal form ("Equinor ASA" -> "Equinor")."""
    return _index().legal_suffix.sub("", name)


def lookup(name: str) -> str | None:
    """Gazetteer id of a surface name (legal suffix such as "AS" ignored), or None."""
    idx = _index()
    for cand in (name, strip_legal_suffix(name)):
        if cand in idx.by_exact:
            return idx.by_exact[cand]
        if cand.casefold() in idx.by_name:
            return idx.by_name[cand.casefold()]
    return None


def is_generic(name: str) -> bool:
    """A common noun or page heading, not the name of a body."""
    key = " ".join(name.split()).casefold()
    if key in generic_nouns() or (key.endswith("s") and key[:-1] in generic_nouns()):
        return True  # genitives too: "Fylkeskommunens", "Regjeringens"
    return any(p.search(name) for p in generic_rules().patterns)


@lru_cache(maxsize=None)
def gazetteer_rank() -> dict[str, int]:
    """Position of each name in the gazetteer: earlier names are the preferred spellings."""
    rank: dict[str, int] = {}
    for body in gazetteer().bodies:
        for i, n in enumerate(body.names):
            rank.setdefault(n.casefold(), i)
    return rank


@lru_cache(maxsize=64)
def scan_gazetteer(text: str) -> tuple[tuple[Span, str], ...]:
    """Every gazetteer name in ``text`` as ((start, end), body id), genitive ending outside."""
    # Cached: the entity stage and the organisation records both scan the same text.
    idx = _index()
    hits = []
    for m in idx.scanner.finditer(text):
        name = m.group("name")
        gid = idx.by_exact.get(name) or idx.by_name.get(name.casefold())
        if gid:
            hits.append(((m.start("name"), m.end("name")), gid))
    return tuple(hits)


def find_gazetteer_names(text: str) -> list[tuple[int, int, str]]:
    """Every gazetteer name in ``text`` as an entity span (start, end, body id).

    A Norwegian genitive -s stays inside the span ("FNs", as the annotation guidelines
    say: it is part of the token); an English "'s" stays outside."""
    out = []
    for (s, e), gid in scan_gazetteer(text):
        if text.startswith("s", e) and (e + 1 == len(text) or not text[e + 1].isalnum()):
            e += 1
        out.append((s, e, gid))
    return out


# --------------------------------------------------------------------------- places


class Municipality(RuleModel):
    nr: str
    name: str
    county: str
    other: list[str] = []


class Places(RuleModel):
    """``rules/shared/places.yaml``."""

    source: str
    region_around: re.Pattern
    municipalities: list[Municipality]
    counties: list[str]
    regions: list[str]
    towns: list[str]

    @field_validator("municipalities")
    @classmethod
    def _numbers_unique(cls, v: list[Municipality]) -> list[Municipality]:
        nrs = [m.nr for m in v]
        if len(nrs) != len(set(nrs)):
            raise ValueError("a municipality number is listed twice")
        return v


@lru_cache(maxsize=None)
def places() -> Places:
    return load_rules("shared", "places.yaml", Places)


def _unique(what: str, values: list[str]) -> None:
    seen: set[str] = set()
    for v in values:
        if not v.strip() or v != " ".join(v.split()):
            raise ValueError(f"{what} {v!r}: empty or not single-spaced")
        if v.casefold() in seen:
            raise ValueError(f"{what} {v!r} is listed twice")
        seen.add(v.casefold())


class Town(RuleModel):
    """A town of GeoNames' cities over 15,000 people: its id, the name the records write
    (the local form: "Göteborg", "København") and other forms texts use ("Gothenburg")."""

    geonameid: int
    name: str
    other: list[str] = []


class Subdivision(RuleModel):
    """An ISO 3166-2 subdivision: the name the records write ("Skåne", "Kronoberg") and
    the official forms texts also use ("Skåne län", "Kronobergs län")."""

    code: str = Field(pattern=r"^[A-Z]{2}-[A-Z0-9]{1,3}$")
    name: str
    forms: list[str] = []


class CountryPlaces(RuleModel):
    """One country's places. ``towns`` and ``subdivisions`` are generated (``python -m
    klynge.maintain.places``); ``local_names``, ``exclude`` and ``regions`` are
    hand-written and the generator keeps them."""

    country: str = Field(pattern=r"^[A-Z]{2}$")
    # GeoNames id -> the local name to write where GeoNames' name is English ("Gothenburg")
    local_names: dict[int, str] = {}
    # GeoNames ids left out, with their names: common words ("Greve" is a count), parts of
    # a town ("Indre By")
    exclude: dict[int, str] = {}
    # hand-written regions without a subdivision of their own (Swedish provinces, "Fyn")
    regions: list[str]
    subdivisions: list[Subdivision]
    towns: list[Town]

    @model_validator(mode="after")
    def _consistent(self) -> "CountryPlaces":
        ids = [t.geonameid for t in self.towns]
        if len(ids) != len(set(ids)):
            raise ValueError(f"{self.country}: a town's GeoNames id is listed twice")
        by_id = {t.geonameid: t for t in self.towns}
        for gid, name in self.local_names.items():
            if gid not in by_id or by_id[gid].name != name:
                raise ValueError(f"{self.country}: local name {name!r} ({gid}) is no listed "
                                 "town of that name: regenerate the file")
        for gid in self.exclude:
            if gid in by_id:
                raise ValueError(f"{self.country}: excluded town {gid} is listed: "
                                 "regenerate the file")
        for s in self.subdivisions:
            if not s.code.startswith(self.country + "-"):
                raise ValueError(f"subdivision {s.code} is not in {self.country}")
        _unique("subdivision", [s.code for s in self.subdivisions])
        # a province may share its county's name ("Skåne", "Värmland"): both are listed
        _unique("region", self.regions)
        _unique("subdivision name", [s.name for s in self.subdivisions])
        for t in self.towns:
            _unique(f"town {t.geonameid} name", [t.name, *t.other])
        for s in self.subdivisions:
            _unique(f"subdivision {s.code} form", [s.name, *s.forms])
        return self


class NordicPlaces(RuleModel):
    """``rules/shared/places_dk_se.yaml``: Danish and Swedish places."""

    source: str
    countries: list[CountryPlaces]

    @field_validator("countries")
    @classmethod
    def _countries_unique(cls, v: list[CountryPlaces]) -> list[CountryPlaces]:
        _unique("country", [c.country for c in v])
        return v


@lru_cache(maxsize=None)
def nordic_places() -> NordicPlaces:
    return load_rules("shared", "places_dk_se.yaml", NordicPlaces)


def _place_entries() -> Iterator[tuple[str, str, tuple[str, ...]]]:
    """(country, the name to write, the forms texts use) of every known place, Norway's
    first: a name Norway and Sweden share ("Lund") is Norway's. The one walk through both
    place files that :func:`_place_index` and :func:`_place_countries` read."""
    p = places()
    for m in p.municipalities:
        yield "NO", m.name, (m.name, *m.other)
    for n in (*p.counties, *p.regions, *p.towns):
        yield "NO", n, (n,)
    for c in nordic_places().countries:
        for t in c.towns:
            yield c.country, t.name, (t.name, *t.other)
        for sub in c.subdivisions:
            yield c.country, sub.name, (sub.name, *sub.forms)
        for n in c.regions:
            yield c.country, n, (n,)


@lru_cache(maxsize=None)
def _place_index() -> dict[str, str]:
    """Every known place form (casefolded) -> the name to write."""
    index: dict[str, str] = {}
    for _country, name, forms in _place_entries():
        for n in forms:
            index.setdefault(n.casefold(), name)
    return index


@lru_cache(maxsize=None)
def _place_countries() -> dict[str, str]:
    """The name a place is written as (casefolded) -> its country."""
    out: dict[str, str] = {}
    for country, name, _forms in _place_entries():
        out.setdefault(name.casefold(), country)
    return out


def place_country(name: str) -> str | None:
    """The country ("NO", "DK", "SE") of a place written as :func:`place_name` writes it
    ("Bergen", "Göteborg"), or None for no known place."""
    return _place_countries().get(name.casefold())


@lru_cache(maxsize=None)
def _municipality_names() -> frozenset[str]:
    p = places()
    towns = (t.name for c in nordic_places().countries for t in c.towns)
    return frozenset(n.casefold() for n in (*(m.name for m in p.municipalities), *p.towns,
                                            *towns))


def is_municipality(name: str) -> bool:
    """A municipality or town (not a county or region), by the name :func:`place_name` gives."""
    return name.casefold() in _municipality_names()


def place_name(surface: str) -> str | None:
    """The place a surface form names, as the records write it ("Bergens" -> "Bergen",
    "Stavanger-regionen" -> "Stavanger", "Kronobergs län" -> "Kronoberg"), or None when it
    is no known Norwegian, Danish or Swedish place."""
    index = _place_index()
    s = " ".join(surface.split())
    for cand in (s, s[:-1] if s.endswith("s") else None):
        if cand and cand.casefold() in index:
            return index[cand.casefold()]
    m = places().region_around.match(s)
    if m:
        town = m.group("town").rstrip("-")
        for cand in (town, town[:-1] if town.endswith("s") else None):
            if cand and cand.casefold() in index:
                return index[cand.casefold()]
    return None


# --------------------------------------------------------------------------- bullets


class _Bullets(BaseModel):
    # A view of ``shared/sections.yaml``, the bullets' one home (validated whole by the
    # sections stage's model); the amounts normaliser reads list items with them too.
    model_config = ConfigDict(extra="ignore", frozen=True)
    bullets: list[str]


def bullets() -> list[str]:
    """The characters that mark a list item at the start of a line ("•", "-", ...)."""
    return list(load_rules("shared", "sections.yaml", _Bullets).bullets)


# --------------------------------------------------------------------------- clusters

# What a programme did to a cluster in a year: "granted" a status (or admission), "renewed"
# or "upgraded" it, "downgraded", "lost", "ended"; "merged" into another cluster; "founded"
# (also by a merger of others).
ClusterHistoryEvent = Literal["granted", "renewed", "upgraded", "downgraded", "lost", "ended",
                              "merged", "founded"]
_FIRST_YEAR, _LAST_YEAR = 1990, 2035  # the Nordic cluster programmes began around 2000


class GazetteerSource(RuleModel):
    id: str
    url: str
    gave: str  # what the page told the gazetteer, in our words


class ClusterHistory(RuleModel):
    year: int | None = None  # None: the source gave the status but not the year
    status: ClusterStatus | None = None  # Norwegian levels only; null for DK/SE programmes
    programme: str | None = None
    event: ClusterHistoryEvent | None = None

    @field_validator("year")
    @classmethod
    def _plausible(cls, v: int | None) -> int | None:
        if v is not None and not _FIRST_YEAR <= v <= _LAST_YEAR:
            raise ValueError(f"year {v} is outside {_FIRST_YEAR}-{_LAST_YEAR}")
        return v


class KnownCluster(RuleModel):
    id: str = Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
    names: list[str]  # every form it is written as; the first is the canonical name
    country: Literal["NO", "DK", "SE"]
    place: str | None = None
    sectors: list[str] = []
    history: list[ClusterHistory] = []
    source: list[str]

    @model_validator(mode="after")
    def _check(self) -> "KnownCluster":
        if not self.names or any(not name_key(n) for n in self.names):
            raise ValueError(f"{self.id}: a cluster needs non-empty names")
        if not self.source:
            raise ValueError(f"{self.id}: no source")
        if self.country != "NO" and any(h.status for h in self.history):
            raise ValueError(f"{self.id}: {self.country} programmes have no status levels")
        return self


class ClusterGazetteer(RuleModel):
    """``rules/shared/clusters_gazetteer.yaml``."""

    sources: list[GazetteerSource]
    clusters: list[KnownCluster]

    @model_validator(mode="after")
    def _check(self) -> "ClusterGazetteer":
        source_ids = [s.id for s in self.sources]
        if len(set(source_ids)) != len(source_ids):
            raise ValueError("a source id is listed twice")
        ids: set[str] = set()
        owner: dict[str, str] = {}
        for c in self.clusters:
            if c.id in ids:
                raise ValueError(f"cluster id {c.id!r} is listed twice")
            ids.add(c.id)
            unknown = [s for s in c.source if s not in source_ids]
            if unknown:
                raise ValueError(f"{c.id}: unknown sources {unknown}")
            for n in c.names:
                k = name_key(n)
                if owner.get(k, c.id) != c.id:
                    raise ValueError(f"name {n!r} in both {owner[k]} and {c.id}")
                owner[k] = c.id
        return self


@lru_cache(maxsize=None)
def cluster_gazetteer() -> ClusterGazetteer:
    return load_rules("shared", "clusters_gazetteer.yaml", ClusterGazetteer)


@lru_cache(maxsize=None)
def _cluster_index() -> dict[str, str]:
    return {name_key(n): c.id for c in cluster_gazetteer().clusters for n in c.names}


@lru_cache(maxsize=None)
def _cluster_scanner(min_acronym: int, before: str, after: str) -> re.Pattern[str] | None:
    """Every gazetteer cluster name, longest first, matched as written (case-sensitive: a
    cluster's name is a proper name, "Smart Water" not "smart water"), a genitive ending
    outside the name. All-capital names shorter than ``min_acronym`` letters ("ACT",
    "ECD", "FPX") are left out: alone they are as likely anything else. ``before`` and
    ``after`` are the zero-width guards of a name's start and end (regex sources, the
    cluster rules' ``known_name_guards``)."""
    forms = {n for c in cluster_gazetteer().clusters for n in c.names
             if not (n.isupper() and sum(ch.isalpha() for ch in n) < min_acronym)}
    if not forms:
        return None
    # rules.alternation: longest first, a space of a name matching spaces and no-break
    # spaces, never a line break ("Odense\nRobotics ..." is no name).
    alts = alternation(forms)
    return re.compile(f"{before}(?P<name>{alts})(?:{names().genitive}){after}")


def scan_known_clusters(text: str, min_acronym: int, before: str, after: str) -> list[Span]:
    """(start, end) of every name of the cluster gazetteer in ``text`` (see
    :func:`_cluster_scanner`), left to right, the longest name where several start."""
    scanner = _cluster_scanner(min_acronym, before, after)
    if scanner is None:
        return []
    return [m.span("name") for m in scanner.finditer(text)]


@lru_cache(maxsize=None)
def _cluster_countries() -> dict[str, str]:
    return {c.id: c.country for c in cluster_gazetteer().clusters}


def known_cluster_country(cid: str | None) -> str | None:
    """The country ("NO", "DK", "SE") of the gazetteer cluster ``cid``, or None."""
    return _cluster_countries().get(cid) if cid else None


def known_cluster_id(*names: str | None) -> str | None:
    """The gazetteer id of the cluster a record names (its name, then its aliases, compared
    by :func:`name_key`), or None when the gazetteer does not know it."""
    index = _cluster_index()
    for n in names:
        cid = index.get(name_key(n))
        if cid:
            return cid
    return None


# --------------------------------------------------------------------------- speech verbs


class _SpeechVerbs(BaseModel):
    # A view of ``<lang>/quotes.yaml``: that file is the verbs' one home and is validated
    # whole by the quotes stage's model (and `klynge rules check`); the sections stage
    # needs only the verbs.
    model_config = ConfigDict(extra="ignore", frozen=True)
    speech_verbs: list[str]


def speech_verbs(lang: str) -> list[str]:
    """Verbs that attribute speech in ``lang`` ("sier", "said"), from its ``quotes.yaml``."""
    if not lang_rule_chain(lang, "quotes.yaml"):
        return []  # a language without quote rules (rules/xx/) attributes no speech
    return list(load_lang_rules(lang, "quotes.yaml", _SpeechVerbs).speech_verbs)


# --------------------------------------------------------------------------- mentions

# A name's mention starts where no word character or hyphen stands before it.
NAME_START = re.compile(r"(?<![\w-])")


@lru_cache(maxsize=None)
def zero_width(source: str) -> re.Pattern[str]:
    r"""``source`` (a lookahead such as ``(?![\w])``) compiled once per process."""
    return re.compile(source)


def literal_mentions(text: str, literal: str, after: re.Pattern[str],
                     before: re.Pattern[str] = NAME_START) -> Iterator[tuple[int, int]]:
    """(start, end) of each occurrence of the non-empty ``literal`` in ``text`` where
    ``before`` matches at its start and ``after`` at its end (both zero-width), left to
    right without overlaps: exactly ``re.finditer(before + re.escape(literal) + after)``,
    without compiling a pattern for every name of every document (the records stage
    looks up each name it finds, and compiling those patterns cost it a fifth of its
    time)."""
    pos, n = 0, len(literal)
    while n:
        i = text.find(literal, pos)
        if i < 0:
            return
        if before.match(text, i) and after.match(text, i + n):
            yield i, i + n
            pos = i + n
        else:
            pos = i + 1
