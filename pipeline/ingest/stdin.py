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
    _SNIFF_BYTES,
    _STDIN_PATH,
    RawDocument,
    _Run,
    _source,
)
from klynge.ingest.jsonl import _iter_jsonl_lines, wide_encoding, wide_lines


def _stdin_lines(stream: Any) -> Iterator[bytes]:
    """Lines of ``stream`` as bytes, whether it is sys.stdin, a binary or a text file object.

    A line is read in pieces of at most ``max_bytes`` (64 MiB): ``/dev/zero`` on stdin has
    no line end, and reading it whole would end in a MemoryError; a piece is judged as a
    line of its own (it is no JSON record), the text case reads no more than that anyway.
    """
    binary = getattr(stream, "buffer", stream)
    probe = binary.read(0)
    if isinstance(probe, bytes):
        readline = getattr(binary, "readline", None)
        if readline is None:  # an iterable of lines (tests, callers' own streams)
            yield from binary
            return
        limit = max_bytes()
        while True:
            line = readline(limit)
            if not line:
                return
            yield line
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
    first = next(lines, b"")
    wide = wide_encoding(first[:_SNIFF_BYTES])
    if wide is not None:
        # UTF-16/32 (a byte order mark, or the NUL pattern): split at b"\n" its lines are
        # cut mid-character, so decode first, then judge the lines as any others.
        encoding, flag = wide
        lines = wide_lines(chain([first], lines), encoding)
        for doc in _iter_utf8_stdin(lines, run, input_format):
            if doc.error is None or doc.error[0] != "empty":
                doc.flags.insert(0, flag)
            yield doc
        return
    yield from _iter_utf8_stdin(chain([first], lines) if first else lines, run, input_format)


def _iter_utf8_stdin(lines: Iterator[bytes], run: _Run, input_format: str
                     ) -> Iterator[RawDocument]:
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
        limit = max_bytes()
    else:
        # Without max_chars, still no more than max_bytes: stdin may never end (/dev/zero).
        limit = (max_bytes() if run.max_chars is None
                 else 4 * (run.max_chars + _PRECUT_SLACK) + 4)
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
    if truncated:
        data = data[:limit]
    # auto: html_or_text_document looks at the content again and flags html_detected.
    yield html_or_text_document(data, _source(_STDIN_PATH), run, input_format,
                                truncated=truncated)
