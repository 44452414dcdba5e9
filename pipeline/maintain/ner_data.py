"""Training data for the Scandinavian NER model: the readers of NorNE (Bokmål, Nynorsk),
the Danish DDT NER files, the Swedish Webbnyheter NER files and the gold corpus' train
split, and their conversion into spaCy ``Doc`` objects with one label scheme.

The model keeps NorNE's eight types. The Danish and Swedish data have CoNLL's PER, ORG,
LOC and MISC: their PER and ORG are NorNE's PER and ORG, but their LOC covers NorNE's LOC,
GPE_LOC and GPE_ORG, and MISC covers PROD, EVT, DRV and more. Labelling a Danish city LOC
would teach the model that it is not a GPE_LOC, so the tokens of those entities are marked
*missing* (spaCy neither rewards nor punishes any prediction on them), and only PER/ORG
and the "outside" tokens are taught from these two data sets.
"""
from __future__ import annotations

import random
from pathlib import Path
from typing import Iterable, Iterator, NamedTuple

from spacy.tokens import Doc, Span
from spacy.training import biluo_tags_to_spans, iob_to_biluo
from spacy.training.iob_utils import tags_to_entities

# NorNE's eight types; the handful of MISC tags in NorNE train are dropped as "no entity".
NORNE_LABELS = ("PER", "ORG", "LOC", "GPE_LOC", "GPE_ORG", "PROD", "EVT", "DRV")
VARIETIES = ("nob", "nno")
SENTS_PER_DOC = 10  # batching unit only: consecutive sentences, in order
# CoNLL labels of the Danish/Swedish data: kept as they are, or their tokens left missing.
CONLL_KEPT = {"PER": "PER", "ORG": "ORG"}
CONLL_MISSING = ("LOC", "MISC")
MISSING = "-"  # a token whose entity annotation is unknown (spaCy's BILUO "-")


class Sentence(NamedTuple):
    source: str          # document the sentence comes from ("" when unknown)
    words: list[str]
    spaces: list[bool]
    tags: list[str]      # IOB2 entity tags, or MISSING
    pos: list[str]       # part-of-speech tags ("" when none)


# --- NorNE (CoNLL-U) ---------------------------------------------------------------------

def read_conllu(path: Path, with_pos: bool = False) -> Iterator[Sentence]:
    """Sentences of a NorNE CoNLL-U file. ``with_pos`` keeps the XPOS column (NDT's own
    tag set in NorNE's train file; dev/test carry other tags, so callers only ask it
    for train)."""
    source, words, spaces, tags, pos = "", [], [], [], []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if line.startswith("#"):
                if line.startswith("# source ="):
                    source = line.split("=", 1)[1].strip()
                continue
            if not line:
                if words:
                    yield Sentence(source, words, spaces, tags, pos)
                words, spaces, tags, pos = [], [], [], []
                continue
            cols = line.split("\t")
            if "-" in cols[0] or "." in cols[0]:
                continue  # multiword/empty nodes carry no entity tag
            misc = dict(kv.split("=", 1) for kv in cols[9].split("|") if "=" in kv)
            tag = misc.get("name", "O")
            if tag[2:] not in NORNE_LABELS:
                tag = "O"
            words.append(cols[1])
            spaces.append(misc.get("SpaceAfter") != "No")
            tags.append(tag)
            pos.append(cols[4] if with_pos and cols[4] != "_" else "")
    if words:
        yield Sentence(source, words, spaces, tags, pos)


def repair_iob(tags: list[str]) -> list[str]:
    """Turn an I- tag that follows O or another type into B- (IOB2 as iob_to_biluo wants)."""
    out, prev = [], "O"
    for tag in tags:
        if tag.startswith("I-") and (prev == "O" or prev[2:] != tag[2:]):
            tag = "B-" + tag[2:]
        out.append(tag)
        prev = tag
    return out


# --- Danish DDT (IOB2) and Swedish Webbnyheter (IO) two-column files ---------------------

def read_two_column(path: Path, io_tags: bool = False) -> Iterator[Sentence]:
    """Sentences of a token/tag file (blank line between sentences). ``io_tags``: the
    Swedish scheme, ``0`` for outside and the bare type inside (no B-), where a run of one
    type is one entity. A token line without a tag (line 90,310 of the Swedish train
    file holds a bare ``bn``) keeps its token with its annotation missing: nothing says
    what it is."""
    words, tags = [], []

    def flush():
        if words:
            yield Sentence("", list(words), [True] * len(words), _to_iob2(tags, io_tags), [""] * len(words))
        words.clear()
        tags.clear()

    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if not parts:
                yield from flush()
                continue
            words.append(parts[0])
            tags.append(parts[1] if len(parts) > 1 else MISSING)
    yield from flush()


def _to_iob2(tags: list[str], io_tags: bool) -> list[str]:
    if not io_tags:
        return repair_iob(["O" if t == "0" else t for t in tags])
    out, prev = [], "O"
    for tag in tags:
        if tag == MISSING:
            out.append(tag)
        elif tag in ("0", "O"):
            out.append("O")
        else:
            out.append(("I-" if prev == tag else "B-") + tag)
        prev = tag
    return out


def conll_to_norne(tags: list[str], fine_loc: dict[int, str] | None = None) -> list[str]:
    """IOB2 CoNLL tags in NorNE's scheme: PER/ORG kept, LOC/MISC tokens missing.
    ``fine_loc``: NorNE's label for a LOC entity, by the index of its first token
    (:func:`refine_loc`); a LOC entity it has no label for stays missing."""
    out = []
    start = -1  # first token of the LOC entity being read
    for i, tag in enumerate(repair_iob(tags) if fine_loc else tags):
        kind = tag[2:]
        if tag in ("O", MISSING):
            out.append(tag)
        elif kind in CONLL_KEPT:
            out.append(tag[:2] + CONLL_KEPT[kind])
        elif kind == "LOC" and fine_loc and (i if tag[0] == "B" else start) in fine_loc:
            start = i if tag[0] == "B" else start
            out.append(tag[:2] + fine_loc[start])
        elif kind in CONLL_MISSING:
            start = i if tag[0] == "B" else start
            out.append(MISSING)
        else:
            raise ValueError(f"unknown tag {tag!r}")
    return out


# NorNE's labels a CoNLL LOC can be; a LOC the teacher does not label as one of them is a
# GPE_LOC, the label of most places in news (of the LOC entities of Swedish train that the
# shipped scandi-ner labels as one of the three, 74 % are GPE_LOC: models/README.md).
LOC_FINE = ("LOC", "GPE_LOC", "GPE_ORG")
LOC_DEFAULT = "GPE_LOC"


def iob_entities(tags: list[str]) -> list[tuple[int, int, str]]:
    """(start, end, type) of each entity of IOB2 ``tags`` (an I- after another type, O or
    a missing token opens one; missing tokens are outside any entity)."""
    biluo = iob_to_biluo(repair_iob(_known(tags)))
    return [(start, end + 1, label) for label, start, end in tags_to_entities(biluo)]


def refine_loc(sentence: Sentence, predicted: dict[tuple[int, int], str]) -> dict[int, str]:
    """NorNE's label for each CoNLL LOC entity of ``sentence``: the teacher model's where
    it predicted that very span as LOC, GPE_LOC or GPE_ORG (``predicted``: span ->
    label), else GPE_LOC. CoNLL's LOC is NorNE's LOC + GPE_LOC + GPE_ORG, so the
    boundaries and the coarse type are the annotators' and only the fine type is the
    model's; leaving these tokens missing instead teaches no Danish or Swedish place at
    all, and the model then reads many of them as ORG or PER (models/README.md)."""
    out = {}
    for start, end, kind in iob_entities(sentence.tags):
        if kind == "LOC":
            label = predicted.get((start, end))
            out[start] = label if label in LOC_FINE else LOC_DEFAULT
    return out


def hold_out(sentences: list[Sentence], fraction: float, seed: int,
             per_doc: int = SENTS_PER_DOC) -> tuple[list[Sentence], list[Sentence]]:
    """(train, dev): a seeded ``fraction`` of blocks of ``per_doc`` consecutive sentences
    held out as dev (blocks, not sentences, so that neighbouring sentences of one news
    item rarely straddle the two)."""
    blocks = [sentences[i:i + per_doc] for i in range(0, len(sentences), per_doc)]
    order = list(range(len(blocks)))
    random.Random(seed).shuffle(order)
    dev_ids = set(order[:round(len(blocks) * fraction)])
    train = [s for i, b in enumerate(blocks) if i not in dev_ids for s in b]
    dev = [s for i, b in enumerate(blocks) if i in dev_ids for s in b]
    return train, dev


def drop_shared(train: list[Sentence], test: Iterable[Sentence]) -> list[Sentence]:
    """``train`` without the sentences that also occur in ``test`` (the Swedish files share
    17): a model is never trained on a test sentence."""
    seen = {tuple(s.words) for s in test}
    return [s for s in train if tuple(s.words) not in seen]


# --- Doc building ------------------------------------------------------------------------

def sentences_to_docs(vocab, sentences: Iterable[Sentence], per_doc: int = SENTS_PER_DOC,
                      fold: bool = False) -> Iterator[Doc]:
    """Group consecutive sentences of one source document into spaCy Docs with entities
    (and part-of-speech tags where the sentences have them). ``fold``: the gold in the
    benchmark's folded PER/ORG/LOC scheme instead of the training scheme."""
    group: list[Sentence] = []
    last_source = None
    for sent in sentences:
        if group and (len(group) >= per_doc or sent.source != last_source):
            yield make_doc(vocab, group, fold)
            group = []
        group.append(sent)
        last_source = sent.source
    if group:
        yield make_doc(vocab, group, fold)


def make_doc(vocab, group: list[Sentence], fold: bool = False) -> Doc:
    words, spaces, tags, pos, starts = [], [], [], [], []
    for sent in group:
        starts.append(len(words))
        words += sent.words
        spaces += sent.spaces[:-1] + [True]
        tags += sent.tags
        pos += sent.pos
    doc = Doc(vocab, words=words, spaces=spaces)
    if fold:
        tags = [fold_tag(t) for t in tags]
    set_iob_with_missing(doc, tags)
    for i, token in enumerate(doc):
        token.is_sent_start = i in starts
        if pos[i]:
            token.tag_ = pos[i]
    return doc


def _known(tags: list[str]) -> list[str]:
    """``tags`` with each missing token read as outside (for building the entities)."""
    return [t if t != MISSING else "O" for t in tags]


def set_iob_with_missing(doc: Doc, tags: list[str]) -> None:
    """Set ``doc``'s entities from IOB2 tags where MISSING marks unknown tokens."""
    ents = biluo_tags_to_spans(doc, iob_to_biluo(repair_iob(_known(tags))))
    missing = [Span(doc, i, i + 1) for i, t in enumerate(tags) if t == MISSING]
    doc.set_ents(ents, missing=missing, default="outside")


# --- the one folding of the benchmark ----------------------------------------------------
# Every data set and every model label onto CoNLL's PER/ORG/LOC; None drops the label.
FOLDED = ("PER", "ORG", "LOC")
FOLD: dict[str, str | None] = {
    # NorNE / this model
    "PER": "PER", "ORG": "ORG", "LOC": "LOC", "GPE_LOC": "LOC", "GPE_ORG": "LOC",
    "PROD": None, "EVT": None, "DRV": None, "MISC": None,
    # OntoNotes models (en_core_web_sm and the like)
    "PERSON": "PER", "GPE": "LOC", "FAC": "LOC", "NORP": None,
}


def fold_label(label: str) -> str | None:
    return FOLD.get(label)


def fold_tag(tag: str) -> str:
    """An IOB2 tag in the folded scheme (a dropped label becomes O)."""
    if tag in ("O", MISSING):
        return tag
    kind = FOLD.get(tag[2:])
    return tag[:2] + kind if kind else "O"
