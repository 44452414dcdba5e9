"""`klynge export` (klynge.views.export): the bundled sample's output as flat tables that
load in pandas and DuckDB with the declared types; bad input reported, never raised."""
from __future__ import annotations

import csv
import json
from decimal import Decimal

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from klynge.cli import main
from klynge.views.export import document_rows, export
from klynge.views.tables import EXPORT_TABLES, export_table

# export table -> the record list it flattens (None: one row per record)
SOURCES = {"documents": None, "clusters": "clusters", "people": "people",
           "organisations": "organisations", "amounts": "amounts", "dates": "dates",
           "quotes": "quotes", "entities": "entities"}


@pytest.fixture(scope="module")
def parquet_dir(sample_jsonl, tmp_path_factory):
    out = tmp_path_factory.mktemp("export") / "tables"
    summary = export([str(sample_jsonl)], out, "parquet")
    assert summary.problems == [] and summary.documents == 48
    return out


@pytest.fixture(scope="module")
def csv_dir(sample_jsonl, tmp_path_factory):
    out = tmp_path_factory.mktemp("export") / "csv"
    assert export([str(sample_jsonl)], out, "csv").problems == []
    return out


def _expected_rows(records, table):
    key = SOURCES.get(table)
    if table == "cluster_evidence":
        return sum(len(c["evidence"]) for r in records for c in r["clusters"])
    return len(records) if key is None else sum(len(r[key]) for r in records)


@pytest.mark.parametrize("table", EXPORT_TABLES, ids=lambda t: t.name)
def test_export_parquet_loads_in_pandas_with_the_declared_types(parquet_dir, sample_records,
                                                                 table):
    df = pd.read_parquet(parquet_dir / f"{table.name}.parquet", dtype_backend="pyarrow")
    assert list(df.columns) == table.names
    for col in table.columns:
        assert df[col.name].dtype == pd.ArrowDtype(col.type.arrow()), col.name
    assert len(df) == _expected_rows(sample_records, table.name) > 0
    assert not df.duplicated(list(table.key)).any()
    assert pq.read_schema(parquet_dir / f"{table.name}.parquet").equals(
        table.arrow_schema(), check_metadata=False)


@pytest.mark.parametrize("table", EXPORT_TABLES, ids=lambda t: t.name)
def test_export_parquet_loads_in_duckdb_with_the_declared_types(parquet_dir, table):
    path = parquet_dir / f"{table.name}.parquet"
    described = duckdb.sql(f"DESCRIBE SELECT * FROM '{path}'").fetchall()
    assert [(name, type_) for name, type_, *_ in described] == [
        (c.name, c.type.sql()) for c in table.columns]


def test_export_amounts_are_exact_decimals(parquet_dir, sample_records):
    df = pd.read_parquet(parquet_dir / "amounts.parquet")  # pandas' default dtypes
    assert df["value"].map(type).eq(Decimal).all()
    assert (df["value"] == df["value_text"].map(Decimal)).all()
    values = [a["value"] for r in sample_records for a in r["amounts"]]
    assert list(df["value_text"]) == values
    total = duckdb.sql(f"SELECT sum(value) FROM '{parquet_dir / 'amounts.parquet'}' "
                       "WHERE currency = 'NOK'").fetchall()[0][0]
    assert isinstance(total, Decimal)
    assert total == sum(Decimal(a["value"]) for r in sample_records for a in r["amounts"]
                        if a["currency"] == "NOK")


def test_export_documents_keep_dates_flags_and_languages(parquet_dir, sample_records):
    df = pd.read_parquet(parquet_dir / "documents.parquet", dtype_backend="pyarrow")
    by_id = {r["id"]: r for r in sample_records}
    for row in df.itertuples():
        rec = by_id[row.document_id]
        assert row.language == rec["language"]["code"]
        assert (row.published.isoformat() if not pd.isna(row.published) else None) == rec["published"]
        assert list(row.flags) == rec["flags"]
        assert row.text_length == len(rec["text"])
    assert list(df["document_id"]) == [r["id"] for r in sample_records]


def test_export_clusters_and_evidence_join(parquet_dir):
    rows = duckdb.sql(f"""
        SELECT c.name, c.cluster_id, c.members, c.location, e.text, e.supports
        FROM '{parquet_dir / "clusters.parquet"}' c
        JOIN '{parquet_dir / "cluster_evidence.parquet"}' e
          ON e.document_id = c.document_id AND e.cluster_position = c.position
        WHERE c.cluster_id = 'gce-node' ORDER BY e.position""").fetchall()  # the gazetteer's id
    assert {r[0] for r in rows} == {"NODE"}
    assert rows[-1][2:4] == (48, "Sørlandet")
    assert rows[-1][5] == ["name", "status", "members", "location"]


def test_export_csv_has_the_declared_header_and_exact_strings(csv_dir, sample_records):
    for table in EXPORT_TABLES:
        with open(csv_dir / f"{table.name}.csv", encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        assert rows[0] == table.names
        assert len(rows) - 1 == _expected_rows(sample_records, table.name)
    with open(csv_dir / "amounts.csv", encoding="utf-8", newline="") as fh:
        amounts = list(csv.DictReader(fh))
    assert [a["value"] for a in amounts] == [a["value"] for r in sample_records
                                             for a in r["amounts"]]
    with open(csv_dir / "people.csv", encoding="utf-8", newline="") as fh:
        people = list(csv.DictReader(fh))
    assert [json.loads(p["roles"]) for p in people] == [p["roles"] for r in sample_records
                                                         for p in r["people"]]
    df = pd.read_csv(csv_dir / "amounts.csv", dtype={"value": str})
    assert list(df["value"].map(Decimal)) == [Decimal(a["value"]) for r in sample_records
                                              for a in r["amounts"]]


def test_export_error_records_and_slim_records(tmp_path):
    path = tmp_path / "out.jsonl"
    records = [
        {"schema_version": "1.1", "id": "e1", "status": "error",
         "error": {"code": "empty", "message": "no text"}, "source": {"path": "a.txt"},
         "language": {"code": "und", "confidence": 0.0}, "text": ""},
        {"id": "slim", "status": "ok", "amounts": [
            {"text": "NOK 1", "value": "1" + "0" * 40, "currency": "NOK", "start": 0, "end": 5}]},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    summary = export([str(path)], tmp_path / "t")
    assert summary.documents == 2
    assert summary.problems == [f"{path}:2: amount '1{'0' * 40}' does not fit the declared "
                                "decimal; its value is null, value_text has it"]
    docs = pq.read_table(tmp_path / "t" / "documents.parquet").to_pylist()
    assert docs[0]["error_code"] == "empty" and docs[0]["text_length"] == 0
    assert docs[1]["text_length"] is None and docs[1]["language"] is None
    amount = pq.read_table(tmp_path / "t" / "amounts.parquet").to_pylist()[0]
    assert amount["value"] is None and amount["value_text"] == "1" + "0" * 40
    assert pq.read_table(tmp_path / "t" / "quotes.parquet").num_rows == 0


def test_export_document_rows_positions():
    rows = document_rows({"id": "d", "status": "ok", "people": [
        {"name": "A", "roles": ["r"], "start": 0, "end": 1, "text": "A"},
        {"name": "B", "start": 2, "end": 3, "text": "B"}]})
    assert [(r["document_id"], r["position"], r["name"]) for r in rows["people"]] == [
        ("d", 0, "A"), ("d", 1, "B")]


def test_export_cli_reports_bad_lines_and_exits_1(tmp_path, sample_jsonl, capsys):
    first = sample_jsonl.read_text(encoding="utf-8").splitlines()[0]
    path = tmp_path / "mixed.jsonl"
    path.write_text(f"{first}\n{{broken\n{first}\n[]\n", encoding="utf-8")
    assert main(["export", str(path), "-o", str(tmp_path / "t")]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[:3] == [
        f"klynge export: {path}:2: not JSON (Expecting property name enclosed in double "
        "quotes, column 2)",
        f"klynge export: {path}:3: document id {json.loads(first)['id']!r} repeated; the "
        "first is kept",
        f"klynge export: {path}:4: not a JSON object (list)"]
    assert err[3].startswith("klynge export: 1 documents into")
    assert pq.read_table(tmp_path / "t" / "documents.parquet").num_rows == 1
    assert not list((tmp_path / "t").glob(".*.tmp"))


@pytest.mark.parametrize("case", ["missing input", "input is a folder", "output is a file"])
def test_export_cli_cannot_run_exit_2_one_line(tmp_path, sample_jsonl, capsys, case):
    afile = tmp_path / "file.txt"
    afile.write_text("x", encoding="utf-8")
    args = {"missing input": [str(tmp_path / "nope.jsonl"), "-o", str(tmp_path / "t")],
            "input is a folder": [str(tmp_path), "-o", str(tmp_path / "t")],
            "output is a file": [str(sample_jsonl), "-o", str(afile)]}[case]
    assert main(["export", *args]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and err.startswith("klynge export: error: ")
    assert "Traceback" not in err
    assert not (tmp_path / "t").exists()


def test_export_cli_csv(tmp_path, sample_jsonl, capsys):
    assert main(["export", str(sample_jsonl), "-o", str(tmp_path / "c"), "--format", "csv"]) == 0
    assert sorted(p.name for p in (tmp_path / "c").iterdir()) == sorted(
        f"{t.name}.csv" for t in EXPORT_TABLES)
    assert "48 documents" in capsys.readouterr().err


def test_export_is_deterministic(sample_jsonl, parquet_dir, tmp_path):
    export([str(sample_jsonl)], tmp_path / "again")
    for table in EXPORT_TABLES:
        a = pq.read_table(parquet_dir / f"{table.name}.parquet")
        b = pq.read_table(tmp_path / "again" / f"{table.name}.parquet")
        assert a.equals(b)
    assert export_table("amounts").arrow_schema().field("value").type == pa.decimal128(38, 4)
