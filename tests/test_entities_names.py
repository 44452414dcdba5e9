"""The lexicon policy of the entity merge: a name the document's lexicon knows, or whose
own words make it a body, beats the model's label ("names_first"); "cover" keeps the old
behaviour (lexical spans only win where they cover the model's)."""
from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Span

import klynge.entities  # noqa: F401  (registers the components)
from klynge.entities import LEXICON_POLICIES, entity_patterns, payload


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
