"""Cost of one document by its size: seconds per 100,000 characters and peak memory.

    python benchmarks/size.py                       # 100k, 1M and 5M characters
    python benchmarks/size.py --sizes 100000 400000

Each size runs in a fresh process (so peak memory is that document's, models included):
the corpus texts, joined by blank lines and repeated up to the size, go through
``Processor.process`` exactly as ``klynge run`` processes a document (in pieces above
``klynge.runner.pieces.PIECE_CHARS``), and the record is serialised as the runner would.
Goal (issue #17): per-character cost at 5M within 1.5x of 100k, peak memory under 2 GB.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def make_text(chars: int) -> str:
    from klynge.normalise import normalise_text
    texts = [p.read_text("utf-8") for p in sorted((ROOT / "corpus" / "texts").glob("*.txt"))]
    parts, size, i = [], 0, 0
    while size < chars + 10_000:
        parts.append(texts[i % len(texts)])
        size += len(parts[-1]) + 2
        i += 1
    return normalise_text("\n\n".join(parts))[0][:chars]


def one(chars: int) -> dict:
    from klynge.schema import dumps
    from klynge.ingest import RawDocument
    from klynge.runner.process import Processor
    # Every language loaded first: a language loads when its first document comes, and
    # that is no part of the per-character cost measured here.
    proc = Processor.load().warm()
    proc.process(RawDocument(text="Oppvarming.", id="w", source={}))
    text = make_text(chars)
    started = time.perf_counter()
    rec = proc.process(RawDocument(text=text, id="size", source={}))
    line = dumps(rec)
    seconds = time.perf_counter() - started
    return {"chars": len(text), "seconds": seconds, "status": rec.status,
            "entities": len(rec.entities), "line_mb": len(line.encode()) / 2**20,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000, 5_000_000])
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(args.one)))
        return
    print(f"{'characters':>12} {'seconds':>9} {'s/100k chars':>13} {'peak MB':>8} "
          f"{'entities':>9} {'status':>7}")
    rows = []
    for size in args.sizes:
        out = subprocess.run([sys.executable, __file__, "--one", str(size)], check=True,
                             capture_output=True, text=True).stdout
        r = json.loads(out.strip().splitlines()[-1])
        r["per100k"] = r["seconds"] / r["chars"] * 100_000
        rows.append(r)
        print(f"{r['chars']:>12,} {r['seconds']:>9.1f} {r['per100k']:>13.2f} "
              f"{r['peak_mb']:>8.0f} {r['entities']:>9,} {r['status']:>7}", flush=True)
    if len(rows) > 1:
        print(f"per-character cost, {rows[-1]['chars']:,} / {rows[0]['chars']:,}: "
              f"{rows[-1]['per100k'] / rows[0]['per100k']:.2f}x (goal <= 1.5); peak memory "
              f"at {rows[-1]['chars']:,}: {rows[-1]['peak_mb']:.0f} MB (goal < 2048)")


if __name__ == "__main__":
    main()
