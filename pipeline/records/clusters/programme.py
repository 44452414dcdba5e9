"""Programme facts of a document about clusters: budget, year, clusters in the
programme, new clusters, applicants."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Optional

from klynge.normalisers.amounts import find_amounts
from klynge.normalisers.numbers import decimal_str
from klynge.records.clusters.document import Doc, Unit, overlaps
from klynge.records.clusters.rules import CountRule


def programme_facts(doc: Doc, has_clusters: bool) -> Optional[dict]:
    """Programme facts as a plain dict for the emit schema, only for documents about
    clusters (clusters found or a cluster programme named)."""
    text = doc.text
    rules = doc.rules.programme
    evidence: set[tuple[int, int]] = set()
    name = None
    first = None
    for p in doc.shared.programmes:
        for m in p.pattern.finditer(text):
            if first is None or m.start() < first:
                first, name = m.start(), p.name
            break
    if name is None and not has_clusters:
        return None
    budget = None
    for u in doc.units:
        ut = text[u.start:u.end]
        if not (rules.budget_context.search(ut) and rules.programme_word.search(ut)):
            continue
        # a cluster programme: named, or the sentence speaks of clusters
        if not (doc.rules.cluster_word.search(ut) or
                any(p.pattern.search(ut) for p in doc.shared.programmes)):
            continue
        if rules.budget_exclude.search(ut):
            continue
        amount = _amount(doc, u)
        if amount is None:
            continue
        value, currency, aspan = amount
        year = None
        for ent in doc.entities_in((u.start, u.end), ("DATE",)):
            v = str(ent.get("value") or "")
            if len(v) >= 4 and v[:4].isdigit() and not overlaps((ent["start"], ent["end"]), aspan):
                year = int(v[:4])
                break
        if year is None:
            for m in doc.shared.year.finditer(text, u.start, u.end):
                if not overlaps(m.span(), aspan):
                    year = int(m.group(0))
                    break
        if year is None and doc.published and doc.published[:4].isdigit():
            for ry in rules.relative_years:
                if ry.pattern.search(ut):
                    year = int(doc.published[:4]) + ry.offset
                    break
        budget = {"value": value, "currency": currency, "year": year,
                  "evidence": {"start": u.start, "end": u.end, "text": ut}}
        evidence.add((u.start, u.end))
        break

    def count(rules_list: list[CountRule]) -> Optional[int]:
        best = None
        for u in doc.units:
            ut = text[u.start:u.end]
            for r in rules_list:
                m = r.pattern.search(ut)
                if not m or (r.context and not r.context.search(ut)):
                    continue
                n = doc.rules.number(m.group("num"))
                if n is None:
                    continue
                key = (r.priority, u.start + m.start())
                if best is None or key < best[0]:
                    best = (key, n, (u.start, u.end))
        if best is None:
            return None
        evidence.add(best[2])
        return best[1]

    total = count(rules.totals)
    new = count(rules.new)
    applicants = count(rules.applicants)
    if name is None and budget is None and total is None and new is None and applicants is None:
        return None
    return {"name": name, "budget": budget, "clusters_total": total, "clusters_new": new,
            "applicants": applicants,
            "evidence": [{"start": s, "end": e, "text": text[s:e]} for s, e in sorted(evidence)]}


def _amount(doc: Doc, u: Unit) -> Optional[tuple[str, str, tuple[int, int]]]:
    """(value, currency, span) of the unit's first amount: a MONEY entity, else what the
    money normaliser finds in the unit (the entity stage may have let a model span win)."""
    for ent in doc.entities_in((u.start, u.end), ("MONEY",)):
        if ent.get("value") is None:
            continue
        try:
            value = Decimal(str(ent["value"]))
        except InvalidOperation:
            continue
        return decimal_str(value), ent.get("currency") or doc.rules.programme.currency, (ent["start"], ent["end"])
    found = find_amounts(doc.text[u.start:u.end], doc.lang)
    if not found:
        return None
    m = found[0]
    return decimal_str(m.value), m.currency, (u.start + m.start, u.start + m.end)
