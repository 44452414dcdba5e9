"""Reading klynge's JSONL for the views (klynge.views.read): bad lines are values, not
exceptions; paths are checked before anything is written."""
from __future__ import annotations

import os

import pytest

from klynge.cli_checks import writable_file as check_output_file
from klynge.cli_checks import writable_folder as check_output_dir
from klynge.views.read import BadLine, Line, check_inputs, iter_records

GOOD = '{"id": "a", "status": "ok", "text": "x"}'


@pytest.mark.parametrize("line, reason", [
    ("not json", "not JSON"),
    ('{"id": "a", "status": "ok"', "not JSON"),
    ("[1, 2]", "not a JSON object (list)"),
    ('"text"', "not a JSON object (str)"),
    ('{"text": "no id"}', "not a klynge record"),
    ('{"id": 5, "status": "ok"}', "not a klynge record"),
    ('{"id": "a", "status": "maybe"}', "not a klynge record"),
    ('{"id": "a", "status": "ok", "clusters": {}}', "'clusters' is not a list"),
    ('{"id": "a", "status": "ok", "language": "nb"}', "'language' is not an object"),
])
def test_read_bad_lines_are_reported_with_file_and_line(tmp_path, line, reason):
    path = tmp_path / "out.jsonl"
    path.write_text(f"{GOOD}\n\n{line}\n{GOOD}\n", encoding="utf-8")
    items = list(iter_records([str(path)]))
    assert [type(i) for i in items] == [Line, BadLine, Line]
    bad = items[1]
    assert bad.number == 3 and reason in bad.reason
    assert str(bad).startswith(f"{path}:3: ")


def test_read_invalid_utf8_and_cluster_lines(tmp_path):
    path = tmp_path / "out.jsonl"
    path.write_bytes(b'{"id": "\xff", "status": "ok"}\n'
                     b'{"name": "NODE", "document": {"id": "d"}}\n')
    bad, cluster = list(iter_records([str(path)]))
    assert isinstance(bad, BadLine) and "not UTF-8" in bad.reason
    assert isinstance(cluster, Line) and cluster.record["name"] == "NODE"


def test_read_check_inputs(tmp_path):
    good = tmp_path / "out.jsonl"
    good.write_text(GOOD + "\n", encoding="utf-8")
    assert check_inputs([str(good)]) is None
    assert check_inputs([str(good), str(tmp_path / "nope.jsonl")]).endswith("no such file")
    assert "is a folder" in check_inputs([str(tmp_path)])


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads and writes whatever the mode says")
def test_read_check_unreadable_and_unwritable(tmp_path):
    locked = tmp_path / "locked.jsonl"
    locked.write_text(GOOD + "\n", encoding="utf-8")
    locked.chmod(0)
    assert "not readable" in check_inputs([str(locked)])
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    assert "not writable" in check_output_dir(str(ro / "tables"))
    assert "not writable" in check_output_file(str(ro / "report.html"))


def test_read_check_outputs(tmp_path):
    afile = tmp_path / "a.txt"
    afile.write_text("x", encoding="utf-8")
    assert check_output_dir(str(tmp_path / "new" / "tables")) is None
    assert "is not a folder" in check_output_dir(str(afile))
    assert check_output_file(str(tmp_path / "report.html")) is None
    assert "is a folder" in check_output_file(str(tmp_path))
    assert "does not exist" in check_output_file(str(tmp_path / "missing" / "r.html"))
