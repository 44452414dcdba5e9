"""The cluster registry database (klynge.views.registry_db, `klynge clusters merge --db`):
idempotent merges keyed on document id and position, stable ids, new batches add."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from klynge.cli import main
from klynge.views.registry_db import RegistryError, connect, merge_into_db
from klynge.views.tables import REGISTRY_TABLES


def doc(id_, published, clusters, title=None):
    return {"schema_version": "1.1", "id": id_, "status": "ok", "title": title or id_,
            "published": published, "source": {"path": f"{id_}.txt",
                                               "url": f"https://example.invalid/{id_}"},
            "language": {"code": "nb", "confidence": 1.0}, "clusters": clusters}


def cluster(name, **facts):
    return {"name": name, "aliases": [], "sectors": [], "organisations": [], "people": [],
            "evidence": [], **facts}


NODE_2009 = doc("nce-2009", "2009-06-19", [
    cluster("NODE", aliases=["NCE NODE"], status="NCE", members=48, location="Sørlandet",
            event={"type": "new_status", "status": "NCE", "date": "2009-06-19"}),
    cluster("NCE Maritime CleanTech", status="NCE", location="Stord",
            event={"type": "new_status", "status": "NCE", "date": None}),
])
NODE_2014 = doc("gce-2014", "2014-06-25", [
    cluster("GCE NODE", status="GCE", members=60, partners=12, location="Sørlandet",
            event={"type": "upgrade", "status": "GCE", "date": "2014-07-01"}),
    cluster("GCE Subsea", status="GCE", location="Bergen"),
    cluster("NCE Media", aliases=["Media City Bergen"], status="NCE", location="Bergen",
            members=90),
])
NODE_2016 = doc("node-2016", "2016-03-01", [cluster("gce-node", members=70)])
BATCH_1 = [NODE_2009]
BATCH_2 = [NODE_2014, NODE_2016]


def write(path, records):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                    encoding="utf-8")
    return str(path)


def dump(db):
    con = connect(db, read_only=True)
    try:
        return {t.name: con.execute(f'SELECT * FROM "{t.name}" ORDER BY ALL').fetchall()
                for t in REGISTRY_TABLES}
    finally:
        con.close()


def test_registry_db_merge_same_output_twice_changes_nothing(tmp_path, sample_jsonl):
    db = str(tmp_path / "clusters.duckdb")
    first = merge_into_db([str(sample_jsonl)], db)
    assert (first.documents, first.problems) == (48, [])
    before = dump(db)
    assert len(before["sources"]) == 48 and len(before["mentions"]) == first.mentions > 0
    again = merge_into_db([str(sample_jsonl)], db)
    assert dump(db) == before
    assert again.clusters == first.clusters


def test_registry_db_two_batches_add_up_to_one(tmp_path, sample_jsonl):
    lines = sample_jsonl.read_text(encoding="utf-8").splitlines(keepends=True)
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.write_text("".join(lines[:20]), encoding="utf-8")
    b.write_text("".join(lines[20:]), encoding="utf-8")
    one, two = str(tmp_path / "one.duckdb"), str(tmp_path / "two.duckdb")
    merge_into_db([str(sample_jsonl)], one)
    merge_into_db([str(a)], two)
    assert len(dump(two)["sources"]) == 20
    merge_into_db([str(b)], two)
    assert dump(two) == dump(one)
    merge_into_db([str(a)], two)  # an old batch again
    assert dump(two) == dump(one)


def test_registry_db_history_members_and_current_status(tmp_path):
    db = str(tmp_path / "c.duckdb")
    merge_into_db([write(tmp_path / "1.jsonl", BATCH_1)], db)
    merge_into_db([write(tmp_path / "2.jsonl", BATCH_2)], db)
    con = connect(db, read_only=True)
    node = con.execute("SELECT name, status, members, partners, location, first_published, "
                       "last_published, documents FROM clusters WHERE cluster_id = 'key:node'"
                       ).fetchall()
    assert [(n, s, m, p, loc, str(f), str(last), d) for n, s, m, p, loc, f, last, d in node] == [
        ("GCE NODE", "GCE", 70, 12, "Sørlandet", "2009-06-19", "2016-03-01", 3)]
    events = con.execute("SELECT date, type, status FROM status_events "
                         "WHERE cluster_id = 'key:node' ORDER BY date").fetchall()
    assert events == [("2009-06-19", "new_status", "NCE"), ("2014-07-01", "upgrade", "GCE")]
    mc = con.execute("SELECT date FROM status_events WHERE cluster_id = 'key:maritimecleantech'"
                     ).fetchall()
    assert mc == [("2009-06-19",)]  # no event date: the document's published date
    assert con.execute("SELECT count(*) FROM clusters").fetchall() == [(4,)]
    con.close()


def test_registry_db_a_newer_record_of_a_document_replaces_it(tmp_path):
    db = str(tmp_path / "c.duckdb")
    merge_into_db([write(tmp_path / "1.jsonl", BATCH_2)], db)
    rerun = doc("gce-2014", "2014-06-25", [cluster("GCE NODE", status="GCE", members=61)])
    merge_into_db([write(tmp_path / "2.jsonl", [rerun])], db)
    con = connect(db, read_only=True)
    rows = con.execute("SELECT document_id, position, cluster_id, members FROM mentions "
                       "ORDER BY ALL").fetchall()
    assert rows == [("gce-2014", 0, "key:node", 61), ("node-2016", 0, "key:node", 70)]
    assert con.execute("SELECT cluster_id FROM clusters").fetchall() == [("key:node",)]
    con.close()


def test_registry_db_reads_emit_clusters_lines(tmp_path):
    lines = [{"document": {"id": "d1", "title": "T", "published": "2020-11-19", "url": None},
              **cluster(n, status="Arena")} for n in ("H2Cluster", "Arena Applied AI")]
    db = str(tmp_path / "c.duckdb")
    summary = merge_into_db([write(tmp_path / "c.jsonl", lines)], db)
    assert (summary.documents, summary.mentions, summary.problems) == (1, 2, [])
    assert dump(db)["mentions"][0][:3] == ("d1", 0, "key:h2cluster")
    assert merge_into_db([str(tmp_path / "c.jsonl")], db).mentions == 2
    assert len(dump(db)["mentions"]) == 2


def test_registry_db_cli_merges_several_outputs_and_keeps_jsonl(tmp_path, capsys):
    a, b = write(tmp_path / "a.jsonl", BATCH_1), write(tmp_path / "b.jsonl", BATCH_2)
    db, reg = str(tmp_path / "c.duckdb"), tmp_path / "reg.jsonl"
    assert main(["clusters", "merge", a, b, "--db", db, "-o", str(reg)]) == 0
    err = capsys.readouterr().err
    assert "3 documents, 6 cluster mentions merged" in err and "4 clusters" in err
    names = [json.loads(line)["name"] for line in reg.read_text(encoding="utf-8").splitlines()]
    assert "GCE NODE" in names
    assert main(["clusters", "merge", a, b]) == 0  # no --db: JSONL on stdout, as before
    assert [json.loads(line)["name"] for line in capsys.readouterr().out.splitlines()] == names


def test_registry_db_cli_bad_lines_exit_1(tmp_path, capsys):
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps(NODE_2009) + "\n{oops\n", encoding="utf-8")
    assert main(["clusters", "merge", str(path), "--db", str(tmp_path / "c.duckdb")]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"klynge clusters merge: {path}:2: not JSON (Expecting property name " \
                     "enclosed in double quotes, column 2)"
    assert "1 documents, 2 cluster mentions" in err[1]


@pytest.mark.parametrize("case", ["missing input", "input is a folder", "db is a folder",
                                  "db is not a database", "db folder missing", "db is the input",
                                  "jsonl registry is the input"])
def test_registry_db_cli_cannot_run_exit_2_one_line(tmp_path, case, capsys):
    good = write(tmp_path / "a.jsonl", BATCH_1)
    text = tmp_path / "notes.txt"
    text.write_text("my notes\n" * 20, encoding="utf-8")
    args = {"missing input": [str(tmp_path / "nope.jsonl"), "--db", str(tmp_path / "c.duckdb")],
            "input is a folder": [str(tmp_path), "--db", str(tmp_path / "c.duckdb")],
            "db is a folder": [good, "--db", str(tmp_path)],
            "db is not a database": [good, "--db", str(text)],
            "db folder missing": [good, "--db", str(tmp_path / "no" / "c.duckdb")],
            "db is the input": [good, "--db", good],
            "jsonl registry is the input": [good, "-o", good]}[case]
    before = (tmp_path / "a.jsonl").read_bytes()
    assert main(["clusters", "merge", *args]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and err.startswith("klynge clusters merge: error: ")
    assert text.read_text(encoding="utf-8") == "my notes\n" * 20
    assert (tmp_path / "a.jsonl").read_bytes() == before


def test_registry_db_held_by_another_process_exit_2(tmp_path):
    db = str(tmp_path / "c.duckdb")
    merge_into_db([write(tmp_path / "a.jsonl", BATCH_1)], db)
    holder = subprocess.Popen([sys.executable, "-c",
                               "import duckdb, sys; c = duckdb.connect(sys.argv[1]); "
                               "print('held', flush=True); sys.stdin.read()", db],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(RegistryError, match="cannot open as a DuckDB database"):
            merge_into_db([str(tmp_path / "a.jsonl")], db)
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)


def test_registry_db_an_application_keeps_the_status_and_a_loss_ends_it(tmp_path):
    """Issue 22: "søker NCE-status" is no NCE; "mister Arena-statusen" leaves none."""
    arena = doc("a-2018", "2018-06-01", [cluster("Arena Helse", status="Arena",
                event={"type": "new_status", "status": "Arena", "date": "2018-06-01"})])
    applies = doc("a-2020", "2020-03-01", [cluster("Arena Helse",
                  event={"type": "application", "status": "NCE", "date": "2020-03-01"})])
    loses = doc("a-2022", "2022-01-10", [cluster("Arena Helse",
                event={"type": "loss", "status": "Arena", "date": "2022-01-10"})])
    db = str(tmp_path / "c.duckdb")
    status = lambda: connect(db, read_only=True).execute(  # noqa: E731
        "SELECT status FROM clusters").fetchall()
    merge_into_db([write(tmp_path / "1.jsonl", [arena, applies])], db)
    assert status() == [("Arena",)]
    merge_into_db([write(tmp_path / "2.jsonl", [loses])], db)
    assert status() == [(None,)]
