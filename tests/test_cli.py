"""The command line: every command has help, run writes schema-valid JSONL, exit codes."""
from __future__ import annotations

import json
import subprocess
import sys

import jsonschema
import pytest

from klynge.cli import build_parser, main
from tests.conftest import CORPUS, SEED

COMMANDS = [["run"], ["schema"], ["language"], ["evaluate"], ["rules", "check"],
            ["clusters", "merge"], ["corpus", "build"], ["corpus", "check"], ["train-ner"],
            ["train-langid"], ["export"], ["render"]]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_cli_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args(command + ["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "usage:" in out and "--help" in out


def test_cli_run_output_validates_against_exported_schema(tmp_path, capsys):
    out = tmp_path / "out.jsonl"
    sample = [str(SEED), str(CORPUS / "texts" / "2005-nytt-program-norwegian-centres-of-expertise.txt"),
              str(CORPUS / "texts" / "2014-en-liberia-nok-75-million-ebola.txt")]
    assert main(["run", *sample, "-o", str(out), "--workers", "1", "-q"]) == 0
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3
    for line in lines:
        jsonschema.validate(json.loads(line), schema)
    langs = [json.loads(line)["language"]["code"] for line in lines]
    assert langs == ["nb", "nn", "en"]


def test_cli_run_exit_code_1_when_some_documents_fail(tmp_path, capsys):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    out = tmp_path / "out.jsonl"
    assert main(["run", str(SEED), str(empty), "-o", str(out), "--workers", "1", "-q"]) == 1
    err = capsys.readouterr().err
    assert "2 read, 1 ok, 1 error, 0 skipped" in err
    assert [json.loads(l)["status"] for l in out.read_text().splitlines()] == ["ok", "error"]


def test_cli_run_exit_code_2_when_output_cannot_be_written(tmp_path, capsys):
    assert main(["run", str(SEED), "-o", str(tmp_path / "missing" / "x.jsonl")]) == 2
    assert "cannot write output" in capsys.readouterr().err


def test_cli_python_m_pipeline_reads_stdin(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "klynge", "run", "-q", "--workers", "1"],
                          input="Iselin Nybø er næringsminister i Norge.\n", text=True,
                          capture_output=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    rec = json.loads(proc.stdout)
    assert rec["status"] == "ok" and rec["language"]["code"] == "nb"
    assert "1 read, 1 ok" in proc.stderr


def test_cli_language_command_one_line_per_input(tmp_path, capsys):
    src = tmp_path / "texts.txt"
    src.write_text("Regjeringa føreslår å bruke 34,5 millionar kroner til programmet.\n"
                   "The Government will provide NOK 75 million to Liberia.\n", encoding="utf-8")
    assert main(["language", str(src)]) == 0
    rows = [json.loads(l) for l in capsys.readouterr().out.splitlines()]
    assert [r["language"] for r in rows] == ["nn", "en"]
    assert all(set(r) == {"language", "confidence"} for r in rows)


def test_cli_rules_check_passes_on_shipped_rules(capsys):
    assert main(["rules", "check"]) == 0


def test_cli_emit_clusters_and_merge(tmp_path, capsys):
    out = tmp_path / "clusters.jsonl"
    assert main(["run", str(SEED), "-o", str(out), "--emit", "clusters", "--workers", "1",
                 "-q"]) == 0
    lines = [json.loads(l) for l in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(l["name"] for l in lines) == ["Cluster for Applied AI", "H2Cluster"]
    for line in lines:
        assert line["document"]["published"] == "2020-11-19"
        assert line["document"]["title"].startswith("To nye Arena-klynger")
    docs = tmp_path / "docs.jsonl"
    assert main(["run", str(SEED), "-o", str(docs), "--workers", "1", "-q"]) == 0
    capsys.readouterr()
    assert main(["clusters", "merge", str(docs)]) == 0
    registry = [json.loads(l) for l in capsys.readouterr().out.splitlines()]
    assert sorted(r["name"] for r in registry) == ["Cluster for Applied AI", "H2Cluster"]


def test_cli_run_options_carry_every_setting():
    from klynge.cli import run_options
    args = build_parser().parse_args(["run", "a.txt", "-o", "o.jsonl", "--workers", "3",
                                      "--merge-policy", "longest", "--resume",
                                      "--retry-errors", "--errors", "e.jsonl",
                                      "--timeout", "0"])
    opts = run_options(args)
    assert (opts.inputs, opts.output, opts.workers, opts.pipeline.merge_policy, opts.errors) == \
        (("a.txt",), "o.jsonl", 3, "longest", "e.jsonl")
    assert opts.resume and opts.retry_errors and opts.pipeline.time_budget is None
    import pickle
    assert pickle.loads(pickle.dumps(opts)) == opts  # it travels to worker processes


def test_cli_run_level_failure_exit_2_with_message_and_summary(tmp_path, capsys):
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "a.txt").write_text("Hei.\n")
    assert main(["run", str(folder), "-o", str(folder / "out.jsonl"), "-q"]) == 2
    err = capsys.readouterr().err
    assert "inside the input folder" in err and "klynge: 0 read, 0 ok" in err
    assert not (folder / "out.jsonl").exists()


def test_cli_retry_errors_needs_resume(tmp_path, capsys):
    assert main(["run", str(SEED), "-o", str(tmp_path / "o.jsonl"), "--retry-errors"]) == 2


@pytest.mark.parametrize("argv,message", [
    (["run", "--timeout", "-5"], "must be a positive number of seconds"),
    (["run", "--workers", "abc"], "expected a whole number, got 'abc'"),
    (["run", "--max-chars", "0"], "must be at least 1, got 0"),
])
def test_cli_refuses_bad_option_values_in_words(argv, message, capsys):
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "_positive_int" not in err and "_seconds" not in err


# --------------------------------------------------------------------------- issue #25
def _run_seed(tmp_path, *extra):
    out = tmp_path / "o.jsonl"
    assert main(["run", str(SEED), "-o", str(out), "--workers", "1", "-q", *extra]) == 0
    return json.loads(out.read_text(encoding="utf-8"))


def test_cli_run_exclude_leaves_fields_out_and_says_so(tmp_path, capsys):
    from klynge.schema import DocumentRecord, json_schema
    full = _run_seed(tmp_path)
    slim = _run_seed(tmp_path, "--exclude", "text,sections,entities")
    assert slim["omitted"] == ["text", "sections", "entities"] and full["omitted"] == []
    assert not {"text", "sections", "entities"} & set(slim)
    assert {k: v for k, v in full.items() if k in slim and k != "omitted"} == \
        {k: v for k, v in slim.items() if k != "omitted"}
    # A slim line is valid against the exported schema and reads back as a record.
    jsonschema.validate(slim, json_schema())
    assert DocumentRecord.model_validate(slim).people == DocumentRecord.model_validate(full).people


def test_cli_run_fields_keeps_only_some(tmp_path):
    slim = _run_seed(tmp_path, "--fields", "people,clusters")
    assert set(slim) == {"schema_version", "id", "status", "error", "people", "clusters",
                         "omitted"}
    assert "text" in slim["omitted"] and "people" not in slim["omitted"]


@pytest.mark.parametrize("argv,message", [
    (["--exclude", "nosuch"], "no such field: nosuch"),
    (["--exclude", "id"], "always written"),
])
def test_cli_run_refuses_unknown_or_fixed_fields(tmp_path, capsys, argv, message):
    assert main(["run", str(SEED), "-o", str(tmp_path / "o.jsonl"), *argv]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "o.jsonl").exists()


def test_cli_run_lang_and_published_are_run_wide_defaults(tmp_path):
    text = tmp_path / "kort.txt"
    # Short and undated: detection would call it Bokmål by the prior, and "i dag" has no base.
    text.write_text("Klynga fekk Arena-status i dag.\n", encoding="utf-8")
    out = tmp_path / "o.jsonl"
    assert main(["run", str(text), "-o", str(out), "-q", "--workers", "1", "--lang", "nn",
                 "--published", "2020-11-19"]) == 0
    rec = json.loads(out.read_text(encoding="utf-8"))
    assert rec["language"]["code"] == "nn"
    assert any(d["text"] == "i dag" and d["value"] == "2020-11-19" for d in rec["dates"])


@pytest.mark.parametrize("argv,message", [
    (["--lang", "de"], "expected one of nb, nn, en, da, sv"),
    (["--published", "19.11.2020"], "expected a date YYYY-MM-DD"),
])
def test_cli_run_refuses_bad_defaults(argv, message, capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["run", *argv])
    assert message in capsys.readouterr().err


def test_cli_records_carry_their_provenance(tmp_path):
    from klynge import __version__
    from klynge.runner.provenance import options_fingerprint, rules_hash
    from klynge.options import DEFAULTS, PipelineOptions
    rec = _run_seed(tmp_path)
    prov = rec["provenance"]
    assert prov["klynge"] == __version__ and prov["rules_sha256"] == rules_hash()
    assert prov["options"] == options_fingerprint(DEFAULTS)
    assert {m["pipeline"] for m in prov["models"]} >= {"langid", "norwegian", "english"}
    assert all(m["version"] or m["sha256"] for m in prov["models"])
    other = _run_seed(tmp_path, "--merge-policy", "longest")["provenance"]
    assert other["options"] == options_fingerprint(PipelineOptions(merge_policy="longest"))
    assert other["options"] != prov["options"] and other["models"] == prov["models"]
