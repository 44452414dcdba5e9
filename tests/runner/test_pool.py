"""klynge.runner.pool: worker counts fit the batch, said in plain units; the fork
server's preload; quiet workers; the tail of a run cut into pieces."""
from __future__ import annotations

import pytest

import klynge.runner.pool as pool
from klynge.runner.pool import plan_workers
from klynge.runner.run_options import DOCS_PER_WORKER


def _machine(monkeypatch, cores: int, memory_mb: int) -> None:
    monkeypatch.setattr(pool, "cpu_count", lambda: cores)
    monkeypatch.setattr(pool, "available_memory_mb", lambda: memory_mb)


def test_pool_explicit_workers_capped_by_the_batch_in_documents(monkeypatch):
    # Issue 24: "--workers 100 needs about 41.0 GB ..." on one document.
    _machine(monkeypatch, cores=2, memory_mb=4000)
    n, note = plan_workers(100, documents=1, batches=1)
    assert n == 1
    assert note.startswith("klynge: 1 worker: the batch has 1 document")
    assert "MB" not in note and "GB" not in note


def test_pool_explicit_workers_then_capped_by_memory_in_mb(monkeypatch):
    _machine(monkeypatch, cores=16, memory_mb=300 + 3 * 420)
    n, note = plan_workers(10, documents=200, batches=13)
    assert n == 3 and "--workers 10 needs about 4200 MB" in note and "GB" not in note
    assert plan_workers(2, documents=200, batches=13) == (2, None)


def test_pool_default_is_one_worker_for_a_small_batch(monkeypatch):
    _machine(monkeypatch, cores=8, memory_mb=64_000)
    assert plan_workers(None, documents=1, batches=1) == (1, None)
    assert plan_workers(None, documents=2 * DOCS_PER_WORKER - 1, batches=4) == (1, None)
    assert plan_workers(None, documents=3 * DOCS_PER_WORKER, batches=6) == (3, None)
    # More input than was looked at: the cores.
    assert plan_workers(None) == (8, None)


def test_pool_fork_server_loads_the_models_before_the_workers():
    # issue #26: workers forked from a server that holds the loaded models start ready
    # (and share the pages) instead of each loading its own for seconds.
    import multiprocessing.forkserver as fs

    from klynge.runner.pool import LocalPool
    from klynge.runner.run_options import RunOptions
    LocalPool(RunOptions(), 1)
    assert "klynge.runner.preload" in fs._forkserver._preload_modules


def test_pool_preload_module_loads_the_default_processor():
    import subprocess
    import sys
    # Every language warmed and every pipeline loaded: a process of its own loads a
    # language when its first document comes, a forked worker finds them all; and all of
    # it frozen out of the collector's sight (a collection would copy the shared pages).
    code = ("import klynge.runner.preload, klynge.runner.process as p; "
            "from klynge.options import DEFAULTS as d; from klynge.rules import registry; "
            "s = p._LOADED.get((d.merge_policy, d.lexicon_policy)); r = registry(); "
            "print('detector' in p._LOADED, s is not None, sorted(s._loaded) == s.names(), "
            "p._WARMED.get(s) == {*r.codes, r.rules_language('de')}, "
            "__import__('gc').get_freeze_count() > 0)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=300)
    assert out.stdout.split() == ["True"] * 5 and out.stderr == ""


def _run_worker(monkeypatch, capfd, *, load=None, batch=None):
    """Run pool._worker_main in a forked child (it inherits the monkeypatches and the
    captured stderr descriptor) on one batch; what came back, its exit code, its stderr."""
    import multiprocessing as mp

    from klynge.ingest import RawDocument
    from klynge.runner.run_options import RunOptions

    if load is not None:
        monkeypatch.setattr(pool, "_processor", load)
    else:
        monkeypatch.setattr(pool, "_processor", lambda options: None)
    if batch is not None:
        monkeypatch.setattr(pool, "process_to_lines", batch)
    monkeypatch.delenv("KLYNGE_DEBUG", raising=False)
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=pool._worker_main, args=(child, RunOptions(inputs=())))
    proc.start()
    child.close()
    got = []
    try:
        got.append(parent.recv())
        parent.send((0, [RawDocument(text="Oslo, 1. mars 2021.", id="x", source={})]))
        got.append(parent.recv())
        parent.send(None)
    except EOFError:
        pass
    proc.join(30)
    return got, proc.exitcode, capfd.readouterr().err


def test_pool_worker_memory_error_while_loading_prints_nothing(monkeypatch, capfd):
    # Issue 23.14: a MemoryError outside a batch escaped _worker_main, and
    # multiprocessing printed "Process ForkServerProcess-1: Traceback ..." on the terminal.
    def load(options):
        raise MemoryError

    got, code, err = _run_worker(monkeypatch, capfd, load=load)
    assert got == [] and code == 1
    assert err == ""


def test_pool_worker_memory_error_in_a_batch_prints_nothing(monkeypatch, capfd):
    import os

    def batch(docs, options):
        os.write(2, b"Fatal Python error: Cannot recover from MemoryErrors\n")  # C-level
        raise MemoryError("no room")

    got, code, err = _run_worker(monkeypatch, capfd, batch=batch)
    assert got[0] == ("ready",)
    assert got[1] == ("failed", 0, "MemoryError: no room")
    assert code == 0 and err == ""


def _task_docs(n: int, start: int = 0):
    from klynge.ingest import RawDocument
    return [RawDocument(text=f"Dokument {i}.", id=f"d{i}", source={"path": f"d{i}.txt"})
            for i in range(start, start + n)]


def _shape(queue):
    return [(t.seq, t.part, [d.id for d in t.docs]) for t in queue]


@pytest.mark.parametrize("sizes, waiting, submitted, expected, end", [
    # Batches 5 and 6 wait (16 and 6 documents): cut into pieces of 4, numbered on from 5.
    ([16, 6], [5, 6], 7, [5, 6, 7, 8, 9, 10], 11),
    # The last batch submitted is with a worker already: the waiting one before it stays.
    ([16], [5], 7, [5], 7),
    # A batch of 3 is one piece already.
    ([3], [6], 7, [6], 7),
])
def test_pool_split_tail_cuts_the_waiting_last_batches_into_pieces(sizes, waiting,
                                                                    submitted, expected, end):
    import collections

    from klynge.runner.pool import TAIL_PIECE_DOCS, _Task, split_tail
    queue, start = collections.deque(), 0
    for seq, n in zip(waiting, sizes):
        queue.append(_Task(seq, None, _task_docs(n, start)))
        start += n
    ids = [d.id for t in queue for d in t.docs]
    assert split_tail(queue, submitted) == end
    assert [t.seq for t in queue] == expected
    assert [d.id for t in queue for d in t.docs] == ids  # the same documents, in order
    if end != submitted:
        assert all(len(t.docs) <= TAIL_PIECE_DOCS for t in queue)


def test_pool_split_tail_leaves_the_pieces_of_a_dead_workers_batch_alone():
    # A batch whose worker died is queued again a document at a time (parts of seq 2, at
    # the front); only the whole batch at the end is cut.
    import collections

    from klynge.runner.pool import _Task, split_tail
    docs = _task_docs(2)
    queue = collections.deque([_Task(2, 0, docs[:1]), _Task(2, 1, docs[1:]),
                               _Task(6, None, _task_docs(8, 10))])
    assert split_tail(queue, 7) == 8
    assert _shape(queue) == [(2, 0, ["d0"]), (2, 1, ["d1"]),
                             (6, None, ["d10", "d11", "d12", "d13"]),
                             (7, None, ["d14", "d15", "d16", "d17"])]
    # Nothing but those parts waiting: nothing to cut.
    parts = collections.deque([_Task(2, 0, docs[:1]), _Task(2, 1, docs[1:])])
    assert split_tail(parts, 7) == 7 and _shape(parts) == [(2, 0, ["d0"]), (2, 1, ["d1"])]
