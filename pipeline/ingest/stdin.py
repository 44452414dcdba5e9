"""Standard input: JSONL when its first lines are objects, else one text."""
from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from itertools import chain
from typing import Any

from klynge.ingest.files import html_or_text_document
from klynge.ingest.formats import looks_like_html, max_bytes
from klynge.ingest.documents import (
    _PRECUT_SLACK,
    _STDIN_PATH,
    RawDocument,
    _Run,
    _source,
)
from klynge.ingest.jsonl import _iter_jsonl_lines


def _stdin_lines(stream: Any) -> Iterator[bytes]:
    """Lines of ``stream`` as bytes, whether it is sys.stdin, a binary or a text file object."""
    binary = getattr(stream, "buffer", stream)
    probe = binary.read(0)
    if isinstance(probe, bytes):
        yield from binary
        return
    for line in binary:
        try:
            yield line.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:
            yield line.encode("utf-8", "replace")


_STDIN_SNIFF_LINES = 10


def _looks_like_object(line: bytes) -> bool:
    stripped = line.strip()
    if stripped.startswith(codecs.BOM_UTF8):
        stripped = stripped[len(codecs.BOM_UTF8):]
    return stripped.startswith(b"{")


def _is_json_object(line: bytes) -> bool:
    stripped = line.strip()
    if stripped.startswith(codecs.BOM_UTF8):
        stripped = stripped[len(codecs.BOM_UTF8):]
    if not stripped.startswith(b"{"):
        return False
    try:
        return isinstance(json.loads(stripped.decode("utf-8", "replace"), strict=False), dict)
    except (ValueError, RecursionError):
        return False


def _iter_stdin(stream: Any, run: _Run, input_format: str = "auto") -> Iterator[RawDocument]:
    """``input_format``: ``auto`` (JSONL when the first lines are objects, HTML when it is
    plainly an HTML document, else text), or ``jsonl``/``html``/``markdown``/``text``."""
    lines = _stdin_lines(stream)
    head: list[bytes] = []
    for line in lines:
        head.append(line)
        if line.strip():
            break
    jsonl = input_format == "jsonl" or (input_format == "auto" and bool(head)
                                        and _is_json_object(head[-1]))
    if not jsonl and input_format == "auto" and head and _looks_like_object(head[-1]):
        # A malformed first record: JSONL all the same when a later line is an object.
        seen = 0
        for line in lines:
            head.append(line)
            if line.strip():
                seen += 1
                if _is_json_object(line):
                    jsonl = True
                    break
                if seen >= _STDIN_SNIFF_LINES:
                    break
    if jsonl:
        yield from _iter_jsonl_lines(chain(head, lines), _STDIN_PATH, run)
        return
    html = input_format == "html" or (input_format == "auto" and bool(head)
                                      and looks_like_html(b"".join(head)))
    # One document; bounded like a file so a huge pipe is not held in memory (HTML by
    # bytes: its markup is no measure of its text).
    if html:
        limit: int | None = max_bytes()
    else:
        limit = None if run.max_chars is None else 4 * (run.max_chars + _PRECUT_SLACK) + 4
    chunks: list[bytes] = []
    size = 0
    truncated = False
    for line in chain(head, lines):
        chunks.append(line)
        size += len(line)
        if limit is not None and size > limit:
            truncated = True
            break
    data = b"".join(chunks)
    if truncated and limit is not None:
        data = data[:limit]
    # auto: html_or_text_document looks at the content again and flags html_detected.
    yield html_or_text_document(data, _source(_STDIN_PATH), run, input_format,
                                truncated=truncated)
