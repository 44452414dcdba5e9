"""The local engines: in this process, or klynge's own pool of worker processes (a dead or stalled worker costs its document, not the run), and how many workers a run gets."""
from __future__ import annotations

import collections
import contextlib
import logging
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from klynge.ingest import RawDocument
from klynge.runner.guards import budget_for, hard_limit
from klynge.runner.run_options import (
    DOCS_PER_WORKER,
    PARENT_MEMORY_MB,
    WORKER_MEMORY_MB,
    RunError,
    RunOptions,
)
from klynge.runner.process import budget_chars
from klynge.runner.work import BatchResult, _error_lines, _processor, process_to_lines


def _in_process(batches: Iterable, options: RunOptions) -> Iterator[BatchResult]:
    for batch in batches:
        yield process_to_lines(batch, options)


def _worker_main(conn, options: RunOptions) -> None:
    """A local worker process: load the models, then process batches until told to stop."""
    # Ctrl-C reaches the whole process group; the parent alone handles it, and SIGTERM
    # just ends a worker. No tracebacks from workers on the terminal.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    logging.disable(logging.CRITICAL)
    _quiet_stderr()
    try:
        _processor(options)
        conn.send(("ready",))
        while True:
            msg = conn.recv()
            if msg is None:
                return
            key, docs = msg
            try:
                conn.send(("done", key, process_to_lines(docs, options)))
            except Exception as exc:  # noqa: BLE001 - the batch's documents say so
                conn.send(("failed", key, f"{type(exc).__name__}: {exc}"))
    except (EOFError, OSError, KeyboardInterrupt):
        return
    except BaseException:  # noqa: BLE001 - MemoryError outside a batch, while loading
        # The parent sees the worker die (its exit status) and settles its documents; a
        # traceback from multiprocessing would only reach the user's terminal.
        os._exit(1)


def _quiet_stderr() -> None:
    """Point this worker's stderr (the descriptor: C libraries and the interpreter's own
    last words, as on a MemoryError, write there) at /dev/null, so that workers print
    nothing; with KLYNGE_DEBUG set they keep it."""
    if os.environ.get("KLYNGE_DEBUG"):
        return
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
    except OSError:
        pass


# Once the input is read to its end, the batches still waiting for a worker are cut into
# pieces of this many documents (issue #26): the workers then finish within a piece of
# each other, not a whole batch (on 1,000 documents the last whole batch left the other
# worker idle about 0.6 s). Four documents a batch cost as little CPU as sixteen (144 documents: 4.20-4.23
# CPU s in batches of 4, 4.05-4.28 in batches of 16, 4.68-4.84 one at a time); records do
# not depend on the batching.
TAIL_PIECE_DOCS = 4


@dataclass
class _Task:
    seq: int                # the batch's place in the output
    part: int | None        # None: the whole batch; else the index of its one document
    docs: list[RawDocument]


@dataclass
class _Worker:
    proc: object
    conn: object
    ready: bool = False
    task: _Task | None = None
    deadline: float | None = None
    killed_for_time: bool = False


def split_tail(queue: collections.deque[_Task], submitted: int) -> int:
    """Cut the whole batches at the end of ``queue`` (the last ones submitted, none given
    to a worker yet) into pieces of :data:`TAIL_PIECE_DOCS` documents, numbered on from
    the first of them in the same order; returns the new count of submitted batches."""
    tail: list[_Task] = []
    while queue and queue[-1].part is None and queue[-1].seq == submitted - 1 - len(tail):
        tail.append(queue.pop())
    seq = submitted - len(tail)
    for task in reversed(tail):
        for i in range(0, len(task.docs), TAIL_PIECE_DOCS):
            queue.append(_Task(seq, None, task.docs[i:i + TAIL_PIECE_DOCS]))
            seq += 1
    return seq


class LocalPool:
    """Worker processes managed one by one, so that the death of one (out of memory,
    kill -9) is seen at once and pinned on its batch; a plain multiprocessing.Pool waits
    for that batch forever. A batch whose worker died is run again one document at a
    time; a document that kills its worker on its own becomes a ``worker_died`` record,
    one that runs far past its time budget a ``timeout`` record."""

    def __init__(self, options: RunOptions, size: int) -> None:
        import multiprocessing as mp
        self.options = options
        self.size = size
        self.ctx = mp.get_context("forkserver")
        # The fork server loads the models once, before it forks the first worker
        # (klynge.runner.preload): workers start with them loaded and share their pages.
        # It takes effect when this process starts its fork server, i.e. the first pool.
        self.ctx.set_forkserver_preload(["klynge.runner.preload"])
        self.workers: list[_Worker] = []
        self.failed_starts = 0

    def _start_worker(self) -> None:
        parent, child = self.ctx.Pipe()
        proc = self.ctx.Process(target=_worker_main, args=(child, self.options), daemon=True)
        proc.start()
        child.close()
        self.workers.append(_Worker(proc, parent))

    def _assign(self, worker: _Worker, task: _Task) -> None:
        worker.task = task
        limit = hard_limit([budget_for(budget_chars(d), self.options.pipeline.time_budget)
                            for d in task.docs])
        worker.deadline = None if limit is None else time.monotonic() + limit
        try:
            worker.conn.send((task.seq, task.docs))
        except (OSError, BrokenPipeError):
            pass  # it died meanwhile; its sentinel says so next

    def map(self, batches: Iterable[list[RawDocument]]) -> Iterator[BatchResult]:
        from multiprocessing.connection import wait
        batches = iter(batches)
        window = 2 * self.size
        queue: collections.deque[_Task] = collections.deque()
        results: dict[int, BatchResult] = {}
        parts: dict[int, list[BatchResult | None]] = {}
        submitted = emitted = 0
        exhausted = False

        def finish(task: _Task, res: BatchResult) -> None:
            if task.part is None:
                results[task.seq] = res
                return
            slots = parts[task.seq]
            slots[task.part] = res
            if all(s is not None for s in slots):
                results[task.seq] = BatchResult.concat(slots)  # type: ignore[arg-type]
                del parts[task.seq]

        def lost(worker: _Worker) -> None:
            """The worker is gone: settle its task and forget it."""
            self.workers.remove(worker)
            worker.proc.join(timeout=5)  # type: ignore[attr-defined]
            if not worker.ready:
                # Dying before the models are loaded is not a document's fault.
                self.failed_starts += 1
                if self.failed_starts >= 3:
                    raise RunError("worker processes die while loading the models (exit "
                                   f"status {worker.proc.exitcode})")  # type: ignore
            task = worker.task
            if task is None:
                return
            if len(task.docs) > 1:
                # Which document did it? Run each alone, before anything else.
                parts[task.seq] = [None] * len(task.docs)
                for i in reversed(range(len(task.docs))):
                    queue.appendleft(_Task(task.seq, i, [task.docs[i]]))
                return
            raw = task.docs[0]
            if worker.killed_for_time:
                finish(task, _error_lines(raw, "timeout", "the document ran far past its "
                                          "time budget; its worker process was stopped",
                                          self.options))
                return
            code = worker.proc.exitcode  # type: ignore[attr-defined]
            how = (f"killed by {signal.Signals(-code).name}" if code is not None and code < 0
                   and -code in signal.valid_signals() else f"exit status {code}")
            finish(task, _error_lines(raw, "worker_died", f"the worker process died while "
                                      f"processing this document ({how}; out of memory?)",
                                      self.options))

        try:
            while True:
                while not exhausted and submitted - emitted < window:
                    batch = next(batches, None)
                    if batch is None:
                        exhausted = True
                        submitted = split_tail(queue, submitted)
                        break
                    queue.append(_Task(submitted, None, batch))
                    submitted += 1
                while emitted in results:
                    yield results.pop(emitted)
                    emitted += 1
                if exhausted and emitted == submitted:
                    return
                if emitted in results or (not exhausted and submitted - emitted < window):
                    continue
                for worker in self.workers:
                    if queue and worker.ready and worker.task is None:
                        self._assign(worker, queue.popleft())
                starting = sum(1 for w in self.workers if not w.ready)
                while len(self.workers) < self.size and len(queue) > starting:
                    self._start_worker()
                    starting += 1
                now = time.monotonic()
                deadlines = [w.deadline for w in self.workers if w.deadline is not None]
                timeout = max(0.0, min(deadlines) - now) if deadlines else None
                ready = wait([w.conn for w in self.workers]
                             + [w.proc.sentinel for w in self.workers],  # type: ignore[attr-defined]
                             timeout=timeout)
                for worker in list(self.workers):
                    if worker.conn in ready:
                        try:
                            msg = worker.conn.recv()  # type: ignore[attr-defined]
                        except (EOFError, OSError):
                            lost(worker)
                            continue
                        if msg[0] == "ready":
                            worker.ready = True
                            self.failed_starts = 0
                            continue
                        task, worker.task, worker.deadline = worker.task, None, None
                        if msg[0] == "done":
                            finish(task, msg[2])
                        else:
                            finish(task, BatchResult.concat([
                                _error_lines(d, "internal_error", msg[2], self.options)
                                for d in task.docs]))
                    elif worker.proc.sentinel in ready:  # type: ignore[attr-defined]
                        lost(worker)
                    elif worker.deadline is not None and time.monotonic() > worker.deadline:
                        worker.killed_for_time = True
                        worker.proc.kill()  # type: ignore[attr-defined]
                        lost(worker)
        finally:
            self.close()

    def close(self) -> None:
        for worker in self.workers:
            with contextlib.suppress(OSError, BrokenPipeError):
                worker.conn.send(None)  # type: ignore[attr-defined]
        end = time.monotonic() + 5
        for worker in self.workers:
            worker.proc.join(timeout=max(0.0, end - time.monotonic()))  # type: ignore
            if worker.proc.is_alive():  # type: ignore[attr-defined]
                worker.proc.kill()  # type: ignore[attr-defined]
                worker.proc.join()  # type: ignore[attr-defined]
        self.workers = []


def available_memory_mb() -> int | None:
    """Memory available to new processes (MemAvailable, within a cgroup limit if any)."""
    found = None
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    found = int(line.split()[1]) // 1024
    except OSError:
        pass
    try:
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        used = int(Path("/sys/fs/cgroup/memory.current").read_text())
        if limit != "max":
            left = (int(limit) - used) // 2**20
            found = left if found is None else min(found, left)
    except (OSError, ValueError):
        pass
    return found


def cpu_count() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
               else (os.cpu_count() or 1))


def memory_workers() -> int | None:
    """How many workers' models fit in the available memory (None: unknown)."""
    mem = available_memory_mb()
    if mem is None:
        return None
    return max(1, (mem - PARENT_MEMORY_MB) // WORKER_MEMORY_MB)


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def plan_workers(requested: int | None, *, documents: int | None = None,
                 batches: int | None = None) -> tuple[int, str | None]:
    """The worker count, and a note for stderr when an explicit ``--workers`` is lowered.

    ``documents`` and ``batches``: how many the whole input holds, when the runner has
    seen all of it (None: more than it looked at, or not known, as for Dask).

    Default: one worker per :data:`DOCS_PER_WORKER` documents (a second worker process
    costs its own model load, which a small batch never earns back; measured, see the
    README), never more than the cores, the memory or the batches. An explicit count is
    lowered to the batches first, said in documents ("1 worker: the batch has 1
    document"), then to what memory holds, said in MB; so ``--workers 100`` on one
    document never talks about memory.
    """
    fit = memory_workers()
    if requested is None:
        n = cpu_count()
        if documents is not None:
            n = min(n, max(1, documents // DOCS_PER_WORKER))
        if batches is not None:
            n = min(n, max(1, batches))
        return max(1, min(n, fit or n)), None
    n, note = requested, None
    if batches is not None and requested > max(1, batches):
        n = max(1, batches)
        held = (f"the batch has {_plural(documents, 'document')}" if documents is not None
                else f"the input makes {_plural(batches, 'batch', 'batches')}")
        note = (f"klynge: {_plural(n, 'worker')}: {held} (--workers {requested}; "
                f"{_plural(batches, 'batch', 'batches')} of up to --batch-size documents)")
    if fit is not None and n > fit:
        note = (f"klynge: {_plural(fit, 'worker')}: --workers {requested} needs about "
                f"{n * WORKER_MEMORY_MB} MB for the models ({WORKER_MEMORY_MB} MB each), "
                f"{available_memory_mb()} MB is available")
        n = fit
    return n, note
