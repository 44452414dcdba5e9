"""Stage 4, entities: spaCy NER plus rule spans, merged by a named policy.

Entry point: :class:`EntityStage` (``EntityStage.load()`` once per process, then
``stage.annotate(docs)`` over a batch of :class:`klynge.document.AnnotatedDocument`, which
it returns with their entities and sentences). Each language group has its own spaCy pipeline
(``pipeline/rules/shared/models.yaml``): the model gives PER/ORG/LOC/GPE/PROD/EVT,
the registered component ``klynge_rule_spans`` adds MONEY/DATE/URL/EMAIL/PHONE from the
normalisers' data-file patterns into ``doc.spans["rules"]``, and ``klynge_merge_entities``
settles overlaps with a named policy and writes the final spans to ``doc.spans["entities"]``.
Sections in another language than the document (an English quote in a Norwegian release)
are annotated again with that language's pipeline and rules.
"""
from __future__ import annotations

import bisect
import datetime as dt
import re
import threading
from functools import lru_cache
from typing import Callable, Iterator, Literal, Sequence

import numpy
import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span
from pydantic import field_validator
from spacy.util import filter_spans

from klynge.document import AnnotatedDocument
from klynge.normalisers.amounts import find_amounts
from klynge.normalisers.contacts import find_contacts
from klynge.normalisers.dates import find_dates
from klynge.lexicon import find_gazetteer_names, literal_mentions, names, zero_width
from klynge.options import DEFAULTS, LEXICON_POLICY_NAMES, MERGE_POLICY_NAMES, PipelineOptions
from klynge.resources import model_dir
from klynge.rules import RuleModel, literal_alternation, load_rules, registry
from klynge.sections import NO_ENTITY_KINDS


for _name, _default in (("klynge_lang", None), ("klynge_base_date", None)):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)


_TEXT_KEY = "klynge.text"


def doc_text(doc: Doc) -> str:
    """The text the Doc was made from: Doc.text rebuilds it from every token on each call,
    which cost more than some components' own work."""
    text = doc.user_data.get(_TEXT_KEY)
    return text if text is not None else doc.text


def _payload_key(span_id: int) -> tuple[str, int]:
    return ("klynge.payload", span_id)


def _new_span(doc: Doc, start: int, end: int, label: str, payload: dict) -> Span:
    """A token span whose payload (source, fine label, value, exact character offsets) is
    kept in ``doc.user_data`` under the span's own id: span extensions are keyed by
    offsets, so a model span and a rule span over the same words would share one."""
    span_id = doc.user_data.get("klynge.next_id", 1)
    doc.user_data["klynge.next_id"] = span_id + 1
    doc.user_data[_payload_key(span_id)] = payload
    return Span(doc, start, end, label=label, span_id=span_id)


def payload(span: Span) -> dict:
    return dict(span.doc.user_data.get(_payload_key(span.id), {}))


class NameRules(RuleModel):
    """``labels.yaml`` ``names``: the words that settle a model span's label."""

    relabel: list[str]
    org_heads: list[str]
    org_head_suffix: re.Pattern
    org_before: re.Pattern
    name_prefix: re.Pattern


class LabelMaps(RuleModel):
    norne: dict[str, str]
    ontonotes: dict[str, str]
    # Characters a model span may not begin or end with ("• H2Cluster", "«Hywind»").
    edge_chars: str
    leading_words: list[str]
    never_entities: list[str]
    names: NameRules


class PipelineSpec(RuleModel):
    source: str
    labels: Literal["norne", "ontonotes"]
    disable: list[str] = []
    # Entity patterns and gazetteer names (Norwegian and English bodies and places).
    lexical: bool = True


class ModelsFile(RuleModel):
    pipelines: dict[str, PipelineSpec]


# --------------------------------------------------------------------------- components


# \S is exactly "not str.isspace()".
_VISIBLE = re.compile(r"\S")


class SentenceRules(RuleModel):
    boundary: re.Pattern
    abbreviations: list[str]


@Language.factory("klynge_sentences", assigns=["token.is_sent_start"])
def make_sentences(nlp: Language, name: str) -> "Sentences":
    return Sentences(nlp, name)


class Sentences:
    """Sentence starts from ``rules/shared/sentences.yaml``: every line break, and final
    punctuation followed by a capital, except after an abbreviation.

    Works on the text with one regex pass and sets the tokens' starts from C arrays: the
    rule-based sentencizer walked every token in Python, a large share of the stage's time
    on long releases. The character offsets go to ``doc.user_data["klynge.sentences"]``.
    """

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        rules = load_rules("shared", "sentences.yaml", SentenceRules)
        self.boundary = rules.boundary
        self.abbreviations = frozenset(a.lower() for a in rules.abbreviations)

    def starts(self, text: str) -> list[int]:
        """Character offsets where sentences start (0 first), in order."""
        found = {0}
        pos = text.find("\n")
        while pos != -1:
            found.add(pos + 1)
            pos = text.find("\n", pos + 1)
        for m in self.boundary.finditer(text):
            word_start = text.rfind(" ", 0, m.start()) + 1
            word = text[max(word_start, text.rfind("\n", 0, m.start()) + 1):m.start()]
            word = word.lstrip("(«\"")
            # A single capital is an initial ("Frode O. Andersen"), not a sentence end.
            if word.lower() not in self.abbreviations and not (len(word) == 1 and word.isupper()):
                found.add(m.end())
        # A start inside leading whitespace moves to the first visible character. In
        # order, each search starts past the previous one's answer, so a run of blank
        # lines (a start per line) is crossed once, not once per line: linear, where a
        # walk from each start was quadratic (40,000 newlines took 46 s).
        out: list[int] = []
        visible = -1  # the first visible character at or after the last start looked up
        for p in sorted(found):
            if p > visible:
                m = _VISIBLE.search(text, p)
                visible = m.start() if m is not None else len(text)
            if visible < len(text) and (not out or out[-1] != visible):
                out.append(visible)
        return out

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        starts = self.starts(text)
        if len(doc):
            idx = doc.to_array("IDX")
            flags = numpy.full((len(doc), 1), -1, dtype="int64")
            tokens = numpy.searchsorted(idx, starts)
            flags[tokens[tokens < len(doc)], 0] = 1
            flags[0, 0] = 1
            doc.from_array(["SENT_START"], flags.astype("uint64"))
        ends = starts[1:] + [len(text)]
        doc.user_data["klynge.sentences"] = [
            (s, s + len(text[s:e].rstrip())) for s, e in zip(starts, ends)
            if text[s:e].strip()]
        return doc


@Language.factory(
    "klynge_rule_spans",
    assigns=["doc.spans"],
    default_config={"spans_key": "rules", "gazetteer": True},
)
def make_rule_spans(nlp: Language, name: str, spans_key: str, gazetteer: bool) -> "RuleSpans":
    return RuleSpans(nlp, name, spans_key=spans_key, gazetteer=gazetteer)


class RuleSpans:
    """Rule candidates (money, dates, URLs, e-mail, phone) from the normalisers' patterns.

    The language comes from ``doc._.klynge_lang`` and the base date for relative dates from
    ``doc._.klynge_base_date`` (the published date), never from the clock.
    """

    def __init__(self, nlp: Language, name: str, *, spans_key: str,
                 gazetteer: bool = True) -> None:
        self.name = name
        self.spans_key = spans_key
        self.gazetteer = gazetteer
        # Used alone (spacy.blank("nb").add_pipe(...)), a Doc carries no language of its
        # own: the pipeline's language is the text's.
        self.default_lang = nlp.lang

    def __call__(self, doc: Doc) -> Doc:
        lang = registry().rules_language(doc._.klynge_lang or self.default_lang)
        base = doc._.klynge_base_date
        spans = []
        text = doc_text(doc)
        for m in find_amounts(text, lang):
            spans.append(_char_span(doc, m.start, m.end, "MONEY", {
                "source": f"rule:{m.rule_id}", "value": m.value, "currency": m.currency,
                "range_id": m.range_id}))
        for m in find_dates(text, lang, base):
            spans.append(_char_span(doc, m.start, m.end, "DATE", {
                "source": f"rule:{m.rule_id}", "value": m.value, "precision": m.precision,
                "flags": list(m.flags), "range_id": m.range_id}))
        for m in find_contacts(text, lang):
            spans.append(_char_span(doc, m.start, m.end, m.label, {
                "source": f"rule:{m.rule_id}", "value": m.value}))
        doc.spans[self.spans_key] = [s for s in spans if s is not None]
        gazetteer = [_char_span(doc, s, e, "ORG", {"source": f"rule:gazetteer.{gid}"})
                     for s, e, gid in find_gazetteer_names(text)] if self.gazetteer else []
        doc.spans["gazetteer"] = [s for s in gazetteer if s is not None]
        return doc


def _char_span(doc: Doc, start: int, end: int, label: str, data: dict) -> Span | None:
    # "expand" keeps a rule match that splits a token ("NOK3.6"); the exact character
    # offsets of the match are kept in the payload and are what gets emitted.
    span = doc.char_span(start, end, label=label, alignment_mode="expand")
    if span is None:
        return None
    return _new_span(doc, span.start, span.end, label, {**data, "start": start, "end": end})


@Language.factory(
    "klynge_merge_entities",
    assigns=["doc.spans"],
    default_config={"policy": DEFAULTS.merge_policy, "lexicon": DEFAULTS.lexicon_policy,
                    "labels": "norne",
                    "rules_key": "rules", "out_key": "entities"},
)
def make_merge_entities(nlp: Language, name: str, policy: str, lexicon: str, labels: str,
                        rules_key: str, out_key: str) -> "MergeEntities":
    return MergeEntities(nlp, name, policy=policy, lexicon=lexicon, labels=labels,
                         rules_key=rules_key, out_key=out_key)


def _with_lexicon(model: list[Span], lexical: list[Span]) -> list[Span]:
    """Spans from patterns and gazetteers against the model's: a lexical span wins over the
    model spans it covers ("Regjeringen Stoltenberg II" over "Regjeringen" + "Stoltenberg
    II", "Siva" ORG over "Siva" PER) and fills gaps; one inside a longer model span loses
    ("Norge" inside "Innovasjon Norge", "Statkraft" inside "Statkraft Energi AS")."""
    kept_model = list(model)
    won = []
    for lex in filter_spans(lexical):
        hits = [m for m in kept_model if m.start < lex.end and lex.start < m.end]
        if all(lex.start <= m.start and m.end <= lex.end for m in hits):
            won.append(lex)
            kept_model = [m for m in kept_model if m not in hits]
    return sorted(kept_model + won, key=lambda s: s.start)


@lru_cache(maxsize=None)
def _genitive() -> re.Pattern[str]:
    """An apostrophe genitive at the end of a word (names.yaml): "Equinor’s", "Siemens’"."""
    return re.compile(f"(?:{literal_alternation(names().apostrophe_genitives)})$")


@lru_cache(maxsize=None)
def _org_heads(heads: tuple[str, ...]) -> frozenset[str]:
    """Last words that make a name a body: labels.yaml's heads and every legal suffix."""
    return frozenset(heads) | frozenset(names().legal_suffixes)


def _name_key(text: str) -> str:
    return " ".join(_genitive().sub("", text).split())


def _relabel(span: Span, label: str, rule: str) -> Span:
    data = payload(span)
    data["source"] = f"rule:names.{rule}"
    return _new_span(span.doc, span.start, span.end, label, data)


def _org_by_words(span: Span, text: str, names: NameRules) -> str | None:
    """The rule that makes a model span a body by its own words, if one does: its last
    word ("Ulstein Group", "Hedmark Kunnskapspark") or the words before it ("klyngen X")."""
    last = _genitive().sub("", span[-1].text)
    if len(span) > 1 and last in _org_heads(tuple(names.org_heads)) or names.org_head_suffix.search(last):
        return "org_head"
    start = payload(span).get("start", span.start_char)
    if names.org_before.search(text[max(0, start - 40):start]):
        return "org_context"
    return None


def _lexicon_cover(doc: Doc, model: list[Span], lexical: list[Span],
                   names: NameRules) -> list[Span]:
    """Lexical spans win over the model spans they cover; labels stay the model's."""
    return _with_lexicon(model, lexical)


def _lexicon_names_first(doc: Doc, model: list[Span], lexical: list[Span],
                         names: NameRules) -> list[Span]:
    """A name the document's lexicon knows beats the model's label, at every mention.

    Known names are the lexical spans (gazetteer bodies, entity patterns: "NCE Maritime
    CleanTech", "Arena NOW"), their forms without a status prefix ("Maritime CleanTech")
    and model spans whose own words make them a body ("Ulstein Group", "klyngen X"). A
    model PER/LOC/GPE/PROD span with a known name takes the known label; a known
    organisation's name elsewhere in the text, where no span is, becomes one. Then the
    lexical spans win over the model spans they cover (``_lexicon_cover``)."""
    text = doc_text(doc)
    relabel = set(names.relabel)
    known: dict[str, tuple[str, str]] = {}
    for lex in lexical:
        name = _name_key(lex.text)
        known.setdefault(name, (lex.label_, "known"))
        short = names.name_prefix.sub("", name, count=1)
        if lex.label_ == "ORG" and short != name and len(short) > 3:
            known.setdefault(short, ("ORG", "known"))
    out = []
    for span in model:
        rule = _org_by_words(span, text, names) if span.label_ in relabel else None
        if rule:
            span = _relabel(span, "ORG", rule)
            known.setdefault(_name_key(span.text), ("ORG", "known"))
        out.append(span)
    out = [_relabel(s, *known[_name_key(s.text)])
           if s.label_ in relabel and known.get(_name_key(s.text), (s.label_,))[0] != s.label_
           else s for s in out]
    taken = [(s.start_char, s.end_char) for s in out + lexical]
    for name, (label, _) in known.items():
        if label != "ORG" or " " not in name:
            continue  # one word ("Subsea" from "GCE Subsea") is often a common word too
        for start, end in literal_mentions(text, name, zero_width(r"(?![\w-])")):
            if any(start < e and b < end for b, e in taken):
                continue
            span = doc.char_span(start, end)
            if span is not None:
                out.append(_new_span(doc, span.start, span.end, "ORG", {
                    "source": "rule:names.known", "start": start, "end": end}))
                taken.append((start, end))
    return _with_lexicon(sorted(out, key=lambda s: s.start), lexical)


LEXICON_POLICIES: dict[str, Callable[[Doc, list[Span], list[Span], NameRules], list[Span]]] = {
    "names_first": _lexicon_names_first,
    "cover": _lexicon_cover,
}


def _policy_rules_first(model: list[Span], rules: list[Span]) -> list[Span]:
    """Rule spans win: a model entity that overlaps any rule span is dropped.

    The rules only claim what they can normalise (amounts, dates, addresses), where the
    model is weakest ("NOK" tagged ORG, "2021" inside a name); overlapping rule spans of a
    range (both ends of "30–80 millioner") are all kept.
    """
    taken = [(s.start_char, s.end_char) for s in rules]
    kept = [s for s in model
            if not any(s.start_char < e and b < s.end_char for b, e in taken)]
    return sorted(kept + rules, key=lambda s: (s.start_char, s.end_char))


def _policy_longest(model: list[Span], rules: list[Span]) -> list[Span]:
    """The longest span wins whatever its source (spaCy's ``filter_spans``)."""
    return sorted(filter_spans(model + rules), key=lambda s: s.start_char)


MERGE_POLICIES: dict[str, Callable[[list[Span], list[Span]], list[Span]]] = {
    "rules_first": _policy_rules_first,
    "longest": _policy_longest,
}
# The names are the options' (klynge.options, the leaf every face validates against).
if tuple(MERGE_POLICIES) != MERGE_POLICY_NAMES or tuple(LEXICON_POLICIES) != LEXICON_POLICY_NAMES:
    raise ImportError("klynge.entities' policies differ from klynge.options' policy names")


class MergeEntities:
    """Maps model labels to klynge's scheme and merges them with the lexical spans (a
    named lexicon policy: ``names_first`` or ``cover``) and the rule spans (a named merge
    policy: ``rules_first`` or ``longest``)."""

    def __init__(self, nlp: Language, name: str, *, policy: str, labels: str,
                 rules_key: str, out_key: str, lexicon: str = DEFAULTS.lexicon_policy) -> None:
        if policy not in MERGE_POLICIES:
            raise ValueError(f"unknown merge policy {policy!r}; known: {sorted(MERGE_POLICIES)}")
        if lexicon not in LEXICON_POLICIES:
            raise ValueError(
                f"unknown lexicon policy {lexicon!r}; known: {sorted(LEXICON_POLICIES)}")
        self.name = name
        self.policy = MERGE_POLICIES[policy]
        self.lexicon = LEXICON_POLICIES[lexicon]
        maps = load_rules("shared", "labels.yaml", LabelMaps)
        self.label_map = getattr(maps, labels)
        self.edge_chars = maps.edge_chars
        self.leading_words = frozenset(maps.leading_words)
        self.never = frozenset(maps.never_entities)
        self.names = maps.names
        self.rules_key = rules_key
        self.out_key = out_key

    def __call__(self, doc: Doc) -> Doc:
        model_spans = []
        for ent in doc.ents:
            label = self.label_map.get(ent.label_)
            start, end = ent.start, ent.end
            while start < end and self._edge(doc[start]):
                start += 1
            while end > start and self._edge(doc[end - 1]):
                end -= 1
            if start < end and doc[start].text in self.leading_words:
                start += 1
            if label is None or start == end or doc[start:end].text in self.never:
                continue
            model_spans.append(_new_span(doc, start, end, label, {
                "source": "model", "fine_label": ent.label_,
                "start": doc[start].idx, "end": doc[end - 1].idx + len(doc[end - 1])}))
        lexical = [s for key in ("gazetteer", "ruler") if key in doc.spans
                   for s in doc.spans[key]]
        # SpanRuler spans carry their pattern's id, not a payload: give them one, so they
        # are emitted as "rule:<pattern id>" and never pass for model spans.
        lexical = [s if payload(s) else _new_span(doc, s.start, s.end, s.label_, {
            "source": f"rule:{s.id_}", "start": s.start_char, "end": s.end_char})
            for s in lexical]
        model_spans = self.lexicon(doc, model_spans, lexical, self.names)
        rules = list(doc.spans[self.rules_key]) if self.rules_key in doc.spans else []
        doc.spans[self.out_key] = self.policy(model_spans, rules)
        return doc

    def _edge(self, token) -> bool:
        return token.is_space or all(c in self.edge_chars for c in token.text)


# --------------------------------------------------------------------------- the stage


def load_pipeline(name: str, spec: PipelineSpec, options: PipelineOptions = DEFAULTS) -> Language:
    kind, _, ref = spec.source.partition(":")
    if kind == "model":
        nlp = spacy.load(model_dir(ref))
    elif kind == "package":
        nlp = spacy.load(ref, exclude=spec.disable)
    elif kind == "blank":
        nlp = spacy.blank(ref)
    else:
        raise ValueError(f"unknown model source {spec.source!r}")
    nlp.add_pipe("klynge_sentences", first=True)
    if spec.lexical:
        ruler = nlp.add_pipe("span_ruler", name="klynge_entity_ruler",
                             config={"spans_key": "ruler", "validate": True,
                                     "phrase_matcher_attr": "ORTH"})
        ruler.add_patterns(entity_patterns(served_languages(name)))
    nlp.add_pipe("klynge_rule_spans", config={"gazetteer": spec.lexical})
    nlp.add_pipe("klynge_merge_entities", config={"policy": options.merge_policy,
                                                  "lexicon": options.lexicon_policy,
                                                  "labels": spec.labels})
    return nlp


class EntityPattern(RuleModel):
    """One spaCy SpanRuler pattern (token pattern or phrase), with the languages it is for."""

    id: str
    label: Literal["PER", "ORG", "LOC", "GPE", "PROD", "EVT"]
    pattern: str | list[dict]
    langs: list[str] | None = None  # None: every language

    @field_validator("langs")
    @classmethod
    def _registered(cls, v: list[str] | None) -> list[str] | None:
        reg = registry()
        unknown = [c for c in v or () if not reg.is_supported(c)]
        if unknown:
            raise ValueError(f"unregistered languages {unknown}")
        return v


class EntityPatterns(RuleModel):
    rules: list[EntityPattern]


def entity_patterns(languages: Sequence[str]) -> list[dict]:
    """SpanRuler patterns from ``rules/shared/entity_patterns.jsonl`` for these languages."""
    file = load_rules("shared", "entity_patterns.jsonl", EntityPatterns)
    return [{"label": p.label, "pattern": p.pattern, "id": p.id} for p in file.rules
            if p.langs is None or set(p.langs) & set(languages)]


def served_languages(pipeline: str) -> list[str]:
    """The registered language codes that the registry routes to ``pipeline``."""
    reg = registry()
    return [c for c in reg.codes if reg.pipeline(c) == pipeline]


class EntityStage:
    """Holds one spaCy pipeline per language group; load once per process.

    A pipeline is loaded when its first text comes (:meth:`pipeline`), so a run that
    reads only Norwegian never loads the English model; what it holds, for the
    provenance and :meth:`has_ner`, is read from its metadata without loading it.
    """

    def __init__(self, pipelines: dict[str, Language], batch_size: int = 32, *,
                 specs: dict[str, PipelineSpec] | None = None,
                 options: PipelineOptions = DEFAULTS) -> None:
        self._loaded = dict(pipelines)
        self._specs = dict(specs or {})
        self._options = options
        self._metas: dict[str, dict | None] = {}
        self._lock = threading.Lock()
        self.batch_size = batch_size

    @classmethod
    def load(cls, options: PipelineOptions = DEFAULTS, batch_size: int = 32) -> "EntityStage":
        """The stage; its pipelines load on first use (``pipelines`` loads them all)."""
        spec = load_rules("shared", "models.yaml", ModelsFile)
        return cls({}, batch_size, specs=spec.pipelines, options=options)

    def names(self) -> list[str]:
        """The pipelines' names, loaded or not, in order."""
        return sorted({*self._loaded, *self._specs})

    def pipeline(self, name: str) -> Language:
        """The pipeline ``name``, loaded now if it was not yet (the runner loads it before
        any time budget runs: klynge.runner.process)."""
        nlp = self._loaded.get(name)
        if nlp is None:
            with self._lock:
                nlp = self._loaded.get(name)
                if nlp is None:
                    # Stored once whole: an interrupted load leaves nothing behind.
                    nlp = load_pipeline(name, self._specs[name], self._options)
                    self._loaded[name] = nlp
        return nlp

    @property
    def pipelines(self) -> dict[str, Language]:
        """Every pipeline, each loaded now if it was not yet."""
        return {name: self.pipeline(name) for name in self.names()}

    def model_meta(self, name: str) -> dict | None:
        """The metadata of pipeline ``name``'s NER model (meta.json), None when it has
        none; a loaded pipeline's own, else read from the model's folder."""
        nlp = self._loaded.get(name)
        if nlp is not None:
            return nlp.meta if "ner" in nlp.pipe_names else None
        if name not in self._metas:  # asked once per document: read once
            self._metas[name] = _ner_meta(self._specs[name])
        return self._metas[name]

    def has_ner(self, lang: str) -> bool:
        """Does the pipeline that reads ``lang`` hold an NER model?"""
        return self.model_meta(self.pipeline_for(lang)) is not None

    def pipeline_for(self, lang: str) -> str:
        """Name of the pipeline that serves ``lang`` (the language registry says)."""
        return registry().pipeline(lang)

    def foreign_sections(self, doc: AnnotatedDocument) -> list[tuple[int, int, str]]:
        """(start, end, lang) of the sections another pipeline than the document's reads."""
        own = self.pipeline_for(doc.rule_lang)
        return [(s.start, s.end, lang) for s, lang in zip(doc.sections, doc.section_langs)
                if lang != "und" and self.pipeline_for(lang) != own]

    def annotate(self, docs: Sequence[AnnotatedDocument]) -> list[AnnotatedDocument]:
        """Each document with its entities and sentences, in order.

        The whole text is read with the pipeline of the document's rule language, the
        sections in a language another pipeline serves again with that one; entities in
        entity-free sections (``NO_ENTITY_KINDS``: navigation, boilerplate) are dropped."""
        entities: list[list[dict]] = [[] for _ in docs]
        sentences: list[list[tuple[int, int]] | None] = [None for _ in docs]
        # Pass 1: whole documents, batched per pipeline so nlp.pipe can batch them.
        jobs: list[tuple[int, int, str, str, dt.date | None]] = [
            (i, 0, d.text, d.rule_lang, d.base_date) for i, d in enumerate(docs)]
        # Pass 2: foreign-language sections, re-read with their own pipeline and rules.
        for i, d in enumerate(docs):
            for start, end, lang in self.foreign_sections(d):
                jobs.append((i, start, d.text[start:end], lang, d.base_date))
        for offset_job, doc in self._run(jobs):
            i, offset, job_text, _, _ = offset_job
            ents = [_span_dict(s, offset, job_text) for s in doc.spans["entities"]]
            if offset == 0 and not sentences[i]:
                entities[i] = ents
                sentences[i] = list(doc.user_data["klynge.sentences"])
            else:
                end = offset + len(job_text)
                entities[i] = sorted(
                    [e for e in entities[i] if not (e["start"] < end and offset < e["end"])]
                    + ents, key=lambda e: (e["start"], e["end"]))
        return [d.with_annotations(_outside_silent(d, ents), sents or [])
                for d, ents, sents in zip(docs, entities, sentences)]

    def _run(self, jobs) -> Iterator[tuple[tuple, Doc]]:
        by_group: dict[str, list[tuple]] = {}
        for job in jobs:
            by_group.setdefault(self.pipeline_for(job[3]), []).append(job)
        done: dict[int, tuple[tuple, Doc]] = {}
        order = {id(j): n for n, j in enumerate(jobs)}
        for group, group_jobs in by_group.items():
            nlp = self.pipeline(group)
            docs = (self._make_doc(nlp, j) for j in group_jobs)
            for job, doc in zip(group_jobs, nlp.pipe(docs, batch_size=self.batch_size)):
                done[order[id(job)]] = (job, doc)
        for n in range(len(jobs)):
            yield done[n]

    @staticmethod
    def _make_doc(nlp: Language, job) -> Doc:
        _, _, text, lang, base = job
        doc = nlp.make_doc(text)
        doc.user_data[_TEXT_KEY] = text
        doc._.klynge_lang = lang
        doc._.klynge_base_date = base
        return doc


def _ner_meta(spec: PipelineSpec) -> dict | None:
    """The meta.json of the model a pipeline spec loads, None when it loads no NER (as
    the loaded pipeline's ``meta`` and ``pipe_names`` would say)."""
    kind, _, ref = spec.source.partition(":")
    if kind == "blank":
        return None
    folder = model_dir(ref) if kind == "model" else spacy.util.get_package_path(ref)
    meta = spacy.util.get_model_meta(folder)
    ner = ("ner" in meta.get("pipeline", []) and "ner" not in spec.disable
           and "ner" not in meta.get("disabled", []))
    return meta if ner else None


def _outside_silent(doc: AnnotatedDocument, entities: list[dict]) -> list[dict]:
    """The entities that lie outside entity-free sections (page furniture and junk)."""
    # Sections partition the text, so the one section an entity could lie in is the last
    # one starting at or before it (a scan of all sections per entity was quadratic on
    # long documents).
    starts = [s.start for s in doc.sections]
    silent = [s.kind in NO_ENTITY_KINDS for s in doc.sections]

    def in_silent(e: dict) -> bool:
        i = bisect.bisect_right(starts, e["start"]) - 1
        return i >= 0 and silent[i] and e["end"] <= doc.sections[i].end

    return [e for e in entities if not in_silent(e)]


def _span_dict(span: Span, offset: int, doc_text: str) -> dict:
    # doc_text is passed in: Doc.text rebuilds the string from every token on each call.
    data = payload(span)
    start = data.pop("start", span.start_char) + offset
    end = data.pop("end", span.end_char) + offset
    text = doc_text[start - offset:end - offset]
    out = {"label": span.label_, "text": text, "start": start, "end": end,
           "source": data.pop("source")}
    out.update({k: v for k, v in data.items() if v is not None and v != []})
    return out
