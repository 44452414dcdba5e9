"""Language identification: nb, nn, da, sv, en, or ``und``.

The main model is our own: multinomial naive Bayes over hashed character n-grams (orders
1-5 of lower-cased letters, words padded with spaces) and whole words, trained with
``klynge.maintain.train_langid`` on NorNE, the Leipzig/UD sentences and, as a backoff, Debian word
lists. It ships in ``models/langid/`` (``weights.npz`` + ``meta.json``, about 3 MB) and is
loaded by :meth:`LanguageDetector.load`, never at import.

Two outside members (``klynge.language_members``, each loaded when a first text asks for
it), both deterministic:

* ``py3langid``, when installed, adds its vote for texts our model is unsure about
  (top probability < ``py3langid_gate``); it knows Danish and Swedish from far more text
  than we have. Pass ``use_py3langid=False`` for our model alone.
* ``langdetect`` (seeded with ``DetectorFactory.seed = 0`` before every call) is a veto for
  text in none of our five languages: our model always picks one of the five, so a German
  paragraph would otherwise come out as one of them. It is asked only when the text fits
  all five classes badly (mean log-likelihood per feature below ``foreign_loglik``, the
  0.5th percentile of our own dev text, stored in meta.json); when it puts at least
  ``foreign_confidence`` on other languages the answer is ``und``. It has no Icelandic or
  Faroese, so those come out as nn.

``und`` rules (``pipeline/rules/shared/langid.yaml``, else the constants below):
fewer than ``min_letters`` letters (confidence 0.0); top probability below
``min_confidence`` (confidence = that probability); or the langdetect veto (confidence =
langdetect's probability of the other languages).
"""
from __future__ import annotations

import hashlib
import json
import re
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np

from klynge.language_members import LangDetectVeto, Py3LangidMember
from klynge.rules import RuleModel, load_rules, registry

# The classes the detector can say are its model's (models/langid/meta.json "labels", in
# column order), and every one must be a registered language (rules/shared/languages.yaml,
# the one list): checked when the model loads and by `klynge rules check`.

# Defaults for the und decision; the yaml file overrides them so they can be tuned as data.
# 10 letters is about two short words: below that even people disagree on nb/da/nn.
DEFAULT_MIN_LETTERS = 10
# A 5-way probability under 0.5 means the model has no clear winner.
DEFAULT_MIN_CONFIDENCE = 0.5
# langdetect must be at least this sure of a language outside ours before we say und.
DEFAULT_FOREIGN_CONFIDENCE = 0.9

# A section keeps a language other than the document's only with at least this many
# letters (about four words) and this confidence; otherwise it inherits the document's.
DEFAULT_SECTION_MIN_LETTERS = 20
DEFAULT_SECTION_MIN_CONFIDENCE = 0.9

# py3langid's vote (when installed): its sqrt-length-scaled scores are added with this
# weight to ours for texts whose top probability is below the gate. Both chosen on our
# cross-validated dev (weights 0.75-1.5 equal best, 99.13 -> 99.24 %; gates from 0.99 up
# to always-on gave the same accuracy, so the cheapest was kept).
DEFAULT_PY3LANGID_WEIGHT = 1.0
DEFAULT_PY3LANGID_GATE = 0.99


# Digits, punctuation and underscores say nothing about the language, and the training
# sources tokenise punctuation differently, so only letters reach the model.
_NON_LETTERS = re.compile(r"[\W\d_]+")
_BATCH = 2048  # texts scored per numpy pass in detect_many
_SEP = "\x01"  # joins texts in a batch; never survives normalisation, so never in an n-gram
_HASH_MULT = np.uint64(1_000_003)


def normalise(text: str) -> str:
    """Lower-cased letters, runs of anything else collapsed to one space."""
    return _NON_LETTERS.sub(" ", text.lower()).strip()


def _mix(h: np.ndarray) -> np.ndarray:
    # splitmix/murmur finaliser: the polynomial hash alone clusters short n-grams in
    # the low bits, which are the bits the bucket mask keeps.
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xFF51AFD7ED558CCD)
    h = h ^ (h >> np.uint64(33))
    return h


def ngram_features(
    norm_texts: Sequence[str], orders: Sequence[int], n_buckets: int
) -> tuple[np.ndarray, np.ndarray]:
    """Hashed character n-grams of already normalised texts, all in one numpy pass.

    Returns ``(doc_index, bucket)``, one entry per n-gram occurrence. The whole batch is
    one code-point array so the cost per text is a few array slices, not a Python loop
    over characters; that is what makes thousands of sentences per second possible.
    """
    parts = [f" {t} " if t else "" for t in norm_texts]
    joined = _SEP.join(parts)
    if not joined:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    is_sep = codes == ord(_SEP)
    sep_cum = np.concatenate(([0], np.cumsum(is_sep)))
    mask = np.uint64(n_buckets - 1)
    docs, buckets = [], []
    length = len(codes)
    for n in orders:
        count = length - n + 1
        if count <= 0:
            continue
        h = np.full(count, n, dtype=np.uint64)
        for k in range(n):
            h = h * _HASH_MULT + codes[k : k + count]
        valid = (sep_cum[n : n + count] - sep_cum[:count]) == 0
        # A gram of spaces only (" " for n=1) is in every text: skip it.
        if n == 1:
            valid &= codes[:count] != 32
        idx = np.nonzero(valid)[0]
        docs.append(sep_cum[idx])
        buckets.append((_mix(h[idx]) & mask).astype(np.int64))
    if not docs:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(docs).astype(np.int64), np.concatenate(buckets)


def word_features(norm_texts: Sequence[str], n_buckets: int) -> tuple[np.ndarray, np.ndarray]:
    """Hashed whole words: decisive single words (nb "fikk" vs nn "fekk") are otherwise
    drowned by the many weakly informative character n-grams around them."""
    docs: list[int] = []
    buckets: list[int] = []
    mask = n_buckets - 1
    for i, text in enumerate(norm_texts):
        for word in text.split():
            docs.append(i)
            # crc32, not hash(): Python's str hash changes per process.
            buckets.append(zlib.crc32(("W" + word).encode("utf-8")) & mask)
    return np.array(docs, dtype=np.int64), np.array(buckets, dtype=np.int64)


def features(
    norm_texts: Sequence[str], orders: Sequence[int], n_buckets: int, word_weight: int
) -> tuple[np.ndarray, np.ndarray]:
    """Character n-grams plus whole words repeated ``word_weight`` times (their weight)."""
    docs, buckets = ngram_features(norm_texts, orders, n_buckets)
    if word_weight > 0:
        wd, wb = word_features(norm_texts, n_buckets)
        docs = np.concatenate([docs] + [wd] * word_weight)
        buckets = np.concatenate([buckets] + [wb] * word_weight)
    return docs, buckets


def linear_scores(
    weights: np.ndarray, bias: np.ndarray, doc_idx: np.ndarray, buckets: np.ndarray, n_docs: int
) -> np.ndarray:
    """Sum of per-n-gram class weights per document, plus bias: shape (n_docs, n_classes)."""
    n_classes = weights.shape[1]
    out = np.empty((n_docs, n_classes), dtype=np.float64)
    if len(buckets):
        rows = weights[buckets]
        for c in range(n_classes):
            out[:, c] = np.bincount(doc_idx, weights=rows[:, c], minlength=n_docs)
    else:
        out[:] = 0.0
    return out + bias


def softmax(x: np.ndarray) -> np.ndarray:
    z = x - x.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


@dataclass(frozen=True)
class LanguageResult:
    code: str
    confidence: float  # rounded to 4 decimals so output is stable across platforms


def model_labels(model_dir: str | Path | None = None) -> tuple[str, ...]:
    """The classes of the language model, from its metadata."""
    model_dir = Path(model_dir) if model_dir is not None else _default_model_dir()
    meta = json.loads((model_dir / "meta.json").read_text(encoding="utf-8"))
    return tuple(meta["labels"])


def unregistered_labels(labels: Iterable[str]) -> list[str]:
    """The model's classes that are not registered languages (a packaging error)."""
    reg = registry()
    return [c for c in labels if not reg.is_supported(c)]


def _default_model_dir() -> Path:
    """The committed model (package ``klynge_models``, or ``KLYNGE_MODELS``)."""
    from klynge.resources import model_dir
    return model_dir("langid")


class LangIdThresholds(RuleModel):
    """``rules/shared/langid.yaml``: the documented thresholds of the detector."""

    min_letters: int = DEFAULT_MIN_LETTERS
    min_confidence: float = DEFAULT_MIN_CONFIDENCE
    foreign_confidence: float = DEFAULT_FOREIGN_CONFIDENCE
    py3langid_weight: float = DEFAULT_PY3LANGID_WEIGHT
    py3langid_gate: float = DEFAULT_PY3LANGID_GATE
    section_min_letters: int = DEFAULT_SECTION_MIN_LETTERS
    section_min_confidence: float = DEFAULT_SECTION_MIN_CONFIDENCE
    veto_min_letters: int = 40
    document_veto_min_letters: int = 10
    short_text_letters: int = 40
    short_text_prior: str = "nb"
    short_text_confidence: float = 0.8
    short_text_group: list[str] = ["da", "sv"]


def load_thresholds(path: Path | None = None) -> dict[str, float]:
    if path is not None:
        import yaml
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        return LangIdThresholds.model_validate(data).model_dump()
    return load_rules("shared", "langid.yaml", LangIdThresholds).model_dump()


class LanguageDetector:
    """Our hashed n-gram model plus the und rules; build it with :meth:`load`."""

    def __init__(
        self,
        weights: np.ndarray,
        bias: np.ndarray,
        offset: np.ndarray,
        meta: dict,
        thresholds: dict[str, float] | None = None,
        use_langdetect: bool = True,
        use_py3langid: bool | None = None,
    ) -> None:
        self.weights = weights
        self.bias = bias
        self.offset = offset
        self.meta = meta
        self.labels: tuple[str, ...] = tuple(meta["labels"])
        unknown = unregistered_labels(self.labels)
        if unknown:
            raise ValueError(f"the language model's classes {unknown} are not registered "
                             "languages (rules/shared/languages.yaml)")
        self.und = registry().undetermined
        self.digest: str | None = None
        self.orders: tuple[int, ...] = tuple(meta["orders"])
        self.n_buckets = int(meta["n_buckets"])
        self.scale = float(meta.get("scale", 1.0))
        self.word_weight = int(meta.get("word_weight", 0))
        self.foreign_loglik = float(meta.get("foreign_loglik", -1e9))
        self.thresholds = thresholds or load_thresholds()
        self._veto = LangDetectVeto() if use_langdetect else None
        self._py3: Py3LangidMember | None = None
        if use_py3langid is not False and self.thresholds["py3langid_weight"] > 0:
            try:
                self._py3 = Py3LangidMember(self.labels)
            except ImportError:
                if use_py3langid:
                    raise

    def warm(self) -> None:
        """Load what the detector would otherwise load on first use (langdetect's
        profiles, py3langid's model)."""
        if self._veto is not None:
            self._veto.warm()
        if self._py3 is not None:
            self._py3._load()

    def own_model(self, **thresholds: float) -> "LanguageDetector":
        """This detector without its outside members (langdetect, py3langid), sharing its
        model, with ``thresholds`` changed: the runner warms the stages with it, so that
        its warm text loads neither (each loads when a first document asks for it)."""
        alone = LanguageDetector(self.weights, self.bias, self.offset, self.meta,
                                 {**self.thresholds, **thresholds}, use_langdetect=False,
                                 use_py3langid=False)
        alone.digest = self.digest
        return alone

    @classmethod
    def load(
        cls,
        model_dir: str | Path | None = None,
        use_langdetect: bool = True,
        use_py3langid: bool | None = None,
    ) -> "LanguageDetector":
        """Load the committed model; ``use_py3langid=None`` uses it when installed."""
        model_dir = Path(model_dir) if model_dir is not None else _default_model_dir()
        meta = json.loads((model_dir / "meta.json").read_text(encoding="utf-8"))
        with np.load(model_dir / "weights.npz") as npz:
            weights = npz["weights"].astype(np.float32)
            bias = npz["bias"].astype(np.float64)
            offset = npz["offset"].astype(np.float64)
        detector = cls(weights, bias, offset, meta, load_thresholds(), use_langdetect,
                       use_py3langid)
        if detector._py3 is not None:
            detector._py3.start()
        # The model has no version of its own: its weights' hash names it in provenance.
        detector.digest = hashlib.sha256((model_dir / "weights.npz").read_bytes()
                                         ).hexdigest()[:16]
        return detector

    @property
    def members(self) -> list[str]:
        out = ["klynge-nb"]
        if self._py3 is not None:
            out.append("py3langid")
        if self._veto is not None:
            out.append("langdetect-veto")
        return out

    # -- scoring -------------------------------------------------------------------------
    def probabilities(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(probabilities over ``self.labels``, letters, per-n-gram fit) per text."""
        norm = [normalise(t) for t in texts]
        n = len(norm)
        letters = np.array([len(t) - t.count(" ") for t in norm], dtype=np.int64)
        doc_idx, buckets = features(norm, self.orders, self.n_buckets, self.word_weight)
        scores = linear_scores(self.weights, np.zeros_like(self.bias), doc_idx, buckets, n)
        grams = np.maximum(np.bincount(doc_idx, minlength=n), 1).astype(np.float64)
        off = np.bincount(doc_idx, weights=self.offset[buckets], minlength=n)
        fit = (scores.max(axis=1) + off) / grams
        # Summed naive Bayes log-likelihoods grow with length and are wildly overconfident;
        # dividing by sqrt(#n-grams) keeps more text meaning more confidence, but sanely.
        scores = scores / np.sqrt(grams)[:, None] * self.scale + self.bias
        probs = softmax(scores)
        if self._py3 is not None:
            # Only texts our model is unsure about pay for the second opinion (about 1 in 7
            # on dev), which keeps throughput in the thousands per second.
            gate = self.thresholds["py3langid_gate"]
            weight = self.thresholds["py3langid_weight"]
            unsure = np.nonzero(probs.max(axis=1) < gate)[0]
            for i in unsure:
                scores[i] += weight * self._py3.scores(texts[i])
            if len(unsure):
                probs[unsure] = softmax(scores[unsure])
        return probs, letters, fit

    def _decide(self, text: str, probs: np.ndarray, letters: int, fit: float,
                veto_min_letters: int | None = None) -> LanguageResult:
        """The rules, in order (thresholds in ``rules/shared/langid.yaml``):

        1. fewer than ``min_letters`` letters: ``und``, confidence 0;
        2. a text that fits all our languages badly is asked of langdetect: when it puts
           ``foreign_confidence`` on languages outside ours, the answer is its likeliest
           language's own code ("de") with langdetect's probability, or ``und`` when no
           single language is that likely, with confidence 1 - that mass (low); when it
           does not, and leaves less than ``foreign_confidence`` to our languages too, the
           letters are in no language it can tell (random strings, base64, codes) and the
           answer is ``und`` with the mass it left to ours; else our probability is scaled
           by that mass;
        3. a short text (under ``short_text_letters``) whose guess (da, sv or nb itself) is
           below ``short_text_confidence`` is ``short_text_prior`` (nb): a few words cannot tell
           Bokmål from Danish ("IFE i Halden."), and nb is what this tool mostly reads;
           its confidence is what our model gives nb;
        4. a top probability below ``min_confidence``: ``und`` with that probability;
        5. else our model's top language and probability.
        """
        th = self.thresholds
        if letters < th["min_letters"]:
            return LanguageResult(self.und, 0.0)
        best = int(np.argmax(probs))
        conf = float(probs[best])
        veto_from = th["veto_min_letters"] if veto_min_letters is None else veto_min_letters
        if self._veto is not None and fit < self.foreign_loglik and letters >= veto_from:
            # Our model always picks one of its five; a text that fits all of them badly
            # may be German or Finnish, and langdetect knows 55 languages.
            code, p, foreign = self._veto.foreign_probability(text)
            if foreign >= th["foreign_confidence"]:
                if p >= th["foreign_confidence"]:
                    return LanguageResult(code, round(p, 4))
                return LanguageResult(self.und, round(1.0 - foreign, 4))
            if 1.0 - foreign < th["foreign_confidence"]:
                # Neither ours nor any other: langdetect scatters its guesses over many
                # languages (de 0.43, en 0.29, pl 0.14, ... for base64), and our model's
                # fit already said the text is like none of ours.
                return LanguageResult(self.und, round(1.0 - foreign, 4))
            conf *= 1.0 - foreign
        label = self.labels[best]
        prior = th["short_text_prior"]
        if (letters < th["short_text_letters"] and prior in self.labels
                and (label in th["short_text_group"] or label == prior)
                and conf < th["short_text_confidence"]):
            return LanguageResult(prior, round(float(probs[self.labels.index(prior)]), 4))
        if conf < th["min_confidence"]:
            return LanguageResult(self.und, round(conf, 4))
        return LanguageResult(label, round(conf, 4))

    def detect(self, text: str, veto_min_letters: int | None = None) -> LanguageResult:
        return self.detect_many([text], veto_min_letters)[0]

    def detect_whole(self, text: str) -> LanguageResult:
        """The language of a whole document: as :meth:`detect`, but langdetect is asked
        from ``document_veto_min_letters`` letters on (once per document, so a short
        German or French release is told apart from ours; sections keep the higher
        ``veto_min_letters``, where the calls would cost most of the stage's time)."""
        return self.detect(text, int(self.thresholds["document_veto_min_letters"]))

    def detect_many(self, texts: Iterable[str],
                    veto_min_letters: int | None = None) -> list[LanguageResult]:
        texts = list(texts)
        out: list[LanguageResult] = []
        # Batches bound the n-gram index arrays (about 16 bytes per character) on big inputs;
        # results do not depend on the batching.
        for i in range(0, len(texts), _BATCH):
            batch = texts[i : i + _BATCH]
            probs, letters, fit = self.probabilities(batch)
            out.extend(
                self._decide(t, p, int(n), float(f), veto_min_letters)
                for t, p, n, f in zip(batch, probs, letters, fit)
            )
        return out


# The first guess, which picks the rules the sections are split with, reads this much.
FIRST_GUESS_CHARS = 3000
# An ISO 639-1/639-3 code as an input may give it ("de", "sme"); anything else is no code.
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")


@dataclass(frozen=True)
class LanguageDecision:
    """The language of a document, the rules that read it, and each section's language."""

    code: str
    confidence: float
    # The registry's rules language for ``code`` ("xx" for a language without rules).
    rule_lang: str
    # The section spans the decision was made on: the split with ``rule_lang``'s rules.
    spans: tuple[tuple[int, int], ...]
    # One code per span; a section too short or unsure to tell has the document's.
    section_codes: tuple[str, ...]
    # "lang_not_supported" / "lang_invalid" for an input language klynge cannot use.
    flags: tuple[str, ...] = ()


def decide_language(
    detector: LanguageDetector,
    text: str,
    given: str | None,
    split: Callable[[str], Sequence[tuple[int, int]]],
) -> LanguageDecision:
    """The language decision for one document, in one place.

    ``split(rule_lang)`` gives the section spans of ``text`` under a rules language's
    section rules (the runner passes the sections stage, which stays below us).

    * A ``given`` language outside the registry stands (a German release stays "de") and
      is flagged ``lang_not_supported``, and every section takes it, so none is read with
      another language's model; a value that is no language code is flagged
      ``lang_invalid`` and the language is detected. A registered ``given`` language
      stands and the sections are judged against it.
    * Otherwise a first guess on the opening picks the section rules, each section is
      detected, and the document is the language of most letters of the sections that
      could be told, whatever its code (:func:`_document_from_results`): a Nynorsk release
      with a shorter French paragraph is Nynorsk, the paragraph French. When the opening
      is in none of our languages (or cannot be told), the sections are asked of
      langdetect from as few letters as a whole document is, so a one-line German release
      stays German.
    * When the vote changes the rules language, the text is split again with the new
      language's rules and its sections are detected again, so sections and records are
      read with one language's rules.
    """
    reg = registry()
    flags: list[str] = []
    if given is not None and not reg.is_supported(given):
        flags.append("lang_not_supported" if LANGUAGE_CODE.fullmatch(given) else "lang_invalid")
        given = given if LANGUAGE_CODE.fullmatch(given) else None
    if given is not None:
        doc = LanguageResult(given, 1.0)
        rule_lang = reg.rules_language(given)
        spans = list(split(rule_lang))
        sections = (detect_sections(detector, text, spans, doc) if reg.is_supported(given)
                    else [doc] * len(spans))
        return _decision(detector, doc, rule_lang, spans, sections, flags)
    first = detector.detect_whole(text[:FIRST_GUESS_CHARS])
    rule_lang = reg.rules_language(first.code)
    spans = list(split(rule_lang))
    if not spans:
        return _decision(detector, first, rule_lang, spans, [], flags)
    veto_from = (None if reg.is_supported(first.code)
                 else int(detector.thresholds["document_veto_min_letters"]))
    results = detector.detect_many((text[s:e] for s, e in spans), veto_from)
    doc = _document_from_results(detector, text, spans, results, first)
    if reg.rules_language(doc.code) != rule_lang:
        rule_lang = reg.rules_language(doc.code)
        spans = list(split(rule_lang))
        results = detector.detect_many((text[s:e] for s, e in spans), veto_from)
    sections = _sections_from_results(detector, text, spans, results, doc)
    return _decision(detector, doc, rule_lang, spans, sections, flags)


def _decision(detector: LanguageDetector, doc: LanguageResult, rule_lang: str,
              spans: Sequence[tuple[int, int]], sections: Sequence[LanguageResult],
              flags: Sequence[str]) -> LanguageDecision:
    # A section that cannot be told (und) is read as the document.
    codes = tuple(r.code if r.code != detector.und else doc.code for r in sections)
    return LanguageDecision(doc.code, doc.confidence, rule_lang, tuple(spans), codes,
                            tuple(flags))


def detect_sections(
    detector: LanguageDetector,
    text: str,
    spans: Sequence[tuple[int, int]],
    doc_result: LanguageResult | None = None,
) -> list[LanguageResult]:
    """Language per section (``text[start:end]`` per span), in span order.

    A section that is short (fewer than ``section_min_letters`` letters) or not clearly in
    another language (confidence below ``section_min_confidence``) inherits the document's
    result: a heading or a caption is almost always in the language around it, and a
    guess on a few words would flip between nb and nn or nb and da. A section clearly in
    another language keeps its own code, so an English quote inside a Norwegian release
    stays ``en``.
    """
    results = detector.detect_many(text[s:e] for s, e in spans)
    if doc_result is None:
        doc_result = _document_from_results(detector, text, spans, results)
    return _sections_from_results(detector, text, spans, results, doc_result)


def _sections_from_results(
    detector: LanguageDetector,
    text: str,
    spans: Sequence[tuple[int, int]],
    results: list[LanguageResult],
    doc_result: LanguageResult,
) -> list[LanguageResult]:
    if doc_result.code == detector.und:
        return results
    th = detector.thresholds
    # In a document in a language we do not support, a section keeps one of ours only
    # when it is long enough for langdetect to have been asked: a short German heading
    # looks Danish to our model, and must not be read with a Danish model.
    foreign_doc = not registry().is_supported(doc_result.code)
    min_letters = th["veto_min_letters"] if foreign_doc else th["section_min_letters"]
    min_conf = th["section_min_confidence"]
    out = []
    for (s, e), res in zip(spans, results):
        if res.code == doc_result.code:
            out.append(res)
        elif (res.code == detector.und or _letters(text[s:e]) < min_letters
              or res.confidence < min_conf):
            out.append(doc_result)
        else:
            out.append(res)
    return out


def _letters(text: str) -> int:
    return sum(map(str.isalpha, text))  # the same count as a generator, in C


def _document_from_results(
    detector: LanguageDetector,
    text: str,
    spans: Sequence[tuple[int, int]],
    results: list[LanguageResult],
    fallback: LanguageResult | None = None,
) -> LanguageResult:
    """The language of most of the letters of the sections that could be told, whatever
    its code (a section may be "de" or "fr" as well as one of ours); when none could be,
    ``fallback`` (the judgement of the whole opening), else the whole text judged at once.

    Voting by letters rather than by section count keeps a release with many short
    English boilerplate lines (contact, links) Norwegian when its body is Norwegian.
    """
    letters: dict[str, int] = {}
    weight: dict[str, float] = {}
    total = 0
    for (s, e), res in zip(spans, results):
        if res.code != detector.und:
            n = _letters(text[s:e])
            letters[res.code] = letters.get(res.code, 0) + n
            weight[res.code] = weight.get(res.code, 0.0) + n * res.confidence
            total += n
    if not total:
        # No section could be told on its own: the text as a whole decides.
        return fallback if fallback is not None else detector.detect(text)
    # The winner's confidence is its letter-weighted mean confidence over every section
    # that voted: agreeing, sure sections give about their own confidence; sections in
    # other languages or unsure ones lower it (a share of the votes would give 1.0 to a
    # text whose sections all lean one way, however weakly). A tie goes to the registry's
    # order, then the code's: a total order on every code a section can get.
    preference = registry().preference
    code = min(letters, key=lambda c: (-letters[c], preference(c)))
    return LanguageResult(code, round(weight[code] / total, 4))
