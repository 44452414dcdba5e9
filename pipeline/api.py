"""The Python API: :func:`extract`, :func:`extract_html`, :func:`extract_many` and the
:class:`Extractor` behind them.

Every text given here is turned into a JSONL record (``{"text": ..., "id": ..., ...}``)
and read by ingest's own JSONL reader, then processed by the same
:meth:`~klynge.runner.process.Processor.process_batch` that ``klynge run`` uses, so a record from
the API and the line ``klynge run`` writes for the same text cannot drift apart (a test
compares them byte for byte on the gold corpus). Only ``source`` differs by nature: here
it is ``{"path": "<python>", "line": N}``, N counting the items of one call from 1.

Argument mistakes (a text that is not a ``str``, an unknown language, ``workers=0``)
raise ``TypeError``/``ValueError`` naming the argument; bad *content* (an empty text, an
item of ``extract_many`` that is not a text or a record, a record without ``text``)
becomes an error record, as on the command line.
"""
from __future__ import annotations

import datetime as dt
import json
import operator
import threading
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, SupportsIndex

from klynge.ingest import RawDocument, jsonl_line_reader
from klynge.ingest.formats import looks_like_html
from klynge.options import DEFAULTS, PipelineOptions
from klynge.rules import registry
from klynge.runner.pool import LocalPool
from klynge.runner.run_options import DEFAULT_BATCH_SIZE, RunOptions
from klynge.runner.process import Processor, iter_batches
from klynge.schema import DocumentRecord

__all__ = ["Extractor", "PipelineOptions", "extract", "extract_html", "extract_many",
           "DEFAULT_BATCH_SIZE", "SOURCE_PATH"]

# source.path of every record made here, as "<stdin>" is for standard input.
SOURCE_PATH = "<python>"

# The models are shared by every Extractor of a process, which take turns on them.
_LOCK = threading.RLock()


def _check_positive(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be at least 1, got {value}")
    return value


def _check_optional_str(name: str, value: object) -> str | None:
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{name} must be a str or None, got {type(value).__name__}")
    return value


def _check_text(name: str, value: object) -> str:
    if not isinstance(value, str):
        hint = " (decode it first)" if isinstance(value, (bytes, bytearray)) else ""
        raise TypeError(f"{name} must be a str, got {type(value).__name__}{hint}")
    return value


def _check_id(value: object) -> str | int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise TypeError(f"id must be a str, an int or None, got {type(value).__name__}")
    if isinstance(value, str) and not value.strip():
        raise ValueError("id must not be empty or only whitespace")
    return value


def _check_lang(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"lang must be a str or None, got {type(value).__name__}")
    # The registered languages (rules/shared/languages.yaml); "und" is the pipeline's
    # verdict, not something a caller can ask for.
    codes = registry().codes
    if value not in codes:
        raise ValueError(f"lang must be one of {', '.join(codes)} or None (detect), "
                         f"got {value!r}")
    return value


def _check_published(value: object) -> str | None:
    """ISO ``YYYY-MM-DD``: stricter than a JSONL field (which may hold any date the rules
    read) so that a typo fails here instead of being silently replaced by the dateline."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if not isinstance(value, str):
        raise TypeError(f"published must be a datetime.date, a 'YYYY-MM-DD' str or None, "
                        f"got {type(value).__name__}")
    try:
        # fromisoformat alone would also take "20201119" and week dates.
        if len(value) == 10:
            return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        pass
    raise ValueError(f"published must be a date 'YYYY-MM-DD', got {value!r}")


def _json_default(value: object) -> object:
    # Records often come from pandas or a database: dates and numpy integers are fine.
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, SupportsIndex):
        return operator.index(value)
    raise TypeError(f"a value of type {type(value).__name__} cannot be written as JSON")


def _item_error(n: int, code: str, message: str) -> RawDocument:
    return RawDocument(text=None, id=None, source={"path": SOURCE_PATH, "line": n, "url": None},
                       error=(code, f"{SOURCE_PATH}:{n}: {message}"))


class Extractor:
    """Turns texts into :class:`~klynge.schema.DocumentRecord` s, as ``klynge run`` does.

    The models are loaded on first use (or by :meth:`load`), once per process: every
    Extractor in a process shares them. An Extractor pickles as its settings alone, so
    handing it (or its bound methods) to ``multiprocessing``, Dask or Spark workers is
    cheap; each worker process loads the models once, on its first document.
    Threads share one copy of the models and take turns; use processes for parallelism.

    ``options``: a :class:`~klynge.options.PipelineOptions` (merge and lexicon policy,
    ``max_chars``, ``time_budget``), the same object ``klynge run`` builds from its
    options, so the same settings give the same records; its fields may also be given
    as keywords (``Extractor(max_chars=1000)``). ``batch_size``: documents per batch in
    :meth:`extract_many` (default as ``klynge run``).
    """

    def __init__(self, options: PipelineOptions | None = None, *,
                 batch_size: int = DEFAULT_BATCH_SIZE, **changes: Any) -> None:
        if options is not None and not isinstance(options, PipelineOptions):
            raise TypeError(f"options must be a PipelineOptions or None, got "
                            f"{type(options).__name__}")
        unknown = sorted(set(changes) - set(PipelineOptions.field_names()))
        if unknown:
            raise TypeError(f"unknown option(s) {', '.join(unknown)}; known: "
                            f"{', '.join(PipelineOptions.field_names())}, batch_size")
        self.options = (options or DEFAULTS).replace(**changes)
        self.batch_size = _check_positive("batch_size", batch_size)
        self._processor: Processor | None = None

    @property
    def max_chars(self) -> int | None:
        return self.options.max_chars

    def __repr__(self) -> str:
        return f"Extractor({self.options!r}, batch_size={self.batch_size!r})"

    def __getstate__(self) -> dict[str, Any]:
        return {"options": self.options, "batch_size": self.batch_size}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.options = state["options"]
        self.batch_size = state["batch_size"]
        self._processor = None

    def load(self) -> Extractor:
        """Load the models now rather than on the first document (once per process,
        however many Extractors there are); returns ``self``."""
        if self._processor is None:
            with _LOCK:
                self._processor = Processor.load(self.options)
        return self

    def extract(self, text: str, *, id: str | int | None = None, lang: str | None = None,
                published: str | dt.date | None = None, url: str | None = None,
                title: str | None = None) -> DocumentRecord:
        """The record of one plain text, as ``klynge run`` writes it for a JSONL line
        ``{"text": text, "id": id, ...}``.

        ``id``: the record's id (default: ``sha1:`` and a hash of the text). ``lang``: a
        registered language (``nb nn en da sv``) to skip detection. ``published``: a ``datetime.date`` or
        ``"YYYY-MM-DD"``, the base for relative dates (default: the text's dateline).
        ``url``, ``title``: kept in ``source.url`` and ``title`` (the title the text's
        own first line gives wins). An empty text gives an error record (code ``empty``).
        A text that is plainly an HTML document (it opens with ``<!DOCTYPE html``,
        ``<html>``, ...) is read as a web page, as :meth:`extract_html` reads it, and
        flagged ``html_detected``, as ``klynge run`` does with such a file or stdin.
        """
        text = _check_text("text", text)
        key = "html" if looks_like_html(text) else "text"
        record: dict[str, object] = {
            key: text, "id": _check_id(id), "lang": _check_lang(lang),
            "published": _check_published(published), "url": _check_optional_str("url", url),
            "title": _check_optional_str("title", title)}
        return self._one(record, html_detected=key == "html")

    def extract_html(self, html: str, *, url: str | None = None) -> DocumentRecord:
        """The record of one web page (or HTML fragment): main text, title, date and
        canonical URL extracted as for a ``.html`` file or a JSONL ``html`` field."""
        return self._one({"html": _check_text("html", html),
                          "url": _check_optional_str("url", url)})

    def extract_many(self, items: Iterable[str | Mapping[str, Any]], *, workers: int = 1,
                     batch_size: int | None = None) -> Iterator[DocumentRecord]:
        """Records for ``items``, lazily and in input order: one record per item.

        An item is a text (``str``) or a record like a JSONL line (``{"text"|"html",
        "id", "url", "title", "published", "lang"}``, read exactly as ``klynge run`` reads
        a .jsonl file: ids must be unique across the call); a text that is plainly an HTML
        document is read as HTML, flagged ``html_detected``. An item that is neither, or a
        record ``klynge run`` would reject, gives an error record, never an exception.
        ``workers`` > 1 runs worker processes (each loads the models once, as
        ``klynge run --workers``); the output is the same for every ``workers``.
        """
        if isinstance(items, (str, bytes, Mapping)):
            raise TypeError(f"items must be an iterable of texts or records, not a "
                            f"{type(items).__name__}; use extract() for one text")
        if not isinstance(items, Iterable):
            raise TypeError(f"items must be an iterable of texts or records, got "
                            f"{type(items).__name__}")
        workers = _check_positive("workers", workers)
        size = self.batch_size if batch_size is None else _check_positive("batch_size",
                                                                           batch_size)
        return self._records(self._raw_documents(items), workers, size)

    # ----------------------------------------------------------------------- internals

    def _one(self, record: Mapping[str, object], *, html_detected: bool = False
             ) -> DocumentRecord:
        given = {k: v for k, v in record.items() if v is not None}
        raws = self._raw_documents([given])
        if html_detected:
            raws = (_flag_detected(raw) for raw in raws)
        return next(self._records(raws, 1, 1))

    def _raw_documents(self, items: Iterable[object], *, separate: bool = False
                       ) -> Iterator[RawDocument]:
        """Each item as one JSONL line through ingest's JSONL reader; ``separate``: each
        as if given alone to :meth:`extract` (line 1, ids not checked against each other),
        for callers that batch single documents (the spaCy component)."""
        read = jsonl_line_reader(SOURCE_PATH, max_chars=self.max_chars)
        for n, item in enumerate(items, 1):
            if separate:
                read, n = jsonl_line_reader(SOURCE_PATH, max_chars=self.max_chars), 1
            detected = False
            if isinstance(item, str):
                detected = looks_like_html(item)
                item = {"html": item} if detected else {"text": item}
            elif isinstance(item, Mapping):
                item = dict(item)
            else:
                yield _item_error(n, "jsonl_not_object",
                                  f"expected a str or a dict, got {type(item).__name__}")
                continue
            try:
                # ASCII escapes keep lone surrogates intact; ingest replaces them.
                line = json.dumps(item, default=_json_default).encode("ascii")
            except (TypeError, ValueError) as exc:  # ValueError: a circular reference
                yield _item_error(n, "jsonl_malformed", f"record cannot be written as JSON "
                                  f"({exc})")
                continue
            raw = read(line, n)
            if raw is None:  # json.dumps never writes a blank line
                raise AssertionError(f"ingest read no record from {line[:80]!r}")
            yield _flag_detected(raw) if detected else raw

    def _records(self, raws: Iterable[RawDocument], workers: int, size: int
                 ) -> Iterator[DocumentRecord]:
        batches = iter_batches(raws, size)
        if workers == 1:
            processor = self.load()._processor
            assert processor is not None
            for batch in batches:
                with _LOCK:
                    records = processor.process_batch(batch)
                yield from records
            return
        # The worker pool of ``klynge run --workers`` (models once per worker process,
        # a bounded number of batches in flight); it hands back the emitted lines.
        pool = LocalPool(RunOptions(workers=workers, batch_size=size, pipeline=self.options),
                         workers)
        try:
            for result in pool.map(batches):
                for line in result.lines:
                    yield DocumentRecord.model_validate_json(line)
        finally:
            pool.close()


def _flag_detected(raw: RawDocument) -> RawDocument:
    """Mark a text read as HTML because of its content, as ingest marks such a file."""
    raw.flags.insert(0, "html_detected")
    return raw


_DEFAULT: Extractor | None = None


def _default() -> Extractor:
    global _DEFAULT
    with _LOCK:
        if _DEFAULT is None:
            _DEFAULT = Extractor()
        return _DEFAULT


def extract(text: str, *, id: str | int | None = None, lang: str | None = None,
            published: str | dt.date | None = None, url: str | None = None,
            title: str | None = None) -> DocumentRecord:
    """The record ``klynge run`` writes for ``text`` (see :meth:`Extractor.extract`).

    >>> record = extract("Siva og Innovasjon Norge gir 10 millioner kroner til NCE Raufoss.")
    >>> record.amounts[0].value, record.amounts[0].currency
    ('10000000', 'NOK')
    """
    return _default().extract(text, id=id, lang=lang, published=published, url=url,
                              title=title)


def extract_html(html: str, *, url: str | None = None) -> DocumentRecord:
    """The record of one web page (see :meth:`Extractor.extract_html`)."""
    return _default().extract_html(html, url=url)


def extract_many(items: Iterable[str | Mapping[str, Any]], *, workers: int = 1,
                 batch_size: int = DEFAULT_BATCH_SIZE) -> Iterator[DocumentRecord]:
    """Records for many texts or records, in input order (see
    :meth:`Extractor.extract_many`)."""
    return _default().extract_many(items, workers=workers, batch_size=batch_size)
