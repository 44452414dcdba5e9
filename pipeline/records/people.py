"""People of a document with their roles and affiliated organisation.

Press releases name people in a few fixed shapes ("næringsminister Iselin Nybø",
"IFEs administrerende direktør Nils Morten Huseby", "Jane Doe, CEO of X",
"Foto: Tom Hansen, Innovasjon Norge"). The role lexicon per language is data
(``rules/<lang>/roles.yaml``); this module compiles it into a handful of patterns and
reads roles and organisations off the words around each name mention.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Sequence

from klynge.records.organisations import find_organisation, is_generic, lookup, resolve_organisations
from klynge.rules import RuleModel, literal_alternation, load_lang_rules, registry

Span = tuple[int, int]
SectionLangs = Sequence[tuple[int, int, str]]

_WINDOW = 160  # how far back a role may start before the name it belongs to


class Shapes(RuleModel):
    upper: str
    lower: str
    name_connectors: list[str]
    genitive_endings: list[str]
    credit_separator: re.Pattern
    bracket_open: re.Pattern
    abbreviation_end: re.Pattern
    lower_case_roles: bool = False  # roles are written in lower case ("næringsminister")


class Roles(RuleModel):
    modifiers: list[str]
    heads: list[str]
    compound_heads: list[str]
    coordinators: list[str]
    templates: list[str]
    prepositions: list[str]
    honorifics: list[str]
    name_particles: list[str]
    portfolios: list[str]
    non_name_words: list[str]
    parties: list[str]
    photo_markers: list[str]
    photo_role: str
    shapes: Shapes


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


@lru_cache(maxsize=None)
def role_patterns(lang: str) -> RolePatterns:
    r = load_lang_rules(lang, "roles.yaml", Roles)
    upper, lower = r.shapes.upper, r.shapes.lower
    cap = rf"[{upper}][\w-]*"
    name_word = rf"[{upper}][{lower}’'-]+(?:-[{upper}][{lower}]+)?"
    connectors = literal_alternation(r.shapes.name_connectors)
    genitive = f"(?:{literal_alternation(r.shapes.genitive_endings)})?"
    capseq = rf"{cap}(?:(?:,\s+|\s+(?:{connectors})\s+|\s+){cap})*"
    coord = literal_alternation(r.coordinators)
    # Templates first: "Minister of Foreign Affairs" must win over the bare head "Minister".
    portfolio = literal_alternation(r.portfolios) or "(?!)"
    parts = [t.replace("{capseq}", capseq).replace("{cap}", cap).replace("{portfolio}", portfolio)
             for t in r.templates]
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
    hon_alt = literal_alternation(r.honorifics) or "(?!)"
    hon = re.compile(rf"^(?:{hon_alt})\s+") if r.honorifics else None
    return RolePatterns(
        rules=r,
        role=role,
        role_at_end=re.compile(
            rf"(?P<role>{role})(?:\s+{prep}\s+(?P<org>{org_name}))?\s*,?\s*(?:(?:{hon_alt})\s+)?$"),
        role_at_start=re.compile(rf"^(?P<role>{role})\s+"),
        after_name=re.compile(
            rf"\s*(?:,|\()\s*(?:(?P<gen>{cap})(?:{literal_alternation(r.shapes.genitive_endings)})\s+)?"
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
    )


def is_role(surface: str, lang: str) -> bool:
    """Is ``surface`` only a role ("Olje- og energiminister", definite "Utenriksministeren")?"""
    rx = role_patterns(lang).role_full
    return any(rx.fullmatch(surface[: len(surface) - k]) for k in (0, 1, 2, 3) if len(surface) - k > 2)


def role_name_spans(text: str, lang: str) -> list[Span]:
    """Spans of names that a role word announces ("næringsminister [Iselin Nybø]")."""
    pats = role_patterns(lang)
    return [(m.start("name"), m.end("name")) for m in pats.role_then_name.finditer(text)
            if not lookup(m.group("name"))]


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
    """One spelling per role: whitespace collapsed; in languages that write roles in lower
    case (``shapes.lower_case_roles``), a capital from the sentence start is lowered."""
    role = " ".join(role.split()).strip(" ,")
    if (role_patterns(lang).rules.shapes.lower_case_roles and role[:1].isupper()
            and not role.split()[0].isupper()):
        role = role[0].lower() + role[1:]
    return role


@dataclass
class _Mention:
    start: int
    end: int
    roles: list[tuple[int, str]] = field(default_factory=list)
    # (rank, position, name): rank 0 = tied to a role ("direktør i IFE"), 1 = loose
    # ("Anders Opedal (Equinor)", "Slåke i NHD"), so a party in brackets does not win
    org: tuple[int, int, str] | None = None
    honorific: bool = False

    def tokens(self, text: str) -> list[str]:
        return text[self.start:self.end].split()


@dataclass
class _Person:
    tokens: list[str]
    mentions: list[_Mention] = field(default_factory=list)


def _sentence_start(sentences: list[tuple[int, int]], pos: int, text: str, pats: RolePatterns) -> int:
    floor = max(0, pos - _WINDOW)
    nl = text.rfind("\n", floor, pos)
    if nl >= 0:
        floor = nl + 1
    if sentences:
        starts = [s for s, _ in sentences]
        i = bisect.bisect_right(starts, pos) - 1
        # A splitter may break after "adm." or "dr."; such a sentence continues the previous one.
        while i > 0 and pats.rules.shapes.abbreviation_end.search(text, max(0, starts[i] - 8), starts[i]):
            i -= 1
        if i >= 0:
            floor = max(floor, starts[i])
    return floor


def _org_mention_spans(organisations: list[dict]) -> list[tuple[int, int, dict]]:
    return sorted(((s, e, o) for o in organisations for s, e in o["mentions"]), key=lambda t: (t[0], t[1]))


def _org_at(text: str, pos: int, org_spans, pats: RolePatterns, known_only: bool) -> tuple[str, int] | None:
    """Organisation named at ``pos``: a known mention first, else a capitalised name."""
    for s, e, o in org_spans:
        if s == pos:
            return o["name"], e
    if known_only:
        return None
    m = pats.org_name.match(text, pos)
    if not m:
        return None
    rest = text[m.end():m.end() + 2]
    if m.group(0).endswith("s") and rest[:1] == " " and rest[1:].islower():
        return None  # "direktør for USAs utviklingsdirektorat": the body is the noun after the genitive
    return m.group(0), m.end()


def _canonical_org(surface: str, organisations: list[dict]) -> str:
    org = find_organisation(organisations, surface)
    return org["name"] if org else surface


def _clean_person_span(text: str, start: int, end: int, pats: RolePatterns,
                       lang: str) -> tuple[int, int, str | None, bool] | None:
    """Trim punctuation, honorific, genitive and a role word swallowed by the model."""
    # A name ends at a line break or bracket: "konsernsjefene Anders Opedal (Equinor"
    for stop in ("\n", "("):
        cut = text.find(stop, start, end)
        if cut >= 0:
            end = cut
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    role = None
    m = pats.role_at_start.match(text[start:end])
    if m and any(w[:1].isupper() for w in text[start + m.end():end].split()):
        role = normalise_role(m.group("role"), lang)
        start += m.end()
    honorific = False
    if pats.honorific:
        h = pats.honorific.match(text[start:end])
        if h:
            start += h.end()
            honorific = True
    for g in ("’s", "'s"):
        if text.endswith(g, start, end):
            end -= len(g)
    # Lower-case words before the name are role words the lexicon does not know ("konsernsjefene")
    while start < end and text[start].islower():
        sp = text.find(" ", start, end)
        if sp < 0:
            return None
        start = sp + 1
    surface = text[start:end]
    if not surface or not looks_like_name(surface, pats) or is_generic(surface):
        return None
    return start, end, role, honorific


def _overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _extend_left(text: str, m: _Mention, pats: RolePatterns, lang: str, blocked: list[Span]) -> None:
    """Take back first names the model left out: "[Enova Nils] Kristian [Nakstad]"."""
    while m.start > 1 and text[m.start - 1] == " ":
        j = m.start - 1
        k = j
        while k > 0 and not text[k - 1].isspace():
            k -= 1
        word = text[k:j]
        if pats.honorific and pats.honorific.match(word + " "):
            m.honorific = True  # "Mr [Brende]": evidence of a person, not part of the name
            return
        if (len(word) < 2 or not pats.name_word.fullmatch(word) or word.casefold() in pats.non_name
                or is_generic(word) or is_role(word, lang) or lookup(word)
                or any(_overlaps((k, j), b) for b in blocked)):
            return
        before = text[:k].rstrip(" ")
        if not before or before[-1] in ".!?:\n" or text[k - 1] == "\n":
            return  # a capital at the start of a sentence says nothing about a name
        m.start = k


def _speech_verb_before(text: str, pos: int, lang: str) -> bool:
    from klynge.records.quotes import quote_patterns  # quotes builds on this module

    return quote_patterns(lang).verb_just_before.search(text, max(0, pos - 30), pos) is not None


def extract_people(text: str, entities: list[dict], sentences: list[tuple[int, int]], lang: str,
                   organisations: list[dict] | None = None,
                   section_langs: SectionLangs | None = None) -> list[dict]:
    """One record per person, in order of first mention."""
    if organisations is None:
        organisations = resolve_organisations(text, entities, lang)
    org_spans = _org_mention_spans(organisations)
    org_only = [(s, e) for s, e, _ in org_spans]

    def code_at(pos: int) -> str:
        return lang_at(pos, lang, section_langs)

    mentions: list[_Mention] = []

    def free(span: Span) -> bool:
        return not any(_overlaps(span, (m.start, m.end)) for m in mentions) and \
            not any(_overlaps(span, o) for o in org_only)

    for ent in entities:
        if ent.get("label") not in ("PER", "PERSON"):
            continue
        start = int(ent["start"])
        pats = role_patterns(code_at(start))
        cleaned = _clean_person_span(text, start, int(ent["end"]), pats, code_at(start))
        if cleaned is None:
            continue
        s, e, role, honorific = cleaned
        # "[Enova] Nils Kristian Nakstad" as one PER span: the organisation is not part of the name
        for os_, oe in org_only:
            if os_ <= s < oe < e:
                s = oe
            elif s < os_ < e <= oe:
                e = os_
        while s < e and not text[s].isalnum():
            s += 1
        while e > s and not text[e - 1].isalnum():
            e -= 1
        if s >= e or not looks_like_name(text[s:e], pats):
            continue
        if lookup(text[s:e]) or not free((s, e)):
            continue  # an organisation the model took for a person, or a duplicate span
        m = _Mention(s, e, honorific=honorific)
        if role:
            m.roles.append((s, role))
        if len(m.tokens(text)) == 1:
            _extend_left(text, m, pats, code_at(start), org_only + [(x.start, x.end) for x in mentions])
        mentions.append(m)

    # Names the model missed but a role word or a photo credit announces.
    for code in {lang, *(sl for _, _, sl in section_langs or ())}:
        if not registry().is_supported(code):
            continue
        pats = role_patterns(code)
        for rx in (pats.role_then_name, pats.photo_credit):
            for m in rx.finditer(text):
                span = (m.start("name"), m.end("name"))
                if code_at(span[0]) == code and free(span) and not lookup(m.group("name")) \
                        and looks_like_name(m.group("name"), pats):
                    mentions.append(_Mention(*span))

    # Full names first, so that "Kleppa" finds "Magnhild Meltveit Kleppa".
    people: list[_Person] = []
    for m in sorted(mentions, key=lambda m: (-len(m.tokens(text)), m.start)):
        toks = m.tokens(text)
        owner = _nearest_owner(people, toks, m.start)
        if owner:
            owner.mentions.append(m)
        else:
            people.append(_Person(toks, [m]))

    # Later surname-only mentions the model did not tag ("sier Kleppa").
    genitive = role_patterns(lang).genitive
    forms = {form for p in people if len(p.tokens) >= 2 and len(p.tokens[-1]) >= 3
             for form in (" ".join(p.tokens), p.tokens[-1])}
    for form in sorted(forms, key=len, reverse=True):
        for m in re.finditer(rf"(?<![\w-]){re.escape(form)}(?={genitive}(?![\w]))", text):
            if free((m.start(), m.end())):
                owner = _nearest_owner(people, form.split(), m.start())
                if owner:
                    mm = _Mention(m.start(), m.end())
                    owner.mentions.append(mm)
                    mentions.append(mm)

    person_starts = {m.start for m in mentions}
    for p in people:
        for m in p.mentions:
            _read_context(text, m, sentences, org_spans, organisations, role_patterns(code_at(m.start)),
                          code_at(m.start), person_starts)

    records = []
    for p in people:
        p.mentions.sort(key=lambda m: m.start)
        name = " ".join(p.tokens)
        roles = [r for _, r in sorted(r for m in p.mentions for r in m.roles)]
        if len(p.tokens) == 1 and not roles and not any(m.honorific for m in p.mentions) \
                and not any(_speech_verb_before(text, m.start, code_at(m.start)) for m in p.mentions):
            continue  # a lone capitalised word ("Publisert", "Syria") with nothing saying it is a person
        first_full = next((m for m in p.mentions if text[m.start:m.end] == name), p.mentions[0])
        orgs = sorted(m.org for m in p.mentions if m.org)
        records.append({
            "name": name,
            "roles": _dedupe_roles(roles),
            "organisation": orgs[0][2] if orgs else None,
            "start": first_full.start,
            "end": first_full.end,
            "mentions": [(m.start, m.end) for m in p.mentions],
        })
    records.sort(key=lambda r: r["mentions"][0])
    return records


def _nearest_owner(people: list[_Person], toks: list[str], pos: int) -> _Person | None:
    """The person a (partial) name belongs to; with two Solbergs, the one named last before ``pos``."""
    owners = [p for p in people
              if toks == p.tokens[-len(toks):] or (len(toks) == 1 and toks[0] in p.tokens[1:])]
    if len(owners) <= 1:
        return owners[0] if owners else None

    def last_before(p: _Person) -> int:
        return max((m.start for m in p.mentions if m.start < pos), default=-1)

    return max(owners, key=last_before)


def _dedupe_roles(roles: list[str]) -> list[str]:
    """Unique roles; "moderniseringsminister" goes when "kommunal- og moderniseringsminister" is
    there, "Minister" when "Minister of Petroleum and Energy" is."""
    unique = list(dict.fromkeys(roles))
    return [r for r in unique
            if not any(o != r and (o.casefold().endswith(r.casefold()) or o.casefold().startswith(r.casefold() + " "))
                       for o in unique)]


def _read_context(text: str, m: _Mention, sentences, org_spans, organisations: list[dict],
                  pats: RolePatterns, lang: str, person_starts: set[int]) -> None:
    """Roles and organisation from the words right before and after one mention."""
    def set_org(rank: int, pos: int, name: str) -> None:
        if m.org is None or (rank, pos) < m.org[:2]:
            m.org = (rank, pos, name)

    floor = _sentence_start(sentences, m.start, text, pats)
    window = text[floor:m.start]
    if pats.photo_before.search(window):
        m.roles.append((m.start, pats.rules.photo_role))
        after = pats.rules.shapes.credit_separator.match(text, m.end)
        if after:
            found = _org_at(text, after.end(), org_spans, pats, known_only=False)
            if found and found[0][:1].isupper():
                set_org(0, m.start, _canonical_org(found[0], organisations))
        return

    before = pats.role_at_end.search(window)
    if before:
        rstart = floor + before.start("role")
        m.roles.append((rstart, normalise_role(before.group("role"), lang)))
        if before.group("org"):
            set_org(0, rstart, _canonical_org(before.group("org"), organisations))
        else:
            # "IFEs administrerende direktør": a genitive organisation right before the role
            for s, e, o in org_spans:
                if floor <= s and e <= rstart and pats.genitive_gap.fullmatch(text, e, rstart):
                    set_org(0, rstart, o["name"])

    after = pats.after_name.match(text, m.end)
    if after and (after.group("role") or after.group("prep")):
        nxt = after.end()
        while nxt < len(text) and text[nxt] == " ":
            nxt += 1
        if after.group("role") and not after.group("prep") and nxt in person_starts:
            pass  # "Monica Mæland, fiskeriminister Per Sandberg": the role is the next person's
        else:
            if after.group("role"):
                m.roles.append((m.end, normalise_role(after.group("role"), lang)))
            gen = after.group("gen")
            if gen and find_organisation(organisations, gen):
                set_org(0, m.end, _canonical_org(gen, organisations))
            if after.group("prep"):
                found = _org_at(text, after.end(), org_spans, pats, known_only=not after.group("role"))
                if found:
                    set_org(0 if after.group("role") else 1, m.end, _canonical_org(found[0], organisations))
    else:
        bracket = pats.rules.shapes.bracket_open.match(text, m.end)
        if bracket:
            # "Anders Opedal (Equinor)": the organisation alone in brackets
            found = _org_at(text, bracket.end(), org_spans, pats, known_only=True)
            if found and text[bracket.end():found[1]] not in pats.rules.parties:
                set_org(1, m.end, found[0])

    prep = pats.prep_after_name.match(text, m.end)
    if prep:
        # "statssekretær Øyvind Slåke i NHD": only a known organisation, since
        # "Astrup i Stavanger" names a place
        found = _org_at(text, prep.end(), org_spans, pats, known_only=True)
        if found:
            set_org(1, m.end, found[0])
