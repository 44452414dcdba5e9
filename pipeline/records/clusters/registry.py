"""Cluster registry: one entry per cluster across a batch of documents.

``merge_registry`` reads the document records of a ``klynge run`` (or the per-cluster lines
of ``klynge run --emit clusters``) and merges the cluster records that name the same
cluster: names and aliases are compared case-insensitively, with hyphens, spaces and
a leading "The" ignored, and with the status prefix dropped ("NCE NODE", "GCE NODE" and
"NODE" are one cluster; so are "H2Cluster" and "The Norwegian Hydrogen Cluster" once one
document gives the second as an alias of the first).

Facts are never averaged or overwritten: every distinct value of members, partners,
location and status is kept with the documents that support it (id, title, published
date, URL), in date order. Status events make a history sorted by date; the current
status is the status of the latest event that says what the cluster holds (an application
changes nothing, a loss leaves none), else of the latest document.
A record's ``id`` (the cluster gazetteer's stable id, schema 2.2) keys it when present:
records with the same id are one entry (whatever their names), names never merge two
different ids, and the entry carries that ``id`` (null for an entry without one);
records without one merge by name.
Output order is deterministic: entries sorted by canonical name.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Iterable, Iterator, Optional

from klynge.lexicon import EVENTS_WITHOUT_STATUS, name_key
from klynge.records.clusters import shared_rules

_FACTS = ("status", "members", "partners", "members_breakdown", "location")


def _doc_ref(record: dict) -> dict:
    source = record.get("source") or {}
    url = source.get("url") if isinstance(source, dict) else None
    return {"id": record.get("id"), "title": record.get("title"),
            "published": record.get("published"), "url": url or record.get("url")}


def iter_cluster_lines(record: dict) -> Iterator[dict]:
    """One line per cluster of a document record, with the document it comes from."""
    doc = _doc_ref(record)
    for cluster in record.get("clusters") or []:
        c = cluster.model_dump(mode="json") if hasattr(cluster, "model_dump") else dict(cluster)
        yield {"document": doc, **c}


def name_keys(name: str) -> set[str]:
    """Keys under which two names count as the same cluster."""
    if not name or not name.strip():
        return set()
    spaced = " ".join(name.replace("-", " ").replace("–", " ").replace("_", " ").split())
    keys = {name_key(name)}
    stripped = _prefix_re().sub("", spaced, count=1)
    if stripped and stripped != spaced:
        keys.add(name_key(stripped))
    return {k for k in keys if k}


@lru_cache(maxsize=1)
def _prefix_re() -> re.Pattern:
    # the status prefix of the rule data, case-insensitive ("gce-node" is "GCE NODE")
    return re.compile(shared_rules().status_prefix.pattern, re.IGNORECASE)


def _gazetteer_id(cluster: dict) -> str | None:
    cid = cluster.get("id")
    return cid if isinstance(cid, str) and cid.strip() else None


def _iter_clusters(records: Iterable[dict]) -> Iterator[tuple[dict, dict]]:
    for rec in records:
        if not isinstance(rec, dict):
            continue
        if "clusters" in rec:
            doc = _doc_ref(rec)
            for c in rec.get("clusters") or []:
                c = c.model_dump(mode="json") if hasattr(c, "model_dump") else c
                yield doc, c
        elif "name" in rec and isinstance(rec.get("document"), dict):  # a --emit clusters line
            c = {k: v for k, v in rec.items() if k != "document"}
            yield dict(rec["document"]), c


class _Union:
    def __init__(self) -> None:
        self.parent: list[int] = []

    def add(self) -> int:
        self.parent.append(len(self.parent))
        return len(self.parent) - 1

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _date_key(doc: dict, date: Optional[str] = None) -> tuple:
    d = date or doc.get("published") or ""
    return (d == "", d, str(doc.get("id") or ""))


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


def merge_registry(records: Iterable[dict]) -> list[dict]:
    """One registry entry per cluster named anywhere in ``records``, sorted by name."""
    items: list[tuple[dict, dict]] = list(_iter_clusters(records))
    uf = _Union()
    by_key: dict[str, int] = {}
    # A record's gazetteer id (schema 2.2) is its key: records with one id are one entry,
    # and names never join two different ids. Records without one join by name as before.
    group_id: dict[int, str] = {}

    def join(a: int, b: int) -> None:
        ra, rb = uf.find(a), uf.find(b)
        ia, ib = group_id.get(ra), group_id.get(rb)
        if ra == rb or (ia and ib and ia != ib):
            return
        uf.union(ra, rb)
        if ia or ib:
            group_id[uf.find(ra)] = ia or ib

    for doc, c in items:
        i = uf.add()
        cid = _gazetteer_id(c)
        keys = [f"id:{cid}"] if cid else []
        for n in [c.get("name") or "", *(c.get("aliases") or [])]:
            keys += sorted(name_keys(n))
        if cid:
            group_id[i] = cid
        for k in keys:
            if k in by_key:
                join(by_key[k], i)
            else:
                by_key[k] = i
    groups: dict[int, list[int]] = {}
    for i in range(len(items)):
        groups.setdefault(uf.find(i), []).append(i)
    entries = [_entry([items[i] for i in idx]) for idx in groups.values()]
    for entry, root in zip(entries, groups):
        entry["id"] = group_id.get(root)
    entries.sort(key=lambda e: (e["name"].casefold(), e["name"]))
    return entries


def _entry(members: list[tuple[dict, dict]]) -> dict:
    members = sorted(members, key=lambda dc: _date_key(dc[0]))
    # canonical name: the name (up to case and hyphens) most documents use, ties to the
    # latest; its spelling: the most used, not all lower-case, then the earliest
    votes: dict[str, list[tuple[tuple, str]]] = {}
    for doc, c in members:
        n = c.get("name") or ""
        votes.setdefault(name_key(n), []).append((_date_key(doc), n))
    best = sorted(votes, key=lambda k: (-len(votes[k]), _neg(max(v[0] for v in votes[k])), k))[0]
    spellings = [n for _, n in votes[best]]
    name = sorted(dict.fromkeys(spellings),
                  key=lambda n: (-spellings.count(n), n == n.lower(), spellings.index(n)))[0]
    aliases: dict[str, str] = {}
    own_key = name_key(name)
    for doc, c in members:
        for n in [c.get("name") or "", *(c.get("aliases") or [])]:
            k = name_key(n)
            if n and k != own_key and k not in aliases:
                aliases[k] = n
    documents: list[dict] = []
    for doc, _ in members:
        if doc not in documents:
            documents.append(doc)

    facts: dict[str, list[dict]] = {f: [] for f in _FACTS}
    for doc, c in members:
        for f in _FACTS:
            value = c.get(f)
            if value is None or value == {}:
                continue
            slot = next((x for x in facts[f] if _freeze(x["value"]) == _freeze(value)), None)
            if slot is None:
                slot = {"value": value, "documents": []}
                facts[f].append(slot)
            if doc not in slot["documents"]:
                slot["documents"].append(doc)
    for f in _FACTS:
        facts[f].sort(key=lambda x: _date_key(x["documents"][0]))

    history: list[dict] = []
    for doc, c in members:
        ev = c.get("event")
        if not ev:
            continue
        date = ev.get("date") or doc.get("published")
        slot = next((h for h in history if h["type"] == ev.get("type")
                     and h["status"] == ev.get("status") and h["date"] == date), None)
        if slot is None:
            slot = {"type": ev.get("type"), "status": ev.get("status"), "date": date,
                    "documents": []}
            history.append(slot)
        if doc not in slot["documents"]:
            slot["documents"].append(doc)
    history.sort(key=lambda h: (h["date"] is None, h["date"] or "", h["type"] or "",
                                h["status"] or ""))

    # the status of the last event that says what the cluster holds: an application
    # changes nothing, a loss leaves none
    current, decided = None, False
    for h in history:
        if h["type"] in EVENTS_WITHOUT_STATUS:
            if h["type"] == "loss":
                current, decided = None, True
        elif h["status"]:
            current, decided = h["status"], True
    if not decided:
        for doc, c in reversed(members):
            if c.get("status"):
                current = c["status"]
                break

    def union_list(key: str) -> list:
        out: list = []
        for _, c in members:
            for v in c.get(key) or []:
                if v not in out:
                    out.append(v)
        return out

    return {
        "name": name,
        "aliases": sorted(aliases.values(), key=lambda s: (s.casefold(), s)),
        "status": current,
        "history": history,
        "statuses": facts["status"],
        "members": facts["members"],
        "partners": facts["partners"],
        "members_breakdown": facts["members_breakdown"],
        "location": facts["location"],
        "sectors": sorted(union_list("sectors")),
        "organisations": sorted(union_list("organisations")),
        "people": _people(members),
        "documents": documents,
    }


def _people(members: list[tuple[dict, dict]]) -> list[dict]:
    """The cluster's people over its documents, one per name with the roles of every
    document, sorted by name. A person's offsets point into one document's text, so
    the registry keeps name, roles and organisation only."""
    out: dict[str, dict] = {}
    for _, c in members:
        for p in c.get("people") or []:
            entry = out.setdefault(p["name"], {"name": p["name"], "roles": [],
                                               "organisation": None})
            entry["roles"] += [r for r in p.get("roles") or [] if r not in entry["roles"]]
            entry["organisation"] = entry["organisation"] or p.get("organisation")
    return sorted(out.values(), key=lambda p: p["name"])


def _neg(key: tuple) -> tuple:
    """Sort key that puts the latest date first."""
    empty, date, ident = key
    return (empty, tuple(-ord(ch) for ch in date), tuple(-ord(ch) for ch in ident))
