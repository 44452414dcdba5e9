"""The command line: every command has help, run writes schema-valid JSONL, exit codes."""
from __future__ import annotations

import io
import json
import subprocess
import sys

import jsonschema
import pytest

from klynge.cli import build_parser, main
from tests.conftest import CORPUS, SEED

COMMANDS = [["run"], ["schema"], ["language"], ["evaluate"], ["rules", "check"], ["rules", "list"],
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
    proc = subprocess.run([sys.executable, "-m", "klynge", "run", "--workers", "1"],
                          input="Iselin Nybø er næringsminister i Norge.\n", text=True,
                          capture_output=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    rec = json.loads(proc.stdout)
    assert rec["status"] == "ok" and rec["language"]["code"] == "nb"
    assert "1 read, 1 ok" in proc.stderr


def test_cli_language_reads_files_as_run_does(tmp_path, capsys):
    # A text file is one document (as `klynge run` reads it), a .jsonl file one per record.
    nn = tmp_path / "nn.txt"
    nn.write_text("Regjeringa føreslår å bruke 34,5 millionar kroner til programmet.\n"
                  "Departementet har sett av pengar til fleire nye klynger.\n", encoding="utf-8")
    records = tmp_path / "r.jsonl"
    records.write_text(json.dumps({"id": "en-1", "text": "The Government will provide NOK "
                                   "75 million to Liberia."}) + "\n"
                       + json.dumps({"id": "sv-1", "text": "Regeringen satsar 20 miljoner "
                                     "kronor på nya kluster i Sverige."}) + "\n",
                       encoding="utf-8")
    assert main(["language", str(nn), str(records)]) == 0
    rows = [json.loads(l) for l in capsys.readouterr().out.splitlines()]
    assert [r["language"] for r in rows] == ["nn", "en", "sv"]
    assert [r["id"] for r in rows[1:]] == ["en-1", "sv-1"]
    assert all(set(r) == {"id", "source", "language", "confidence"} for r in rows)


def test_cli_language_reads_stdin_like_run(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", _stdin("Innovasjon Norge gir ti millioner kroner til "
                                             "to nye klynger i Trøndelag.\n".encode()))
    assert main(["language"]) == 0
    rows = [json.loads(l) for l in capsys.readouterr().out.splitlines()]
    assert len(rows) == 1 and rows[0]["language"] == "nb" and rows[0]["source"] == "<stdin>"


def test_cli_language_bad_input_is_an_error_line_and_exit_1(tmp_path, capsys):
    (tmp_path / "doc.pdf").write_bytes(b"%PDF-1.4\n\x00\x01\x02binary")
    assert main(["language", str(tmp_path / "doc.pdf"), str(tmp_path / "nosuch.txt")]) == 1
    captured = capsys.readouterr()
    rows = [json.loads(l) for l in captured.out.splitlines()]
    assert [r["error"]["code"] for r in rows] == ["binary", "not_found"]
    assert "nosuch.txt" in captured.err and "Traceback" not in captured.err


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
    assert {m["pipeline"] for m in prov["models"]} >= {"langid", "scandinavian", "english"}
    assert all(m["version"] or m["sha256"] for m in prov["models"])
    other = _run_seed(tmp_path, "--merge-policy", "longest")["provenance"]
    assert other["options"] == options_fingerprint(PipelineOptions(merge_policy="longest"))
    assert other["options"] != prov["options"] and other["models"] == prov["models"]


# ---------------------------------------------------------------- every command, bad input

class _TtyStdin(io.TextIOWrapper):
    def isatty(self) -> bool:
        return True


def _stdin(data: bytes, tty: bool = False) -> io.TextIOWrapper:
    cls = _TtyStdin if tty else io.TextIOWrapper
    return cls(io.BytesIO(data), encoding="utf-8", errors="surrogateescape")


def _bad_inputs(tmp_path) -> dict[str, str]:
    """The inputs of issue 24 that made commands print a traceback."""
    folder = tmp_path / "folder"
    folder.mkdir()
    files = {
        "doc.pdf": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n\x00\x01\x02",
        # Nynorsk in latin-1: klynge run reads it (decoded_cp1252).
        "latin1.txt": "Regjeringa føreslår å bruke pengar på næringsklynger.\n".encode("latin-1"),
        "empty.txt": b"",
        "malformed.jsonl": b'{"id": "a", "text": "Hei fra Halden."}\n{"id": "b", "text": \n',
        "array.jsonl": b'[1, 2, 3]\n',
    }
    paths = {"missing": str(tmp_path / "nosuch.txt"), "folder": str(folder)}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        paths[name] = str(tmp_path / name)
    return paths


def _argvs(path: str, tmp_path) -> list[list[str]]:
    out = str(tmp_path / "out")
    return [
        ["run", path, "-o", out + ".jsonl", "--workers", "1", "-q"],
        ["language", path],
        ["evaluate", path, "--out", out + "-eval"],
        ["evaluate", str(CORPUS), "--compare", path, "--out", out + "-eval"],
        ["evaluate", str(CORPUS), "--check-baseline", path, "--out", out + "-eval"],
        ["evaluate", str(CORPUS), "--html", path + "/r.html", "--out", out + "-eval"],
        ["evaluate", str(CORPUS), "--targets", path, "--out", out + "-eval"],
        ["corpus", "build", path], ["corpus", "check", path],
        ["clusters", "merge", path], ["clusters", "merge", path, "--db", out + ".duckdb"],
        ["export", path, "-o", out + "-tables"], ["render", path, "-o", out + ".html"],
        ["train-ner", "--norne", path], ["train-ner", "--norne", path, "--loc-teacher", path],
        ["train-langid", "--norne", path, "--langid", path],
        ["schema", "-o", path + "/schema.json"],
    ]


def _call(argv) -> int:
    try:
        return main(argv)
    except SystemExit as exc:  # argparse's own refusals
        return int(exc.code or 0)


def _assert_clean(argv, code, err):
    assert "Traceback" not in err, (argv, err)
    assert "internal error" not in err, (argv, err)
    assert code in (0, 1, 2), (argv, code)
    if code == 2:
        assert err.strip(), argv  # a refusal says why


def test_cli_every_command_every_bad_input_without_traceback(tmp_path, capsys, monkeypatch):
    paths = _bad_inputs(tmp_path)
    for name, path in paths.items():
        for argv in _argvs(path, tmp_path):
            code = _call(argv)
            err = capsys.readouterr().err
            _assert_clean(argv, code, err)
            # Never taken for a success (an empty file holds no bad line for the views,
            # which exit 0 when every line was read).
            views = argv[0] in ("clusters", "export", "render")
            if name in ("missing", "doc.pdf", "malformed.jsonl", "array.jsonl") \
                    and argv[0] != "schema" or (name == "empty.txt" and not views
                                                and argv[0] != "schema"):
                assert code in (1, 2), (argv, err)
    assert _call(["rules", "check"]) == 0


@pytest.mark.parametrize("data", [b"", b"%PDF-1.4\n\x00\x01", "Regjeringa føreslår.\n"
                                  .encode("latin-1"), b'{"id": 1, "text": \n[1]\n'],
                         ids=["empty", "binary", "latin1", "malformed"])
def test_cli_every_stdin_command_without_traceback(data, tmp_path, capsys, monkeypatch):
    for argv in (["run", "-q", "--workers", "1"], ["language"], ["language", "-"],
                 ["clusters", "merge", "-"], ["export", "-", "-o", str(tmp_path / "t")],
                 ["render", "-", "-o", str(tmp_path / "r.html")]):
        monkeypatch.setattr(sys, "stdin", _stdin(data))
        code = _call(argv)
        _assert_clean(argv, code, capsys.readouterr().err)


def test_cli_clusters_merge_reads_stdin(tmp_path, capsys, monkeypatch):
    docs = tmp_path / "docs.jsonl"
    assert main(["run", str(SEED), "-o", str(docs), "--workers", "1", "-q"]) == 0
    monkeypatch.setattr(sys, "stdin", _stdin(docs.read_bytes()))
    capsys.readouterr()
    assert main(["clusters", "merge", "-"]) == 0
    names = sorted(json.loads(l)["name"] for l in capsys.readouterr().out.splitlines())
    assert names == ["Cluster for Applied AI", "H2Cluster"]


def test_cli_unexpected_exception_is_one_line_and_exit_2(monkeypatch, capsys):
    import klynge.cli as cli

    def boom(args):
        raise KeyError("no such stage")

    monkeypatch.setitem(cli._COMMANDS, "schema", boom)
    monkeypatch.delenv("KLYNGE_DEBUG", raising=False)
    assert main(["schema"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error: KeyError" in err and "KLYNGE_DEBUG=1" in err
    monkeypatch.setenv("KLYNGE_DEBUG", "1")
    with pytest.raises(KeyError):
        main(["schema"])


def test_cli_broken_pipe_ends_quietly_with_exit_0(monkeypatch, capsys):
    import klynge.cli as cli

    def closed(args):
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setitem(cli._COMMANDS, "schema", closed)
    assert main(["schema"]) == 0
    assert capsys.readouterr().err == ""


def test_cli_run_broken_pipe_subprocess_exit_0():
    # `klynge run ... | head -1` under `set -o pipefail`: the pipeline succeeds.
    texts = " ".join(str(p) for p in sorted((CORPUS / "texts").glob("*.txt"))[:20])
    proc = subprocess.run(["bash", "-c", f"set -o pipefail; {sys.executable} -m klynge run "
                           f"{texts} --workers 1 --batch-size 1 -q | head -c 1 >/dev/null"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr


def test_cli_scheduler_without_dask_is_refused(capsys):
    assert main(["run", str(SEED), "--scheduler", "tcp://127.0.0.1:8786"]) == 2
    assert "--scheduler needs --engine dask" in capsys.readouterr().err


def test_cli_quiet_silences_all_but_errors(tmp_path, capsys):
    assert main(["run", str(SEED), "-o", str(tmp_path / "a.jsonl"), "--workers", "1",
                 "-q"]) == 0
    assert capsys.readouterr().err == ""
    (tmp_path / "empty.txt").write_text("")
    assert main(["run", str(tmp_path / "empty.txt"), "-o", str(tmp_path / "b.jsonl"),
                 "-q"]) == 1
    err = capsys.readouterr().err
    assert "1 error" in err and "empty.txt (empty)" in err


def test_cli_bare_run_at_a_terminal_says_it_reads_stdin(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", _stdin("Siva gir 5 millioner kroner til NCE Raufoss.\n"
                                             .encode(), tty=True))
    assert main(["run", "--workers", "1", "-q"]) == 0
    err = capsys.readouterr().err
    assert "reading a document from stdin" in err and "Ctrl-D" in err


def test_cli_input_format_html_on_stdin(monkeypatch, capsys):
    page = ("<!DOCTYPE html><html><head><title>Ny klynge i Halden</title></head><body>"
            "<h1>Ny klynge i Halden</h1><p>Innovasjon Norge gir 10 millioner kroner til "
            "NCE Smart Energy Markets i Halden, sier direktør Kari Nordmann.</p></body></html>")
    for argv in (["run", "-q", "--workers", "1"],
                 ["run", "-q", "--workers", "1", "--input-format", "html"]):
        monkeypatch.setattr(sys, "stdin", _stdin(page.encode()))
        assert main(argv) == 0
        rec = json.loads(capsys.readouterr().out)
        assert rec["title"] == "Ny klynge i Halden" and "<" not in rec["text"]
        assert ("html_detected" in rec["flags"]) == ("--input-format" not in argv)
    monkeypatch.setattr(sys, "stdin", _stdin(page.encode()))
    assert main(["run", "-q", "--workers", "1", "--input-format", "text"]) == 0
    assert json.loads(capsys.readouterr().out)["text"].startswith("<!DOCTYPE html>")


def test_cli_dead_letter_file_feeds_back_with_ids_and_texts(tmp_path, capsys):
    nb = tmp_path / "nb.jsonl"
    nb.write_text(json.dumps({"id": "nb-1", "text": SEED.read_text(encoding="utf-8")}) + "\n",
                  encoding="utf-8")
    out, dead = tmp_path / "out.jsonl", tmp_path / "dead.jsonl"
    # A budget no document can meet: every document a timeout error.
    assert main(["run", str(nb), "-o", str(out), "--errors", str(dead), "--workers", "1",
                 "-q", "--timeout", "0.000001"]) == 1
    [line] = [json.loads(l) for l in dead.read_text(encoding="utf-8").splitlines()]
    assert line["error"]["code"] == "timeout" and line["id"] == "nb-1"
    assert line["text"].startswith("To nye Arena-klynger")  # the text stays
    again = tmp_path / "again.jsonl"
    assert main(["run", str(dead), "-o", str(again), "--workers", "1", "-q"]) == 0
    [rec] = [json.loads(l) for l in again.read_text(encoding="utf-8").splitlines()]
    assert rec["id"] == "nb-1" and rec["status"] == "ok" and rec["text"] == line["text"]


def test_cli_retry_errors_never_duplicates_dead_letter_lines(tmp_path, capsys):
    (tmp_path / "empty.txt").write_text("")
    out, dead = tmp_path / "out.jsonl", tmp_path / "dead.jsonl"
    argv = ["run", str(tmp_path / "empty.txt"), "-o", str(out), "--errors", str(dead),
            "--workers", "1", "-q"]
    assert main(argv) == 1
    for _ in range(2):
        assert main(argv + ["--resume", "--retry-errors"]) == 1
    assert len(dead.read_text().splitlines()) == 1
    assert len(out.read_text().splitlines()) == 1


def test_cli_many_workers_on_one_document_never_talk_about_memory(tmp_path, capsys):
    assert main(["run", str(SEED), "-o", str(tmp_path / "o.jsonl"), "--workers", "100"]) == 0
    err = capsys.readouterr().err
    assert "klynge: 1 worker: the batch has 1 document" in err
    assert "GB" not in err and "MB" not in err


def test_cli_run_refuses_a_broken_rule_file_before_writing(tmp_path, monkeypatch, capsys):
    import klynge.maintain.rulecheck as rulecheck
    real = rulecheck._read

    def broken(folder, name):
        data = real(folder, name)
        return {**data, "no_such_key": 1} if (folder, name) == ("nb", "roles.yaml") else data

    monkeypatch.setattr(rulecheck, "_read", broken)
    out = tmp_path / "o.jsonl"
    assert main(["run", str(SEED), "-o", str(out), "--workers", "1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nb/roles.yaml" in err and "klynge rules check" in err
    assert not out.exists()


def test_cli_readme_schema_version_is_the_code_s():
    import re

    from klynge.schema import SCHEMA_VERSION
    from tests.conftest import ROOT
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    stated = re.findall(r"Schema version\s+`([^`]+)`", readme)
    field = re.findall(r'\| `schema_version` \| `"([^"]+)"` \|', readme)
    assert stated == [SCHEMA_VERSION] and field == [SCHEMA_VERSION]


def test_cli_help_names_every_registered_language():
    from klynge.rules import registry
    text = " ".join(build_parser().format_help().split())
    names = {"nb": "Bokmål", "nn": "Nynorsk", "en": "English", "da": "Danish", "sv": "Swedish"}
    for code in registry().codes:
        assert names[code] in text, code


def test_cli_resume_refuses_slim_lines_after_full_ones(tmp_path, capsys):
    # Slim and full lines must not mix in one file: --exclude is in the run's fingerprint.
    out = tmp_path / "o.jsonl"
    assert main(["run", str(SEED), "-o", str(out), "--workers", "1", "-q"]) == 0
    before = out.read_bytes()
    assert main(["run", str(SEED), "-o", str(out), "--workers", "1", "-q", "--resume",
                 "--exclude", "text"]) == 2
    assert "omit" in capsys.readouterr().err and out.read_bytes() == before


@pytest.mark.parametrize("argv", [["--workers", "1"], ["--engine", "dask", "--workers", "1"]])
def test_cli_run_closed_stdout_without_traceback(argv):
    # Issue 23.14: stdout closed at the start (`>&-`) was an internal error (sys.stdout is
    # None); closed by the reader (`| head -c 10`) it must stay quiet, Dask's workers too.
    texts = " ".join(str(p) for p in sorted((CORPUS / "texts").glob("*.txt"))[:3])
    run = f"{sys.executable} -m klynge run {texts} {' '.join(argv)} --batch-size 1 -q"
    closed = subprocess.run(["bash", "-c", f"{run} >&-"], capture_output=True, text=True,
                            timeout=600)
    assert closed.returncode == 2
    assert closed.stderr.splitlines()[0] == ("klynge: stdout is closed: nowhere to write "
                                             "the output (give -o FILE)"), closed.stderr
    assert "Traceback" not in closed.stderr and "internal error" not in closed.stderr
    head = subprocess.run(["bash", "-c", f"set -o pipefail; {run} | head -c 10 >/dev/null"],
                          capture_output=True, text=True, timeout=600)
    assert head.returncode == 0 and head.stderr == "", head.stderr
