"""The amount finder's cost by text length: CPU seconds per 100,000 characters stays flat
when the patterns are linear in the text (a regression here was once quadratic).

    python benchmarks/amounts.py                 # 200, 2,000 and 20,000 copies of a line
    python benchmarks/amounts.py --copies 500 5000

Timed here, not in a unit test (tests/test_amounts.py checks the matches only): a busy
machine makes any timed assertion flaky.
"""
from __future__ import annotations

import argparse
import time

CHUNK = ("For 2021 er det budsjettert med 217 millioner kroner, 37 partnere og "
         "telefon 22 24 25 00. NOK 30–80 million. 1 2 3 4 5 6 7 8 9 10 11 12 13 14 ")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", type=int, nargs="+", default=[200, 2_000, 20_000])
    ap.add_argument("--lang", default="nb")
    args = ap.parse_args()
    from klynge.normalisers.amounts import find_amounts
    find_amounts(CHUNK, args.lang)  # compile the patterns outside the timing
    print(f"{'copies':>8} {'chars':>10} {'amounts':>8} {'cpu s':>8} {'s/100k chars':>13}")
    for n in args.copies:
        text = CHUNK * n
        started = time.process_time()
        found = find_amounts(text, args.lang)
        seconds = time.process_time() - started
        print(f"{n:>8} {len(text):>10,} {len(found):>8} {seconds:>8.3f} "
              f"{seconds / len(text) * 100_000:>13.4f}")


if __name__ == "__main__":
    main()
