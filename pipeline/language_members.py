"""The language detector's two outside members (klynge.language): langdetect's veto for
text in none of our languages, and py3langid's vote for texts our own model is unsure
about. Each loads what it reads when a first text asks for it (or when the runner warms
the detector), with the time budget's clock stopped (klynge.runner.guards.paused), and
publishes it whole, so that an interrupted load leaves nothing half-done.
"""
from __future__ import annotations

import math
import threading
from typing import Sequence

import numpy as np

from klynge.rules import registry
from klynge.runner.guards import paused


class LangDetectVeto:
    """Seeded langdetect, only asked whether a text is in a language outside ours."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loaded = False
        # Our languages under every code langdetect may use for them ("no": Norwegian).
        self._ours = registry().known_codes

    def warm(self) -> None:
        """Import langdetect and load its profiles now, not when a first text asks."""
        with paused(), self._lock:
            self._load_profiles()
            self._loaded = True

    @staticmethod
    def _load_profiles() -> None:
        try:
            from langdetect import detector_factory
        except ImportError:
            return
        if detector_factory._factory is not None:
            return
        # langdetect sets its factory first and fills it after: a time budget or a signal
        # inside that load left a half-read set of profiles for the rest of the process
        # (French read as Catalan). Built aside and published whole, it is either all
        # there or not at all, and the next call loads it again.
        factory = detector_factory.DetectorFactory()
        factory.load_profile(detector_factory.PROFILES_DIRECTORY)
        detector_factory._factory = factory

    def foreign_probability(self, text: str) -> tuple[str, float, float]:
        """(likeliest code outside ours, its probability, total probability outside ours),
        or ("", 0.0, 0.0)."""
        if not self._loaded:
            # The import and the profiles (about a second) on the first text that asks,
            # with the budget's clock stopped: no document's time, nothing left half-done.
            self.warm()
        try:
            from langdetect import DetectorFactory, detect_langs
            from langdetect.lang_detect_exception import LangDetectException
        except ImportError:  # optional at run time: without it no veto
            return "", 0.0, 0.0
        with self._lock:
            # langdetect samples n-grams at random; with a fixed seed each call starts a
            # fresh Random(0), so the answer is a function of the text alone. The lock
            # covers its lazy, not thread-safe, profile loading.
            DetectorFactory.seed = 0
            self._load_profiles()
            try:
                probs = detect_langs(text)
            except LangDetectException:
                return "", 0.0, 0.0
        ours = sum(p.prob for p in probs if p.lang in self._ours)
        foreign = [p for p in probs if p.lang not in self._ours]
        if not foreign:
            return "", 0.0, 0.0
        best = max(foreign, key=lambda p: (p.prob, p.lang))
        # langdetect says "zh-cn"; the output schema takes ISO 639 codes only.
        return best.lang.split("-")[0], best.prob, 1.0 - ours


class Py3LangidMember:
    """py3langid's naive Bayes restricted to our model's classes, as a second opinion.

    It was trained on far more Danish and Swedish than we have, which is where our own
    model is weakest. It is optional: without the package the detector is our model alone.
    Reading its model takes most of a second, nearly all of it LZMA decompression, which
    runs outside the GIL: :meth:`start` reads it in a thread of its own while the process
    goes on loading (spaCy's pipeline, the rules), and the first text that asks waits
    for it with the time budget's clock stopped (klynge.runner.guards.paused).
    """

    def __init__(self, labels: Sequence[str]) -> None:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier  # ImportError: not installed

        self._labels = tuple(labels)
        self._source = (LanguageIdentifier, MODEL_FILE)
        self._lock = threading.Lock()
        self._loaded: tuple[object, list[int]] | None = None
        self._reading: threading.Thread | None = None

    def start(self) -> None:
        """Begin reading the model in a thread (daemon: it never holds up an exit)."""
        with self._lock:
            if self._loaded is None and self._reading is None:
                self._reading = threading.Thread(target=self._read, daemon=True,
                                                 name="klynge-py3langid")
                self._reading.start()

    def _read(self) -> None:
        try:
            loaded = self._build()
        except Exception:  # noqa: BLE001 - _load reads it again and raises there
            return
        self._loaded = loaded  # published whole

    def _load(self) -> tuple[object, list[int]]:
        with paused():
            reading = self._reading
            if reading is not None:
                reading.join()
            with self._lock:
                if self._loaded is None:  # not started, or the thread failed
                    self._loaded = self._build()
                return self._loaded

    def _build(self) -> tuple[object, list[int]]:
        identifier, model_file = self._source
        ident = identifier.from_model_file(model_file)
        # Each class under py3langid's own code: the class's, else its first alias that
        # py3langid knows (its "no" is Bokmål in practice; it has "nn" of its own).
        reg = registry()

        def own_code(lang: str) -> str:
            entry = reg.entry(lang)
            names = [lang, *(entry.aliases if entry is not None else [])]
            return next((c for c in names if c in ident.nb_classes), lang)

        codes = [own_code(lang) for lang in self._labels]
        ident.set_languages(codes)
        return ident, [ident.nb_classes.index(c) for c in codes]

    def scores(self, text: str) -> np.ndarray:
        ident, order = self._loaded or self._load()
        enc = ident._encode(text)
        raw = np.asarray(ident._raw_score(enc), dtype=np.float64)[order]
        # Same sqrt-length temperature py3langid itself uses for its probabilities.
        return raw / math.sqrt(len(enc) or 1)
