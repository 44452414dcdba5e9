"""Cost of a run of blank lines (issue #23.11): seconds by the length of the run.

    python benchmarks/blank_lines.py                    # 10k, 20k, 40k and 100k newlines
    python benchmarks/blank_lines.py --runs 5000 50000

A short release with one run of N blank lines in its middle (as "\\n", as " \\n") goes
through ``Processor.process`` as ``klynge run`` processes it. Linear passes give seconds
proportional to N: the last column (seconds per 10,000 lines) stays flat. Before the fix
(the sentence starts walked every run once per line) 40,000 newlines took 46 s and
100,000 took 194 s.
"""
from __future__ import annotations

import argparse
import time

HEAD = "Ny klynge for havvind\n\nOslo, 1. mars 2021\n\nNCE Maritime CleanTech får 2 millioner kroner."
TAIL = "Kontakt: Kari Nordmann, tlf. 900 00 000\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, nargs="+", default=[10_000, 20_000, 40_000, 100_000])
    args = ap.parse_args()
    from klynge.ingest import RawDocument
    from klynge.normalise import normalise_text
    from klynge.runner.process import Processor
    proc = Processor.load().warm()  # every language loaded first: no load in the timings
    print(f"{'lines':>8} {'shape':>6} {'seconds':>9} {'s/10k lines':>12} {'status':>8}")
    for n in args.runs:
        for shape in ("\n", " \n"):
            text = normalise_text(HEAD + shape * n + TAIL)[0]
            started = time.perf_counter()
            rec = proc.process(RawDocument(text=text, id="blank", source={}))
            seconds = time.perf_counter() - started
            print(f"{n:>8} {shape!r:>6} {seconds:>9.2f} {seconds / n * 10_000:>12.3f} "
                  f"{rec.status:>8}")


if __name__ == "__main__":
    main()
