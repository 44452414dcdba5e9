"""Training the Norwegian NER model from NorNE (``klynge train-ner``).

Training lives apart from the run-time stages: it converts NorNE's CoNLL-U files into
spaCy ``DocBin`` files and calls spaCy's own trainer with a committed config, so a model
can be rebuilt with one command and a fixed seed.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Iterable, Iterator

import spacy
from spacy.tokens import Doc, DocBin
from spacy.training import iob_to_biluo, biluo_tags_to_spans

log = logging.getLogger(__name__)

# NorNE's eight types; the handful of MISC tags in train are dropped as "no entity".
NORNE_LABELS = ("PER", "ORG", "LOC", "GPE_LOC", "GPE_ORG", "PROD", "EVT", "DRV")
VARIETIES = ("nob", "nno")
# The training configs live beside the trainer (not in the models package).
DEFAULT_CONFIG = Path(__file__).resolve().parent / "configs" / "nb-ner.cfg"
SENTS_PER_DOC = 10  # batching unit only: sentences of one NDT document, in order


def read_conllu(path: Path) -> Iterator[tuple[str, list[str], list[bool], list[str]]]:
    """Yield (source, words, spaces, iob_tags) per sentence of a NorNE CoNLL-U file."""
    source, words, spaces, tags = "", [], [], []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if line.startswith("#"):
                if line.startswith("# source ="):
                    source = line.split("=", 1)[1].strip()
                continue
            if not line:
                if words:
                    yield source, words, spaces, tags
                words, spaces, tags = [], [], []
                continue
            cols = line.split("\t")
            if "-" in cols[0] or "." in cols[0]:
                continue  # multiword/empty nodes carry no entity tag
            misc = dict(
                kv.split("=", 1) for kv in cols[9].split("|") if "=" in kv
            )
            tag = misc.get("name", "O")
            if tag[2:] not in NORNE_LABELS:
                tag = "O"
            words.append(cols[1])
            spaces.append(misc.get("SpaceAfter") != "No")
            tags.append(tag)
    if words:
        yield source, words, spaces, tags


def sentences_to_docs(nlp, sentences: Iterable, per_doc: int = SENTS_PER_DOC) -> Iterator[Doc]:
    """Group consecutive sentences of one source document into spaCy Docs with entities."""
    group: list = []
    last_source = None
    for sent in sentences:
        if group and (len(group) >= per_doc or sent[0] != last_source):
            yield _make_doc(nlp, group)
            group = []
        group.append(sent)
        last_source = sent[0]
    if group:
        yield _make_doc(nlp, group)


def _make_doc(nlp, group) -> Doc:
    words, spaces, tags, starts = [], [], [], []
    for _, w, s, t in group:
        starts.append(len(words))
        words += w
        spaces += s[:-1] + [True]
        tags += t
    doc = Doc(nlp.vocab, words=words, spaces=spaces)
    doc.ents = biluo_tags_to_spans(doc, iob_to_biluo(_repair_iob(tags)))
    for i, token in enumerate(doc):
        token.is_sent_start = i in starts
    return doc


def _repair_iob(tags: list[str]) -> list[str]:
    """Turn an I- tag that follows O or another type into B- (IOB2 as iob_to_biluo wants)."""
    out, prev = [], "O"
    for tag in tags:
        if tag.startswith("I-") and (prev == "O" or prev[2:] != tag[2:]):
            tag = "B-" + tag[2:]
        out.append(tag)
        prev = tag
    return out


def convert(norne_dir: Path, out_dir: Path, varieties: Iterable[str] = VARIETIES) -> dict[str, Path]:
    """Write train/dev/test DocBins for the given varieties; returns the written paths."""
    nlp = spacy.blank("nb")
    out_dir.mkdir(parents=True, exist_ok=True)
    written = {}
    for variety in varieties:
        for split in ("train", "dev", "test"):
            src = norne_dir / variety / f"{split}.conllu"
            docs = list(sentences_to_docs(nlp, read_conllu(src)))
            path = out_dir / f"{variety}-{split}.spacy"
            DocBin(docs=docs, store_user_data=False).to_disk(path)
            written[f"{variety}-{split}"] = path
            log.info("%s: %d docs", path, len(docs))
    # Train and tune on both varieties together; test stays per variety for reporting.
    for split in ("train", "dev"):
        merged = DocBin(store_user_data=False)
        for variety in varieties:
            merged.merge(DocBin().from_disk(written[f"{variety}-{split}"]))
        path = out_dir / f"all-{split}.spacy"
        merged.to_disk(path)
        written[f"all-{split}"] = path
    return written


def evaluate_model(model_path: Path, docbins: dict[str, Path]) -> dict:
    """spaCy's own scorer (``nlp.evaluate``) per variety and split: P/R/F overall and per label."""
    from spacy.training import Example

    nlp = spacy.load(model_path)
    out = {}
    for key, path in sorted(docbins.items()):
        if key.startswith("all-"):
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


def train(norne_dir: Path, config: Path, work: Path, out: Path, *,
          max_steps: int | None = None, seed: int = 0) -> dict:
    """Convert NorNE, train with spaCy's trainer, copy model-best to ``out`` and record
    the dev/test scores in its ``meta.json``. Returns those scores."""
    from spacy.cli.train import train as spacy_train

    data = convert(norne_dir, work / "data")
    overrides = {"paths.train": str(data["all-train"]), "paths.dev": str(data["all-dev"]),
                 "system.seed": seed}
    if max_steps:
        overrides["training.max_steps"] = max_steps
    spacy_train(config, work / "output", overrides=overrides)
    return package_model(work / "output" / "model-best", data, out)


def package_model(best: Path, data: dict[str, Path], out: Path) -> dict:
    """Copy a trained pipeline to ``out`` with its NorNE dev/test scores in meta.json."""
    import json
    import shutil

    scores = evaluate_model(best, data)
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(best, out)
    meta_path = out / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta.update({"name": "nb_ner", "version": "1.0.0", "lang": "nb",
                 "description": "Norwegian (Bokmål + Nynorsk) NER trained on NorNE by klynge",
                 "license": "CC0 annotations (NorNE); see models/README.md",
                 "klynge_scores": scores})
    meta_path.write_text(json.dumps(meta, indent=2, ensure_ascii=False), encoding="utf-8")
    return scores
