"""The cluster registry in an embedded database (DuckDB): ``klynge clusters merge
OUT.jsonl ... --db clusters.duckdb``.

Tables (:data:`klynge.views.tables.REGISTRY_TABLES`): ``sources`` (every merged document),
``mentions`` (every cluster record of a document, keyed by document id and position),
``status_events`` (the status history) and ``clusters`` (one row per stable cluster id,
rebuilt from the mentions at every merge). A document merged again replaces its earlier
rows, so merging the same output twice changes nothing and a new batch adds to the
registry; a newer run's record of the same document replaces the older one.

Lives with the views, not beside the JSONL registry in ``klynge.records.clusters``: it is
built from emitted output (the export's rows and ids, :mod:`klynge.views.facts`), never
from a run, and shares its table definitions with the export.
"""
from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from klynge.lexicon import EVENTS_WITHOUT_STATUS, name_key
from klynge.views.facts import cluster_id, county_of
from klynge.views.read import BadLine, Line, iter_records
from klynge.views.tables import REGISTRY_TABLES, Table, registry_table


class RegistryError(Exception):
    """The database cannot be opened or written (not a DuckDB file, locked, read-only)."""


@dataclass
class MergeSummary:
    documents: int = 0
    mentions: int = 0
    clusters: int = 0  # in the registry after the merge
    problems: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.problems else 0


def _rows(table: Table, raws: list[dict]):
    import pyarrow as pa
    schema = table.arrow_schema()
    cols = {c.name: [c.value(r.get(c.name)) for r in raws] for c in table.columns}
    return pa.Table.from_arrays([pa.array(cols[f.name], type=f.type) for f in schema],
                                schema=schema)


def _doc_rows(rec: dict, cluster_line_pos: dict[str, int]
              ) -> tuple[str, dict, list[dict], list[dict]] | None:
    """(document id, source row, mention rows, event rows) of one line."""
    if "document" in rec and "id" not in rec:  # a line of klynge run --emit clusters
        doc = rec["document"]
        doc_id = doc.get("id")
        if not isinstance(doc_id, str):
            return None
        pos = cluster_line_pos.get(doc_id, 0)
        cluster_line_pos[doc_id] = pos + 1
        clusters = [(pos, {k: v for k, v in rec.items() if k != "document"})]
        source = {"document_id": doc_id, "title": doc.get("title"),
                  "published": doc.get("published"), "url": doc.get("url")}
    else:
        doc_id = rec["id"]
        src = rec.get("source") if isinstance(rec.get("source"), dict) else {}
        lang = rec.get("language") if isinstance(rec.get("language"), dict) else {}
        clusters = [(i, c) for i, c in enumerate(rec.get("clusters") or []) if isinstance(c, dict)]
        source = {"document_id": doc_id, "title": rec.get("title"),
                  "published": rec.get("published"), "publisher": rec.get("publisher"),
                  "url": src.get("url"), "language": lang.get("code"),
                  "source_path": src.get("path")}
    published = source.get("published")
    mentions, events = [], []
    for pos, c in clusters:
        cid = cluster_id(c)
        if cid is None:
            continue
        mentions.append({"document_id": doc_id, "position": pos, "cluster_id": cid,
                         "name": c.get("name"), "aliases": c.get("aliases"),
                         "status": c.get("status"), "members": c.get("members"),
                         "partners": c.get("partners"), "location": c.get("location"),
                         "county": county_of(c.get("location")), "sectors": c.get("sectors"),
                         "published": published})
        ev = c.get("event")
        if isinstance(ev, dict) and ev.get("type"):
            events.append({"document_id": doc_id, "position": pos, "cluster_id": cid,
                           "type": ev.get("type"), "status": ev.get("status"),
                           "date": ev.get("date") or published})
    return doc_id, source, mentions, events


_MAGIC = b"DUCK"  # bytes 8-11 of every DuckDB database file


def connect(db_path: str | os.PathLike, read_only: bool = False):
    """A connection to the registry at ``db_path`` with its tables created; a file that is
    not a DuckDB database is refused, never touched (DuckDB itself would attach some,
    a .jsonl one for instance, as data)."""
    import duckdb
    try:
        with open(db_path, "rb") as fh:
            head = fh.read(12)
    except FileNotFoundError:
        head = b""
    except OSError as exc:
        raise RegistryError(f"{db_path}: cannot read ({exc.strerror or exc})") from exc
    if head and head[8:12] != _MAGIC:
        raise RegistryError(f"{db_path}: exists and is not a DuckDB database")
    try:
        con = duckdb.connect(str(db_path), read_only=read_only)
    except (duckdb.Error, OSError) as exc:
        raise RegistryError(f"{db_path}: cannot open as a DuckDB database "
                            f"({str(exc).splitlines()[0]})") from exc
    if not read_only:
        for table in REGISTRY_TABLES:
            con.execute(table.create_sql())
    return con


def merge_into_db(paths: Iterable[str], db_path: str | os.PathLike,
                  report: Callable[[str], None] | None = None) -> MergeSummary:
    """Merge the cluster records of ``paths`` (``klynge run`` output, documents or
    ``--emit clusters`` lines) into the registry at ``db_path`` (created if missing)."""
    import duckdb
    summary = MergeSummary()

    def problem(line: str) -> None:
        summary.problems.append(line)
        if report:
            report(line)

    sources: dict[str, dict] = {}
    mentions: dict[str, list[dict]] = {}
    events: dict[str, list[dict]] = {}
    cluster_line_pos: dict[str, int] = {}
    for item in iter_records(paths):
        if isinstance(item, BadLine):
            problem(str(item))
            continue
        assert isinstance(item, Line)
        try:
            got = _doc_rows(item.record, cluster_line_pos)
        except (TypeError, ValueError, AttributeError, KeyError) as exc:
            got, why = None, f"{type(exc).__name__}: {exc}"
        else:
            why = "a cluster line without a document id"
        if got is None:
            problem(f"{item.path}:{item.number}: not a klynge record ({why})")
            continue
        doc_id, source, ms, es = got
        if doc_id in sources and "document" not in item.record:
            mentions[doc_id], events[doc_id] = [], []  # the later record of a document wins
        sources[doc_id] = {**sources.get(doc_id, {}), **source}
        mentions.setdefault(doc_id, []).extend(ms)
        events.setdefault(doc_id, []).extend(es)

    con = connect(db_path)
    try:
        con.execute("BEGIN TRANSACTION")
        incoming = _rows(registry_table("sources"), list(sources.values()))
        con.register("incoming_sources", incoming)
        for name in ("sources", "mentions", "status_events"):
            con.execute(f'DELETE FROM "{name}" WHERE document_id IN '
                        "(SELECT document_id FROM incoming_sources)")
        con.execute('INSERT INTO "sources" BY NAME SELECT * FROM incoming_sources')
        for name, rows in (("mentions", mentions), ("status_events", events)):
            flat = [r for doc_rows in rows.values() for r in doc_rows]
            con.register("incoming_rows", _rows(registry_table(name), flat))
            con.execute(f'INSERT INTO "{name}" BY NAME SELECT * FROM incoming_rows')
            con.unregister("incoming_rows")
        con.unregister("incoming_sources")
        _rebuild_clusters(con)
        con.execute("COMMIT")
        summary.documents = len(sources)
        summary.mentions = sum(len(v) for v in mentions.values())
        summary.clusters = con.execute('SELECT count(*) FROM "clusters"').fetchall()[0][0]
    except duckdb.Error as exc:
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")
        raise RegistryError(f"{db_path}: {str(exc).splitlines()[0]}") from exc
    finally:
        con.close()
    return summary


def _latest(rows: list[dict], key: str) -> Any:
    for r in rows:  # newest first
        if r[key] is not None:
            return r[key]
    return None


def _rebuild_clusters(con) -> None:
    """The clusters table from every mention and event, deterministically."""
    mentions = con.execute(
        'SELECT cluster_id, name, status, members, partners, location, county, published, '
        'document_id, position FROM "mentions"').fetchall()
    cols = ("cluster_id", "name", "status", "members", "partners", "location", "county",
            "published", "document_id", "position")
    by_cluster: dict[str, list[dict]] = {}
    for row in mentions:
        r = dict(zip(cols, row))
        by_cluster.setdefault(r["cluster_id"], []).append(r)
    event_status: dict[str, str | None] = {}
    for cid, type_, status in con.execute(
            'SELECT cluster_id, type, status FROM "status_events" '
            'ORDER BY cluster_id, date NULLS FIRST, document_id, position').fetchall():
        # the last, by date, that says what the cluster holds: an application changes
        # nothing, a loss leaves none
        if type_ in EVENTS_WITHOUT_STATUS:
            if type_ == "loss":
                event_status[cid] = None
        elif status is not None:
            event_status[cid] = status
    out = []
    for cid, rows in sorted(by_cluster.items()):
        # newest first; undated last; then by document id and position
        rows.sort(key=lambda r: (r["published"] is None, _neg_date(r["published"]),
                                 r["document_id"], r["position"]))
        name = _canonical_name([r["name"] for r in rows if r["name"]]) or cid
        dates = [r["published"] for r in rows if r["published"] is not None]
        out.append({"cluster_id": cid, "name": name,
                    "status": event_status[cid] if cid in event_status else _latest(rows, "status"),
                    "location": _latest(rows, "location"), "county": _latest(rows, "county"),
                    "members": _latest(rows, "members"), "partners": _latest(rows, "partners"),
                    "first_published": min(dates).isoformat() if dates else None,
                    "last_published": max(dates).isoformat() if dates else None,
                    "documents": len({r["document_id"] for r in rows})})
    con.execute('DELETE FROM "clusters"')
    con.register("rebuilt", _rows(registry_table("clusters"), out))
    con.execute('INSERT INTO "clusters" BY NAME SELECT * FROM rebuilt')
    con.unregister("rebuilt")


def _canonical_name(names: list[str]) -> str | None:
    """As the JSONL registry chooses it: the name (up to case and hyphens) most mentions
    use, ties to the newest; its spelling the most used, not all lower-case, the newest.
    ``names`` come newest first."""
    if not names:
        return None
    votes: dict[str, list[int]] = {}
    for i, n in enumerate(names):
        votes.setdefault(name_key(n), []).append(i)
    best = sorted(votes, key=lambda k: (-len(votes[k]), votes[k][0], k))[0]
    spellings = [names[i] for i in votes[best]]
    return sorted(dict.fromkeys(spellings),
                  key=lambda n: (-spellings.count(n), n == n.lower(), spellings.index(n)))[0]


def _neg_date(d) -> int:
    return -d.toordinal() if d is not None else 0

