"""klynge as a spaCy pipeline (klynge.spacy_api): doc.ents and doc._.klynge against
klynge.extract, serialisation, and the components spaCy finds through entry points."""
from __future__ import annotations

import ast
import importlib.metadata
import subprocess
import sys

import pytest
import spacy
from spacy import displacy
from spacy.tokens import Doc
from spacy.util import filter_spans

import klynge
from klynge.schema import dumps

from .conftest import ROOT, SEED

ENGLISH = ROOT / "corpus" / "texts" / "1999-en-nok-100-million-oil-gas-technology.txt"


@pytest.fixture(scope="module")
def nb():
    return klynge.nlp("nb")


@pytest.fixture(scope="module")
def seed_text() -> str:
    # CRLF and a no-break space: the tokenizer must normalise as ingest does.
    return SEED.read_text(encoding="utf-8").replace("\n", "\r\n").replace(" kroner", "\u00a0kroner")


def test_spacy_api_doc_holds_the_record_of_extract(nb, seed_text):
    doc = nb(seed_text)
    record = doc._.klynge
    assert dumps(record) == dumps(klynge.extract(seed_text, lang="nb"))
    assert {"normalised_line_endings", "replaced_nbsp"} <= set(record.flags)
    assert doc.text == record.text
    spans = [(e.start, e.end, e.label) for e in record.entities]
    assert [(s.start_char, s.end_char, s.label_) for s in doc.spans["entities"]] == spans
    assert list(doc.ents) == filter_spans(list(doc.spans["entities"]))
    assert len(doc.ents) >= len(spans) - 2  # only token-level overlaps are left out
    assert [s.label_ for s in doc.spans["sections"]] == [s.kind for s in record.sections]
    assert record.clusters and record.people and record.amounts and record.dates


def test_spacy_api_displacy_shows_the_record(nb, seed_text):
    doc = nb(seed_text)
    html = displacy.render(doc, style="ent", jupyter=False)
    for person in doc._.klynge.people:
        assert person.name.split()[-1] in html
    sections = displacy.render(doc, style="span", options={"spans_key": "sections"},
                               jupyter=False)
    assert "dateline" in sections


def test_spacy_api_pipe_and_serialisation(nb, seed_text, tmp_path):
    texts = [seed_text, "Siva gir 5 millioner kroner til NCE Raufoss.", "   "]
    docs = list(nb.pipe(texts, batch_size=2))
    assert [d._.klynge.status for d in docs] == ["ok", "ok", "error"]
    assert [dumps(d._.klynge) for d in docs] == [dumps(nb(t)._.klynge) for t in texts]
    again = Doc(nb.vocab).from_bytes(docs[0].to_bytes())
    assert dumps(again._.klynge) == dumps(docs[0]._.klynge)
    nb.to_disk(tmp_path / "nb")
    loaded = spacy.load(tmp_path / "nb")
    assert loaded.pipe_names == ["klynge_record"]
    assert dumps(loaded(seed_text)._.klynge) == dumps(docs[0]._.klynge)


def test_spacy_api_detects_the_language_when_lang_is_none():
    text = ENGLISH.read_text(encoding="utf-8")
    doc = klynge.nlp(None)(text)
    assert doc._.klynge.language.code == "en"
    assert dumps(doc._.klynge) == dumps(klynge.extract(text))


def test_spacy_api_record_component_refuses_unnormalised_text():
    nlp = spacy.blank("nb")
    nlp.add_pipe("klynge_record", config={"lang": "nb"})
    assert nlp("Siva gir 5 millioner kroner.")._.klynge.status == "ok"
    with pytest.raises(ValueError, match="normalised"):
        nlp("Siva gir\r\n5 millioner kroner.")


def _declared_factories() -> set[str]:
    """Names given to @Language.factory anywhere in the package."""
    names = set()
    for path in (ROOT / "pipeline").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "factory"
                    and getattr(node.func.value, "id", None) == "Language"):
                names.add(node.args[0].value)
    return names


def test_spacy_api_every_factory_has_an_entry_point():
    points = {e.name for e in importlib.metadata.entry_points(group="spacy_factories")
              if e.value.startswith("klynge.")}
    assert points == _declared_factories() == {
        "klynge_sentences", "klynge_rule_spans", "klynge_merge_entities", "klynge_record"}


def test_spacy_api_components_load_in_a_fresh_interpreter():
    code = """
import spacy, sys
assert "klynge" not in sys.modules
nlp = spacy.blank("nb")
nlp.add_pipe("klynge_sentences")
nlp.add_pipe("klynge_rule_spans", config={"spans_key": "rules"})
nlp.add_pipe("klynge_merge_entities", config={"policy": "longest"})
doc = nlp("Siva gir 5 millioner kroner.\\nSe www.siva.no innen 19. november 2020.")
assert sorted(s.label_ for s in doc.spans["rules"]) == ["DATE", "MONEY", "URL"], \
    list(doc.spans["rules"])
assert [s.text for s in doc.spans["entities"]][:1] == ["Siva"], list(doc.spans["entities"])
assert len(list(doc.sents)) == 2
blank = spacy.blank("en", config={"nlp": {"tokenizer": {
    "@tokenizers": "klynge.NormalisingTokenizer.v1"}}})
assert blank("a\\r\\nb\\u00adc").text == "a\\nbc"
"""
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT / "tests")


def test_spacy_api_component_config_has_every_pipeline_option():
    """The component's config is the pipeline options: a field added to PipelineOptions
    (rules, say) and not to the factory would be unreachable from a spaCy config."""
    from spacy.language import Language

    import klynge.spacy_api  # noqa: F401 - registers the factory
    from klynge.options import DEFAULTS, PipelineOptions

    config = Language.get_factory_meta("klynge_record").default_config
    for name in PipelineOptions.field_names():
        assert name in config and config[name] == getattr(DEFAULTS, name)
