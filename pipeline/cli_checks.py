"""What every ``klynge`` command checks before it starts work: paths that must exist, be
files or folders, be readable JSON, or be writable. Each check returns the reason in one
line (``None`` when the path is fine), so a command prints it and exits 2 before it has
loaded a model or written a byte.
"""
from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path


def readable_file(p: str, what: str = "", kind: str = "file") -> str | None:
    """Why ``p`` is not a readable file (of ``kind``, for the message), or None."""
    label = f"{what} {p}" if what else p
    path = Path(p)
    if not path.exists():
        return f"{label}: no such file"
    if path.is_dir():
        return f"{label}: is a folder, not a {kind}"
    if not os.access(path, os.R_OK):
        return f"{label}: not readable (permission denied)"
    return None


def readable_folder(p: str, what: str = "") -> str | None:
    """Why ``p`` is not a folder that can be listed, or None."""
    label = f"{what} {p}" if what else p
    path = Path(p)
    if not path.exists():
        return f"{label}: no such folder"
    if not path.is_dir():
        return f"{label}: is a file, not a folder"
    if not os.access(path, os.R_OK | os.X_OK):
        return f"{label}: not readable (permission denied)"
    return None


def json_object_file(p: str, what: str = "") -> tuple[dict | None, str | None]:
    """The JSON object in file ``p``, or the reason it cannot be read as one."""
    why = readable_file(p, what)
    if why:
        return None, why
    label = f"{what} {p}" if what else p
    try:
        data = json.loads(Path(p).read_bytes().decode("utf-8"))
    except UnicodeDecodeError as exc:
        return None, f"{label}: not UTF-8 ({exc.reason} at byte {exc.start})"
    except json.JSONDecodeError as exc:
        return None, f"{label}: not JSON ({exc.msg}, line {exc.lineno} column {exc.colno})"
    except OSError as exc:
        return None, f"{label}: {exc.strerror or exc}"
    if not isinstance(data, dict):
        return None, f"{label}: expected a JSON object, got {type(data).__name__}"
    return data, None


def writable_file(p: str, what: str = "", inputs: Iterable[str] = ()) -> str | None:
    """Why ``p`` cannot be written as a file (created or replaced), or None."""
    label = f"{what} {p}" if what else p
    path = Path(p)
    for i in inputs:
        if i != "-" and path.exists() and Path(i).exists() and os.path.samefile(path, i):
            return f"{label}: is one of the inputs"
    if path.is_dir():
        return f"{label}: is a folder"
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        return f"{label}: its folder {parent} does not exist"
    if (path.exists() and not os.access(path, os.W_OK)) or not os.access(parent, os.W_OK):
        return f"{label}: not writable (permission denied)"
    return None


def writable_folder(p: str, what: str = "") -> str | None:
    """Why ``p`` cannot be created (with its parents) and written as a folder, or None."""
    label = f"{what} {p}" if what else p
    path = Path(p)
    if path.exists() and not path.is_dir():
        return f"{label}: exists and is not a folder"
    existing = path
    while not existing.exists():
        if existing.parent == existing:
            break
        existing = existing.parent
    if not existing.is_dir():
        return f"{label}: {existing} is a file, not a folder"
    if not os.access(existing, os.W_OK | os.X_OK):
        return f"{label}: not writable (permission denied)"
    return None


def first(*reasons: str | None) -> str | None:
    """The first reason that is not None."""
    return next((r for r in reasons if r), None)


def corpus_folder(p: str, splits: Iterable[str]) -> str | None:
    """Why ``p`` is not a built gold corpus holding ``splits`` (``dev.jsonl``, ...)."""
    why = readable_folder(p, "corpus")
    if why:
        return why + (" (run from the repository, or give the corpus folder)"
                      if p == "corpus" else "")
    for split in splits:
        f = Path(p) / f"{split}.jsonl"
        if not f.is_file():
            return f"corpus {p}: no {split}.jsonl (run 'klynge corpus build {p}' first)"
    return None


def norne_folder(p: str, files: Iterable[str]) -> str | None:
    """Why ``p`` is not a NorNE folder with ``files`` (``nob/train.conllu``, ...)."""
    why = readable_folder(p, "--norne")
    if why:
        return why
    missing = [f for f in files if not (Path(p) / f).is_file()]
    if missing:
        return (f"--norne {p}: not a NorNE folder (missing {', '.join(missing)}; expected "
                "nob/ and nno/ with train/dev/test.conllu)")
    return None
