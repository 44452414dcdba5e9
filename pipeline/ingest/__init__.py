"""Ingest stage: turn command-line inputs into a stream of :class:`RawDocument`.

Modules: ``documents`` (the record, error codes, flags, run state), ``decode`` (bytes to
text), ``html``, ``jsonl``, ``files`` (files and folders) and ``stdin``; this one holds
the entry point, :func:`iter_documents`.

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
  HTML is bounded: never more than ``max_bytes`` (``truncated_max_bytes``), and a page
  nested deeper than lxml parses is flattened first (``html_flattened``; past 2048
  levels ``html_too_deep``). With ``defer_html`` (the runner) the text is extracted
  where the document is processed, inside its time budget (:func:`extract_pending`);
  the id of an HTML input hashes its HTML either way, so it is known before extraction.
* ``max_chars`` bounds the normalised text (flag ``truncated_max_chars``); for plain
  text files only about ``4 * max_chars`` bytes are read, so a 2 GB log file does not
  have to fit in memory.
"""
import os
import sys
from collections.abc import Iterator, Sequence
from typing import IO, Any

from klynge.ingest.documents import (
    ERROR_CODES,
    FOLDER_EXTENSIONS,
    INGEST_FLAGS,
    PendingHtml,
    RawDocument,
    _Run,
)
from klynge.ingest.files import _iter_path
from klynge.ingest.formats import INPUT_FORMATS
from klynge.ingest.html import extract_pending
from klynge.ingest.jsonl import jsonl_line_reader
from klynge.ingest.stdin import _iter_stdin

__all__ = [
    "RawDocument",
    "PendingHtml",
    "extract_pending",
    "ERROR_CODES",
    "INGEST_FLAGS",
    "FOLDER_EXTENSIONS",
    "INPUT_FORMATS",
    "iter_documents",
    "jsonl_line_reader",
    "estimate_total",
]


def iter_documents(inputs: Sequence[str], *, max_chars: int | None = None,
                   stdin: IO[Any] | None = None, input_format: str = "auto",
                   defer_html: bool = False) -> Iterator[RawDocument]:
    """Yield one RawDocument per input document, in input order (see module docstring).

    ``inputs``: files, folders, or ``"-"`` for stdin; an empty sequence means stdin.
    ``stdin``: the stream ``"-"`` reads (default ``sys.stdin``); text or binary file object.
    ``input_format``: ``auto`` (by extension, then content), or one of ``text``, ``html``,
    ``jsonl``, ``markdown`` for every input (``--input-format``).
    ``defer_html``: HTML inputs come with ``text=None`` and ``pending_html`` set, to be
    extracted by :func:`extract_pending` where the document is processed (the runner's
    workers, inside the document's time budget) rather than here.
    """
    if max_chars is not None and max_chars < 1:
        raise ValueError(f"max_chars must be a positive integer, got {max_chars!r}")
    if input_format not in INPUT_FORMATS:
        raise ValueError(f"input_format must be one of {', '.join(INPUT_FORMATS)}, "
                         f"got {input_format!r}")
    run = _Run(max_chars, defer_html)
    for item in (inputs or ["-"]):
        if item == "-":
            docs = _iter_stdin(stdin if stdin is not None else sys.stdin, run, input_format)
        else:
            docs = _iter_path(item, run, input_format)
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
