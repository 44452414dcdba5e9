"""The ``klynge`` command line. Each command validates its arguments and calls one plain
function that the tests call too.

Exit codes: 0 all documents ok; 1 some documents became error records (the batch still
finished); 2 the run could not proceed or go on (bad arguments, unwritable or locked
output, output among the inputs, disk full, broken pipe, unreachable scheduler, missing
Dask); 130 interrupted (Ctrl-C), 143 terminated (SIGTERM). Every ``run`` ends with a
summary on stderr, and its output holds whole lines only.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import signal
import sys
from pathlib import Path

from klynge import cli_checks as checks
from klynge._version import __version__
from klynge.cli_config import CONFIG_COMMANDS, ConfigError, apply_config
from klynge.cli_types import field_list, folder, iso_date, language, positive_int, seconds
from klynge.ingest.formats import INPUT_FORMATS
from klynge.schema import SCHEMA_VERSION, omitted_fields
from klynge.options import DEFAULTS, LEXICON_POLICY_NAMES, MERGE_POLICY_NAMES, PipelineOptions
from klynge.runner.batch import run_batch
from klynge.runner.run_options import DEFAULT_BATCH_SIZE, EXIT_CANNOT_RUN, EXIT_OK, RunOptions


def _add_pipeline_options(p: argparse.ArgumentParser) -> None:
    """The options that change a record (klynge.options.PipelineOptions), for every
    command that runs the pipeline."""
    p.add_argument("--merge-policy", choices=MERGE_POLICY_NAMES, default=DEFAULTS.merge_policy,
                     help="how rule spans and model entities that overlap are settled "
                          f"(default: {DEFAULTS.merge_policy})")
    p.add_argument("--lexicon-policy", choices=LEXICON_POLICY_NAMES,
                     default=DEFAULTS.lexicon_policy,
                     help="names the document's lexicon knows against the model's label: "
                          "the lexicon's label at every mention (names_first), or only where "
                          f"it covers the model's span (cover) (default: {DEFAULTS.lexicon_policy})")
    p.add_argument("--timeout", type=seconds, default=DEFAULTS.time_budget, metavar="SECONDS",
                     help="time budget per document, per 100,000 characters; a document "
                          "over it becomes a 'timeout' error record "
                          f"(default: {DEFAULTS.time_budget:g}; 0: none)")
    p.add_argument("--max-chars", type=positive_int, default=DEFAULTS.max_chars, metavar="N",
                     help="truncate longer documents to N characters, flagged "
                          f"'truncated_max_chars' (default: {DEFAULTS.max_chars:,})")
    _add_rules_option(p)
    p.add_argument("--config", metavar="KLYNGE.toml",
                   help="read this command's defaults from the TOML file's table of its "
                        "name ([run], [evaluate]); the command line wins over it")


def _add_rules_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--rules", type=folder, default=DEFAULTS.rules, metavar="DIR",
                   help="layer the rule files in DIR (laid out as the packaged ones: "
                        "shared/clusters_gazetteer.yaml, nb/roles.yaml, ...) over the "
                        "packaged rules; 'klynge rules check --rules DIR' validates them")


def _add_input_format(p: argparse.ArgumentParser) -> None:
    p.add_argument("--input-format", choices=INPUT_FORMATS, default="auto",
                   help="how to read every input: auto (default: by extension, .jsonl, "
                        ".html/.htm, .md, .gz decompressed; else HTML when the content is "
                        "an HTML document, JSONL on stdin when its first lines are objects, "
                        "else text), or text, html, jsonl, markdown")


def pipeline_options(args) -> PipelineOptions:
    return PipelineOptions(merge_policy=args.merge_policy, lexicon_policy=args.lexicon_policy,
                           max_chars=args.max_chars, time_budget=args.timeout or None,
                           rules=args.rules)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="klynge",
        description="Extract sections, entities, people, organisations, amounts, dates "
                    "and business-cluster records from Nordic press releases (Bokmål, "
                    "Nynorsk, English, Danish, Swedish; other languages in part) into "
                    "JSON Lines.")
    parser.add_argument("--version", action="version",
                        version=f"klynge {__version__} (schema {SCHEMA_VERSION})")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="run the pipeline over documents into JSON Lines",
                         description="Run the pipeline. One output line per input document, "
                                     "in input order; a summary on stderr.")
    run.add_argument("inputs", nargs="*", metavar="INPUT",
                     help="files (.txt, .md, .html, .jsonl), folders (recursive), or '-' "
                          "for stdin (also when no INPUT is given)")
    run.add_argument("-o", "--output", metavar="OUT.jsonl",
                     help="output file (default: stdout)")
    run.add_argument("--workers", type=positive_int, default=None, metavar="N",
                     help="parallel worker processes (default: the machine's cores, as "
                          "many as memory holds at about 420 MB each, never more than "
                          "there are batches); output is identical for every N")
    run.add_argument("--engine", choices=("local", "dask"), default="local",
                     help="local processes, or a Dask cluster (default: local)")
    run.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                     help="with --engine dask: an existing scheduler; without it a local "
                          "cluster of --workers workers is started")
    run.add_argument("--resume", action="store_true",
                     help="keep the documents already in OUT (a partial last line is "
                          "repaired), skip them, append the rest")
    run.add_argument("--retry-errors", action="store_true",
                     help="with --resume: remove the error records from OUT and process "
                          "those documents again")
    run.add_argument("--errors", metavar="ERRORS.jsonl",
                     help="also write every error record to this file (a dead-letter file; "
                          "appended to with --resume)")
    _add_input_format(run)
    _add_pipeline_options(run)
    run.add_argument("--emit", choices=("documents", "clusters"), default="documents",
                     help="one line per document (default), or one line per cluster record "
                          "with its document's id, title, published date and URL")
    run.add_argument("--exclude", type=field_list, default=(), metavar="FIELD,...",
                     help="leave these top-level fields out of every line (e.g. "
                          "text,sections,entities); each line lists them in 'omitted'")
    run.add_argument("--fields", type=field_list, default=None, metavar="FIELD,...",
                     help="write only these top-level fields (id, status, error and "
                          "schema_version always); the rest are listed in 'omitted'")
    run.add_argument("--lang", type=language, default=None, metavar="CODE",
                     help="the language of inputs that do not say (a JSONL 'lang' wins): "
                          "skips detection for them")
    run.add_argument("--published", type=iso_date, default=None, metavar="YYYY-MM-DD",
                     help="the published date of inputs that do not say (a JSONL "
                          "'published' wins): the base of relative dates")
    run.add_argument("--batch-size", type=positive_int, default=DEFAULT_BATCH_SIZE, metavar="N",
                     help=f"documents per batch handed to a worker (default: {DEFAULT_BATCH_SIZE})")
    run.add_argument("-q", "--quiet", action="store_true",
                     help="no progress bar (it only shows on a terminal anyway)")

    schema = sub.add_parser("schema", help="print the JSON Schema of an output line",
                            description="Print the JSON Schema of one output line.")
    schema.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead")
    schema.add_argument("--tables", action="store_true",
                        help="describe the tables of 'klynge export' and of the cluster "
                             "registry ('klynge clusters merge --db') instead")
    schema.add_argument("--json", action="store_true",
                        help="with --tables: as JSON (columns, types, SQL and CSV forms)")

    export = sub.add_parser("export", help="klynge's JSON Lines as flat tables (Parquet, CSV)",
                            description="Write one table per kind (documents, clusters, "
                                        "cluster_evidence, people, organisations, amounts, "
                                        "dates, quotes, entities) with declared types "
                                        "('klynge schema --tables'). Exit 1 when some input "
                                        "lines were skipped (each named on stderr), 2 when "
                                        "it cannot run.")
    export.add_argument("inputs", nargs="+", metavar="OUT.jsonl", help="output of 'klynge run'")
    export.add_argument("-o", "--output", required=True, metavar="DIR",
                        help="folder for the table files (created if missing)")
    export.add_argument("--format", choices=("parquet", "csv"), default="parquet",
                        help="parquet (default; amounts as decimal128) or csv (UTF-8, "
                             "lists as JSON arrays, amounts as exact strings)")

    render = sub.add_parser("render", help="one self-contained HTML page of an output",
                            description="Write one HTML page (no network, inline CSS and JS): "
                                        "each document's text with entities and cluster "
                                        "evidence marked, cluster cards, people, amounts, "
                                        "quotes; filters by cluster and language. Exit 1 when "
                                        "some input lines were skipped, 2 when it cannot run.")
    render.add_argument("inputs", nargs="+", metavar="OUT.jsonl", help="output of 'klynge run'")
    render.add_argument("-o", "--output", required=True, metavar="REPORT.html",
                        help="the page to write")
    render.add_argument("--title", default="klynge report", help="the page's title")

    lang = sub.add_parser("language", help="detect the language of documents",
                          description="One JSON line per input document, read as 'klynge "
                                      'run\' reads it: {"id", "source", "language", '
                                      '"confidence"}, or {"id", "source", "error"} for an '
                                      "input that cannot be read (exit 1).")
    lang.add_argument("inputs", nargs="*", metavar="INPUT",
                      help="files (one document each; .jsonl: one per record), folders, "
                           "or '-' for stdin (also when no INPUT is given)")
    _add_input_format(lang)
    lang.add_argument("--max-chars", type=positive_int, default=DEFAULTS.max_chars,
                      metavar="N", help="read at most N characters of a document "
                                        f"(default: {DEFAULTS.max_chars:,})")
    _add_rules_option(lang)  # shared/langid.yaml's thresholds may be layered, as for run

    ev = sub.add_parser("evaluate", help="score the pipeline on the gold corpus",
                        description="Run exactly the pipeline of 'klynge run' over the gold "
                                    "corpus and score it.")
    ev.add_argument("corpus", nargs="?", default="corpus", help="corpus folder (default: corpus)")
    ev.add_argument("--split", choices=("train", "dev", "test", "all"), default="dev",
                    help="which split to score (default: dev)")
    ev.add_argument("--out", default="evaluation", metavar="DIR",
                    help="folder for scores.json and errors.jsonl (default: evaluation)")
    ev.add_argument("--texts", metavar="DIR", action="append",
                    help="folder with texts that are annotated but not redistributable "
                         "(../shared/press-releases/web, .../nordic); repeatable; without "
                         "it they are skipped")
    ev.add_argument("--html", metavar="REPORT.html", help="also write an HTML report")
    ev.add_argument("--gap", action="store_true",
                    help="also score the other of dev and test and print each cluster "
                         "field's dev-test gap and whether it is under the limit (with --split dev "
                         "or test)")
    _add_pipeline_options(ev)
    ev.add_argument("--compare", metavar="OTHER.json",
                    help="print the difference to an earlier scores.json")
    ev.add_argument("--check-baseline", metavar="BASELINE.json",
                    help="exit 1 when a score is more than 0.5 points below the baseline")
    ev.add_argument("--update-baseline", metavar="BASELINE.json",
                    help="write the scores as the new baseline")
    ev.add_argument("--allow-lower", action="store_true",
                    help="with --update-baseline: allow lowering a pinned score")
    ev.add_argument("--targets", metavar="TARGETS.yaml",
                    help="the quality targets to check, each met or not and why "
                         "(default: CORPUS/targets.yaml when there is one)")

    rules = sub.add_parser("rules", help="rule data files",
                           description="Work with the rule data files.")
    rules_sub = rules.add_subparsers(dest="rules_command", required=True, metavar="ACTION")
    check = rules_sub.add_parser("check", help="validate every rule file; exit 1 on an error",
                                 description="Validate every packaged rule file and, with "
                                             "--rules, a user's folder layered over them.")
    _add_rules_option(check)
    listing = rules_sub.add_parser("list", help="the rule files, one per line",
                                   description="List the packaged rule files a user folder "
                                               "can layer over, marking those --rules DIR "
                                               "layers.")
    _add_rules_option(listing)

    clusters = sub.add_parser("clusters", help="cluster registry",
                              description="Work with cluster records of a batch.")
    clusters_sub = clusters.add_subparsers(dest="clusters_command", required=True,
                                           metavar="ACTION")
    merge = clusters_sub.add_parser("merge", help="merge a batch's clusters into a registry",
                                    description="Merge the cluster records of a 'klynge run' "
                                                "output into one registry entry per cluster.")
    merge.add_argument("inputs", nargs="+", metavar="OUT.jsonl", help="output of 'klynge run'")
    merge.add_argument("-o", "--output", metavar="REGISTRY.jsonl",
                       help="write here (default: stdout, unless --db is given)")
    merge.add_argument("--db", metavar="CLUSTERS.duckdb",
                       help="also build or update the registry in this DuckDB database "
                            "(created if missing; merging the same output again changes "
                            "nothing)")

    corpus = sub.add_parser("corpus", help="gold corpus",
                            description="Build and validate the gold corpus.")
    corpus_sub = corpus.add_subparsers(dest="corpus_command", required=True, metavar="ACTION")
    for name, text in (("build", "collect corpus/gold/*.json into dev.jsonl and test.jsonl"),
                       ("check", "validate the corpus; exit 1 on an error")):
        p = corpus_sub.add_parser(name, help=text, description=text)
        p.add_argument("corpus", nargs="?", default="corpus", help="corpus folder")
        p.add_argument("--texts", metavar="DIR", action="append",
                       help="folder with external (copyright) texts, to check them too; "
                            "repeatable")

    tn = sub.add_parser("train-ner", help="train the Scandinavian NER model",
                        description="Convert NorNE, the Danish and Swedish NER data and the "
                                    "gold corpus' train split, and train the NER model with "
                                    "spaCy (seeded; CPU).")
    tn.add_argument("--norne", required=True, metavar="DIR",
                    help="NorNE folder with nob/ and nno/ CoNLL-U splits")
    tn.add_argument("--ddt", metavar="DIR", help="Danish DDT NER folder (ner-da)")
    tn.add_argument("--swedish", metavar="DIR", help="Swedish Webbnyheter NER folder (ner-sv)")
    tn.add_argument("--corpus", metavar="DIR",
                    help="gold corpus folder: its train split is in-domain training data")
    tn.add_argument("--texts", metavar="DIR", action="append", default=[],
                    help="folder with the corpus' external texts (repeatable)")
    tn.add_argument("--loc-teacher", metavar="MODEL", default=None,
                    help="a trained NorNE-scheme pipeline that gives the Danish and Swedish "
                         "LOC entities NorNE's fine label (default: their tokens missing)")
    tn.add_argument("--sets", default=None,
                    help="comma-separated data sets to train on (nob,nno,da,sv,corpus; "
                         "default: all given)")
    tn.add_argument("--repeat", default="",
                    help="up-weight small sets, e.g. da=4,corpus=4 (train copies)")
    tn.add_argument("--config", default=None,
                    help="spaCy config (default: the packaged klynge/maintain/configs/"
                         "scandi-ner.cfg)")
    tn.add_argument("--work", default="build/ner", metavar="DIR",
                    help="folder for converted data and checkpoints (default: build/ner)")
    tn.add_argument("--out", default="models/scandi-ner", metavar="DIR",
                    help="where the best model is copied (default: models/scandi-ner)")
    tn.add_argument("--no-package", action="store_true",
                    help="score the best step on dev/test only, copy nothing (lever runs)")
    tn.add_argument("--max-steps", type=int, default=None, help="override training.max_steps")
    tn.add_argument("--seed", type=int, default=0)
    tn.add_argument("--init", metavar="DIR",
                    help="continue from this trained pipeline (same architecture and labels; "
                         "default config then scandi-ner-warm.cfg)")

    tl = sub.add_parser("train-langid", help="train the language identifier",
                        description="Train the character n-gram language model.")
    tl.add_argument("--norne", required=True, metavar="DIR", help="NorNE folder")
    tl.add_argument("--langid", required=True, metavar="DIR",
                    help="folder with the langid train/ files")
    tl.add_argument("--out", default="models/langid", metavar="DIR",
                    help="where the model is written (default: models/langid)")
    tl.add_argument("--no-norne-dev", dest="norne_dev", action="store_false",
                    help="leave NorNE dev out of the training data (the committed model "
                         "includes it; tuning was done before it was added)")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = apply_config(parser, argv)
    except ConfigError as exc:
        command = next((a for a in (argv if argv is not None else sys.argv[1:])
                        if a in CONFIG_COMMANDS), "")
        return _fail(command, str(exc))
    handler = _COMMANDS[args.command]
    try:
        return handler(args)
    except BrokenPipeError:
        # Whoever read our output stopped early (``klynge ... | head -1``): like other Unix
        # tools, end quietly and successfully. Python would also complain about the
        # unflushed stdout at exit; point it at /dev/null first.
        _silence_stdout()
        return EXIT_OK
    except KeyboardInterrupt:
        print("klynge: interrupted", file=sys.stderr)
        return 128 + signal.SIGINT
    except Exception as exc:  # noqa: BLE001 - the one place a bug meets the user
        if os.environ.get("KLYNGE_DEBUG"):
            raise
        what = " ".join(str(exc).split())[:300]
        print(f"klynge: internal error: {type(exc).__name__}: {what}; run with "
              "KLYNGE_DEBUG=1 for the traceback", file=sys.stderr)
        return EXIT_CANNOT_RUN


def _silence_stdout() -> None:
    with open(os.devnull, "w") as devnull:
        try:
            os.dup2(devnull.fileno(), sys.stdout.fileno())
        except (OSError, ValueError, io.UnsupportedOperation):
            pass  # a stdout without a descriptor (tests): nothing buffered to lose


def run_options(args) -> RunOptions:
    """The options object of ``klynge run``; it travels to every worker."""
    return RunOptions(
        inputs=tuple(args.inputs), output=args.output, errors=args.errors,
        workers=args.workers, engine=args.engine, scheduler=args.scheduler,
        resume=args.resume, retry_errors=args.retry_errors, emit=args.emit,
        batch_size=args.batch_size, quiet=args.quiet, input_format=args.input_format,
        pipeline=pipeline_options(args), omit=omitted_fields(args.exclude, args.fields),
        lang=args.lang, published=args.published)


def _cmd_run(args) -> int:
    if args.retry_errors and not args.resume:
        return _fail("run", "--retry-errors needs --resume")
    if args.scheduler and args.engine != "dask":
        # Silently ignoring it would run locally while the user thinks on a cluster.
        return _fail("run", "--scheduler needs --engine dask")
    try:
        options = run_options(args)
    except ValueError as exc:  # --exclude/--fields naming no field
        return _fail("run", str(exc))
    why = _rule_file_problem(options.pipeline.rules)
    if why:
        return _fail("run", why)
    if not args.inputs and _stdin_is_terminal():
        print("klynge run: reading a document from stdin (type or paste it, then Ctrl-D; "
              "Ctrl-C to stop); give files or folders to read those instead",
              file=sys.stderr)
    summary = run_batch(options)
    if summary.stdout_broken:
        # The reader went away (``| head -1``): it has what it wanted, as with any tool.
        _silence_stdout()
        return EXIT_OK
    if summary.failed is not None:
        print(f"klynge: {summary.failed}", file=sys.stderr)
    # --quiet keeps what says something went wrong: the run-level failure, and the
    # summary with the first failing inputs when some documents are errors or the run
    # was stopped.
    if not args.quiet or summary.error or summary.failed is not None \
            or summary.interrupted is not None:
        for line in summary.lines():
            print(line, file=sys.stderr)
    if summary.interrupted is not None:
        print(f"klynge: stopped by {signal.Signals(summary.interrupted).name}; the output "
              "holds every line written so far (whole lines; --resume goes on)",
              file=sys.stderr)
    return summary.exit_code


def _rule_file_problem(user_rules: str | None = None) -> str | None:
    """The first rule file that does not validate (with the user's folder layered), in
    one line: a broken rule file would otherwise turn every document into an
    internal_error after the output was opened."""
    from klynge.maintain.rulecheck import check_rule_files
    from klynge.rules import use_rules
    use_rules(user_rules)
    errors = check_rule_files()
    if not errors:
        return None
    first_line = " ".join(errors[0].split())[:300]
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    check = "klynge rules check" + (f" --rules {user_rules}" if user_rules else "")
    return f"rule file {first_line}{more}; '{check}' lists every problem"


def _stdin_is_terminal() -> bool:
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def _fail(command: str, why: str) -> int:
    print(f"klynge {command}: error: {why}", file=sys.stderr)
    return EXIT_CANNOT_RUN


def _cmd_schema(args) -> int:
    if args.json and not args.tables:
        return _fail("schema", "--json needs --tables")
    why = args.output and checks.writable_file(args.output, "-o")
    if why:
        return _fail("schema", why)
    if args.tables:
        from klynge.views.tables import describe_tables, tables_text
        text = (json.dumps(describe_tables(), ensure_ascii=False, indent=2) if args.json
                else tables_text())
    else:
        from klynge.schema import json_schema
        text = json.dumps(json_schema(), ensure_ascii=False, indent=2)
    if args.output:
        try:
            Path(args.output).write_text(text + "\n", encoding="utf-8")
        except OSError as exc:
            return _fail("schema", f"{args.output}: {exc.strerror or exc}")
    else:
        print(text)
    return EXIT_OK


def _cmd_language(args) -> int:
    """One line per document, read exactly as ``klynge run`` reads its inputs (a file is
    one document, a .jsonl file one per record, stdin JSONL or one text), so the two
    commands never disagree on what a document is."""
    from klynge.ingest import iter_documents
    from klynge.language import LanguageDetector
    from klynge.runner.process import document_id
    why = _rule_file_problem(args.rules)
    if why:
        return _fail("language", why)
    detector = LanguageDetector.load()
    failed = 0
    inputs = list(args.inputs) or ["-"]
    for raw in iter_documents(inputs, max_chars=args.max_chars,
                              input_format=args.input_format):
        line: dict = {"id": document_id(raw), "source": raw.source["path"]}
        if raw.error is not None:
            failed += 1
            line["error"] = {"code": raw.error[0], "message": raw.error[1]}
            print(f"klynge language: {raw.error[1]} ({raw.error[0]})", file=sys.stderr)
        else:
            res = detector.detect_whole(raw.text or "")
            line.update(language=res.code, confidence=res.confidence)
        print(json.dumps(line, ensure_ascii=False))
    return 1 if failed else EXIT_OK


def _cmd_evaluate(args) -> int:
    splits = ("dev", "test") if args.split == "all" or args.gap else (args.split,)
    why = checks.first(
        checks.corpus_folder(args.corpus, splits),
        *(checks.readable_folder(t, "--texts") for t in args.texts or ()),
        checks.writable_folder(args.out, "--out"),
        args.html and checks.writable_file(args.html, "--html"),
        args.compare and checks.json_object_file(args.compare, "--compare")[1],
        args.check_baseline and checks.json_object_file(args.check_baseline,
                                                        "--check-baseline")[1],
        args.update_baseline and checks.writable_file(args.update_baseline,
                                                      "--update-baseline"))
    if not why and args.gap and args.split not in ("dev", "test"):
        why = "--gap needs --split dev or --split test"
    if not why and args.allow_lower and not args.update_baseline:
        why = "--allow-lower needs --update-baseline"
    if not why and args.update_baseline and Path(args.update_baseline).exists():
        why = checks.json_object_file(args.update_baseline, "--update-baseline")[1]
    if not why and args.targets:
        why = checks.readable_file(args.targets, "--targets")
    if not why:
        from klynge.maintain.targets import default_targets, targets_problem
        why = targets_problem(Path(args.targets) if args.targets
                              else default_targets(Path(args.corpus)))
    why = why or _rule_file_problem(args.rules)
    if why:
        return _fail("evaluate", why)
    from klynge.maintain.evaluate import main_evaluate
    return main_evaluate(args, pipeline_options(args))


def _cmd_rules(args) -> int:
    from klynge.maintain.rulecheck import check_all_rules, rule_files
    from klynge.rules import use_rules
    use_rules(args.rules)
    if args.rules_command == "list":
        for where, layered in rule_files():
            print(f"{where}\t{layered or ''}".rstrip())
        return 0
    errors = check_all_rules()
    for err in errors:
        print(err, file=sys.stderr)
    print(f"klynge rules check: {len(errors)} error(s)", file=sys.stderr)
    return 1 if errors else 0


def _report(command: str):
    return lambda line: print(f"klynge {command}: {line}", file=sys.stderr)


def _cmd_clusters(args) -> int:
    import functools

    import jsonlines

    from klynge.records.clusters.registry import merge_registry
    from klynge.views.read import Line, check_inputs, iter_records
    why = check_inputs(args.inputs) or \
        (args.output and checks.writable_file(args.output, inputs=args.inputs)) or \
        (args.db and checks.writable_file(args.db, inputs=args.inputs))
    if not why and "-" in args.inputs and args.db and args.output:
        # Both read the inputs, and standard input can be read only once.
        why = "-: standard input feeds either --db or -o, not both in one call"
    if why:
        return _fail("clusters merge", why)
    code = EXIT_OK
    if args.db:
        from klynge.views.registry_db import RegistryError, merge_into_db
        try:
            summary = merge_into_db(args.inputs, args.db, report=_report("clusters merge"))
        except RegistryError as exc:
            return _fail("clusters merge", str(exc))
        print(f"klynge clusters merge: {summary.documents} documents, {summary.mentions} "
              f"cluster mentions merged into {args.db}; {summary.clusters} clusters in the "
              "registry", file=sys.stderr)
        code = summary.exit_code
        if not args.output:
            return code
    lines = []
    for item in iter_records(args.inputs):
        if isinstance(item, Line):
            lines.append(item.record)
        elif not args.db:  # already reported by the database merge
            print(f"klynge clusters merge: {item}", file=sys.stderr)
            code = 1
    registry = merge_registry(lines)
    dumps = functools.partial(json.dumps, ensure_ascii=False, separators=(",", ":"))
    out = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout
    try:
        with jsonlines.Writer(out, dumps=dumps, flush=True) as writer:
            writer.write_all(registry)
    finally:
        if args.output:
            out.close()
    return code


def _cmd_export(args) -> int:
    from klynge.views.export import export
    from klynge.views.read import check_inputs
    why = check_inputs(args.inputs) or checks.writable_folder(args.output)
    if why:
        return _fail("export", why)
    try:
        summary = export(args.inputs, args.output, args.format, report=_report("export"))
    except OSError as exc:
        return _fail("export", f"{args.output}: {exc.strerror or exc}")
    counts = ", ".join(f"{n} {name}" for name, n in summary.rows.items())
    print(f"klynge export: {summary.documents} documents into {args.output} "
          f"({args.format}): {counts}", file=sys.stderr)
    return summary.exit_code


def _cmd_render(args) -> int:
    from klynge.views.read import check_inputs
    from klynge.views.render import render
    why = check_inputs(args.inputs) or checks.writable_file(args.output, inputs=args.inputs)
    if why:
        return _fail("render", why)
    try:
        count, problems = render(args.inputs, args.output, title=args.title,
                                 report=_report("render"))
    except OSError as exc:
        return _fail("render", f"{args.output}: {exc.strerror or exc}")
    print(f"klynge render: {count} documents into {args.output}", file=sys.stderr)
    return 1 if problems else EXIT_OK


def _cmd_corpus(args) -> int:
    from klynge.maintain.corpus import build_corpus, check_corpus
    command = f"corpus {args.corpus_command}"
    why = checks.first(checks.readable_folder(args.corpus, "corpus"),
                       *(checks.readable_folder(t, "--texts") for t in args.texts or ()))
    if why:
        return _fail(command, why + (" (run from the repository, or give the corpus folder)"
                                     if args.corpus == "corpus" else ""))
    if args.corpus_command == "build":
        gold = Path(args.corpus) / "gold"
        why = checks.first(checks.readable_folder(str(gold), "gold folder"),
                           checks.writable_file(str(Path(args.corpus) / "dev.jsonl")),
                           *_gold_file_problems(gold))
        if why:
            return _fail(command, why)
        counts = build_corpus(Path(args.corpus))
        print(json.dumps(counts))
        return EXIT_OK
    from klynge.maintain.targets import check_targets_file
    errors = check_corpus(Path(args.corpus), [Path(t) for t in args.texts or ()])
    errors += check_targets_file(Path(args.corpus))
    for err in errors:
        print(err, file=sys.stderr)
    print(f"klynge corpus check: {len(errors)} error(s)", file=sys.stderr)
    return 1 if errors else 0


def _gold_file_problems(gold: Path) -> list[str]:
    """Why a gold file cannot be collected (not a JSON object with meta.split dev/test)."""
    problems = []
    for path in sorted(gold.glob("*.json")):
        data, why = checks.json_object_file(str(path))
        if why is None:
            meta = data.get("meta") if data else None
            if not isinstance(meta, dict) or meta.get("split") not in ("dev", "test") \
                    or not isinstance(meta.get("id"), str):
                why = f"{path}: no meta.id and meta.split 'dev' or 'test'"
        if why:
            problems.append(why)
    return problems


def _cmd_train_ner(args) -> int:
    from klynge.maintain.train_ner import DEFAULT_CONFIG, VARIETIES, WARM_CONFIG
    config = Path(args.config) if args.config else WARM_CONFIG if args.init else DEFAULT_CONFIG
    why = checks.first(
        checks.norne_folder(args.norne, [f"{v}/{s}.conllu" for v in VARIETIES
                                         for s in ("train", "dev", "test")]),
        *(checks.readable_folder(p, flag) for p, flag in ((args.ddt, "--ddt"),
                                                         (args.swedish, "--swedish"),
                                                         (args.corpus, "--corpus"),
                                                         (args.loc_teacher, "--loc-teacher"))
          if p),
        checks.readable_file(str(config), "--config"),
        checks.writable_folder(args.work, "--work"), checks.writable_folder(args.out, "--out"))
    if not why and args.loc_teacher and not (Path(args.loc_teacher) / "config.cfg").is_file():
        why = f"--loc-teacher {args.loc_teacher}: not a spaCy pipeline folder (no config.cfg)"
    if not why and args.max_steps is not None and args.max_steps < 1:
        why = f"--max-steps must be at least 1, got {args.max_steps}"
    if why:
        return _fail("train-ner", why)
    from klynge.maintain.train_ner import Sources, train
    src = Sources(norne=Path(args.norne), ddt=Path(args.ddt) if args.ddt else None,
                  swedish=Path(args.swedish) if args.swedish else None,
                  corpus=Path(args.corpus) if args.corpus else None,
                  texts=[Path(t) for t in args.texts],
                  loc_teacher=Path(args.loc_teacher) if args.loc_teacher else None)
    repeat = {k: int(v) for k, v in (kv.split("=") for kv in args.repeat.split(",") if kv)}
    scores = train(src, config, Path(args.work), None if args.no_package else Path(args.out),
                   sets=args.sets.split(",") if args.sets else None, repeat=repeat,
                   max_steps=args.max_steps, seed=args.seed,
                   init=Path(args.init) if args.init else None)
    print(json.dumps(scores, indent=2))
    return EXIT_OK


def _cmd_train_langid(args) -> int:
    splits = ("train", "dev") if args.norne_dev else ("train",)
    why = checks.first(
        checks.norne_folder(args.norne, [f"{v}/{s}.conllu" for v in ("nob", "nno")
                                         for s in splits]),
        checks.readable_folder(args.langid, "--langid"),
        checks.writable_folder(args.out, "--out"))
    if not why and not any(Path(args.langid).glob("*.txt")):
        why = f"--langid {args.langid}: no <lang>.*.txt sentence files in this folder"
    if why:
        return _fail("train-langid", why)
    from klynge.maintain.train_langid import train
    metrics = train(Path(args.norne), Path(args.langid), Path(args.out),
                    norne_dev=args.norne_dev)
    print(json.dumps(metrics, indent=2, default=str))
    return EXIT_OK


_COMMANDS = {
    "run": _cmd_run, "schema": _cmd_schema, "language": _cmd_language,
    "evaluate": _cmd_evaluate, "rules": _cmd_rules, "clusters": _cmd_clusters,
    "corpus": _cmd_corpus, "train-ner": _cmd_train_ner, "train-langid": _cmd_train_langid,
    "export": _cmd_export, "render": _cmd_render,
}

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
