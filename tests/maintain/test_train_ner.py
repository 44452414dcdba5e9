"""The NER training data conversion and the committed Scandinavian NER model (CI never
trains)."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import spacy

from klynge.resources import model_dir
from klynge.maintain.ner_corpus import gold_doc
from klynge.maintain.ner_data import (
    MISSING, NORNE_LABELS, Sentence, conll_to_norne, drop_shared, hold_out, read_conllu,
    read_two_column, refine_loc, repair_iob, sentences_to_docs,
)

CONLLU = """# sent_id = 1
# text = Iselin Nybø besøkte IFE i Halden.
1\tIselin\tIselin\tPROPN\tsubst_prop\t_\t0\t_\t_\tname=B-PER
2\tNybø\tNybø\tPROPN\tsubst_prop\t_\t1\t_\t_\tname=I-PER
3\tbesøkte\tbesøke\tVERB\t_\t_\t0\t_\t_\tname=O
4\tIFE\tIFE\tPROPN\t_\t_\t3\t_\t_\tname=B-ORG
5\ti\ti\tADP\t_\t_\t6\t_\t_\tname=O
6\tHalden\tHalden\tPROPN\t_\t_\t3\t_\t_\tSpaceAfter=No|name=B-GPE_LOC
7\t.\t.\tPUNCT\t_\t_\t3\t_\t_\tname=O

"""
# Swedish scheme: IO tags, 0 for outside; the bare "bn" line has no tag (as in the data).
SWEDISH = "Anna\tPER\nLind\tPER\nbesökte\t0\nbn\nVolvo\tORG\ni\t0\nGöteborg\tLOC\n.\t0\n\n"

PLACES = {"LOC", "GPE_LOC", "GPE_ORG"}
SHARED_DEV = Path(os.environ.get("KLYNGE_NORNE", Path(__file__).resolve().parents[3] / "shared" / "data" / "norne"))
MODEL = "scandi-ner"


@pytest.fixture(scope="module")
def nlp():
    return spacy.load(model_dir(MODEL))


def test_train_ner_reads_conllu_with_spacing(tmp_path):
    path = tmp_path / "x.conllu"
    path.write_text(CONLLU, encoding="utf-8")
    [sent] = list(read_conllu(path, with_pos=True))
    assert sent.words[:2] == ["Iselin", "Nybø"] and sent.spaces[5] is False
    assert sent.pos[:3] == ["subst_prop", "subst_prop", ""]  # XPOS; "_" is no tag
    doc = next(sentences_to_docs(spacy.blank("nb").vocab, [sent]))
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("Iselin Nybø", "PER"), ("IFE", "ORG"), ("Halden", "GPE_LOC")]
    assert doc[0].tag_ == "subst_prop"


@pytest.mark.parametrize("tags,expected", [
    (["O", "I-PER", "I-PER"], ["O", "B-PER", "I-PER"]),
    (["B-ORG", "I-PER"], ["B-ORG", "B-PER"]),
    (["B-LOC", "I-LOC", "O"], ["B-LOC", "I-LOC", "O"]),
])
def test_train_ner_repairs_iob(tags, expected):
    assert repair_iob(tags) == expected


def test_train_ner_swedish_io_runs_become_entities_and_untagged_token_is_missing(tmp_path):
    path = tmp_path / "sv.txt"
    path.write_text(SWEDISH, encoding="utf-8")
    [sent] = list(read_two_column(path, io_tags=True))
    assert sent.tags == ["B-PER", "I-PER", "O", MISSING, "B-ORG", "O", "B-LOC", "O"]
    doc = next(sentences_to_docs(spacy.blank("sv").vocab,
                                 [sent._replace(tags=conll_to_norne(sent.tags))]))
    # PER/ORG taught; the LOC (a city: NorNE would say GPE_LOC) and the bare token missing
    assert [(e.text, e.label_) for e in doc.ents] == [("Anna Lind", "PER"), ("Volvo", "ORG")]
    assert [t.ent_iob_ for t in doc] == ["B", "I", "O", "", "B", "O", "", "O"]


# Danish (DDT dev) and Swedish sentences with CoNLL LOC: the teacher's fine label where it
# found the very span as a place, GPE_LOC where it found another span or called it ORG.
@pytest.mark.parametrize("words,tags,predicted,expected", [
    (["Mødet", "i", "København", "og", "Nordsøen"], ["O", "O", "B-LOC", "O", "B-LOC"],
     {(2, 3): "GPE_LOC", (4, 5): "LOC"}, ["O", "O", "B-GPE_LOC", "O", "B-LOC"]),
    (["Uppsala", "kommun", "satsar", "i", "Stockholms", "län"],
     ["B-LOC", "I-LOC", "O", "O", "B-LOC", "I-LOC"],
     {(0, 2): "GPE_ORG", (4, 5): "GPE_LOC"},
     ["B-GPE_ORG", "I-GPE_ORG", "O", "O", "B-GPE_LOC", "I-GPE_LOC"]),
    (["Malmö", "och", "Volvo"], ["B-LOC", "O", "B-ORG"], {(0, 1): "ORG", (2, 3): "ORG"},
     ["B-GPE_LOC", "O", "B-ORG"]),
])
def test_train_ner_teacher_gives_conll_loc_norne_fine_label(words, tags, predicted, expected):
    sent = Sentence("", words, [True] * len(words), tags, [""] * len(words))
    assert conll_to_norne(tags, refine_loc(sent, predicted)) == expected


@pytest.mark.parametrize("tags,fine,expected", [
    # an I- after O, after a missing token and after another type opens an entity
    (["O", "I-LOC", "I-LOC"], {1: "GPE_LOC"}, ["O", "B-GPE_LOC", "I-GPE_LOC"]),
    (["-", "I-LOC"], {1: "LOC"}, ["-", "B-LOC"]),
    (["B-PER", "I-LOC", "B-MISC", "I-LOC"], {1: "GPE_ORG", 3: "LOC"},
     ["B-PER", "B-GPE_ORG", MISSING, "B-LOC"]),
    (["B-LOC", "-", "I-LOC"], {0: "GPE_LOC", 2: "LOC"}, ["B-GPE_LOC", "-", "B-LOC"]),
])
def test_train_ner_teacher_labels_follow_repaired_iob(tags, fine, expected):
    sent = Sentence("", ["w"] * len(tags), [True] * len(tags), tags, [""] * len(tags))
    assert set(refine_loc(sent, {})) == set(fine)  # the same entity starts as refine_loc's
    assert conll_to_norne(tags, fine) == expected


def test_train_ner_without_teacher_label_loc_stays_missing():
    # MISC is never refined; a LOC left out of the mapping keeps its tokens missing
    assert conll_to_norne(["B-LOC", "I-LOC", "B-MISC", "B-PER"], {5: "LOC"}) == [
        MISSING, MISSING, MISSING, "B-PER"]


def test_train_ner_refuses_a_loc_teacher_that_is_no_pipeline(tmp_path, capsys):
    from klynge.cli import main
    for variety in ("nob", "nno"):
        (tmp_path / "norne" / variety).mkdir(parents=True)
        for split in ("train", "dev", "test"):
            (tmp_path / "norne" / variety / f"{split}.conllu").write_text(CONLLU)
    (tmp_path / "teacher").mkdir()
    code = main(["train-ner", "--norne", str(tmp_path / "norne"), "--loc-teacher",
                 str(tmp_path / "teacher"), "--work", str(tmp_path / "w"),
                 "--out", str(tmp_path / "o")])
    assert code == 2
    assert "--loc-teacher" in capsys.readouterr().err and not (tmp_path / "w").exists()


def test_train_ner_folding_keeps_conll_loc_for_the_benchmark(tmp_path):
    path = tmp_path / "sv.txt"
    path.write_text(SWEDISH, encoding="utf-8")
    doc = next(sentences_to_docs(spacy.blank("sv").vocab, read_two_column(path, io_tags=True),
                                 fold=True))
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("Anna Lind", "PER"), ("Volvo", "ORG"), ("Göteborg", "LOC")]


def test_train_ner_holdout_is_seeded_and_disjoint():
    sents = [Sentence("", [f"w{i}"], [True], ["O"], [""]) for i in range(200)]
    train, dev = hold_out(sents, 0.1, seed=0)
    assert hold_out(sents, 0.1, seed=0) == (train, dev)
    assert len(dev) == 20 and not {s.words[0] for s in train} & {s.words[0] for s in dev}
    assert drop_shared(train, dev[:3] + train[:2]) == train[2:]


def test_train_ner_corpus_gpe_is_missing_and_money_outside():
    nlp = spacy.blank("nb")
    text = "Halden kommune og IFE fikk 5 millioner kroner."
    doc = gold_doc(nlp.make_doc(text), [(0, 14, "GPE"), (18, 21, "ORG"), (27, 45, "MONEY")])
    assert [(e.text, e.label_) for e in doc.ents] == [("IFE", "ORG")]
    assert [t.ent_iob_ for t in doc][:2] == ["", ""]
    assert all(t.ent_iob_ == "O" for t in doc[5:])


def test_train_ner_model_has_the_eight_norne_labels(nlp):
    assert set(nlp.get_pipe("ner").labels) == set(NORNE_LABELS)
    assert "tagger" not in nlp.pipe_names  # the auxiliary tagger is not shipped
    meta = json.loads((model_dir(MODEL) / "meta.json").read_text(encoding="utf-8"))
    assert meta["klynge_scores"]["nob-test"]["f"] > 0.7


# One real-world sentence per language, written for this test (not from any training set):
# each names a person and an organisation. The two marked xfail were written first and
# show known errors of the model (models/README.md), kept so that a fix is noticed.
KNOWN_ERROR = pytest.mark.xfail(strict=True, reason="known model error (models/README.md)")


@pytest.mark.parametrize("lang,text,person,org", [
    ("nb", "Ordfører Anne Hagenborg sier at Statkraft er viktig for Bergen.",
     "Anne Hagenborg", "Statkraft"),
    ("nn", "Kommunal- og distriktsminister Sigbjørn Gjelsvik opna det nye kontoret til "
           "Innovasjon Noreg i Førde.", "Sigbjørn Gjelsvik", "Innovasjon Noreg"),
    ("da", "Direktør Lars Sandahl Sørensen fra Dansk Industri mener, at regeringen skal "
           "handle nu.", "Lars Sandahl Sørensen", "Dansk Industri"),
    ("sv", "Vinnovas generaldirektör Darja Isaksson besökte Ericsson i Kista i tisdags.",
     "Darja Isaksson", "Ericsson"),
    # "Equinor" is read as a place (GPE_LOC), as the NorNE-only model did
    pytest.param("nb", "– Dette er en viktig dag for norsk industri, sier konsernsjef "
                       "Anders Opedal i Equinor.", "Anders Opedal", "Equinor",
                 marks=KNOWN_ERROR),
    # "Novo Nordisk" is read as a person, as the NorNE-only model did
    pytest.param("da", "Erhvervsminister Morten Bødskov besøgte onsdag Novo Nordisk i "
                       "Kalundborg.", "Morten Bødskov", "Novo Nordisk", marks=KNOWN_ERROR),
])
def test_train_ner_model_finds_a_person_and_an_organisation_in_each_language(
        nlp, lang, text, person, org):
    found = {(e.text, e.label_) for e in nlp(text).ents}
    assert (person, "PER") in found and (org, "ORG") in found, (lang, found)


@pytest.mark.parametrize("text,expected", [
    # The NorNE-only model found this place; the Scandinavian one reads "Halden" as ORG
    # here (a regression, models/README.md).
    pytest.param("Cluster for Applied AI har utgangspunkt i Halden.", ("Halden", "PLACE"),
                 marks=KNOWN_ERROR),
    ("Ho budde i Bergen og arbeidde for Statoil.", ("Bergen", "PLACE")),
    ("Styreleder Kari Nordmann i Innovasjon Norge besøkte Trondheim.", ("Trondheim", "PLACE")),
])
def test_train_ner_model_finds_places(nlp, text, expected):
    # NorNE itself splits places between LOC and GPE_LOC by use; either is a hit here.
    found = {(e.text, "PLACE" if e.label_ in PLACES else e.label_) for e in nlp(text).ents}
    assert expected in found, found


@pytest.mark.skipif(not (SHARED_DEV / "nob" / "dev.conllu").exists(),
                    reason="NorNE not beside the checkout (it is in CI)")
@pytest.mark.parametrize("variety,floor", [("nob", 0.70), ("nno", 0.68)])
def test_train_ner_model_scores_above_floor_on_dev_slice(nlp, variety, floor):
    from spacy.training import Example
    sents = list(read_conllu(SHARED_DEV / variety / "dev.conllu"))[:400]
    docs = list(sentences_to_docs(nlp.vocab, sents))
    scores = nlp.evaluate([Example(nlp.make_doc(d.text), d) for d in docs])
    assert scores["ents_f"] > floor
