"""``--config klynge.toml``: a command's defaults from a file (klynge.cli_config)."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from klynge.cli import build_parser, main
from klynge.cli_config import apply_config
from klynge.rules import use_rules
from tests.conftest import SEED


def _parse(argv):
    return apply_config(build_parser(), argv)


def test_config_sets_defaults_and_the_command_line_wins(tmp_path):
    (tmp_path / "rules" / "shared").mkdir(parents=True)
    config = tmp_path / "klynge.toml"
    config.write_text('[run]\nworkers = 2\nexclude = ["text", "sections"]\nlang = "nb"\n'
                      'rules = "rules"\nquiet = true\ntimeout = 30\n'
                      'merge-policy = "longest"\n', encoding="utf-8")
    args = _parse(["run", "--config", str(config), "a.txt"])
    assert (args.workers, args.exclude, args.lang, args.quiet, args.timeout,
            args.merge_policy) == (2, ("text", "sections"), "nb", True, 30.0, "longest")
    # A path is read from the file's folder, wherever the command runs.
    assert args.rules == str(tmp_path / "rules")
    args = _parse(["run", "--config", str(config), "--workers", "1", "--lang", "sv",
                   "--exclude", "entities", "a.txt"])
    assert (args.workers, args.lang, args.exclude) == (1, "sv", ("entities",))


def test_config_evaluate_reads_its_own_table(tmp_path):
    config = tmp_path / "klynge.toml"
    config.write_text('[run]\nworkers = 2\n[evaluate]\nsplit = "test"\nout = "scores"\n'
                      'texts = ["a", "b"]\n', encoding="utf-8")
    args = _parse(["evaluate", "--config", str(config)])
    assert args.split == "test"
    assert args.out == str(tmp_path / "scores")
    assert args.texts == [str(tmp_path / "a"), str(tmp_path / "b")]


@pytest.mark.parametrize("text, message", [
    ("[run\nworkers = 2\n", "not valid TOML"),
    ("[runn]\nworkers = 2\n", "unknown table [runn]"),
    ("[run]\nwrokers = 2\n", "[run] wrokers: no such option of 'klynge run'"),
    ("[run]\nworkers = 0\n", "[run] workers: must be at least 1, got 0"),
    ("[run]\nlang = \"fr\"\n", "[run] lang: expected one of nb"),
    ("[run]\nquiet = \"yes\"\n", "[run] quiet: expected true or false"),
    ("[run]\nengine = \"spark\"\n", "[run] engine: expected one of local, dask"),
    ("[run]\npublished = 2020-02-30\n", "not valid TOML"),
    ("[run]\npublished = \"2020-02-30\"\n", "[run] published: expected a date YYYY-MM-DD"),
    ("[run]\nrules = \"no-such-folder\"\n", "[run] rules:"),
    ("[run]\nconfig = \"other.toml\"\n", "[run] config: no such option"),
    ("run = 3\n", "run must be a table"),
], ids=["syntax", "table", "key", "value", "lang", "flag", "choice", "toml-date",
        "date", "rules", "config-in-config", "not-a-table"])
def test_config_refuses_a_bad_file_in_one_line(tmp_path, capsys, text, message):
    config = tmp_path / "klynge.toml"
    config.write_text(text, encoding="utf-8")
    assert main(["run", "--config", str(config), str(SEED)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"klynge run: error: {config}: ")
    assert message in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("where", ["missing.toml", "."], ids=["missing", "folder"])
def test_config_refuses_what_is_no_file(tmp_path, capsys, where):
    assert main(["run", "--config", str(tmp_path / where), str(SEED)]) == 2
    assert "klynge run: error:" in capsys.readouterr().err


def test_config_run_end_to_end(tmp_path):
    """The README's example: a project's klynge.toml, run from another folder; no
    traceback, the file's settings in the output."""
    rules = tmp_path / "project" / "my-rules" / "shared"
    rules.mkdir(parents=True)
    (rules / "organisations.yaml").write_text(
        'bodies:\n  - {id: h2-cluster, names: ["H2Cluster"]}\n', encoding="utf-8")
    config = tmp_path / "project" / "klynge.toml"
    config.write_text('[run]\nexclude = ["text", "sections", "entities"]\nrules = "my-rules"\n'
                      'output = "out/records.jsonl"\nquiet = true\n', encoding="utf-8")
    (tmp_path / "project" / "out").mkdir()
    done = subprocess.run([sys.executable, "-m", "klynge", "run", "--config", str(config),
                           str(SEED)], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    record = json.loads((tmp_path / "project" / "out" / "records.jsonl").read_text("utf-8"))
    assert record["omitted"] == ["text", "sections", "entities"]
    ids = {o["name"]: o["id"] for o in record["organisations"]}
    assert ids.get("H2Cluster") == "h2-cluster"
    use_rules(None)
