"""Batch throughput and memory of ``klynge run`` against bare spaCy (issue: batches at scale).

Generates a batch from the corpus texts (repeated and shuffled, unique ids), then measures
documents/s, words/s and peak RSS (the whole process tree, sampled) for:

- bare spaCy: ``nlp.pipe`` with the same NER models over the same texts, no other stage;
- ``klynge run --workers 1``, ``--workers 2`` and ``--engine dask`` with 2 workers;
- peak RSS of ``--workers 1`` at N and 10 x N documents (flat memory check).

Usage (prints a JSON summary and a Markdown table for the README):

    python benchmarks/batch.py --docs 5000 [--small 1000 --large 10000] [--out bench/]
"""
from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent


def make_batch(n: int, path: Path, seed: int = 0) -> int:
    """Write n documents (corpus texts, shuffled, unique ids); returns the word count."""
    files = sorted((ROOT / "corpus" / "texts").glob("*.txt"))
    langs = {json.loads(l)["file"]: json.loads(l)["lang"]
             for l in open(ROOT / "corpus" / "sources.jsonl", encoding="utf-8")}
    rng = random.Random(seed)
    words = 0
    routing = []
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            f = rng.choice(files)
            text = f.read_text(encoding="utf-8")
            words += len(text.split())
            routing.append(langs.get(f.name, "nb"))
            fh.write(json.dumps({"id": f"doc-{i:06d}", "text": text}, ensure_ascii=False) + "\n")
    # The known language of each text, so bare spaCy is routed without a detector.
    path.with_suffix(".langs.json").write_text(json.dumps(routing))
    return words


def measure(cmd: list[str]) -> dict:
    """Run cmd; wall time, peak RSS and CPU seconds of its whole process tree (sampled
    every 0.1 s; a process's last tenth of a second before it ends is not seen).

    The CPU seconds say what wall time cannot on a machine other jobs share: the work a
    run did, start-up included. ``--workers 2`` over ``--workers 1`` in CPU is the price
    of the second process (its fork server's loading, pickling, the pipes); in wall time
    it is that and whether a second core was free."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    cpu: dict[int, float] = {}  # pid -> user + system seconds, as last seen
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        try:
            root = psutil.Process(proc.pid)
        except psutil.NoSuchProcess:
            return
        while not stop.is_set():
            try:
                procs = [root] + root.children(recursive=True)
            except psutil.Error:
                procs = []
            rss = 0
            for p in procs:
                try:
                    with p.oneshot():
                        rss += p.memory_info().rss
                        times = p.cpu_times()
                except psutil.Error:  # it ended meanwhile: its last sample stands
                    continue
                cpu[p.pid] = times.user + times.system
            peak = max(peak, rss)
            time.sleep(0.1)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    _, err = proc.communicate()
    stop.set()
    thread.join()
    seconds = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{cmd} failed: {err.decode()[-2000:]}")
    return {"seconds": round(seconds, 2), "peak_rss_mb": round(peak / 2**20, 1),
            "cpu_s": round(sum(cpu.values()), 1),
            "summary": err.decode().strip().splitlines()[-1] if err else ""}


BARE = r'''
import json, sys
from klynge.entities import ModelsFile
from klynge.resources import model_dir
from klynge.rules import load_rules
import spacy
docs = [json.loads(l)["text"] for l in open(sys.argv[1], encoding="utf-8")]
spec = load_rules("shared", "models.yaml", ModelsFile).pipelines
no = spacy.load(model_dir(spec["scandinavian"].source.partition(":")[2]))
en = spacy.load(model_dir(spec["english"].source.partition(":")[2]))
# Same routing as the pipeline: English texts to the English model, the rest Scandinavian.
langs = json.load(open(sys.argv[1][:-len(".jsonl")] + ".langs.json"))
for _ in no.pipe([t for t, l in zip(docs, langs) if l != "en"], batch_size=32): pass
for _ in en.pipe([t for t, l in zip(docs, langs) if l == "en"], batch_size=32): pass
'''


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=5000)
    ap.add_argument("--small", type=int, default=1000)
    ap.add_argument("--large", type=int, default=10000)
    ap.add_argument("--skip-rss", action="store_true", help="skip the small/large RSS runs")
    ap.add_argument("--out", type=Path, default=None, help="also write results.json here")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="klynge-bench-"))
    batch = work / "batch.jsonl"
    words = make_batch(args.docs, batch)
    klynge = [sys.executable, "-m", "klynge", "run", str(batch), "-q"]
    runs = {
        "bare spaCy (nlp.pipe, NER only)": [sys.executable, "-c", BARE, str(batch)],
        "klynge run --workers 1": klynge + ["-o", str(work / "w1.jsonl"), "--workers", "1"],
        "klynge run --workers 2": klynge + ["-o", str(work / "w2.jsonl"), "--workers", "2"],
        "klynge run --engine dask (2 workers)": klynge + ["-o", str(work / "dask.jsonl"),
                                                          "--engine", "dask", "--workers", "2"],
    }
    results = {}
    for name, cmd in runs.items():
        r = measure(cmd)
        r["docs_per_s"] = round(args.docs / r["seconds"], 2)
        r["words_per_s"] = round(words / r["seconds"])
        results[name] = r
        print(name, r, file=sys.stderr, flush=True)
    same = (work / "w1.jsonl").read_bytes() == (work / "w2.jsonl").read_bytes() == \
        (work / "dask.jsonl").read_bytes()
    rss = {}
    if not args.skip_rss:
        for n in (args.small, args.large):
            path = work / f"rss-{n}.jsonl"
            make_batch(n, path)
            rss[n] = measure([sys.executable, "-m", "klynge", "run", str(path), "-q",
                              "-o", str(work / f"rss-{n}.out.jsonl"), "--workers", "1"])
            print(n, rss[n], file=sys.stderr, flush=True)
    bare = results["bare spaCy (nlp.pipe, NER only)"]["docs_per_s"]
    w1 = results["klynge run --workers 1"]["docs_per_s"]
    w2 = results["klynge run --workers 2"]["docs_per_s"]
    cpu_w1 = results["klynge run --workers 1"]["cpu_s"]
    summary = {"docs": args.docs, "words": words, "results": results,
               "identical_output_w1_w2_dask": same,
               "w1_over_bare": round(w1 / bare, 3), "w2_over_w1": round(w2 / w1, 3),
               # CPU of the whole tree, over --workers 1's: what a second process costs.
               "cpu_over_w1": {name: round(r["cpu_s"] / cpu_w1, 3)
                               for name, r in results.items()},
               "rss": {str(k): v for k, v in rss.items()}}
    if rss:
        summary["rss_large_over_small"] = round(
            rss[args.large]["peak_rss_mb"] / rss[args.small]["peak_rss_mb"], 3)
    print(json.dumps(summary, indent=1))
    print("\n| run | docs/s | words/s | peak RSS (MB) | CPU s (all processes) |\n"
          "|---|---:|---:|---:|---:|")
    for name, r in results.items():
        print(f"| {name} | {r['docs_per_s']} | {r['words_per_s']} | {r['peak_rss_mb']} | "
              f"{r['cpu_s']} |")
    for n, r in rss.items():
        print(f"| klynge run --workers 1, {n} docs | {round(n / r['seconds'], 2)} | | "
              f"{r['peak_rss_mb']} | {r['cpu_s']} |")
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "results.json").write_text(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
