"""What the views say about a cluster record beyond the record itself: its stable id,
the county of its location, and where in an evidence sentence its name, status, counts
and place are written. Export, registry and page all ask here, so they agree.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from klynge.lexicon import lookup, name_key, places
from klynge.records.clusters.registry import name_keys

KEY_PREFIX = "key:"


def cluster_id(cluster: dict) -> str | None:
    """The stable id of a cluster record: its own ``id`` when the record has one (a
    cluster gazetteer), else the organisation gazetteer's id of its name or an alias,
    else ``key:`` + the name key (``klynge.lexicon.name_key``) of its name without the
    status prefix: "NCE NODE", "GCE NODE", "gce-node" and "NODE" are all ``key:node``."""
    own = cluster.get("id")
    if isinstance(own, str) and own.strip():
        return own
    name = cluster.get("name")
    if not isinstance(name, str) or not name_key(name):
        return None
    aliases = [a for a in cluster.get("aliases") or [] if isinstance(a, str)]
    for n in (name, *aliases):
        body = lookup(n)
        if body:
            return body
    keys = name_keys(name)
    full = name_key(name)
    stripped = sorted(k for k in keys if k != full)
    return KEY_PREFIX + (stripped[0] if stripped else full)


@lru_cache(maxsize=None)
def _counties() -> dict[str, str]:
    p = places()
    index = {c.casefold(): c for c in p.counties}
    for m in p.municipalities:
        for n in (m.name, *m.other):
            index.setdefault(n.casefold(), m.county)
    return index


def county_of(location: Any) -> str | None:
    """The county of a cluster's location: itself when it is a county, the municipality's
    county (rules/shared/places.yaml) when it is a municipality, else None (a region such
    as Sørlandet, a town, a place abroad)."""
    if not isinstance(location, str):
        return None
    return _counties().get(" ".join(location.split()).casefold())


def _word(s: str) -> re.Pattern:
    return re.compile(r"(?<!\w)" + re.escape(s) + r"(?!\w)", re.IGNORECASE)


def fact_spans(cluster: dict, text: str) -> list[tuple[int, int, str]]:
    """(start, end, fact) inside ``text`` (an evidence sentence) where it states the
    cluster's name, status, members, partners or location; sorted, overlaps allowed."""
    out: list[tuple[int, int, str]] = []
    names = [cluster.get("name"), *(cluster.get("aliases") or [])]
    for n in sorted({n for n in names if isinstance(n, str) and n.strip()}, key=len, reverse=True):
        for m in _word(n).finditer(text):
            if not any(s <= m.start() and m.end() <= e for s, e, f in out if f == "name"):
                out.append((m.start(), m.end(), "name"))
    status = cluster.get("status") or (cluster.get("event") or {}).get("status")
    if isinstance(status, str) and status:
        out += [(m.start(), m.end(), "status") for m in _word(status).finditer(text)]
    for fact in ("members", "partners"):
        v = cluster.get(fact)
        if isinstance(v, int) and not isinstance(v, bool):
            out += [(m.start(), m.end(), fact)
                    for m in re.finditer(r"(?<![\d.,])" + str(v) + r"(?![\d])", text)]
    loc = cluster.get("location")
    if isinstance(loc, str) and loc.strip():
        out += [(m.start(), m.end(), "location")
                for m in re.finditer(r"(?<!\w)" + re.escape(loc) + r"\w*", text, re.IGNORECASE)]
    return sorted(out)


def supports(cluster: dict, text: str) -> list[str]:
    """The facts an evidence sentence states, in a fixed order."""
    found = {f for _, _, f in fact_spans(cluster, text)}
    return [f for f in ("name", "status", "members", "partners", "location") if f in found]
