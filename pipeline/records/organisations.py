"""Organisations of a document: model ORG spans cleaned, merged with gazetteer hits.

The NER model's ORG spans are noisy (genitive "IFEs", generic nouns such as
"Regjeringen", two bodies in one span), and it misses well-known bodies. So the model
spans are cleaned, the text is scanned for every gazetteer name, and mentions of one body
(gazetteer id, bracketed abbreviation, or identical normalised name) become one record.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

from klynge.document import AnnotatedDocument
from klynge.lexicon import (
    gazetteer, gazetteer_rank, generic_rules, is_generic, literal_mentions, lookup, name_key,
    names, scan_gazetteer, strip_legal_suffix, zero_width,
)
from klynge.records.roles import is_role, looks_like_name, role_name_spans, role_patterns

Span = tuple[int, int]


def _is_abbreviation(name: str) -> bool:
    return " " not in name and (name.isupper() or (sum(c.isupper() for c in name) >= 2 and len(name) <= 5))


def _word_in_text(word: str, text: str) -> bool:
    """``word`` occurs on its own (not as the stem of a longer word)."""
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text) is not None


def strip_genitive(text: str, start: int, end: int, lang: str) -> tuple[int, int]:
    """Span without a genitive ending; a bare "s" goes only when the s-less name is known."""
    p = gazetteer().patterns
    surface = text[start:end]
    for g in sorted(names().apostrophe_genitives, key=len, reverse=True):
        if surface.endswith(g) and len(surface) > len(g):
            return start, end - len(g)
    if lang not in p.s_genitive_langs or not surface.endswith("s") or len(surface) < 3:
        return start, end
    if lookup(surface):  # "Médecins Sans Frontières", "Norges Bank": the s belongs to the name
        return start, end
    stem = surface[:-1]
    if lookup(stem) or (stem.isupper() and len(stem) >= 2):  # "Innovasjon Norges", "IFEs"
        return start, end - 1
    # "Statkrafts" when "Statkraft" also stands alone in the text; "Mills" stays "Mills".
    if _word_in_text(stem, text[:start] + " " + text[end:]):
        return start, end - 1
    return start, end


def clean_org_span(text: str, start: int, end: int, lang: str) -> Span | None:
    """Trim punctuation, leading article and genitive from a model span; None if not a name."""
    # Names do not run over a line break, nor past an unclosed bracket:
    # "Ministry of Petroleum and Energy\n\nPress Release", "World Health Organization (WHO"
    nl = text.find("\n", start, end)
    if nl >= 0:
        end = nl
    bracket = text.find("(", start, end)
    if bracket >= 0 and text.find(")", bracket, end) < 0:
        end = bracket
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum() and text[end - 1] not in ")":
        end -= 1
    for art in names().leading_articles:
        if text.startswith(art + " ", start, end):
            start += len(art) + 1
            break
    if start >= end:
        return None
    start, end = strip_genitive(text, start, end, lang)
    surface = text[start:end]
    if not any(c.isupper() for c in surface) or is_generic(surface):
        return None
    return start, end


def _norm_key(name: str) -> str:
    return name_key(strip_legal_suffix(" ".join(name.split())))


@dataclass
class _Cluster:
    key: str
    gazetteer_id: str | None
    mentions: list[Span] = field(default_factory=list)
    extra_aliases: list[str] = field(default_factory=list)


def _inside(a: Span, b: Span) -> bool:
    return b[0] <= a[0] and a[1] <= b[1]


def _overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _residue_is_glue(text: str, span: Span, hits: list[Span]) -> bool:
    """After removing gazetteer hits, is the rest of ``span`` only glue ("og", "s", ",", "AS")?"""
    pieces, pos = [], span[0]
    for h in sorted(hits):
        pieces.append(text[pos:h[0]])
        pos = h[1]
    pieces.append(text[pos:span[1]])
    rest = " ".join(pieces).split()
    glue = {w.casefold() for w in generic_rules().glue_words}
    glue |= {s.casefold() for s in names().legal_suffixes}
    return all(w.strip(",.").casefold() in glue or not w.strip(",.") for w in rest)


def _not_an_organisation(text: str, span: Span, lang: str, person_spans: list[Span],
                         per_starts: set[int], terms: set[str], person_names: set[str]) -> bool:
    """Model ORG spans that are really roles, people, terms or parts of a role phrase."""
    surface = text[span[0]:span[1]]
    if lookup(surface):
        return False
    if is_role(surface, lang):  # "Olje- og energiminister", "Utenriksministeren"
        return True
    if surface in terms:  # "kunstig intelligens (KI)"
        return True
    if any(_overlaps(span, p) for p in person_spans):  # "olje- og energiminister [Tord Lien]"
        return True
    before = text[max(0, span[0] - 40):span[0]]
    if any(p.search(before) for p in generic_rules().preceded_by):
        return True
    if surface.split()[-1] in generic_rules().dangling_words:  # "US Agency for", "Energy and"
        return True
    if surface in person_names:  # "statssekretær [Slåke] i NHD" when "Øyvind Slåke" is a PER
        return True
    if " " not in surface and not surface.isupper() and _word_in_text(surface.lower(), text):
        return True  # a sentence-initial common word: "Kunstig" when "kunstig" is in the text
    # "administrerende direktør i [Enova Nils] Kristian Nakstad": the model took the
    # first name into the organisation; the known body inside stays.
    if " " in surface:
        after = span[1]
        for _ in range(3):
            while after < len(text) and text[after] == " ":
                after += 1
            if after in per_starts:
                return True
            word_end = after
            while word_end < len(text) and text[word_end].isalpha():
                word_end += 1
            if word_end == after or not text[after].isupper():
                break
            after = word_end
    return False


def _extend_name_left(text: str, span: Span, hit_spans: list[Span], lang: str) -> Span:
    """"både [Cluster for] Applied AI": take back a capitalised head and its connector.

    Only mid-sentence, where a capital means a name; at the start of a sentence or a list
    item ("Representanter for Siva") the capital says nothing."""
    m = generic_rules().name_head_before.search(text, max(0, span[0] - 60), span[0])
    if not m:
        return span
    head = m.group("head")
    start = m.start("head")
    before = text[max(0, start - 3):start]
    if (not before.strip(" ") or before.rstrip(" ")[-1:] in ".!?:•\n"
            or is_role(head, lang) or any(_overlaps((start, span[0]), h) for h in hit_spans)):
        return span
    return start, span[1]


def resolve_organisations(doc: AnnotatedDocument) -> list[dict]:
    """One record per body mentioned in the document, in order of first mention."""
    text, lang = doc.text, doc.rule_lang
    gaz_hits = _gazetteer_hits(text)
    model, replaced = _model_candidates(text, doc.entities, lang, [h for h, _ in gaz_hits])
    candidates = [c for c in gaz_hits if c[0] not in replaced] + model
    candidates += _repeated_names(text, candidates)
    # Longer spans first so that a bracketed abbreviation is attached to its full name.
    candidates.sort(key=lambda c: (c[0][0], -c[0][1]))
    return _records(text, _group_mentions(text, candidates))


_Candidate = tuple[Span, str | None]  # a mention and the gazetteer id of its body


def _gazetteer_hits(text: str) -> list[_Candidate]:
    """Every gazetteer name in the text that stands as a name."""
    # "the Industrial Development Corporation of Norway" mid-sentence: the body without
    # its article; other lower-case hits are common words
    hits = []
    for (s, e), gid in scan_gazetteer(text):
        if text.startswith("the ", s) and e - s > 4:
            s += 4
        if not text[s].islower():
            hits.append(((s, e), gid))
    return hits


def _person_names(text: str, entities: Sequence[dict], lang: str) -> set[str]:
    """Names and surnames the model tagged as people somewhere in the document."""
    names: set[str] = set()
    name_pats = role_patterns(lang)
    for e in entities:
        if e.get("label") in ("PER", "PERSON"):
            words = text[int(e["start"]):int(e["end"])].split()
            if words and looks_like_name(" ".join(words), name_pats):
                names.update({" ".join(words), words[-1]})
    return names


def _model_candidates(text: str, entities: Sequence[dict], lang: str, hit_spans: list[Span]
                      ) -> tuple[list[_Candidate], set[Span]]:
    """The model's ORG spans, cleaned, that name a body the gazetteer hits do not already
    cover, and the hits that a longer name around them replaces."""
    person_spans = role_name_spans(text, lang)
    per_starts = {int(e["start"]) for e in entities if e.get("label") in ("PER", "PERSON")}
    terms = {m.group("abbr") for m in generic_rules().term_abbreviation.finditer(text)}
    person_names = _person_names(text, entities, lang)
    out: list[_Candidate] = []
    replaced: set[Span] = set()
    for ent in entities:
        if ent.get("label") != "ORG":
            continue
        span = clean_org_span(text, int(ent["start"]), int(ent["end"]), lang)
        if span is None or _not_an_organisation(text, span, lang, person_spans, per_starts,
                                                terms, person_names):
            continue
        span = _extend_name_left(text, span, hit_spans, lang)
        inner = [h for h in hit_spans if _overlaps(h, span)]
        if any(_inside(span, h) for h in inner):
            continue  # the gazetteer hit already covers it
        if inner and (_residue_is_glue(text, span, inner)
                      or not all(_inside(h, span) for h in inner)):
            # "NFD og KMD" as one span, or a span cutting through a known name: trust the gazetteer
            continue
        # A longer name around a known one ("NTNU Samfunnsforskning") is another body.
        replaced.update(inner)
        out.append((span, lookup(text[span[0]:span[1]])))
    return out, replaced


def _repeated_names(text: str, candidates: list[_Candidate]) -> list[_Candidate]:
    """A multi-word name the model found once is a mention wherever it stands ("Cluster
    for Applied AI" in a bullet list where the model saw only "Applied AI")."""
    spans = [c[0] for c in candidates]
    known = {text[s:e] for (s, e), gid in candidates if gid is None and " " in text[s:e]}
    out: list[_Candidate] = []
    for name in known:
        for span in literal_mentions(text, name, zero_width(r"(?![\w])")):
            if span not in spans:
                spans.append(span)
                out.append((span, None))
    return out


def _group_mentions(text: str, candidates: list[_Candidate]) -> list[_Cluster]:
    """Mentions of one body (gazetteer id, bracketed abbreviation, or one normalised name)
    as one group, in order of first mention; overlapping mentions after the first go."""
    clusters: dict[str, _Cluster] = {}
    alias_key: dict[str, str] = {}  # abbreviation -> cluster key
    taken: list[Span] = []
    abbr_re = gazetteer().patterns.bracket_abbreviation

    def add(span: Span, gid: str | None) -> str:
        surface = text[span[0]:span[1]]
        key = f"gaz:{gid}" if gid else alias_key.get(surface, _norm_key(surface))
        cl = clusters.setdefault(key, _Cluster(key, gid))
        if span not in cl.mentions and not any(_overlaps(span, t) for t in taken):
            cl.mentions.append(span)
            taken.append(span)
        return key

    for span, gid in candidates:
        if any(_overlaps(span, t) for t in taken):
            continue
        key = add(span, gid)
        m = abbr_re.match(text, span[1])
        if m and not _is_abbreviation(text[span[0]:span[1]]):
            abbr = m.group("abbr")
            if _is_abbreviation(abbr) and abbr[0].casefold() == text[span[0]].casefold():
                alias_key[abbr] = key
                clusters[key].extra_aliases.append(abbr)

    # Abbreviations defined in brackets are mentions wherever they stand.
    for abbr, key in alias_key.items():
        for span in literal_mentions(text, abbr, zero_width(r"(?=s?(?!\w))")):
            if not any(_overlaps(span, t) for t in taken):
                clusters[key].mentions.append(span)
                taken.append(span)
            else:  # an ORG span of the abbreviation made its own cluster: fold it in
                other = clusters.get(_norm_key(abbr))
                if other and other.key != key and not other.gazetteer_id:
                    clusters[key].mentions.extend(other.mentions)
                    del clusters[other.key]
    return list(clusters.values())


def _records(text: str, groups: list[_Cluster]) -> list[dict]:
    """One record per group: its longest full name (the gazetteer's rank breaks ties), the
    other surfaces as aliases."""
    rank = gazetteer_rank()
    records = []
    for cl in groups:
        cl.mentions.sort()
        surfaces: list[str] = []
        for s, e in cl.mentions:
            if text[s:e] not in surfaces:
                surfaces.append(text[s:e])
        full = [s for s in surfaces if not _is_abbreviation(s)] or surfaces
        name = max(full, key=lambda s: (len(s), -rank.get(s.casefold(), 99)))
        aliases = [s for s in surfaces + cl.extra_aliases if s != name]
        records.append({
            "name": name,
            "aliases": list(dict.fromkeys(aliases)),
            "mentions": list(cl.mentions),
            "gazetteer_id": cl.gazetteer_id,
        })
    records.sort(key=lambda r: r["mentions"][0])
    return records
def find_organisation(organisations: list[dict], surface: str) -> dict | None:
    """The record a surface form (name, alias, or genitive of one) refers to, if any."""
    forms = [surface]
    ends = names().genitive_endings + names().genitive_after_s
    for g in sorted(ends, key=len, reverse=True):
        if surface.endswith(g) and len(surface) > len(g):
            forms.append(surface[: -len(g)])
    for form in forms:
        key = form.casefold()
        for org in organisations:
            if key in {n.casefold() for n in [org["name"], *org["aliases"]]}:
                return org
        gid = lookup(form)
        if gid:
            for org in organisations:
                if org["gazetteer_id"] == gid:
                    return org
    return None
