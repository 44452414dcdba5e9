"""Running the pipeline over a stream of documents: local workers, Dask, resume, progress.

Entry point: :func:`run_batch` with a :class:`RunOptions`. Every engine maps the same
function (:func:`process_to_lines`) over batches of raw documents, and output is written in
input order as soon as it is ready, so memory stays flat however large the input.

Guarantees (also in the README): an existing output is not touched until the run is known
to start (inputs listed, output neither an input nor inside an input folder, engine
importable, scheduler reachable); the output is locked against a second run; only whole
lines are ever written; a worker that dies costs the document it was processing (error
``worker_died``), not the run; a run-level failure raises :class:`RunError`.
"""
from __future__ import annotations

import collections
import contextlib
import errno
import fcntl
import itertools
import json
import logging
import os
import shutil
import signal
import stat
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Iterable, Iterator, Sequence

from klynge.options import DEFAULTS, PipelineOptions
from klynge.schema import dumps
from klynge.runner.guards import budget_for, hard_limit
from klynge.ingest import (OutputPathError, RawDocument, check_output_path, estimate_total,
                           iter_documents)
from klynge.runner.process import Processor, document_id, error_record, iter_batches

EXIT_OK = 0
EXIT_SOME_FAILED = 1
EXIT_CANNOT_RUN = 2
# Interrupted runs exit 128 + the signal: 130 on SIGINT, 143 on SIGTERM (Summary.exit_code).

# What one worker process holds once the models are loaded (measured: about 420 MB), and
# what the parent process needs besides.
WORKER_MEMORY_MB = 420
PARENT_MEMORY_MB = 300
FIRST_FAILURES_SHOWN = 3

# Documents per batch (``klynge run --batch-size``, the API's too); records do not depend
# on it.
DEFAULT_BATCH_SIZE = 16


@dataclass(frozen=True)
class RunOptions:
    """Everything a run is told, carried from the command line to every worker process."""

    inputs: tuple[str, ...] = ()
    output: str | None = None          # None or "-": stdout
    errors: str | None = None          # dead-letter file: error records also go here
    workers: int | None = None         # None: what fits the batch, the cores and memory
    engine: str = "local"              # "local" or "dask"
    scheduler: str | None = None       # dask: an existing scheduler's address
    resume: bool = False
    retry_errors: bool = False         # with resume: process error records again
    emit: str = "documents"            # or "clusters"
    batch_size: int = DEFAULT_BATCH_SIZE
    quiet: bool = False
    # What changes a record (policies, max_chars, time budget): the same for every face.
    pipeline: PipelineOptions = DEFAULTS

    def __post_init__(self) -> None:
        object.__setattr__(self, "inputs", tuple(self.inputs))
        if self.output == "-":
            object.__setattr__(self, "output", None)


class RunError(Exception):
    """The run cannot start or cannot go on (exit code 2); the message is one line."""


class Interrupted(Exception):
    """SIGTERM arrived (SIGINT arrives as KeyboardInterrupt)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


# --------------------------------------------------------------------------- worker side

def _processor(options: RunOptions) -> Processor:
    # Processor.load loads the models once per process.
    return Processor.load(options.pipeline)


@dataclass
class BatchResult:
    """What one batch gives back to the writer: output lines and per-document outcomes."""

    lines: list[str]
    statuses: list[str]  # "ok" or the error code, one per document
    error_lines: list[str] = field(default_factory=list)  # error records, for --errors
    failures: list[str] = field(default_factory=list)     # "where (code)" per error

    @staticmethod
    def concat(parts: Sequence["BatchResult"]) -> "BatchResult":
        out = BatchResult([], [])
        for p in parts:
            out.lines += p.lines
            out.statuses += p.statuses
            out.error_lines += p.error_lines
            out.failures += p.failures
        return out


def _where(source: dict) -> str:
    path = source.get("path") or "?"
    return f"{path}:{source['line']}" if source.get("line") is not None else path


def lines_for(records: Sequence, options: RunOptions) -> BatchResult:
    """Output lines and outcomes for finished records."""
    lines: list[str] = []
    result = BatchResult(lines, [])
    for rec in records:
        if options.emit == "clusters":
            from klynge.records.clusters.registry import iter_cluster_lines
            data = rec.model_dump(mode="json")
            lines.extend(json.dumps(c, ensure_ascii=False, separators=(",", ":"))
                         for c in iter_cluster_lines(data))
        else:
            lines.append(dumps(rec))
        if rec.status == "ok":
            result.statuses.append("ok")
        else:
            result.statuses.append(rec.error.code)
            result.error_lines.append(lines[-1] if options.emit != "clusters" else dumps(rec))
            result.failures.append(f"{_where(rec.source.model_dump())} ({rec.error.code})")
    return result


def process_to_lines(raws: Sequence[RawDocument], options: RunOptions) -> BatchResult:
    """The per-batch function every engine runs (in-process, worker process, Dask worker)."""
    return lines_for(_processor(options).process_batch(list(raws)), options)


def _error_lines(raw: RawDocument, code: str, message: str, options: RunOptions
                 ) -> BatchResult:
    """Lines for a document the runner itself gives up on (its worker died)."""
    return lines_for([error_record(raw, code, message)], options)


# --------------------------------------------------------------------------- summary


@dataclass
class Summary:
    read: int = 0
    ok: int = 0
    error: int = 0
    skipped: int = 0
    interrupted: int | None = None  # the signal number
    failed: str | None = None       # a run-level failure's message
    workers: int = 0
    stdout_broken: bool = False     # the reader of stdout went away
    errors_by_code: collections.Counter = field(default_factory=collections.Counter)
    first_failures: list[str] = field(default_factory=list)

    def line(self) -> str:
        codes = ", ".join(f"{c}={n}" for c, n in sorted(self.errors_by_code.items()))
        return (f"klynge: {self.read} read, {self.ok} ok, {self.error} error, "
                f"{self.skipped} skipped" + (f" ({codes})" if codes else ""))

    def lines(self) -> list[str]:
        """The summary for stderr: the counts, then the first failing inputs."""
        out = [self.line()]
        if self.first_failures:
            more = self.error - len(self.first_failures)
            out.append("klynge: first errors: " + ", ".join(self.first_failures)
                       + (f" and {more} more" if more > 0 else ""))
        return out

    @property
    def exit_code(self) -> int:
        if self.failed is not None:
            return EXIT_CANNOT_RUN
        if self.interrupted is not None:
            return 128 + self.interrupted
        return EXIT_SOME_FAILED if self.error else EXIT_OK

    def add(self, res: BatchResult) -> None:
        for status in res.statuses:
            if status == "ok":
                self.ok += 1
            else:
                self.error += 1
                self.errors_by_code[status] += 1
        room = FIRST_FAILURES_SHOWN - len(self.first_failures)
        if room > 0:
            self.first_failures.extend(res.failures[:room])


# --------------------------------------------------------------------------- output files


def repair_and_read_ids(path: Path, retry_errors: bool = False) -> set[str]:
    """Ids already in an output file; a partial last line (a killed run) is cut off first.

    With ``retry_errors`` the ids of error records are left out, so they are processed
    again; the caller removes their lines (:func:`_drop_error_lines`).
    """
    if not path.exists():
        return set()
    with open(path, "rb+") as fh:
        data = fh.read()
        if data and not data.endswith(b"\n"):
            cut = data.rfind(b"\n") + 1
            fh.truncate(cut)
            data = data[:cut]
    ids = set()
    for line in data.decode("utf-8", "replace").splitlines():
        ident, is_error = _line_id(line)
        if ident is not None and not (retry_errors and is_error):
            ids.add(ident)
    return ids


def _line_id(line: str) -> tuple[str | None, bool]:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError:
        return None, False
    if not isinstance(obj, dict):
        return None, False
    # Document lines carry "id"; cluster lines (--emit clusters) "document": {"id"}.
    doc = obj.get("document") if isinstance(obj.get("document"), dict) else {}
    ident = doc.get("id", obj.get("id"))
    return (None if ident is None else str(ident)), obj.get("status") == "error"


def _check_not_an_input(path: str, inputs: Sequence[str], what: str) -> None:
    """Refuse an output that is one of the inputs or lies inside an input folder: it
    would be destroyed before it is read, or read back as input without end."""
    real = os.path.realpath(path)
    for item in inputs:
        if item == "-" or not os.path.exists(item):
            continue
        if os.path.exists(path) and os.path.samefile(path, item):
            raise RunError(f"{what} {path!r} is also an input; it would be overwritten "
                           "before it is read")
        if os.path.isdir(item):
            folder = os.path.realpath(item)
            if os.path.commonpath([folder, real]) == folder:
                raise RunError(f"{what} {path!r} is inside the input folder {item!r}; it "
                               "would be read back as input")


class _Sink:
    """An output file: locked, opened without truncating until the run starts, written
    in whole lines (one write per batch, with SIGINT/SIGTERM held back meanwhile)."""

    def __init__(self, path: str | None, stream: IO | None = None) -> None:
        self.path = path
        self.stream = stream
        self.fd: int | None = None
        self.lines = 0
        self.broken = False

    def open(self, *, append: bool, retry_errors: bool = False) -> set[str]:
        """Lock the file, then resume it (ids to skip) or empty it."""
        if self.path is None:
            return set()
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o666)
        except OSError as exc:
            raise RunError(f"cannot open {self.path!r}: {exc.strerror}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
                raise RunError(f"{self.path!r} is being written by another klynge run") \
                    from None
            raise RunError(f"cannot lock {self.path!r}: {exc.strerror}") from None
        self.fd = fd
        regular = stat.S_ISREG(os.fstat(fd).st_mode)
        if not append:
            if regular:
                os.ftruncate(fd, 0)
            return set()
        if not regular:
            return set()
        done = repair_and_read_ids(Path(self.path), retry_errors)
        if retry_errors:
            self._drop_error_lines()
        return done

    def _drop_error_lines(self) -> None:
        """Remove error records (they are processed again) by writing the rest to a locked
        temporary file and renaming it over the output: never a half-rewritten file."""
        path = Path(self.path)
        data = path.read_bytes()
        kept = [l for l in data.splitlines(keepends=True)
                if not _line_id(l.decode("utf-8", "replace"))[1]]
        if len(kept) == data.count(b"\n"):
            return
        fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            os.write(fd, b"".join(kept))
            os.fsync(fd)
            os.chmod(tmp, stat.S_IMODE(os.fstat(self.fd).st_mode))
            os.replace(tmp, path)
        except BaseException:
            os.close(fd)
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        os.close(self.fd)
        # The temporary file was opened without O_APPEND; every later write goes to its end.
        os.lseek(fd, 0, os.SEEK_END)
        self.fd = fd

    def write(self, lines: Sequence[str]) -> None:
        if not lines:
            return
        data = "".join(line + "\n" for line in lines).encode("utf-8")
        held = {signal.SIGINT, signal.SIGTERM}
        old = signal.pthread_sigmask(signal.SIG_BLOCK, held)
        try:
            if self.fd is None:
                self._write_stream(data)
            else:
                self._write_fd(data)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)
        self.lines += len(lines)

    def _write_stream(self, data: bytes) -> None:
        stream = self.stream or sys.stdout
        try:
            buffer = getattr(stream, "buffer", None)
            if buffer is not None:
                buffer.write(data)
                buffer.flush()
            else:
                stream.write(data.decode("utf-8"))
                stream.flush()
        except BrokenPipeError:
            self.broken = True
            raise RunError("the output pipe was closed (broken pipe)") from None

    def _write_fd(self, data: bytes) -> None:
        assert self.fd is not None
        regular = stat.S_ISREG(os.fstat(self.fd).st_mode)
        size = os.fstat(self.fd).st_size if regular else 0
        view = memoryview(data)
        try:
            while view:
                n = os.write(self.fd, view)
                view = view[n:]
        except OSError as exc:
            if regular:
                # Take back the part of the batch that got in: whole lines only.
                with contextlib.suppress(OSError):
                    os.ftruncate(self.fd, size)
            raise RunError(f"cannot write {self.path!r}: {exc.strerror}") from None

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


# --------------------------------------------------------------------------- engines


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
        limit = hard_limit([budget_for(len(d.text or ""), self.options.pipeline.time_budget)
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
                self.cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1,
                                            processes=True, dashboard_address=None)
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


# --------------------------------------------------------------------------- workers


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


def plan_workers(requested: int | None) -> tuple[int, str | None]:
    """The worker count to aim for, and a warning when an explicit one does not fit.

    Default: the cores, but no more than memory holds. An explicit count above what memory
    holds is lowered to it, with a warning (each worker holds about 420 MB of models).
    The runner further lowers it to the number of batches there are.
    """
    fit = memory_workers()
    if requested is None:
        return min(cpu_count(), fit or cpu_count()), None
    if fit is not None and requested > fit:
        return fit, (f"klynge: --workers {requested} needs about "
                     f"{requested * WORKER_MEMORY_MB / 1024:.1f} GB for the models "
                     f"({WORKER_MEMORY_MB} MB each), only {available_memory_mb()} MB is "
                     f"available; using {fit} workers")
    return requested, None


# --------------------------------------------------------------------------- the run


class _Progress:
    """tqdm on a terminal; nothing in pipes or with --quiet."""

    def __init__(self, enabled: bool, total: int | None = None) -> None:
        self.bar = None
        if enabled:
            from tqdm import tqdm
            # With a total, tqdm shows the ETA; docs/s and the error count always.
            # A pty that reports a 0x0 size makes tqdm print nothing; shutil falls back
            # to 80x24 there.
            size = shutil.get_terminal_size()
            self.bar = tqdm(total=total, unit="doc", file=sys.stderr, ncols=size.columns,
                            nrows=size.lines)

    def update(self, summary: Summary, n: int) -> None:
        if self.bar is not None:
            self.bar.set_postfix(ok=summary.ok, errors=summary.error, refresh=False)
            self.bar.update(n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


@contextlib.contextmanager
def _sigterm_raises() -> Iterator[None]:
    """SIGTERM ends the run like Ctrl-C: whole lines written, summary printed."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_term(signum, frame):
        raise Interrupted(signum)

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _check_run(options: RunOptions) -> None:
    """Everything that can be known before any file is touched."""
    if options.engine not in ("local", "dask"):
        raise RunError(f"unknown engine {options.engine!r}")
    for path, what in ((options.output, "output"), (options.errors, "errors file")):
        if path is None:
            continue
        try:
            check_output_path(path)
        except OutputPathError as exc:
            raise RunError(f"cannot write {what}: {exc}") from None
        _check_not_an_input(path, options.inputs, what)
    if options.output and options.errors and os.path.abspath(options.output) == \
            os.path.abspath(options.errors):
        raise RunError("the errors file must not be the output file")


def run_batch(options: RunOptions, *, stdin: IO | None = None, stdout: IO | None = None,
              stderr: IO | None = None) -> Summary:
    """Run the pipeline as ``options`` say. Returns the summary; a run-level failure is
    recorded in ``summary.failed`` (the message) after everything possible was written,
    and a signal in ``summary.interrupted``."""
    stderr = stderr or sys.stderr
    summary = Summary()
    try:
        _check_run(options)
    except RunError as exc:
        summary.failed = str(exc)
        return summary
    requested, warning = plan_workers(options.workers)
    if warning:
        print(warning, file=stderr)

    done: set[str] = set()

    def wanted() -> Iterator[RawDocument]:
        for raw in iter_documents(list(options.inputs), max_chars=options.pipeline.max_chars,
                                  stdin=stdin):
            summary.read += 1
            if done and document_id(raw) in done:
                summary.skipped += 1
                continue
            yield raw

    out = _Sink(options.output, stdout)
    dead = _Sink(options.errors) if options.errors else None
    engine = None
    progress = None
    try:
        with _sigterm_raises():
            try:
                if options.engine == "dask":
                    # Connected first: an unreachable scheduler leaves the output as it was.
                    engine = DaskEngine(options, requested)
                done = out.open(append=options.resume, retry_errors=options.retry_errors)
                if dead is not None:
                    dead.open(append=options.resume)
                show = not options.quiet and stderr.isatty()
                progress = _Progress(enabled=show, total=estimate_total(list(options.inputs))
                                     if show else None)
                batches = iter_batches(wanted(), options.batch_size)
                if engine is not None:
                    summary.workers = engine.size
                    results = engine.map(batches)
                else:
                    # Never more workers than batches: look ahead that far (ingest only).
                    head = list(itertools.islice(batches, requested))
                    summary.workers = max(1, min(requested, len(head)))
                    batches = itertools.chain(head, batches)
                    results = (_in_process(batches, options) if summary.workers == 1
                               else LocalPool(options, summary.workers).map(batches))
                try:
                    for res in results:
                        out.write(res.lines)
                        if dead is not None:
                            dead.write(res.error_lines)
                        summary.add(res)
                        progress.update(summary, len(res.statuses))
                finally:
                    close = getattr(results, "close", None)
                    if close is not None:
                        close()
            except KeyboardInterrupt:
                summary.interrupted = signal.SIGINT
            except Interrupted as exc:
                summary.interrupted = exc.signum
            except RunError as exc:
                summary.failed = str(exc)
    finally:
        if progress is not None:
            progress.close()
        if engine is not None:
            engine.close()
        out.close()
        summary.stdout_broken = out.broken
        if dead is not None:
            dead.close()
        # Documents read but not written are neither ok nor error: they count as skipped,
        # so that read = ok + error + skipped always.
        summary.skipped = summary.read - summary.ok - summary.error
    return summary
