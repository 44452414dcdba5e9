"""The annotated document (klynge.document): the one shape of "the document so far"
between the stages, built by the chain and read by every record builder."""
from __future__ import annotations

import dataclasses

import pytest

from klynge.document import AnnotatedDocument
from klynge.records import build_records
from klynge.records.clusters.document import Doc as ClusterDoc
from klynge.sections import Section, split_sections
from tests.helpers import ents

TEXT = ("To nye Arena-klynger\n\n"
        "Publisert: 19. november 2020\n\n"
        "– Klyngene får Arena-status, sier næringsminister Iselin Nybø.\n\n"
        "• H2Cluster har 37 partnere.\n"
        "• Cluster for Applied AI har 39 medlemmer.\n\n"
        "The cluster was presented by Jane Doe, CEO of Hydrogen Partners.\n")


def _doc(**changes) -> AnnotatedDocument:
    sections = tuple(split_sections(TEXT, "nb")[0])
    en = TEXT.index("The cluster")
    langs = tuple("en" if s.start == en else "nb" for s in sections)
    doc = AnnotatedDocument(
        text=TEXT, lang="nb", confidence=0.99, rule_lang="nb", sections=sections,
        section_langs=langs, published="2020-11-19",
        entities=tuple(ents(TEXT, ("Iselin Nybø", "PER"), ("Jane Doe", "PER"),
                            ("H2Cluster", "ORG"))),
        sentences=tuple((s.start, s.end) for s in sections))
    return dataclasses.replace(doc, **changes)


def test_document_is_frozen_and_annotations_make_a_new_one():
    doc = _doc(entities=(), sentences=())
    with pytest.raises(dataclasses.FrozenInstanceError):
        doc.lang = "en"  # type: ignore[misc]
    annotated = doc.with_annotations([{"label": "PER", "start": 0, "end": 3}], [(0, 3)])
    assert annotated is not doc and doc.entities == () and annotated.sentences == ((0, 3),)
    assert annotated.sections is doc.sections


def test_document_sections_are_section_objects_with_one_language_each():
    doc = _doc()
    as_dict = {"kind": "list", "start": 0, "end": 1, "items": []}
    with pytest.raises(TypeError):
        dataclasses.replace(doc, sections=(as_dict,), section_langs=("nb",))
    with pytest.raises(ValueError):
        dataclasses.replace(doc, section_langs=doc.section_langs[1:])


def test_document_views_of_languages_items_and_date():
    doc = _doc()
    en = TEXT.index("The cluster")
    assert doc.other_language_sections == ((en, len(TEXT), "en"),)
    items = [[TEXT[a:b] for a, b in its] for its in doc.list_items]
    assert items == [["H2Cluster har 37 partnere.", "Cluster for Applied AI har 39 medlemmer."]]
    assert str(doc.base_date) == "2020-11-19"
    assert AnnotatedDocument(text="x", lang="de").rule_lang == "de"


def test_every_builder_reads_the_document():
    records = build_records(_doc())
    # organisations and people from its entities, the English section read with English
    # roles, clusters from the sections stage's list items, dates against its published day
    assert {"Iselin Nybø", "Jane Doe"} <= {p["name"] for p in records["people"]}
    jane = next(p for p in records["people"] if p["name"] == "Jane Doe")
    assert jane["roles"] == ["CEO"]
    assert [c["name"] for c in records["clusters"]] == ["H2Cluster", "Cluster for Applied AI"]
    assert [(c["name"], c["partners"], c["members"]) for c in records["clusters"]] == [
        ("H2Cluster", 37, None), ("Cluster for Applied AI", None, 39)]
    assert records["quotes"] and records["quotes"][0]["speaker"] == "Iselin Nybø"


def test_skipped_builders_give_nothing():
    records = build_records(_doc(skip=frozenset({"people", "quotes", "clusters",
                                                 "organisations"})))
    assert records["people"] == records["quotes"] == records["clusters"] == []
    assert records["organisations"] == [] and records["programme"] is None


def test_cluster_items_are_the_sections_stage_list_items():
    # The cluster builder reads the list items of the document and finds none of its own:
    # with the list section made a paragraph, the bullet lines are no items.
    doc = _doc()
    view = ClusterDoc(doc, [], [])
    assert view.items == [it for its in doc.list_items for it in its]
    assert set(view.list_size.values()) == {2}
    flat = tuple(Section("paragraph", s.start, s.end, s.heading) if s.kind == "list" else s
                 for s in doc.sections)
    assert ClusterDoc(dataclasses.replace(doc, sections=flat), [], []).items == []
