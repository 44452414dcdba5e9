"""``klynge export``: klynge's JSON Lines as flat tables, one file per table of
:data:`klynge.views.tables.EXPORT_TABLES`, in Parquet or CSV.

Every row is keyed by the document id and the item's position in its record's list, and
every column has the type its table declares (Parquet: the Arrow types, amounts as
``decimal128``; CSV: the declared text forms, amounts as the exact string). Input is read
with :func:`klynge.views.read.iter_records`: a bad line is skipped and reported, the
rest is exported. Files are written under a temporary name and renamed when complete.
"""
from __future__ import annotations

import contextlib
import csv
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from klynge.views.facts import cluster_id, county_of, supports
from klynge.views.read import BadLine, Line, iter_records
from klynge.views.tables import EXPORT_TABLES, Table, parse_decimal

FORMATS = ("parquet", "csv")
_FLUSH_ROWS = 20_000  # rows buffered per table before a Parquet row group is written


def _d(obj: Any) -> dict:
    return obj if isinstance(obj, dict) else {}


def _items(record: dict, key: str) -> Iterator[tuple[int, dict]]:
    for i, item in enumerate(record.get(key) or []):
        if isinstance(item, dict):
            yield i, item


def document_rows(record: dict) -> dict[str, list[dict]]:
    """The rows of every export table for one document record (raw JSON values; the
    tables' columns give them their types)."""
    doc = record["id"]
    err, lang, src = _d(record.get("error")), _d(record.get("language")), _d(record.get("source"))
    text = record.get("text")
    rows: dict[str, list[dict]] = {t.name: [] for t in EXPORT_TABLES}
    rows["documents"].append({
        "document_id": doc, "schema_version": record.get("schema_version"),
        "status": record.get("status"), "error_code": err.get("code"),
        "error_message": err.get("message"), "language": lang.get("code"),
        "language_confidence": lang.get("confidence"), "title": record.get("title"),
        "published": record.get("published"), "updated": record.get("updated"),
        "publisher": record.get("publisher"), "press_release_no": record.get("press_release_no"),
        "url": src.get("url"), "source_path": src.get("path"), "source_line": src.get("line"),
        "truncated": record.get("truncated"), "flags": record.get("flags"),
        "text_length": len(text) if isinstance(text, str) else None})
    for i, c in _items(record, "clusters"):
        ev = _d(c.get("event"))
        rows["clusters"].append({
            "document_id": doc, "position": i, "name": c.get("name"),
            "cluster_id": cluster_id(c), "status": c.get("status"),
            "event_type": ev.get("type"), "event_status": ev.get("status"),
            "event_date": ev.get("date"), "members": c.get("members"),
            "partners": c.get("partners"), "location": c.get("location"),
            "county": county_of(c.get("location")), "sectors": c.get("sectors"),
            "aliases": c.get("aliases"), "organisations": c.get("organisations")})
        for j, e in _items(c, "evidence"):
            rows["cluster_evidence"].append({
                "document_id": doc, "cluster_position": i, "position": j,
                "start": e.get("start"), "end": e.get("end"), "text": e.get("text"),
                "supports": supports(c, e["text"]) if isinstance(e.get("text"), str) else []})
    for i, p in _items(record, "people"):
        rows["people"].append({"document_id": doc, "position": i, **p})
    for i, o in _items(record, "organisations"):
        rows["organisations"].append({"document_id": doc, "position": i, "name": o.get("name"),
                                      "aliases": o.get("aliases"), "organisation_id": o.get("id")})
    for i, a in _items(record, "amounts"):
        rows["amounts"].append({"document_id": doc, "position": i, **a,
                                "value_text": a.get("value")})
    for i, d in _items(record, "dates"):
        rows["dates"].append({"document_id": doc, "position": i, **d,
                              "day": d.get("value") if d.get("precision") == "day" else None})
    for i, q in _items(record, "quotes"):
        rows["quotes"].append({"document_id": doc, "position": i, **q})
    for i, e in _items(record, "entities"):
        rows["entities"].append({"document_id": doc, "position": i, **e})
    return rows


def typed_row(table: Table, raw: dict) -> list[Any]:
    return [c.value(raw.get(c.name)) for c in table.columns]


class _ParquetSink:
    def __init__(self, table: Table, path: Path) -> None:
        import pyarrow.parquet as pq
        self.table, self.path = table, path
        self.schema = table.arrow_schema()
        self.writer = pq.ParquetWriter(str(path), self.schema, compression="zstd")
        self.rows: list[list[Any]] = []

    def add(self, row: list[Any]) -> None:
        self.rows.append(row)
        if len(self.rows) >= _FLUSH_ROWS:
            self.flush()

    def flush(self) -> None:
        import pyarrow as pa
        columns = list(zip(*self.rows)) if self.rows else [[] for _ in self.table.columns]
        self.writer.write_table(pa.Table.from_arrays(
            [pa.array(list(col), type=f.type) for col, f in zip(columns, self.schema)],
            schema=self.schema))
        self.rows = []

    def close(self) -> None:
        if self.rows:
            self.flush()
        self.writer.close()


class _CsvSink:
    def __init__(self, table: Table, path: Path) -> None:
        self.table = table
        self.fh = open(path, "w", encoding="utf-8", newline="")
        self.writer = csv.writer(self.fh, lineterminator="\n")
        self.writer.writerow(table.names)

    def add(self, row: list[Any]) -> None:
        self.writer.writerow([c.csv(v) for c, v in zip(self.table.columns, row)])

    def close(self) -> None:
        self.fh.close()


@dataclass
class ExportSummary:
    documents: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # one line each: bad or repeated lines
    files: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.problems else 0


def export(paths: Iterable[str], out_dir: str | os.PathLike, fmt: str = "parquet",
           report: Callable[[str], None] | None = None) -> ExportSummary:
    """Write one file per export table into ``out_dir`` (created if missing) from the
    records in ``paths``. A bad line, a ``--emit clusters`` line and a repeated document id
    (the first one is kept) are skipped, each passed to ``report`` as one line and listed
    in the summary's ``problems``."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    summary = ExportSummary(rows={t.name: 0 for t in EXPORT_TABLES})
    sink_cls = _ParquetSink if fmt == "parquet" else _CsvSink
    final = {t.name: out / f"{t.name}.{fmt}" for t in EXPORT_TABLES}
    temp = {name: p.with_name(f".{p.name}.tmp") for name, p in final.items()}
    sinks = {t.name: sink_cls(t, temp[t.name]) for t in EXPORT_TABLES}
    tables = {t.name: t for t in EXPORT_TABLES}
    seen: set[str] = set()

    def problem(line: str) -> None:
        summary.problems.append(line)
        if report:
            report(line)

    try:
        for item in iter_records(paths):
            if isinstance(item, BadLine):
                problem(str(item))
                continue
            assert isinstance(item, Line)
            rec = item.record
            where = f"{item.path}:{item.number}"
            if "document" in rec and "id" not in rec:
                problem(f"{where}: a cluster line of 'klynge run --emit clusters'; export "
                        "reads document records")
                continue
            if rec["id"] in seen:
                problem(f"{where}: document id {rec['id']!r} repeated; the first is kept")
                continue
            try:
                rows = document_rows(rec)
            except (TypeError, ValueError, AttributeError, KeyError) as exc:
                problem(f"{where}: not a klynge record ({type(exc).__name__}: {exc})")
                continue
            seen.add(rec["id"])
            summary.documents += 1
            for name, table_rows in rows.items():
                for raw in table_rows:
                    row = typed_row(tables[name], raw)
                    sinks[name].add(row)
                    summary.rows[name] += 1
                if name == "amounts":
                    for raw in table_rows:
                        if raw.get("value") is not None and parse_decimal(raw["value"]) is None:
                            problem(f"{where}: amount {raw['value']!r} does not fit the "
                                    "declared decimal; its value is null, value_text has it")
    except BaseException:
        for sink in sinks.values():
            with contextlib.suppress(Exception):
                sink.close()
        for p in temp.values():
            p.unlink(missing_ok=True)
        raise
    for name, sink in sinks.items():
        sink.close()
        os.replace(temp[name], final[name])
        summary.files.append(str(final[name]))
    return summary
