"""The whole chain on the seed release: the record the project started from must be right."""
from __future__ import annotations

import pytest

from pipeline.emit import DocumentRecord

SEED_PEOPLE = {
    "Nils Morten Huseby": ("administrerende direktør", "IFE"),
    "Iselin Nybø": ("næringsminister", None),
    "Linda Hofstad Helleland": ("distrikts- og digitaliseringsminister", None),
}
SEED_ORGS = ["IFE", "Innovasjon Norge", "Siva", "Nærings- og fiskeridepartementet",
             "Kommunal- og moderniseringsdepartementet", "H2Cluster", "Cluster for Applied AI"]


def _org_names(rec):
    return [{o["name"], *o["aliases"]} for o in rec["organisations"]]


def test_process_seed_language_title_published(seed_record):
    assert seed_record["status"] == "ok"
    assert seed_record["language"]["code"] == "nb"
    assert seed_record["title"] == "To nye Arena-klynger for digital omstilling og fornybar energi"
    assert seed_record["published"] == "2020-11-19"


def test_process_seed_sections(seed_record):
    text = seed_record["text"]
    kinds = [s["kind"] for s in seed_record["sections"]]
    assert kinds[:3] == ["title", "dateline", "lead"]
    assert kinds.count("quote") == 3
    headings = [text[s["start"]:s["end"]].strip() for s in seed_record["sections"]
                if s["kind"] == "heading"]
    assert headings == ["IFE partner i to av klyngene", "Fokus på bærekraft i klyngesamarbeidet",
                        "Høy kvalitet", "Fakta om klyngeprogrammet:"]
    lists = [s for s in seed_record["sections"] if s["kind"] == "list"]
    assert len(lists) == 1 and len(lists[0]["items"]) == 2
    assert "facts" in kinds
    tail = seed_record["sections"][-1]
    assert text[tail["start"]:tail["end"]].strip() == ">>>"
    assert not any(e["start"] >= tail["start"] for e in seed_record["entities"])


@pytest.mark.parametrize("name", sorted(SEED_PEOPLE))
def test_process_seed_people_roles_and_quotes(seed_record, name):
    role, org = SEED_PEOPLE[name]
    people = {p["name"]: p for p in seed_record["people"]}
    assert name in people
    assert role in people[name]["roles"]
    assert people[name]["organisation"] == org
    assert any(q["speaker"] == name for q in seed_record["quotes"])


def test_process_seed_no_invented_people(seed_record):
    assert {p["name"] for p in seed_record["people"]} == set(SEED_PEOPLE)


@pytest.mark.parametrize("org", SEED_ORGS)
def test_process_seed_organisations(seed_record, org):
    assert any(org in names for names in _org_names(seed_record))


def test_process_seed_research_council_is_one_organisation(seed_record):
    council = [n for n in _org_names(seed_record) if "Forskningsrådet" in n]
    assert len(council) == 1
    assert council[0] & {"Norges Forskningsråd", "Norges forskningsråd"}


def test_process_seed_no_invented_organisations(seed_record):
    text = seed_record["text"]
    for names in _org_names(seed_record):
        assert any(n in text for n in names), names
    generic = {"regjeringen", "Regjeringen", "klyngen", "Klyngen", "programmet"}
    assert not any(names & generic for names in _org_names(seed_record))


def test_process_seed_amounts_dates_urls(seed_record):
    assert [(a["value"], a["currency"]) for a in seed_record["amounts"]] == [("217000000", "NOK")]
    values = {d["value"] for d in seed_record["dates"]}
    assert {"2020-11-19", "2021"} <= values
    urls = [u["url"] for u in seed_record["urls"]]
    assert len(urls) == 3
    assert any("regjeringen.no" in u for u in urls)
    assert any("smartinnovationnorway.com" in u for u in urls)
    assert any("innovasjonnorge.no/nic" in u for u in urls)


def test_process_seed_clusters(seed_record):
    clusters = {c["name"]: c for c in seed_record["clusters"]}
    assert set(clusters) == {"H2Cluster", "Cluster for Applied AI"}
    h2 = clusters["H2Cluster"]
    assert h2["aliases"] == ["The Norwegian Hydrogen Cluster"]
    assert (h2["status"], h2["partners"], h2["members"]) == ("Arena", 37, None)
    ai = clusters["Cluster for Applied AI"]
    assert (ai["status"], ai["members"], ai["partners"], ai["location"]) == \
        ("Arena", 39, 25, "Halden")


def test_process_seed_offsets_match_text(seed_record):
    # Re-validating through the schema checks every span's offsets against the text.
    DocumentRecord.model_validate(seed_record)
    text = seed_record["text"]
    for e in seed_record["entities"]:
        assert text[e["start"]:e["end"]] == e["text"]


def test_process_is_deterministic(processor):
    from pipeline.emit import dumps
    from pipeline.ingest import iter_documents
    from tests.conftest import SEED
    a = dumps(processor.process(next(iter_documents([str(SEED)]))))
    b = dumps(processor.process(next(iter_documents([str(SEED)]))))
    assert a == b


def test_process_bad_document_becomes_error_record(processor, monkeypatch):
    from pipeline.ingest import RawDocument
    import pipeline.process as process_mod

    def boom(text, lang):
        raise RuntimeError("section rules exploded")

    monkeypatch.setattr(process_mod, "split_sections", boom)
    good_and_bad = [RawDocument(text="Hei verden.", id="a", source={"path": None, "line": None,
                                                                    "url": None})]
    rec = processor.process_batch(good_and_bad)[0]
    assert rec.status == "error" and rec.error.code == "internal_error"


def test_process_every_release_gives_well_formed_values(processor):
    """Every bundled release (copies of ../shared/press-releases): no MONEY without value
    and currency, no malformed DATE value, every offset matches the text."""
    import re
    from pipeline.ingest import iter_documents
    from tests.conftest import CORPUS
    raws = list(iter_documents([str(CORPUS / "texts")]))
    assert len(raws) == 46
    for rec in processor.process_batch(raws):
        assert rec.status == "ok", rec.error
        data = rec.model_dump(mode="json")
        DocumentRecord.model_validate(data)
        money = [e for e in data["entities"] if e["label"] == "MONEY"]
        assert len(money) == len(data["amounts"])
        for a in data["amounts"]:
            assert re.fullmatch(r"\d+(\.\d+)?", a["value"]) and re.fullmatch(r"[A-Z]{3}", a["currency"])
        for d in data["dates"]:
            assert d["value"] is None or re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", d["value"])
        sections = data["sections"]
        assert sections[0]["start"] == 0 and sections[-1]["end"] == len(data["text"])
        assert all(a["end"] == b["start"] for a, b in zip(sections, sections[1:]))
