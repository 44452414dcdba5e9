"""Cluster records: business clusters (næringsklynger) with Arena, Arena Pro, NCE or GCE status.

``extract_clusters`` reads one annotated document (:class:`klynge.document.AnnotatedDocument`:
entities, sentences, sections and their list items) plus the people and organisation
builders' records and returns the clusters it names
and the programme-level facts (budget, number of clusters, new clusters, applicants).

How clusters are found (all patterns are data, in ``pipeline/rules/{shared,<lang>}/clusters.yaml``):

1. Names by shape, whatever the NER said: "NCE X", "GCE X", "Arena X", "X Cluster",
   "Cluster for X", "H2Cluster", "Hydrogenklyngen". Aliases from "A – B" where B is itself a
   cluster name or "tidligere B", and from "A (B)". Where no shape matched, a name of the
   cluster gazetteer (``shared/clusters_gazetteer.yaml``: "Robotdalen", "Odense
   Robotics"), except all-capital names shorter than ``known_name_min_acronym``; the names
   of one gazetteer cluster make one record ("CLEAN", "CLEAN Miljø").
2. The leading name of a list item in a cluster context ("• NODE (Norwegian Offshore &
   Drilling Engineering)", "• Energy and Emissions Trading").
3. Siblings in an enumeration that holds a cluster name ("A i Bergen, Arena Oslo og
   Tequity Cluster i Trondheim").
4. What the text calls a cluster (``context``): predicates, appositions and cluster nouns
   before a name are name patterns of the rule files; names run on into their place or
   the NER's organisation ("Hydrogen Cluster Bergen"); lines of a list under a heading
   about clusters, each with its own place ("Mobile Heights, Skåne"); enumerations after
   "bland andra", "such as" or a colon.

Facts (members, partners, location, sectors, linked organisations) come from the text
that belongs to one cluster: the whole list item it leads; else the sentence naming it
(cut at the next cluster named in the same sentence) and the following sentences that
refer back ("Klyngen har ...", "Den har ..."). The cluster a release is about (its
subject: ``release_subject``) also takes members and place said anywhere outside the units
naming other clusters; the lone cluster of a release also its status. Status signals ("får Arena-status",
"oppgradert til NCE") apply to every cluster named in the sentence; an application, a loss
or a downgrade ("søker Arena-status", "mister NCE-statusen og blir Arena Pro") owns the
status words inside it, so they give no status (a downgrade gives its new one); a status in the
title ("To nye Arena-klynger"; else in the first few units) applies to listed clusters
(list items, enumerations) that have none of their own, or to all when no cluster has a
signal of its own. The name's prefix ("NCE NODE") gives a status but no event. The event
date is a DATE entity of the signal's sentence, else the published date.

Counts: the first count phrase in the cluster's text gives members and/or partners;
coordinated member counts are summed ("123 bedrifter og 19 offentlige aktører" -> 142)
and ``members_breakdown`` is set only when there are two or more parts. Organisations
come from partner lines ("IFE partner i to av klyngene", over the list that follows),
named member lists ("Kjernebedriftene i prosjektet er A, B og C") and host phrases;
people from the people stage when their organisation is the cluster, or when they hold a
leader role in the cluster's text. Evidence: the units that name the cluster or gave one
of its facts.

``Programme`` is only produced for documents about clusters (a cluster found, or a
cluster programme named): budget (MONEY entity, else the rule-data amount pattern) in a
sentence with a budget word and a cluster programme, year from the sentence (DATE entity,
a year, or "neste år" relative to the published date), clusters in the programme, new
clusters (an admission sentence wins over the title), applicants.
"""
from __future__ import annotations

from typing import Sequence

from klynge.document import AnnotatedDocument
from klynge.lexicon import EVENTS_WITHOUT_STATUS, known_cluster_country, known_cluster_id
from klynge.records.clusters.candidates import (
    ClusterAcc, attach_aliases, enumeration_candidates, find_mentions, group_candidates,
    list_candidates, pattern_candidates,
)
from klynge.records.clusters.context import (
    backref_subject_candidates, defining_places, member_subject_candidates,
    place_compound_descriptions, extend_names, intro_candidates, list_line_candidates, place_after_name,
)
from klynge.records.clusters.document import Doc
from klynge.records.clusters.facts import (
    STATUS_EVENTS, collect_facts, decide_status, link_partners, unit_signals,
)
from klynge.records.clusters.programme import programme_facts
from klynge.records.clusters.rules import (
    LangClusterRules, SharedClusterRules, lang_rules, shared_rules,
)

__all__ = ["extract_clusters", "lang_rules", "shared_rules", "LangClusterRules",
           "SharedClusterRules"]


# When the title says nothing about a status, the first units may (web captures often put
# navigation text such as "Historisk arkiv" before the real title).
TITLE_WINDOW = 4


def release_subject(doc: Doc, groups: list[ClusterAcc]) -> ClusterAcc | None:
    """The cluster the release is about: the only one it names; else the only one its
    title names (a title naming two is about both); else, with none in the title, one
    named far more often than any other (``release_subject`` of the shared rules)."""
    if len(groups) <= 1:
        return groups[0] if groups else None
    title = doc.title
    if title is not None:
        in_title = [g for g in groups if any(title.start <= s < title.end for s, _e in g.mentions)]
        if in_title:
            return in_title[0] if len(in_title) == 1 else None
    rule = doc.shared.release_subject
    ranked = sorted(groups, key=lambda g: -len(g.mentions))
    top, second = len(ranked[0].mentions), len(ranked[1].mentions)
    if top >= rule.min_mentions and top >= rule.dominance * second:
        return ranked[0]
    return None


def extract_clusters(document: AnnotatedDocument, people: Sequence[dict] = (),
                     organisations: Sequence[dict] = ()) -> tuple[list[dict], dict | None]:
    """The clusters a document names and its programme facts, as plain dicts that the
    emit schema (:class:`klynge.schema.Cluster`, :class:`klynge.schema.Programme`) validates.

    ``people`` and ``organisations`` are the people and organisation builders' records; a
    cluster's ``people`` are the very records of the people it names (``build_records``
    writes them in the shape of the top-level ``people``)."""
    doc = Doc(document, people, organisations)
    text = doc.text
    cands = pattern_candidates(doc)
    place_compound_descriptions(doc, cands)
    extend_names(doc, cands)
    cands = attach_aliases(doc, cands)
    list_line_candidates(doc, cands)
    list_candidates(doc, cands)
    intro_candidates(doc, cands)
    enumeration_candidates(doc, cands)
    defining_places(doc, cands)
    backref_subject_candidates(doc, cands)
    member_subject_candidates(doc, cands)
    # a place right after a name ("Cluster for Applied AI i Halden")
    for c in cands:
        loc = c.loc or place_after_name(doc, c.end)
        if loc is not None:
            c.loc = loc
    groups = group_candidates(doc, cands)
    find_mentions(doc, groups)
    for g in groups:
        g.id = known_cluster_id(*g.names)
    owner = {m: g for g in groups for m in g.mentions}
    programme = programme_facts(doc, bool(groups))

    # title-level status ("To nye Arena-klynger")
    title_signal = None
    heads = ([doc.title] if doc.title is not None else []) + doc.units[:TITLE_WINDOW]
    for hu in heads:
        if doc.rules.cluster_word.search(text[hu.start:hu.end]):
            # a title's application ("søker Arena-status") gives listed clusters no status
            sig = [s for s in unit_signals(doc, hu) if s[1] and s[2] not in EVENTS_WITHOUT_STATUS]
            if sig:
                title_signal = sig[0]
                doc.title = hu
                break

    subject = release_subject(doc, groups)
    for g in groups:
        collect_facts(doc, g, owner, subject=g is subject, lone=len(groups) == 1)
    # organisations linked by "IFE partner i to av klyngene"
    link_partners(doc, groups)

    own = any(s[1] for g in groups for s in g.signals)
    clusters = []
    for g in groups:
        status, event, evunit = decide_status(doc, g, title_signal, own)
        cid = g.id
        country = known_cluster_country(cid)
        if country in doc.shared.countries_without_levels or (
                country is None and not doc.rules.status_levels):
            # Danish and Swedish programmes have no levels: "Arena Hälsa" holds none, and
            # an event keeps its type without one
            status = None
            if event is not None:
                event = None if event["type"] in STATUS_EVENTS else dict(event, status=None)
        if evunit and (event is not None or status is not None):
            g.evidence.add(evunit)
        clusters.append({
            "name": g.names[0], "aliases": list(g.names[1:]), "id": cid,
            "status": status, "event": event,
            "members": g.members, "partners": g.partners,
            "members_breakdown": g.members_breakdown, "location": g.location,
            "sectors": g.sectors, "organisations": g.organisations, "people": g.people,
            "evidence": [{"start": s, "end": e, "text": text[s:e]} for s, e in sorted(g.evidence)],
        })
    clusters.sort(key=lambda c: c["evidence"][0]["start"] if c["evidence"] else 0)
    return clusters, programme
