"""Stage 5, records: people, organisations, amounts, dates, URLs, quotes and clusters.

Entry point: :func:`build_records`, a pure function from one
:class:`klynge.document.AnnotatedDocument` (text, languages, sections, entities,
sentences, published date) to the record fields of the document, as plain dicts that the
emit schema validates (every builder here returns dicts; none builds a schema model).

The builders run in the order ``organisations`` -> ``people`` -> ``quotes`` ->
``clusters``, each reading the annotated document and given the earlier ones' output as
data. As modules they import only
downwards: ``roles`` (role and name shapes) is shared by ``organisations``, ``people`` and
``quotes``; ``people`` also calls ``organisations``; the ``clusters`` package imports no
other builder. Word lists that other stages read too (gazetteer, speech verbs, the name
key) come from :mod:`klynge.lexicon`.
"""
from __future__ import annotations

from typing import Any, Sequence

from klynge.document import AnnotatedDocument
from klynge.lexicon import generic_rules, lookup, name_key
from klynge.normalisers.numbers import decimal_str
from klynge.records.clusters import extract_clusters, shared_rules
from klynge.records.clusters.candidates import strip_status_prefix
from klynge.records.organisations import resolve_organisations
from klynge.records.people import extract_people
from klynge.records.quotes import extract_quotes
from klynge.rules import lang_rule_chain


def merge_cluster_aliases(organisations: list[dict], clusters: Sequence[dict]) -> list[dict]:
    """A cluster is one organisation: organisations named by any of a cluster's names
    ("H2Cluster", "The Norwegian Hydrogen Cluster") become one entry with aliases."""
    out = [dict(o, aliases=list(o["aliases"])) for o in organisations]
    for cluster in clusters:
        # "Maritime CleanTech" further down is "NCE Maritime CleanTech": the status
        # prefix is no part of the body's name
        keys = {name_key(k) for n in (cluster["name"], *cluster["aliases"])
                for k in (n, strip_status_prefix(shared_rules(), n))}
        hits = [o for o in out if keys & {name_key(o["name"]), *map(name_key, o["aliases"])}]
        if not hits:
            # the NER missed it, but a cluster is an organisation too
            out.append({"name": cluster["name"], "aliases": list(cluster["aliases"]), "id": None})
            continue
        head = next((o for o in hits if name_key(o["name"]) == name_key(cluster["name"])), hits[0])
        names = [cluster["name"], *cluster["aliases"]]  # the cluster's forms as written first
        for other in hits:
            names += [other["name"], *other["aliases"]]
            if other is not head:
                out.remove(other)
        seen, aliases = {name_key(head["name"])}, []
        for name in names:
            if name_key(name) not in seen:
                seen.add(name_key(name))
                aliases.append(name)
        head["aliases"] = aliases
    return out


def _not_a_body(org: dict, people: list[dict]) -> bool:
    """Fragments and people the model tagged ORG: a word of one or two letters that is no
    acronym ("Ca", "Kl"), an image file name, a person's name or surname ("Toastmaster Arne
    Hjeltnes", "Hjeltnes"). A body the gazetteer knows is always kept."""
    if org.get("gazetteer_id"):
        return False
    name = org["name"]
    if len(name) <= 2 and not name.isupper() or generic_rules().file_name.search(name):
        return True
    for p in people:
        full = p["name"]
        if " " in full and (name == full or name.endswith(" " + full) or name == full.split()[-1]):
            return True
    return False


def _programme_or_status(org: dict) -> bool:
    """Programme names and bare statuses are never organisations (the annotation
    guidelines): "Norwegian Innovation Clusters", "Arena-programmet", "NCE", "GCE"."""
    rules = shared_rules()
    return all(
        rules.is_programme_or_status(n) for n in (org["name"], *org.get("aliases", [])))


# The rule file each language-dependent builder reads: a language without it (along its
# fallback chain) skips that builder, and the record is flagged "skipped:<builder>".
BUILDER_RULES = {"people": "roles.yaml", "quotes": "quotes.yaml", "clusters": "clusters.yaml"}


def skipped_builders(lang: str, has_ner: bool) -> frozenset[str]:
    """The builders that cannot run for ``lang``: no rule file, or (organisations) no NER."""
    skip = {name for name, file in BUILDER_RULES.items() if not lang_rule_chain(lang, file)}
    if not has_ner:
        skip.add("organisations")
    return frozenset(skip)


def build_records(doc: AnnotatedDocument) -> dict[str, Any]:
    """All record fields of one annotated document, as plain dicts ready for the emit
    schema. Builders named in ``doc.skip`` (``skipped_builders``: no rules for the
    language) give nothing."""
    skip, text = doc.skip, doc.text
    organisations = [] if "organisations" in skip else resolve_organisations(doc)
    people = [] if "people" in skip else extract_people(doc, organisations)
    quotes = [] if "quotes" in skip else extract_quotes(doc, people)
    clusters, programme = ([], None) if "clusters" in skip else extract_clusters(
        doc, people, organisations)
    # A cluster names the people records themselves; they are emitted as top-level people are.
    clusters = [dict(c, people=[person_out(p, text) for p in c["people"]]) for c in clusters]
    known = {name_key(n) for c in clusters for n in (c["name"], *c["aliases"])}
    people = [p for p in people if not lookup(p["name"]) and name_key(p["name"]) not in known]
    return {
        "organisations": merge_cluster_aliases(
            [{"name": o["name"], "aliases": list(o.get("aliases", [])),
              "id": o.get("gazetteer_id")}
             for o in organisations
             if not _programme_or_status(o) and not _not_a_body(o, people)], clusters),
        "people": [person_out(p, text) for p in people],
        "quotes": [{"text": q["text"], "speaker": q.get("speaker"), "start": q["start"],
                    "end": q["end"]} for q in quotes],
        **_values(doc.entities),
        "clusters": clusters, "programme": programme,
    }


def person_out(person: dict, text: str) -> dict:
    """A people builder's record in the schema's shape (``PersonOut``)."""
    return {"name": person["name"], "roles": list(person.get("roles", [])),
            "organisation": person.get("organisation"), "start": person["start"],
            "end": person["end"], "text": text[person["start"]:person["end"]]}


def _values(entities: Sequence[dict]) -> dict[str, list[dict]]:
    """Amounts, dates, URLs, e-mail addresses and phone numbers: the rule entities with
    the values the normalisers gave them."""
    out: dict[str, list[dict]] = {"amounts": [], "dates": [], "urls": [], "emails": [],
                                  "phones": []}
    for e in entities:
        label = e["label"]
        if label == "MONEY" and e.get("value") is not None and e.get("currency"):
            out["amounts"].append({"text": e["text"], "value": decimal_str(e["value"]),
                                   "currency": e["currency"], "start": e["start"],
                                   "end": e["end"], "range_id": e.get("range_id")})
        elif label == "DATE":
            out["dates"].append({"text": e["text"], "value": e.get("value"),
                                 "precision": e.get("precision"), "start": e["start"],
                                 "end": e["end"], "flags": list(e.get("flags", []))})
        elif label == "URL":
            out["urls"].append({"text": e["text"], "url": e.get("value") or e["text"],
                                "start": e["start"], "end": e["end"]})
        elif label in ("EMAIL", "PHONE"):
            out["emails" if label == "EMAIL" else "phones"].append(
                {"text": e["text"], "value": e.get("value") or e["text"],
                 "start": e["start"], "end": e["end"]})
    return out
