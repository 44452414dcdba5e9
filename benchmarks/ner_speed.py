"""Words per second of the Scandinavian NER pipeline alone (tokenizer + tok2vec + ner), one
process, over NorNE test text. Usage:

    python benchmarks/ner_speed.py --norne ../shared/data/norne [--model models/scandi-ner]
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import spacy

from klynge.resources import model_dir
from klynge.maintain.ner_data import read_conllu


def texts(norne: Path) -> list[str]:
    out = []
    for variety in ("nob", "nno"):
        for split in ("dev", "test"):
            for sent in read_conllu(norne / variety / f"{split}.conllu"):
                out.append("".join(w + (" " if s else "")
                                   for w, s in zip(sent.words, sent.spaces)))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--norne", required=True, type=Path)
    ap.add_argument("--model", type=Path, default=None)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    nlp = spacy.load(args.model or model_dir("scandi-ner"))
    sents = texts(args.norne)
    # Batch sentences into paragraph-sized docs, as the pipeline sees release text.
    docs = [" ".join(sents[i:i + 10]) for i in range(0, len(sents), 10)]
    n_words = sum(len(nlp.make_doc(d)) for d in docs)
    best = float("inf")
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        for _ in nlp.pipe(docs, batch_size=64):
            pass
        best = min(best, time.perf_counter() - t0)
    print(json.dumps({"model": str(args.model or model_dir("scandi-ner")), "docs": len(docs),
                      "words": n_words, "seconds": round(best, 2),
                      "words_per_second": round(n_words / best)}))


if __name__ == "__main__":
    main()
