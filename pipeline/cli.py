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
import json
import os
import signal
import sys
from pathlib import Path

from klynge import __version__
from klynge.schema import SCHEMA_VERSION
from klynge.runner.batch import (DEFAULT_BATCH_SIZE, DEFAULT_MAX_CHARS, EXIT_CANNOT_RUN, EXIT_OK,
                          MERGE_POLICIES, RunOptions, run_batch)


def _positive_int(value: str) -> int:
    n = int(value)
    if n < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return n


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="klynge",
        description="Extract sections, entities, people, organisations, amounts, dates "
                    "and business-cluster records from press releases (nb, nn, en) "
                    "into JSON Lines.")
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
    run.add_argument("--workers", type=_positive_int, default=None, metavar="N",
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
    run.add_argument("--merge-policy", choices=MERGE_POLICIES, default="rules_first",
                     help="how rule spans and model entities that overlap are settled "
                          "(default: rules_first)")
    run.add_argument("--timeout", type=float, default=120.0, metavar="SECONDS",
                     help="time budget per document, per 100,000 characters; a document "
                          "over it becomes a 'timeout' error record (default: 120; 0: none)")
    run.add_argument("--max-chars", type=_positive_int, default=DEFAULT_MAX_CHARS, metavar="N",
                     help="truncate longer documents to N characters, flagged "
                          "'truncated_max_chars' (default: 2,000,000)")
    run.add_argument("--emit", choices=("documents", "clusters"), default="documents",
                     help="one line per document (default), or one line per cluster record "
                          "with its document's id, title, published date and URL")
    run.add_argument("--batch-size", type=_positive_int, default=DEFAULT_BATCH_SIZE, metavar="N",
                     help="documents per batch handed to a worker (default: 16)")
    run.add_argument("-q", "--quiet", action="store_true",
                     help="no progress bar (it only shows on a terminal anyway)")

    schema = sub.add_parser("schema", help="print the JSON Schema of an output line",
                            description="Print the JSON Schema of one output line.")
    schema.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead")

    lang = sub.add_parser("language", help="detect the language of texts",
                          description="One JSON line per input text: "
                                      '{"language": CODE, "confidence": FLOAT}.')
    lang.add_argument("input", nargs="?", default="-",
                      help="a text file (one text per line) or a .jsonl file of records "
                           "with 'text'; '-' for stdin (default)")

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
    ev.add_argument("--compare", metavar="OTHER.json",
                    help="print the difference to an earlier scores.json")
    ev.add_argument("--check-baseline", metavar="BASELINE.json",
                    help="exit 1 when a score is more than 0.5 points below the baseline")
    ev.add_argument("--update-baseline", metavar="BASELINE.json",
                    help="write the scores as the new baseline")
    ev.add_argument("--allow-lower", action="store_true",
                    help="with --update-baseline: allow lowering a pinned score")

    rules = sub.add_parser("rules", help="rule data files",
                           description="Work with the rule data files.")
    rules_sub = rules.add_subparsers(dest="rules_command", required=True, metavar="ACTION")
    rules_sub.add_parser("check", help="validate every rule file; exit 1 on an error")

    clusters = sub.add_parser("clusters", help="cluster registry",
                              description="Work with cluster records of a batch.")
    clusters_sub = clusters.add_subparsers(dest="clusters_command", required=True,
                                           metavar="ACTION")
    merge = clusters_sub.add_parser("merge", help="merge a batch's clusters into a registry",
                                    description="Merge the cluster records of a 'klynge run' "
                                                "output into one registry entry per cluster.")
    merge.add_argument("input", metavar="OUT.jsonl", help="output of 'klynge run'")
    merge.add_argument("-o", "--output", metavar="REGISTRY.jsonl",
                       help="write here (default: stdout)")

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
    args = build_parser().parse_args(argv)
    handler = _COMMANDS[args.command]
    try:
        return handler(args)
    except BrokenPipeError:
        # Whoever read our output stopped early: not everything was written. Python would
        # also complain about the unflushed stdout at exit; point it at /dev/null first.
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), sys.stdout.fileno())
        print("klynge: output closed early (broken pipe)", file=sys.stderr)
        return EXIT_CANNOT_RUN


def run_options(args) -> RunOptions:
    """The options object of ``klynge run``; it travels to every worker."""
    return RunOptions(
        inputs=tuple(args.inputs), output=args.output, errors=args.errors,
        workers=args.workers, engine=args.engine, scheduler=args.scheduler,
        resume=args.resume, retry_errors=args.retry_errors, max_chars=args.max_chars,
        emit=args.emit, batch_size=args.batch_size, merge_policy=args.merge_policy,
        timeout=args.timeout or None, quiet=args.quiet)


def _cmd_run(args) -> int:
    if args.retry_errors and not args.resume:
        print("klynge run: error: --retry-errors needs --resume", file=sys.stderr)
        return EXIT_CANNOT_RUN
    options = run_options(args)
    summary = run_batch(options)
    if summary.failed is not None:
        print(f"klynge: {summary.failed}", file=sys.stderr)
    for line in summary.lines():
        print(line, file=sys.stderr)
    if summary.interrupted is not None:
        print(f"klynge: stopped by {signal.Signals(summary.interrupted).name}; the output "
              "holds every line written so far (whole lines; --resume goes on)",
              file=sys.stderr)
    if summary.stdout_broken:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), sys.stdout.fileno())
    return summary.exit_code


def _cmd_schema(args) -> int:
    from klynge.schema import json_schema
    text = json.dumps(json_schema(), ensure_ascii=False, indent=2)
    if args.output:
        Path(args.output).write_text(text + "\n", encoding="utf-8")
    else:
        print(text)
    return EXIT_OK


def _cmd_language(args) -> int:
    from klynge.language import LanguageDetector
    detector = LanguageDetector.load()
    fh = sys.stdin if args.input == "-" else open(args.input, encoding="utf-8")
    is_jsonl = args.input.endswith(".jsonl")
    try:
        for line in fh:
            line = line.rstrip("\n")
            if is_jsonl:
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                    text = obj.get("text") if isinstance(obj, dict) else None
                except json.JSONDecodeError:
                    text = None
                text = text if isinstance(text, str) else ""
            else:
                text = line
            res = detector.detect_whole(text)
            print(json.dumps({"language": res.code, "confidence": res.confidence}))
    finally:
        if fh is not sys.stdin:
            fh.close()
    return EXIT_OK


def _cmd_evaluate(args) -> int:
    from klynge.maintain.evaluate import main_evaluate
    return main_evaluate(args)


def _cmd_rules(args) -> int:
    from klynge.maintain.rulecheck import check_all_rules
    errors = check_all_rules()
    for err in errors:
        print(err, file=sys.stderr)
    print(f"klynge rules check: {len(errors)} error(s)", file=sys.stderr)
    return 1 if errors else 0


def _cmd_clusters(args) -> int:
    import functools

    import jsonlines

    from klynge.records.clusters.registry import merge_registry
    with jsonlines.open(args.input) as reader:
        registry = merge_registry(reader.iter(type=dict, skip_empty=True))
    dumps = functools.partial(json.dumps, ensure_ascii=False, separators=(",", ":"))
    out = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout
    try:
        with jsonlines.Writer(out, dumps=dumps, flush=True) as writer:
            writer.write_all(registry)
    finally:
        if args.output:
            out.close()
    return EXIT_OK


def _cmd_corpus(args) -> int:
    from klynge.maintain.corpus import build_corpus, check_corpus
    if args.corpus_command == "build":
        counts = build_corpus(Path(args.corpus))
        print(json.dumps(counts))
        return EXIT_OK
    errors = check_corpus(Path(args.corpus), [Path(t) for t in args.texts or ()])
    for err in errors:
        print(err, file=sys.stderr)
    print(f"klynge corpus check: {len(errors)} error(s)", file=sys.stderr)
    return 1 if errors else 0


def _cmd_train_ner(args) -> int:
    from klynge.maintain.train_ner import DEFAULT_CONFIG, WARM_CONFIG, Sources, train
    config = Path(args.config) if args.config else WARM_CONFIG if args.init else DEFAULT_CONFIG
    src = Sources(norne=Path(args.norne), ddt=Path(args.ddt) if args.ddt else None,
                  swedish=Path(args.swedish) if args.swedish else None,
                  corpus=Path(args.corpus) if args.corpus else None,
                  texts=[Path(t) for t in args.texts])
    repeat = {k: int(v) for k, v in (kv.split("=") for kv in args.repeat.split(",") if kv)}
    scores = train(src, config, Path(args.work), None if args.no_package else Path(args.out),
                   sets=args.sets.split(",") if args.sets else None, repeat=repeat,
                   max_steps=args.max_steps, seed=args.seed,
                   init=Path(args.init) if args.init else None)
    print(json.dumps(scores, indent=2))
    return EXIT_OK


def _cmd_train_langid(args) -> int:
    from klynge.maintain.train_langid import train
    metrics = train(Path(args.norne), Path(args.langid), Path(args.out),
                    norne_dev=args.norne_dev)
    print(json.dumps(metrics, indent=2, default=str))
    return EXIT_OK


_COMMANDS = {
    "run": _cmd_run, "schema": _cmd_schema, "language": _cmd_language,
    "evaluate": _cmd_evaluate, "rules": _cmd_rules, "clusters": _cmd_clusters,
    "corpus": _cmd_corpus, "train-ner": _cmd_train_ner, "train-langid": _cmd_train_langid,
}

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
