"""Where a document's time goes: per stage, per spaCy component, per record builder, and
the same models bare (issue #26, throughput).

    python benchmarks/stages.py                  # corpus texts + gold texts, 3 rounds
    python benchmarks/stages.py --quick          # one round
    python benchmarks/stages.py --targets        # also the issue's target ratios (minutes)
    python benchmarks/stages.py --targets --quick

Times are CPU seconds of this process (``time.process_time``), so the table means
something on a machine other programs share; wall time is printed only where it is the
point (a one-document run, workers). The documents are the bundled texts
(``corpus/texts``) and, when the folders exist, the gold corpus's external texts
(``../shared/press-releases/web``, ``.../nordic``), read as ``klynge run`` reads them.

Each stage is timed as ``Processor.process_batch`` runs it: language (the decision, the
sections it asks for not counted), sections (every ``split_sections`` the decision asks
for), entities (the spaCy pipelines over the batch, per component), records (the record
builders, each timed on its own, then the schema) and emit (``dumps``). Bare spaCy is
``spacy.load`` of the same models, ``nlp.pipe`` over the same texts, each routed to the
pipeline klynge's own language decision picked, its rounds alternating with klynge's.

``--targets`` adds the figures of the issue (wall time, whole runs as subprocesses):
``--workers 1`` against bare spaCy, ``--workers 2`` and Dask against ``--workers 1``
(``benchmarks/batch.py``), time per character from 100k to 5M characters
(``benchmarks/size.py``), peak RSS at 10 x against 1 x documents, and the wall time of a
one-document ``klynge run`` (model loading included).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

ROOT = Path(__file__).resolve().parent.parent
GOLD_TEXTS = [ROOT.parent / "shared" / "press-releases" / name for name in ("web", "nordic")]


class Clock:
    """CPU seconds per name; ``with clock("x"):`` adds to "x"."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        t = time.process_time()
        try:
            yield
        finally:
            self.seconds[name] += time.process_time() - t


class _TimedComponent:
    """A pipeline component that charges its CPU time to the clock (same output)."""

    def __init__(self, proc: Any, key: str, clock: Clock) -> None:
        self.proc, self.key, self.clock = proc, key, clock

    def __call__(self, doc):
        with self.clock(self.key):
            return self.proc(doc)

    def pipe(self, docs, **kwargs):
        docs = list(docs)  # the components before this one run outside its timer
        if not hasattr(self.proc, "pipe"):
            with self.clock(self.key):
                out = [self.proc(d) for d in docs]
        else:
            with self.clock(self.key):
                out = list(self.proc.pipe(docs, **kwargs))
        return iter(out)


def time_components(nlp, prefix: str, clock: Clock) -> None:
    """Wrap every component of ``nlp`` so its time is charged to ``prefix/name``."""
    nlp._components = [(name, _TimedComponent(proc, f"{prefix}/{name}", clock))
                       for name, proc in nlp._components]


def read_documents() -> list:
    from klynge.ingest import iter_documents
    inputs = [str(ROOT / "corpus" / "texts")]
    inputs += [str(p) for p in GOLD_TEXTS if p.is_dir()]
    docs = [d for d in iter_documents(inputs) if d.error is None and d.text]
    return docs


def stage_profile(rounds: int) -> dict:
    """CPU seconds per document of each stage, component and builder; bare spaCy's."""
    import spacy

    from klynge import records as records_mod
    from klynge.maintain.rulecheck import check_rule_files
    from klynge.runner import process as process_mod
    from klynge.schema import dumps

    clock = Clock()
    with clock("start-up: rule files check (klynge run)"):
        check_rule_files()
    with clock("start-up: Processor.load (models, warm-up)"):
        # Every language too (a language loads when its first document comes): the
        # rounds below then time the stages, not the loads.
        processor = process_mod.Processor.load().warm()
    docs = read_documents()
    chars = sum(len(d.text) for d in docs)

    # Stage timers, set on the module globals process.py calls (the same functions).
    split_orig, record_orig = process_mod.split_sections, process_mod._record
    decide_orig, annotate_orig = process_mod.decide_language, processor.entity_stage.annotate

    def split_timed(*a, **k):
        with clock("sections"):
            return split_orig(*a, **k)

    def decide_timed(*a, **k):
        before = clock.seconds["sections"]
        t = time.process_time()
        try:
            return decide_orig(*a, **k)
        finally:
            # the sections the decision asks for are the sections stage's, not its own
            clock.seconds["language"] += (time.process_time() - t
                                          - (clock.seconds["sections"] - before))

    def record_timed(*a, **k):
        with clock("records (builders + schema)"):
            return record_orig(*a, **k)

    for name in ("resolve_organisations", "extract_people", "extract_quotes",
                 "extract_clusters", "_values"):
        fn = getattr(records_mod, name)

        def timed(*a, _fn=fn, _name=name, **k):
            with clock(f"records/{_name}"):
                return _fn(*a, **k)
        setattr(records_mod, name, timed)

    def annotate_timed(docs_):
        with clock("entities (spaCy pipelines)"):
            return annotate_orig(docs_)

    process_mod.split_sections = split_timed
    process_mod.decide_language = decide_timed
    process_mod._record = record_timed
    processor.entity_stage.annotate = annotate_timed
    for name, nlp in processor.entity_stage.pipelines.items():
        time_components(nlp, f"entities/{name}", clock)

    routed: dict[str, list[str]] = defaultdict(list)
    stage = processor.entity_stage

    def klynge_round(n: int) -> None:
        for i in range(0, len(docs), 32):  # klynge run's batch size is the processor's
            batch = docs[i:i + 32]
            with clock("all stages (process_batch)"):
                recs = processor.process_batch(batch)
            with clock("emit (dumps)"):
                for r in recs:
                    dumps(r)
            if n == 0:
                for d, r in zip(batch, recs):
                    if r.status == "ok":
                        routed[stage.pipeline_for(r.language.code)].append(d.text)

    # Bare spaCy: the same models, no klynge component, the routing klynge's first round
    # gave. Its rounds alternate with klynge's, so that a machine whose speed drifts (other
    # jobs, other virtual machines) slows both alike.
    from klynge.entities import ModelsFile
    from klynge.resources import model_dir
    from klynge.rules import load_rules
    spec = load_rules("shared", "models.yaml", ModelsFile).pipelines
    bare = Clock()
    models = {}

    def bare_round() -> None:
        for name, nlp in models.items():
            with bare("bare spaCy (nlp.pipe, NER only)"):
                for _ in nlp.pipe(routed[name], batch_size=32):
                    pass

    klynge_round(0)
    for name, texts in sorted(routed.items()):
        kind, _, ref = spec[name].source.partition(":")
        if kind == "model":
            models[name] = nlp = spacy.load(model_dir(ref))
            time_components(nlp, f"bare/{name}", bare)
            for _ in nlp.pipe(texts[:2], batch_size=32):  # first-call allocations
                pass
    bare.seconds.clear()
    bare_round()
    for n in range(1, rounds):
        klynge_round(n)
        bare_round()
    total_docs = len(docs) * rounds
    bare_docs = sum(len(routed[name]) for name in models)
    return {"docs": len(docs), "chars": chars, "rounds": rounds, "total_docs": total_docs,
            "seconds": dict(clock.seconds), "bare": dict(bare.seconds), "bare_docs": bare_docs}


def print_profile(p: dict) -> None:
    n = p["total_docs"]
    s, bare = p["seconds"], p["bare"]
    print(f"{p['docs']} documents ({p['chars']:,} characters) x {p['rounds']} rounds; "
          "CPU ms per document (time.process_time)\n")
    print("| part | ms/doc | share |\n|---|---:|---:|")
    total = s["all stages (process_batch)"]
    order = [k for k in s if k.startswith("start-up")]
    order += ["language", "sections", "entities (spaCy pipelines)"]
    order += sorted(k for k in s if k.startswith("entities/"))
    order += ["records (builders + schema)"] + sorted(k for k in s if k.startswith("records/"))
    order += ["emit (dumps)", "all stages (process_batch)"]
    for key in order:
        if key not in s:
            continue
        if key.startswith("start-up"):
            print(f"| {key} | {s[key] * 1000:.0f} ms once | |")
            continue
        indent = "&nbsp;&nbsp;" if "/" in key else ""
        print(f"| {indent}{key} | {s[key] / n * 1000:.2f} | {s[key] / total:.0%} |")
    bare_total = bare.get("bare spaCy (nlp.pipe, NER only)", 0.0)
    per_bare = bare_total / n  # the same documents (any routed to no model cost it 0)
    print(f"| bare spaCy (nlp.pipe, same models, same routing) | {per_bare * 1000:.2f} | |")
    for key in sorted(k for k in bare if k.startswith("bare/")):
        print(f"| &nbsp;&nbsp;{key} | {bare[key] / n * 1000:.2f} | |")
    per_doc = (total + s.get("emit (dumps)", 0.0)) / n
    print(f"\nklynge over bare spaCy, CPU per document: {per_doc / per_bare:.2f} x "
          f"(bare / klynge = {per_bare / per_doc:.2f}; target >= 0.80)")


def wall(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t


def targets(quick: bool) -> dict:
    """The issue's target figures (wall time of whole runs; see the module docstring)."""
    out: dict[str, Any] = {}
    work = Path(tempfile.mkdtemp(prefix="klynge-stages-"))
    one = sorted((ROOT / "corpus" / "texts").glob("*.txt"))[0]
    runs = [wall([sys.executable, "-m", "klynge", "run", str(one), "-o",
                  str(work / "one.jsonl"), "-q"]) for _ in range(1 if quick else 3)]
    out["one_document_run_s"] = round(min(runs), 2)
    print(f"one-document klynge run (model loading included): {min(runs):.2f} s wall "
          "(target < 3 s)", flush=True)
    # benchmarks/batch.py is the one home of the batch runs (bare spaCy, workers, Dask, RSS).
    ndocs, small, large = (1000, 200, 2000) if quick else (5000, 1000, 10000)
    argv = ["--docs", str(ndocs), "--small", str(small), "--large", str(large)]
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "batch.py"), *argv],
                          check=True, capture_output=True, text=True)
    summary = json.loads(proc.stdout[:proc.stdout.rindex("}") + 1])
    res = summary["results"]
    w1 = res["klynge run --workers 1"]["docs_per_s"]
    out.update(docs=ndocs, w1_over_bare=summary["w1_over_bare"],
               w2_over_w1=summary["w2_over_w1"],
               dask_over_w1=round(res["klynge run --engine dask (2 workers)"]["docs_per_s"] / w1, 3),
               rss_large_over_small=summary.get("rss_large_over_small"),
               cpu_over_w1=summary["cpu_over_w1"],
               identical_output=summary["identical_output_w1_w2_dask"])
    sizes = ["100000", "1000000"] if quick else ["100000", "1000000", "5000000"]
    rows = []
    for size in sizes:
        r = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "size.py"), "--one", size],
                           check=True, capture_output=True, text=True).stdout
        rows.append(json.loads(r.strip().splitlines()[-1]))
    per = [r["seconds"] / r["chars"] for r in rows]
    out["time_per_char_largest_over_100k"] = round(per[-1] / per[0], 3)
    out["largest_chars"] = rows[-1]["chars"]
    print(f"\n| target | measured | goal |\n|---|---:|---|")
    print(f"| --workers 1 / bare spaCy (docs/s, {ndocs} docs) | {out['w1_over_bare']} | >= 0.80 |")
    # The ratios are at 5,000 documents: on fewer, the pool's fixed start-up
    # weighs more (its fork server loads every language before the first batch, which
    # starts about 1.5-2 s later than one process's; README, "Batches at scale").
    print(f"| --workers 2 / --workers 1 ({ndocs} docs; the goal is at 5000) | "
          f"{out['w2_over_w1']} | >= 1.8 |")
    print(f"| Dask (2 workers) / --workers 1 ({ndocs} docs; the goal is at 5000) | "
          f"{out['dask_over_w1']} | >= 1.6 |")
    # Not a goal: the work of each run in CPU seconds of all its processes, over
    # --workers 1's; on a shared machine the wall ratios above follow the other jobs too.
    cpu = out["cpu_over_w1"]
    print(f"| CPU of all processes / --workers 1's: --workers 2, Dask | "
          f"{cpu['klynge run --workers 2']}, {cpu['klynge run --engine dask (2 workers)']} | |")
    print(f"| time per character, {out['largest_chars']:,} / 100,000 chars | "
          f"{out['time_per_char_largest_over_100k']} | <= 1.2 |")
    print(f"| peak RSS, {large} / {small} documents | {out['rss_large_over_small']} | <= 1.1 |")
    print(f"| one-document run, wall s | {out['one_document_run_s']} | < 3 |")
    print(f"| w1, w2 and Dask outputs byte-identical | {out['identical_output']} | True |")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="one round; smaller target runs")
    ap.add_argument("--rounds", type=int, default=None, help="rounds over the texts (3)")
    ap.add_argument("--targets", action="store_true", help="also the issue's target ratios")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = ap.parse_args()
    rounds = args.rounds or (1 if args.quick else 3)
    profile = stage_profile(rounds)
    print_profile(profile)
    result = {"profile": profile}
    if args.targets:
        print()
        result["targets"] = targets(args.quick)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
