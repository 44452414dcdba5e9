"""Reading klynge's JSON Lines output for the views: one document record (or one
``--emit clusters`` line) per line, with a bad line reported, never raised.

:func:`check_inputs` says, before anything is written, why an input cannot be read (a
missing path, a folder, no permission); :func:`iter_records` yields every readable line
as a :class:`Line` and every bad one as a :class:`BadLine` (file, line number, why), so a
command can report it in one line and go on.
"""
from __future__ import annotations

import contextlib
import json
import sys
from dataclasses import dataclass
from typing import IO, Iterable, Iterator

from klynge.cli_checks import readable_file


@dataclass(frozen=True)
class Line:
    path: str
    number: int  # 1-based line of the file
    record: dict


@dataclass(frozen=True)
class BadLine:
    path: str
    number: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.number}: {self.reason}"


def check_inputs(paths: Iterable[str]) -> str | None:
    """Why the inputs cannot be read, in one line, or None when every one is a readable
    file; ``-`` is standard input, once at most (it can be read only once)."""
    paths = list(paths)
    if paths.count("-") > 1:
        return "-: standard input can be given only once"
    for p in paths:
        why = None if p == "-" else readable_file(p, kind="JSON Lines file")
        if why:
            return why
    return None


def _why_not_a_record(obj: object) -> str | None:
    if not isinstance(obj, dict):
        return f"not a JSON object ({type(obj).__name__})"
    if "name" in obj and isinstance(obj.get("document"), dict):  # klynge run --emit clusters
        return None
    if not isinstance(obj.get("id"), str) or obj.get("status") not in ("ok", "error"):
        return "not a klynge record (no string 'id' and 'status' ok/error)"
    for key in ("clusters", "entities", "people", "organisations", "amounts", "dates",
                "quotes", "flags"):
        if obj.get(key) is not None and not isinstance(obj[key], list):
            return f"not a klynge record ('{key}' is not a list)"
    for key in ("language", "source", "error"):
        if obj.get(key) is not None and not isinstance(obj[key], dict):
            return f"not a klynge record ('{key}' is not an object)"
    return None


@contextlib.contextmanager
def _open(p: str) -> Iterator[IO[bytes]]:
    if p == "-":
        yield sys.stdin.buffer if hasattr(sys.stdin, "buffer") else sys.stdin  # type: ignore
        return
    with open(p, "rb") as fh:
        yield fh


def iter_records(paths: Iterable[str]) -> Iterator[Line | BadLine]:
    """Every non-blank line of ``paths``, in order: a :class:`Line` when it is a klynge
    record, else a :class:`BadLine`. An I/O error while reading is a BadLine too. ``-``
    reads standard input (named ``<stdin>`` in reports)."""
    for p in paths:
        number = 0
        try:
            with _open(p) as fh:
                if p == "-":
                    p = "<stdin>"
                for number, raw in enumerate(fh, 1):
                    if not raw.strip():
                        continue
                    try:
                        obj = json.loads(raw.decode("utf-8"))
                    except UnicodeDecodeError as exc:
                        yield BadLine(p, number, f"not UTF-8 ({exc.reason} at byte {exc.start})")
                        continue
                    except json.JSONDecodeError as exc:
                        yield BadLine(p, number, f"not JSON ({exc.msg}, column {exc.colno})")
                        continue
                    why = _why_not_a_record(obj)
                    if why:
                        yield BadLine(p, number, why)
                    else:
                        yield Line(p, number, obj)
        except OSError as exc:
            yield BadLine(p, number + 1, f"read failed ({exc.strerror or exc})")
