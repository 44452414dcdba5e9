"""Accuracy, calibration and speed of ``klynge.language`` on labelled text.

    python benchmarks/langid.py --test /path/to/langid/test.jsonl [--model-dir models/langid]
        [--others /usr/share/locale] [--others-jsonl more.jsonl]

Each line of ``--test`` is ``{"lang", "length", "text"}``. Prints exact-label accuracy per
length and per language, the confusion matrix (rows gold, columns predicted, ``und``
included), the Bokmål->Danish confusion and sentences per second in this one process.

Calibration is measured on that set plus held-out text in languages klynge does not
support: by default the translated messages of the gettext catalogs under
``/usr/share/locale`` (German, French, Finnish, Spanish, Dutch, Estonian, Polish, ...:
real sentences, never used in training), joined 1, 2 or 5 at a time like the sentences,
snippets and paragraphs of the test set; ``--others-jsonl`` adds ``{"lang", "text"}``
lines of your own. It prints, per confidence bin, how many answers fall there and how
many are right (an out-of-set text is right with its own code, and never right with one
of ours), the expected calibration error, and what out-of-set text is labelled. Paths are
arguments because a user's clone has no ``../shared``.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from klynge.language import LanguageDetector, model_labels  # noqa: E402
from klynge.rules import registry  # noqa: E402

# What the detector can say (its model's classes) and the code of "cannot tell".
CLASSES = model_labels()
UND = registry().undetermined

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


OTHER_LANGS = ("de", "fr", "fi", "es", "nl", "et", "pl", "it")
BINS = (0.0, 0.5, 0.8, 0.9, 0.95, 0.99, 1.0001)


def other_language_items(locale_dir: Path, per_length: int = 100, seed: int = 0) -> list[dict]:
    """Held-out text in languages outside ours, from installed gettext catalogs."""
    import gettext
    import random
    items = []
    for lang in OTHER_LANGS:
        msgs = []
        for mo in sorted((locale_dir / lang / "LC_MESSAGES").glob("*.mo")):
            try:
                with open(mo, "rb") as fh:
                    catalog = gettext.GNUTranslations(fh)._catalog  # type: ignore[attr-defined]
            except Exception:  # noqa: BLE001 - a broken catalog is skipped, not fatal
                continue
            msgs += [" ".join(v.split()) for k, v in catalog.items()
                     if isinstance(v, str) and k and len(v.split()) >= 5
                     and not any(c in v for c in "%{}<>_\\/=")]
        rnd = random.Random(seed)
        msgs = sorted(set(msgs))
        rnd.shuffle(msgs)
        pos = 0
        for length, k in (("sentence", 1), ("snippet", 2), ("paragraph", 5)):
            for _ in range(per_length):
                if pos + k > len(msgs):
                    break
                items.append({"lang": lang, "length": length, "text": " ".join(msgs[pos:pos + k])})
                pos += k
    return items


def calibration(items: list[dict], results: list) -> dict:
    """Reliability per confidence bin and the expected calibration error (ECE)."""
    rows = []
    n_total = len(items)
    ece = 0.0
    print(f"\n{'confidence':>12} {'n':>6} {'mean conf':>10} {'accuracy':>9}")
    for lo, hi in zip(BINS, BINS[1:]):
        idx = [i for i, r in enumerate(results) if lo <= r.confidence < hi]
        if not idx:
            continue
        conf = sum(results[i].confidence for i in idx) / len(idx)
        acc = sum(results[i].code == items[i]["lang"] for i in idx) / len(idx)
        ece += len(idx) / n_total * abs(conf - acc)
        rows.append({"bin": [lo, min(hi, 1.0)], "n": len(idx), "confidence": round(conf, 4),
                     "accuracy": round(acc, 4)})
        print(f"{lo:5.2f}-{min(hi, 1.0):4.2f} {len(idx):>8} {conf:10.3f} {acc:9.3f}")
    print(f"expected calibration error: {ece:.4f} over {n_total} texts")
    return {"bins": rows, "ece": round(ece, 4)}


def report_others(items: list[dict], results: list) -> dict:
    ours = set(CLASSES)
    print(f"\n{'lang':6} {'n':>5} {'own code':>9} {'und':>6} {'ours':>6} {'conf if ours':>13} {'conf und':>9}")
    out = {}
    for lang in sorted({it["lang"] for it in items}):
        idx = [i for i, it in enumerate(items) if it["lang"] == lang]
        own = sum(results[i].code == lang for i in idx)
        und = [results[i].confidence for i in idx if results[i].code == UND]
        in_set = [results[i].confidence for i in idx if results[i].code in ours]
        mean = (lambda xs: sum(xs) / len(xs) if xs else float("nan"))
        print(f"{lang:6} {len(idx):>5} {pct(own, len(idx)):>9} {pct(len(und), len(idx)):>6} "
              f"{pct(len(in_set), len(idx)):>6} {mean(in_set):13.3f} {mean(und):9.3f}")
        out[lang] = {"n": len(idx), "own_code": own, "und": len(und), "ours": len(in_set)}
    return out


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
    ap.add_argument("--others", type=Path, default=Path("/usr/share/locale"),
                    help="gettext catalogs of other languages for calibration "
                         "(default: /usr/share/locale; a missing folder is skipped)")
    ap.add_argument("--others-jsonl", type=Path, default=None,
                    help="more out-of-set text: {\"lang\", \"text\"} lines")
    args = ap.parse_args(argv)
    items = read_items(args.test)
    others = other_language_items(args.others) if args.others.is_dir() else []
    if args.others_jsonl:
        others += [{"length": "given", **it} for it in read_items(args.others_jsonl)]
    out = {}
    variants = [False, None] if args.both else [False if args.no_py3langid else None]
    for use_py3 in variants:
        det = LanguageDetector.load(args.model_dir, use_py3langid=use_py3)
        title = " + ".join(det.members)
        out[title] = run(det, items, title)
        other_results = det.detect_many(it["text"] for it in others)
        print(f"\n== out-of-set languages ({len(others)} texts) ==")
        out[title]["others"] = report_others(others, other_results)
        print("\n== calibration: the five languages and the out-of-set texts ==")
        out[title]["calibration"] = calibration(
            items + others, det.detect_many(it["text"] for it in items) + other_results)
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
