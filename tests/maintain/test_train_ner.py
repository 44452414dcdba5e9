"""NorNE conversion and the committed Norwegian NER model (CI never trains)."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import spacy

from klynge.resources import model_dir
from klynge.maintain.train_ner import NORNE_LABELS, _repair_iob, read_conllu, sentences_to_docs

CONLLU = """# sent_id = 1
# text = Iselin Nybø besøkte IFE i Halden.
1\tIselin\tIselin\tPROPN\t_\t_\t0\t_\t_\tname=B-PER
2\tNybø\tNybø\tPROPN\t_\t_\t1\t_\t_\tname=I-PER
3\tbesøkte\tbesøke\tVERB\t_\t_\t0\t_\t_\tname=O
4\tIFE\tIFE\tPROPN\t_\t_\t3\t_\t_\tname=B-ORG
5\ti\ti\tADP\t_\t_\t6\t_\t_\tname=O
6\tHalden\tHalden\tPROPN\t_\t_\t3\t_\t_\tSpaceAfter=No|name=B-GPE_LOC
7\t.\t.\tPUNCT\t_\t_\t3\t_\t_\tname=O

"""

PLACES = {"LOC", "GPE_LOC", "GPE_ORG"}
SHARED_DEV = Path(os.environ.get("KLYNGE_NORNE", Path(__file__).resolve().parents[3] / "shared" / "data" / "norne"))


@pytest.fixture(scope="module")
def nlp():
    return spacy.load(model_dir("nb-ner"))


def test_train_ner_reads_conllu_with_spacing(tmp_path):
    path = tmp_path / "x.conllu"
    path.write_text(CONLLU, encoding="utf-8")
    [(_, words, spaces, tags)] = list(read_conllu(path))
    assert words[:2] == ["Iselin", "Nybø"] and spaces[5] is False
    doc = next(sentences_to_docs(spacy.blank("nb"), [("s", words, spaces, tags)]))
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("Iselin Nybø", "PER"), ("IFE", "ORG"), ("Halden", "GPE_LOC")]


@pytest.mark.parametrize("tags,expected", [
    (["O", "I-PER", "I-PER"], ["O", "B-PER", "I-PER"]),
    (["B-ORG", "I-PER"], ["B-ORG", "B-PER"]),
    (["B-LOC", "I-LOC", "O"], ["B-LOC", "I-LOC", "O"]),
])
def test_train_ner_repairs_iob(tags, expected):
    assert _repair_iob(tags) == expected


def test_train_ner_model_has_the_eight_norne_labels(nlp):
    assert set(nlp.get_pipe("ner").labels) == set(NORNE_LABELS)
    meta = json.loads((model_dir("nb-ner") / "meta.json").read_text(encoding="utf-8"))
    assert meta["klynge_scores"]["nob-test"]["f"] > 0.7


@pytest.mark.parametrize("text,expected", [
    ("– Dette er et viktig steg, sier næringsminister Iselin Nybø.", ("Iselin Nybø", "PER")),
    ("Innovasjon Norge er ansvarlig for å forvalte ordningen.", ("Innovasjon Norge", "ORG")),
    ("Cluster for Applied AI har utgangspunkt i Halden.", ("Halden", "PLACE")),
    ("Statsminister Erna Solberg besøkte Bergen i går.", ("Erna Solberg", "PER")),
    # Nynorsk
    ("– Det er eit nytt program, seier kommunal- og regionalminister Erna Solberg.",
     ("Erna Solberg", "PER")),
    ("Regjeringa føreslår å bruke pengar på Innovasjon Noreg og Noregs forskingsråd.",
     ("Innovasjon Noreg", "ORG")),
    ("Ho budde i Bergen og arbeidde for Statoil.", ("Bergen", "PLACE")),
])
def test_train_ner_model_finds_entities_in_fixed_sentences(nlp, text, expected):
    # NorNE itself splits places between LOC and GPE_LOC by use; either is a hit here.
    found = {(e.text, "PLACE" if e.label_ in PLACES else e.label_) for e in nlp(text).ents}
    assert expected in found, found


@pytest.mark.skipif(not (SHARED_DEV / "nob" / "dev.conllu").exists(),
                    reason="NorNE not beside the checkout (it is in CI)")
@pytest.mark.parametrize("variety,floor", [("nob", 0.70), ("nno", 0.68)])
def test_train_ner_model_scores_above_floor_on_dev_slice(nlp, variety, floor):
    from spacy.training import Example
    sents = list(read_conllu(SHARED_DEV / variety / "dev.conllu"))[:400]
    docs = list(sentences_to_docs(nlp, sents))
    scores = nlp.evaluate([Example(nlp.make_doc(d.text), d) for d in docs])
    assert scores["ents_f"] > floor
