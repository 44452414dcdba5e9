"""Accuracy and speed of ``klynge.language`` on a labelled JSONL set.

    python benchmarks/langid.py --test /path/to/langid/test.jsonl [--model-dir models/langid]

Each line is ``{"lang", "length", "text"}``. Prints exact-label accuracy per length and per
language, the confusion matrix (rows gold, columns predicted, ``und`` included), the
Bokmål->Danish confusion and sentences per second in this one process. Paths are
arguments because a user's clone has no ``../shared``.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from klynge.language import CLASSES, UND, LanguageDetector  # noqa: E402

LENGTHS = ("sentence", "snippet", "paragraph")


def read_items(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def pct(num: int, den: int) -> str:
    return f"{100 * num / den:6.2f}" if den else "     -"


def report(items: list[dict], preds: list[str], title: str) -> dict:
    print(f"\n== {title} ==")
    print(f"{'':10}" + "".join(f"{l:>10}" for l in LENGTHS) + f"{'all':>10}")
    summary: dict = {}
    for lang in (*CLASSES, "all"):
        row = f"{lang:10}"
        for length in (*LENGTHS, "all"):
            idx = [
                i for i, it in enumerate(items)
                if (lang == "all" or it["lang"] == lang) and (length == "all" or it["length"] == length)
            ]
            ok = sum(preds[i] == items[i]["lang"] for i in idx)
            row += f"{pct(ok, len(idx)):>10}"
            if lang == "all":
                summary[length] = round(100 * ok / len(idx), 2) if idx else None
        print(row)
    cols = (*CLASSES, UND)
    print("\nconfusion (rows gold, columns predicted)")
    print(f"{'':6}" + "".join(f"{c:>6}" for c in cols))
    for gold in CLASSES:
        counts = [sum(1 for it, p in zip(items, preds) if it["lang"] == gold and p == c) for c in cols]
        print(f"{gold:6}" + "".join(f"{n:>6}" for n in counts))
    nb = [p for it, p in zip(items, preds) if it["lang"] == "nb"]
    nb_da = sum(p == "da" for p in nb)
    summary["nb_to_da"] = round(100 * nb_da / len(nb), 2) if nb else None
    print(f"\nnb -> da: {nb_da}/{len(nb)} = {pct(nb_da, len(nb)).strip()} %")
    return summary


def run(detector: LanguageDetector, items: list[dict], title: str) -> dict:
    texts = [it["text"] for it in items]
    sentences = [t for t, it in zip(texts, items) if it["length"] == "sentence"]
    # Warm-up so one-off costs (lazy imports, langdetect profiles) are not timed.
    detector.detect_many(texts[:50])
    t0 = time.perf_counter()
    results = detector.detect_many(texts)
    elapsed = time.perf_counter() - t0
    t1 = time.perf_counter()
    for s in sentences:
        detector.detect(s)
    one_by_one = time.perf_counter() - t1
    t2 = time.perf_counter()
    detector.detect_many(sentences)
    batched = time.perf_counter() - t2
    summary = report(items, [r.code for r in results], title)
    summary["items_per_s"] = round(len(texts) / elapsed)
    summary["sentences_per_s_batch"] = round(len(sentences) / batched) if sentences else None
    summary["sentences_per_s_single"] = round(len(sentences) / one_by_one) if sentences else None
    print(
        f"speed: {summary['items_per_s']} items/s (all lengths, detect_many); sentences: "
        f"{summary['sentences_per_s_batch']}/s batched, {summary['sentences_per_s_single']}/s "
        "one detect() call each"
    )
    return summary


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="langid accuracy and speed")
    ap.add_argument("--test", type=Path, required=True)
    ap.add_argument("--model-dir", type=Path, default=None)
    ap.add_argument("--no-py3langid", action="store_true", help="our model alone")
    ap.add_argument("--both", action="store_true", help="our model alone, then the ensemble")
    ap.add_argument("--json", type=Path, default=None, help="also write the summary here")
    args = ap.parse_args(argv)
    items = read_items(args.test)
    out = {}
    variants = [False, None] if args.both else [False if args.no_py3langid else None]
    for use_py3 in variants:
        det = LanguageDetector.load(args.model_dir, use_py3langid=use_py3)
        title = " + ".join(det.members)
        out[title] = run(det, items, title)
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
