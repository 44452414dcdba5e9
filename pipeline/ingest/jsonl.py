"""JSON Lines: one record per line, judged line by line."""
from __future__ import annotations

import codecs
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from typing import IO

from klynge.ingest.decode import (
    _BINARY_CONTROL,
    _binary_reason,
    _bom,
    _decode,
    _fix_mojibake,
    _utf16_nobom,
)
from klynge.ingest.documents import (
    _SNIFF_BYTES,
    RawDocument,
    _display_path,
    _error,
    _finish,
    _Run,
    _source,
)
from klynge.ingest.html import _html_document

_META_FIELDS = ("url", "title", "published", "lang")

# JSON may spell a lone surrogate ("\\ud800"); UTF-8 cannot carry it, so the record it
# reaches could never be written. json.loads joins every valid pair, so what this finds
# is lone.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _without_surrogates(value: object, flags: list[str]) -> object:
    """``value`` with lone surrogates replaced by U+FFFD (flagged once per record)."""
    if isinstance(value, str) and _SURROGATE.search(value):
        if "replaced_lone_surrogates" not in flags:
            flags.append("replaced_lone_surrogates")
        return _SURROGATE.sub("\ufffd", value)
    return value


def _jsonl_record(raw: bytes, path: str, line_no: int, run: _Run) -> RawDocument | None:
    """One JSONL line -> RawDocument, or None for a blank line."""
    source = _source(path, line_no)
    where = f"{source['path']}:{line_no}"
    if raw.startswith(codecs.BOM_UTF8):
        # Not only on line 1: two files with byte order marks joined (`cat a b | klynge
        # run`) put the second one's mark at the start of a later line.
        raw = raw[len(codecs.BOM_UTF8):]
    if not raw.strip():
        return None
    control = _control_byte(raw)
    if control is not None:
        return _error("binary", f"{where}: not a line of text ({control})", source)
    flags: list[str] = []
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError:
        line, flags = _decode(raw)
    try:
        # strict=False: raw tabs inside strings are a common producer slip, not worth an error.
        obj = json.loads(line, strict=False)
    except (ValueError, RecursionError) as exc:
        return _error("jsonl_malformed", f"{where}: invalid JSON ({exc})", source, flags=flags)
    if not isinstance(obj, dict):
        return _error("jsonl_not_object", f"{where}: expected an object, got {type(obj).__name__}",
                      source, flags=flags)

    given: dict[str, str | None] = {}
    for name in _META_FIELDS:
        value = _without_surrogates(obj.get(name), flags)
        if value is None or isinstance(value, str):
            given[name] = value or None
        else:
            given[name] = None
            flags.append(f"ignored_bad_{name}")
    if given["url"] is not None:
        source["url"] = given["url"]

    raw_id = obj.get("id")
    doc_id: str | None = None
    if raw_id is not None:
        if isinstance(raw_id, int) and not isinstance(raw_id, bool):
            doc_id = str(raw_id)
        elif isinstance(raw_id, str) and _SURROGATE.search(raw_id):
            # Refused, not repaired: a repaired id is not the caller's id, and would not
            # join with their data.
            return _error("jsonl_bad_id", f"{where}: id holds a lone surrogate (an unpaired "
                          f"\\u escape), which UTF-8 cannot carry: {ascii(raw_id)[:80]}",
                          source, flags=flags)
        elif isinstance(raw_id, str) and raw_id.strip():
            doc_id = raw_id
        else:
            return _error("jsonl_bad_id", f"{where}: id must be a non-empty string or an integer, "
                          f"got {json.dumps(raw_id)[:80]}", source, flags=flags)
        first = run.claim_id(doc_id, where)
        if first is not None:
            # id=None: the runner uses RawDocument.id as the record id, and two output
            # records with one id would break joins and --resume; the message keeps it.
            return _error("duplicate_id", f"{where}: id {doc_id!r} already used at {first}",
                          source, None, flags)

    text = _without_surrogates(obj.get("text"), flags)
    html = _without_surrogates(obj.get("html"), flags)
    if text is None and html is None:
        return _error("jsonl_no_text", f"{where}: object has no \"text\" or \"html\" field",
                      source, doc_id, flags)
    if text is not None:
        if not isinstance(text, str):
            return _error("jsonl_bad_text", f"{where}: \"text\" must be a string, got "
                          f"{type(text).__name__}", source, doc_id, flags)
        if html is not None:
            flags.append("text_over_html")
        text, mojibake_flags = _fix_mojibake(text)
        return _finish(text, source, run, flags=flags + mojibake_flags, doc_id=doc_id,
                       title=given["title"], published=given["published"], lang=given["lang"])
    if not isinstance(html, str):
        return _error("jsonl_bad_text", f"{where}: \"html\" must be a string, got "
                      f"{type(html).__name__}", source, doc_id, flags)
    return _html_document(html, source, run, flags=flags, doc_id=doc_id, given=given)


def _iter_jsonl_lines(lines: Iterable[bytes], path: str, run: _Run) -> Iterator[RawDocument]:
    count = 0
    for line_no, raw in enumerate(lines, 1):
        doc = _jsonl_record(raw, path, line_no, run)
        if doc is not None:
            count += 1
            yield doc
    if count == 0:
        yield _error("empty", f"{_display_path(path)}: no JSONL records", _source(path))


def _iter_jsonl_file(f: IO[bytes], path: str, run: _Run) -> Iterator[RawDocument]:
    sample = f.read(_SNIFF_BYTES)
    reason = _binary_reason(sample)
    if reason is not None and (_MAGIC_RE.match(reason) or not _has_object_line(sample)):
        # One record for the file, not one jsonl_malformed per "line" of a PDF. A file
        # with JSON objects among its lines is judged line by line instead: one NUL in
        # one record costs that record (_control_byte), not the file's other records.
        yield _error("binary", f"{_display_path(path)}: not a text file ({reason})", _source(path))
        return
    f.seek(0)
    wide = wide_encoding(sample)
    if wide is None:
        yield from _iter_jsonl_lines(f, path, run)
        return
    # UTF-16/32: split into lines after decoding; splitting the bytes at b"\n" cut every
    # character after the first line in half.
    encoding, flag = wide
    text = io.TextIOWrapper(f, encoding=encoding, errors="replace", newline="")
    lines = (line.encode("utf-8", "surrogatepass") for line in text)
    for doc in _iter_jsonl_lines(lines, path, run):
        if doc.error is None or doc.error[0] != "empty":
            doc.flags.insert(0, flag)
        yield doc


_MAGIC_RE = re.compile("looks like ")
# The bytes that no text holds (NUL, the C0 controls but tab, line ends, form feed and
# escape, DEL): ingest's own test for binary data, applied to one line.
_CONTROL_BYTES = re.compile(b"[" + re.escape(_BINARY_CONTROL) + b"]")


def _has_object_line(sample: bytes) -> bool:
    """Whether a line of ``sample`` starts like a JSON object."""
    return any(line.lstrip(b" \t\r\xef\xbb\xbf").startswith(b"{") for line in sample.split(b"\n"))


def wide_lines(lines: Iterable[bytes], encoding: str) -> Iterator[bytes]:
    """The lines of a UTF-16/32 byte stream (given in pieces cut at b"\\n", as a binary
    stream iterates), decoded and split at real line ends, each as UTF-8 bytes."""
    decoder = codecs.getincrementaldecoder(encoding)("replace")
    pending = ""
    for chunk in lines:
        pending += decoder.decode(chunk)
        *whole, pending = pending.split("\n")
        for line in whole:
            yield (line + "\n").encode("utf-8", "surrogatepass")
    pending += decoder.decode(b"", final=True)
    if pending:
        yield pending.encode("utf-8", "surrogatepass")


def _control_byte(raw: bytes) -> str | None:
    """Why the line ``raw`` is no text (its first control byte), or None."""
    found = _CONTROL_BYTES.search(raw)
    if found is None:
        return None
    return f"control byte 0x{found.group()[0]:02x} at byte {found.start() + 1} of the line"


def wide_encoding(sample: bytes) -> tuple[str, str] | None:
    """(codec, flag) for UTF-16/32 text, by its byte order mark or its NUL pattern."""
    found = _bom(sample)
    if found is not None and found[1] != "utf-8":
        # The codecs without an explicit byte order read and drop the BOM themselves.
        return found[1].rsplit("-", 1)[0], found[2]
    if b"\x00" in sample:
        encoding16 = _utf16_nobom(sample)
        if encoding16 is not None:
            return encoding16, "decoded_utf16_nobom"
    return None


def jsonl_line_reader(path: str, *, max_chars: int | None = None
                      ) -> Callable[[bytes, int], RawDocument | None]:
    """A function ``read(line, line_no)`` that reads one JSONL line exactly as a line of a
    .jsonl file is read (None for a blank line), ids unique across its calls.

    For callers that hold their records in memory (``klynge.api``): they go through this
    very code, so they cannot drift from what ``klynge run`` makes of a JSONL file.
    """
    if max_chars is not None and max_chars < 1:
        raise ValueError(f"max_chars must be a positive integer, got {max_chars!r}")
    run = _Run(max_chars)

    def read(line: bytes, line_no: int) -> RawDocument | None:
        doc = _jsonl_record(line, path, line_no, run)
        if doc is not None and doc.id is None:
            doc.derived_id = run.derive_id(doc)
        return doc

    return read
