"""Files and folders: read, filtered and walked in a reproducible order."""
from __future__ import annotations

import errno
import logging
import os
import stat
from collections.abc import Iterator
from typing import IO

from klynge.ingest.decode import _text_document
from klynge.ingest.documents import (
    _HTML_EXTENSIONS,
    _PRECUT_SLACK,
    FOLDER_EXTENSIONS,
    RawDocument,
    _display_path,
    _error,
    _Run,
    _source,
)
from klynge.ingest.html import _html_file_document
from klynge.ingest.jsonl import _iter_jsonl_file

logger = logging.getLogger("klynge.ingest")

def _read_bounded(f: IO[bytes], max_chars: int | None) -> tuple[bytes, bool]:
    """Read the whole file, or only what ``max_chars`` characters can need (4 bytes each)."""
    if max_chars is None:
        return f.read(), False
    limit = 4 * (max_chars + _PRECUT_SLACK) + 4
    data = f.read(limit + 1)
    if len(data) > limit:
        return data[:limit], True
    return data, False


def _read_file(path: str, run: _Run) -> Iterator[RawDocument]:
    source = _source(path)
    ext = os.path.splitext(path)[1].lower()
    try:
        with open(path, "rb") as f:
            if ext == ".jsonl":
                yield from _iter_jsonl_file(f, path, run)
                return
            if ext in _HTML_EXTENSIONS:
                data, truncated = f.read(), False
            else:
                data, truncated = _read_bounded(f, run.max_chars)
    except FileNotFoundError:
        yield _error("not_found", f"{source['path']}: no such file", source)
        return
    except PermissionError as exc:
        yield _error("unreadable", f"{source['path']}: permission denied ({exc.strerror})", source)
        return
    except OSError as exc:
        yield _error("unreadable", f"{source['path']}: {exc.strerror or exc}", source)
        return
    if ext in _HTML_EXTENSIONS:
        yield _html_file_document(data, source, run)
    else:
        yield _text_document(data, source, run, truncated=truncated)


def _stat_key(st: os.stat_result) -> tuple[int, int]:
    return st.st_dev, st.st_ino


def _walk_folder(root: str, run: _Run) -> Iterator[RawDocument]:
    """Depth-first, name-sorted walk; iterative so deep trees cannot hit the recursion limit."""
    try:
        root_key = _stat_key(os.stat(root))
    except OSError as exc:
        yield _error("unreadable", f"{_display_path(root)}: {exc.strerror or exc}", _source(root))
        return
    visited: set[tuple[int, int]] = {root_key}
    produced = 0
    # Each frame: (folder path, keys of the folder and its ancestors, remaining entries).
    stack: list[tuple[str, frozenset[tuple[int, int]], Iterator[os.DirEntry[str]]]] = []

    def open_folder(folder: str, ancestors: frozenset[tuple[int, int]]) -> RawDocument | None:
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            return _error("unreadable", f"{_display_path(folder)}: cannot list folder "
                          f"({exc.strerror or exc})", _source(folder))
        stack.append((folder, ancestors, iter(entries)))
        return None

    failed = open_folder(root, frozenset({root_key}))
    if failed is not None:
        yield failed
        return
    while stack:
        folder, ancestors, entries = stack[-1]
        entry = next(entries, None)
        if entry is None:
            stack.pop()
            continue
        full = entry.path
        shown = _display_path(full)
        if entry.name.startswith("."):
            logger.info("skipped hidden entry %s", shown)
            continue
        try:
            is_dir = entry.is_dir()
            is_file = not is_dir and entry.is_file()
        except OSError as exc:  # ELOOP: a link that points at itself
            yield _error("symlink_loop", f"{shown}: {exc.strerror or exc}", _source(full))
            produced += 1
            continue
        if is_dir:
            try:
                key = _stat_key(entry.stat())
            except OSError as exc:
                yield _error("unreadable", f"{shown}: {exc.strerror or exc}", _source(full))
                produced += 1
                continue
            if key in ancestors:
                yield _error("symlink_loop", f"{shown}: symlink leads back to a folder being "
                             f"walked ({_display_path(os.path.realpath(full))}); not followed",
                             _source(full))
                produced += 1
            elif key in visited:
                yield _error("symlink_duplicate", f"{shown}: folder "
                             f"{_display_path(os.path.realpath(full))} was already read; "
                             "not read again", _source(full))
                produced += 1
            else:
                visited.add(key)
                failed = open_folder(full, ancestors | {key})
                if failed is not None:
                    yield failed
                    produced += 1
            continue
        eligible = os.path.splitext(entry.name)[1].lower() in FOLDER_EXTENSIONS
        if not eligible:
            logger.info("skipped %s: extension not one of %s", shown, " ".join(sorted(FOLDER_EXTENSIONS)))
            continue
        if is_file:
            for doc in _read_file(full, run):
                produced += 1
                yield doc
        elif entry.is_symlink():
            yield _error("not_found", f"{shown}: broken symlink", _source(full))
            produced += 1
        else:
            logger.info("skipped %s: not a regular file", shown)
    if produced == 0:
        yield _error("empty_folder", f"{_display_path(root)}: no {'/'.join(sorted(FOLDER_EXTENSIONS))} "
                     "files in this folder", _source(root))


def _iter_path(path: str, run: _Run) -> Iterator[RawDocument]:
    source = _source(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        why = "broken symlink" if os.path.islink(path) else "no such file or folder"
        yield _error("not_found", f"{source['path']}: {why}", source)
        return
    except PermissionError as exc:
        yield _error("unreadable", f"{source['path']}: permission denied ({exc.strerror})", source)
        return
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            yield _error("symlink_loop", f"{source['path']}: {exc.strerror}", source)
        else:
            yield _error("unreadable", f"{source['path']}: {exc.strerror or exc}", source)
        return
    if stat.S_ISDIR(st.st_mode):
        yield from _walk_folder(path, run)
    else:
        yield from _read_file(path, run)
