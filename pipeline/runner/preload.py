"""What the worker pool's fork server imports before it forks any worker.

Importing this module loads the models with the default options and warms every
language (``Processor.load().warm()``: in a process of its own a language loads when its
first document comes), so the fork server holds them once and every worker it forks
starts with them loaded: a worker is ready at once instead of after seconds of loading
of its own, and the loaded pages are shared with the server's until written. ``klynge.runner.pool`` names it as
the fork server's preload; nothing else imports it.

A failure here is no failure of the run: the workers then load the models themselves
(``_worker_main``), as they would without a preload, and report there what went wrong.
"""
from __future__ import annotations

import gc
import logging
import signal


def _load() -> None:
    # The parent alone handles Ctrl-C (as in _worker_main); the fork server prints nothing.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logging.disable(logging.CRITICAL)
    try:
        from klynge.runner.process import Processor
        Processor.load().warm()
        # Out of the collector's sight: a collection in a worker would otherwise write to
        # every loaded object's header, copying the pages the workers share. Measured
        # (1,000 documents, 2 workers): 42-65 MB private memory a worker, 70-93 without;
        # CPU the same.
        gc.freeze()
    except Exception:  # noqa: BLE001 - each worker loads again and says what failed
        return


_load()
