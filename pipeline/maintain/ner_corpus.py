"""The gold corpus' press releases as NER training data (in-domain: no public corpus has
cluster secretariats, ministries and trade press of 2020s Norway, Denmark and Sweden).

Only the ``train`` split is ever converted here: dev tunes the rules and test is reported.
The corpus labels are klynge's, not NorNE's, so they are mapped (``CORPUS_TO_NORNE``):

- PER, ORG, LOC, PROD, EVT, DRV are NorNE's labels of the same name (the corpus
  guidelines follow NorNE's: institutions ORG, venues LOC, laws and reports PROD);
- GPE has no one NorNE label: NorNE splits it into GPE_LOC (a place) and GPE_ORG (a
  country or municipality acting as a body), and the corpus keeps "X kommune" GPE even
  where it acts. Mapping it to GPE_LOC would teach that no GPE ever acts, so its tokens
  are left *missing*: the model's GPE comes from NorNE;
- MONEY, DATE, URL, EMAIL, PHONE are no named entities in NorNE's scheme (the rules find
  them): their tokens are outside (O), as NorNE's numbers and dates are.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator, Sequence

from spacy.tokens import Doc, Span

from klynge.maintain.corpus import iter_gold, with_texts

CORPUS_TO_NORNE: dict[str, str | None] = {
    "PER": "PER", "ORG": "ORG", "LOC": "LOC", "PROD": "PROD", "EVT": "EVT", "DRV": "DRV",
    "GPE": None,  # missing
    "MONEY": "O", "DATE": "O", "URL": "O", "EMAIL": "O", "PHONE": "O",
}
# The Scandinavian model reads these; English releases go to the English pipeline.
SCANDINAVIAN = ("nb", "nn", "da", "sv")


def corpus_docs(corpus: Path, split: str, texts: Sequence[Path], vocab,
                languages: Sequence[str] = SCANDINAVIAN) -> Iterator[Doc]:
    """Docs of ``split`` in ``languages`` with entities in NorNE's scheme. External texts
    come from ``texts`` (checked against their hash); a document without its text is
    skipped, so a run without the folders trains on the bundled texts only."""
    import spacy

    tokenizer = spacy.blank("nb", vocab=vocab).tokenizer
    docs, _skipped = with_texts(corpus, iter_gold(corpus, split), list(texts) or None)
    for gold in docs:
        if gold.meta.lang in languages:
            yield gold_doc(tokenizer(gold.text), [(s.start, s.end, s.label) for s in gold.spans])


def gold_doc(doc: Doc, spans: Sequence[tuple[int, int, str]]) -> Doc:
    """``doc`` with the corpus spans as entities; a span that is not on token boundaries,
    or whose label has no NorNE counterpart, leaves its tokens missing."""
    ents, missing = [], []
    for start, end, label in spans:
        target = CORPUS_TO_NORNE[label]
        if target == "O":
            continue
        span = doc.char_span(start, end, label=target or "", alignment_mode="strict")
        if span is None or target is None:
            loose = doc.char_span(start, end, alignment_mode="expand")
            if loose is not None:
                missing.append(loose)
            continue
        ents.append(span)
    # Expanded missing spans may overlap an entity next to them: missing wins there.
    taken = {i for m in missing for i in range(m.start, m.end)}
    ents = [e for e in ents if not taken & set(range(e.start, e.end))]
    doc.set_ents(ents, missing=[Span(doc, i, i + 1) for i in sorted(taken)], default="outside")
    return doc
