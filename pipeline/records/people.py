"""People of a document with their roles and affiliated organisation.

Press releases name people in a few fixed shapes ("næringsminister Iselin Nybø",
"IFEs administrerende direktør Nils Morten Huseby", "Jane Doe, CEO of X",
"Foto: Tom Hansen, Innovasjon Norge"). The role lexicon per language is data
(``rules/<lang>/roles.yaml``), compiled by :mod:`klynge.records.roles`; this module reads
roles and organisations off the words around each name mention.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Sequence

from klynge.document import AnnotatedDocument
from klynge.lexicon import is_generic, literal_mentions, lookup, names, place_name, zero_width
from klynge.records.organisations import find_organisation, resolve_organisations
from klynge.records.roles import (
    RolePatterns, is_role, lang_at, looks_like_name, normalise_role,
    role_name_matches, role_patterns, speech_verb_before,
)
from klynge.rules import registry

Span = tuple[int, int]

_WINDOW = 160  # how far back a role may start before the name it belongs to


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

    def set_org(self, rank: int, pos: int, name: str) -> None:
        """The organisation, unless one of a better rank (or earlier) is already set."""
        if self.org is None or (rank, pos) < self.org[:2]:
            self.org = (rank, pos, name)


@dataclass
class _Person:
    tokens: list[str]
    mentions: list[_Mention] = field(default_factory=list)


def _sentence_start(sentences: Sequence[Span], pos: int, text: str, pats: RolePatterns) -> int:
    floor = max(0, pos - _WINDOW)
    nl = text.rfind("\n", floor, pos)
    if nl >= 0:
        floor = nl + 1
    if sentences:
        starts = [s for s, _ in sentences]
        i = bisect.bisect_right(starts, pos) - 1
        # A splitter may break after "adm." or "dr."; such a sentence continues the previous one.
        while i > 0 and names().abbreviation_end.search(text, max(0, starts[i] - 8), starts[i]):
            i -= 1
        if i >= 0:
            floor = max(floor, starts[i])
    return floor


def _org_mention_spans(organisations: list[dict]) -> list[tuple[int, int, dict]]:
    return sorted(((s, e, o) for o in organisations for s, e in o["mentions"]), key=lambda t: (t[0], t[1]))


@dataclass(frozen=True)
class _BodyShapes:
    capitalised: re.Pattern[str]  # capitalised words only: "direktør X i Kunnskapsbyen
    # Lillestrøm og styreleder Y" stops before "og"
    description: re.Pattern[str]  # up to three lower-case words before a body's name
    dash_lower: re.Pattern[str]   # a dash before a lower-case letter: a compound, no name


@lru_cache(maxsize=None)
def _body_shapes() -> _BodyShapes:
    """Shapes of a body's name the lexicon does not know, read after a role; a name's
    capital letters are those of names.yaml (Swedish Ä and Ö included)."""
    cap = names().capitals
    return _BodyShapes(re.compile(rf"[{cap}][\w-]*(?:[ \t]+[{cap}][\w-]*)*"),
                       re.compile(rf"(?:[^\W\d_{cap}][\w-]*\s+){{1,3}}"),
                       re.compile(rf"-[^\W\d_{cap}]"))


def _org_at(text: str, pos: int, org_spans, pats: RolePatterns, known_only: bool) -> tuple[str, int] | None:
    """Organisation named at ``pos``: a known mention first, else a capitalised name."""
    for s, e, o in org_spans:
        if s == pos:
            return o["name"], e
    if known_only:
        return None
    # "i programvareselskapet eSmart Systems", "i den bergensbaserte klyngen GCE Ocean
    # Technology": lower-case words describe the body named after them, when it is known
    description = _body_shapes().description
    described = description.match(text, pos)
    if described:
        for s, e, o in org_spans:
            if pos < s <= described.end() and description.fullmatch(text, pos, s):
                return o["name"], e
        return None
    m = pats.org_name.match(text, pos)
    if not m:
        return None
    rest = text[m.end():m.end() + 2]
    if m.group(0).endswith("s") and rest[:1] == " " and rest[1:].islower():
        return None  # "direktør for USAs utviklingsdirektorat": the body is the noun after the genitive
    return m.group(0), m.end()


_ITEM_END = re.compile(r"[^,;()\n]*,\s*")


def _role_of_next(text: str, after: re.Match, person_starts: set[int]) -> bool:
    """"Ellen Johnson Sirleaf, FNs spesialrepresentant for Liberia, Karin Landgren": a
    role with its place or body between two names in a list is the second person's."""
    if not (after.group("role") and after.group("prep")):
        return False
    m = _ITEM_END.match(text, after.end())
    return bool(m) and m.end() in person_starts


def _is_place(surface: str, places: list[Span], pos: int) -> bool:
    """A place, not a body: "næringsminister Jan Christian Vestre i Stavanger"."""
    return place_name(surface) is not None or any(s <= pos < e for s, e in places)


def _canonical_org(surface: str, organisations: list[dict]) -> str:
    org = find_organisation(organisations, surface)
    return org["name"] if org else surface


def _alnum_bounds(text: str, start: int, end: int) -> Span:
    """The span without the punctuation and spaces at its ends."""
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return start, end


def _clean_person_span(text: str, start: int, end: int, pats: RolePatterns,
                       lang: str) -> tuple[int, int, str | None, bool] | None:
    """Trim punctuation, honorific, genitive and a role word swallowed by the model."""
    # A name ends at a line break or bracket: "konsernsjefene Anders Opedal (Equinor"
    for stop in ("\n", "("):
        cut = text.find(stop, start, end)
        if cut >= 0:
            end = cut
    start, end = _alnum_bounds(text, start, end)
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


def extract_people(doc: AnnotatedDocument, organisations: list[dict] | None = None) -> list[dict]:
    """One record per person, in order of first mention."""
    if organisations is None:
        organisations = resolve_organisations(doc)
    scan = _Scan(doc, organisations)
    scan.model_mentions()
    scan.announced_mentions()
    people = _group(scan.mentions, doc.text)
    scan.surname_mentions(people)
    scan.read_contexts(people)
    return scan.records(people)


class _Scan:
    """The mentions of people in one document, found in passes that each add to them;
    a span already taken (by a mention or an organisation) is never taken again."""

    def __init__(self, doc: AnnotatedDocument, organisations: list[dict]) -> None:
        self.doc = doc
        self.text = doc.text
        self.lang = doc.rule_lang
        self.section_langs = doc.other_language_sections
        self.organisations = organisations
        self.org_spans = _org_mention_spans(organisations)
        self.org_only = [(s, e) for s, e, _ in self.org_spans]
        self.mentions: list[_Mention] = []

    def code_at(self, pos: int) -> str:
        return lang_at(pos, self.lang, self.section_langs)

    def free(self, span: Span) -> bool:
        return not any(_overlaps(span, (m.start, m.end)) for m in self.mentions) and \
            not any(_overlaps(span, o) for o in self.org_only)

    def model_mentions(self) -> None:
        """The model's PER spans, cleaned of roles, honorifics and organisations."""
        text = self.text
        for ent in self.doc.entities:
            if ent.get("label") not in ("PER", "PERSON"):
                continue
            start = int(ent["start"])
            pats = role_patterns(self.code_at(start))
            cleaned = _clean_person_span(text, start, int(ent["end"]), pats, self.code_at(start))
            if cleaned is None:
                continue
            s, e, role, honorific = cleaned
            # "[Enova] Nils Kristian Nakstad" as one PER span: the organisation is not part of the name
            for os_, oe in self.org_only:
                if os_ <= s < oe < e:
                    s = oe
                elif s < os_ < e <= oe:
                    e = os_
            s, e = _alnum_bounds(text, s, e)
            if s >= e or not looks_like_name(text[s:e], pats):
                continue
            if lookup(text[s:e]) or not self.free((s, e)):
                continue  # an organisation the model took for a person, or a duplicate span
            m = _Mention(s, e, honorific=honorific)
            if role:
                m.roles.append((s, role))
            if len(m.tokens(text)) == 1:
                _extend_left(text, m, pats, self.code_at(start),
                             self.org_only + [(x.start, x.end) for x in self.mentions])
            self.mentions.append(m)

    def announced_mentions(self) -> None:
        """Names the model missed but a role word or a photo credit announces."""
        for code in {self.lang, *(sl for _, _, sl in self.section_langs)}:
            if not registry().is_supported(code):
                continue
            pats = role_patterns(code)
            credits = ((m.start("name"), m.end("name"), m.group("name"))
                       for m in pats.photo_credit.finditer(self.text))
            # The role-announced names as the organisation builder found them (one scan).
            for start, end, name in (*role_name_matches(self.text, code), *credits):
                span = (start, end)
                if self.code_at(start) == code and self.free(span) \
                        and not lookup(name) and looks_like_name(name, pats):
                    self.mentions.append(_Mention(*span))

    def surname_mentions(self, people: list[_Person]) -> None:
        """Later surname-only mentions the model did not tag ("sier Kleppa")."""
        text = self.text
        genitive = role_patterns(self.lang).genitive
        forms = {form for p in people if len(p.tokens) >= 2 and len(p.tokens[-1]) >= 3
                 for form in (" ".join(p.tokens), p.tokens[-1])}
        after = zero_width(rf"(?={genitive}(?![\w]))")
        for form in sorted(forms, key=len, reverse=True):
            for start, end in literal_mentions(text, form, after):
                if self.free((start, end)):
                    owner = _nearest_owner(people, form.split(), start)
                    if owner:
                        mm = _Mention(start, end)
                        owner.mentions.append(mm)
                        self.mentions.append(mm)

    def read_contexts(self, people: list[_Person]) -> None:
        """Roles and organisations from the words around every mention."""
        person_starts = {m.start for m in self.mentions}
        places = [(int(e["start"]), int(e["end"])) for e in self.doc.entities
                  if e.get("label") in ("GPE", "LOC") and not lookup(e["text"])]
        for p in people:
            for m in p.mentions:
                code = self.code_at(m.start)
                _read_context(m, _Context(self.text, self.doc.sentences, self.org_spans,
                                          self.organisations, role_patterns(code), code,
                                          person_starts, places))

    def records(self, people: list[_Person]) -> list[dict]:
        text = self.text
        records = []
        for p in people:
            p.mentions.sort(key=lambda m: m.start)
            name = " ".join(p.tokens)
            roles = [r for _, r in sorted(r for m in p.mentions for r in m.roles)]
            if len(p.tokens) == 1 and not roles and not any(m.honorific for m in p.mentions) \
                    and not any(speech_verb_before(text, m.start, self.code_at(m.start))
                                for m in p.mentions):
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


def _group(mentions: list[_Mention], text: str) -> list[_Person]:
    """Mentions grouped by person; full names first, so that "Kleppa" finds "Magnhild
    Meltveit Kleppa"."""
    people: list[_Person] = []
    for m in sorted(mentions, key=lambda m: (-len(m.tokens(text)), m.start)):
        toks = m.tokens(text)
        owner = _nearest_owner(people, toks, m.start)
        if owner:
            owner.mentions.append(m)
        else:
            people.append(_Person(toks, [m]))
    return people


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


@dataclass
class _Context:
    """What the words around a mention are read against."""

    text: str
    sentences: Sequence[Span]
    org_spans: list[tuple[int, int, dict]]
    organisations: list[dict]
    pats: RolePatterns
    lang: str
    person_starts: set[int]
    places: list[Span]

    def canonical(self, surface: str) -> str:
        return _canonical_org(surface, self.organisations)


def _read_context(m: _Mention, ctx: _Context) -> None:
    """Roles and organisation from the words right before and after one mention."""
    floor = _sentence_start(ctx.sentences, m.start, ctx.text, ctx.pats)
    window = ctx.text[floor:m.start]
    if ctx.pats.photo_before.search(window):
        _photo_credit(m, ctx)
        return
    role_before = _role_before(m, ctx, floor, window)
    _role_after(m, ctx)
    _body_after(m, ctx, role_before)


def _photo_credit(m: _Mention, ctx: _Context) -> None:
    """"Foto: Tom Hansen, Innovasjon Norge": the photographer and the body after them."""
    m.roles.append((m.start, ctx.pats.rules.photo_role))
    after = names().credit_separator.match(ctx.text, m.end)
    if after:
        found = _org_at(ctx.text, after.end(), ctx.org_spans, ctx.pats, known_only=False)
        if found and found[0][:1].isupper():
            m.set_org(0, m.start, ctx.canonical(found[0]))


def _role_before(m: _Mention, ctx: _Context, floor: int, window: str) -> bool:
    """A role right before the name ("IFEs administrerende direktør Nils Morten Huseby",
    "direktør i IFE Nils ..."), and its body; True when there is one."""
    before = ctx.pats.role_at_end.search(window)
    if not before:
        return False
    rstart = floor + before.start("role")
    m.roles.append((rstart, normalise_role(before.group("role"), ctx.lang)))
    if before.group("org") and not _is_place(before.group("org"), ctx.places,
                                             floor + before.start("org")):
        m.set_org(0, rstart, ctx.canonical(before.group("org")))
    else:
        # "IFEs administrerende direktør": a genitive organisation right before the role
        for s, e, o in ctx.org_spans:
            if floor <= s and e <= rstart and ctx.pats.genitive_gap.fullmatch(ctx.text, e, rstart):
                m.set_org(0, rstart, o["name"])
    return True


def _role_after(m: _Mention, ctx: _Context) -> None:
    """A role or body right after the name ("Jane Doe, CEO of X", "Anders Opedal
    (Equinor)")."""
    text, pats = ctx.text, ctx.pats
    after = pats.after_name.match(text, m.end)
    if not (after and (after.group("role") or after.group("prep"))):
        _body_in_brackets(m, ctx)
        return
    nxt = after.end()
    while nxt < len(text) and text[nxt] == " ":
        nxt += 1
    if (after.group("role") and not after.group("prep") and nxt in ctx.person_starts
            or _role_of_next(text, after, ctx.person_starts)):
        return  # "Monica Mæland, fiskeriminister Per Sandberg": the role is the next person's
    if after.group("role"):
        role = after.group("role")
        tail = pats.bracket_tail.match(text, after.end("role")) \
            if text[m.end:after.start("role")].strip() == "(" and not after.group("prep") \
            else None
        if tail:
            # "Geir Odland (direktør forretningsutvikling)": the field is in the role
            role = text[after.start("role"):tail.end()]
        m.roles.append((m.end, normalise_role(role, ctx.lang)))
    gen = after.group("gen")
    if gen and find_organisation(ctx.organisations, gen):
        m.set_org(0, m.end, ctx.canonical(gen))
    if after.group("prep"):
        found = _org_at(text, after.end(), ctx.org_spans, pats, known_only=not after.group("role"))
        if found:
            m.set_org(0 if after.group("role") else 1, m.end, ctx.canonical(found[0]))


def _body_in_brackets(m: _Mention, ctx: _Context) -> None:
    """"Anders Opedal (Equinor)": the organisation alone in brackets; one the lexicon does
    not know counts when the brackets hold nothing else ("Nina Hjorth (Ballard)"), unless
    it is a party, a place or a role."""
    text, pats = ctx.text, ctx.pats
    bracket = names().bracket_open.match(text, m.end)
    if not bracket:
        return
    found = _org_at(text, bracket.end(), ctx.org_spans, pats, known_only=True)
    if found is None:
        found = _org_at(text, bracket.end(), ctx.org_spans, pats, known_only=False)
        if found and (text[found[1]:found[1] + 1] != ")" or is_role(found[0], ctx.lang)
                      or _body_shapes().dash_lower.search(found[0])
                      or _is_place(found[0], ctx.places, bracket.end())):
            found = None
    if found and text[bracket.end():found[1]] not in pats.rules.parties:
        m.set_org(1, m.end, found[0])


def _body_after(m: _Mention, ctx: _Context, role_before: bool) -> None:
    """"statssekretær Øyvind Slåke i NHD": only a known organisation, since "Astrup i
    Stavanger" names a place; after a role, the body it is held in ("direktør Klas
    Pettersen i Nora")."""
    text = ctx.text
    prep = ctx.pats.prep_after_name.match(text, m.end)
    if not prep:
        return
    found = _org_at(text, prep.end(), ctx.org_spans, ctx.pats, known_only=True)
    if found is None and role_before and m.org is None:
        bare = _body_shapes().capitalised.match(text, prep.end())
        found = (bare.group(0), bare.end()) if bare else None
        if found and (_is_place(found[0], ctx.places, prep.end()) or len(found[0]) > 60):
            found = None
    if found:
        m.set_org(1, m.end, ctx.canonical(found[0]))
