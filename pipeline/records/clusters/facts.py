"""Facts of one cluster from the text that belongs to it: counts, location, sectors,
organisations, status signals and the status decision, partner links."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional, Sequence

from klynge.lexicon import (
    EVENTS_WITHOUT_STATUS, is_municipality, known_cluster_country, name_key,
    names, place_country, place_name,
)
from klynge.records.clusters.candidates import (
    ClusterAcc, clean_name, name_prefix_status, strip_status_prefix,
)
from klynge.records.clusters.document import Doc, Unit, overlaps, trim


@lru_cache(maxsize=1)
def _capitalised_word() -> re.Pattern[str]:
    # The capital letters of names are names.yaml's (Swedish Ä and Ö included).
    return re.compile(rf"[{names().capitals}][\w-]+")


def member_counts(doc: Doc, span: tuple[int, int], membership_only: bool = False):
    """(members, breakdown, partners) from the first count groups in the span."""
    rules = doc.rules
    text = doc.text
    matches = [m for m in rules.count.finditer(text, span[0], span[1])
               if (not membership_only or doc.shared.membership_word.search(m.group("noun")))
               and not rules.count_not_after.search(text, max(0, m.start() - 60), m.start())]
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


def location_of(doc: Doc, g: ClusterAcc, segments: list[tuple[int, int]],
                known_only: bool = False, country: str | None = None
                ) -> Optional[tuple[str, int]]:
    """Where ``segments`` place the cluster. ``known_only``: only places the lexicon
    knows, and with ``country`` only that country's."""
    text = doc.text
    rules = doc.rules
    name_spans = list(g.mentions)
    broad = {p.casefold() for p in rules.broad_places}

    def ok(loc: str, span) -> bool:
        if loc.casefold() in broad:
            return False
        return not any(overlaps(span, m) for m in name_spans)

    def hop(loc: str, span: tuple[int, int]) -> tuple[str, tuple[int, int]]:
        # "hovudkontor på Heiane på Stord": a site inside a known place is located there
        for _ in range(2):
            if place_name(loc) or doc.is_place(span, loc):
                break
            m = rules.location_after_name.match(text, span[1])
            if not m:
                break
            nxt, nspan = doc.loc_of(m)
            if not place_name(nxt):
                break
            loc, span = nxt, nspan
        return loc, span

    if known_only:
        segments = [seg for seg in segments if not any(overlaps(seg, m) for m in name_spans)]
    # a country a list line gives ("• GCE Subsea (Norway)") yields to a town said right
    # after a mention ("The Maritime Alliance in San Diego")
    given = next((c.loc for c in g.cands if c.loc), None)
    if given is not None and given[0].casefold() not in broad:
        return place_name(given[0]) or given[0], given[1]
    for s, e in g.mentions:
        m = rules.location_after_name.match(text, e)
        if m is None:
            continue
        lt, lspan = doc.loc_of(m)
        if ok(lt, lspan) and (place_name(lt) or doc.is_place(lspan, lt)):
            return place_name(lt) or lt, lspan[0]
    if given is not None:
        return given[0], given[1]
    for rule in rules.locations:
        if rule.defining_only:
            continue
        for s, e in segments:
            for m in rule.pattern.finditer(text, s, e):
                loc, span = hop(*doc.loc_of(m))
                if not ok(loc, span):
                    continue
                if rule.id.startswith("based") and loc.endswith("s") and place_name(loc) is None:
                    # genitive "Bergens-baserte", "Göteborgsbaserade": the place is the
                    # stem where the NER tagged the stem or the text names it elsewhere; a
                    # known place that ends in s ("Ås-baserte", "Borås-baserade") keeps it
                    stem = (span[0], span[1] - 1)
                    if (doc.is_place(stem, loc[:-1]) and not doc.is_place(span, loc)) or \
                            doc.shared.mention_re(loc[:-1]).search(text):
                        loc, span = loc[:-1], stem
                known = place_name(loc)
                if known_only and (not known or (country and place_country(known) != country)):
                    continue
                if rule.needs_entity and not (known or doc.is_place(span, loc)):
                    continue
                if known:
                    return known, span[0]
                return loc, span[0]
    return None


def dominant_place(doc: Doc, g: ClusterAcc, others: Sequence[tuple[int, int]] = (),
                   country: str | None = None) -> Optional[tuple[str, int]]:
    """The Norwegian place a release keeps coming back to ("KI-miljøet i Halden", "I
    Halden har vi ...", "Halden kommune"): named at least twice and more often than any
    other. Broad places (Norge, Europa) and counties do not count: they place nothing; nor
    does a place inside the cluster's own name ("Oslo Cancer Cluster") or another's
    (``others``: "NCE Oslo Medtech" named in passing). With ``country``, only that
    country's places count."""
    counts: dict[str, list[int]] = {}
    broad = {p.casefold() for p in doc.rules.broad_places}
    for e in doc.entities:
        if e.get("label") not in ("GPE", "LOC", "ORG"):
            continue
        for m in _capitalised_word().finditer(e["text"]):
            pos = e["start"] + m.start()
            if any(ms <= pos < me for ms, me in (*g.mentions, *others)):
                continue
            name = place_name(m.group(0))
            if name and name.casefold() not in broad and is_municipality(name) and (
                    country is None or place_country(name) == country):
                counts.setdefault(name, []).append(e["start"] + m.start())
    ranked = sorted(counts.items(), key=lambda kv: -len(kv[1]))
    if not ranked or len(ranked[0][1]) < 2 or (len(ranked) > 1 and len(ranked[1][1]) == len(ranked[0][1])):
        return None
    return ranked[0][0], ranked[0][1][0]


def sectors_of(doc: Doc, texts: list[str]) -> list[str]:
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


def resolve_org(doc: Doc, name: str, span: tuple[int, int]) -> str:
    for o in doc.organisations:
        for m in o.get("mentions") or []:
            try:
                ms, me = (m[0], m[1]) if not isinstance(m, dict) else (m["start"], m["end"])
            except (KeyError, IndexError, TypeError):
                continue
            if overlaps((ms, me), span):
                return o.get("name")
        names = [o.get("name") or "", *(o.get("aliases") or [])]
        if any(n.casefold() == name.casefold() for n in names):
            return o.get("name")
    for ent in doc.entities:
        if ent.get("label") == "ORG" and overlaps((ent["start"], ent["end"]), span):
            return ent["text"]
    return name


def named_list(doc: Doc, start: int, end: int) -> list[str]:
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
        s, e = trim(text, s, e)
        part = text[s:e].rstrip(".;:")
        if not part[:1].isupper():
            continue
        ent = next((x for x in doc.entities if x.get("label") == "ORG"
                    and x["start"] <= s and e <= x["end"]), None)
        add_unique(out, resolve_org(doc, part, (s, s + len(part))) if ent else part)
    return out


def add_unique(seq: list, value) -> None:
    if value and value not in seq:
        seq.append(value)


# Events whose status word is no status the cluster holds or gets by itself: any other
# signal inside their match ("Arena-status" in "søker Arena-status", "blir Arena Pro" in
# "mister NCE-statusen og blir Arena Pro") is theirs.
BLOCKING_EVENTS = EVENTS_WITHOUT_STATUS | {"downgrade"}
# Events whose status is the one the cluster holds after them.
STATUS_EVENTS = ("upgrade", "downgrade", "new_status")


def unit_signals(doc: Doc, unit: Unit) -> list[tuple[int, Optional[str], Optional[str]]]:
    out = []
    text = doc.text
    blocked: list[tuple[int, int]] = []
    for rule in doc.rules.status_patterns:
        for m in rule.pattern.finditer(text, unit.start, unit.end):
            if doc.in_url(m.span()) or any(overlaps(m.span(), b) for b in blocked):
                continue
            if rule.event in BLOCKING_EVENTS:
                blocked.append(m.span())
            status = rule.status
            if "status" in m.re.groupindex and m.group("status"):
                status = doc.shared.status_of(m.group("status")) or status
            out.append((m.start(), status, rule.event))
    out.sort(key=lambda t: t[0])
    return out


def event_date(doc: Doc, unit: Optional[Unit], pos: Optional[int] = None) -> Optional[str]:
    """The DATE that belongs to the signal at ``pos``, else the published date.

    Each DATE of the sentence belongs to the nearest status signal before it (or, when
    none is before it, to the first one): in "fikk NCE-status i 2010 og er nå oppgradert
    til GCE" 2010 is the date of the first event, not of the upgrade.
    """
    if unit is not None:
        dates = [e for e in doc.entities_in((unit.start, unit.end), ("DATE",)) if e.get("value")]
        if pos is None:
            return str(dates[0]["value"]) if dates else doc.published
        signals = sorted({p for p, _, ev in unit_signals(doc, unit) if ev} | {pos})
        for ent in sorted(dates, key=lambda e: e["start"]):
            before = [p for p in signals if p <= ent["start"]]
            owner = before[-1] if before else signals[0]
            if owner == pos:
                return str(ent["value"])
    return doc.published


def scope(doc: Doc, g: ClusterAcc, owner: dict[tuple[int, int], ClusterAcc]):
    """Segments of text that speak of this cluster only, and the units they lie in."""
    segments: list[tuple[int, int]] = []
    units: list[Unit] = []
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


EVENT_PRIORITY = ("upgrade", "downgrade", "new_status", "loss", "application", "extension",
                  "ending", "gold_label", "merger", "founding")


def decide_status(doc: Doc, g: ClusterAcc, title_signal, own_status_elsewhere: bool):
    """Status and event: sentence signals first, then the name's prefix, then the title.

    The title's status ("To nye Arena-klynger") goes to clusters that are listed (list
    items, enumerations), or to all when no cluster has a status signal of its own.
    """
    listed = any(c.source in ("list-item", "enumeration") or c.item_lead for c in g.cands)
    sigs = sorted(g.signals, key=lambda s: s[0])
    # a status change is the news; extensions, labels, mergers and foundings come after
    with_event = sorted((s for s in sigs if s[2]),
                        key=lambda s: (EVENT_PRIORITY.index(s[2]), s[0]))
    status = next((s[1] for s in with_event if s[1] and s[2] in STATUS_EVENTS), None)
    # an application or a loss names a status the cluster does not hold (now)
    status = status or g.prefix_status or next(
        (s[1] for s in sigs if s[1] and s[2] not in EVENTS_WITHOUT_STATUS), None)
    if status is None and any(s[2] == "loss" for s in sigs):
        title_signal = None  # "mister NCE-statusen": the title's status is the lost one
    event = None
    evunit = None
    if with_event:
        pos, st, typ, span = with_event[0]
        unit = doc.unit_at(pos)
        event = {"type": typ, "status": st or status, "date": event_date(doc, unit, pos)}
        evunit = span
    if title_signal is not None and (own_status_elsewhere is False or listed):
        tpos, tstatus, tevent = title_signal
        if status is None:
            status = tstatus
        if event is None and tevent and status == tstatus:
            event = {"type": tevent, "status": tstatus, "date": event_date(doc, doc.title)}
            evunit = (doc.title.start, doc.title.end)
    return status, event, evunit


def link_partners(doc: Doc, groups: list[ClusterAcc]) -> None:
    text = doc.text
    leads_by_item = {}
    for g in groups:
        for c in g.cands:
            if c.item_lead:
                leads_by_item[c.item_lead] = g
    for u in doc.units:
        for rule in doc.rules.partner_links:
            for m in rule.pattern.finditer(text, u.start, u.end):
                org, ostart = clean_name(doc, m.group("org"), m.start("org"))
                org = resolve_org(doc, org, (ostart, ostart + len(org)))
                cword = m.group("count")
                n = doc.rules.number(cword) if cword else None
                # the list that follows the sentence (a heading over a list)
                following = [it for it in sorted(leads_by_item) if it[0] >= u.end]
                targets: list[ClusterAcc] = []
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
                    add_unique(g.organisations, org)
                    g.evidence.add((u.start, u.end))
    # a list section whose heading (a string from the sectioniser) is the partner line
    for sec in doc.sections:
        heading = sec.heading
        if not heading or not heading.strip():
            continue
        sec_span = (sec.start, sec.end)
        targets = [g for it, g in sorted(leads_by_item.items()) if sec_span[0] <= it[0] < sec_span[1]]
        if not targets:
            continue
        for rule in doc.rules.partner_links:
            m = rule.pattern.search(heading)
            if not m:
                continue
            org, _ = clean_name(doc, m.group("org"), m.start("org"))
            org = resolve_org(doc, org, (-1, -1))
            pos = text.rfind(heading.strip(), 0, sec_span[0] + len(heading) + 1)
            hu = doc.unit_at(pos) if pos >= 0 else None
            for g in targets:
                add_unique(g.organisations, org)
                if hu is not None:
                    g.evidence.add((hu.start, hu.end))


def collect_facts(doc: Doc, g: ClusterAcc, owner: dict[tuple[int, int], ClusterAcc],
                  subject: bool = False, lone: bool = False) -> None:
    """Status signals, counts, location, sectors, organisations and people of one cluster,
    read from the text that belongs to it (``owner``: every cluster mention's cluster).

    ``subject``: the release is about this cluster (``release_subject``), so what the
    text says of "the cluster" anywhere is said of it, except in the units that name
    another cluster: those are the other's. Its status is read from anywhere only when it
    is the release's ``lone`` cluster: where others are named, a status sentence that
    names none of them speaks as often of the clusters in general or of the programme
    as of the subject."""
    text = doc.text
    others = [span for span, o in owner.items() if o is not g]

    def own_units(units):
        # the subject's fallbacks read no unit that names another cluster
        return [u for u in units if u is not None
                and not any(u.start <= s < u.end for s, _e in others)]
    g.prefix_status = next((c.status for c in g.cands if c.status and c.alias_of is None), None)
    if g.prefix_status is None:
        g.prefix_status = name_prefix_status(doc, g.names[0])
    mentioned = set()
    for ms, me in g.mentions:
        u = doc.unit_at(ms)
        if u is not None:
            mentioned.add((u.start, u.end))
            g.evidence.add((u.start, u.end))
            for pos, status, event in unit_signals(doc, u):
                g.signals.append((pos, status, event, (u.start, u.end)))
    segments, units = scope(doc, g, owner)
    # a sentence that refers back to it says its status too: "Prosjektet ble i juni
    # oppgradert til et Norwegian Centre of Expertise" after "... NCE Media ..."
    for u in units:
        if (u.start, u.end) not in mentioned and doc.rules.backref.match(text, u.start, u.end):
            for pos, status, event in unit_signals(doc, u):
                g.signals.append((pos, status, event, (u.start, u.end)))
    if lone and not g.prefix_status and not any(sig[1] for sig in g.signals):
        # a release about one cluster reports its status anywhere: "klyngeprosjektet, som
        # fikk Arenastatus i 2014", "In 2007, we became a Norwegian Centre of Expertise"
        for u in own_units(doc.units):
            sigs = [x for x in unit_signals(doc, u) if x[1] and (
                x[2] in ("new_status", "upgrade") or doc.rules.cluster_word.search(text, u.start, u.end))]
            if sigs:
                g.signals.extend((pos, st, ev, (u.start, u.end)) for pos, st, ev in sigs)
                break
    seg_unit = {seg: next((u for u in units if u.start <= seg[0] < u.end), None) for seg in segments}
    # counts: the first segment that gives any
    for seg in segments:
        mem, br, par = member_counts(doc, seg)
        if mem is not None and g.members is None:
            g.members, g.members_breakdown = mem, br
            if seg_unit[seg]:
                g.evidence.add((seg_unit[seg].start, seg_unit[seg].end))
        if par is not None and g.partners is None:
            g.partners = par
            if seg_unit[seg]:
                g.evidence.add((seg_unit[seg].start, seg_unit[seg].end))
    if subject and g.members is None and g.partners is None:
        # a release about one cluster gives its size anywhere ("i dag er det 29
        # medlemsbedrifter"), but only in words that mean membership, not "bedrifter"
        for u in own_units(doc.units):
            mem, br, par = member_counts(doc, (u.start, u.end), membership_only=True)
            if mem is not None or par is not None:
                g.members, g.members_breakdown, g.partners = mem, br, par
                g.evidence.add((u.start, u.end))
                break
    loc = location_of(doc, g, segments)
    if loc is None and subject and doc.rules.subject_place_fallback:
        # A release about one cluster places it anywhere: "klynga som har hovudkontor på
        # Stord", "Hamars bioklynge fikk NCE-status", "the Subsea cluster in Bergen".
        # Only units that speak of a cluster, and only places the gazetteer knows. Not in
        # Danish and Swedish, whose gold places a cluster only where the text places it
        # (<lang>/clusters.yaml: subject_place_fallback).
        # A cluster the gazetteer places in a country is placed there only: "NCE Media
        # reiser til Stockholm" is a trip, not where it is.
        about = [(u.start, u.end) for u in own_units([doc.title] + doc.units)
                 if doc.rules.cluster_word.search(text, u.start, u.end)]
        home = known_cluster_country(g.id)
        loc = location_of(doc, g, about, known_only=True, country=home) or \
            dominant_place(doc, g, others, country=home)
    if loc is not None:
        g.location = loc[0]
        lu = doc.unit_at(loc[1])
        if lu is not None:
            g.evidence.add((lu.start, lu.end))
    g.sectors = sectors_of(doc, [*g.names, *(text[s:e] for s, e in segments)])
    # named organisations in the cluster's own text
    for seg in segments:
        for rule in doc.rules.member_lists:
            for m in rule.pattern.finditer(text, seg[0], seg[1]):
                ls, le = m.span("list")
                for org in named_list(doc, ls, le):
                    add_unique(g.organisations, org)
                u = seg_unit[seg]
                if u:
                    g.evidence.add((u.start, u.end))
        for rule in doc.rules.host_patterns:
            for m in rule.pattern.finditer(text, seg[0], seg[1]):
                org, _ = clean_name(doc, m.group("org"), m.start("org"))
                add_unique(g.organisations, resolve_org(doc, org, m.span("org")))
    # people: leaders and staff of the cluster
    keys = {name_key(n) for n in g.names} | {name_key(strip_status_prefix(doc.shared, n)) for n in g.names}
    for p in doc.people:
        org = p.get("organisation")
        roles = list(p.get("roles") or [])
        role = next((r for r in roles if doc.rules.leader_roles.search(r or "")), roles[0] if roles else None)
        pstart = p.get("start")
        linked = org and (name_key(org) in keys or name_key(strip_status_prefix(doc.shared, org)) in keys)
        if not linked and pstart is not None and not org and role and doc.rules.leader_roles.search(role):
            linked = any(s <= pstart < e for s, e in segments)
            if not linked and doc.rules.cluster_word.search(role):
                # "Klyngeleder Kari Nordmann": the cluster named last before, same section
                pu = doc.unit_at(pstart)
                before = [(ms, o) for (ms, _me), o in owner.items() if ms < pstart
                          and (pu is None or (doc.unit_at(ms) or pu).section == pu.section)]
                linked = bool(before) and max(before, key=lambda t: t[0])[1] is g
        if linked:
            if p not in g.people:
                g.people.append(p)
