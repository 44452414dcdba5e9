"""The per-document function that chains the stages; every engine (local, workers, Dask)
calls :meth:`Processor.process_batch`, so they cannot drift apart.

ingest -> normalise (done by ingest) -> language -> sections -> entities -> records -> emit
"""
from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import hashlib
import logging
import re
import time
import traceback
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from klynge.schema import DocumentRecord
from klynge.entities import EntityItem, EntityStage
from klynge.runner.guards import DocumentTimeout, budget_for, time_budget
from klynge.ingest import RawDocument
from klynge.language import (LanguageDetector, LanguageResult, detect_document,
                               detect_sections)
from klynge.normalisers.dates import parse_date
from klynge.runner.pieces import PIECE_CHARS, merge_records, split_pieces
from klynge.records import build_records, skipped_builders
from klynge.rules import registry
from klynge.sections import NO_ENTITY_KINDS, split_sections

log = logging.getLogger(__name__)

FIRST_GUESS_CHARS = 3000
# An ISO 639-1/639-3 code as an input may give it ("de", "sme"); anything else is no code.
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")


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
    return DocumentRecord(
        id=document_id(raw), status="error", error={"code": code, "message": message},
        source=raw.source, language={"code": "und", "confidence": 0.0},
        text="", flags=list(raw.flags))


class Processor:
    """Loads every model once (per process) and turns raw documents into records."""

    def __init__(self, detector: LanguageDetector, entity_stage: EntityStage) -> None:
        self.detector = detector
        self.entity_stage = entity_stage
        # Seconds per 100,000 characters a document may take (klynge.runner.guards); None: no limit.
        self.time_budget: float | None = None

    @classmethod
    def load(cls, policy: str = "rules_first") -> "Processor":
        return cls(LanguageDetector.load(), EntityStage.load(policy=policy))

    def process_batch(self, raws: Sequence[RawDocument]) -> list[DocumentRecord]:
        """Records for ``raws`` in order; a failing document becomes an error record."""
        raws = list(raws)
        long = {i for i, r in enumerate(raws)
                if r.error is None and r.text is not None and len(r.text) > PIECE_CHARS}
        whole = iter(self._process_whole([r for i, r in enumerate(raws) if i not in long]))
        return [self._process_long(r) if i in long else next(whole)
                for i, r in enumerate(raws)]

    def _budget(self, raw: RawDocument) -> float | None:
        return budget_for(len(raw.text or ""), self.time_budget)

    def _process_whole(self, raws: Sequence[RawDocument]) -> list[DocumentRecord]:
        # Each document's time budget is spent across its stages; the batched entity
        # stage is charged to its documents in proportion to their length.
        left: dict[int, float | None] = {id(r): self._budget(r) for r in raws}

        def guarded(raw: RawDocument, fn, *args):
            budget = left[id(raw)]
            if budget is not None and budget <= 0:
                raise DocumentTimeout(self._budget(raw) or 0)
            started = time.monotonic()
            try:
                with time_budget(budget):
                    return fn(*args)
            finally:
                if budget is not None:
                    left[id(raw)] = budget - (time.monotonic() - started)

        prepared: list = []
        for raw in raws:
            if raw.error is not None:
                prepared.append(error_record(raw, *raw.error))
                continue
            try:
                prepared.append(guarded(raw, self._prepare, raw))
            except Exception as exc:  # one bad document must not stop the batch
                prepared.append(self._internal_error(raw, exc))
        pending = [p for p in prepared if isinstance(p, _Prepared)]
        budgets = [left[id(p.raw)] for p in pending]
        started = time.monotonic()
        try:
            with time_budget(None if None in budgets else sum(budgets)):
                results = self.entity_stage.annotate([p.entity_item for p in pending])
            spent = time.monotonic() - started
            total = sum(len(p.text) for p in pending) or 1
            for p in pending:
                if left[id(p.raw)] is not None:
                    left[id(p.raw)] -= spent * len(p.text) / total
        except Exception:
            # Retry one by one so only the document that breaks the model (or runs out of
            # time) fails.
            results = []
            for p in pending:
                try:
                    results.extend(guarded(p.raw, self.entity_stage.annotate, [p.entity_item]))
                except Exception as exc:
                    results.append(exc)
        by_id = {id(p): r for p, r in zip(pending, results)}
        out = []
        for p in prepared:
            if not isinstance(p, _Prepared):
                out.append(p)
                continue
            result = by_id[id(p)]
            if isinstance(result, Exception):
                out.append(self._internal_error(p.raw, result))
                continue
            try:
                out.append(guarded(p.raw, p.finish, result))
            except Exception as exc:
                out.append(self._internal_error(p.raw, exc))
        return out

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

    def _prepare(self, raw: RawDocument) -> "_Prepared":
        text = raw.text or ""
        reg = registry()
        flags: list[str] = []
        given = raw.lang
        if given is not None and not reg.is_supported(given):
            # The input names a language klynge has no rules for: it stands (a German
            # release stays "de"), is read with the language-independent rules only, and
            # is flagged; a value that is no language code at all is flagged and ignored.
            flags.append("lang_not_supported" if LANGUAGE_CODE.fullmatch(given)
                         else "lang_invalid")
            given = given if LANGUAGE_CODE.fullmatch(given) else None
        if given is not None:
            doc_lang, lang_conf = given, 1.0
        else:
            # A first guess picks the section rules; the sections then give the real vote.
            first = self.detector.detect_whole(text[:FIRST_GUESS_CHARS])
            doc_lang, lang_conf = first.code, first.confidence
        rule_lang = reg.rules_language(doc_lang)
        sections, meta = split_sections(text, rule_lang)
        spans = [(s.start, s.end) for s in sections]
        if not reg.is_supported(doc_lang):
            # A text in a language we do not support: its short sections would each look
            # like one of ours, and must not be read with that language's model.
            section_results = [LanguageResult(doc_lang, lang_conf)] * len(spans)
        elif given is not None:
            # The input's language stands; sections are judged against it.
            section_results = detect_sections(self.detector, text, spans,
                                              LanguageResult(doc_lang, lang_conf))
        else:
            whole, section_results = detect_document(self.detector, text, spans)
            if sections:
                doc_lang, lang_conf = whole.code, whole.confidence
                rule_lang = reg.rules_language(doc_lang)
        section_langs = [r.code if r.code != "und" else doc_lang for r in section_results]
        published, base = self._published(raw, text, meta, rule_lang)
        foreign = [(s.start, s.end, lang) for s, lang in zip(sections, section_langs)
                   if lang != "und" and self.entity_stage.pipeline_for(lang)
                   != self.entity_stage.pipeline_for(rule_lang)]
        skip = skipped_builders(rule_lang, self.entity_stage.has_ner(rule_lang))
        flags += [f"skipped:{name}" for name in sorted(
            skip | ({"ner"} if not self.entity_stage.has_ner(rule_lang) else set()))]
        return _Prepared(raw=raw, text=text, lang=doc_lang, lang_conf=lang_conf,
                         rule_lang=rule_lang, sections=sections, meta=meta,
                         section_langs=section_langs, published=published,
                         flags=flags, skip=skip,
                         entity_item=EntityItem(text=text, lang=rule_lang, base_date=base,
                                                foreign=foreign))

    @staticmethod
    def _published(raw: RawDocument, text: str, meta, lang: str
                   ) -> tuple[str | None, dt.date | None]:
        """The published date: given by the input, else the one the sections stage found
        (its date line or header); only a full day counts."""
        candidates = (
            lambda: parse_date(raw.published, lang) if raw.published else None,
            lambda: parse_date(text[slice(*meta.published_span)], lang)
            if meta.published_span else None,
        )
        for candidate in candidates:
            value = _day_value(candidate())
            if value is not None:
                return value, dt.date.fromisoformat(value)
        return None, None


def _day_value(match) -> str | None:
    """The ISO value of a date match of day precision, else None."""
    return match.value if match is not None and match.precision == "day" else None


@dataclass
class _Prepared:
    """A document between the sections and the entity stage."""

    raw: RawDocument
    text: str
    lang: str
    lang_conf: float
    rule_lang: str
    sections: list
    meta: Any
    section_langs: list[str]
    published: str | None
    flags: list[str]
    skip: frozenset[str]
    entity_item: EntityItem

    def finish(self, result) -> DocumentRecord:
        text, meta = self.text, self.meta
        # Sections partition the text, so the one section an entity could lie in is the
        # last one starting at or before it (a scan of all sections per entity was
        # quadratic on long documents).
        starts = [s.start for s in self.sections]
        silent = [s.kind in NO_ENTITY_KINDS for s in self.sections]

        def in_silent(e: dict) -> bool:
            i = bisect.bisect_right(starts, e["start"]) - 1
            return i >= 0 and silent[i] and e["end"] <= self.sections[i].end

        entities = [e for e in result.entities if not in_silent(e)]
        section_langs = [(s.start, s.end, lang)
                         for s, lang in zip(self.sections, self.section_langs)
                         if lang != self.lang]
        records = build_records(
            text=text, lang=self.rule_lang, entities=entities,
            sentences=bounded_sentences(result.sentences, text),
            sections=self.sections, published=self.published, section_langs=section_langs,
            skip=self.skip)
        updated = _day_value(parse_date(text[slice(*meta.updated_span)], self.rule_lang)
                             ) if meta.updated_span else None
        contacts = [{k: c.get(k) for k in ("name", "phone", "email", "start", "end")}
                    for c in meta.contacts]
        return DocumentRecord(
            id=document_id(self.raw), status="ok", source=self.raw.source,
            language={"code": self.lang, "confidence": self.lang_conf},
            title=meta.title or self.raw.title, published=self.published, updated=updated,
            publisher=meta.publisher, press_release_no=meta.press_release_no,
            truncated=bool(meta.truncated), flags=[*self.raw.flags, *self.flags], text=text,
            sections=[{"kind": s.kind, "heading": s.heading, "start": s.start, "end": s.end,
                       "language": lang,
                       "items": [{"start": a, "end": b} for a, b in s.items]}
                      for s, lang in zip(self.sections, self.section_langs)],
            entities=[{"label": e["label"], "text": e["text"], "start": e["start"],
                       "end": e["end"], "source": e["source"],
                       "fine_label": e.get("fine_label")} for e in entities],
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


def iter_batches(items: Iterable, size: int):
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
