"""Cluster rule files: the models of ``rules/shared/clusters.yaml`` and
``rules/<lang>/clusters.yaml``, their placeholders, and the loaders.

Number words for counts come from each language's ``numbers.yaml`` (their one home), less
the words that are also articles; money in budget sentences is read by the normalisers.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Literal, Optional

from pydantic import Field, PrivateAttr, ValidationInfo, model_validator

from klynge.lexicon import ClusterStatus, StatusEventType
from klynge.normalisers.numbers import count_words
from klynge.rules import RuleModel, expand_tree, load_lang_rules, load_rules, rule_folder
from klynge.rules.guards import lookaround_direction

StatusName = ClusterStatus
EventType = StatusEventType


class _StatusWord(RuleModel):
    pattern: re.Pattern
    status: StatusName


class _IdPattern(RuleModel):
    id: str
    pattern: re.Pattern


class _ProgrammeName(RuleModel):
    pattern: re.Pattern
    name: str


class _Guards(RuleModel):
    """Zero-width guards around a name: a lookbehind before it and a lookahead after it."""

    before: re.Pattern
    after: re.Pattern

    @model_validator(mode="after")
    def _zero_width(self) -> "_Guards":
        # a guard that consumed text would cut it out of the name's span; read from the
        # parse tree, not the source's shape: "(?<!a)b(?=c)" begins with a lookbehind
        for side, pat, direction in (("before", self.before, -1), ("after", self.after, 1)):
            if lookaround_direction(pat.pattern) != direction:
                raise ValueError(f"{side} guard {pat.pattern!r} is not a single "
                                 f"{'lookbehind' if side == 'before' else 'lookahead'}")
        return self


class _ReleaseSubject(RuleModel):
    min_mentions: int = Field(ge=1)
    dominance: float = Field(gt=1)


class SharedClusterRules(RuleModel):
    placeholders: dict[str, str]
    statuses: list[_StatusWord]
    name_patterns: list[_IdPattern]
    not_names: list[str]
    not_name_pattern: re.Pattern
    descriptor_head: re.Pattern
    status_prefix: re.Pattern
    alias_dash: re.Pattern
    alias_paren: re.Pattern
    programmes: list[_ProgrammeName]
    year: re.Pattern
    membership_word: re.Pattern  # a count noun that says membership ("medlemmer", not "bedrifter")
    name_tail: re.Pattern  # the word after an open-ended shape ("Hydrogen Cluster Bergen")
    item_place: re.Pattern  # a list line "A, X" / "A (X)" / "A"
    generic_name_words: frozenset[str]  # names made only of these are programme phrases
    not_name_tails: frozenset[str]  # a word after "X Cluster" that names another body
    cluster_body_tails: frozenset[str]  # a word after "X Cluster" that names a body of clusters
    known_name_min_acronym: int = Field(ge=1)  # shorter all-capital gazetteer names are not recognised alone
    known_name_guards: _Guards  # where a gazetteer name may start and end
    mention_guards: _Guards  # where another mention of a name in the text may start and end
    release_subject: _ReleaseSubject  # when a release is about one of the clusters it names
    compound_name_stem: re.Pattern  # "Heidnerklyngen" -> "Heidner": an alias of "Heidner Biocluster"
    cluster_head: re.Pattern  # "The Eyde Cluster" -> "Eyde": the name that "NCE Eyde" also has
    alias_separator: re.Pattern  # what parts a known name's span into a name and its alias
    acronym: re.Pattern  # an acronym a cluster may be written as
    place_word: re.Pattern  # one more word of a place's name ("Götaland" of "Västra Götaland")
    name_span_labels: frozenset[str]  # the NER's labels of a span a country tail may close
    country_tails: frozenset[str]  # country words that close a name along any NER name span
    not_a_body_labels: frozenset[str]  # the NER's labels of what no cluster is
    member_subject_max: int = Field(ge=1)  # more members: an association, not a cluster
    list_name_share: float = Field(gt=0, le=1)  # a list's items that must be names for its leads to be clusters
    # the gazetteer's countries whose cluster programmes have no levels
    countries_without_levels: frozenset[Literal["NO", "DK", "SE"]]

    # The named groups the cluster code reads from each pattern (m.group("tail")): a rule
    # file without one would fail on the first document that matches, not when it loads.
    _GROUPS = {"alias_paren": ("alias",), "name_tail": ("tail",),
               "item_place": ("name", "loc", "ploc"), "compound_name_stem": ("stem",)}

    @model_validator(mode="after")
    def _named_groups(self) -> "SharedClusterRules":
        for name, groups in self._GROUPS.items():
            missing = [g for g in groups if g not in getattr(self, name).groupindex]
            if missing:
                raise ValueError(f"{name} needs the named group(s) {', '.join(missing)}")
        return self

    @model_validator(mode="after")
    def _casefold_generic(self) -> "SharedClusterRules":
        for name in ("generic_name_words", "not_name_tails", "cluster_body_tails", "country_tails"):
            object.__setattr__(self, name, frozenset(w.casefold() for w in getattr(self, name)))
        return self

    @model_validator(mode="before")
    @classmethod
    def _substitute(cls, data: Any) -> Any:
        if isinstance(data, dict):
            table = dict(data.get("placeholders") or {})
            data = {k: (v if k == "placeholders" else expand_tree(v, table))
                    for k, v in data.items()}
        return data

    def mention_re(self, name: str, flags: int = 0) -> re.Pattern:
        """Every other mention of ``name`` in a text (``mention_guards`` around it; any run
        of spaces between its words)."""
        g = self.mention_guards
        return _compiled_flags(g.before.pattern + re.escape(name).replace(r"\ ", r"\s+")
                               + g.after.pattern, flags)

    @property
    def name_re(self) -> re.Pattern:
        """The {NAME} placeholder as a pattern (a run of capitalised words)."""
        return _compiled(self.placeholders["NAME"])

    def is_programme_or_status(self, name: str) -> bool:
        """A programme name ("Arena-programmet", "Norwegian Innovation Clusters") or a bare
        status ("NCE", "a Norwegian Centre of Expertise"): never a cluster or organisation."""
        bare = re.sub(r"(?i)^(?:an?|the|et|en|ei)\s+", "", " ".join(name.split()))
        if not bare:
            return False
        if self.status_of(bare) or bare.casefold() in {n.casefold() for n in self.not_names}:
            return True
        if self.not_name_pattern.match(bare):
            return True
        return any(p.pattern.fullmatch(bare) for p in self.programmes)

    def status_alternation(self) -> str:
        return "(?:" + "|".join(s.pattern.pattern for s in self.statuses) + ")"

    def status_of(self, text: str) -> Optional[str]:
        for s in self.statuses:
            if s.pattern.fullmatch(text.strip()):
                return s.status
        # status words matched inside a case-insensitive signal: "arenaprogram", "arenaklynge"
        for s in self.statuses:
            if re.fullmatch(s.pattern.pattern, text.strip(), re.IGNORECASE):
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
    # only inside a clause that defines the cluster ("X, en miljøklynge fra København"):
    # elsewhere "fra X" says where a person or a body comes from, not where a cluster is
    defining_only: bool = False


class CountRule(RuleModel):
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
    currency: str  # of a MONEY entity that has none
    relative_years: list[_RelativeYear]
    totals: list[CountRule]
    new: list[CountRule]
    applicants: list[CountRule]


class LangClusterRules(RuleModel):
    """``rules/<lang>/clusters.yaml``. {NUM} is filled with the count words of the file's
    language (``numbers.yaml``, their one home)."""

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
    member_verb: re.Pattern  # "har"/"has" between a name and its count of members (context.member_subject_candidates)
    cluster_backref: re.Pattern  # a sentence opening with a cluster noun ("Klyngen har ..."): it names the cluster before it
    enumeration_intro: re.Pattern  # "bland andra", "such as", "Klustren är:" before a list of names
    count: re.Pattern
    count_joiner: re.Pattern
    count_not_after: re.Pattern  # "founded by" before a count: the founders, not the members
    member_nouns: dict[str, Literal["members", "partners"]]
    locations: list[_Location]
    broad_places: list[str]
    regions: list[str]
    status_levels: bool  # a cluster named in this language may hold a programme level
    # a release's one cluster is placed anywhere in it (a known place in a sentence about
    # clusters, the dominant place) when nothing places it where it is named
    subject_place_fallback: bool
    status_patterns: list[_StatusPattern]
    partner_links: list[_IdPattern]
    member_lists: list[_IdPattern]
    host_patterns: list[_IdPattern]
    leader_roles: re.Pattern
    sectors: dict[str, list[re.Pattern]]
    programme: _ProgrammeRules

    _count_words: dict[str, int] = PrivateAttr(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _substitute(cls, data: Any, info: ValidationInfo) -> Any:
        if not isinstance(data, dict):
            return data
        shared = shared_rules()
        words = sorted(count_words(rule_folder(info)), key=len, reverse=True)
        nouns = sorted((data.get("member_nouns") or {}), key=len, reverse=True)
        table = dict(shared.placeholders)
        seps = re.escape(data.get("thousands_separators") or " ")
        table["NUM"] = r"(?:\d+(?:[" + seps + r"]\d{3})*" + "".join(
            "|" + re.escape(w) for w in words) + r")(?![\w])"
        table["NOUN"] = "(?:" + "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in nouns) + ")"
        table["STATUS"] = shared.status_alternation()
        return expand_tree(data, table)

    @model_validator(mode="after")
    def _words(self, info: ValidationInfo) -> "LangClusterRules":
        self._count_words = count_words(rule_folder(info))
        return self

    def number(self, text: str) -> Optional[int]:
        t = "".join(ch for ch in text if ch not in self.thousands_separators and not ch.isspace())
        if t.isdigit():
            return int(t)
        return self._count_words.get(" ".join(text.casefold().split()))


@lru_cache(maxsize=None)
def _compiled(pattern: str) -> re.Pattern:
    return re.compile(pattern)


@lru_cache(maxsize=4096)
def _compiled_flags(pattern: str, flags: int) -> re.Pattern:
    return re.compile(pattern, flags)


def shared_rules() -> SharedClusterRules:
    return load_rules("shared", "clusters.yaml", SharedClusterRules)


def lang_rules(lang: str) -> LangClusterRules:
    """Rules for ``lang``; languages without a file fall back to Bokmål."""
    return load_lang_rules(lang, "clusters.yaml", LangClusterRules)
