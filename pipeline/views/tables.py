"""The one home of every table the views write: the export tables (``klynge export``)
and the cluster registry's tables (``klynge clusters merge --db``).

Each :class:`Table` lists its columns with a declared :class:`Type`; the Parquet (Arrow)
schema, the CSV header and encoding, the DuckDB ``CREATE TABLE`` and ``klynge schema
--tables`` are all derived from these lists, so they cannot disagree, and no type is ever
inferred from the data.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any, get_args

from klynge.lexicon import StatusEventType

# Amounts: an exact decimal, never a float. 38 digits (decimal128's most), 4 after the
# point: whole units up to 10^34, øre and cents exactly. A value that does not fit (the
# amounts normaliser allows up to 60 digits) is left null in `value`; `value_text`
# always holds the exact string.
AMOUNT_PRECISION = 38
AMOUNT_SCALE = 4
# The event types have one home, the schema's literal.
_EVENT_TYPES = ", ".join(get_args(StatusEventType))


class Type(Enum):
    STRING = "string"
    INT = "int64"
    FLOAT = "float64"
    BOOL = "bool"
    DATE = "date"
    DECIMAL = f"decimal({AMOUNT_PRECISION},{AMOUNT_SCALE})"
    STRINGS = "list<string>"

    def arrow(self):
        import pyarrow as pa
        return {Type.STRING: pa.string(), Type.INT: pa.int64(), Type.FLOAT: pa.float64(),
                Type.BOOL: pa.bool_(), Type.DATE: pa.date32(),
                Type.DECIMAL: pa.decimal128(AMOUNT_PRECISION, AMOUNT_SCALE),
                Type.STRINGS: pa.list_(pa.string())}[self]

    def sql(self) -> str:
        return {Type.STRING: "VARCHAR", Type.INT: "BIGINT", Type.FLOAT: "DOUBLE",
                Type.BOOL: "BOOLEAN", Type.DATE: "DATE",
                Type.DECIMAL: f"DECIMAL({AMOUNT_PRECISION},{AMOUNT_SCALE})",
                Type.STRINGS: "VARCHAR[]"}[self]

    def csv_form(self) -> str:
        return {Type.STRING: "text", Type.INT: "integer", Type.FLOAT: "decimal point number",
                Type.BOOL: "true/false", Type.DATE: "YYYY-MM-DD",
                Type.DECIMAL: "the exact decimal string",
                Type.STRINGS: "a JSON array of strings"}[self]


@dataclass(frozen=True)
class Column:
    name: str
    type: Type
    description: str

    def value(self, raw: Any) -> Any:
        """``raw`` (a JSON value of the record) as this column's Python value; None when
        it is missing or does not have the declared type."""
        if raw is None:
            return None
        t = self.type
        if t is Type.STRING:
            return raw if isinstance(raw, str) else None
        if t is Type.INT:
            return raw if isinstance(raw, int) and not isinstance(raw, bool) else None
        if t is Type.FLOAT:
            return float(raw) if isinstance(raw, (int, float)) and not isinstance(raw, bool) else None
        if t is Type.BOOL:
            return raw if isinstance(raw, bool) else None
        if t is Type.DATE:
            return parse_day(raw)
        if t is Type.DECIMAL:
            return parse_decimal(raw)
        if t is Type.STRINGS:
            return [v for v in raw if isinstance(v, str)] if isinstance(raw, list) else None
        raise AssertionError(t)

    def csv(self, value: Any) -> str:
        """One CSV field; null is the empty field."""
        if value is None:
            return ""
        if self.type is Type.BOOL:
            return "true" if value else "false"
        if self.type is Type.DATE:
            return value.isoformat()
        if self.type is Type.STRINGS:
            return json.dumps(value, ensure_ascii=False)
        return str(value)


def parse_day(raw: Any) -> dt.date | None:
    if not isinstance(raw, str) or len(raw) != 10:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        return None


def parse_decimal(raw: Any) -> Decimal | None:
    """The exact decimal of a record's value string when it fits the declared
    precision and scale, else None."""
    if not isinstance(raw, str):
        return None
    try:
        d = Decimal(raw)
    except InvalidOperation:
        return None
    if not d.is_finite():
        return None
    sign, digits, exponent = d.as_tuple()
    scale = max(0, -exponent)
    integer_digits = len(digits) + exponent
    if scale > AMOUNT_SCALE or max(integer_digits, 1) > AMOUNT_PRECISION - AMOUNT_SCALE:
        return None
    return d


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def arrow_schema(self):
        import pyarrow as pa
        return pa.schema([pa.field(c.name, c.type.arrow(), nullable=c.name not in self.key,
                                   metadata={"description": c.description})
                          for c in self.columns],
                         metadata={"table": self.name, "key": ",".join(self.key)})

    def create_sql(self) -> str:
        cols = [f'"{c.name}" {c.type.sql()}' + (" NOT NULL" if c.name in self.key else "")
                for c in self.columns]
        if self.key:
            cols.append("PRIMARY KEY (" + ", ".join(f'"{k}"' for k in self.key) + ")")
        return f'CREATE TABLE IF NOT EXISTS "{self.name}" (' + ", ".join(cols) + ")"

    def describe(self) -> dict:
        return {"name": self.name, "description": self.description, "key": list(self.key),
                "columns": [{"name": c.name, "type": c.type.value, "sql": c.type.sql(),
                             "csv": c.type.csv_form(), "description": c.description}
                            for c in self.columns]}


def _c(name: str, type_: Type, description: str) -> Column:
    return Column(name, type_, description)


S, I, F, B, D, DEC, L = (Type.STRING, Type.INT, Type.FLOAT, Type.BOOL, Type.DATE,
                         Type.DECIMAL, Type.STRINGS)

_DOC = _c("document_id", S, "the record's `id`")
_POS = _c("position", I, "0-based position of the item in the record's list")
_START = _c("start", I, "offset into the record's `text` (characters)")
_END = _c("end", I, "end offset into `text`")

EXPORT_TABLES: tuple[Table, ...] = (
    Table("documents", "one row per document record, ok or error", ("document_id",), (
        _DOC,
        _c("schema_version", S, "the record's schema version"),
        _c("status", S, "ok or error"),
        _c("error_code", S, "error.code (README: error codes); null when ok"),
        _c("error_message", S, "error.message"),
        _c("language", S, "language.code (ISO 639, or und)"),
        _c("language_confidence", F, "language.confidence, 0 to 1"),
        _c("title", S, "title line"),
        _c("published", D, "published date"),
        _c("updated", D, "updated date"),
        _c("publisher", S, "publisher"),
        _c("press_release_no", S, "the release's number"),
        _c("url", S, "source.url"),
        _c("source_path", S, "source.path: the input file"),
        _c("source_line", I, "source.line: the line of a JSONL input"),
        _c("truncated", B, "the text stops mid-sentence or mid-word"),
        _c("flags", L, "what ingest, normalisation and the stages changed or skipped"),
        _c("text_length", I, "characters in `text` (null when the record has no text)"),
    )),
    Table("clusters", "one row per cluster record of a document", ("document_id", "position"), (
        _DOC, _POS,
        _c("name", S, "the cluster's name in this document"),
        _c("cluster_id", S, "stable id: the gazetteer's id when it knows the cluster, else "
                            "'key:' + the name key of the name without its status prefix "
                            "(the registry's id; README: cluster registry)"),
        _c("status", S, "Arena, Arena Pro, NCE or GCE"),
        _c("event_type", S, "event.type: " + _EVENT_TYPES),
        _c("event_status", S, "event.status"),
        _c("event_date", S, "event.date: YYYY, YYYY-MM or YYYY-MM-DD as the text gives it"),
        _c("members", I, "members"),
        _c("partners", I, "partners"),
        _c("location", S, "location (a place of rules/shared/places.yaml)"),
        _c("county", S, "the county of the location when it is a municipality or county"),
        _c("sectors", L, "sectors"),
        _c("aliases", L, "other names of the cluster in this document"),
        _c("organisations", L, "organisations named with the cluster"),
    )),
    Table("cluster_evidence", "the sentences that support a cluster record",
          ("document_id", "cluster_position", "position"), (
        _DOC,
        _c("cluster_position", I, "the cluster's `position` in the clusters table"),
        _POS, _START, _END,
        _c("text", S, "text[start:end]"),
        _c("supports", L, "what the sentence states of the cluster: name, status, members, "
                          "partners, location (found by the view in the sentence)"),
    )),
    Table("people", "one row per person", ("document_id", "position"), (
        _DOC, _POS,
        _c("name", S, "the person's name"),
        _c("roles", L, "roles, as written"),
        _c("organisation", S, "the body the person speaks for"),
        _START, _END,
        _c("text", S, "the first full mention"),
    )),
    Table("organisations", "one row per real-world body", ("document_id", "position"), (
        _DOC, _POS,
        _c("name", S, "the body's name"),
        _c("aliases", L, "other names in the document"),
        _c("organisation_id", S, "the gazetteer's stable id, or null"),
    )),
    Table("amounts", "one row per amount of money", ("document_id", "position"), (
        _DOC, _POS,
        _c("text", S, "as written"),
        _c("value", DEC, "exact decimal in whole currency units (null only when it does "
                         f"not fit decimal({AMOUNT_PRECISION},{AMOUNT_SCALE}); see value_text)"),
        _c("value_text", S, "the record's exact decimal string"),
        _c("currency", S, "ISO 4217 code"),
        _START, _END,
        _c("range_id", I, "shared by both ends of a range"),
    )),
    Table("dates", "one row per date", ("document_id", "position"), (
        _DOC, _POS,
        _c("text", S, "as written"),
        _c("value", S, "YYYY, YYYY-MM or YYYY-MM-DD; null when unresolved"),
        _c("precision", S, "day, month or year"),
        _c("day", D, "the value as a date when its precision is a day"),
        _START, _END,
        _c("flags", L, "why a date is unresolved, ..."),
    )),
    Table("quotes", "one row per quote", ("document_id", "position"), (
        _DOC, _POS,
        _c("text", S, "the quote"),
        _c("speaker", S, "who said it"),
        _START, _END,
    )),
    Table("entities", "one row per entity", ("document_id", "position"), (
        _DOC, _POS,
        _c("label", S, "PER, ORG, LOC, GPE, PROD, EVT, MONEY, DATE, URL, EMAIL, PHONE"),
        _c("text", S, "text[start:end]"),
        _START, _END,
        _c("source", S, "model or rule:<rule id>"),
        _c("fine_label", S, "the model's own label"),
    )),
)

REGISTRY_TABLES: tuple[Table, ...] = (
    Table("clusters", "one row per cluster over every merged document, rebuilt from the "
                      "mentions at each merge", ("cluster_id",), (
        _c("cluster_id", S, "stable id (see the clusters export table)"),
        _c("name", S, "the name (up to case and hyphens) most mentions use, ties to the "
                      "newest; in its most used spelling"),
        _c("status", S, "the status of the latest status event, else of the latest mention"),
        _c("location", S, "the latest location stated"),
        _c("county", S, "its county"),
        _c("members", I, "the latest member count stated"),
        _c("partners", I, "the latest partner count stated"),
        _c("first_published", D, "the earliest published date of a mention"),
        _c("last_published", D, "the latest published date of a mention"),
        _c("documents", I, "documents that mention the cluster"),
    )),
    Table("mentions", "one row per cluster record of a document (the export's clusters "
                      "table with the document's date)", ("document_id", "position"), (
        _DOC, _POS,
        _c("cluster_id", S, "the cluster"),
        _c("name", S, "the name in this document"),
        _c("aliases", L, "other names in this document"),
        _c("status", S, "status stated"),
        _c("members", I, "members stated"),
        _c("partners", I, "partners stated"),
        _c("location", S, "location stated"),
        _c("county", S, "its county"),
        _c("sectors", L, "sectors"),
        _c("published", D, "the document's published date"),
    )),
    Table("status_events", "one row per status event of a mention: the status history",
          ("document_id", "position"), (
        _DOC, _POS,
        _c("cluster_id", S, "the cluster"),
        _c("type", S, _EVENT_TYPES),
        _c("status", S, "the status the event gives (applied for or lost: application, loss)"),
        _c("date", S, "event.date, else the document's published date (YYYY[-MM[-DD]])"),
    )),
    Table("sources", "one row per merged document", ("document_id",), (
        _DOC,
        _c("title", S, "title"),
        _c("published", D, "published date"),
        _c("publisher", S, "publisher"),
        _c("url", S, "source.url"),
        _c("language", S, "language code"),
        _c("source_path", S, "source.path"),
    )),
)


def export_table(name: str) -> Table:
    return next(t for t in EXPORT_TABLES if t.name == name)


def registry_table(name: str) -> Table:
    return next(t for t in REGISTRY_TABLES if t.name == name)


def describe_tables() -> dict:
    """What ``klynge schema --tables`` prints."""
    return {"export": [t.describe() for t in EXPORT_TABLES],
            "registry": [t.describe() for t in REGISTRY_TABLES]}


def tables_text() -> str:
    """What ``klynge schema --tables`` prints: every table, its key and its columns."""
    lines: list[str] = []
    for kind, tables, where in (
            ("export", EXPORT_TABLES, "klynge export: DIR/<table>.parquet or .csv"),
            ("registry", REGISTRY_TABLES, "klynge clusters merge --db: DuckDB tables")):
        lines.append(f"# {kind} tables ({where})")
        for t in tables:
            lines.append(f"\n{t.name}: {t.description}; key ({', '.join(t.key)})")
            width = max(len(c.name) for c in t.columns)
            for c in t.columns:
                lines.append(f"  {c.name:<{width}}  {c.type.value:<14} {c.description}")
        lines.append("")
    return "\n".join(lines).rstrip()
