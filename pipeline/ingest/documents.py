"""The raw document, the error codes and flags, and the state of one ingest run."""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field

from klynge.normalise import normalise_text

ERROR_CODES: dict[str, str] = {
    "not_found": "the path does not exist (or is a broken symlink)",
    "unreadable": "the file or folder exists but could not be read (permission or I/O error)",
    "empty": "the document has no text (empty file, only whitespace, or no JSONL records)",
    "empty_folder": "a folder given as input holds no .txt/.md/.html/.htm/.jsonl file",
    "binary": "the file is not text (PDF, image, archive, executable, NUL bytes, ...); in a "
              "JSONL file of records, that one line holds a NUL or control byte",
    "html_extract_failed": "the HTML extractor raised an error on this document",
    "jsonl_malformed": "a JSONL line is not valid JSON",
    "jsonl_not_object": "a JSONL line is valid JSON but not an object",
    "jsonl_no_text": "a JSONL object has neither a \"text\" nor an \"html\" field",
    "jsonl_bad_text": "a JSONL object's \"text\" (or \"html\") field is not a string",
    "jsonl_bad_id": "a JSONL object's \"id\" is not a non-empty string or an integer, or "
                    "holds a lone surrogate",
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
    "html_detected": "read as HTML because its content is an HTML document (no .html name)",
    "markdown_read": "read as Markdown: headings, emphasis and link markup taken out",
    "decompressed_gzip": "a .gz file, decompressed before reading",
    "html_fallback_text": "extractor found no main text; all visible text of the page used",
    "html_flattened": "HTML nested deeper than the parser goes; the deepest tags were taken "
                      "out (text and order kept) before extraction",
    "html_too_deep": "HTML nested deeper than 2048 levels: what lies below that is cut",
    "truncated_max_bytes": "HTML (or stdin) longer than max_bytes (64 MiB); the rest was cut",
    "text_over_html": "JSONL record had both text and html; text used",
    "ignored_bad_title": "a non-string title in the input was ignored",
    "ignored_bad_published": "a non-string published in the input was ignored",
    "ignored_bad_lang": "a non-string lang in the input was ignored",
    "ignored_bad_url": "a non-string url in the input was ignored",
    "replaced_lone_surrogates": "lone surrogates (unpaired \\u escapes, which UTF-8 cannot "
                                "carry) in a JSONL field replaced by U+FFFD",
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
class PendingHtml:
    """HTML whose extraction waits for the worker that processes the document
    (:func:`klynge.ingest.html.extract_pending`), inside that document's time budget."""

    html: str
    given: dict[str, str | None]  # what a JSONL record said: url, title, published, lang
    max_chars: int | None


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
    # An HTML input: the SHA-1 of its HTML, which its derived id hashes instead of the
    # text (known before extraction, so --resume can skip it without extracting it).
    content_sha1: str | None = None
    # An HTML input read with defer_html: its text is None until extract_pending.
    pending_html: PendingHtml | None = None


class _Run:
    """State shared by all inputs of one iter_documents call."""

    def __init__(self, max_chars: int | None, defer_html: bool = False) -> None:
        self.max_chars = max_chars
        self.defer_html = defer_html
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
        text_hash = doc.content_sha1 or hashlib.sha1(
            (doc.text or "").encode("utf-8", "surrogatepass")).hexdigest()
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
