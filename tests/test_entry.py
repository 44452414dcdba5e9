"""The ``klynge`` command's entry point (klynge._entry): a signal while the command line is
still importing ends it quietly with the documented exit code (issue 23, rest of 14)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

# The child imports klynge._entry, then sends itself the signal the moment the named
# module starts importing inside ``klynge.cli``'s imports: deterministic, where a timer
# from outside would land anywhere (or in the interpreter's own startup, before any
# klynge code runs).
_DRIVER = """
import importlib.abc, os, sys
import klynge._entry as entry

class Trip(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == {module!r}:
            os.kill(os.getpid(), {signum})
        return None

sys.meta_path.insert(0, Trip())
sys.argv = ["klynge", "schema"]
sys.exit(entry.main())
"""


@pytest.mark.parametrize("module", ["pydantic", "klynge.schema", "klynge.runner.batch"])
@pytest.mark.parametrize("signum, code, word", [(signal.SIGINT, 130, "interrupted"),
                                                (signal.SIGTERM, 143, "terminated")])
def test_entry_signal_while_importing_exits_quietly(module, signum, code, word):
    proc = subprocess.run([sys.executable, "-c", _DRIVER.format(module=module, signum=int(signum))],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == code, proc.stderr
    assert proc.stderr == f"klynge: {word}\n"
    assert proc.stdout == ""


def test_entry_hands_signals_back_once_imported():
    # After the imports the command line's own handling rules (KeyboardInterrupt is
    # caught by klynge.cli.main and a run finishes its lines): the early handler is gone.
    code = ("import signal, sys, klynge._entry as e; sys.argv = ['klynge', 'schema'];"
            "import klynge.cli; klynge.cli.main = lambda: "
            "print(signal.getsignal(signal.SIGINT) is signal.default_int_handler, "
            "signal.getsignal(signal.SIGTERM) is signal.SIG_DFL) or 0; sys.exit(e.main())")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert proc.stdout.split() == ["True", "True"], proc.stderr


def test_entry_ctrl_c_inside_a_finaliser_is_sent_again_without_traceback():
    # CI caught it: a SIGINT that landed in distributed's Future.__del__ during a Dask run
    # printed "Exception ignored in ... Traceback ... KeyboardInterrupt" on stderr.
    code = ("import sys, time\n"
            "from klynge import _entry\n"
            "sys.unraisablehook = _entry._unraisable\n"
            "class Future:\n"
            "    def __del__(self):\n"
            "        raise KeyboardInterrupt\n"
            "try:\n"
            "    Future()\n"
            "    time.sleep(5)\n"
            "    print('not stopped')\n"
            "except KeyboardInterrupt:\n"
            "    print('stopped')\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert proc.stdout.strip() == "stopped"
    assert "Traceback" not in proc.stderr and "Exception ignored" not in proc.stderr


def test_entry_other_finaliser_errors_are_one_line():
    code = ("import sys\n"
            "from klynge import _entry\n"
            "sys.unraisablehook = _entry._unraisable\n"
            "class Handle:\n"
            "    def __del__(self):\n"
            "        raise ValueError('socket already closed')\n"
            "Handle()\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, env={k: v for k, v in os.environ.items()
                                           if k != "KLYNGE_DEBUG"})
    assert proc.returncode == 0
    assert proc.stderr == ("klynge: ignored in a finaliser: ValueError: socket already "
                           "closed\n")
