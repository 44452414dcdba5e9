"""Batches: order, identical output across workers and engines, resume, progress."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from klynge.options import PipelineOptions

from klynge.runner.batch import run_batch
from klynge.runner.outputs import SIDECAR_SUFFIX, fingerprint_of, repair_and_read_ids
from klynge.runner.run_options import RunOptions
from tests.conftest import CORPUS

TEXTS = sorted(str(p) for p in (CORPUS / "texts").glob("*.txt"))[:8]


@pytest.fixture(scope="module")
def expected(tmp_path_factory):
    out = tmp_path_factory.mktemp("batch") / "w1.jsonl"
    summary = run_batch(RunOptions(inputs=TEXTS, output=str(out), workers=1, quiet=True, batch_size=3))
    assert (summary.read, summary.ok, summary.error) == (8, 8, 0)
    return out.read_bytes()


def test_batch_output_in_input_order(expected):
    paths = [json.loads(l)["source"]["path"] for l in expected.decode().splitlines()]
    assert paths == TEXTS


def test_batch_two_workers_identical_to_one(expected, tmp_path):
    out = tmp_path / "w2.jsonl"
    run_batch(RunOptions(inputs=TEXTS, output=str(out), workers=2, quiet=True, batch_size=3))
    assert out.read_bytes() == expected


def test_batch_two_workers_with_the_tail_cut_into_pieces_identical_to_one(expected, tmp_path):
    # issue #26: batches of 8 (more than a tail piece's 4): the last batches still waiting
    # when the input ends are cut into pieces, and the output is the same.
    out = tmp_path / "w2-tail.jsonl"
    run_batch(RunOptions(inputs=TEXTS, output=str(out), workers=2, quiet=True, batch_size=8))
    assert out.read_bytes() == expected


@pytest.mark.slow
def test_batch_dask_local_cluster_identical_to_local(expected, tmp_path):
    pytest.importorskip("dask.distributed")
    out = tmp_path / "dask.jsonl"
    run_batch(RunOptions(inputs=TEXTS, output=str(out), workers=2, engine="dask", quiet=True, batch_size=3))
    assert out.read_bytes() == expected


def test_batch_resume_repairs_partial_line_and_appends_the_rest(expected, tmp_path):
    lines = expected.splitlines(keepends=True)
    out = tmp_path / "partial.jsonl"
    out.write_bytes(b"".join(lines[:3]) + lines[3][: len(lines[3]) // 2])
    # As a killed run leaves it: its options beside it.
    options = RunOptions(inputs=TEXTS, output=str(out), workers=1, quiet=True, resume=True,
                         batch_size=3)
    Path(str(out) + SIDECAR_SUFFIX).write_text(json.dumps(fingerprint_of(options)))
    summary = run_batch(options)
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
    run_batch(RunOptions(inputs=[str(batch)], output=str(full), workers=1, quiet=True, batch_size=4))
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


# --------------------------------------------------------------------------- issue #17

from klynge.runner.batch import Summary  # noqa: E402
from klynge.runner.outputs import _check_not_an_input  # noqa: E402
from klynge.runner.pool import LocalPool, plan_workers  # noqa: E402
from klynge.runner.run_options import RunError  # noqa: E402
from klynge.runner.work import BatchResult  # noqa: E402
from klynge.ingest import RawDocument  # noqa: E402
from tests.conftest import SEED  # noqa: E402


def _run(inputs, output, **kw):
    kw.setdefault("workers", 1)
    return run_batch(RunOptions(inputs=tuple(inputs), output=output, quiet=True, **kw))


def test_batch_output_inside_input_folder_is_refused(tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "a.txt").write_text("Hei.\n")
    old = folder / "out.jsonl"
    old.write_text('{"id": "keep"}\n')
    summary = _run([str(folder)], str(old))
    assert summary.exit_code == 2 and "inside the input folder" in summary.failed
    assert old.read_text() == '{"id": "keep"}\n'  # untouched, and nothing was read


def test_batch_output_equal_to_an_input_is_refused(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "text": "Hei."}\n')
    summary = _run([str(src)], str(tmp_path / "." / "in.jsonl"))
    assert summary.exit_code == 2 and "also an input" in summary.failed
    assert src.read_text() == '{"id": "a", "text": "Hei."}\n'


def test_batch_check_not_an_input_follows_symlinked_folders(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    with pytest.raises(RunError):
        _check_not_an_input(str(tmp_path / "link" / "o.jsonl"), [str(real)], "output")


def test_batch_second_run_on_a_locked_output_fails_without_touching_it(tmp_path):
    import fcntl
    out = tmp_path / "o.jsonl"
    out.write_text('{"id": "x"}\n')
    with open(out, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        summary = _run([str(SEED)], str(out))
    assert summary.exit_code == 2 and "another klynge run" in summary.failed
    assert out.read_text() == '{"id": "x"}\n'


def test_batch_disk_full_is_a_run_level_failure(tmp_path):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    summary = _run([str(SEED)], "/dev/full")
    assert summary.exit_code == 2 and "No space left" in summary.failed
    assert summary.read == summary.ok + summary.error + summary.skipped


def test_batch_missing_dask_fails_before_touching_the_output(tmp_path, monkeypatch):
    out = tmp_path / "o.jsonl"
    out.write_text("old\n")
    monkeypatch.setitem(sys.modules, "dask.distributed", None)
    summary = _run([str(SEED)], str(out), engine="dask")
    assert summary.exit_code == 2 and "pip install" in summary.failed
    assert out.read_text() == "old\n"


@pytest.mark.slow
def test_batch_unreachable_scheduler_fails_before_touching_the_output(tmp_path):
    pytest.importorskip("dask.distributed")
    out = tmp_path / "o.jsonl"
    out.write_text("old\n")
    summary = _run([str(SEED)], str(out), engine="dask", scheduler="tcp://127.0.0.1:9")
    assert summary.exit_code == 2 and "scheduler" in summary.failed
    assert out.read_text() == "old\n"


def test_batch_ids_unique_for_equal_texts_and_resume_is_exact(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    for p in (a, b):
        p.write_text("Samme tekst i to filer.\n", encoding="utf-8")
    src = tmp_path / "s.jsonl"
    src.write_text(json.dumps({"text": "Lik."}) + "\n" + json.dumps({"text": "Lik."}) + "\n")
    out = tmp_path / "o.jsonl"
    _run([str(a), str(b), str(src)], str(out))
    ids = [json.loads(l)["id"] for l in out.read_text().splitlines()]
    assert len(set(ids)) == 4
    summary = _run([str(tmp_path / "." / "a.txt"), str(b), str(src)], str(out), resume=True)
    assert (summary.read, summary.skipped) == (4, 4)


def test_batch_resume_retry_errors_and_dead_letter_file(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "text": "Hei på deg."}\n{"id": "b", "text": 5}\n',
                   encoding="utf-8")
    out, dead = tmp_path / "o.jsonl", tmp_path / "errors.jsonl"
    summary = _run([str(src)], str(out), errors=str(dead))
    assert summary.exit_code == 1
    assert summary.first_failures == [f"{src}:2 (jsonl_bad_text)"]
    assert [json.loads(l)["id"] for l in dead.read_text().splitlines()] == ["b"]
    src.write_text('{"id": "a", "text": "Hei på deg."}\n{"id": "b", "text": "Nå med tekst."}\n',
                   encoding="utf-8")
    summary = _run([str(src)], str(out), resume=True)
    assert (summary.skipped, summary.ok) == (2, 0)  # without --retry-errors: kept as is
    summary = _run([str(src)], str(out), resume=True, retry_errors=True)
    assert (summary.skipped, summary.ok, summary.error) == (1, 1, 0)
    records = [json.loads(l) for l in out.read_text().splitlines()]
    assert [(r["id"], r["status"]) for r in records] == [("a", "ok"), ("b", "ok")]


def test_batch_summary_names_first_failing_inputs():
    s = Summary(read=5, error=5)
    s.first_failures = ["a.txt (empty)", "b.txt (binary)", "c.txt (empty)"]
    assert s.lines()[1] == "klynge: first errors: a.txt (empty), b.txt (binary), " \
                           "c.txt (empty) and 2 more"


def test_batch_workers_fit_memory(monkeypatch):
    import klynge.runner.pool as kb
    monkeypatch.setattr(kb, "available_memory_mb", lambda: 300 + 2 * 420)
    monkeypatch.setattr(kb, "cpu_count", lambda: 8)
    assert plan_workers(None) == (2, None)
    n, warning = plan_workers(64)
    assert n == 2 and "--workers 64" in warning


def test_batch_never_more_workers_than_batches(tmp_path):
    summary = _run(TEXTS[:2], str(tmp_path / "o.jsonl"), workers=2, batch_size=16)
    assert summary.workers == 1 and summary.ok == 2


def test_batch_merge_policy_reaches_the_workers(tmp_path):
    outs = {}
    for policy in ("rules_first", "longest"):
        out = tmp_path / f"{policy}.jsonl"
        _run(TEXTS[:3], str(out), workers=2, batch_size=1,
             pipeline=PipelineOptions(merge_policy=policy))
        outs[policy] = out.read_bytes()
        assert out.read_bytes().count(b"\n") == 3
    from klynge.runner.process import Processor
    from klynge.ingest import iter_documents
    proc = Processor.load(PipelineOptions(merge_policy="longest"))
    expected = [r.model_dump_json() for r in proc.process_batch(list(iter_documents(TEXTS[:3])))]
    got = [json.dumps(json.loads(l), ensure_ascii=False) for l in outs["longest"].decode().splitlines()]
    assert got == [json.dumps(json.loads(e), ensure_ascii=False) for e in expected]


# A stand-in worker for LocalPool (same protocol, no models): "DIE" kills its process,
# "HANG" never returns; anything else comes back as its own text.
def _fake_worker(conn, options):
    import signal as _signal
    _signal.signal(_signal.SIGINT, _signal.SIG_IGN)
    conn.send(("ready",))
    while True:
        msg = conn.recv()
        if msg is None:
            return
        key, docs = msg
        for d in docs:
            if d.text == "DIE":
                os.kill(os.getpid(), signal.SIGKILL)
            if d.text == "HANG":
                time.sleep(3600)
        conn.send(("done", key, BatchResult([d.text for d in docs], ["ok"] * len(docs))))


class _FakePool(LocalPool):
    def _start_worker(self):
        from klynge.runner.pool import _Worker
        parent, child = self.ctx.Pipe()
        proc = self.ctx.Process(target=_fake_worker, args=(child, self.options), daemon=True)
        proc.start()
        child.close()
        self.workers.append(_Worker(proc, parent))


def _docs(*texts):
    return [RawDocument(text=t, id=f"d{i}", source={"path": f"f{i}", "line": None, "url": None})
            for i, t in enumerate(texts)]


def test_batch_dead_worker_costs_one_document_not_the_run():
    texts = ["a", "b", "DIE", "c", "d", "e", "f"]
    batches = [_docs(*texts)[i:i + 3] for i in range(0, 7, 3)]
    results = list(_FakePool(RunOptions(), 2).map(iter(batches)))
    merged = BatchResult.concat(results)
    assert merged.statuses == ["ok", "ok", "worker_died", "ok", "ok", "ok", "ok"]
    died = json.loads(merged.lines[2])
    assert died["id"] == "d2" and "SIGKILL" in died["error"]["message"]
    assert [l for i, l in enumerate(merged.lines) if i != 2] == ["a", "b", "c", "d", "e", "f"]


def test_batch_document_past_its_budget_is_stopped(monkeypatch):
    import klynge.runner.pool as kb
    monkeypatch.setattr(kb, "hard_limit", lambda budgets: 3)
    results = list(_FakePool(RunOptions(), 2).map(iter([_docs("a", "HANG"), _docs("b")])))
    assert BatchResult.concat(results).statuses == ["ok", "timeout", "ok"]


def _worker_pids(pid):
    import psutil
    kids = psutil.Process(pid).children(recursive=True)
    # The workers are the forkserver's children.
    return [k.pid for k in kids if k.ppid() != pid]

def _running(batch, out):
    """``klynge run`` on two workers, one document a batch, once its first lines are out."""
    proc = subprocess.Popen([sys.executable, "-m", "klynge", "run", str(batch), "-o", str(out),
                             "--workers", "2", "--batch-size", "1"],
                            stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 240
    while time.time() < deadline and (not out.exists() or out.read_bytes().count(b"\n") < 2):
        time.sleep(0.05)
    return proc


@pytest.mark.slow
def test_batch_cli_survives_a_killed_worker(tmp_path):
    pytest.importorskip("psutil")
    batch = _many(tmp_path, 40)
    out = tmp_path / "o.jsonl"
    proc = _running(batch, out)
    victims = _worker_pids(proc.pid)
    assert victims
    os.kill(victims[0], signal.SIGKILL)
    _, err = proc.communicate(timeout=600)  # a plain Pool hung here forever
    records = [json.loads(l) for l in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == [f"d{i}" for i in range(40)]
    died = [r for r in records if r["status"] != "ok"]
    assert len(died) <= 1 and all(r["error"]["code"] == "worker_died" for r in died)
    assert proc.returncode == (1 if died else 0), err
    assert "Traceback" not in err and "40 read" in err


@pytest.mark.slow
def test_batch_sigterm_exit_143_with_summary_and_whole_lines(tmp_path):
    batch = _many(tmp_path, 400)
    out = tmp_path / "o.jsonl"
    proc = _running(batch, out)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 143, err
    assert out.read_bytes().endswith(b"\n")
    assert all(json.loads(l)["status"] == "ok" for l in out.read_text().splitlines())
    assert " read, " in err and "SIGTERM" in err and "Traceback" not in err


def test_batch_broken_pipe_ends_quietly_with_exit_0(tmp_path):
    # bash's PIPESTATUS gives klynge's own exit status: 0, as for other Unix tools whose
    # reader stopped early (issue 24), so `set -o pipefail` scripts do not fail.
    proc = subprocess.run(
        ["/bin/bash", "-c", f"{sys.executable} -m klynge run {TEXTS[0]} {TEXTS[1]} --workers 1 "
         "--batch-size 1 | head -c 1 > /dev/null; exit ${PIPESTATUS[0]}"],
        capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr


SHORT = ("Oslo, 3. mars 2021\n\nNCE Maritime CleanTech og Innovasjon Norge lanserer et nytt "
         "program for grønn skipsfart. Programmet har et budsjett på 20 millioner kroner.\n")


def _jsonl(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_batch_lone_surrogate_in_id_or_url_is_a_record_not_a_crash(tmp_path):
    # Issue 23.1: "\ud800" is valid JSON; the writer's UnicodeEncodeError lost the batch.
    src = _jsonl(tmp_path / "in.jsonl", [
        {"id": "a\ud800", "text": SHORT}, {"id": "b", "url": "https://x.no/\udc00", "text": SHORT},
        {"id": "c", "text": SHORT + "\ud83d"}])
    out = tmp_path / "o.jsonl"
    summary = run_batch(RunOptions(inputs=[str(src)], output=str(out), workers=1, quiet=True))
    assert summary.failed is None and summary.read == 3
    recs = [json.loads(l) for l in out.read_bytes().decode("utf-8").split("\n")[:-1]]
    assert [r["status"] for r in recs] == ["error", "ok", "ok"]
    assert recs[0]["error"]["code"] == "jsonl_bad_id" and "surrogate" in recs[0]["error"]["message"]
    assert recs[1]["source"]["url"] == "https://x.no/\ufffd"
    assert "replaced_lone_surrogates" in recs[1]["flags"] and "replaced_lone_surrogates" in recs[2]["flags"]


def test_batch_resume_recognises_ids_with_line_separators(tmp_path):
    # Issue 23.2: str.splitlines split a line at U+2028/U+2029/U+0085 inside an id, so
    # --resume did not know the document and wrote it again.
    src = _jsonl(tmp_path / "in.jsonl", [{"id": f"x{c}y", "text": SHORT, "url": f"u{c}"}
                                         for c in ("\u2028", "\u2029", "\x85")])
    out = tmp_path / "o.jsonl"
    run_batch(RunOptions(inputs=[str(src)], output=str(out), workers=1, quiet=True))
    first = out.read_bytes()
    summary = run_batch(RunOptions(inputs=[str(src)], output=str(out), workers=1, quiet=True,
                                   resume=True))
    assert (summary.read, summary.skipped) == (3, 3)
    assert out.read_bytes() == first
    assert repair_and_read_ids(out) == {"x\u2028y", "x\u2029y", "x\x85y"}


def test_batch_resume_under_other_options_is_refused(tmp_path):
    # Issue 23.12: --max-chars changes derived ids, so --resume appended a second record
    # for almost every input.
    src = tmp_path / "a.txt"
    src.write_text(SHORT, encoding="utf-8")
    out = tmp_path / "o.jsonl"
    run_batch(RunOptions(inputs=[str(src)], output=str(out), workers=1, quiet=True))
    first = out.read_bytes()
    other = PipelineOptions(max_chars=100)
    summary = run_batch(RunOptions(inputs=[str(src)], output=str(out), workers=1, quiet=True,
                                   resume=True, pipeline=other))
    assert summary.exit_code == 2 and "max_chars: 2000000 then, 100 now" in summary.failed
    assert "\n" not in summary.failed and out.read_bytes() == first
    summary = run_batch(RunOptions(inputs=[str(src)], output=str(out), workers=1, quiet=True,
                                   resume=True, emit="clusters"))
    assert summary.exit_code == 2 and "emit" in summary.failed and out.read_bytes() == first
    summary = run_batch(RunOptions(inputs=[str(src)], output=str(out), workers=1, quiet=True,
                                   resume=True))
    assert (summary.failed, summary.skipped) == (None, 1) and out.read_bytes() == first


def test_batch_resume_never_edits_a_file_klynge_did_not_write(tmp_path):
    # Issue 23.12: its last line, lacking a newline, was cut off as a partial record.
    src = tmp_path / "a.txt"
    src.write_text(SHORT, encoding="utf-8")
    out = tmp_path / "notes.jsonl"
    out.write_bytes(b'{"id": "mine"}\n{"id": "last, no newline"}')
    summary = run_batch(RunOptions(inputs=[str(src)], output=str(out), workers=1, quiet=True,
                                   resume=True))
    assert summary.exit_code == 2 and "not written by" in summary.failed
    assert out.read_bytes() == b'{"id": "mine"}\n{"id": "last, no newline"}'


@pytest.mark.parametrize("link", ["symlink", "hardlink"])
def test_batch_errors_file_linked_to_the_output_is_refused_untouched(tmp_path, link):
    # Issue 23.9: the link was opened (and truncated) before the lock said no.
    src = tmp_path / "a.txt"
    src.write_text(SHORT, encoding="utf-8")
    out = tmp_path / "o.jsonl"
    run_batch(RunOptions(inputs=[str(src)], output=str(out), workers=1, quiet=True))
    first = out.read_bytes()
    errors = tmp_path / "errors.jsonl"
    (os.symlink if link == "symlink" else os.link)(out, errors)
    summary = run_batch(RunOptions(inputs=[str(src)], output=str(out), errors=str(errors),
                                   workers=1, quiet=True))
    assert summary.exit_code == 2 and "is the output file" in summary.failed
    assert out.read_bytes() == first


def test_batch_retry_errors_on_a_symlinked_output_rewrites_the_real_file(tmp_path):
    # Issue 23.9: the rewrite replaced the link with a regular file; the real one went stale.
    src = _jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": SHORT}, {"id": "b"}])
    real = tmp_path / "real.jsonl"
    run_batch(RunOptions(inputs=[str(src)], output=str(real), workers=1, quiet=True))
    link = tmp_path / "link.jsonl"
    link.symlink_to(real)
    os.link(str(real) + SIDECAR_SUFFIX, str(link) + SIDECAR_SUFFIX)
    _jsonl(src, [{"id": "a", "text": SHORT}, {"id": "b", "text": SHORT}])
    summary = run_batch(RunOptions(inputs=[str(src)], output=str(link), workers=1, quiet=True,
                                   resume=True, retry_errors=True))
    assert summary.failed is None and link.is_symlink()
    assert [json.loads(l)["status"] for l in real.read_text().splitlines()] == ["ok", "ok"]


def test_batch_failed_errors_write_counts_the_documents_already_in_the_output(tmp_path):
    # Issue 23.14: they were counted as skipped while their lines were in the output.
    src = _jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": SHORT}, {"id": "b"}])
    out = tmp_path / "o.jsonl"
    summary = run_batch(RunOptions(inputs=[str(src)], output=str(out), errors="/dev/full",
                                   workers=1, quiet=True))
    assert summary.exit_code == 2 and "/dev/full" in summary.failed
    assert len(out.read_text().splitlines()) == 2
    assert (summary.read, summary.ok, summary.error, summary.skipped) == (2, 1, 1, 0)
