"""Clusters found from what the text says of them, and from the structure they stand in.

The name shapes and the predicates ("X er en klynge", "X, Danmarks nationale klynge for
...", "klustret X") are name patterns of the rule files, read by
:func:`~klynge.records.clusters.candidates.pattern_candidates`. This module adds what a
single pattern cannot see:

- **Whole names**: a shape ends at its cluster word ("Hydrogen Cluster", "Energiklyngen"),
  the name may not; a following capitalised word on the same line belongs to it when the
  NER's organisation span covers it or it is a place ("Hydrogen Cluster Bergen",
  "Energiklyngen Midt-Norge", "Food & Bio Cluster Denmark").
- **Lists under a heading about clusters**: the sections stage's list items, or a run of
  one-line paragraphs after a line that ends in a colon ("Dessa ingår nu i S3-piloten:"),
  when the heading or the text just before it speaks of clusters. Each line is a cluster
  and its own place: "A, X", "A (X)", "A i X".
- **Enumerations after an introduction**: "14 innovationsmiljöer ..., bland andra
  Robotdalen i Västerås, ... och Smart Textiles i Borås", "Klustren är: A, B och C".
- **The place a defining clause gives**: "X är ett kluster för ... i Värmland".

All the words are rule data (``shared/clusters.yaml``: ``name_tail``, ``item_place``,
``<lang>/clusters.yaml``: ``enumeration_intro``).
"""
from __future__ import annotations

from typing import Optional

from klynge.lexicon import known_cluster_id, lookup, place_name
from klynge.records.clusters.candidates import (
    CONTEXT_BEFORE, Cand, clean_name, is_bad_name, looks_like_name_word, name_prefix_status,
)
from klynge.records.clusters.document import Doc, Unit, overlaps

# Shapes that end at their cluster word, so the name may run on ("Hydrogen Cluster Bergen").
_OPEN_ENDED = frozenset({"cluster-suffix", "cluster-compound", "compound-klyngen",
                         "compound-klynga", "compound-klustret"})
# Shapes whose match is a defining clause: the place it names is the cluster's.
_DEFINING = frozenset({"predicate", "apposition"})
# A line in a run of list lines is short: a name and a place, not a paragraph.
MAX_LINE = 80
MIN_LINES = 3


def _is_place(doc: Doc, text: str, span: tuple[int, int]) -> bool:
    return bool(place_name(text)) or doc.is_place(span, text)


def place_after_name(doc: Doc, end: int, limit: Optional[int] = None
                     ) -> Optional[tuple[str, int, int]]:
    """The place in "A i X" / "A in X" right after a cluster's name: a known place or a
    place entity, or a capitalised word the NER read as an organisation or missed (it
    often tags Danish and Swedish towns ORG: "Lean Energy Cluster i Sønderborg"), unless
    the word is a person, a body the gazetteer knows or a broad place."""
    text = doc.text
    m = doc.rules.location_after_name.match(text, end, len(text) if limit is None else limit)
    if m is None:
        return None
    loc, span = doc.loc_of(m)
    if loc.casefold() in {p.casefold() for p in doc.rules.broad_places}:
        return None
    if not _is_place(doc, loc, span):
        if lookup(loc) or any(e.get("label") in ("PER", "DATE", "MONEY") and overlaps(span, (e["start"], e["end"]))
                              for e in doc.entities):
            return None
    return place_name(loc) or loc, span[0], span[1]


def _place_like(doc: Doc, text: str, span: tuple[int, int]) -> bool:
    """A place after a list name: known, an entity, or at most three capitalised words
    ("Västra Götaland", "Jämtland-Härjedalen"). A country counts ("• GCE Subsea
    (Norway)"): the line places the cluster by it, and the corpus records a cluster
    placed only by its country at the country."""
    words = text.split()
    if not words or len(words) > 3:
        return False
    return _is_place(doc, text, span) or all(w[:1].isupper() for w in words)


def extend_names(doc: Doc, cands: list[Cand]) -> None:
    """Run an open-ended shape on into the rest of its name on the same line."""
    text = doc.text
    stop = {w.casefold() for w in doc.rules.leading_stopwords}
    orgs = [e for e in doc.entities if e.get("label") == "ORG"]
    # a country word closes a name along the NER's span of any name label ("Food & Bio
    # Cluster Denmark" read as an event); other words only along an organisation's
    names = [e for e in doc.entities if e.get("label") in doc.shared.name_span_labels]
    tails = []
    for c in cands:
        if c.source not in _OPEN_ENDED:
            continue
        m = doc.shared.name_tail.match(text, c.end)
        if m and m.group("tail").casefold() not in stop:
            tails.append((c, m))
    whole: set[str] = set()
    embedded = set()
    for c, m in tails:
        # "European Cancer Cluster Partnering Conference": the shape heads the proper name
        # of an event or a body of its own (a run of capitalised words that ends in a
        # not_name_tails word), not a cluster's name; one such word right after it
        # ("Oslo Cancer Cluster Incubator") is a body of the cluster's, which is named, and
        # so is the event after a genitive ("Food & Bio Cluster Denmarks Summit")
        run = [m]
        while len(run) < 3:
            nxt = doc.shared.name_tail.match(text, run[-1].end())
            if nxt is None:
                break
            run.append(nxt)
        if len(run) > 1 and not _genitive(doc, m.group("tail")) and any(
                r.group("tail").casefold() in doc.shared.not_name_tails for r in run[1:]):
            embedded.add(id(c))
            continue
        tail, span = m.group("tail"), m.span("tail")
        if tail.casefold() in doc.shared.cluster_body_tails:
            embedded.add(id(c))  # "The BlueTech Cluster Alliance": a body of clusters
            continue
        if tail.casefold() in doc.shared.not_name_tails:
            continue  # "Oslo Cancer Cluster Incubator": another body of the cluster's
        if _genitive(doc, tail):
            # "Food & Bio Cluster Denmarks Summit": the genitive of a place ends the name
            span = (span[0], span[1] - 1)
        elif not (any(e["start"] <= c.start and e["end"] >= span[1] for e in orgs)
                  or _is_place(doc, tail, span)
                  or tail.casefold() in doc.shared.country_tails
                  and any(e["start"] <= c.start and e["end"] >= span[1] for e in names)):
            continue
        c.end = span[1]
        c.name = text[c.start:c.end]
        whole.add(c.name)
    # the same name further on runs on as far ("... Cluster Denmark har 445 medlemmer")
    for c, m in tails:
        if c.name not in whole and text[c.start:m.end("tail")] in whole:
            c.end = m.end("tail")
            c.name = text[c.start:c.end]
    cands[:] = [c for c in cands if id(c) not in embedded]


def _genitive(doc: Doc, word: str) -> bool:
    """A place in the genitive: "Bergens", or "Denmarks" where the text also writes
    "Denmark" on its own ("Moss" is a place of its own)."""
    if not word.endswith("s") or len(word) < 4:
        return False
    stem = word[:-1]
    if place_name(word) and not place_name(stem):
        return False
    if place_name(stem):
        return True
    return bool(doc.shared.mention_re(stem).search(doc.text))


def _parse_line(doc: Doc, s: int, e: int) -> Optional[tuple[str, int, Optional[tuple[str, int, int]]]]:
    """(name, start, place) of a list line "A, X", "A (X)", "A i X" or "A"."""
    text = doc.text
    m = doc.shared.item_place.match(text, s, e)
    if m is None:
        return None
    name, start = clean_name(doc, m.group("name").strip(), m.start("name"))
    loc = None
    g = "loc" if m.group("loc") else ("ploc" if m.group("ploc") else None)
    if g is not None:
        lt = m.group(g).strip()
        ls = m.start(g) + m.group(g).index(lt)
        if _place_like(doc, lt, (ls, ls + len(lt))):
            loc = (place_name(lt) or lt, ls, ls + len(lt))
        elif g == "loc":
            return None  # "A, B": two names, not a name and its place
    else:
        la = doc.rules.location_after_name.search(text, s, e)
        lt, lspan = doc.loc_of(la) if la else ("", (0, 0))
        if la and _is_place(doc, lt, lspan):
            name, start = clean_name(doc, text[s:la.start()].strip(), s)
            loc = (place_name(lt) or lt, *lspan)
    # a name, not a sentence or a service ("Fostering innovation", "Advice"): capitalised
    # words and connectors ("Food & Bio", "Centre of"); one lower-case word only beside a
    # place ("Mjärdevi science park, Östergötland"); one word alone must look like a name
    words = name.split()
    connectors = set(doc.rules.name_connectors)
    lower = sum(not (w[:1].isupper() or w[:1].isdigit() or w in connectors) for w in words)
    if not words or len(words) > 8 or not words[0][:1].isupper() or lower > (1 if loc else 0):
        return None
    if len(words) == 1 and loc is None and not looks_like_name_word(doc, name, start):
        return None
    return name, start, loc


def _about_clusters(doc: Doc, start: int, end: int) -> bool:
    return bool(doc.rules.cluster_word.search(doc.text, max(0, start - CONTEXT_BEFORE), end))


def _line_runs(doc: Doc) -> list[list[Unit]]:
    """Runs of one-line units after a unit that ends in a colon: a list the sectioniser
    read as headings or paragraphs."""
    text = doc.text
    runs = []
    units = doc.units
    for i, u in enumerate(units):
        if not text[u.start:u.end].endswith(":") or not _about_clusters(doc, u.start, u.end):
            continue
        run = []
        for v in units[i + 1:]:
            line = text[v.start:v.end]
            if v.item is not None or len(line) > MAX_LINE or line.endswith((".", ":")) \
                    or "\n" in line or not line[:1].isupper() or text[v.end:v.end + 1] not in ("\n", ""):
                break
            run.append(v)
        if len(run) >= MIN_LINES:
            runs.append(run)
    return runs


def list_line_candidates(doc: Doc, cands: list[Cand]) -> None:
    """Each line of a list about clusters is a cluster with its own place, in a list whose
    items mostly read as names (``Doc.mostly_names``: not "• Support of SMEs" among
    "• Advice", "• Access to finance")."""
    taken = [(c.start, c.end) for c in cands]
    named: set[tuple[int, int]] = set()
    added: list[Cand] = []
    lines: list[tuple[int, int]] = []
    for s, e in doc.items:
        if doc.list_size.get((s, e), 1) >= 2 and _about_clusters(doc, s, s):
            lines.append((s, e))
    for run in _line_runs(doc):
        lines.extend((u.start, u.end) for u in run)
    for s, e in lines:
        parsed = _parse_line(doc, s, e)
        if parsed is None:
            continue
        name, start, loc = parsed
        # the text's structure says cluster, so the NER's person or place label on a
        # list line ("Mobile Heights" as PER) does not count against it; a date does
        if is_bad_name(doc, name) or any(ent.get("label") in ("DATE", "MONEY")
                                          and ent["start"] <= start < ent["end"]
                                          for ent in doc.entities):
            continue
        # "• Kari Nordmann, Fjordkraft": a person and a body, unless the line's second
        # part is a known place ("Mobile Heights, Skåne", whatever the NER said)
        if any(ent.get("label") == "PER" and ent["start"] == start for ent in doc.entities) \
                and not (loc and _is_place(doc, doc.text[loc[1]:loc[2]], loc[1:])):
            continue
        named.add((s, e))
        existing = next((c for c in cands if c.start == start), None)
        if existing is not None:
            # a shape found the name already: the line gives its place and item
            if loc and existing.loc is None:
                existing.loc = loc
            if existing.alias_of is None and (s, e) in doc.list_size:
                existing.item_lead = (s, e)
            continue
        if loc is None and (s, e) not in doc.list_size:
            continue  # a lone line of a run needs its place to read as a list line
        if any(overlaps((start, start + len(name)), t) for t in taken):
            continue
        cand = Cand(name, start, start + len(name), "list-line", name_prefix_status(doc, name))
        cand.loc = loc
        if (s, e) in doc.list_size:
            cand.item_lead = (s, e)
        added.append(cand)
        taken.append((cand.start, cand.end))
    cands.extend(c for c in added if c.item_lead is None or doc.mostly_names(c.item_lead, named))
    cands.sort(key=lambda c: c.start)


def intro_candidates(doc: Doc, cands: list[Cand]) -> None:
    """Names enumerated after an introduction in a sentence about clusters ("bland andra
    A i X, B och C", "Klustren är: A, B och C")."""
    text = doc.text
    rules = doc.rules
    added: list[Cand] = []
    for u in doc.units:
        for intro in rules.enumeration_intro.finditer(text, u.start, u.end):
            # the sentence speaks of clusters before its names ("Klustren är A, B")
            if not rules.cluster_word.search(text, u.start, intro.end()):
                continue
            pos = intro.end()
            while pos < u.end:
                m = doc.shared.name_re.match(text, pos, u.end)
                if not m:
                    break
                name, start = clean_name(doc, m.group(0), m.start())
                span = (start, start + len(name))
                if is_bad_name(doc, name):
                    break
                known = next((c for c in cands + added if overlaps((c.start, c.end), span)), None)
                if known is None and lookup(name):
                    # a body the organisation gazetteer knows is no cluster unless a shape
                    # says so: "klyngene Innovasjon Norge støtter" names the clusters'
                    # funder in a relative clause
                    break
                end = m.end()
                loc = place_after_name(doc, end, u.end)
                if loc is not None:
                    end = loc[2]
                if known is None:
                    cand = Cand(name, span[0], span[1], "enumeration", name_prefix_status(doc, name))
                    cand.loc = loc
                    added.append(cand)
                elif loc and known.loc is None:
                    known.loc = loc
                sep = rules.list_separator.match(text, end, u.end)
                if not sep or sep.end() == end:
                    break
                pos = sep.end()
    cands.extend(added)
    cands.sort(key=lambda c: c.start)


def _defined_here(doc: Doc, c: Cand) -> bool:
    """A predicate or apposition of the rule files defines the candidate where it stands,
    whichever shape found it first ("Copenhagen Cleantech Cluster, en miljøklynge fra
    København" is found by its "X Cluster" shape)."""
    for rule in doc.rules.name_patterns:
        if rule.id in _DEFINING:
            m = rule.pattern.match(doc.text, c.start)
            if m and m.span("name") == (c.start, c.end):
                return True
    return False


def defining_places(doc: Doc, cands: list[Cand]) -> None:
    """A defining clause's place is the cluster's: "X är ett kluster för ... i Värmland",
    "X, en miljøklynge fra København"."""
    text = doc.text
    for c in cands:
        if c.loc is not None or (c.source not in _DEFINING and not _defined_here(doc, c)):
            continue
        unit = doc.unit_at(c.start)
        if unit is None:
            continue
        for rule in doc.rules.locations:
            m = rule.pattern.search(text, c.end, unit.end)
            if m is None:
                continue
            lt, lspan = doc.loc_of(m)
            if _is_place(doc, lt, lspan) and \
                    lt.casefold() not in {p.casefold() for p in doc.rules.broad_places}:
                c.loc = (place_name(lt) or lt, *lspan)
                break



def _members(doc: Doc, count) -> int | None:
    """The number of a count match that counts members or partners, else None."""
    if not doc.shared.membership_word.search(count.group("noun")):
        return None
    return doc.rules.number(count.group("num"))


def _too_many_members(doc: Doc, unit) -> bool:
    """The sentence gives a body more members than a cluster has (``member_subject_max``):
    "Norges Bondelag har 60 000 medlemmer" is an association's."""
    return any((_members(doc, m) or 0) > doc.shared.member_subject_max
               for m in doc.rules.count.finditer(doc.text, unit.start, unit.end))


def _unknown_body(doc: Doc, name: str, span: tuple[int, int]) -> bool:
    """A name that opens a sentence names a body no gazetteer entry rules out: not a body
    the organisation gazetteer knows (unless it is a known cluster), not a name the NER
    read whole as a place, date or product (``not_a_body_labels``), no person in it (a
    person entity starting it, or one of two words or more anywhere in it: "Næringsminister
    Jan Christian Vestre"; a place or a stray one-word person tag inside a name is common,
    "Visit Lofoten", "Sensor Valley"), and one word alone must look like a name."""
    if not name or is_bad_name(doc, name) or lookup(name) and not known_cluster_id(name):
        return False
    for e in doc.entities:
        if e.get("label") not in doc.shared.not_a_body_labels or \
                not overlaps(span, (e["start"], e["end"])):
            continue
        if e["start"] <= span[0] and e["end"] >= span[1]:
            return False
        if e["label"] == "PER" and (e["start"] == span[0]
                                    or " " in doc.text[e["start"]:e["end"]].strip()):
            return False
    return " " in name or looks_like_name_word(doc, name, span[0])


def backref_subject_candidates(doc: Doc, cands: list[Cand]) -> None:
    """A cluster the text names only by referring back to it: "Visit Lofoten fikk fem
    millioner i går. Klyngen har 60 medlemmer." The sentence opening with a cluster noun
    (``cluster_backref``) refers to the name that opens the sentence before it, when no
    cluster has been named yet (after one, the noun refers to that one). The name must be
    a body: not a person, place or date of the NER's, not a body the organisation
    gazetteer knows (a funder such as "Innovasjon Norge" is the subject as often), and one
    word alone must look like a name."""
    text = doc.text
    first = min((c.start for c in cands), default=len(text))
    for prev, unit in zip(doc.units, doc.units[1:]):
        if unit.start >= first:
            return
        if prev.section != unit.section or prev.item != unit.item:
            continue
        if not doc.rules.cluster_backref.match(text, unit.start, unit.end):
            continue
        m = doc.shared.name_re.match(text, prev.start, prev.end)
        if m is None:
            continue
        name, start = clean_name(doc, m.group(0), m.start())
        span = (start, start + len(name))
        if not _unknown_body(doc, name, span) or _too_many_members(doc, prev):
            continue
        cands.append(Cand(name, span[0], span[1], "backref-subject"))
        cands.sort(key=lambda c: c.start)
        return


def member_subject_candidates(doc: Doc, cands: list[Cand]) -> None:
    """A body that has members, in a release about clusters, is a cluster: the name that
    opens a sentence whose verb is "har"/"has" and whose object is a count of members or
    partners ("Visit Lofoten har 60 medlemsbedrifter", "Sensor Valley har ett trettiotal
    medlemsföretag"), not a count of companies in general, and no more than
    ``member_subject_max`` members. Not a body the organisation gazetteer knows (an
    association: "NHO har 30 000 medlemsbedrifter"), a person, a place or a date."""
    text = doc.text
    if not doc.rules.cluster_word.search(text):
        return
    taken = [(c.start, c.end) for c in cands]
    added = False
    for unit in doc.units:
        m = doc.shared.name_re.match(text, unit.start, unit.end)
        if m is None:
            continue
        name, start = clean_name(doc, m.group(0), m.start())
        span = (start, start + len(name))
        verb = doc.rules.member_verb.match(text, span[1], unit.end)
        if verb is None:
            continue
        count = doc.rules.count.match(text, verb.end(), unit.end)
        number = None if count is None else _members(doc, count)
        if number is None or number > doc.shared.member_subject_max:
            continue  # none, or "Norges Bondelag har 60 000 medlemmer": an association
        if any(overlaps(span, t) for t in taken) or not _unknown_body(doc, name, span):
            continue
        cands.append(Cand(name, span[0], span[1], "member-subject"))
        taken.append(span)
        added = True
    if added:
        cands.sort(key=lambda c: c.start)


def place_compound_descriptions(doc: Doc, cands: list[Cand]) -> None:
    """A cluster noun compound of a place right before a name describes that name and
    places it ("Umeåklustret Sensor Valley", "Bergensklyngen Ocean Tech Cluster"): not a
    cluster of its own (``compound_name_stem``; a genitive -s of the place is dropped).
    The name is the next candidate, or the name that follows on the line when it is a body
    no gazetteer rules out."""
    text = doc.text
    drop, added = set(), []
    by_start = {c.start: c for c in cands}
    for c in cands:
        if not c.source.startswith("compound"):
            continue
        m = doc.shared.compound_name_stem.match(c.name)
        start = c.end
        while start < len(text) and text[start] in " \t":
            start += 1  # the name follows on the same line
        if m is None or start == c.end:
            continue
        stem = m.group("stem")
        place = place_name(stem) or (stem.endswith("s") and place_name(stem[:-1]))
        if not place:
            continue
        nxt = by_start.get(start)
        if nxt is None:
            n = doc.shared.name_re.match(text, start)
            if n is None or not _unknown_body(doc, n.group(0), n.span()):
                continue
            nxt = Cand(n.group(0), n.start(), n.end(), "described")
            added.append(nxt)
        drop.add(id(c))
        if nxt.loc is None:
            nxt.loc = (place, c.start, c.start + len(stem))
    cands[:] = sorted([c for c in cands if id(c) not in drop] + added, key=lambda c: c.start)
