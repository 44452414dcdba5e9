"""The table definitions (klynge.views.tables): one home from which the Arrow schema, the
CSV header, the DuckDB DDL and `klynge schema --tables` are derived."""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pyarrow as pa
import pytest

from klynge.cli import main
from klynge.views.tables import (EXPORT_TABLES, REGISTRY_TABLES, Type, describe_tables,
                                 export_table, parse_day, parse_decimal, tables_text)

ALL = [*EXPORT_TABLES, *REGISTRY_TABLES]


def test_tables_export_names_are_the_issue_kinds():
    assert [t.name for t in EXPORT_TABLES] == [
        "documents", "clusters", "cluster_evidence", "people", "organisations", "amounts",
        "dates", "quotes", "entities"]
    assert [t.name for t in REGISTRY_TABLES] == ["clusters", "mentions", "status_events",
                                                 "sources"]


@pytest.mark.parametrize("table", EXPORT_TABLES, ids=lambda t: t.name)
def test_tables_every_export_row_is_keyed_by_document_id(table):
    assert table.key[0] == "document_id" and table.names[0] == "document_id"
    assert set(table.key) <= set(table.names)
    assert len(set(table.names)) == len(table.names)
    if table.name != "documents":
        assert "position" in table.key


@pytest.mark.parametrize("table", ALL, ids=lambda t: t.name)
def test_tables_arrow_and_sql_schema_derive_from_the_columns(table):
    schema = table.arrow_schema()
    assert schema.names == table.names
    for col, fld in zip(table.columns, schema):
        assert fld.type == col.type.arrow()
        assert fld.metadata[b"description"].decode() == col.description
        assert fld.nullable == (col.name not in table.key)
    sql = table.create_sql()
    for col in table.columns:
        assert f'"{col.name}" {col.type.sql()}' in sql
    assert "PRIMARY KEY (" + ", ".join(f'"{k}"' for k in table.key) + ")" in sql


def test_tables_amounts_are_decimal128_never_float():
    amounts = export_table("amounts").arrow_schema()
    assert amounts.field("value").type == pa.decimal128(38, 4)
    assert Type.DECIMAL.sql() == "DECIMAL(38,4)"
    floats = [(t.name, c.name) for t in ALL for c in t.columns if c.type is Type.FLOAT]
    assert floats == [("documents", "language_confidence")]


@pytest.mark.parametrize("raw, expected", [
    ("100000000", Decimal("100000000")),
    ("12.50", Decimal("12.50")),
    ("0.0001", Decimal("0.0001")),
    ("-5", Decimal("-5")),
    ("9" * 34, Decimal("9" * 34)),
    ("9" * 35, None),  # 35 whole digits do not fit decimal(38, 4)
    ("0.00001", None),  # five places
    ("NaN", None), ("Infinity", None), ("12 kroner", None), (12, None), (None, None),
])
def test_tables_parse_decimal(raw, expected):
    assert parse_decimal(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("2020-11-19", dt.date(2020, 11, 19)), ("2020-11", None), ("2020", None),
    ("2020-02-30", None), (20201119, None), (None, None)])
def test_tables_parse_day(raw, expected):
    assert parse_day(raw) == expected


@pytest.mark.parametrize("type_, raw, value, csv", [
    (Type.STRING, "Bergen", "Bergen", "Bergen"),
    (Type.STRING, 5, None, ""),
    (Type.INT, 48, 48, "48"),
    (Type.INT, True, None, ""),
    (Type.FLOAT, 1, 1.0, "1.0"),
    (Type.BOOL, False, False, "false"),
    (Type.DATE, "2009-06-19", dt.date(2009, 6, 19), "2009-06-19"),
    (Type.DECIMAL, "30000000", Decimal("30000000"), "30000000"),
    (Type.STRINGS, ["a", "b"], ["a", "b"], '["a", "b"]'),
    (Type.STRINGS, "a", None, ""),
])
def test_tables_column_values_and_csv_forms(type_, raw, value, csv):
    from klynge.views.tables import Column
    col = Column("c", type_, "")
    assert col.value(raw) == value
    assert col.csv(col.value(raw)) == csv


def test_tables_klynge_schema_tables_describes_every_table(capsys):
    assert main(["schema", "--tables"]) == 0
    text = capsys.readouterr().out
    for table in ALL:
        assert f"\n{table.name}: {table.description}" in text
        for col in table.columns:
            assert col.name in text
    assert main(["schema", "--tables", "--json"]) == 0
    described = json.loads(capsys.readouterr().out)
    assert described == describe_tables()
    amounts = next(t for t in described["export"] if t["name"] == "amounts")
    value = next(c for c in amounts["columns"] if c["name"] == "value")
    assert value["type"] == "decimal(38,4)" and value["csv"] == "the exact decimal string"
    assert tables_text() + "\n" == text
