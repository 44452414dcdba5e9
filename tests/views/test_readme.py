"""The README's section on tables, the cluster registry and the report: every command,
recipe and SQL query in it runs here, on the bundled sample and on a small registry."""
from __future__ import annotations

import datetime as dt
import re
import shlex
import shutil
import subprocess
from decimal import Decimal

import duckdb
import pytest

from klynge.cli import main
from klynge.views.registry_db import merge_into_db
from tests.conftest import ROOT
from tests.views.test_registry_db import BATCH_1, BATCH_2, write


def _section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return readme.split("\n## Tables, cluster registry and report\n", 1)[1].split("\n## ", 1)[0]


def _blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", _section(), flags=re.DOTALL)


@pytest.fixture(scope="module")
def readme_dir(tmp_path_factory, sample_jsonl):
    """A folder where the README's commands ran, in order, from `sample.jsonl`."""
    cwd = tmp_path_factory.mktemp("readme")
    (bash,) = _blocks("bash")
    commands = [shlex.split(line, comments=True) for line in bash.splitlines() if line.strip()]
    assert [c[:2] for c in commands] == [["klynge", "run"], ["klynge", "export"],
                                         ["klynge", "export"], ["klynge", "schema"],
                                         ["klynge", "clusters"], ["klynge", "render"]]
    # the first is `klynge run corpus/texts -o sample.jsonl`: the session's sample is that
    assert commands[0][2:5] == ["corpus/texts", "-o", "sample.jsonl"]
    shutil.copy(sample_jsonl, cwd / "sample.jsonl")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(cwd)
        for argv in commands[1:]:
            assert main(argv[1:]) == 0, argv
    return cwd


def test_readme_commands_write_what_they_say(readme_dir):
    assert (readme_dir / "tables" / "amounts.parquet").is_file()
    assert (readme_dir / "tables-csv" / "documents.csv").is_file()
    assert (readme_dir / "clusters.duckdb").is_file()
    assert "<article" in (readme_dir / "report.html").read_text(encoding="utf-8")


def test_readme_python_recipes_run(readme_dir, monkeypatch):
    monkeypatch.chdir(readme_dir)
    namespace: dict = {}
    for block in _blocks("python"):
        exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102
    assert len(namespace["docs"]) == 48
    assert all(isinstance(v, Decimal) for v in namespace["amounts"]["value"])
    assert namespace["largest"] and isinstance(namespace["largest"][0][2], Decimal)
    assert len(namespace["roles"]) > 0 and len(namespace["evidence"]) > 0


@pytest.mark.skipif(shutil.which("jq") is None, reason="jq is not installed")
def test_readme_jq_recipes_run(readme_dir):
    (block,) = _blocks("sh")
    for line in block.splitlines():
        out = subprocess.run(line, shell=True, cwd=readme_dir, capture_output=True,
                             text=True, check=True).stdout
        assert out.strip(), line
    assert "NODE\tNCE\t48" in subprocess.run(block.splitlines()[0], shell=True, cwd=readme_dir,
                                             capture_output=True, text=True).stdout


EXPECTED = [
    # all NCE clusters in Vestland
    [("key:maritimecleantech", "NCE Maritime CleanTech", "Stord", None),
     ("key:media", "NCE Media", "Bergen", 90)],
    # the status history of one cluster
    [("2009-06-19", "new_status", "NCE", "nce-2009", "https://example.invalid/nce-2009"),
     ("2014-07-01", "upgrade", "GCE", "gce-2014", "https://example.invalid/gce-2014")],
    # members over time
    [(dt.date(2009, 6, 19), 48, "NODE", "nce-2009"), (dt.date(2014, 6, 25), 60, "GCE NODE", "gce-2014"),
     (dt.date(2016, 3, 1), 70, "gce-node", "node-2016")],
]


def test_readme_sql_queries_answer_their_questions(tmp_path, readme_dir):
    queries = _blocks("sql")
    assert len(queries) == len(EXPECTED) == 3
    db = str(tmp_path / "clusters.duckdb")
    merge_into_db([write(tmp_path / "2009.jsonl", BATCH_1)], db)
    merge_into_db([write(tmp_path / "2014.jsonl", BATCH_2)], db)
    con = duckdb.connect(db, read_only=True)
    for query, expected in zip(queries, EXPECTED):
        assert con.execute(query).fetchall() == expected, query
    con.close()
    sample = duckdb.connect(str(readme_dir / "clusters.duckdb"), read_only=True)
    for query in queries:  # the sample's registry answers them too
        sample.execute(query).fetchall()
    # the sample's NODE has the cluster gazetteer's id (clusters[].id, schema 2.2)
    node = queries[2].replace("'key:node'", "'gce-node'")
    assert sample.execute(node).fetchall()[0][1:3] == (48, "NODE")
    sample.close()
