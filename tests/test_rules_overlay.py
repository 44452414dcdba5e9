"""A user's rule folder layered over the packaged rules (klynge.rules.overlay, --rules DIR)."""
from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest

from klynge import Extractor
from klynge.cli import main
from klynge.options import PipelineOptions
from klynge.rules import overlay, use_rules
from klynge.runner.outputs import run_fingerprint
from klynge.runner.provenance import fingerprint_fields
from tests.conftest import SEED

# A body no packaged gazetteer knows, in a sentence of each language.
SENTENCES = {
    "nb": "Grønnkvist Fjordteknikk (GRKV) får 2 millioner kroner fra Innovasjon Norge, sier "
          "daglig leder Kari Nordmann.",
    "nn": "Grønnkvist Fjordteknikk får 2 millionar kroner frå Innovasjon Noreg, seier dagleg "
          "leiar Kari Nordmann.",
    "en": "Grønnkvist Fjordteknikk will receive NOK 2 million from Innovation Norway, said "
          "chief executive Kari Nordmann.",
    "da": "Grønnkvist Fjordteknikk modtager 2 millioner kroner fra Innovationsfonden, siger "
          "direktør Mette Jensen.",
    "sv": "Grønnkvist Fjordteknikk får 2 miljoner kronor från Vinnova, säger vd Anna Svensson.",
}

ORGANISATIONS = """\
bodies:
  - {id: grkv, names: ["Grønnkvist Fjordteknikk", GRKV]}
"""

GAZETTEER = """\
sources:
  - {id: our-list, url: "https://example.org/clusters", gave: "our own list of clusters"}
clusters:
  - id: arena-sunnfjord-hydrogen
    names: ["Arena Sunnfjord Hydrogen", "Sunnfjord Hydrogen"]
    country: "NO"
    place: Førde
    source: [our-list]
"""


def _folder(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


@pytest.fixture
def user_rules(tmp_path):
    """A user folder with an organisation and a cluster of its own; the packaged rules
    alone again afterwards, so no other test reads the user's."""
    yield _folder(tmp_path / "my-rules", {"shared/organisations.yaml": ORGANISATIONS,
                                          "shared/clusters_gazetteer.yaml": GAZETTEER})
    use_rules(None)


@pytest.mark.parametrize("packaged, user, merged", [
    ({"a": {"b": 1, "c": [1]}}, {"a": {"c": [2], "d": 3}}, {"a": {"b": 1, "c": [1, 2], "d": 3}}),
    ([{"id": "x", "v": 1}, {"id": "y", "v": 2}], [{"id": "y", "v": 9}, {"id": "z"}],
     [{"id": "x", "v": 1}, {"id": "y", "v": 9}, {"id": "z"}]),
    ({"threshold": 0.5, "words": ["a"]}, {"threshold": 0.7}, {"threshold": 0.7, "words": ["a"]}),
    ({"rules": [{"pattern": "x"}]}, {"rules": [{"pattern": "x"}]},
     {"rules": [{"pattern": "x"}, {"pattern": "x"}]}),
], ids=["mappings-merge", "id-replaces-in-place", "scalar-wins", "entries-without-id-join"])
def test_overlay_merge(packaged, user, merged):
    assert overlay.merge(packaged, user) == merged


@pytest.mark.parametrize("lang", sorted(SENTENCES))
def test_overlay_user_gazetteer_names_an_organisation_in_every_language(user_rules, lang):
    record = Extractor(rules=str(user_rules)).extract(SENTENCES[lang], lang=lang)
    found = {o.name: o.id for o in record.organisations}
    assert found.get("Grønnkvist Fjordteknikk") == "grkv"
    assert any(e.text == "Grønnkvist Fjordteknikk" and e.label == "ORG" for e in record.entities)


def test_overlay_is_gone_with_the_packaged_rules_and_extractors_may_alternate(user_rules):
    text = "Oslo, 1. mars 2024\n\nArena Sunnfjord Hydrogen har fått Arena-status.\n"
    mine, packaged = Extractor(rules=str(user_rules)), Extractor()
    first = packaged.extract(text)
    ids = [c.id for c in mine.extract(text).clusters]
    assert ids == ["arena-sunnfjord-hydrogen"]
    again = packaged.extract(text)
    # The packaged extractor after the user's reads as a fresh process does.
    assert again.model_dump() == first.model_dump()
    assert [c.id for c in again.clusters] == [None]
    assert again.provenance.rules_sha256 != mine.extract(text).provenance.rules_sha256


def test_overlay_fingerprint_holds_the_files_not_the_path(user_rules, tmp_path):
    moved = shutil.copytree(user_rules, tmp_path / "elsewhere")
    here, there = (fingerprint_fields(PipelineOptions(rules=str(p))) for p in (user_rules, moved))
    assert here == there and here["rules"]
    # No folder: the fingerprint has no "rules" key, as before the option existed.
    assert "rules" not in fingerprint_fields(PipelineOptions())
    (moved / "shared" / "organisations.yaml").write_text(
        ORGANISATIONS + '  - {id: other, names: ["Annen Etat"]}\n', encoding="utf-8")
    edited = run_fingerprint("documents", PipelineOptions(rules=str(moved)))
    assert edited != run_fingerprint("documents", PipelineOptions(rules=str(user_rules)))


def test_overlay_run_with_workers_and_resume(user_rules, tmp_path, capsys):
    """The folder travels to every worker; --resume refuses an output made under other
    rules."""
    texts = tmp_path / "in"
    texts.mkdir()
    for lang, sentence in SENTENCES.items():
        (texts / f"{lang}.txt").write_text(sentence + "\n", encoding="utf-8")
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    base = ["run", str(texts), "--rules", str(user_rules), "-q"]
    assert main([*base, "-o", str(one), "--workers", "1"]) == 0
    assert main([*base, "-o", str(two), "--workers", "2"]) == 0
    assert one.read_bytes() == two.read_bytes()
    records = [json.loads(line) for line in one.read_text(encoding="utf-8").splitlines()]
    assert len(records) == len(SENTENCES)
    assert all(("Grønnkvist Fjordteknikk", "grkv") in [(o["name"], o["id"]) for o in
                                                        r["organisations"]] for r in records)
    capsys.readouterr()
    assert main(["run", str(texts), "-o", str(one), "--resume", "-q"]) == 2
    assert "rules" in capsys.readouterr().err


def test_overlay_rules_check_names_each_bad_user_file(tmp_path, capsys):
    folder = _folder(tmp_path / "bad", {
        "shared/clusters_gazetteer.yaml": "clusters: [{id: x, nams: [X]}]\n",
        "shared/organisation.yaml": "bodies: []\n",       # misspelt: no such packaged file
        "shared/languages.yaml": "languages: []\n",       # may not be layered
        "notes.txt": "our notes\n",
    })
    try:
        assert main(["rules", "check", "--rules", str(folder)]) == 1
        err = capsys.readouterr().err
        assert "clusters_gazetteer.yaml layered over it" in err and "nams" in err
        assert "organisation.yaml: no packaged rule file shared/organisation.yaml" in err
        assert "languages.yaml: cannot be layered" in err
        assert "notes.txt: not a rule file" in err
        # The run refuses before it writes anything, naming the first problem.
        out = tmp_path / "out.jsonl"
        assert main(["run", str(SEED), "-o", str(out), "--rules", str(folder)]) == 2
        assert "klynge rules check --rules" in capsys.readouterr().err
        assert not out.exists()
    finally:
        use_rules(None)
    assert main(["rules", "check"]) == 0


def test_overlay_rules_list_marks_the_layered_files(user_rules, capsys):
    assert main(["rules", "list", "--rules", str(user_rules)]) == 0
    lines = dict(line.partition("\t")[::2] for line in capsys.readouterr().out.splitlines())
    assert lines["shared/organisations.yaml"] == str(user_rules / "shared/organisations.yaml")
    assert lines["nb/roles.yaml"] == ""


def test_overlay_refuses_what_is_no_folder(tmp_path, capsys):
    with pytest.raises(ValueError, match="folder"):
        PipelineOptions(rules=str(tmp_path / "missing"))
    with pytest.raises(SystemExit):
        main(["run", str(SEED), "--rules", str(tmp_path / "missing")])
    assert "no such folder" in capsys.readouterr().err


def test_overlay_language_command_reads_the_layered_thresholds(tmp_path, capsys):
    """klynge language reads shared/langid.yaml as klynge run does, layered file included."""
    folder = _folder(tmp_path / "bad-langid", {"shared/langid.yaml": "no_such_threshold: 1\n"})
    text = tmp_path / "a.txt"
    text.write_text(SENTENCES["nb"] + "\n", encoding="utf-8")
    try:
        assert main(["language", str(text), "--rules", str(folder)]) == 2
        assert "langid.yaml" in capsys.readouterr().err
    finally:
        use_rules(None)
    assert main(["language", str(text)]) == 0
    assert json.loads(capsys.readouterr().out)["language"] == "nb"
