"""The output schema: versioned, exported as JSON Schema, offsets checked."""
from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from klynge import SCHEMA_VERSION
from klynge.schema import DocumentRecord, dumps, json_schema

BASE = {"id": "x", "status": "ok", "source": {"path": None, "line": None, "url": None},
        "language": {"code": "nb", "confidence": 0.99}, "text": "IFE har 37 partnere."}


def test_emit_schema_has_the_fixed_fields():
    props = json_schema()["properties"]
    for key in ("schema_version", "id", "status", "error", "source", "language", "title",
                "published", "text", "sections", "entities", "people", "organisations",
                "amounts", "dates", "urls", "quotes", "clusters"):
        assert key in props, key
    major, minor = SCHEMA_VERSION.split(".")  # "2.2": additions raise the minor version
    assert major.isdigit() and minor.isdigit()


def test_emit_record_rejects_offsets_that_do_not_match_text():
    bad = dict(BASE, entities=[{"label": "ORG", "text": "IFE", "start": 1, "end": 4,
                                "source": "model"}])
    with pytest.raises(ValidationError, match="text"):
        DocumentRecord.model_validate(bad)


def test_emit_record_accepts_matching_offsets_and_dumps_deterministically():
    good = dict(BASE, entities=[{"label": "ORG", "text": "IFE", "start": 0, "end": 3,
                                 "source": "model", "fine_label": "ORG"}])
    rec = DocumentRecord.model_validate(good)
    line = dumps(rec)
    assert line == dumps(DocumentRecord.model_validate(json.loads(line)))
    assert "\n" not in line


@pytest.mark.parametrize("published", ["2020-11-19", None])
def test_emit_published_is_iso_or_null(published):
    DocumentRecord.model_validate(dict(BASE, published=published))


def test_emit_published_rejects_other_formats():
    with pytest.raises(ValidationError):
        DocumentRecord.model_validate(dict(BASE, published="19.11.2020"))


def test_emit_cluster_people_are_the_people_model_and_the_budget_is_typed():
    defs = json_schema()["$defs"]
    people = defs["Cluster"]["properties"]["people"]
    assert people["items"] == {"$ref": "#/$defs/PersonOut"}
    assert json_schema()["properties"]["people"]["items"] == {"$ref": "#/$defs/PersonOut"}
    budget = defs["Programme"]["properties"]["budget"]
    assert {"$ref": "#/$defs/Budget"} in budget["anyOf"]
    assert set(defs["Budget"]["properties"]) == {"value", "currency", "year", "evidence"}


def test_emit_cluster_people_and_budget_offsets_are_checked():
    person = {"name": "IFE", "roles": [], "start": 0, "end": 3, "text": "IFE"}
    ok = dict(BASE, clusters=[{"name": "IFE", "people": [person]}],
              programme={"budget": {"value": "37", "currency": "NOK", "year": None,
                                    "evidence": {"start": 0, "end": 3, "text": "IFE"}}})
    DocumentRecord.model_validate(ok)
    with pytest.raises(ValidationError, match="clusters.people"):
        DocumentRecord.model_validate(dict(ok, clusters=[
            {"name": "IFE", "people": [dict(person, start=1, end=4)]}]))
    with pytest.raises(ValidationError, match="budget"):
        DocumentRecord.model_validate(dict(ok, programme={"budget": {
            "value": "37", "currency": "NOK", "evidence": {"start": 1, "end": 4, "text": "IFE"}}}))
    with pytest.raises(ValidationError):  # the old loose shape of a cluster's people
        DocumentRecord.model_validate(dict(BASE, clusters=[
            {"name": "IFE", "people": [{"name": "Kari", "role": "klyngeleder"}]}]))
