"""The ``klynge`` command's first code: quiet signals while the program is still importing.

Importing the command line (pydantic, spaCy's registry, the rules) takes about a second;
a Ctrl-C or SIGTERM in that time would print a KeyboardInterrupt traceback from deep
inside some import. Until :func:`klynge.cli.main` takes over, either signal ends the
process at once with the documented exit code (130, 143) and one line: nothing has been
read or written yet, so there is nothing to finish.
"""
from __future__ import annotations

import _signal  # the C module: ``signal`` builds its enums first, which takes a while
import os
import sys

_EXIT_INTERRUPTED = 128 + _signal.SIGINT
_EXIT_TERMINATED = 128 + _signal.SIGTERM


def _stop_while_importing(signum, frame) -> None:
    # os._exit: a SystemExit raised mid-import would run half-imported modules' cleanup.
    name = "interrupted" if signum == _signal.SIGINT else "terminated"
    try:
        os.write(2, f"klynge: {name}\n".encode())
    except OSError:
        pass
    os._exit(_EXIT_INTERRUPTED if signum == _signal.SIGINT else _EXIT_TERMINATED)


def _unraisable(hook) -> None:
    """What Python cannot raise (an exception in a ``__del__`` or a finaliser) it prints
    with a traceback. A Ctrl-C can land in one (distributed's ``Future.__del__`` while a
    Dask run winds down): it is sent again, so the run still stops as documented (130)
    and the user sees no traceback. Anything else is one line (the traceback with
    KLYNGE_DEBUG=1)."""
    if issubclass(hook.exc_type, KeyboardInterrupt):
        # Not from inside the hook: a KeyboardInterrupt raised in it is itself ignored.
        # A moment later, to the main thread, as a real signal (it wakes a sleep too).
        import threading
        main_id = threading.main_thread().ident
        threading.Timer(0.01, _signal.pthread_kill, (main_id, _signal.SIGINT)).start()
        return
    if os.environ.get("KLYNGE_DEBUG"):
        sys.__unraisablehook__(hook)
        return
    try:
        what = " ".join(str(hook.exc_value).split())[:200]
        os.write(2, f"klynge: ignored in a finaliser: {hook.exc_type.__name__}: {what}\n"
                 .encode())
    except Exception:  # noqa: BLE001 - a hook that fails would print a traceback itself
        pass


def main() -> int:
    sys.unraisablehook = _unraisable
    previous = {s: _signal.signal(s, _stop_while_importing)
                for s in (_signal.SIGINT, _signal.SIGTERM)}
    from klynge.cli import main as cli_main
    # From here the command line handles them itself (KeyboardInterrupt, the runner's
    # SIGTERM handler): the handlers the interpreter started with come back.
    for signum, handler in previous.items():
        _signal.signal(signum, handler)
    return cli_main()


if __name__ == "__main__":
    sys.exit(main())
