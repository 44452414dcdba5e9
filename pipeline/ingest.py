"""Ingest stage: turn command-line inputs into a stream of :class:`RawDocument`.

Contract (the runner relies on every point):

* :func:`iter_documents` is a generator. Folders are walked lazily, JSONL is read line by
  line, and no list of documents is ever built, so memory stays flat on big inputs.
* Exactly one ``RawDocument`` per input document, in input order, whether it could be
  read or not. A document that cannot be used carries ``error=(code, message)`` with a
  code from :data:`ERROR_CODES` and ``text=None``; it becomes an error record downstream.
  Nothing is dropped silently. The one exception is files skipped by the folder filter
  (see below): they are not documents, and each one is logged (logger ``klynge.ingest``,
  level INFO).
* ``text`` is already passed through :func:`klynge.normalise.normalise_text`; all
  offsets downstream are into this string.

Decisions (also in the README):

* Stdin (``"-"`` or an empty input list): if the first non-blank line parses as a JSON
  object, stdin is JSONL (streamed; a later bad line is a ``jsonl_malformed`` record, as in
  a file); so it is when the first line only starts like one ("{") and one of the next
  few lines parses as an object (a malformed first record must not turn a whole stream
  into one text document); otherwise all of stdin is one text document. Deciding on the
  first lines keeps stdin streaming; requiring *every* line to parse would mean buffering
  all of it. Its source path is ``"<stdin>"``.
* Ids: a document without an id of its own gets a derived one, ``sha1:`` + 16 hex digits
  of its text + ``@`` + 8 hex digits of where it comes from (the canonical path, with
  symlinked folders resolved, and the JSONL line; ``<stdin>`` and the line for stdin), so
  two inputs with the same text get two ids and one input gets the same id however its
  path is typed. Should one run still meet the same derived id twice (a file given
  twice), the later ones get ``#2``, ``#3``, ... .
* Duplicate ids: ids are unique across the whole run. The first record with an id keeps
  it; any later record with the same id (ok or not) becomes a ``duplicate_id`` error that
  names the id and where it was first seen; its ``id`` is None (the runner then derives
  one), so the output never holds two records with one id. An error record that carries
  an id (e.g. ``jsonl_no_text``) still claims it, for the same reason.
* Folders are walked recursively, depth first, entries sorted by name, so runs are
  reproducible. Only ``.txt .md .html .htm .jsonl`` (any case) are read; other files and
  hidden entries (name starting with ".") are skipped and logged. A file given
  explicitly on the command line is read whatever its extension (as text unless it is
  ``.html``/``.htm``/``.jsonl``).
* Symlinks are followed (a corpus folder may link in another one), but a symlinked folder
  that leads back to one of its own ancestors becomes one ``symlink_loop`` error record
  and is not entered; a folder reached a second time through another link becomes one
  ``symlink_duplicate`` record (reading it twice would duplicate every document in it).
  A broken link to an eligible file is a ``not_found`` record.
* Decoding: BOM (UTF-8/16/32) first, then strict UTF-8, then, for HTML, the charset the
  page declares, then cp1252, then latin-1 (which cannot fail); non-UTF-8 is flagged.
  A file that is valid UTF-8 apart from a few stray bytes (one latin-1 line) keeps its
  UTF-8 and only the stray bytes are read as cp1252 (flag ``decoded_mixed_cp1252``).
  JSONL files in UTF-16/32 (byte order mark or NUL pattern) are decoded as such.
  UTF-16 without a BOM is recognised from its NUL pattern. Text that is UTF-8 read as
  cp1252 and saved again ("Ã¸" for "ø") is repaired when the whole text round-trips,
  flagged ``fixed_mojibake``.
* HTML (``.html``/``.htm`` files, JSONL records with ``html`` instead of ``text``): main
  text, title, date and canonical URL via trafilatura (navigation, cookie banners and
  footers dropped). The text is laid out like a plain-text release: the title line, a
  blank line, then the body blocks separated by blank lines (list items "- " one per
  line, table cells joined with " | "), so the section stage finds title and paragraphs.
  JSONL-given title/published/url win over the extracted ones. A bare fragment
  (no ``<html>``/``<body>``) is wrapped first. If trafilatura finds no main text, all
  visible text is used (``html_fallback_text``); if it raises, ``html_extract_failed``.
  A JSONL record with both ``text`` and ``html`` uses ``text`` (``text_over_html``).
* ``max_chars`` bounds the normalised text (flag ``truncated_max_chars``); for plain
  text files only about ``4 * max_chars`` bytes are read, so a 2 GB log file does not
  have to fit in memory.
"""
from __future__ import annotations

import codecs
import errno
import hashlib
import io
import json
import logging
import os
import re
import stat
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import IO, Any

from klynge.normalise import normalise_text

__all__ = [
    "RawDocument",
    "ERROR_CODES",
    "INGEST_FLAGS",
    "FOLDER_EXTENSIONS",
    "iter_documents",
    "jsonl_line_reader",
    "OutputPathError",
    "check_output_path",
]

logger = logging.getLogger(__name__)

ERROR_CODES: dict[str, str] = {
    "not_found": "the path does not exist (or is a broken symlink)",
    "unreadable": "the file or folder exists but could not be read (permission or I/O error)",
    "empty": "the document has no text (empty file, only whitespace, or no JSONL records)",
    "empty_folder": "a folder given as input holds no .txt/.md/.html/.htm/.jsonl file",
    "binary": "the file is not text (PDF, image, archive, executable, NUL bytes, ...)",
    "html_extract_failed": "the HTML extractor raised an error on this document",
    "jsonl_malformed": "a JSONL line is not valid JSON",
    "jsonl_not_object": "a JSONL line is valid JSON but not an object",
    "jsonl_no_text": "a JSONL object has neither a \"text\" nor an \"html\" field",
    "jsonl_bad_text": "a JSONL object's \"text\" (or \"html\") field is not a string",
    "jsonl_bad_id": "a JSONL object's \"id\" is not a non-empty string or an integer",
    "duplicate_id": "the id was already used by an earlier record in this run (record gets no id)",
    "symlink_loop": "a symlink leads back into a folder being walked; not followed",
    "symlink_duplicate": "a folder reached a second time through a symlink; not read again",
}

INGEST_FLAGS: dict[str, str] = {
    "decoded_utf16": "decoded as UTF-16 (byte order mark)",
    "decoded_utf16_nobom": "decoded as UTF-16 without a byte order mark",
    "decoded_utf32": "decoded as UTF-32 (byte order mark)",
    "decoded_cp1252": "not valid UTF-8; decoded as Windows-1252",
    "decoded_mixed_cp1252": "UTF-8 with a few invalid bytes; those read as Windows-1252",
    "decoded_latin1": "neither UTF-8 nor Windows-1252; decoded as ISO-8859-1",
    "decoded_declared_charset": "HTML not valid UTF-8; decoded with the charset it declares",
    "replaced_invalid_bytes": "undecodable bytes replaced by U+FFFD",
    "fixed_mojibake": "UTF-8 that had been read as Windows-1252 repaired",
    "truncated_max_chars": "text cut to max_chars characters",
    "html_extracted": "main text and metadata extracted from HTML",
    "html_fallback_text": "extractor found no main text; all visible text of the page used",
    "text_over_html": "JSONL record had both text and html; text used",
    "ignored_bad_title": "a non-string title in the input was ignored",
    "ignored_bad_published": "a non-string published in the input was ignored",
    "ignored_bad_lang": "a non-string lang in the input was ignored",
    "ignored_bad_url": "a non-string url in the input was ignored",
}

FOLDER_EXTENSIONS: frozenset[str] = frozenset({".txt", ".md", ".html", ".htm", ".jsonl"})
_HTML_EXTENSIONS = frozenset({".html", ".htm"})
_STDIN_PATH = "<stdin>"
_SNIFF_BYTES = 8192
# Normalisation only deletes characters (NFC rarely adds one), so decoding a little more
# than max_chars and cutting after normalising gives exactly max_chars in all but
# pathological inputs while bounding the work.
_PRECUT_SLACK = 4096


@dataclass
class RawDocument:
    text: str | None
    id: str | None
    source: dict
    title: str | None = None
    published: str | None = None
    lang: str | None = None
    flags: list[str] = field(default_factory=list)
    error: tuple[str, str] | None = None
    # The id ingest derived when the input has none (see the module docstring).
    derived_id: str | None = None


class OutputPathError(Exception):
    """The output path cannot be written; raised before any document is processed."""


def check_output_path(path: str) -> None:
    """Raise :class:`OutputPathError` if ``path`` cannot be written; ``"-"`` is stdout.

    Checks without creating or truncating anything, so a failed run leaves no stray file.
    """
    if path == "-":
        return
    if not path:
        raise OutputPathError("output path is empty")
    if os.path.isdir(path):
        raise OutputPathError(f"output path {path!r} is a directory, not a file")
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.exists(parent):
        raise OutputPathError(f"cannot write {path!r}: folder {parent!r} does not exist")
    if not os.path.isdir(parent):
        raise OutputPathError(f"cannot write {path!r}: {parent!r} is not a folder")
    if os.path.exists(path):
        if not os.access(path, os.W_OK):
            raise OutputPathError(f"cannot write {path!r}: permission denied")
    elif not os.access(parent, os.W_OK | os.X_OK):
        raise OutputPathError(f"cannot create {path!r}: no write permission in {parent!r}")


# --------------------------------------------------------------------------- run state


class _Run:
    """State shared by all inputs of one iter_documents call."""

    def __init__(self, max_chars: int | None) -> None:
        self.max_chars = max_chars
        self.seen_ids: dict[str, str] = {}  # id -> "path:line" where first seen
        self.derived: dict[str, int] = {}  # derived id -> how often it was given out
        self.canonical: dict[str, str] = {}  # path as given -> canonical path

    def derive_id(self, doc: RawDocument) -> str:
        """A run-unique id for a document without one: text hash @ hash of its origin."""
        path = doc.source.get("path")
        if path is None or path == _STDIN_PATH or path.startswith("<"):
            # stdin and in-memory callers ("<python>"): no file to resolve.
            origin = str(path)
        else:
            origin = self.canonical.get(path)
            if origin is None:
                # The folder resolved, the name kept: two links to one file in a folder
                # are two inputs, a folder reached by another spelling is the same one.
                folder, name = os.path.split(os.path.abspath(path))
                origin = self.canonical[path] = os.path.join(os.path.realpath(folder), name)
        if doc.source.get("line") is not None:
            origin += f":{doc.source['line']}"
        text_hash = hashlib.sha1((doc.text or "").encode("utf-8", "surrogatepass")).hexdigest()
        origin_hash = hashlib.sha1(origin.encode("utf-8", "surrogatepass")).hexdigest()
        ident = f"sha1:{text_hash[:16]}@{origin_hash[:8]}"
        seen = self.derived.get(ident, 0) + 1
        self.derived[ident] = seen
        return ident if seen == 1 else f"{ident}#{seen}"

    def claim_id(self, doc_id: str, where: str) -> str | None:
        """Register ``doc_id``; return where it was first seen if it is a duplicate."""
        first = self.seen_ids.get(doc_id)
        if first is None:
            self.seen_ids[doc_id] = where
        return first


def _display_path(path: str) -> str:
    # Undecodable bytes in file names arrive as lone surrogates (surrogateescape); they
    # would make the JSON writer fail, so show them as U+FFFD instead.
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _source(path: str | None, line: int | None = None, url: str | None = None) -> dict:
    return {"path": None if path is None else _display_path(path), "line": line, "url": url}


def _where(source: dict) -> str:
    """"path" or "path:line", for messages."""
    if source.get("line") is None:
        return str(source.get("path"))
    return f"{source.get('path')}:{source['line']}"


def _error(code: str, message: str, source: dict, doc_id: str | None = None,
           flags: list[str] | None = None) -> RawDocument:
    assert code in ERROR_CODES, code
    return RawDocument(text=None, id=doc_id, source=source, flags=list(flags or []),
                       error=(code, message))


# --------------------------------------------------------------------------- decoding

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF"),
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"PK\x03\x04", "zip archive (or docx/xlsx/odt)"),
    (b"PK\x05\x06", "zip archive"),
    (b"\x1f\x8b", "gzip archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "7z archive"),
    (b"Rar!\x1a\x07", "rar archive"),
    (b"\x28\xb5\x2f\xfd", "zstd archive"),
    (b"\x7fELF", "ELF executable"),
    (b"MZ", "Windows executable"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "OLE2 document (doc/xls)"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"RIFF", "RIFF media (wav/avi/webp)"),
    (b"OggS", "Ogg media"),
    (b"ID3", "MP3 audio"),
    (b"wOFF", "web font"),
    (b"\x00\x00\x01\x00", "icon"),
)
_BOMS: tuple[tuple[bytes, str, str], ...] = (
    # UTF-32 LE's BOM starts with UTF-16 LE's, so it must be tested first.
    (codecs.BOM_UTF32_LE, "utf-32-le", "decoded_utf32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "decoded_utf32"),
    (codecs.BOM_UTF8, "utf-8", ""),
    (codecs.BOM_UTF16_LE, "utf-16-le", "decoded_utf16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "decoded_utf16"),
)
# Control bytes that never occur in real text (tab, LF, VT, FF, CR and ESC do).
_BINARY_CONTROL = bytes(c for c in [*range(0x00, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20), 0x7F])
_BINARY_CONTROL_RATIO = 0.10


def _bom(data: bytes) -> tuple[bytes, str, str] | None:
    for bom, encoding, flag in _BOMS:
        if data.startswith(bom):
            return bom, encoding, flag
    return None


def _utf16_nobom(sample: bytes) -> str | None:
    """Return "utf-16-le"/"utf-16-be" if ``sample`` looks like BOM-less UTF-16 text.

    Latin-script UTF-16 has a NUL in every other byte; binary data has NULs anywhere.
    """
    n = len(sample) - len(sample) % 2
    if n < 4:
        return None
    half = n // 2
    even_nul = sample[0:n:2].count(0)
    odd_nul = sample[1:n:2].count(0)
    for encoding, zeros, other in (("utf-16-le", odd_nul, even_nul), ("utf-16-be", even_nul, odd_nul)):
        if zeros >= 0.3 * half and other <= 0.02 * half:
            try:
                decoded = sample[:n].decode(encoding)
            except UnicodeDecodeError:
                continue
            controls = sum(1 for ch in decoded if ch < " " and ch not in "\t\n\r\x0c\x0b\x1b")
            if controls <= 0.02 * len(decoded):
                return encoding
    return None


def _binary_reason(sample: bytes) -> str | None:
    """Why ``sample`` (the start of a file) is not text, or None if it may be text."""
    for magic, kind in _MAGIC:
        if sample.startswith(magic):
            # "MZ" and "ID3" are also plausible starts of text; demand the binary evidence too.
            if kind in {"Windows executable", "MP3 audio"} and b"\x00" not in sample:
                continue
            return f"looks like {kind}"
    if sample[:3] == b"BZh" and sample[4:10] == b"1AY&SY":
        return "looks like bzip2 archive"
    if len(sample) >= 12 and sample[4:8] == b"ftyp":
        return "looks like MP4/QuickTime media"
    if _bom(sample) is not None:
        return None
    if b"\x00" in sample:
        if _utf16_nobom(sample) is not None:
            return None
        return "contains NUL bytes"
    if sample:
        controls = sum(sample.count(c) for c in _BINARY_CONTROL)
        if controls > _BINARY_CONTROL_RATIO * len(sample):
            return f"{controls} control bytes in the first {len(sample)} bytes"
    return None


_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def _declared_charset(data: bytes) -> str | None:
    match = _CHARSET_RE.search(data[:4096])
    if match is None:
        return None
    try:
        return codecs.lookup(match.group(1).decode("ascii")).name
    except LookupError:
        return None


def _decode_with(data: bytes, encoding: str, partial: bool, errors: str = "strict") -> str:
    # The incremental decoder with final=False leaves a multi-byte sequence that a bounded
    # read cut in half undecoded instead of failing on it.
    decoder = codecs.getincrementaldecoder(encoding)(errors)
    return decoder.decode(data, final=not partial)


def _decode(data: bytes, *, partial: bool = False, html: bool = False) -> tuple[str, list[str]]:
    """Decode bytes that passed the binary check; never raises."""
    found = _bom(data)
    if found is not None:
        bom, encoding, flag = found
        flags = [flag] if flag else []
        try:
            return _decode_with(data[len(bom):], encoding, partial), flags
        except UnicodeDecodeError:
            return (_decode_with(data[len(bom):], encoding, partial, "replace"),
                    flags + ["replaced_invalid_bytes"])
    if b"\x00" in data[:_SNIFF_BYTES]:
        encoding16 = _utf16_nobom(data[:_SNIFF_BYTES])
        if encoding16 is not None:
            try:
                return _decode_with(data, encoding16, partial), ["decoded_utf16_nobom"]
            except UnicodeDecodeError:
                return (_decode_with(data, encoding16, partial, "replace"),
                        ["decoded_utf16_nobom", "replaced_invalid_bytes"])
    try:
        return _fix_mojibake(_decode_with(data, "utf-8", partial))
    except UnicodeDecodeError:
        pass
    mixed = _decode_mixed(data, partial)
    if mixed is not None:
        return mixed, ["decoded_mixed_cp1252"]
    if html:
        declared = _declared_charset(data)
        if declared is not None and declared != "utf-8":
            try:
                return _decode_with(data, declared, partial), ["decoded_declared_charset"]
            except UnicodeDecodeError:
                pass
    try:
        return data.decode("cp1252"), ["decoded_cp1252"]
    except UnicodeDecodeError:
        return data.decode("latin-1"), ["decoded_latin1"]


def _cp1252_bytes(exc: UnicodeError) -> tuple[str, int]:
    bad = exc.object[exc.start:exc.end]  # type: ignore[attr-defined]
    return bad.decode("cp1252", "strict") if all(b not in _CP1252_UNDEFINED for b in bad) \
        else bad.decode("latin-1"), exc.end  # type: ignore[attr-defined]


_CP1252_UNDEFINED = frozenset({0x81, 0x8D, 0x8F, 0x90, 0x9D})
codecs.register_error("klynge_cp1252", _cp1252_bytes)
_UTF8_MULTIBYTE_RE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")


def _decode_mixed(data: bytes, partial: bool) -> str | None:
    """UTF-8 with stray non-UTF-8 bytes (a latin-1 line pasted into a UTF-8 file): the
    UTF-8 kept, the stray bytes read as cp1252. None when the data holds no valid UTF-8
    beyond ASCII: then the whole file is cp1252 (or latin-1)."""
    decoded = _decode_with(data, "utf-8", partial, "klynge_cp1252")
    valid_multibyte = 0
    for m in _UTF8_MULTIBYTE_RE.finditer(data):
        try:
            m.group().decode("utf-8")
        except UnicodeDecodeError:
            continue
        valid_multibyte += 1
        if valid_multibyte >= 2:
            return decoded
    return None


# "Ã¸" is how "ø" looks when UTF-8 bytes were read as cp1252 (and saved again as UTF-8).
_MOJIBAKE_RE = re.compile("[\u00c2\u00c3\u00c5][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e"
                          "\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030"
                          "\u2039\u203a\u20ac\u2122]")


def _fix_mojibake(text: str) -> tuple[str, list[str]]:
    """Undo one level of UTF-8-read-as-cp1252, only if the whole text round-trips."""
    if not _MOJIBAKE_RE.search(text):
        return text, []
    try:
        return text.encode("cp1252").decode("utf-8"), ["fixed_mojibake"]
    except UnicodeError:
        return text, []


# --------------------------------------------------------------------------- documents


def _finish(text: str, source: dict, run: _Run, *, flags: list[str], doc_id: str | None = None,
            title: str | None = None, published: str | None = None,
            lang: str | None = None, truncated: bool = False) -> RawDocument:
    """Normalise, truncate and wrap decoded text; an empty result becomes an ``empty`` error."""
    flags = list(flags)
    max_chars = run.max_chars
    if max_chars is not None and len(text) > max_chars + _PRECUT_SLACK:
        text = text[: max_chars + _PRECUT_SLACK]
        truncated = True
    text, norm_flags = normalise_text(text)
    flags.extend(norm_flags)
    if max_chars is not None and len(text) > max_chars:
        text = text[:max_chars]
        truncated = True
    if truncated:
        flags.append("truncated_max_chars")
    if not text.strip():
        return _error("empty", f"{_where(source)}: no text after normalisation", source,
                      doc_id, flags)
    return RawDocument(text=text, id=doc_id, source=source, title=title, published=published,
                       lang=lang, flags=flags)


def _read_bounded(f: IO[bytes], max_chars: int | None) -> tuple[bytes, bool]:
    """Read the whole file, or only what ``max_chars`` characters can need (4 bytes each)."""
    if max_chars is None:
        return f.read(), False
    limit = 4 * (max_chars + _PRECUT_SLACK) + 4
    data = f.read(limit + 1)
    if len(data) > limit:
        return data[:limit], True
    return data, False


def _unreadable_bytes(data: bytes, source: dict) -> RawDocument | None:
    """The error record for a file with no text or a binary one; None when it is text."""
    if not data.strip():
        return _error("empty", f"{source['path']}: file is empty or only whitespace", source)
    reason = _binary_reason(data[:_SNIFF_BYTES])
    if reason is not None:
        return _error("binary", f"{source['path']}: not a text file ({reason})", source)
    return None


def _text_document(data: bytes, source: dict, run: _Run, *, truncated: bool) -> RawDocument:
    rejected = _unreadable_bytes(data, source)
    if rejected is not None:
        return rejected
    text, flags = _decode(data, partial=truncated)
    return _finish(text, source, run, flags=flags, truncated=truncated)


# --------------------------------------------------------------------------- HTML


def _inline_text(el: Any) -> str:
    parts: list[str] = [el.text or ""]
    for child in el:
        if child.tag == "lb":
            parts.append("\n")
        else:
            parts.append(_inline_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


_SPACES_RE = re.compile(r"[ \t]+")


def _clean_lines(text: str) -> str:
    lines = (_SPACES_RE.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _render_body(body: Any) -> str:
    """Render trafilatura's XML body with a blank line between blocks, like a .txt release.

    trafilatura's own ``text`` puts paragraphs on consecutive lines, which would make the
    whole release one paragraph to the section stage.
    """
    blocks: list[str] = []
    for el in body:
        if el.tag == "list":
            block = "\n".join("- " + _clean_lines(_inline_text(item)).replace("\n", " ")
                              for item in el.iter("item"))
        elif el.tag == "table":
            rows = []
            for row in el.iter("row"):
                cells = [_clean_lines(_inline_text(c)).replace("\n", " ") for c in row if c.tag == "cell"]
                rows.append(" | ".join(cells))
            block = "\n".join(r for r in rows if r.strip(" |"))
        else:
            block = _clean_lines(_inline_text(el))
        if block.strip():
            blocks.append(block)
    return "\n\n".join(blocks)


_quiet_done = False


def _quiet_extractor_logs() -> None:
    """Silence trafilatura/htmldate's own ERROR lines ("parsed tree length: 0", ...).

    Their failures already show up in our records (flags, ``empty``, ``html_extract_failed``);
    left on, they flood stderr with one line per odd page.
    """
    global _quiet_done
    if not _quiet_done:
        for name in ("trafilatura", "htmldate", "courlan", "justext"):
            logging.getLogger(name).setLevel(logging.CRITICAL)
        _quiet_done = True


_DOCUMENT_RE = re.compile(r"<(html|body)[\s>]", re.IGNORECASE)


def _extract_html(html: str, url: str | None, given_title: str | None = None
                  ) -> tuple[str, dict[str, str | None], list[str]]:
    """Return (text beginning with the title line, metadata, flags). May raise on odd input.

    The title line is ``given_title`` (from JSONL) if there is one, else the page's title,
    so that ``RawDocument.title`` and the first line of the text always agree.
    """
    import trafilatura  # imported lazily: it is slow to import and only HTML needs it

    _quiet_extractor_logs()

    if not _DOCUMENT_RE.search(html[:4096]):
        # JSONL producers often store a body fragment; trafilatura rejects short fragments
        # outright ("parsed tree length: 0") unless they sit in a document.
        html = f"<html><body>{html}</body></html>"
    options: dict[str, Any] = dict(url=url, with_metadata=True, include_comments=False,
                                   include_tables=True, include_images=False, deduplicate=False)
    doc = trafilatura.bare_extraction(html, **options)
    if doc is None or not (doc.text or "").strip():
        # Short pages fall under trafilatura's precision thresholds; try again leniently.
        recall = trafilatura.bare_extraction(html, favor_recall=True, **options)
        if recall is not None and (recall.text or "").strip():
            doc = recall
    flags = ["html_extracted"]
    meta: dict[str, str | None] = {"title": None, "published": None, "url": None}
    body_text = ""
    if doc is not None:
        # A <title> may span lines; the title must stay one line of the emitted text.
        meta = {"title": " ".join((doc.title or "").split()) or None,
                "published": doc.date or None, "url": doc.url or None}
        if doc.body is not None:
            body_text = _render_body(doc.body)
        if not body_text.strip():
            body_text = doc.text or ""
    if not body_text.strip():
        body_text = _clean_lines(trafilatura.html2txt(html) or "")
        if body_text:
            flags.append("html_fallback_text")
    given_title = " ".join((given_title or "").split()) or None
    page_title = meta["title"]
    title = given_title or page_title
    meta["title"] = title
    if title:
        first, _, rest = body_text.strip().partition("\n")
        if first.strip() in {title, page_title}:
            body_text = rest.lstrip("\n")
        body_text = title + "\n\n" + body_text if body_text.strip() else title
    return body_text.strip(), meta, flags


def _html_document(html: str, source: dict, run: _Run, *, flags: list[str],
                   doc_id: str | None = None, given: dict[str, str | None] | None = None
                   ) -> RawDocument:
    given = given or {}
    try:
        text, meta, html_flags = _extract_html(html, given.get("url"), given.get("title"))
    except Exception as exc:  # noqa: BLE001 - third-party parser; any failure is this document's
        return _error("html_extract_failed", f"{_where(source)}: {type(exc).__name__}: {exc}",
                      source, doc_id, flags)
    if source.get("url") is None:
        source = {**source, "url": meta["url"]}
    return _finish(text, source, run, flags=flags + html_flags, doc_id=doc_id,
                   title=meta["title"],
                   published=given.get("published") or meta["published"],
                   lang=given.get("lang"))


def _html_file_document(data: bytes, source: dict, run: _Run) -> RawDocument:
    rejected = _unreadable_bytes(data, source)
    if rejected is not None:
        return rejected
    html, flags = _decode(data, html=True)
    return _html_document(html, source, run, flags=flags)


# --------------------------------------------------------------------------- JSONL

_META_FIELDS = ("url", "title", "published", "lang")


def _jsonl_record(raw: bytes, path: str, line_no: int, run: _Run) -> RawDocument | None:
    """One JSONL line -> RawDocument, or None for a blank line."""
    source = _source(path, line_no)
    where = f"{source['path']}:{line_no}"
    if line_no == 1 and raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    if not raw.strip():
        return None
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
        value = obj.get(name)
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

    text, html = obj.get("text"), obj.get("html")
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
    if reason is not None:
        # One record for the file, not one jsonl_malformed per "line" of a PDF.
        yield _error("binary", f"{_display_path(path)}: not a text file ({reason})", _source(path))
        return
    f.seek(0)
    wide = _wide_encoding(sample)
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


def _wide_encoding(sample: bytes) -> tuple[str, str] | None:
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


# --------------------------------------------------------------------------- files & folders


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


# --------------------------------------------------------------------------- stdin


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


def _iter_stdin(stream: Any, run: _Run) -> Iterator[RawDocument]:
    lines = _stdin_lines(stream)
    head: list[bytes] = []
    for line in lines:
        head.append(line)
        if line.strip():
            break
    jsonl = bool(head) and _is_json_object(head[-1])
    if not jsonl and head and _looks_like_object(head[-1]):
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
    # Text: one document; bounded like a file so a huge pipe is not held in memory.
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
    yield _text_document(data, _source(_STDIN_PATH), run, truncated=truncated)


# --------------------------------------------------------------------------- entry point


def iter_documents(inputs: Sequence[str], *, max_chars: int | None = None,
                   stdin: IO[Any] | None = None) -> Iterator[RawDocument]:
    """Yield one RawDocument per input document, in input order (see module docstring).

    ``inputs``: files, folders, or ``"-"`` for stdin; an empty sequence means stdin.
    ``stdin``: the stream ``"-"`` reads (default ``sys.stdin``); text or binary file object.
    """
    if max_chars is not None and max_chars < 1:
        raise ValueError(f"max_chars must be a positive integer, got {max_chars!r}")
    run = _Run(max_chars)
    for item in (inputs or ["-"]):
        if item == "-":
            docs = _iter_stdin(stdin if stdin is not None else sys.stdin, run)
        else:
            docs = _iter_path(item, run)
        for doc in docs:
            if doc.id is None:
                doc.derived_id = run.derive_id(doc)
            yield doc


def estimate_total(inputs: Sequence[str]) -> int | None:
    """About how many documents ``inputs`` hold, for a progress bar's ETA: files count one,
    JSONL files their non-empty lines. None for stdin. Cheap: nothing is decoded."""
    if not inputs or "-" in inputs:
        return None
    total = 0
    for path in inputs:
        if os.path.isdir(path):
            files = (os.path.join(d, f) for d, _, names in os.walk(path) for f in names
                     if not f.startswith(".")
                     and os.path.splitext(f)[1].lower() in FOLDER_EXTENSIONS)
        else:
            files = iter([path])
        for f in files:
            if f.lower().endswith(".jsonl"):
                try:
                    with open(f, "rb") as fh:
                        total += sum(1 for line in fh if line.strip())
                except OSError:
                    total += 1
            else:
                total += 1
    return total
