"""The entity stage: registered components, the merge policy, language routing."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import spacy
from spacy.tokens import Span

import klynge.entities  # noqa: F401  (registers the components)
from klynge.document import AnnotatedDocument
from klynge.entities import MERGE_POLICIES, payload as entity_payload
from klynge.sections import Section
from klynge.entities import LEXICON_POLICIES, entity_patterns, payload


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
    res = entity_stage.annotate([AnnotatedDocument(text=text, lang=lang)])[0]
    assert expected in [(e["text"], e["label"]) for e in res.entities]


def test_entities_english_section_in_norwegian_text_uses_english_pipeline(entity_stage):
    nb = "Utenriksminister Børge Brende besøkte Liberia i dag.\n"
    en = "Foreign Minister Børge Brende said the Government will give NOK 75 million.\n"
    text = nb + en
    doc = AnnotatedDocument(text=text, lang="nb", sections=(
        Section("paragraph", 0, len(nb)), Section("paragraph", len(nb), len(text))),
        section_langs=("nb", "en"))
    assert entity_stage.foreign_sections(doc) == [(len(nb), len(text), "en")]
    res = entity_stage.annotate([doc])[0]
    for e in res.entities:
        assert text[e["start"]:e["end"]] == e["text"]
    money = [e for e in res.entities if e["label"] == "MONEY"]
    assert money and money[0]["start"] >= len(nb)
    assert money[0]["currency"] == "NOK"


def test_entities_none_in_navigation_or_boilerplate_sections(entity_stage):
    nav = "Forsiden > Aktuelt > Innovasjon Norge\n"
    body = "Innovasjon Norge støtter klyngen.\n"
    text = nav + body
    doc = AnnotatedDocument(text=text, lang="nb", sections=(
        Section("navigation", 0, len(nav)), Section("paragraph", len(nav), len(text))),
        section_langs=("nb", "nb"))
    res = entity_stage.annotate([doc])[0]
    assert res.entities and all(e["start"] >= len(nav) for e in res.entities)
    # the document comes back whole, with what the entity stage added
    assert (res.text, res.sections, res.section_langs) == (doc.text, doc.sections, doc.section_langs)


def test_entities_sentences_break_at_lines(entity_stage):
    text = "Høy kvalitet\nEkspertene har vurdert 24 kandidater."
    res = entity_stage.annotate([AnnotatedDocument(text=text, lang="nb")])[0]
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
    res = entity_stage.annotate([AnnotatedDocument(text=text, lang="nb")])[0]
    assert [text[a:b] for a, b in res.sentences] == expected


@pytest.mark.parametrize("text,surface,rule_id", [
    ("Regjeringen Stoltenberg II la fram planen i går.", "Regjeringen Stoltenberg II",
     "org.government_named"),
    ("Innovasjon Norge støtter klyngen.", "Innovasjon Norge", None),
])
def test_entities_lexical_spans_name_their_rule(entity_stage, text, surface, rule_id):
    # Regression: SpanRuler spans were emitted with source "model".
    res = entity_stage.annotate([AnnotatedDocument(text=text, lang="nb")])[0]
    hit = [e for e in res.entities if e["text"] == surface]
    assert hit, res.entities
    assert hit[0]["source"].startswith("rule:")
    if rule_id:
        assert hit[0]["source"] == f"rule:{rule_id}"


# --------------------------------------------------------------------------- lexicon policy
# The lexicon policy of the entity merge: a name the document's lexicon knows, or whose
# own words make it a body, beats the model's label ("names_first"); "cover" keeps the old
# behaviour (lexical spans only win where they cover the model's).
def _nlp(lexicon: str, policy: str = "rules_first"):
    nlp = spacy.blank("nb")
    ruler = nlp.add_pipe("span_ruler", name="klynge_entity_ruler",
                         config={"spans_key": "ruler", "phrase_matcher_attr": "ORTH"})
    ruler.add_patterns(entity_patterns(["nb"]))
    nlp.add_pipe("klynge_rule_spans")
    nlp.add_pipe("klynge_merge_entities", config={"policy": policy, "lexicon": lexicon})
    return nlp


def _run(nlp, text: str, model: list[tuple[str, str]]):
    """Runs the pipeline with the given (surface, label) spans standing in for the model."""
    doc = nlp.make_doc(text)
    ents = []
    for surface, label in model:
        start = text.index(surface)
        ents.append(doc.char_span(start, start + len(surface), label=label))
    doc.ents = ents
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    return [(s.text, s.label_, payload(s)["source"]) for s in doc.spans["entities"]]


@pytest.fixture(scope="module", params=["rules_first", "longest"])
def names_first(request):
    return _nlp("names_first", request.param)


@pytest.mark.parametrize("text,surface,rule", [
    # the last word makes a name a body
    ("Kontrakten gikk til Ulstein Group i fjor.", "Ulstein Group", "names.org_head"),
    ("For eksempel får Lerøy Seafood seks millioner kroner.", "Lerøy Seafood", "names.org_head"),
    ("Klosser innovasjon (tidligere Hedmark Kunnskapspark) er administrasjon.",
     "Hedmark Kunnskapspark", "names.org_head"),
    ("Statsråden besøker Wärtsilä Moss AS i dag.", "Wärtsilä Moss AS", "names.org_head"),
    # the words before it do
    ("Arena-klyngen Blue Legasea har 48 medlemmer.", "Blue Legasea", "names.org_context"),
    ("De fremmøtte på årsmøtet til foreningen Media Region Bergen fikk en gjennomgang.",
     "Media Region Bergen", "names.org_context"),
])
def test_entities_names_first_body_words_beat_a_model_person(names_first, text, surface, rule):
    got = _run(names_first, text, [(surface, "PER")])
    assert (surface, "ORG", f"rule:{rule}") in got


def test_entities_names_first_known_name_without_status_prefix(names_first):
    text = ("NCE Maritime CleanTech er sertifisert. – Vi er glade, seier dagleg leiar "
            "Hege Økland i Maritime CleanTech.")
    got = _run(names_first, text, [("Maritime CleanTech.", "PER"), ("Hege Økland", "PER")])
    assert ("NCE Maritime CleanTech", "ORG", "rule:org.cluster.status_prefix") in got
    assert ("Maritime CleanTech", "ORG", "rule:names.known") in got
    assert ("Hege Økland", "PER", "model") in got


def test_entities_names_first_known_name_fills_a_gap(names_first):
    text = "GCE Ocean Technology ble etablert. Ocean Technology har nå 120 partnere."
    got = _run(names_first, text, [])
    assert ("Ocean Technology", "ORG", "rule:names.known") in got


def test_entities_names_first_one_word_is_never_filled(names_first):
    # "Subsea" from "GCE Subsea" is a common word too
    got = _run(names_first, "GCE Subsea er en klynge. Subsea er viktig.", [])
    assert [g[0] for g in got] == ["GCE Subsea"]


@pytest.mark.parametrize("text,surface", [
    ("Han er leder i Ola Nordmann nå.", "Ola Nordmann"),
    ("Turen gikk til Bergen i går.", "Bergen"),
])
def test_entities_names_first_leaves_other_names_alone(names_first, text, surface):
    label = "PER" if surface.startswith("Ola") else "GPE"
    got = _run(names_first, text, [(surface, label)])
    assert [g[1] for g in got if g[0] == surface] == [label]


def test_entities_cover_policy_keeps_the_model_label():
    got = _run(_nlp("cover"), "Kontrakten gikk til Ulstein Group i fjor.",
               [("Ulstein Group", "PER")])
    assert ("Ulstein Group", "PER", "model") in got


def test_entities_lexicon_policies_are_named():
    assert set(LEXICON_POLICIES) == {"names_first", "cover"}
    with pytest.raises(ValueError, match="unknown lexicon policy"):
        spacy.blank("nb").add_pipe("klynge_merge_entities", config={"lexicon": "whatever"})


@pytest.mark.parametrize("text,expected", [
    ("Arena NOW ønsker å skape en ledende klynge.", ["Arena NOW"]),
    ("Arena Smart City fikk status i fjor.", ["Arena Smart City"]),
    ("Programmet har nivåene Arena Pro og Arena.", []),
    ("Klyngen het tidligere Arena Hedner-klyngen.", []),
])
def test_entities_arena_prefix_names_are_organisations(names_first, text, expected):
    got = _run(names_first, text, [])
    assert [g[0] for g in got if g[1] == "ORG"] == expected


@pytest.mark.parametrize("surface", ["Arena Pro", "Arena", "Klyngeprogrammet"])
def test_entities_bare_programme_levels_are_never_entities(names_first, surface):
    text = f"En status som {surface} gir grunnfinansiering."
    assert _run(names_first, text, [(surface, "PER")]) == []


@pytest.mark.parametrize("word,is_head", [
    ("ASA", True), ("AS", True), ("ApS", True), ("GmbH", True),   # legal suffixes, names.yaml
    ("Group", True), ("Kunnskapspark", True),                      # labels.yaml's heads
    ("Halden", False),
])
def test_entities_org_heads_are_labels_heads_and_legal_suffixes(word, is_head):
    from klynge.entities import LabelMaps, _org_heads
    from klynge.rules import load_rules
    heads = load_rules("shared", "labels.yaml", LabelMaps).names.org_heads
    assert (word in _org_heads(tuple(heads))) is is_head


@pytest.mark.parametrize("text,key", [
    ("Equinor’s", "Equinor"), ("Equinor's", "Equinor"), ("Siemens’", "Siemens"), ("IFEs", "IFEs"),
])
def test_entities_name_key_drops_apostrophe_genitives(text, key):
    from klynge.entities import _name_key
    assert _name_key(text) == key


def test_sentence_starts_skip_runs_of_blank_lines_to_the_next_visible_character():
    # Issue 23.11: the walk over a run of blank lines is linear now (benchmarks/
    # blank_lines.py measures it); the starts are those of a walk from each line start.
    from klynge.entities import Sentences
    starts = Sentences(None, "klynge_sentences").starts
    text = "Tittel\n\n" + "\n \n\t\n" * 50 + "  Neste linje. Og så\n\n\n"
    assert starts(text) == [0, text.index("Neste"), text.index("Og så")]
    assert starts("\n\n\n") == [] and starts("a\n\n\nb") == [0, 4]


def test_entities_a_pipeline_not_loaded_says_what_it_holds_as_the_loaded_one(processor):
    # issue #26: a pipeline loads when its first text comes, but the provenance names
    # every model and has_ner is asked for every document, loaded or not: both are read
    # from the model's meta.json, which must say what the loaded pipeline says.
    from klynge.entities import EntityStage
    lazy = EntityStage.load()
    for name, nlp in processor.entity_stage.pipelines.items():
        meta = lazy.model_meta(name)
        assert (meta is not None) == ("ner" in nlp.pipe_names), name
        if meta is not None:
            assert (meta["name"], meta["version"]) == (nlp.meta["name"], nlp.meta["version"])
    assert lazy._loaded == {}
