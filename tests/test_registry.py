"""Cluster registry (klynge.records.clusters.registry): one entry per cluster across documents."""
from __future__ import annotations

import json
import random

from klynge.schema import Cluster, StatusEvent
from klynge.records.clusters import extract_clusters
from klynge.records.clusters.registry import iter_cluster_lines, merge_registry, name_keys
from tests.helpers import document


def doc(id_, published, clusters, title=None, url=None):
    return {"id": id_, "title": title or f"Dokument {id_}", "published": published,
            "source": {"url": url or f"https://example.invalid/{id_}"},
            "clusters": [c.model_dump(mode="json") for c in clusters]}


def ref(record):
    return {"id": record["id"], "title": record["title"], "published": record["published"],
            "url": record["source"]["url"]}


NODE_2009 = doc("nce-2009", "2009-06-19", [
    Cluster(name="NODE", aliases=["Norwegian Offshore & Drilling Engineering", "NCE NODE"],
            status="NCE", event=StatusEvent(type="new_status", status="NCE", date="2009-06-19"),
            members=48, location="Sørlandet", sectors=["oil and gas"]),
    Cluster(name="Energy and Emissions Trading", status="NCE",
            event=StatusEvent(type="new_status", status="NCE", date="2009-06-19")),
])
NODE_2014 = doc("gce-2014", "2014-06-25", [
    Cluster(name="GCE NODE", status="GCE",
            event=StatusEvent(type="upgrade", status="GCE", date="2014-07-01"),
            members=60, partners=12, location="Sørlandet", sectors=["drilling"],
            organisations=["University of Agder"]),
])
NODE_2016 = doc("node-2016", "2016-03-01", [
    Cluster(name="gce-node", members=48, people=[
        {"name": "Kari Nordmann", "roles": ["klyngeleder"], "start": 0, "end": 13,
         "text": "Kari Nordmann"}]),
])
H2_2020 = doc("ife-2020", "2020-11-19", [
    Cluster(name="H2Cluster", aliases=["The Norwegian Hydrogen Cluster"], status="Arena",
            event=StatusEvent(type="new_status", status="Arena", date="2020-11-19"), partners=37),
    Cluster(name="Cluster for Applied AI", status="Arena", members=39, partners=25,
            location="Halden", event=StatusEvent(type="new_status", status="Arena", date="2020-11-19")),
])
H2_2022 = doc("h2-2022", "2022-05-02", [
    Cluster(name="Norwegian Hydrogen Cluster", partners=70),
])
H2_2021 = doc("h2-2021", "2021-03-01", [Cluster(name="H2 Cluster", partners=50)])

BATCH = [NODE_2009, NODE_2014, NODE_2016, H2_2020, H2_2022, H2_2021]


def entry(registry, name):
    found = [e for e in registry if e["name"] == name]
    assert len(found) == 1, [e["name"] for e in registry]
    return found[0]


def test_name_keys_match_variants():
    assert name_keys("NCE NODE") & name_keys("GCE NODE")
    assert name_keys("NODE") & name_keys("gce-node")
    assert name_keys("H2Cluster") & name_keys("H2-Cluster") & name_keys("h2 cluster")
    assert name_keys("The Norwegian Hydrogen Cluster") & name_keys("Norwegian Hydrogen Cluster")
    assert not name_keys("NCE Eyde") & name_keys("NCE Subsea")
    assert name_keys("") == set()


def test_node_merged_across_names_with_history():
    registry = merge_registry(BATCH)
    assert [e["name"] for e in registry] == sorted((e["name"] for e in registry), key=str.casefold)
    node = entry(registry, "GCE NODE")  # the name most documents use, in its usual spelling
    assert node["aliases"] == ["NCE NODE", "NODE", "Norwegian Offshore & Drilling Engineering"]
    assert [(h["type"], h["status"], h["date"]) for h in node["history"]] == [
        ("new_status", "NCE", "2009-06-19"), ("upgrade", "GCE", "2014-07-01")]
    assert node["history"][1]["documents"] == [ref(NODE_2014)]
    assert node["status"] == "GCE"  # the latest event
    # conflicting counts are kept, each with its documents, never averaged
    assert node["members"] == [
        {"value": 48, "documents": [ref(NODE_2009), ref(NODE_2016)]},
        {"value": 60, "documents": [ref(NODE_2014)]}]
    assert node["partners"] == [{"value": 12, "documents": [ref(NODE_2014)]}]
    assert node["location"] == [{"value": "Sørlandet", "documents": [ref(NODE_2009), ref(NODE_2014)]}]
    assert [s["value"] for s in node["statuses"]] == ["NCE", "GCE"]
    assert node["sectors"] == ["drilling", "oil and gas"]
    assert node["organisations"] == ["University of Agder"]
    assert node["people"] == [{"name": "Kari Nordmann", "roles": ["klyngeleder"],
                               "organisation": None}]
    assert node["documents"] == [ref(NODE_2009), ref(NODE_2014), ref(NODE_2016)]


def test_h2cluster_and_its_english_name_are_one_entry():
    registry = merge_registry(BATCH)
    h2 = entry(registry, "H2Cluster")
    assert h2["aliases"] == ["The Norwegian Hydrogen Cluster"]  # "H2 Cluster" is a variant
    assert [p["value"] for p in h2["partners"]] == [37, 50, 70]
    assert h2["status"] == "Arena"
    ai = entry(registry, "Cluster for Applied AI")
    assert ai["members"] == [{"value": 39, "documents": [ref(H2_2020)]}]
    assert ai["location"][0]["value"] == "Halden"
    assert len(registry) == 4  # NODE, Energy and Emissions Trading, H2Cluster, Applied AI


def test_merge_is_deterministic():
    expected = json.dumps(merge_registry(BATCH), sort_keys=True)
    for seed in range(5):
        batch = list(BATCH)
        random.Random(seed).shuffle(batch)
        assert json.dumps(merge_registry(batch), sort_keys=True) == expected


def test_iter_cluster_lines_and_merge_of_lines():
    lines = list(iter_cluster_lines(H2_2020))
    assert len(lines) == 2
    assert lines[0]["document"] == ref(H2_2020)
    assert lines[0]["name"] == "H2Cluster" and lines[0]["partners"] == 37
    json.dumps(lines)  # plain JSON
    all_lines = [line for rec in BATCH for line in iter_cluster_lines(rec)]
    assert merge_registry(all_lines) == merge_registry(BATCH)
    assert list(iter_cluster_lines({"id": "x", "clusters": []})) == []
    assert merge_registry([]) == []


def test_documents_without_clusters_or_errors_are_skipped():
    registry = merge_registry([{"id": "err", "status": "error", "clusters": []},
                               {"id": "n", "published": None, "source": {"url": None},
                                "clusters": None}, NODE_2014])
    assert [e["name"] for e in registry] == ["GCE NODE"]
    assert registry[0]["history"][0]["documents"][0]["id"] == "gce-2014"


def test_end_to_end_from_texts():
    a = "Tre nye NCE-klynger\n\nNCE NODE har 48 kjernebedrifter. NCE Eyde har 30 medlemmer.\n"
    b = "GCE NODE\n\nGCE NODE er oppgradert til GCE. Klyngen har 60 medlemmer.\n"
    records = []
    for i, (text, pub) in enumerate([(a, "2009-06-19"), (b, "2014-06-25")]):
        clusters, _ = extract_clusters(document(text, lang="nb", sentences=[], sections=[],
                                                published=pub))
        records.append({"id": f"d{i}", "title": text.splitlines()[0], "published": pub,
                        "source": {"url": None},
                        "clusters": clusters})
    registry = merge_registry(records)
    assert [e["name"] for e in registry] == ["GCE NODE", "NCE Eyde"]
    node = next(e for e in registry if "NODE" in e["name"])
    assert sorted(m["value"] for m in node["members"]) == [48, 60]
    assert node["status"] == "GCE"


def test_registry_an_application_keeps_the_status_and_a_loss_ends_it():
    """Issue 22: the current status reads past an application ("søker NCE-status") and
    ends at a loss ("mister Arena-statusen")."""
    arena = doc("a-2018", "2018-06-01", [Cluster(name="Arena Helse", status="Arena",
                event=StatusEvent(type="new_status", status="Arena", date="2018-06-01"))])
    applies = doc("a-2020", "2020-03-01", [Cluster(name="Arena Helse",
                  event=StatusEvent(type="application", status="NCE", date="2020-03-01"))])
    loses = doc("a-2022", "2022-01-10", [Cluster(name="Arena Helse",
                event=StatusEvent(type="loss", status="Arena", date="2022-01-10"))])
    assert [e["status"] for e in merge_registry([arena, applies])] == ["Arena"]
    assert [e["status"] for e in merge_registry([arena, applies, loses])] == [None]
