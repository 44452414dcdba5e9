"""The dev-set lever runs of the Scandinavian NER model card (models/README.md): each lever
trains at the same step budget from the same converted data and is scored on DEV with the
folding of ``ner_scores.py``. One run at a time, one thread:

    OMP_NUM_THREADS=1 python benchmarks/ner_levers.py --norne ../shared/data/norne \
        --ddt ../shared/data/ner-da --swedish ../shared/data/ner-sv \
        --steps 1500 --out /tmp/ner-levers base da-only sv-only pos chars
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from klynge.maintain.train_ner import CONFIGS, Sources, convert, merge

# lever name -> (config, data sets trained on, train copies of small sets[, overrides])
# The NorNE-only model of the card before (models/nb-ner until issue #21; restore it with
# `git archive 9cee439 models/nb-ner | tar -x -C build/init --strip-components=1`).
WARM = {"paths.init_model": "build/init/nb-ner"}
LEVERS = {
    "warm": ("scandi-ner-warm.cfg", ("nob", "nno", "da", "sv"), {}, WARM),
    "warm-corpus-x4": ("scandi-ner-warm.cfg", ("nob", "nno", "da", "sv", "corpus"),
                       {"corpus": 4}, WARM),
    # the shipped recipe with the Danish train data weighted four times (Danish ORG is the
    # weakest score of the card)
    "warm-corpus-x4-da-x4": ("scandi-ner-warm.cfg", ("nob", "nno", "da", "sv", "corpus"),
                             {"corpus": 4, "da": 4}, WARM),
    "base": ("scandi-ner.cfg", ("nob", "nno", "da", "sv"), {}),
    "norne-only": ("scandi-ner.cfg", ("nob", "nno"), {}),
    "da-only": ("scandi-ner.cfg", ("da",), {}),
    "sv-only": ("scandi-ner.cfg", ("sv",), {}),
    "da-x4": ("scandi-ner.cfg", ("nob", "nno", "da", "sv"), {"da": 4}),
    "corpus": ("scandi-ner.cfg", ("nob", "nno", "da", "sv", "corpus"), {}),
    "corpus-x4": ("scandi-ner.cfg", ("nob", "nno", "da", "sv", "corpus"), {"corpus": 4}),
    "pos": ("lever-pos.cfg", ("nob", "nno", "da", "sv"), {}),
    "chars": ("lever-chars.cfg", ("nob", "nno", "da", "sv"), {}),
    "width128": ("lever-width128.cfg", ("nob", "nno", "da", "sv"), {}),
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--norne", type=Path, required=True)
    ap.add_argument("--ddt", type=Path, required=True)
    ap.add_argument("--swedish", type=Path, required=True)
    ap.add_argument("--corpus", type=Path)
    ap.add_argument("--texts", type=Path, action="append", default=[])
    ap.add_argument("--loc-teacher", type=Path,
                    help="give Danish/Swedish LOC NorNE's fine label by this model "
                         "(klynge train-ner --loc-teacher); use its own --work")
    ap.add_argument("--steps", type=int, default=1500)
    ap.add_argument("--seed", type=int, default=0,
                    help="training seed (another seed of one lever shows the runs' noise)")
    ap.add_argument("--work", type=Path, default=Path("build/levers"))
    ap.add_argument("--out", type=Path, default=Path("/tmp/ner-levers"))
    ap.add_argument("--reuse-data", action="store_true",
                    help="use the DocBins an earlier run converted into WORK/data")
    ap.add_argument("levers", nargs="+", choices=sorted(LEVERS))
    args = ap.parse_args()
    from spacy.cli.train import train as spacy_train

    data_dir = args.work / "data"
    if args.reuse_data and data_dir.is_dir():  # the same sources converted by a run before
        data = {p.stem: p for p in data_dir.glob("*.spacy")}
    else:
        data = convert(Sources(args.norne, args.ddt, args.swedish, args.corpus, args.texts,
                               args.loc_teacher), data_dir)
    args.out.mkdir(parents=True, exist_ok=True)
    for name in args.levers:
        config, sets, repeat, *extra = LEVERS[name]
        tag = name if args.seed == 0 else f"{name}-seed{args.seed}"
        run = args.work / tag
        run.mkdir(parents=True, exist_ok=True)
        train = merge(data, "train", sets, run / "train.spacy", repeat)
        dev = merge(data, "dev", sets, run / "dev.spacy")
        t0 = time.time()
        spacy_train(CONFIGS / config, run / "output", overrides={
            "paths.train": str(train), "paths.dev": str(dev), "system.seed": args.seed,
            "training.max_steps": args.steps, "training.eval_frequency": min(500, args.steps // 2),
            "training.patience": 0, **(extra[0] if extra else {})})
        minutes = round((time.time() - t0) / 60, 1)
        scores = args.out / f"{tag}.json"
        corpus = ["--corpus", str(args.corpus)] if args.corpus else []
        for t in args.texts:
            corpus += ["--texts", str(t)]
        subprocess.run([sys.executable, str(Path(__file__).parent / "ner_scores.py"),
                        "--model", str(run / "output" / "model-best"), "--split", "dev",
                        "--norne", str(args.norne), "--ddt", str(args.ddt),
                        "--swedish", str(args.swedish), "--json", str(scores), *corpus],
                       check=True)
        result = json.loads(scores.read_text())
        result.update({"lever": name, "config": config, "sets": sets, "repeat": repeat,
                       "loc_teacher": str(args.loc_teacher) if args.loc_teacher else None,
                       "steps": args.steps, "seed": args.seed, "train_minutes": minutes})
        scores.write_text(json.dumps(result, indent=2))
        print(json.dumps({"lever": name, "minutes": minutes, **{
            k: v["micro"]["f"] for k, v in result["languages"].items()}}), flush=True)


if __name__ == "__main__":
    main()
