"""Cluster names: found by shape, as list-item leads and as enumeration siblings;
aliases attached; candidates grouped into clusters; every mention of each found."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from klynge.lexicon import known_cluster_id, lookup, name_key, place_name, scan_known_clusters
from klynge.records.clusters.document import Doc, Taken, overlaps, trim
from klynge.records.clusters.rules import SharedClusterRules


# How far before a list its heading may speak of clusters ("Om klyngene:" over the items).
CONTEXT_BEFORE = 400


@dataclass
class Cand:
    name: str
    start: int
    end: int
    source: str
    status: Optional[str] = None  # status carried by the name ("NCE NODE")
    aliases: list[str] = field(default_factory=list)
    alias_of: Optional["Cand"] = None
    loc: Optional[tuple[str, int, int]] = None  # place right after the name
    item_lead: Optional[tuple[int, int]] = None  # the list item this name leads


@dataclass
class ClusterAcc:
    names: list[str]  # first is the record name
    cands: list[Cand]
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
    id: Optional[str] = None  # the cluster gazetteer's id of its names, once they are all known


def name_prefix_status(doc: "Doc", name: str) -> Optional[str]:
    """The status a name carries in its prefix ("NCE NODE" -> NCE), if any."""
    m = doc.shared.status_prefix.match(name)
    return doc.shared.status_of(m.group(0)) if m else None


def strip_status_prefix(shared: SharedClusterRules, name: str) -> str:
    return shared.status_prefix.sub("", name, count=1)


_POSSESSIVE = re.compile(r"[’']s$")


def clean_name(doc: Doc, name: str, start: int) -> tuple[str, int]:
    """Strip sentence-initial function words ("Både Tequity Cluster" -> "Tequity Cluster"),
    descriptions before the name and an English possessive ("Cluster for Applied AI’s")."""
    name = _POSSESSIVE.sub("", name)
    if "\n" in name:
        # a name never runs over a line break: "Pipeline\nOslo Cancer Cluster"; a status
        # prefix keeps the first line ("NCE Media\nStyret"), other shapes the last
        lines = name.split("\n")
        keep = lines[0] if doc.shared.status_prefix.match(name) else lines[-1]
        start += name.index(keep) if keep is lines[0] else len(name) - len(keep)
        name = keep.strip()
    stop = set(doc.rules.leading_stopwords)
    # a word that joins a name's words never starts one: "2024 for Ocean Tech Cluster"
    # leaves "for" once the year is cut
    joiners = set(doc.rules.name_connectors)
    while True:
        first, _, rest = name.partition(" ")
        # "June 2007 Oslo Cancer Cluster", "2009 Oslo Cancer Cluster": a date before the name
        date = next((ent for ent in doc.entities if ent.get("label") == "DATE"
                     and ent["start"] <= start < ent["end"] < start + len(name)), None)
        if date is not None:
            cut = date["end"] - start
            rest = name[cut:]
            start += cut + len(rest) - len(rest.lstrip())
            name = rest.lstrip()
            continue
        # a function word, or a year ("2009 Oslo Cancer Cluster"), never starts a name
        if rest and (first in stop or first in joiners or doc.shared.year.fullmatch(first)):
            start += len(first) + 1
            name = rest.lstrip()
            continue
        d = doc.shared.descriptor_head.match(name)
        if d and d.end() < len(name):
            start += d.end()
            name = name[d.end():]
            continue
        return name, start


def is_bad_name(doc: Doc, name: str) -> bool:
    k = name.casefold().strip()
    if len(k) < 2 or len(k) == 2 and not name.isupper():
        return True  # "F", "Me": a fragment, not a name (two capitals may be: "UD")
    if not name_key(name) or k in {n.casefold() for n in doc.shared.not_names}:
        return True
    if doc.shared.not_name_pattern.match(name.strip()):
        return True
    if k in {n.casefold() for n in doc.rules.generic_names}:
        return True
    if k in {w.casefold() for w in doc.rules.leading_stopwords}:
        return True
    # a programme phrase made only of generic words: "Norwegian Cluster", "Arena
    # Programme", "NCE Clusters", "Regional Cluster"
    words = re.findall(r"[\w’'-]+", k)
    if words and all(w in doc.shared.generic_name_words for w in words):
        return True
    return any(p.pattern.fullmatch(name) for p in doc.shared.programmes)


def pattern_candidates(doc: Doc) -> list[Cand]:
    found: list[Cand] = []
    pats = [*doc.shared.name_patterns, *doc.rules.name_patterns]
    for rule in pats:
        for m in rule.pattern.finditer(doc.text):
            name, start = clean_name(doc, m.group("name"), m.start("name"))
            if is_bad_name(doc, name) or doc.in_url((start, m.end("name"))):
                continue
            status = None
            if "status" in m.re.groupindex and m.group("status"):
                status = doc.shared.status_of(m.group("status"))
            found.append(Cand(name, start, start + len(name), rule.id, status))
    # programme phrases ("Norwegian Innovation Clusters") are never clusters
    prog = Taken()
    for p in doc.shared.programmes:
        for m in p.pattern.finditer(doc.text):
            prog.add_merged(m.start(), m.end())
    found = [c for c in found if not prog.overlaps(c.start, c.end)]
    # overlapping matches: keep the longest, then the earliest
    found.sort(key=lambda c: (-(c.end - c.start), c.start))
    kept: list[Cand] = []
    taken = Taken()
    for c in found:
        if not taken.overlaps(c.start, c.end):
            taken.add(c.start, c.end)
            kept.append(c)
    # a name the cluster gazetteer knows is a cluster whatever its shape ("Robotdalen",
    # "Odense Robotics"), where no shape found one: a shape reads the text's own structure
    # ("H2Cluster – The Norwegian Hydrogen Cluster" is a name and its alias)
    guards = doc.shared.known_name_guards
    for start, end in scan_known_clusters(doc.text, doc.shared.known_name_min_acronym,
                                          guards.before.pattern, guards.after.pattern):
        name = doc.text[start:end]
        if prog.overlaps(start, end) or doc.in_url((start, end)):
            continue
        known = Cand(name, start, end, "gazetteer", name_prefix_status(doc, name))
        inside = [c for c in kept if c.start < end and start < c.end]
        if len(inside) == 1 and start <= inside[0].start and inside[0].end <= end \
                and end - start > inside[0].end - inside[0].start \
                and not doc.shared.alias_separator.search(name):
            # a known name around one shape is that name, the shape cut short of it:
            # "Arctic Cluster Teams tid" is "Arctic Cluster Team"'s, not "Arctic Cluster"
            kept[kept.index(inside[0])] = known
            taken.add(start, end)
        elif not taken.overlaps(start, end):
            taken.add(start, end)
            kept.append(known)
    return sorted(kept, key=lambda c: c.start)



def names_a_place(doc: Doc, text: str, start: int) -> bool:
    """A bracket's text that is a place ("GCE Subsea (Norway)", "Visit Lofoten
    (Svolvær)"): the cluster's place, never its alias; two clusters placed in one country
    are not one cluster."""
    s, e = trim(doc.text, start, start + len(text))
    word = doc.text[s:e]
    return bool(place_name(word)) or doc.is_place((s, e), word) or \
        word.casefold() in {p.casefold() for p in doc.rules.broad_places}


def attach_aliases(doc: Doc, cands: list[Cand]) -> list[Cand]:
    """"A – B" (B a cluster name or "tidligere B") and "A (B)" make B an alias of A."""
    text = doc.text
    by_start = {c.start: c for c in cands}
    for c in cands:
        if c.alias_of is not None:
            continue
        m = doc.shared.alias_paren.match(text, c.end)
        if m and m.group("alias")[:1].isupper():
            alias = m.group("alias").strip()
            if not is_bad_name(doc, alias) and doc.shared.status_of(alias) is None \
                    and not names_a_place(doc, m.group("alias"), m.start("alias")):
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


def list_candidates(doc: Doc, cands: list[Cand]) -> None:
    """Names that lead list items in a cluster context, in lists whose items are mostly
    names: a list of activities or services under a text about clusters ("• Support of
    SMEs", "• Behovsafdækning med involvering af 120 virksomheder") leads with
    capitalised common nouns, and most of its lines are no name at all."""
    text = doc.text
    named: set[tuple[int, int]] = set()  # items led by a name (a shape's or the item's)
    added: list[Cand] = []
    for s, e in doc.items:
        lead = next((c for c in cands if c.start == s), None)
        if lead is not None:
            named.add((s, e))
            if lead.alias_of is None:
                lead.item_lead = (s, e)
            continue
        before = text[max(0, s - CONTEXT_BEFORE):s]
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
        if is_bad_name(doc, nm) or _is_other_thing(doc, nm, (s, s + len(nm))):
            continue
        cand = Cand(nm, s, s + len(nm), "list-item", name_prefix_status(doc, nm))
        cand.aliases.extend(aliases)
        cand.item_lead = (s, e)
        added.append(cand)
        named.add((s, e))
    cands.extend(c for c in added if doc.mostly_names(c.item_lead, named))
    cands.sort(key=lambda c: c.start)


def _is_other_thing(doc: Doc, name: str, span: tuple[int, int]) -> bool:
    """A person, a place, a date or an amount (not a cluster). Organisations are not
    excluded: the organisation stage lists clusters among them."""
    for ent in doc.entities:
        if ent.get("label") in ("PER", "GPE", "LOC", "DATE", "MONEY") and \
                ent["start"] <= span[0] and span[1] <= ent["end"]:
            return True
        # "• Ingve Sørfonn, Wärtsilä": a caption list of people
        if ent.get("label") == "PER" and ent["start"] == span[0]:
            return True
    # a body the gazetteer knows is no cluster unless its shape says so ("University of Bergen")
    return bool(lookup(name))


def looks_like_name_word(doc: Doc, word: str, start: int) -> bool:
    """One word alone makes a name when it is an acronym or odd-cased ("NODE", "eSmart",
    "H2Cluster"), or when the model saw an organisation there."""
    if "/" in word:
        return False
    if sum(c.isupper() or c.isdigit() for c in word) >= 2:
        return True
    return any(ent.get("label") == "ORG" and ent["start"] <= start < ent["end"]
               for ent in doc.entities)


def _modifies_cluster_noun(doc: Doc, pos: int, end: int) -> bool:
    """The lead word is an adjective of a following lower-case cluster noun."""
    m = re.match(r"\s+(?:and\s+\w+\s+|og\s+\w+\s+)?(\w+)", doc.text[pos:end])
    return bool(m and m.group(1)[:1].islower() and doc.rules.cluster_word.fullmatch(m.group(1)))


def _item_lead_name(doc: Doc, s: int, e: int) -> Optional[tuple[str, list[str], int]]:
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
        if len(words) == 1 and not looks_like_name_word(doc, core, s):
            return None  # "• Advice", "• Matching/Networking": a list of services
    else:
        name = m.group(0)
        if _modifies_cluster_noun(doc, m.end(), e):
            return None  # "1. Regional clusters in an early phase (Arena)"
        pm = doc.shared.alias_paren.match(text, end)
        # a long item must show it is about a cluster: an alias in brackets, a cluster
        # word, or a count of members ("• NODE (...) er en klynge med 48 bedrifter")
        rest = text[m.end():e]
        if not (pm or doc.rules.cluster_word.search(rest) or doc.rules.count.search(rest)):
            return None
    pm = pm or doc.shared.alias_paren.match(text, end)
    if pm and pm.group("alias")[:1].isupper() and not names_a_place(doc, pm.group("alias"), pm.start("alias")):
        aliases.append(pm.group("alias").strip())
        end = pm.end()
    return name, aliases, end


def enumeration_candidates(doc: Doc, cands: list[Cand]) -> None:
    """Siblings of a cluster name in an enumeration: "A i Bergen, Arena Oslo og B"."""
    text = doc.text
    rules = doc.rules
    known = [c for c in cands]
    added: list[Cand] = []

    def occupied(span):
        return any(overlaps(span, (c.start, c.end)) for c in known + added)

    def rejected(name, span):
        return is_bad_name(doc, name) or _is_other_thing(doc, name, span)

    def step(m: re.Match) -> Optional[Cand]:
        """The sibling an enumeration match names: known already, or added; None ends
        the enumeration."""
        name, start = clean_name(doc, m.group("name"), m.start("name"))
        span = (start, start + len(name))
        existing = next((k for k in known + added if k.start == span[0]), None)
        if existing is not None:
            return existing
        if occupied(span) or rejected(name, span):
            return None
        # one word alone must look like a name ("NODE", or the NER's organisation), not
        # a capitalised common noun ("ECD inden for hele Energisektoren og CLEAN")
        if " " not in name and not looks_like_name_word(doc, name, span[0]):
            return None
        # "Heidner Biocluster, Norges klynge for ...": a genitive before a cluster noun is
        # an apposition, not a sibling
        if _modifies_cluster_noun(doc, span[1], len(text)):
            return None
        cand = Cand(name, span[0], span[1], "enumeration")
        added.append(cand)
        return cand

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
            sibling = step(m)
            if sibling is None:
                break
            cur_end = sibling.end
        # to the left
        cur_start = c.start
        while True:
            m = rules.enumeration_prev.search(text, unit.start, cur_start)
            if not m:
                break
            sibling = step(m)
            if sibling is None:
                break
            cur_start = sibling.start
    cands.extend(added)
    cands.sort(key=lambda c: c.start)


# ---- grouping and mentions


def group_candidates(doc: Doc, cands: list[Cand]) -> list[ClusterAcc]:
    shared = doc.shared
    groups: list[ClusterAcc] = []
    index: dict[str, ClusterAcc] = {}

    def keys(name: str) -> set[str]:
        k = name_key(name)
        bare = strip_status_prefix(shared, name)
        out = {k, name_key(bare)}
        # "The Eyde Cluster" and "NCE Eyde" are one cluster: both leave "Eyde"
        core = shared.cluster_head.sub("", bare)
        if core != bare and not place_name(core) and any(
                w.casefold() not in shared.generic_name_words for w in core.replace("-", " ").split()):
            # (a place alone is no name: "Vestland Klynge" is not "Arena Vestland")
            out.add(name_key(core))
        # two names of one gazetteer cluster are one cluster ("CLEAN", "CLEAN Miljø")
        known = known_cluster_id(name)
        if known is not None:
            out.add("known:" + known)
        return out

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
            acc = ClusterAcc(names=[root.name], cands=[])
            groups.append(acc)
        acc.cands.append(c)
        for n in names:
            if name_key(n) not in {name_key(x) for x in acc.names}:
                acc.names.append(n)
            for k in keys(n):
                index.setdefault(k, acc)
    _merge_noun_compounds(doc, groups)
    _merge_acronyms(doc, groups)
    return groups


def _initials(doc: Doc, name: str) -> set[str]:
    """The acronyms a name may be written as: the first letters of its words, with and
    without its joining words and its status prefix ("NCE Oslo Cancer Cluster" -> NOCC,
    OCC; "Cluster for Applied AI" -> CAAI, CFAAI)."""
    out = set()
    joiners = {w.casefold() for w in doc.rules.name_connectors}
    for form in {name, strip_status_prefix(doc.shared, name)}:
        words = form.replace("-", " ").split()
        for keep_joiners in (False, True):
            letters = [w[0] for w in words if w[:1].isalpha()
                       and (keep_joiners or w.casefold() not in joiners)]
            if len(letters) >= 2:
                out.add("".join(letters).upper())
    return out


def _merge_acronyms(doc: Doc, groups: list[ClusterAcc]) -> None:
    """A cluster known only by an acronym ("OCC is a non-profit cluster organisation")
    whose letters are the initials of exactly one other cluster's name ("Oslo Cancer
    Cluster") is that cluster, written short."""
    for g in list(groups):
        if not all(doc.shared.acronym.fullmatch(n) for n in g.names):
            continue
        targets = [h for h in groups if h is not g
                   and any(n in _initials(doc, m) for n in g.names for m in h.names)]
        if len(targets) == 1:
            _merge_into(targets[0], g, groups)


def _merge_into(target: ClusterAcc, g: ClusterAcc, groups: list[ClusterAcc]) -> None:
    """``g`` is ``target`` under other names: its names become aliases, its candidates
    ``target``'s, and it leaves ``groups``."""
    target.names.extend(n for n in g.names if n not in target.names)
    target.cands.extend(g.cands)
    groups.remove(g)


def _merge_noun_compounds(doc: Doc, groups: list[ClusterAcc]) -> None:
    """A cluster known only by a noun compound ("Heidnerklyngen") whose stem is a word of
    exactly one other cluster's names ("NCE Heidner Biocluster") is that cluster."""
    shared = doc.shared

    def words(g: ClusterAcc) -> set[str]:
        out = set()
        for n in g.names:
            for w in strip_status_prefix(shared, n).replace("-", " ").split():
                w = w.casefold()
                if len(w) >= 3 and w not in shared.generic_name_words:
                    out.add(w)
        return out

    for g in list(groups):
        m = shared.compound_name_stem.match(g.names[0]) if len(g.names) == 1 else None
        if m is None or not all(c.source.startswith("compound") for c in g.cands):
            continue
        stem = m.group("stem").casefold()
        targets = [h for h in groups if h is not g and stem in words(h)]
        if len(targets) == 1:
            _merge_into(targets[0], g, groups)


def find_mentions(doc: Doc, groups: list[ClusterAcc]) -> None:
    text = doc.text
    spans: list[tuple[int, int, ClusterAcc]] = []
    for g in groups:
        for c in g.cands:
            spans.append((c.start, c.end, g))
        for n in g.names:
            flags = re.IGNORECASE if " " in n else 0
            pat = doc.shared.mention_re(n, flags)
            for m in pat.finditer(text):
                spans.append((m.start(), m.end(), g))
    spans.sort(key=lambda t: (-(t[1] - t[0]), t[0]))
    kept: list[tuple[int, int, ClusterAcc]] = []
    taken = Taken()
    for s, e, g in spans:
        if doc.in_url((s, e)):
            continue
        if not taken.overlaps(s, e):
            taken.add(s, e)
            kept.append((s, e, g))
    for s, e, g in sorted(kept):
        g.mentions.append((s, e))
