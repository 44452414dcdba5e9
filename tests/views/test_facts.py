"""What the views say of a cluster record (klynge.views.facts): its stable id, the county
of its location, and the words of an evidence sentence that state its facts."""
from __future__ import annotations

import pytest

from klynge.views.facts import cluster_id, county_of, fact_spans, supports


@pytest.mark.parametrize("name, expected", [
    ("NODE", "key:node"), ("NCE NODE", "key:node"), ("GCE NODE", "key:node"),
    ("gce-node", "key:node"), ("Arena Heidner", "key:heidner"), ("NCE Heidner", "key:heidner"),
    ("The Norwegian Hydrogen Cluster", "key:norwegianhydrogencluster"),
    ("H2-Cluster", "key:h2cluster"), ("Arena-programmet", "arena"),  # a gazetteer id
])
def test_facts_cluster_id_is_stable_across_spellings(name, expected):
    assert cluster_id({"name": name}) == expected


def test_facts_cluster_id_prefers_the_record_id():
    assert cluster_id({"name": "NODE", "id": "gce-node"}) == "gce-node"
    assert cluster_id({"name": "  "}) is None


@pytest.mark.parametrize("location, county", [
    ("Bergen", "Vestland"), ("Stord", "Vestland"), ("Vestland", "Vestland"),
    ("Halden", "Viken"), ("Sørlandet", None), ("Boston", None), (None, None)])
def test_facts_county_of(location, county):
    assert county_of(location) == county


NODE = {"name": "NCE NODE", "aliases": ["NODE"], "status": "NCE", "members": 48,
        "location": "Sørlandet"}


@pytest.mark.parametrize("sentence, facts", [
    ("NCE NODE representerer 48 kjernebedrifter på Sørlandet.",
     [("NCE NODE", "name"), ("NCE", "status"), ("48", "members"), ("Sørlandet", "location")]),
    ("NODE har 148 bedrifter.", [("NODE", "name")]),  # 148 is not 48
    ("Sørlandets NODE-klynge", [("NODE", "name"), ("Sørlandets", "location")]),
    ("Ingen av dem.", []),
])
def test_facts_fact_spans_in_a_sentence(sentence, facts):
    found = [(sentence[s:e], f) for s, e, f in fact_spans(NODE, sentence)]
    assert sorted(found) == sorted(facts)
    assert supports(NODE, sentence) == [f for f in ("name", "status", "members", "partners",
                                                    "location") if f in {x for _, x in facts}]
