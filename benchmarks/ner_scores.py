"""Scores any spaCy NER model folder (or installed package) on the Bokmål, Nynorsk, Danish
and Swedish test sets with one label folding, so two models can be compared:

    python benchmarks/ner_scores.py --model models/scandi-ner --norne ../shared/data/norne \
        --ddt ../shared/data/ner-da --swedish ../shared/data/ner-sv [--split dev] [--json X] \
        [--corpus corpus --texts ../shared/press-releases/web --texts ../shared/press-releases/nordic]

Folding (``klynge.maintain.ner_data.FOLD``): PER, ORG, LOC kept; NorNE's GPE_LOC and
GPE_ORG (and OntoNotes' GPE, FAC) are LOC; MISC, PROD, EVT, DRV (and NORP) are dropped
from gold and predictions alike. A predicted span counts when its characters and folded
label equal a gold span's. For NorNE it also prints spaCy's own all-labels score
(``nlp.evaluate``, as ``spacy evaluate``) on NorNE's eight labels. ``--split dev`` scores
the dev sets (the Swedish one is the seeded hold-out of train that ``klynge train-ner``
uses), which is what every choice was tuned on; test is only reported.
"""
from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

import spacy
from spacy.training import Example

from klynge.maintain.ner_data import (
    FOLDED, VARIETIES, drop_shared, fold_label, hold_out, read_conllu, read_two_column,
    sentences_to_docs,
)
from klynge.maintain.train_ner import DDT_FILES, SV_DEV_FRACTION, SV_FILES


def gold_sets(args) -> dict[str, list]:
    """Sentences per language for the chosen split, in their own tag schemes."""
    out = {}
    if args.norne:
        for variety in VARIETIES:
            out[variety] = list(read_conllu(args.norne / variety / f"{args.split}.conllu"))
    if args.ddt:
        out["da"] = list(read_two_column(args.ddt / DDT_FILES[args.split]))
    if args.swedish:
        test = list(read_two_column(args.swedish / SV_FILES["test"], io_tags=True))
        if args.split == "test":
            out["sv"] = test
        else:
            train = drop_shared(list(read_two_column(args.swedish / SV_FILES["train"],
                                                     io_tags=True)), test)
            out["sv"] = hold_out(train, SV_DEV_FRACTION, args.seed)[1]
    return out


def corpus_sets(args) -> dict[str, list]:
    """The gold corpus' Scandinavian releases of the split, one (text, spans) per document
    with the corpus labels folded as the public sets' (GPE is LOC)."""
    from klynge.maintain.corpus import iter_gold, with_texts
    from klynge.maintain.ner_corpus import SCANDINAVIAN

    docs, _ = with_texts(args.corpus, iter_gold(args.corpus, args.split), args.texts or None)
    out: dict[str, list] = {}
    for doc in docs:
        if doc.meta.lang in SCANDINAVIAN:
            spans = {(s.start, s.end, CORPUS_FOLD[s.label]) for s in doc.spans
                     if CORPUS_FOLD.get(s.label)}
            out.setdefault(f"corpus-{doc.meta.lang}", []).append((doc.text, spans))
    return out


# Corpus labels (klynge's scheme) in the folded PER/ORG/LOC scheme.
CORPUS_FOLD = {"PER": "PER", "ORG": "ORG", "LOC": "LOC", "GPE": "LOC"}


def prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f": round(f, 4), "n": tp + fn}


def folded_scores(nlp, sentences) -> dict:
    gold_docs = list(sentences_to_docs(nlp.vocab, sentences, fold=True))
    return span_scores(nlp, [(d.text, {(e.start_char, e.end_char, e.label_) for e in d.ents})
                             for d in gold_docs])


def span_scores(nlp, gold: list[tuple[str, set]]) -> dict:
    """Per-label and micro P/R/F of exact (start, end, folded label) matches."""
    tp, fp, fn = Counter(), Counter(), Counter()
    for (text, g), pred in zip(gold, nlp.pipe((t for t, _ in gold), batch_size=16)):
        p = {(e.start_char, e.end_char, fold_label(e.label_)) for e in pred.ents
             if fold_label(e.label_) in FOLDED}
        for *_, label in g & p:
            tp[label] += 1
        for *_, label in p - g:
            fp[label] += 1
        for *_, label in g - p:
            fn[label] += 1
    out = {label: prf(tp[label], fp[label], fn[label]) for label in FOLDED}
    out["micro"] = prf(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    return out


def all_labels_score(nlp, sentences) -> dict:
    """spaCy's scorer on NorNE's own labels (what ``spacy evaluate`` prints)."""
    docs = list(sentences_to_docs(nlp.vocab, sentences))
    s = nlp.evaluate([Example(nlp.make_doc(d.text), d) for d in docs])
    return {"p": round(s["ents_p"], 4), "r": round(s["ents_r"], 4), "f": round(s["ents_f"], 4)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True, help="model folder or installed package name")
    ap.add_argument("--norne", type=Path)
    ap.add_argument("--ddt", type=Path)
    ap.add_argument("--swedish", type=Path)
    ap.add_argument("--split", choices=("dev", "test"), default="test")
    ap.add_argument("--corpus", type=Path,
                    help="also score the gold corpus' nb/nn/da/sv releases of the split")
    ap.add_argument("--texts", type=Path, action="append", default=[],
                    help="folder with the corpus' external texts (repeatable)")
    ap.add_argument("--seed", type=int, default=0, help="seed of the Swedish dev hold-out")
    ap.add_argument("--json", type=Path, help="also write the scores here")
    args = ap.parse_args()
    nlp = spacy.load(args.model)
    results: dict = {"model": args.model, "split": args.split, "languages": {}}
    print(f"{args.model} ({args.split})")
    print(f"{'set':5} {'label':6} {'P':>6} {'R':>6} {'F':>6} {'gold':>6}")
    sets = gold_sets(args)
    if args.corpus:
        sets.update(corpus_sets(args))
    for name, sents in sets.items():
        scores = span_scores(nlp, sents) if name.startswith("corpus") else folded_scores(nlp, sents)
        if name in VARIETIES:
            scores["all_labels"] = all_labels_score(nlp, sents)
        results["languages"][name] = scores
        for label in (*FOLDED, "micro"):
            s = scores[label]
            print(f"{name:5} {label:6} {s['p']:6.3f} {s['r']:6.3f} {s['f']:6.3f} {s['n']:6d}")
        if "all_labels" in scores:
            s = scores["all_labels"]
            print(f"{name:5} {'all':6} {s['p']:6.3f} {s['r']:6.3f} {s['f']:6.3f}   (NorNE labels)")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
