"""What a run is told (:class:`RunOptions`, carried to every worker), its exit codes and its run-level errors."""
from __future__ import annotations

import signal
from dataclasses import dataclass

from klynge.options import DEFAULTS, PipelineOptions

EXIT_OK = 0
EXIT_SOME_FAILED = 1
EXIT_CANNOT_RUN = 2
# Interrupted runs exit 128 + the signal: 130 on SIGINT, 143 on SIGTERM (Summary.exit_code).

# What one worker process holds once the models are loaded (measured: about 420 MB), and
# what the parent process needs besides.
WORKER_MEMORY_MB = 420
PARENT_MEMORY_MB = 300
FIRST_FAILURES_SHOWN = 3

# The default worker count is one per this many documents (capped by the cores): on the
# 2-core machine of issue 24, one worker against two on the bundled texts (README,
# "Workers") never lost below 64 documents, since each worker loads its own models
# (about 5 s) before its first document.
DOCS_PER_WORKER = 32

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
    input_format: str = "auto"         # or text, html, jsonl, markdown (--input-format)
    # What changes a record (policies, max_chars, time budget): the same for every face.
    pipeline: PipelineOptions = DEFAULTS
    # Top-level fields each line leaves out (--exclude/--fields), named in its "omitted".
    omit: tuple[str, ...] = ()
    # Run-wide defaults for inputs that do not say (a JSONL record's own lang/published win).
    lang: str | None = None
    published: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "inputs", tuple(self.inputs))
        if self.output == "-":
            object.__setattr__(self, "output", None)


class RunError(Exception):
    """The run cannot start or cannot go on (exit code 2); the message is one line."""


class Interrupted(BaseException):
    """SIGTERM arrived (SIGINT arrives as KeyboardInterrupt).

    A BaseException, like KeyboardInterrupt: a signal stops the run, never a document, so
    it must pass every per-document ``except Exception`` (a third-party parser's
    included) instead of becoming an error record and letting the run go on.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum
