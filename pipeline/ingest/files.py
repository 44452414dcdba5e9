"""Files and folders: read, filtered and walked in a reproducible order."""
from __future__ import annotations

import errno
import logging
import os
import stat
from collections.abc import Iterator
from typing import IO

from klynge.ingest.decode import _decode, _text_document, _unreadable_bytes
from klynge.ingest.documents import (
    _HTML_EXTENSIONS,
    _PRECUT_SLACK,
    _SNIFF_BYTES,
    FOLDER_EXTENSIONS,
    RawDocument,
    _display_path,
    _error,
    _finish,
    _Run,
    _source,
)
from klynge.ingest.formats import (
    GZIP_ERRORS,
    inner_name,
    is_gzip_data,
    is_gzip_name,
    looks_like_html,
    markdown_to_text,
    max_bytes,
    open_gzip,
)
from klynge.ingest.html import _html_file_document
from klynge.ingest.jsonl import _iter_jsonl_file

logger = logging.getLogger("klynge.ingest")

def _read_bounded(f: IO[bytes], max_chars: int | None, head: bytes = b"") -> tuple[bytes, bool]:
    """Read the whole file, or only what ``max_chars`` characters can need (4 bytes each);
    ``head``: what was already read of it."""
    if max_chars is None:
        return head + f.read(), False
    limit = 4 * (max_chars + _PRECUT_SLACK) + 4
    data = head + f.read(max(0, limit + 1 - len(head)))
    if len(data) > limit:
        return data[:limit], True
    return data, False


# Extensions that say the format; any other file given by name is read as text unless
# its content is plainly an HTML document (``auto``).
_KIND_BY_EXTENSION = {".jsonl": "jsonl", ".md": "markdown", ".markdown": "markdown",
                      **{ext: "html" for ext in _HTML_EXTENSIONS}}


def _kind(path: str, input_format: str) -> str:
    if input_format != "auto":
        return input_format
    ext = os.path.splitext(inner_name(path))[1].lower()
    return _KIND_BY_EXTENSION.get(ext, "auto")


def markdown_document(data: bytes, source: dict, run: _Run, *, truncated: bool) -> RawDocument:
    """A Markdown file: decoded like text, its markup taken out before normalisation."""
    rejected = _unreadable_bytes(data, source)
    if rejected is not None:
        return rejected
    text, flags = _decode(data, partial=truncated)
    return _finish(markdown_to_text(text), source, run, flags=flags + ["markdown_read"],
                   truncated=truncated)


def html_or_text_document(data: bytes, source: dict, run: _Run, kind: str, *,
                          truncated: bool) -> RawDocument:
    """The document of bytes whose kind is html, markdown, text, or auto (HTML when the
    content is plainly an HTML document, flagged ``html_detected``; else text)."""
    if kind == "markdown":
        return markdown_document(data, source, run, truncated=truncated)
    if kind == "html" or (kind == "auto" and looks_like_html(data[:_SNIFF_BYTES])):
        doc = _html_file_document(data, source, run, truncated=truncated)
        if kind == "auto":
            doc.flags.insert(0, "html_detected")
        return doc
    return _text_document(data, source, run, truncated=truncated)


def _read_file(path: str, run: _Run, input_format: str = "auto") -> Iterator[RawDocument]:
    source = _source(path)
    kind = _kind(path, input_format)
    try:
        with open(path, "rb") as raw_file:
            f: IO[bytes] = raw_file
            flags: list[str] = []
            if is_gzip_name(path) and is_gzip_data(raw_file.read(2)):
                raw_file.seek(0)
                f, flags = open_gzip(raw_file), ["decompressed_gzip"]
            else:
                raw_file.seek(0)
            try:
                if kind == "jsonl":
                    for doc in _iter_jsonl_file(f, path, run):
                        doc.flags[:0] = flags
                        yield doc
                    return
                head = f.read(_SNIFF_BYTES)
                if kind == "html" or (kind == "auto" and looks_like_html(head)):
                    limit = max_bytes()
                    data = head + f.read(max(0, limit + 1 - len(head)))
                    truncated = len(data) > limit
                    data = data[:limit]
                else:
                    data, truncated = _read_bounded(f, run.max_chars, head)
            except GZIP_ERRORS as exc:
                yield _error("unreadable", f"{source['path']}: corrupt gzip data ({exc})",
                             source)
                return
    except FileNotFoundError:
        yield _error("not_found", f"{source['path']}: no such file", source)
        return
    except PermissionError as exc:
        yield _error("unreadable", f"{source['path']}: permission denied ({exc.strerror})", source)
        return
    except IsADirectoryError:
        yield _error("unreadable", f"{source['path']}: is a folder", source)
        return
    except OSError as exc:
        yield _error("unreadable", f"{source['path']}: {exc.strerror or exc}", source)
        return
    doc = html_or_text_document(data, source, run, kind, truncated=truncated)
    doc.flags[:0] = flags
    yield doc


def _stat_key(st: os.stat_result) -> tuple[int, int]:
    return st.st_dev, st.st_ino


def _walk_folder(root: str, run: _Run, input_format: str = "auto") -> Iterator[RawDocument]:
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
        # a.jsonl.gz is read as a.jsonl, decompressed.
        eligible = os.path.splitext(inner_name(entry.name))[1].lower() in FOLDER_EXTENSIONS
        if not eligible:
            logger.info("skipped %s: extension not one of %s", shown, " ".join(sorted(FOLDER_EXTENSIONS)))
            continue
        if is_file:
            for doc in _read_file(full, run, input_format):
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


def _iter_path(path: str, run: _Run, input_format: str = "auto") -> Iterator[RawDocument]:
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
        yield from _walk_folder(path, run, input_format)
    else:
        yield from _read_file(path, run, input_format)
