"""The per-document function that chains the stages; every engine (local, workers, Dask)
calls :meth:`Processor.process_batch`, so they cannot drift apart.

ingest -> normalise (done by ingest) -> language -> sections -> entities -> records -> emit

Between the stages one :class:`klynge.document.AnnotatedDocument` travels: ``_prepare``
builds it from the language decision and the sections, the entity stage returns it with
entities and sentences, and ``_record`` hands it to the records stage and the schema.
"""
from __future__ import annotations

import dataclasses
import hashlib
import logging
import math
import threading
import traceback
import weakref
from typing import Any, Callable, Iterable, Sequence, TypeVar

from klynge.document import AnnotatedDocument
from klynge.entities import EntityStage
from klynge.ingest import RawDocument, extract_pending
from klynge.language import LanguageDetector, decide_language
from klynge.normalisers.dates import DateMatch, parse_date
from klynge.options import DEFAULTS, PipelineOptions
from klynge.records import build_records, skipped_builders
from klynge.rules import registry, use_rules
from klynge.rules.overlay import current as current_rules
from klynge.runner.guards import DocumentTimeout, budget_for, clock, paused, time_budget
from klynge.runner.pieces import PIECE_CHARS, merge_records, split_pieces
from klynge.runner.provenance import model_info, provenance
from klynge.schema import DocumentRecord, Provenance
from klynge.sections import DocMeta, Section, split_sections

log = logging.getLogger(__name__)

T = TypeVar("T")

# What Processor.load has loaded in this process (models are loaded once per process).
_LOADED: dict[Any, Any] = {}
_LOAD_LOCK = threading.Lock()
# The rules languages warmed for each entity stage (Processor._ready), and the ones being
# warmed now, by the thread that holds _WARM_LOCK.
_WARMED: "weakref.WeakKeyDictionary[EntityStage, set[str]]" = weakref.WeakKeyDictionary()
_WARMING: set[str] = set()
_WARM_LOCK = threading.RLock()


def budget_chars(raw: RawDocument) -> int:
    """The characters a document's time budgets are reckoned on, all stages together: its
    text, or for a deferred HTML input its HTML twice (extraction, then a text no longer
    than its HTML)."""
    if raw.pending_html is not None:
        return 2 * len(raw.pending_html.html)
    return len(raw.text or "")


def document_id(raw: RawDocument) -> str:
    """The input's id, else the id ingest derived (text hash plus where the document
    comes from), else a hash of the text (documents made without ingest)."""
    if raw.id:
        return str(raw.id)
    if raw.derived_id:
        return raw.derived_id
    basis = raw.text if raw.text is not None else repr(raw.source)
    return "sha1:" + hashlib.sha1(basis.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def error_record(raw: RawDocument, code: str, message: str) -> DocumentRecord:
    # The text stays when there was one (a timeout, a worker that died): the dead-letter
    # file then feeds back as JSONL (``klynge run dead.jsonl``), each document with its
    # own id and text.
    return DocumentRecord(
        id=document_id(raw), status="error", error={"code": code, "message": message},
        source=raw.source, language={"code": registry().undetermined, "confidence": 0.0},
        text=raw.text or "", flags=list(raw.flags))


class Processor:
    """Loads every model once (per process) and turns raw documents into records."""

    def __init__(self, detector: LanguageDetector, entity_stage: EntityStage,
                 options: PipelineOptions = DEFAULTS) -> None:
        self.detector = detector
        self.entity_stage = entity_stage
        self.options = options
        self.provenance = Provenance.model_validate(provenance(
            [model_info("langid", {"name": "klynge-langid"}, getattr(detector, "digest", None)),
             *(model_info(name, meta) for name in entity_stage.names()
               if (meta := entity_stage.model_meta(name)) is not None)],
            options))

    @classmethod
    def load(cls, options: PipelineOptions | None = None) -> "Processor":
        """A processor for ``options`` (default: the defaults). The models are loaded
        once per process: once for the detector, once per pair of entity policies; a
        language's rules and spaCy pipeline when its first document comes
        (:meth:`_ready`), or all at once by :meth:`warm`."""
        options = options or DEFAULTS
        key = (options.merge_policy, options.lexicon_policy)
        with _LOAD_LOCK:
            # The loaded models hold rule data (the entity ruler's patterns): another
            # user rule folder than the last one loads them afresh.
            if use_rules(options.rules):
                _LOADED.clear()
            if "detector" not in _LOADED:
                _LOADED["detector"] = LanguageDetector.load()
            if key not in _LOADED:
                _LOADED[key] = EntityStage.load(options)
        return cls(_LOADED["detector"], _LOADED[key], options)

    def warm(self) -> "Processor":
        """Load now what any document may need (every language's rules and pipeline,
        langdetect's profiles): the worker pool's fork server does, so that the workers
        it forks share them instead of each loading its own."""
        with paused():
            self.detector.warm()
            reg = registry()
            for lang in dict.fromkeys((*reg.codes, reg.rules_language("de"))):
                self._ready(lang)
        return self

    def _ready(self, code: str | None) -> None:
        """Load what a document in language ``code`` needs (its rules language's rule
        files and compiled patterns, its spaCy pipeline) if this process has not yet:
        before the first such document goes on, with the budget's clock stopped
        (klynge.runner.guards.paused). A budget that fired inside a lazy load could leave
        it half-done for the documents after it, and one that counted the load would
        make a record depend on whether its document was the first of its process."""
        lang = registry().rules_language(code)
        warmed = _WARMED.get(self.entity_stage)
        if warmed is not None and lang in warmed:
            return
        with paused(), _WARM_LOCK:
            warmed = _WARMED.setdefault(self.entity_stage, set())
            if lang in warmed or lang in _WARMING:  # warming it now, further up this thread
                return
            _WARMING.add(lang)
            try:
                # The detector's own model alone: langdetect and py3langid load when a
                # document asks for them, not for the warm text (klynge.language_members); and
                # every section of the warm text is read as ``lang`` (no section is
                # confident enough to differ), so warming English loads no Norwegian.
                detector = self.detector.own_model(section_min_confidence=math.inf)
                record = _warm(Processor(detector, self.entity_stage,
                                         self.options.replace(time_budget=None)), lang)
                # Only a warm text read whole leaves the caches full: one that failed is
                # tried again by the next document of the language (still unbudgeted).
                if record.status == "ok":
                    warmed.add(lang)
            finally:
                _WARMING.discard(lang)

    @property
    def time_budget(self) -> float | None:
        """Seconds per 100,000 characters a document may take (klynge.runner.guards)."""
        return self.options.time_budget

    def process_batch(self, raws: Sequence[RawDocument]) -> list[DocumentRecord]:
        """Records for ``raws`` in order; a failing document becomes an error record."""
        self._ensure_rules()
        raws = [self._extract(r) for r in raws]
        long = {i for i, r in enumerate(raws)
                if r.error is None and r.text is not None and len(r.text) > PIECE_CHARS}
        whole = iter(self._process_whole([r for i, r in enumerate(raws) if i not in long]))
        records = [self._process_long(r) if i in long else next(whole)
                   for i, r in enumerate(raws)]
        # Every record says what made it (a long document's pieces too, once, here).
        return [r.model_copy(update={"provenance": self.provenance}) for r in records]

    def _ensure_rules(self) -> None:
        """Layer this processor's user rule folder again if another processor of this
        process has layered a different one since (two Extractors with different
        ``rules``): the stages' caches are then refilled for this one's, outside any
        document's budget. One folder per process never comes here twice."""
        layered = current_rules()
        if (str(layered) if layered is not None else None) == self.options.rules:
            return
        with _LOAD_LOCK:
            if use_rules(self.options.rules):
                _LOADED.clear()
                # Its rule caches are emptied: each language warms again on first use.
                _WARMED.pop(self.entity_stage, None)

    def _extract(self, raw: RawDocument) -> RawDocument:
        """A deferred HTML input's text, extracted under a budget of its HTML's length
        (the stages after it then spend the text's own budget)."""
        if raw.pending_html is None:
            return raw
        try:
            with time_budget(budget_for(len(raw.pending_html.html), self.time_budget)):
                return extract_pending(raw, passthrough=(DocumentTimeout,))
        except DocumentTimeout as exc:
            return dataclasses.replace(raw, pending_html=None,
                                       error=("timeout", f"HTML extraction: {exc}"))

    def _budget(self, raw: RawDocument) -> float | None:
        return budget_for(len(raw.text or ""), self.time_budget)

    def _process_whole(self, raws: Sequence[RawDocument]) -> list[DocumentRecord]:
        # Each document's time budget is spent across its stages; the batched entity
        # stage is charged to its documents in proportion to their length.
        left: dict[int, float | None] = {id(r): self._budget(r) for r in raws}

        def guarded(raw: RawDocument, fn: Callable[..., T], *args: Any) -> T:
            budget = left[id(raw)]
            if budget is not None and budget <= 0:
                raise DocumentTimeout(self._budget(raw) or 0)
            started = clock()
            try:
                with time_budget(budget):
                    return fn(*args)
            finally:
                if budget is not None:
                    left[id(raw)] = budget - (clock() - started)

        # Each document: its record already (an error), or its annotated document so far.
        prepared: list[DocumentRecord | tuple[RawDocument, AnnotatedDocument]] = []
        for raw in raws:
            if raw.error is not None:
                prepared.append(error_record(raw, *raw.error))
                continue
            try:
                prepared.append((raw, guarded(raw, self._prepare, raw)))
            except Exception as exc:  # one bad document must not stop the batch
                prepared.append(self._internal_error(raw, exc))
        pending = [p for p in prepared if isinstance(p, tuple)]
        annotated = self._annotate(pending, left, guarded)
        out = []
        for p in prepared:
            if not isinstance(p, tuple):
                out.append(p)
                continue
            raw, _ = p
            result = annotated[id(p)]
            if isinstance(result, Exception):
                out.append(self._internal_error(raw, result))
                continue
            try:
                out.append(guarded(raw, _record, raw, result))
            except Exception as exc:
                out.append(self._internal_error(raw, exc))
        return out

    def _annotate(self, pending: list[tuple[RawDocument, AnnotatedDocument]],
                  left: dict[int, float | None], guarded: Callable[..., Any]
                  ) -> dict[int, AnnotatedDocument | Exception]:
        """The entity stage over the batch, keyed by ``id`` of each pending pair; a
        document that breaks the model (or runs out of time) gets its exception."""
        budgets = [left[id(raw)] for raw, _ in pending]
        started = clock()
        results: list[AnnotatedDocument | Exception]
        try:
            with time_budget(None if None in budgets else sum(b or 0.0 for b in budgets)):
                results = list(self.entity_stage.annotate([doc for _, doc in pending]))
            spent = clock() - started
            total = sum(len(doc.text) for _, doc in pending) or 1
            for raw, doc in pending:
                budget = left[id(raw)]
                if budget is not None:
                    left[id(raw)] = budget - spent * len(doc.text) / total
        except Exception:
            # Retry one by one so only the document that breaks the model (or runs out of
            # time) fails.
            results = []
            for raw, doc in pending:
                try:
                    results.extend(guarded(raw, self.entity_stage.annotate, [doc]))
                except Exception as exc:
                    results.append(exc)
        return {id(p): r for p, r in zip(pending, results)}

    def _process_long(self, raw: RawDocument) -> DocumentRecord:
        """A document longer than PIECE_CHARS, in pieces (klynge.runner.pieces), under one budget."""
        text = raw.text or ""
        try:
            with time_budget(self._budget(raw)):
                pieces = split_pieces(text)
                published = raw.published
                dumped = []
                for n, (start, end) in enumerate(pieces):
                    # Later pieces resolve relative dates against the document's date.
                    piece = dataclasses.replace(raw, text=text[start:end], flags=[],
                                                title=raw.title if n == 0 else None,
                                                published=published)
                    rec = self._process_whole([piece])[0]
                    if rec.status != "ok":
                        return error_record(raw, rec.error.code, f"characters {start}-{end}"
                                            f" (piece {n + 1} of {len(pieces)}): "
                                            f"{rec.error.message}")
                    if n == 0 and published is None:
                        published = rec.published
                    dumped.append((start, rec.model_dump(mode="json")))
                merged = merge_records(dumped, text)
                # The pieces' own flags (skipped stages, input lang) once each, in order.
                piece_flags = list(dict.fromkeys(f for _, d in dumped for f in d["flags"]))
                merged.update(id=document_id(raw), source=raw.source,
                              flags=list(raw.flags) + piece_flags + ["processed_in_pieces"])
                return DocumentRecord.model_validate(merged)
        except Exception as exc:
            return self._internal_error(raw, exc)

    def process(self, raw: RawDocument) -> DocumentRecord:
        return self.process_batch([raw])[0]

    @staticmethod
    def _internal_error(raw: RawDocument, exc: BaseException) -> DocumentRecord:
        if isinstance(exc, DocumentTimeout):
            return error_record(raw, "timeout", str(exc))
        log.debug("document %s failed:\n%s", raw.source, traceback.format_exc())
        return error_record(raw, "internal_error", f"{type(exc).__name__}: {exc}")

    def _prepare(self, raw: RawDocument) -> AnnotatedDocument:
        """The document through the language and sections stages."""
        text = raw.text or ""
        splits: dict[str, tuple[list[Section], DocMeta]] = {}

        def spans(rule_lang: str) -> list[tuple[int, int]]:
            # The language decision asks for the sections under each rules language it
            # considers; the split it settles on is kept, not made again.
            if rule_lang not in splits:
                self._ready(rule_lang)
                splits[rule_lang] = split_sections(text, rule_lang)
            return [(s.start, s.end) for s in splits[rule_lang][0]]

        decision = decide_language(self.detector, text, raw.lang, spans)
        # The entity stage reads a section in another language with that language's
        # pipeline and rules.
        for code in dict.fromkeys(decision.section_codes):
            self._ready(code)
        rule_lang = decision.rule_lang
        sections, meta = splits[rule_lang]
        published = _published(raw, text, meta, rule_lang)
        # An input date that is no day ("2020-02-30", "soon") is not used; say so, naming
        # the field, as lang_invalid does for the input's lang.
        bad_input = (("published_invalid",) if raw.published
                     and _day_value(parse_date(raw.published, rule_lang)) is None else ())
        has_ner = self.entity_stage.has_ner(rule_lang)
        skip = skipped_builders(rule_lang, has_ner)
        skipped = sorted(skip | ({"ner"} if not has_ner else set()))
        return AnnotatedDocument(
            text=text, lang=decision.code, confidence=decision.confidence,
            rule_lang=rule_lang, sections=tuple(sections),
            section_langs=decision.section_codes, meta=meta, published=published,
            skip=skip,
            flags=(*decision.flags, *bad_input, *(f"skipped:{name}" for name in skipped)))


# A release-shaped text that reaches every stage: a dateline, a title, an amount, a role,
# a quote and a contact block.
_WARM_TEXT = ("Oslo, 1. mars 2021\n\nNy klynge for havvind\n\nNCE Maritime CleanTech får 2 "
              "millioner kroner fra Innovasjon Norge i 2021, sier daglig leder Kari Nordmann "
              "i klyngen. «Dette er en viktig dag for oss», sier hun.\n\nKontakt: Kari "
              "Nordmann, tlf. 900 00 000, kari@example.no, https://example.no\n")


def _warm(processor: "Processor", rule_lang: str) -> DocumentRecord:
    """Make every stage load what it loads on first use for documents in the rules
    language ``rule_lang`` (its rule files, compiled patterns, spaCy pipeline; the shared
    ones on the first call), by reading a text as that language once.

    The loaders are caches that keep nothing when interrupted (lru_cache, the entity
    stage's pipelines, langdetect's profiles, which are loaded whole:
    klynge.language_members). Returns the warm text's record."""
    reg = registry()
    lang = rule_lang if reg.is_supported(rule_lang) else "de"  # "de": one without rules
    return processor.process(RawDocument(text=_WARM_TEXT, id="warm", source={}, lang=lang))


def _published(raw: RawDocument, text: str, meta: DocMeta, lang: str) -> str | None:
    """The published date: given by the input, else the one the sections stage found
    (its date line or header); only a full day counts."""
    candidates: tuple[Callable[[], DateMatch | None], ...] = (
        lambda: parse_date(raw.published, lang) if raw.published else None,
        lambda: parse_date(text[slice(*meta.published_span)], lang)
        if meta.published_span else None,
    )
    for candidate in candidates:
        value = _day_value(candidate())
        if value is not None:
            return value
    return None


def _day_value(match: DateMatch | None) -> str | None:
    """The ISO value of a date match of day precision, else None."""
    return match.value if match is not None and match.precision == "day" else None


def _record(raw: RawDocument, annotated: AnnotatedDocument) -> DocumentRecord:
    """The record of a document the entity stage has annotated: the records stage, then
    the schema."""
    text, meta = annotated.text, annotated.meta
    doc = annotated.with_annotations(annotated.entities,
                                     bounded_sentences(annotated.sentences, text))
    records = build_records(doc)
    updated = _day_value(parse_date(text[slice(*meta.updated_span)], doc.rule_lang)
                         ) if meta.updated_span else None
    contacts = [{k: c.get(k) for k in ("name", "phone", "email", "start", "end")}
                for c in meta.contacts]
    return DocumentRecord(
        id=document_id(raw), status="ok", source=raw.source,
        language={"code": doc.lang, "confidence": doc.confidence},
        title=meta.title or raw.title, published=doc.published, updated=updated,
        publisher=meta.publisher, press_release_no=meta.press_release_no,
        truncated=bool(meta.truncated), flags=[*raw.flags, *doc.flags], text=text,
        sections=[{"kind": s.kind, "heading": s.heading, "start": s.start, "end": s.end,
                   "language": lang, "items": [{"start": a, "end": b} for a, b in s.items]}
                  for s, lang in zip(doc.sections, doc.section_langs)],
        entities=[{"label": e["label"], "text": e["text"], "start": e["start"],
                   "end": e["end"], "source": e["source"],
                   "fine_label": e.get("fine_label")} for e in doc.entities],
        contacts=contacts,
        **records,
    )


# No real sentence is this long; run-on text (tables of numbers, "NCE NCE NCE ...") would
# make the records stage, which works sentence by sentence, quadratic in its length.
MAX_SENTENCE_CHARS = 1500


def bounded_sentences(sentences: Sequence[tuple[int, int]], text: str,
                      limit: int = MAX_SENTENCE_CHARS) -> list[tuple[int, int]]:
    """The sentences, with any longer than ``limit`` cut at whitespace into shorter ones."""
    out: list[tuple[int, int]] = []
    for start, end in sentences:
        while end - start > limit:
            cut = text.rfind(" ", start + limit // 2, start + limit)
            cut = cut if cut > start else start + limit
            out.append((start, cut))
            start = cut
            while start < end and text[start].isspace():
                start += 1
        if start < end:
            out.append((start, end))
    return out


def iter_batches(items: Iterable[T], size: int) -> Iterable[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
