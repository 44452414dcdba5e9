"""The Dask engine: the same batch function on a Dask cluster."""
from __future__ import annotations

import collections
import contextlib
import logging
from typing import Iterable, Iterator

from klynge.ingest import RawDocument
from klynge.runner.run_options import RunError, RunOptions
from klynge.runner.work import BatchResult, _error_lines, process_to_lines


class DaskEngine:
    """A Dask client, connected before the output is touched (an unreachable scheduler is
    a run-level failure, not a truncated file)."""

    def __init__(self, options: RunOptions, workers: int) -> None:
        try:
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
                self.cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1,
                                            processes=True, dashboard_address=None,
                                            silence_logs=logging.CRITICAL)
                self.client = Client(self.cluster)
        except Exception as exc:  # noqa: BLE001 - any failure here means no run
            if self.cluster is not None:
                self.cluster.close()
            where = options.scheduler or "a local cluster"
            raise RunError(f"cannot reach the Dask scheduler at {where}: "
                           f"{type(exc).__name__}: {exc}") from None
        self.size = max(1, len(self.client.scheduler_info().get("workers", {})) or workers)

    def _result(self, future, docs: list[RawDocument]) -> BatchResult:
        from distributed import KilledWorker
        try:
            return future.result()
        except KilledWorker as exc:
            if len(docs) == 1:
                return _error_lines(docs[0], "worker_died", f"Dask workers died while "
                                    f"processing this document ({exc})", self.options)
            return BatchResult.concat([
                self._result(self.client.submit(process_to_lines, [d], self.options,
                                                pure=False), [d]) for d in docs])

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
