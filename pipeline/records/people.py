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

from klynge.lexicon import is_generic, lookup, names, place_name
from klynge.records.organisations import find_organisation, resolve_organisations
from klynge.records.roles import (
    RolePatterns, SectionLangs, is_role, lang_at, looks_like_name, normalise_role,
    role_patterns, speech_verb_before,
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
    places = [(int(e["start"]), int(e["end"])) for e in entities
              if e.get("label") in ("GPE", "LOC") and not lookup(e["text"])]
    for p in people:
        for m in p.mentions:
            _read_context(text, m, sentences, org_spans, organisations, role_patterns(code_at(m.start)),
                          code_at(m.start), person_starts, places)

    records = []
    for p in people:
        p.mentions.sort(key=lambda m: m.start)
        name = " ".join(p.tokens)
        roles = [r for _, r in sorted(r for m in p.mentions for r in m.roles)]
        if len(p.tokens) == 1 and not roles and not any(m.honorific for m in p.mentions) \
                and not any(speech_verb_before(text, m.start, code_at(m.start)) for m in p.mentions):
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
                  pats: RolePatterns, lang: str, person_starts: set[int],
                  places: list[Span] = ()) -> None:
    """Roles and organisation from the words right before and after one mention."""
    def set_org(rank: int, pos: int, name: str) -> None:
        if m.org is None or (rank, pos) < m.org[:2]:
            m.org = (rank, pos, name)

    floor = _sentence_start(sentences, m.start, text, pats)
    window = text[floor:m.start]
    if pats.photo_before.search(window):
        m.roles.append((m.start, pats.rules.photo_role))
        after = names().credit_separator.match(text, m.end)
        if after:
            found = _org_at(text, after.end(), org_spans, pats, known_only=False)
            if found and found[0][:1].isupper():
                set_org(0, m.start, _canonical_org(found[0], organisations))
        return

    before = pats.role_at_end.search(window)
    if before:
        rstart = floor + before.start("role")
        m.roles.append((rstart, normalise_role(before.group("role"), lang)))
        if before.group("org") and not _is_place(before.group("org"), places,
                                                 floor + before.start("org")):
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
        if (after.group("role") and not after.group("prep") and nxt in person_starts
                or _role_of_next(text, after, person_starts)):
            pass  # "Monica Mæland, fiskeriminister Per Sandberg": the role is the next person's
        else:
            if after.group("role"):
                role = after.group("role")
                tail = pats.bracket_tail.match(text, after.end("role")) \
                    if text[m.end:after.start("role")].strip() == "(" and not after.group("prep") \
                    else None
                if tail:
                    # "Geir Odland (direktør forretningsutvikling)": the field is in the role
                    role = text[after.start("role"):tail.end()]
                m.roles.append((m.end, normalise_role(role, lang)))
            gen = after.group("gen")
            if gen and find_organisation(organisations, gen):
                set_org(0, m.end, _canonical_org(gen, organisations))
            if after.group("prep"):
                found = _org_at(text, after.end(), org_spans, pats, known_only=not after.group("role"))
                if found:
                    set_org(0 if after.group("role") else 1, m.end, _canonical_org(found[0], organisations))
    else:
        bracket = names().bracket_open.match(text, m.end)
        if bracket:
            # "Anders Opedal (Equinor)": the organisation alone in brackets; one the
            # lexicon does not know counts when the brackets hold nothing else
            # ("Nina Hjorth (Ballard)"), unless it is a party, a place or a role
            found = _org_at(text, bracket.end(), org_spans, pats, known_only=True)
            if found is None:
                found = _org_at(text, bracket.end(), org_spans, pats, known_only=False)
                if found and (text[found[1]:found[1] + 1] != ")" or is_role(found[0], lang)
                              or _body_shapes().dash_lower.search(found[0])
                              or _is_place(found[0], places, bracket.end())):
                    found = None
            if found and text[bracket.end():found[1]] not in pats.rules.parties:
                set_org(1, m.end, found[0])

    prep = pats.prep_after_name.match(text, m.end)
    if prep:
        # "statssekretær Øyvind Slåke i NHD": only a known organisation, since
        # "Astrup i Stavanger" names a place
        found = _org_at(text, prep.end(), org_spans, pats, known_only=True)
        if found is None and before and m.org is None:
            # "direktør Klas Pettersen i Nora": after a role, the body it is held in
            bare = _body_shapes().capitalised.match(text, prep.end())
            found = (bare.group(0), bare.end()) if bare else None
            if found and (_is_place(found[0], places, prep.end()) or len(found[0]) > 60):
                found = None
        if found:
            set_org(1, m.end, _canonical_org(found[0], organisations))
