"""klynge as a spaCy pipeline: :func:`nlp` and the ``klynge_record`` component.

``klynge.nlp("nb")(text)`` gives a Doc whose ``doc.ents`` are the record's final entities
(model and rule spans merged, navigation and boilerplate dropped, foreign-language
sections read with their own model) and whose ``doc._.klynge`` is the
:class:`~klynge.schema.DocumentRecord` that :func:`klynge.extract` gives for the same text.
The component runs klynge's own per-language pipelines (``rules/shared/models.yaml``)
through :class:`klynge.api.Extractor` rather than re-wiring them here, so the Doc and the
record cannot disagree.

Offsets in the record index the *normalised* text, so the pipeline's tokenizer
(``klynge.NormalisingTokenizer.v1``) normalises first, exactly as ingest does: ``doc.text``
is the record's ``text``. The components and the tokenizer are registered with spaCy
through entry points (``pyproject.toml``), so a config naming them loads without
importing klynge first.
"""
from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans, registry

from klynge.api import Extractor, _check_lang
from klynge.options import DEFAULTS, PipelineOptions
from klynge.schema import DocumentRecord, dumps

__all__ = ["nlp", "NormalisingTokenizer", "RecordComponent", "record_of"]

# The record as its JSON line: Doc.to_bytes/DocBin (and nlp.pipe(n_process=...)) write
# user_data with msgpack, which takes a str but not a pydantic model.
_RECORD_KEY = "klynge.record"
# The text as given, when normalising changed it: the record is made from it, so that its
# flags (normalised_line_endings, ...) are the ones extract() reports.
_INPUT_KEY = "klynge.input_text"


def record_of(doc: Doc) -> DocumentRecord | None:
    """The record the ``klynge_record`` component attached to ``doc`` (``doc._.klynge``)."""
    line = doc.user_data.get(_RECORD_KEY)
    return None if line is None else DocumentRecord.model_validate_json(line)


if not Doc.has_extension("klynge"):
    Doc.set_extension("klynge", getter=record_of)


class NormalisingTokenizer:
    """spaCy's tokenizer for the language, run on the text as ingest normalises it (NFC,
    LF line ends, no soft hyphens or zero-width characters, cut at ``max_chars``)."""

    def __init__(self, inner: Callable[[str], Doc], max_chars: int | None) -> None:
        self.inner = inner
        self.max_chars = max_chars
        self._extractor = Extractor(max_chars=max_chars)

    def __call__(self, text: str) -> Doc:
        raw = next(self._extractor._raw_documents([text]))
        norm = raw.text if raw.text is not None else text
        doc = self.inner(norm)
        if norm != text:
            doc.user_data[_INPUT_KEY] = text
        return doc

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterator[Doc]:
        for text in texts:
            yield self(text)

    # nlp.to_disk/to_bytes serialise the tokenizer: the inner one holds all the state.
    def to_bytes(self, **kwargs: Any) -> bytes:
        return self.inner.to_bytes(**kwargs)  # type: ignore[attr-defined, no-any-return]

    def from_bytes(self, data: bytes, **kwargs: Any) -> NormalisingTokenizer:
        self.inner.from_bytes(data, **kwargs)  # type: ignore[attr-defined]
        return self

    def to_disk(self, path: str | Path, **kwargs: Any) -> None:
        self.inner.to_disk(path, **kwargs)  # type: ignore[attr-defined]

    def from_disk(self, path: str | Path, **kwargs: Any) -> NormalisingTokenizer:
        self.inner.from_disk(path, **kwargs)  # type: ignore[attr-defined]
        return self


def create_normalising_tokenizer(max_chars: int | None = DEFAULTS.max_chars
                                 ) -> Callable[[Language], NormalisingTokenizer]:
    """``[nlp.tokenizer] @tokenizers = "klynge.NormalisingTokenizer.v1"``."""
    base = registry.tokenizers.get("spacy.Tokenizer.v1")()

    def create(nlp: Language) -> NormalisingTokenizer:
        return NormalisingTokenizer(base(nlp), max_chars)

    return create


registry.tokenizers.register("klynge.NormalisingTokenizer.v1",
                             func=create_normalising_tokenizer)


@Language.factory(
    "klynge_record",
    assigns=["doc.ents", "doc.spans", "doc._.klynge"],
    # The pipeline options (klynge.options.PipelineOptions) are the component's config,
    # with their one set of defaults.
    default_config={"lang": None, "max_chars": DEFAULTS.max_chars,
                    "merge_policy": DEFAULTS.merge_policy,
                    "lexicon_policy": DEFAULTS.lexicon_policy,
                    "time_budget": DEFAULTS.time_budget, "rules": DEFAULTS.rules,
                    "spans_key": "entities", "sections_key": "sections"},
)
def make_record(nlp: Language, name: str, lang: str | None, max_chars: int | None,
                merge_policy: str, lexicon_policy: str, time_budget: float | None,
                rules: str | None, spans_key: str, sections_key: str) -> RecordComponent:
    options = PipelineOptions(merge_policy=merge_policy, lexicon_policy=lexicon_policy,
                              max_chars=max_chars, time_budget=time_budget, rules=rules)
    return RecordComponent(nlp, name, lang=lang, options=options, spans_key=spans_key,
                           sections_key=sections_key)


class RecordComponent:
    """Runs the whole klynge pipeline on the Doc's text and writes the result on the Doc:
    ``doc._.klynge`` the record, ``doc.ents`` its entities (where two overlap at token
    level, as both ends of a range may, the longer one), ``doc.spans[spans_key]`` all of
    them, ``doc.spans[sections_key]`` the sections labelled with their kind."""

    def __init__(self, nlp: Language, name: str, *, lang: str | None,
                 options: PipelineOptions, spans_key: str, sections_key: str) -> None:
        self.name = name
        self.lang = _check_lang(lang)
        self.extractor = Extractor(options)
        self.spans_key = spans_key
        self.sections_key = sections_key

    def __call__(self, doc: Doc) -> Doc:
        return next(self.pipe([doc], batch_size=1))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 16) -> Iterator[Doc]:
        stream = iter(docs)
        while batch := list(itertools.islice(stream, max(1, batch_size))):
            items = [{"text": doc.user_data.get(_INPUT_KEY, doc.text), "lang": self.lang}
                     for doc in batch]
            records = self.extractor._records(
                self.extractor._raw_documents(items, separate=True), 1, len(batch))
            for doc, record in zip(batch, records):
                yield self._annotate(doc, record)

    def _annotate(self, doc: Doc, record: DocumentRecord) -> Doc:
        if record.status == "ok" and record.text != doc.text:
            raise ValueError(
                f"{self.name}: the Doc's text is not the normalised text the record indexes "
                "(line ends, no-break spaces, soft hyphens, ...); make the pipeline with "
                "klynge.nlp(), whose tokenizer normalises, or tokenize "
                "klynge.normalise.normalise_text(text)[0]")
        entities = [s for s in (doc.char_span(e.start, e.end, label=e.label,
                                              alignment_mode="expand")
                                for e in record.entities) if s is not None]
        doc.spans[self.spans_key] = entities
        doc.ents = filter_spans(entities)
        doc.spans[self.sections_key] = _sections(doc, record)
        doc.user_data[_RECORD_KEY] = dumps(record)
        return doc


def _sections(doc: Doc, record: DocumentRecord) -> list[Span]:
    out = []
    for section in record.sections:
        span = doc.char_span(section.start, section.end, label=section.kind,
                             alignment_mode="expand")
        if span is not None and len(span):
            out.append(span)
    return out


def nlp(lang: str | None = None, *, options: PipelineOptions | None = None,
        **changes: Any) -> Language:
    """A spaCy pipeline for texts in ``lang`` (``nb nn en da sv``; None, the default:
    detected per text, as ``klynge run`` and :func:`klynge.extract` do):
    ``nlp(text)._.klynge == klynge.extract(text, lang=lang)`` and ``doc.ents`` are that
    record's entities, so ``displacy.render(doc)`` shows them. ``options`` (or its fields
    as keywords, ``max_chars=1000``) as for :class:`klynge.Extractor`.

    The models load on the first text, once per process.
    """
    code = _check_lang(lang)
    opts = Extractor(options, **changes).options
    pipeline = spacy.blank(code or "xx", config={"nlp": {"tokenizer": {
        "@tokenizers": "klynge.NormalisingTokenizer.v1", "max_chars": opts.max_chars}}})
    pipeline.add_pipe("klynge_record", config={
        "lang": code, "max_chars": opts.max_chars, "merge_policy": opts.merge_policy,
        "lexicon_policy": opts.lexicon_policy, "time_budget": opts.time_budget,
        "rules": opts.rules})
    return pipeline
