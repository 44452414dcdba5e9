"""Training the Scandinavian NER model (``klynge train-ner``).

Training lives apart from the run-time stages: it converts NorNE (Bokmål, Nynorsk), the
Danish DDT NER files, the Swedish Webbnyheter NER files and the gold corpus' train split
into spaCy ``DocBin`` files (``ner_data``, ``ner_corpus``) and calls spaCy's own trainer
with a committed config, so the model is rebuilt with one command and a fixed seed.
"""
from __future__ import annotations

import json
import logging
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import spacy
from spacy.tokens import Doc, DocBin

from klynge.maintain.ner_data import (
    NORNE_LABELS, VARIETIES, Sentence, conll_to_norne, drop_shared, hold_out, read_conllu,
    read_two_column, refine_loc, sentences_to_docs,
)

log = logging.getLogger(__name__)

# The training configs live beside the trainer (not in the models package).
CONFIGS = Path(__file__).resolve().parent / "configs"
DEFAULT_CONFIG = CONFIGS / "scandi-ner.cfg"
# The same architecture with tok2vec and ner sourced from a trained pipeline (--init).
WARM_CONFIG = CONFIGS / "scandi-ner-warm.cfg"
LANGUAGES = ("nob", "nno", "da", "sv")  # data-set keys; "corpus" is the in-domain one
DDT_FILES = {"train": "da_ddt-ud-ner-train-10k.conll", "dev": "da_ddt-ud-ner-dev.conll",
             "test": "da_ddt-ud-ner-test.conll"}
SV_FILES = {"train": "train_corpus.txt", "test": "test_corpus.txt"}
SV_DEV_FRACTION = 0.1  # of the Swedish train blocks, held out (seeded) as its dev set


@dataclass
class Sources:
    """Where the training data is; every one but NorNE may be left out."""
    norne: Path | None = None
    ddt: Path | None = None
    swedish: Path | None = None
    corpus: Path | None = None
    texts: Sequence[Path] = field(default_factory=tuple)
    # A trained NorNE-scheme pipeline that gives the Danish/Swedish LOC entities NorNE's
    # fine label (ner_data.refine_loc); None leaves their tokens missing.
    loc_teacher: Path | None = None


def _write(docs, path: Path) -> Path:
    DocBin(docs=list(docs), store_user_data=False).to_disk(path)
    return path


def convert(src: Sources, out_dir: Path, seed: int = 0) -> dict[str, Path]:
    """Write ``<set>-<split>.spacy`` DocBins in the training scheme; returns their paths.
    Keys: nob/nno/da/sv/corpus - train/dev/test (corpus: train and dev; its test split is
    never read here)."""
    vocab = spacy.blank("nb").vocab
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    if src.norne:
        for variety in VARIETIES:
            for split in ("train", "dev", "test"):
                # NDT part-of-speech tags only in train (the auxiliary tagger's labels).
                sents = read_conllu(src.norne / variety / f"{split}.conllu",
                                    with_pos=split == "train")
                written[f"{variety}-{split}"] = _write(
                    sentences_to_docs(vocab, sents), out_dir / f"{variety}-{split}.spacy")
    to_norne = _conll_converter(src.loc_teacher)
    if src.ddt:
        for split, name in DDT_FILES.items():
            sents = to_norne(list(read_two_column(src.ddt / name)))
            written[f"da-{split}"] = _write(sentences_to_docs(vocab, sents),
                                            out_dir / f"da-{split}.spacy")
    if src.swedish:
        test = list(read_two_column(src.swedish / SV_FILES["test"], io_tags=True))
        train = drop_shared(list(read_two_column(src.swedish / SV_FILES["train"],
                                                 io_tags=True)), test)
        train, dev = hold_out(train, SV_DEV_FRACTION, seed)
        for split, sents in (("train", train), ("dev", dev), ("test", test)):
            sents = to_norne(sents)
            written[f"sv-{split}"] = _write(sentences_to_docs(vocab, sents),
                                            out_dir / f"sv-{split}.spacy")
    if src.corpus:
        from klynge.maintain.ner_corpus import corpus_docs
        # train is trained on; dev only picks the best step (as the public dev sets do)
        for split in ("train", "dev"):
            docs = corpus_docs(src.corpus, split, src.texts, vocab)
            written[f"corpus-{split}"] = _write(docs, out_dir / f"corpus-{split}.spacy")
    for k, v in sorted(written.items()):
        log.info("%s: %d docs", v, len(DocBin().from_disk(v)))
    return written


def _conll_converter(teacher: Path | None):
    """The Danish/Swedish sentences in NorNE's scheme: LOC tokens missing, or (with a
    ``teacher`` pipeline) LOC entities with the fine label ``refine_loc`` gives them."""
    if teacher is None:
        return lambda sents: [s._replace(tags=conll_to_norne(s.tags)) for s in sents]
    nlp = spacy.load(teacher, exclude=["tagger", "parser", "lemmatizer"])

    def convert_sentences(sents: list[Sentence]) -> list[Sentence]:
        docs = nlp.pipe(Doc(nlp.vocab, words=s.words, spaces=s.spaces) for s in sents)
        return [s._replace(tags=conll_to_norne(s.tags, refine_loc(
                    s, {(e.start, e.end): e.label_ for e in doc.ents})))
                for s, doc in zip(sents, docs)]
    return convert_sentences


def merge(data: dict[str, Path], split: str, sets: Sequence[str], out: Path,
          repeat: dict[str, int] | None = None) -> Path:
    """One DocBin of ``split`` from ``sets``; ``repeat`` up-weights a small set by copying
    its documents that many times (train only)."""
    merged = DocBin(store_user_data=False)
    for name in sets:
        key = f"{name}-{split}"
        if key in data:
            part = DocBin().from_disk(data[key])
            for _ in range((repeat or {}).get(name, 1) if split == "train" else 1):
                merged.merge(part)
    merged.to_disk(out)
    return out


def evaluate_model(model_path: Path, docbins: dict[str, Path]) -> dict:
    """spaCy's own scorer (``nlp.evaluate``) per data set and split, in the training scheme
    (tokens marked missing are not scored): P/R/F overall and per label."""
    from spacy.training import Example

    nlp = spacy.load(model_path)
    out = {}
    for key, path in sorted(docbins.items()):
        if key.endswith("-train"):
            continue
        gold = list(DocBin().from_disk(path).get_docs(nlp.vocab))
        examples = [Example(nlp.make_doc(d.text), d) for d in gold]
        scores = nlp.evaluate(examples)
        out[key] = {
            "p": round(scores["ents_p"], 4), "r": round(scores["ents_r"], 4),
            "f": round(scores["ents_f"], 4),
            "per_type": {k: {m: round(v, 4) for m, v in s.items()}
                         for k, s in sorted((scores.get("ents_per_type") or {}).items())},
        }
    return out


def train(src: Sources, config: Path, work: Path, out: Path | None, *,
          sets: Sequence[str] | None = None, repeat: dict[str, int] | None = None,
          max_steps: int | None = None, seed: int = 0, init: Path | None = None,
          overrides: dict | None = None) -> dict:
    """Convert the data, train with spaCy's trainer on the train splits of ``sets``
    (default: every converted set), pick the best step on their dev splits, and copy it to
    ``out`` with its dev/test scores in ``meta.json``. ``init``: a trained pipeline of the
    same architecture to continue from (``WARM_CONFIG``). Returns the scores."""
    from spacy.cli.train import train as spacy_train

    data = convert(src, work / "data", seed)
    sets = list(sets or [s for s in (*LANGUAGES, "corpus") if f"{s}-train" in data])
    train_path = merge(data, "train", sets, work / "data" / "train.spacy", repeat)
    dev_path = merge(data, "dev", sets, work / "data" / "dev.spacy")
    cfg = {"paths.train": str(train_path), "paths.dev": str(dev_path), "system.seed": seed}
    if max_steps:
        cfg["training.max_steps"] = max_steps
    if init:
        cfg["paths.init_model"] = str(init)
    cfg.update(overrides or {})
    spacy_train(config, work / "output", overrides=cfg)
    best = work / "output" / "model-best"
    scored = {k: v for k, v in data.items() if k.split("-")[0] in sets}
    if out is None:
        return evaluate_model(best, scored)
    info = {"sets": sets, "repeat": repeat or {}, "seed": seed, "config": config.name,
            "max_steps": cfg.get("training.max_steps"), "init": str(init) if init else None,
            "loc_teacher": str(src.loc_teacher) if src.loc_teacher else None}
    return package_model(best, scored, out, info)


def package_model(best: Path, data: dict[str, Path], out: Path, info: dict) -> dict:
    """Copy a trained pipeline to ``out`` (without the auxiliary tagger, which only shaped
    the shared encoder during training) with its dev/test scores in meta.json."""
    nlp = spacy.load(best)
    if "tagger" in nlp.pipe_names:
        nlp.remove_pipe("tagger")
    if out.exists():
        shutil.rmtree(out)
    nlp.meta.update({
        "name": "scandi_ner", "version": "1.0.0", "lang": "nb",
        "description": "Scandinavian (Bokmål, Nynorsk, Danish, Swedish) NER trained by "
                       "klynge on NorNE, DDT NER, Swedish Webbnyheter NER and the gold "
                       "corpus' train split",
        "license": "CC BY-SA 4.0 (derived from the Danish DDT); see models/README.md",
    })
    nlp.to_disk(out)
    scores = evaluate_model(out, data)
    meta_path = out / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta.update({"klynge_training": info, "klynge_scores": scores})
    meta_path.write_text(json.dumps(meta, indent=2, ensure_ascii=False), encoding="utf-8")
    return scores


__all__ = ["NORNE_LABELS", "Sources", "convert", "train", "evaluate_model", "package_model"]
