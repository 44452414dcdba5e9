"""Running the pipeline over a stream of documents: local workers, Dask, resume, progress.

Entry point: :func:`run_batch`. Every engine maps the same function
(:func:`process_to_lines`) over batches of raw documents, and output is written in input
order as soon as it is ready, so memory stays flat however large the input.
"""
from __future__ import annotations

import collections
import json
import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Callable, Iterable, Iterator, Sequence

from klynge.emit import dumps
from klynge.ingest import RawDocument, check_output_path, estimate_total, iter_documents
from klynge.process import Processor, document_id, iter_batches

EXIT_OK = 0
EXIT_SOME_FAILED = 1
EXIT_CANNOT_RUN = 2
EXIT_INTERRUPTED = 130

_PROCESSOR: Processor | None = None  # one per process: loaded by the first batch it sees


def _processor() -> Processor:
    global _PROCESSOR
    if _PROCESSOR is None:
        _PROCESSOR = Processor.load()
    return _PROCESSOR


@dataclass
class BatchResult:
    """What one batch gives back to the writer: output lines and per-document outcomes."""

    lines: list[str]
    statuses: list[str]  # "ok" or the error code, one per document


def process_to_lines(raws: Sequence[RawDocument], emit: str = "documents") -> BatchResult:
    """The per-batch function every engine runs (in-process, worker process, Dask worker)."""
    records = _processor().process_batch(list(raws))
    lines: list[str] = []
    if emit == "clusters":
        from klynge.registry import iter_cluster_lines
        for rec in records:
            data = rec.model_dump(mode="json")
            lines.extend(json.dumps(c, ensure_ascii=False, separators=(",", ":"))
                         for c in iter_cluster_lines(data))
    else:
        lines = [dumps(r) for r in records]
    return BatchResult(lines=lines, statuses=[
        "ok" if r.status == "ok" else r.error.code for r in records])


@dataclass
class Summary:
    read: int = 0
    ok: int = 0
    error: int = 0
    skipped: int = 0
    interrupted: bool = False
    errors_by_code: collections.Counter = field(default_factory=collections.Counter)

    def line(self) -> str:
        codes = ", ".join(f"{c}={n}" for c, n in sorted(self.errors_by_code.items()))
        return (f"klynge: {self.read} read, {self.ok} ok, {self.error} error, "
                f"{self.skipped} skipped" + (f" ({codes})" if codes else ""))

    @property
    def exit_code(self) -> int:
        return EXIT_SOME_FAILED if self.error else EXIT_OK


def repair_and_read_ids(path: Path) -> set[str]:
    """Ids already in an output file; a partial last line (a killed run) is cut off first."""
    if not path.exists():
        return set()
    with open(path, "rb+") as fh:
        data = fh.read()
        if data and not data.endswith(b"\n"):
            cut = data.rfind(b"\n") + 1
            fh.truncate(cut)
            data = data[:cut]
    ids = set()
    for line in data.decode("utf-8").splitlines():
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            continue
        # Document lines carry "id"; cluster lines (--emit clusters) "document": {"id"}.
        doc = obj.get("document") if isinstance(obj.get("document"), dict) else {}
        ident = doc.get("id", obj.get("id"))
        if ident is not None:
            ids.add(str(ident))
    return ids


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


def _local_map(batches: Iterable, emit: str, workers: int) -> Iterator[BatchResult]:
    if workers <= 1:
        for batch in batches:
            yield process_to_lines(batch, emit)
        return
    import multiprocessing as mp
    ctx = mp.get_context("forkserver" if sys.platform != "win32" else "spawn")
    with ctx.Pool(workers) as pool:
        yield from _windowed(lambda b: pool.apply_async(process_to_lines, (b, emit)),
                             lambda f: f.get(), batches, 2 * workers)


def _dask_map(batches: Iterable, emit: str, workers: int,
              scheduler: str | None) -> Iterator[BatchResult]:
    from dask.distributed import Client, LocalCluster
    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1,
                               processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        n = max(1, len(client.scheduler_info().get("workers", {})) or workers)
        # pure=False: two batches with equal content are still two tasks.
        yield from _windowed(lambda b: client.submit(process_to_lines, b, emit, pure=False),
                             lambda f: f.result(), batches, 2 * n)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _windowed(submit: Callable, result: Callable, batches: Iterable, window: int
              ) -> Iterator[BatchResult]:
    """Keep at most ``window`` batches in flight; yield results in submission order."""
    pending: collections.deque = collections.deque()
    for batch in batches:
        pending.append(submit(batch))
        if len(pending) >= window:
            yield result(pending.popleft())
    while pending:
        yield result(pending.popleft())


def run_batch(inputs: Sequence[str], output: str | None, *, workers: int = 1,
              engine: str = "local", scheduler: str | None = None, resume: bool = False,
              max_chars: int | None = None, emit: str = "documents", quiet: bool = False,
              batch_size: int = 16, stdin: IO | None = None, stdout: IO | None = None
              ) -> Summary:
    """Run the pipeline over ``inputs`` into ``output`` (stdout when None)."""
    summary = Summary()
    done: set[str] = set()
    if output:
        check_output_path(output)
        if resume:
            done = repair_and_read_ids(Path(output))
    out_fh = open(output, "a" if resume else "w", encoding="utf-8") if output else \
        (stdout or sys.stdout)
    show = not quiet and sys.stderr.isatty()
    progress = _Progress(enabled=show, total=estimate_total(inputs) if show else None)

    def wanted() -> Iterator[RawDocument]:
        for raw in iter_documents(list(inputs), max_chars=max_chars, stdin=stdin):
            summary.read += 1
            if done and document_id(raw) in done:
                summary.skipped += 1
                continue
            yield raw

    batches = iter_batches(wanted(), batch_size)
    if engine == "dask":
        results = _dask_map(batches, emit, workers, scheduler)
    else:
        results = _local_map(batches, emit, workers)
    try:
        for res in results:
            for line in res.lines:
                out_fh.write(line + "\n")
            out_fh.flush()
            for status in res.statuses:
                if status == "ok":
                    summary.ok += 1
                else:
                    summary.error += 1
                    summary.errors_by_code[status] += 1
            progress.update(summary, len(res.statuses))
    except KeyboardInterrupt:
        # Whole lines only were written, so the file stays valid JSON Lines; documents
        # read but not written are neither ok nor error: they count as skipped.
        summary.interrupted = True
        summary.skipped += summary.read - summary.skipped - summary.ok - summary.error
    finally:
        progress.close()
        if output:
            out_fh.close()
    return summary


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
               else (os.cpu_count() or 1))
