"""Milliseconds per document of the sections stage (``split_sections``) on the bundled
texts, in every registered language's rules (speed is a benchmark, never a timed test).

    python benchmarks/sections.py [--rounds 20]
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from klynge.rules import registry
from klynge.sections import split_sections

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=20)
    args = ap.parse_args()
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus" / "texts").glob("*.txt"))]
    out = {}
    for lang in registry().codes:
        for text in texts:
            split_sections(text, lang)  # the rules load once, outside the timing
        t0 = time.perf_counter()
        for _ in range(args.rounds):
            for text in texts:
                split_sections(text, lang)
        out[lang] = round((time.perf_counter() - t0) / (args.rounds * len(texts)) * 1000, 2)
    print(json.dumps({"ms_per_document": out, "documents": len(texts), "rounds": args.rounds}))


if __name__ == "__main__":
    main()
