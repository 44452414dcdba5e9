"""Role and name shapes shared by the organisation, people and quote records.

The role lexicon per language is data (``rules/<lang>/roles.yaml``); this module compiles
it into a handful of patterns ("næringsminister", "administrerende direktør i X", "Foto:
Tom Hansen") and answers the small questions the other record builders ask: is this
surface only a role, does it look like a person's name, which language is the section at
this offset, does a speech verb stand right before this name. It imports no other module
of ``records/``, so each of them can use it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

from pydantic import field_validator

from klynge.lexicon import lookup, names, speech_verbs
from klynge.rules import (
    RuleModel, check_template, expand, literal_alternation, load_lang_rules, registry,
)

Span = tuple[int, int]
SectionLangs = Sequence[tuple[int, int, str]]


class Shapes(RuleModel):
    # The language-neutral shapes (capital letters, genitive endings, the glue around a
    # name) are in shared/names.yaml.
    name_connectors: list[str]
    lower_case_roles: bool = False  # roles are written in lower case ("næringsminister")


class Roles(RuleModel):
    modifiers: list[str]
    transient_modifiers: list[str] = []
    heads: list[str]
    compound_heads: list[str]
    coordinators: list[str]
    templates: list[str]  # role phrases with the placeholders TEMPLATE_PLACEHOLDERS
    prepositions: list[str]
    honorifics: list[str]
    name_particles: list[str]
    portfolios: list[str]
    non_name_words: list[str]
    parties: list[str]
    photo_markers: list[str]
    photo_role: str
    shapes: Shapes

    @field_validator("templates")
    @classmethod
    def _templates(cls, v: list[str]) -> list[str]:
        for t in v:
            check_template(t, TEMPLATE_PLACEHOLDERS)
        return v


# {CAP} one capitalised word, {CAPSEQ} capitalised words joined by connectors, {PORTFOLIO}
# one of the language's portfolios ("Minister of {PORTFOLIO}").
TEMPLATE_PLACEHOLDERS = ("CAP", "CAPSEQ", "PORTFOLIO")


@dataclass(frozen=True)
class RolePatterns:
    rules: Roles
    role: str  # regex source of one role phrase (no groups)
    role_at_end: re.Pattern  # role right before the name, maybe "i ORG," between
    role_at_start: re.Pattern  # role at the start of a PER span
    after_name: re.Pattern  # ", administrerende direktør i" / "(VP Hydrogen i"
    prep_after_name: re.Pattern  # " i " right after the name
    role_then_name: re.Pattern  # role followed by a capitalised name (model missed it)
    photo_credit: re.Pattern
    photo_before: re.Pattern
    org_name: re.Pattern  # fallback organisation name after a preposition
    honorific: re.Pattern | None
    role_full: re.Pattern  # a whole string that is only a role
    name_word: re.Pattern  # one word of a person's name (or a particle, or an initial)
    non_name: frozenset[str]
    name_seq: str
    genitive_gap: re.Pattern  # between an organisation and the role after it: "IFEs administrerende"
    genitive: str  # regex source of an optional genitive ending
    transient: re.Pattern | None  # leading modifiers that are not written in the role
    bracket_tail: re.Pattern  # "(direktør samfunnskontakt)": the role's field after it


@lru_cache(maxsize=None)
def role_patterns(lang: str) -> RolePatterns:
    r = load_lang_rules(lang, "roles.yaml", Roles)
    shapes = names()
    upper, lower = shapes.capitals, shapes.lowercase
    cap = rf"[{upper}][\w-]*"
    name_word = rf"[{upper}][{lower}’'-]+(?:-[{upper}][{lower}]+)?"
    connectors = literal_alternation(r.shapes.name_connectors)
    genitive = shapes.genitive
    capseq = rf"{cap}(?:(?:,\s+|\s+(?:{connectors})\s+|\s+){cap})*"
    coord = literal_alternation(r.coordinators)
    # Templates first: "Minister of Foreign Affairs" must win over the bare head "Minister".
    portfolio = literal_alternation(r.portfolios)
    table = {"CAP": cap, "CAPSEQ": capseq, "PORTFOLIO": portfolio}
    parts = [expand(t, table) for t in r.templates]
    parts.append(f"(?i:{literal_alternation(r.heads)})")
    if r.compound_heads:
        # "distrikts- og digitaliseringsminister": a coordinated compound prefix is allowed
        parts.append(rf"(?i:(?:\w+-(?:,\s*\w+-)*\s+(?:{coord})\s+)?\w*(?:{literal_alternation(r.compound_heads)}))")
    head = "(?:" + "|".join(parts) + ")"
    role = rf"(?<![\w-])(?:(?i:{literal_alternation(r.modifiers)})\s+)*{head}(?![\w])"
    prep = f"(?:{literal_alternation(r.prepositions)})"
    particles = literal_alternation(r.name_particles)
    name_seq = rf"{name_word}(?:\s+(?:(?:{particles})\s+)?{name_word}){{1,3}}"
    org_name = rf"{cap}(?:(?:\s+(?:{connectors})\s+[\w-]+)|\s+{cap})*"
    markers = literal_alternation(r.photo_markers)
    hon_alt = literal_alternation(r.honorifics)
    hon = re.compile(rf"^(?:{hon_alt})\s+") if r.honorifics else None
    return RolePatterns(
        rules=r,
        role=role,
        role_at_end=re.compile(
            rf"(?P<role>{role})(?:\s+{prep}\s+(?P<org>{org_name}))?\s*[,:]?\s*(?:(?:{hon_alt})\s+)?$"),
        role_at_start=re.compile(rf"^(?P<role>{role})\s+"),
        after_name=re.compile(
            rf"\s*(?:,|\()\s*(?:(?P<gen>{cap})(?:{literal_alternation(shapes.genitive_endings)})\s+)?"
            rf"(?P<role>{role})?(?:\s*,)?(?:\s+(?P<prep>{prep})\s+)?"),
        prep_after_name=re.compile(rf"\s+{prep}\s+"),
        role_then_name=re.compile(rf"(?P<role>{role})\s+(?P<name>{name_seq})(?!\w)"),
        photo_credit=re.compile(rf"(?<!\w)(?:{markers})\s*:\s*(?P<name>{name_seq})(?!\w)"),
        photo_before=re.compile(rf"(?<!\w)(?:{markers})\s*:\s*$"),
        org_name=re.compile(org_name),
        honorific=hon,
        role_full=re.compile(rf"(?:{role})"),
        name_word=re.compile(rf"{name_word}|(?:{particles})|[{upper}]\.?"),
        non_name=frozenset(w.casefold() for w in r.non_name_words),
        name_seq=name_seq,
        genitive_gap=re.compile(rf"{genitive}[ \t]+"),
        genitive=genitive,
        transient=re.compile(
            rf"^(?i:(?:{literal_alternation(r.transient_modifiers)})\s+)+(?=\S)")
        if r.transient_modifiers else None,
        bracket_tail=re.compile(
            rf"(?:\s+(?!(?:{prep}|{coord})\b)[{lower}][{lower}-]+){{1,2}}(?=\))"),
    )


def is_role(surface: str, lang: str) -> bool:
    """Is ``surface`` only a role ("Olje- og energiminister", definite "Utenriksministeren")?"""
    rx = role_patterns(lang).role_full
    return any(rx.fullmatch(surface[: len(surface) - k]) for k in (0, 1, 2, 3) if len(surface) - k > 2)


@lru_cache(maxsize=64)
def role_name_matches(text: str, lang: str) -> tuple[tuple[int, int, str], ...]:
    """(start, end, name) of every name a role word announces in ``text`` under ``lang``'s
    patterns ("næringsminister [Iselin Nybø]"), known bodies included.

    Cached per text, as the gazetteer scan is: the organisation and the people builders
    both read them, and the pattern is one of the costliest of the records stage."""
    return tuple((m.start("name"), m.end("name"), m.group("name"))
                 for m in role_patterns(lang).role_then_name.finditer(text))


def role_name_spans(text: str, lang: str) -> list[Span]:
    """Spans of names that a role word announces ("næringsminister [Iselin Nybø]")."""
    return [(start, end) for start, end, name in role_name_matches(text, lang)
            if not lookup(name)]


def looks_like_name(surface: str, pats: "RolePatterns") -> bool:
    """Capitalised words, particles or initials only, none of them a known non-name word."""
    words = surface.split()
    if not words:
        return False
    for w in words:
        if w.casefold() in pats.non_name or not pats.name_word.fullmatch(w):
            return False
    return True


def lang_at(pos: int, lang: str, section_langs: SectionLangs | None) -> str:
    """Language of the section holding ``pos`` (an English quote in a Norwegian release)."""
    for s, e, sl in section_langs or ():
        if s <= pos < e and registry().is_supported(sl):
            return sl
    return lang


def normalise_role(role: str, lang: str) -> str:
    """One spelling per role: whitespace collapsed, transient modifiers left out
    ("påtroppende daglig leder" -> "daglig leder"); in languages that write roles in lower
    case (``shapes.lower_case_roles``), a capital from the sentence start is lowered."""
    role = " ".join(role.split()).strip(" ,:")
    pats = role_patterns(lang)
    if pats.transient:
        role = pats.transient.sub("", role)
    if (pats.rules.shapes.lower_case_roles and role[:1].isupper()
            and not role.split()[0].isupper()):
        role = role[0].lower() + role[1:]
    return role


@lru_cache(maxsize=None)
def _verb_just_before(lang: str) -> re.Pattern:
    return re.compile(rf"(?<![\w])(?i:{literal_alternation(speech_verbs(lang))})[ \t]+$")


def speech_verb_before(text: str, pos: int, lang: str) -> bool:
    """A speech verb ends right before ``pos``: "sier [Solheim]"."""
    return _verb_just_before(lang).search(text, max(0, pos - 30), pos) is not None
