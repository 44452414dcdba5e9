"""Batches: order, identical output across workers and engines, resume, progress."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from klynge.batch import repair_and_read_ids, run_batch
from tests.conftest import CORPUS

TEXTS = sorted(str(p) for p in (CORPUS / "texts").glob("*.txt"))[:8]


@pytest.fixture(scope="module")
def expected(tmp_path_factory):
    out = tmp_path_factory.mktemp("batch") / "w1.jsonl"
    summary = run_batch(TEXTS, str(out), workers=1, quiet=True, batch_size=3)
    assert (summary.read, summary.ok, summary.error) == (8, 8, 0)
    return out.read_bytes()


def test_batch_output_in_input_order(expected):
    paths = [json.loads(l)["source"]["path"] for l in expected.decode().splitlines()]
    assert paths == TEXTS


def test_batch_two_workers_identical_to_one(expected, tmp_path):
    out = tmp_path / "w2.jsonl"
    run_batch(TEXTS, str(out), workers=2, quiet=True, batch_size=3)
    assert out.read_bytes() == expected


@pytest.mark.slow
def test_batch_dask_local_cluster_identical_to_local(expected, tmp_path):
    pytest.importorskip("dask.distributed")
    out = tmp_path / "dask.jsonl"
    run_batch(TEXTS, str(out), workers=2, engine="dask", quiet=True, batch_size=3)
    assert out.read_bytes() == expected


def test_batch_resume_repairs_partial_line_and_appends_the_rest(expected, tmp_path):
    lines = expected.splitlines(keepends=True)
    out = tmp_path / "partial.jsonl"
    out.write_bytes(b"".join(lines[:3]) + lines[3][: len(lines[3]) // 2])
    summary = run_batch(TEXTS, str(out), workers=1, quiet=True, resume=True, batch_size=3)
    assert out.read_bytes() == expected
    assert (summary.read, summary.skipped, summary.ok) == (8, 3, 5)


def _many(tmp_path, n: int):
    batch = tmp_path / "many.jsonl"
    texts = [open(p, encoding="utf-8").read() for p in TEXTS]
    batch.write_text("".join(json.dumps({"id": f"d{i}", "text": texts[i % len(texts)]}) + "\n"
                             for i in range(n)), encoding="utf-8")
    return batch


def test_batch_resume_after_a_real_kill(tmp_path):
    # Enough documents that the run is still going when it is killed.
    batch = _many(tmp_path, 80)
    full = tmp_path / "full.jsonl"
    run_batch([str(batch)], str(full), workers=1, quiet=True, batch_size=4)
    out = tmp_path / "killed.jsonl"
    cmd = [sys.executable, "-m", "klynge", "run", str(batch), "-o", str(out), "--workers", "1",
           "--batch-size", "1", "-q"]
    proc = subprocess.Popen(cmd, stderr=subprocess.DEVNULL)
    deadline = time.time() + 240
    while time.time() < deadline and (not out.exists() or out.read_bytes().count(b"\n") < 2):
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert out.read_bytes().count(b"\n") < 80
    subprocess.run(cmd + ["--resume"], check=False, stderr=subprocess.DEVNULL, timeout=300)
    assert out.read_bytes() == full.read_bytes()


def test_batch_repair_reads_ids_of_document_and_cluster_lines(tmp_path):
    out = tmp_path / "o.jsonl"
    out.write_text('{"id": "a"}\n{"document": {"id": "b"}, "name": "X"}\n{"id": "c", "tex')
    assert repair_and_read_ids(out) == {"a", "b"}
    assert out.read_text().endswith("}\n")


def test_batch_no_progress_output_in_pipes(tmp_path):
    out = tmp_path / "o.jsonl"
    proc = subprocess.run([sys.executable, "-m", "klynge", "run", TEXTS[0], "-o", str(out),
                           "--workers", "1"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0
    # Only the summary line: no progress bar when stderr is not a terminal.
    assert proc.stderr.strip().splitlines() == ["klynge: 1 read, 1 ok, 0 error, 0 skipped"]


def test_batch_ctrl_c_leaves_valid_jsonl_and_a_summary(tmp_path):
    # Enough documents that the run is still going when the signal comes.
    batch = _many(tmp_path, 400)
    out = tmp_path / "interrupted.jsonl"
    proc = subprocess.Popen([sys.executable, "-m", "klynge", "run", str(batch), "-o", str(out),
                             "--workers", "1", "--batch-size", "1", "-q"],
                            stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 240
    while time.time() < deadline and (not out.exists() or out.read_bytes().count(b"\n") < 2):
        time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    lines = out.read_text(encoding="utf-8").splitlines()
    assert 2 <= len(lines) < 400
    assert all(json.loads(line)["status"] == "ok" for line in lines)
    summary = [l for l in err.splitlines() if l.startswith("klynge: ") and " read, " in l]
    assert summary, err


def test_batch_progress_with_eta_on_a_terminal(tmp_path):
    import pty
    out = tmp_path / "o.jsonl"
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "klynge", "run", *TEXTS[:3], "-o", str(out),
                             "--workers", "1"], stderr=slave, stdout=subprocess.DEVNULL)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=300)
    os.close(master)
    shown = b"".join(chunks).decode("utf-8", "replace")
    assert "3/3" in shown and "doc/s" in shown and "errors=0" in shown
    assert "klynge: 3 read, 3 ok, 0 error, 0 skipped" in shown
