"""Per-document guards: a time budget that turns a runaway document into a ``timeout``
error record instead of a batch that never finishes.

The budget grows with the document (``seconds`` per 100,000 characters, never less than
``seconds``), so a long but healthy document is not cut off while a pathological short
one is. In the main thread the alarm is a real-time timer (SIGALRM): its handler also
runs inside a long regular-expression match, which checks for signals. Elsewhere (a Dask
worker runs tasks in a thread) the exception is raised in the thread asynchronously,
which takes effect at the next Python instruction. The batch runner also kills a worker
process whose document overruns its budget by far, for code that never returns to Python.

What a stage loads on first use (a language's rules, its spaCy pipeline, langdetect's
profiles) is loaded inside :func:`paused`: the budget's clock stands still meanwhile, so
a record never depends on whether its document was the first of its process to need
the load, and a budget never fires inside one.
"""
from __future__ import annotations

import contextlib
import ctypes
import math
import signal
import threading
import time
from typing import Callable, Iterator

BUDGET_UNIT_CHARS = 100_000

_state = threading.local()


class DocumentTimeout(Exception):
    """A document used up its time budget."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"document exceeded its time budget of {seconds:g} s")
        self.seconds = seconds


def budget_for(chars: int, seconds: float | None) -> float | None:
    """The time budget of a document of ``chars`` characters (None: no budget)."""
    if not seconds:
        return None
    return seconds * max(1.0, chars / BUDGET_UNIT_CHARS)


@contextlib.contextmanager
def time_budget(seconds: float | None) -> Iterator[None]:
    """Raise :class:`DocumentTimeout` in this thread when the block runs past ``seconds``.

    Nested budgets: only the outermost one counts (a long document's pieces share the
    document's budget).
    """
    if not seconds or getattr(_state, "active", False):
        yield
        return
    _state.active = True
    try:
        if threading.current_thread() is threading.main_thread():
            with _alarm(seconds):
                yield
        else:
            with _async_exception(seconds):
                yield
    finally:
        _state.active = False


def clock() -> float:
    """Seconds as budgets count them: ``time.monotonic()`` less the time this thread
    spent in :func:`paused` (the runner charges each stage by differences of it)."""
    return time.monotonic() - getattr(_state, "paused_for", 0.0)


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """Stop the running budget's clock for the block: for loads on first use, which are
    no document's work. The budget goes on with the time it had left. A budget never
    fires inside the block: one that runs out while the block starts is held and fires
    as the block ends, so a load is never cut half-way (the loads' caches keep nothing
    half-done, and a warm-up that a budget cut would leave a language marked loaded with
    its caches empty)."""
    if getattr(_state, "pausing", False):
        yield
        return
    timer: _Timer | None = getattr(_state, "timer", None)
    # Before the flag: a budget that fires right here fires before the block, and leaves
    # this thread's pausing as it was.
    left = timer.stop() if timer is not None else None
    _state.pausing = True
    started = time.monotonic()
    try:
        yield
    finally:
        _state.paused_for = getattr(_state, "paused_for", 0.0) + time.monotonic() - started
        _state.pausing = False
        if timer is not None and left is not None:
            timer.start(left)  # raises DocumentTimeout when the budget ran out meanwhile


class _Timer:
    """The running budget's timer, as :func:`paused` stops and restarts it: ``stop``
    holds the budget (a timeout due meanwhile is kept, not raised) and returns the time
    left (0 when it ran out); ``start`` goes on with that time, or raises the timeout
    that is due."""

    def __init__(self, stop: Callable[[], float], start: Callable[[float], None]) -> None:
        self.stop, self.start = stop, start


@contextlib.contextmanager
def _running(timer: _Timer) -> Iterator[None]:
    _state.timer = timer
    try:
        yield
    finally:
        _state.timer = None


@contextlib.contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    state = {"armed": True, "held": False, "due": False}

    def on_alarm(signum, frame):
        # A signal that arrives just after the block ended must not escape into the caller.
        if state["armed"]:
            if state["held"]:  # inside paused(): raised when it ends
                state["due"] = True
                return
            state["armed"] = False
            raise DocumentTimeout(seconds)

    def stop() -> float:
        state["held"] = True
        # 0 when the timer has run out: its signal is delivered, or is about to be.
        return signal.setitimer(signal.ITIMER_REAL, 0)[0]

    def start(left: float) -> None:
        state["held"] = False
        if state["due"] or left <= 0:
            state["armed"] = False  # a signal still on its way is this same timeout
            raise DocumentTimeout(seconds)
        signal.setitimer(signal.ITIMER_REAL, left)

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        with _running(_Timer(stop, start)):
            yield
    finally:
        state["armed"] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _set_async_exc(thread_id: int, exc: type[BaseException] | None) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), ctypes.py_object(exc) if exc is not None else None)


@contextlib.contextmanager
def _async_exception(seconds: float) -> Iterator[None]:
    thread_id = threading.get_ident()
    lock = threading.Lock()
    state = {"armed": True, "fired": False, "held": False, "due": False}

    class _Timeout(DocumentTimeout):
        def __init__(self) -> None:  # raised by the interpreter without arguments
            super().__init__(seconds)

    def fire() -> None:
        with lock:
            if state["armed"]:
                if state["held"]:  # inside paused(): raised when it ends
                    state["due"] = True
                    return
                state["fired"] = True
                _set_async_exc(thread_id, _Timeout)

    running: dict[str, threading.Timer] = {}
    deadline = [0.0]

    def arm(left: float) -> None:
        running["timer"] = timer = threading.Timer(left, fire)
        timer.daemon = True
        deadline[0] = time.monotonic() + left
        timer.start()

    def stop() -> float:
        with lock:
            state["held"] = True
            running["timer"].cancel()
            if state["fired"]:
                # Set but not yet raised in this thread: withdrawn, and raised when the
                # pause ends instead of inside it.
                _set_async_exc(thread_id, None)
                state["fired"], state["due"] = False, True
            return 0.0 if state["due"] else max(deadline[0] - time.monotonic(), 0.0)

    def start(left: float) -> None:
        with lock:
            state["held"] = False
            if not state["armed"]:
                return
            if state["due"] or left <= 0:
                state["armed"] = False
                raise _Timeout()
            arm(left)

    arm(seconds)
    try:
        with _running(_Timer(stop, start)):
            yield
    finally:
        with lock:
            state["armed"] = False
            running["timer"].cancel()
            if state["fired"]:
                # Not yet delivered (the block ended first): withdraw it.
                _set_async_exc(thread_id, None)


def hard_limit(budgets: list[float | None]) -> float | None:
    """How long the runner lets a worker work on these documents before killing it: far
    beyond the budgets, for code that never gives the in-process alarm a chance."""
    if not budgets or any(b is None for b in budgets):
        return None
    return math.ceil(2 * sum(budgets) + 60)  # type: ignore[arg-type]
