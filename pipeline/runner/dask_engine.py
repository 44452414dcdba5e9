"""The Dask engine: the same batch function on a Dask cluster."""
from __future__ import annotations

import collections
import contextlib
import logging
import os
import signal
import time
from typing import Iterable, Iterator

from klynge.ingest import RawDocument
from klynge.runner.guards import budget_for, hard_limit
from klynge.runner.process import budget_chars
from klynge.runner.run_options import RunError, RunOptions
from klynge.runner.work import BatchResult, _error_lines, process_to_lines


# A worker that has sent no heartbeat for this long is taken for stalled (Dask's own
# interval is about a second on a small cluster, at most a few on a big one).
_SILENT_S = 10.0

# What the local cluster's workers are started with in place of Dask's defaults
# (``distributed.nanny.pre-spawn-environ``). Dask sets MALLOC_TRIM_THRESHOLD_=65536 so that
# glibc hands freed memory back to the system at once; klynge's workers hold their models
# for the whole run and free about as much as each batch allocates, so the trimming only
# costs: measured, 320 documents in one process took 8.2-8.5 CPU s with glibc's default,
# 9.0 with the threshold at 65536, and a Dask worker 12 % more than in-process (issue
# #26). Unset here, as for ``klynge run --workers N``; a worker started by the user
# (``--scheduler``) keeps what its own configuration says.
_LOCAL_WORKER_ENVIRON = {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}


class DaskEngine:
    """A Dask client, connected before the output is touched (an unreachable scheduler is
    a run-level failure, not a truncated file)."""

    def __init__(self, options: RunOptions, workers: int) -> None:
        try:
            import dask
            from dask.distributed import Client, LocalCluster
        except ImportError:
            raise RunError("--engine dask needs Dask: pip install 'klynge[dask]'") from None
        for name in ("distributed", "dask"):
            logging.getLogger(name).setLevel(logging.ERROR)
        self.options = options
        self.cluster = None
        try:
            if options.scheduler:
                self.client = Client(options.scheduler, timeout="10s")
            else:
                # silence_logs: the workers' own warnings (a task cancelled when the
                # reader of stdout went away) would reach the user's terminal.
                with dask.config.set(_LOCAL_WORKER_ENVIRON):
                    self.cluster = LocalCluster(n_workers=max(1, workers),
                                                threads_per_worker=1, processes=True,
                                                dashboard_address=None,
                                                silence_logs=logging.CRITICAL)
                self.client = Client(self.cluster)
        except Exception as exc:  # noqa: BLE001 - any failure here means no run
            if self.cluster is not None:
                self.cluster.close()
            where = options.scheduler or "a local cluster"
            raise RunError(f"cannot reach the Dask scheduler at {where}: "
                           f"{type(exc).__name__}: {exc}") from None
        self.size = max(1, len(self.client.scheduler_info().get("workers", {})) or workers)

    def _alone(self, docs: list[RawDocument]) -> BatchResult:
        """Each document of a failed batch on its own, to pin the failure on one."""
        return BatchResult.concat([
            self._result(self.client.submit(process_to_lines, [d], self.options,
                                            pure=False), [d]) for d in docs])

    def _result(self, future, docs: list[RawDocument]) -> BatchResult:
        """The batch's lines. Waited for no longer than the pool waits for a worker (the
        hard limit, from when this batch is the next to write): a stalled worker (stopped,
        stuck in C) is then stopped itself and its batch settled as the pool does, each
        document alone, one that overruns alone a ``timeout`` record."""
        from distributed import KilledWorker
        limit = hard_limit([budget_for(budget_chars(d), self.options.pipeline.time_budget)
                            for d in docs])
        try:
            return future.result(timeout=limit)
        except KilledWorker as exc:
            if len(docs) == 1:
                return _error_lines(docs[0], "worker_died", f"Dask workers died while "
                                    f"processing this document ({exc})", self.options)
            return self._alone(docs)
        except TimeoutError:
            self._stop_worker_of(future)
            if len(docs) == 1:
                return _error_lines(docs[0], "timeout", "the document ran far past its time "
                                    "budget; its Dask worker was stopped", self.options)
            return self._alone(docs)

    def _stop_worker_of(self, future) -> None:
        """Take the worker that holds ``future`` out of the cluster, so that no later task
        waits on it: the scheduler forgets it (its other tasks go elsewhere), and on a
        local cluster its process is killed (its nanny starts a fresh one)."""
        with contextlib.suppress(Exception):
            future.cancel()
        try:
            held = self.client.processing()
            workers = self.client.scheduler_info(n_workers=-1).get("workers", {})
        except Exception:  # noqa: BLE001 - a scheduler that does not answer: nothing to do
            return
        now = time.time()
        # The worker running it, and any that stopped sending heartbeats (a stopped
        # process): the task may sit in a queue behind one of those.
        stalled = {a for a, keys in held.items() if future.key in keys} | {
            a for a, info in workers.items()
            if now - info.get("last_seen", now) > _SILENT_S}
        for address in sorted(stalled):
            with contextlib.suppress(Exception):
                self.client.run_on_scheduler(_forget_worker, address)
            for nanny in (self.cluster.workers.values() if self.cluster is not None else ()):
                process = getattr(nanny, "process", None)
                if getattr(nanny, "worker_address", None) == address and process is not None:
                    with contextlib.suppress(OSError, TypeError):
                        os.kill(process.pid, signal.SIGKILL)

    def map(self, batches: Iterable) -> Iterator[BatchResult]:
        pending: collections.deque = collections.deque()
        for batch in batches:
            # pure=False: two batches with equal content are still two tasks.
            pending.append((self.client.submit(process_to_lines, batch, self.options,
                                               pure=False), batch))
            if len(pending) >= 2 * self.size:
                yield self._result(*pending.popleft())
        while pending:
            yield self._result(*pending.popleft())

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.client.close()
        if self.cluster is not None:
            with contextlib.suppress(Exception):
                self.cluster.close()


async def _forget_worker(dask_scheduler, address: str) -> None:
    """Run on the scheduler: remove a stalled worker (it answers nothing, so it cannot be
    asked to leave); its tasks are given to the others."""
    await dask_scheduler.remove_worker(address, stimulus_id="klynge-stalled-worker",
                                       close=False)
