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
import dataclasses
import contextlib
import itertools
import shutil
import signal
import sys
import threading
from dataclasses import dataclass, field
from typing import IO, Iterator

from klynge.ingest import RawDocument, estimate_total, iter_documents
from klynge.runner.dask_engine import DaskEngine
from klynge.runner.outputs import (
    OutputPathError,
    _check_not_an_input,
    _Sink,
    check_output_path,
    fingerprint_of,
    same_file,
    written_id,
)
from klynge.runner.pool import LocalPool, _in_process, cpu_count, plan_workers
from klynge.runner.process import document_id, iter_batches
from klynge.runner.run_options import (
    DOCS_PER_WORKER,
    EXIT_CANNOT_RUN,
    EXIT_OK,
    EXIT_SOME_FAILED,
    FIRST_FAILURES_SHOWN,
    Interrupted,
    RunError,
    RunOptions,
)
from klynge.runner.work import BatchResult


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
    if options.output and options.errors and same_file(options.output, options.errors):
        # Resolved: a symlink or hard link to the output opened as the errors file
        # truncated the output, then failed on its lock.
        raise RunError(f"the errors file {options.errors!r} is the output file "
                       f"{options.output!r} (the same file under another name)")


def run_batch(options: RunOptions, *, stdin: IO | None = None, stdout: IO | None = None,
              stderr: IO | None = None) -> Summary:
    """Run the pipeline as ``options`` say. Returns the summary; a run-level failure is
    recorded in ``summary.failed`` (the message) after everything possible was written,
    and a signal in ``summary.interrupted``."""
    stderr = stderr or sys.stderr
    summary = Summary()
    try:
        _check_run(options)
        if options.output is None and (stdout or sys.stdout) is None:
            # Started with stdout closed (`klynge run ... >&-`): Python has no sys.stdout.
            raise RunError("stdout is closed: nowhere to write the output (give -o FILE)")
    except RunError as exc:
        summary.failed = str(exc)
        return summary
    # Dask plans here (it connects before the output is touched); the local engines once
    # they have looked ahead into the input, to fit the count to the batch.
    requested, warning = plan_workers(options.workers)
    if warning and options.engine == "dask" and not options.quiet:
        print(warning, file=stderr)

    done: set[str] = set()

    def wanted() -> Iterator[RawDocument]:
        # defer_html: HTML is extracted by the worker, inside the document's time budget.
        for raw in iter_documents(list(options.inputs), max_chars=options.pipeline.max_chars,
                                  stdin=stdin, input_format=options.input_format,
                                  defer_html=True):
            summary.read += 1
            if raw.error is None and (options.lang or options.published):
                # The run's defaults for what the input does not say itself.
                raw = dataclasses.replace(raw, lang=raw.lang or options.lang,
                                          published=raw.published or options.published)
            if done and written_id(document_id(raw)) in done:
                continue  # counted as skipped at the end (read - ok - error)
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
                done = out.open(append=options.resume, retry_errors=options.retry_errors,
                                fingerprint=fingerprint_of(options))
                if dead is not None:
                    # --retry-errors processes every error of OUT again: their earlier
                    # dead-letter lines go too, so a document failing again is not twice there.
                    dead.open(append=options.resume, retry_errors=options.retry_errors)
                show = not options.quiet and stderr.isatty()
                progress = _Progress(enabled=show, total=estimate_total(list(options.inputs))
                                     if show else None)
                batches = iter_batches(wanted(), options.batch_size)
                if engine is not None:
                    summary.workers = engine.size
                    results = engine.map(batches)
                else:
                    # Fit the workers to the batch: look ahead (ingest only) as far as
                    # the count could need, then plan with what was seen.
                    want = options.workers or cpu_count() * DOCS_PER_WORKER
                    head = list(itertools.islice(batches, -(-want // options.batch_size)
                                                 if options.workers is None else want))
                    tail = next(batches, None)
                    whole = tail is None
                    if not whole:
                        head.append(tail)
                    summary.workers, note = plan_workers(
                        options.workers, batches=len(head) if whole else None,
                        documents=sum(len(b) for b in head) if whole else None)
                    if note and not options.quiet:
                        print(note, file=stderr)
                    batches = itertools.chain(head, batches)
                    results = (_in_process(batches, options) if summary.workers == 1
                               else LocalPool(options, summary.workers).map(batches))
                try:
                    for res in results:
                        out.write(res.lines)
                        # Counted once in the output: a failing --errors write stops the
                        # run, but these documents are written, not skipped.
                        summary.add(res)
                        if dead is not None:
                            dead.write(res.error_lines)
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
