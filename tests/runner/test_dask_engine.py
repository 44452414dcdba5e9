"""klynge.runner.dask_engine: Dask enforces the per-document budget with a hard limit, as
the local pool does (issue 23.13): a stalled worker (SIGSTOP) costs its document a
``timeout`` record, and the run completes."""
from __future__ import annotations

import json
import os
import signal
import threading
import time

import pytest

from klynge.runner import dask_engine
from klynge.runner.batch import run_batch
from klynge.runner.dask_engine import DaskEngine
from klynge.runner.run_options import RunOptions
from klynge.runner.work import process_to_lines
from tests.ingest.test_stdin import TEXTS

N_DOCS = 24


@pytest.mark.slow
def test_dask_engine_stalled_worker_is_a_timeout_and_the_run_completes(tmp_path, monkeypatch):
    # Was: 16 lines in 560 s and no timeout record; future.result() waited for ever.
    src = tmp_path / "in.jsonl"
    langs = sorted(TEXTS)
    src.write_text("".join(json.dumps({"id": f"d{i}", "text": f"{TEXTS[langs[i % 5]]} ({i})"})
                           + "\n" for i in range(N_DOCS)), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    engines: list[DaskEngine] = []
    # The real hard limit is at least a minute; here 15 s, the workers' models loaded
    # before the first batch (a model load is no stall), and none once a worker is
    # stopped (the fresh worker its nanny starts loads the models again).
    limit: dict[str, float | None] = {"s": 15}
    stopped: list[str] = []
    init, stop = DaskEngine.__init__, DaskEngine._stop_worker_of

    def warm_init(self, *args, **kwargs):
        init(self, *args, **kwargs)
        self.client.run(process_to_lines, [], self.options)  # loads the models everywhere
        engines.append(self)

    def stop_once(self, future):
        stopped.append(future.key)
        limit["s"] = None
        stop(self, future)

    monkeypatch.setattr(DaskEngine, "__init__", warm_init)
    monkeypatch.setattr(DaskEngine, "_stop_worker_of", stop_once)
    monkeypatch.setattr(dask_engine, "hard_limit", lambda budgets: limit["s"])
    summaries = []
    runner = threading.Thread(target=lambda: summaries.append(run_batch(RunOptions(
        inputs=[str(src)], output=str(out), engine="dask", workers=2, batch_size=1,
        quiet=True))))
    started = time.monotonic()
    runner.start()
    while (runner.is_alive() and time.monotonic() - started < 180
           and (not out.exists() or out.read_bytes().count(b"\n") < 3)):
        time.sleep(0.05)
    assert engines, "the run ended before it could be stalled"
    nanny = next(iter(engines[0].cluster.workers.values()))
    pid = nanny.process.pid
    stalled_at = time.monotonic()
    os.kill(pid, signal.SIGSTOP)
    try:
        runner.join(120)
    finally:
        try:
            os.kill(pid, signal.SIGCONT)  # if it still lives (the test failed)
        except ProcessLookupError:
            pass
    assert not runner.is_alive(), "the run hangs on the stopped worker"
    assert time.monotonic() - stalled_at < 60
    (summary,) = summaries
    records = [json.loads(l) for l in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == [f"d{i}" for i in range(N_DOCS)]  # all, in order
    codes = [r["error"]["code"] for r in records if r["status"] == "error"]
    assert stopped and codes and set(codes) <= {"timeout", "worker_died"}
    assert summary.read == N_DOCS and summary.failed is None


@pytest.mark.slow
@pytest.mark.parametrize("variable, expected", [
    # Unset for klynge's local cluster: Dask's default of 65536 made every batch about a
    # tenth slower (issue #26).
    ("MALLOC_TRIM_THRESHOLD_", None),
    # Dask's other defaults stand (one thread per numerical library in each worker).
    ("OMP_NUM_THREADS", "1"),
])
def test_dask_engine_local_cluster_worker_environment(monkeypatch, variable, expected):
    pytest.importorskip("dask.distributed")
    monkeypatch.delenv(variable, raising=False)
    engine = DaskEngine(RunOptions(), 1)
    try:
        seen = engine.client.run(os.environ.get, variable)
    finally:
        engine.close()
    assert list(seen.values()) == [expected]
