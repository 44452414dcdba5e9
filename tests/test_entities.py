"""The entity stage: registered components, the merge policy, language routing."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import spacy
from spacy.tokens import Span

import klynge.entities  # noqa: F401  (registers the components)
from klynge.entities import EntityItem, MERGE_POLICIES, payload as entity_payload


@pytest.fixture(scope="module")
def blank_nb():
    nlp = spacy.blank("nb")
    nlp.add_pipe("klynge_rule_spans")
    nlp.add_pipe("klynge_merge_entities")
    return nlp


def _doc(nlp, text, lang="nb", base=None):
    doc = nlp.make_doc(text)
    doc._.klynge_lang = lang
    doc._.klynge_base_date = base
    return nlp(doc)


@pytest.mark.parametrize("text,label,surface,value", [
    ("For 2021 er det budsjettert med 217 millioner kroner til klyngeprogrammet.", "MONEY",
     "217 millioner kroner", "217000000"),
    ("Regjeringa føreslår å bruke 34,5 millionar kroner til programmet.", "MONEY",
     "34,5 millionar kroner", "34500000"),
    ("Norway will provide NOK 75 million to Liberia.", "MONEY", "NOK 75 million", "75000000"),
    ("Publisert: 19. november 2020", "DATE", "19. november 2020", "2020-11-19"),
    ("For mer informasjon, se http://www.innovasjonnorge.no/nic.", "URL",
     "http://www.innovasjonnorge.no/nic", None),
])
def test_entities_rule_spans_from_data_patterns(blank_nb, text, label, surface, value):
    lang = "en" if text.startswith("Norway") else ("nn" if "føreslår" in text else "nb")
    doc = _doc(blank_nb, text, lang)
    spans = [s for s in doc.spans["entities"] if s.label_ == label]
    assert spans, [(s.text, s.label_) for s in doc.spans["entities"]]
    payload = entity_payload(spans[0])
    assert payload["source"].startswith("rule:")
    assert text[payload["start"]:payload["end"]] == surface
    if label == "MONEY":
        assert Decimal(payload["value"]) == Decimal(value)
    elif value is not None:
        assert payload["value"] == value


def test_entities_relative_date_uses_published_date_not_clock(blank_nb):
    doc = _doc(blank_nb, "Regjeringen utnevnte i dag nye næringsklynger.", "nb",
               dt.date(2020, 11, 19))
    values = [entity_payload(s)["value"] for s in doc.spans["entities"] if s.label_ == "DATE"]
    assert values == ["2020-11-19"]


def test_entities_rules_first_policy_drops_overlapping_model_span(blank_nb):
    doc = blank_nb.make_doc("Norge gir NOK 75 millioner til Liberia.")
    model = [Span(doc, 2, 3, label="ORG"), Span(doc, 0, 1, label="GPE")]
    rules = [Span(doc, 2, 5, label="MONEY")]
    merged = MERGE_POLICIES["rules_first"](model, rules)
    assert [(s.text, s.label_) for s in merged] == [("Norge", "GPE"),
                                                      ("NOK 75 millioner", "MONEY")]


def test_entities_unknown_policy_is_an_error():
    nlp = spacy.blank("nb")
    with pytest.raises(ValueError, match="unknown merge policy"):
        nlp.add_pipe("klynge_merge_entities", config={"policy": "whatever"})


@pytest.mark.parametrize("text,lang,expected", [
    ("– Vi er svært glade, sier næringsminister Iselin Nybø.", "nb", ("Iselin Nybø", "PER")),
    ("– Det er eit nytt program, seier kommunal- og regionalminister Erna Solberg.", "nn",
     ("Erna Solberg", "PER")),
    ("Foreign Minister Børge Brende said Norway will help Liberia.", "en", ("Børge Brende", "PER")),
])
def test_entities_model_finds_people(entity_stage, text, lang, expected):
    res = entity_stage.annotate([EntityItem(text=text, lang=lang)])[0]
    assert expected in [(e["text"], e["label"]) for e in res.entities]


def test_entities_english_section_in_norwegian_text_uses_english_pipeline(entity_stage):
    nb = "Utenriksminister Børge Brende besøkte Liberia i dag.\n"
    en = "Foreign Minister Børge Brende said the Government will give NOK 75 million.\n"
    text = nb + en
    item = EntityItem(text=text, lang="nb", foreign=[(len(nb), len(text), "en")])
    res = entity_stage.annotate([item])[0]
    for e in res.entities:
        assert text[e["start"]:e["end"]] == e["text"]
    money = [e for e in res.entities if e["label"] == "MONEY"]
    assert money and money[0]["start"] >= len(nb)
    assert money[0]["currency"] == "NOK"


def test_entities_sentences_break_at_lines(entity_stage):
    text = "Høy kvalitet\nEkspertene har vurdert 24 kandidater."
    res = entity_stage.annotate([EntityItem(text=text, lang="nb")])[0]
    start, end = res.sentences[0]
    assert text[start:end].strip() == "Høy kvalitet"


@pytest.mark.parametrize("text,expected", [
    ("Høy kvalitet\nEkspertene har vurdert 24 kandidater.", ["Høy kvalitet", "Ekspertene har vurdert 24 kandidater."]),
    ("Det sier dr. Raj Shah. Ca. 300 søkte.", ["Det sier dr. Raj Shah.", "Ca. 300 søkte."]),
    # regression: initials split names ("Frode O. Andersen") when the sentencizer was replaced
    ("Foto: Frode O. Andersen, UD. Neste setning.", ["Foto: Frode O. Andersen, UD.", "Neste setning."]),
    ("– Vi er glade, sier Nybø. – Det er viktig.", ["– Vi er glade, sier Nybø.", "– Det er viktig."]),
])
def test_entities_sentence_starts(entity_stage, text, expected):
    res = entity_stage.annotate([EntityItem(text=text, lang="nb")])[0]
    assert [text[a:b] for a, b in res.sentences] == expected


@pytest.mark.parametrize("text,surface,rule_id", [
    ("Regjeringen Stoltenberg II la fram planen i går.", "Regjeringen Stoltenberg II",
     "org.government_named"),
    ("Innovasjon Norge støtter klyngen.", "Innovasjon Norge", None),
])
def test_entities_lexical_spans_name_their_rule(entity_stage, text, surface, rule_id):
    # Regression: SpanRuler spans were emitted with source "model".
    res = entity_stage.annotate([EntityItem(text=text, lang="nb")])[0]
    hit = [e for e in res.entities if e["text"] == surface]
    assert hit, res.entities
    assert hit[0]["source"].startswith("rule:")
    if rule_id:
        assert hit[0]["source"] == f"rule:{rule_id}"
