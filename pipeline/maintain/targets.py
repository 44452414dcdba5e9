"""Quality targets of a gold corpus, and why a score misses one.

``corpus/targets.yaml`` holds the bars an issue set (F per field, F per language, the
dev-test gap); ``klynge evaluate`` reads it from the corpus folder (or ``--targets``) and,
on the split the targets are for, prints each target met or not and, for one not met, why:

- how much evidence the score rests on: items, documents, publishers, and a 95% interval
  of F from resampling the split's documents (a bar inside the interval is not missed by
  much more than chance);
- what kind of error each miss and extra is (a cluster found under a name cut short or run
  on, a name the NER never tagged, a name tagged but never called a cluster, an
  organisation the gold does not count as a cluster, a wrong or missing value, ...);
- F on documents whose publisher has documents in the other splits (the text the rules
  were written from) against F on documents from publishers seen nowhere else: the
  dev-test gap in one line.

Nothing here changes a score: the causes are read off the same (gold, predicted) pairs
that were scored, and the per-document counts come from the scorer of
:mod:`klynge.maintain.evaluate` (which imports this module, not the other way round).
"""
from __future__ import annotations

import collections
import random
from pathlib import Path
from typing import Literal, Mapping, Sequence

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from klynge.lexicon import name_key
from klynge.maintain.corpus import SPLITS, GoldDocument, iter_gold, norm_value

# Resampling: enough draws for a stable 95% interval on a few dozen documents, with a
# fixed seed so that the same scores give the same report (byte-identical output).
BOOTSTRAP_DRAWS = 2000
BOOTSTRAP_SEED = 0
# The shortest name key that counts as part of another name ("bio" in "biotechcluster"
# would be chance, "hydrogencluster" in "hydrogenclusterbergen" is not).
MIN_PART = 5

RECORD_FIELDS = ("clusters", "clusters.status", "clusters.members", "clusters.partners",
                 "clusters.location")


class TargetsError(ValueError):
    """A targets file that cannot be read or does not validate."""


class Targets(BaseModel):
    """``targets.yaml``: the bars of one split (validated on load)."""
    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str  # where the bars come from ("issue #22")
    split: Literal[SPLITS]  # type: ignore[valid-type]
    min_f: dict[str, float] = {}
    min_f_each_language: dict[str, float] = {}
    max_gap: dict[str, float] = {}

    @field_validator("min_f", "min_f_each_language", "max_gap")
    @classmethod
    def _known_fields(cls, v: dict[str, float]) -> dict[str, float]:
        for field, bar in v.items():
            if field not in RECORD_FIELDS:
                raise ValueError(f"unknown field {field!r} (known: {', '.join(RECORD_FIELDS)})")
            if not 0 < bar <= 1:
                raise ValueError(f"{field}: {bar} is not a score in (0, 1]")
        return v


def gap_ok(gap: float | None, limit: float | None) -> bool | None:
    """A dev-test gap "stays under" its limit; None where either is unknown."""
    return None if gap is None or limit is None else abs(gap) < limit


def load_targets(path: Path) -> Targets:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise TargetsError(f"{path}: cannot be read: {exc}") from None
    try:
        return Targets.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "file"
        raise TargetsError(f"{path}: {where}: {first['msg']}") from None


def default_targets(corpus: Path) -> Path | None:
    path = corpus / "targets.yaml"
    return path if path.is_file() else None


def targets_problem(path: Path | None) -> str | None:
    """Why the targets file at ``path`` does not validate; None when it does (or is None)."""
    try:
        if path is not None:
            load_targets(path)
    except TargetsError as exc:
        return str(exc)
    return None


def check_targets_file(corpus: Path) -> list[str]:
    """The corpus's targets file's problems (``klynge corpus check``): empty when it is
    valid or there is none."""
    problem = targets_problem(default_targets(corpus))
    return [problem] if problem else []


# ---------------------------------------------------------------------- per document


def _f(tp: float, fp: float, fn: float) -> float | None:
    if tp + fp == 0 or tp + fn == 0:
        return None
    return 2 * tp / (2 * tp + fp + fn)


def bootstrap_interval(counts: Sequence[tuple[int, int, int]]) -> tuple[float, float] | None:
    """95% interval of micro F over documents drawn with replacement."""
    counts = [c for c in counts if any(c)]
    if len(counts) < 2:
        return None
    rng = random.Random(BOOTSTRAP_SEED)
    fs = []
    for _ in range(BOOTSTRAP_DRAWS):
        tp = fp = fn = 0
        for _ in counts:
            a, b, c = counts[rng.randrange(len(counts))]
            tp, fp, fn = tp + a, fp + b, fn + c
        fs.append(_f(tp, fp, fn) or 0.0)
    fs.sort()
    return round(fs[int(0.025 * len(fs))], 3), round(fs[int(0.975 * len(fs)) - 1], 3)


# ---------------------------------------------------------------------- causes


def _names(record) -> set[str]:
    name = record["name"] if isinstance(record, dict) else record.name
    aliases = record.get("aliases", []) if isinstance(record, dict) else record.aliases
    return {k for k in (name_key(n) for n in [name, *aliases]) if k}


def _part_of(a: set[str], b: set[str]) -> bool:
    """One name is the other cut short or run on ("hydrogencluster" / "...bergen")."""
    return any(x != y and min(len(x), len(y)) >= MIN_PART and (x in y or y in x)
               for x in a for y in b)


def _gold_index(names: set[str], golds: Sequence[set[str]]) -> int | None:
    """The gold cluster the scorer pairs a predicted one with: the first sharing a name."""
    return next((i for i, g in enumerate(golds) if names & g), None)


def cluster_causes(gold: GoldDocument, pred: dict) -> tuple[list[str], list[str]]:
    """The kind of each missed gold cluster and each extra predicted one."""
    golds = [_names(c) for c in gold.records.clusters]
    preds = [_names(c) for c in pred["clusters"]]
    entities = collections.defaultdict(set)
    for e in pred["entities"]:
        entities[name_key(e["text"])].add(e["label"])
    gold_orgs = set().union(*(_names(o) for o in gold.records.organisations))
    # as the scorer pairs them: a predicted cluster is the first gold cluster sharing a
    # name with it, and a second one paired with the same gold cluster is an extra
    used = [False] * len(golds)
    extra = []
    for p in preds:
        hit = _gold_index(p, golds)
        if hit is not None and not used[hit]:
            used[hit] = True
        elif hit is not None:
            extra.append("the same cluster twice")
        elif any(_part_of(p, g) for g in golds):
            extra.append("a gold cluster's name cut short or run on")
        elif p & gold_orgs:
            extra.append("an organisation the gold does not count as a cluster")
        else:
            extra.append("a name the gold does not list")
    missed = []
    for g, found in zip(golds, used):
        if found:
            continue
        labels = sorted(set().union(*(entities.get(k, set()) for k in g)))
        if any(_part_of(g, p) for p in preds):
            missed.append("found under a name cut short or run on")
        elif labels:
            missed.append(f"tagged {'/'.join(labels)} but never called a cluster")
        else:
            missed.append("never tagged as a name")
    return missed, extra


def field_causes(gold: GoldDocument, pred: dict, attr: str) -> tuple[list[str], list[str]]:
    """The kind of each missed and extra value of one cluster field (status, ...), counted
    as the evaluation counts them: a predicted cluster is the first gold cluster that
    shares a name with it, and its value is right when it is that cluster's."""
    golds = [(_names(c), _norm(getattr(c, attr))) for c in gold.records.clusters]
    # (gold index or None, value) of every predicted cluster
    keyed = [(_gold_index(_names(c), [g for g, _ in golds]), _norm(c.get(attr)))
             for c in pred["clusters"]]
    pred_items = collections.Counter((i, v) for i, v in keyed if v is not None)
    gold_items = collections.Counter((i, v) for i, (_, v) in enumerate(golds) if v is not None)
    missed = []
    for i, _value in (gold_items - pred_items).elements():
        values = [v for j, v in keyed if j == i]
        if any(v is not None for v in values):
            missed.append("a wrong value")
        elif values:
            missed.append("the cluster found without it")
        else:
            missed.append("its cluster missed")
    extra = []
    for i, _value in (pred_items - gold_items).elements():
        if i is None:
            extra.append("said of a cluster the gold does not list")
        elif golds[i][1] is None:
            extra.append("given where the gold has none")
        elif (i, golds[i][1]) in pred_items:
            extra.append("the same cluster twice")
        else:
            extra.append("a wrong value")
    return missed, extra


def _norm(value) -> str | None:
    # the evaluation's own comparison (a field's value as text), None kept
    return None if value is None else norm_value(str(value))


def causes(pairs: Sequence[tuple[GoldDocument, dict]], field: str,
           lang: str | None = None) -> tuple[collections.Counter, collections.Counter]:
    missed, extra = collections.Counter(), collections.Counter()
    for gold, pred in pairs:
        if lang is not None and gold.meta.lang != lang:
            continue
        if field == "clusters":
            m, e = cluster_causes(gold, pred)
        else:
            m, e = field_causes(gold, pred, field.split(".", 1)[1])
        missed.update(m)
        extra.update(e)
    return missed, extra


# ---------------------------------------------------------------------- the report


def _publishers_elsewhere(corpus: Path, split: str) -> set[str]:
    return {d.meta.publisher for d in iter_gold(corpus, "all")
            if d.meta.split != split and d.meta.publisher}


def _diagnose(metric: str, field: str, lang: str | None, scores: dict, pairs, counts,
              seen: set[str]) -> dict:
    prf = scores["prf"].get(metric, {})
    docs = [(g, counts[g.meta.id].get(metric, (0, 0, 0))) for g, _ in pairs
            if lang is None or g.meta.lang == lang]
    involved = [(g, c) for g, c in docs if any(c)]
    missed, extra = causes(pairs, field, lang)
    groups = {}
    for name, keep in (("seen", True), ("unseen", False)):
        part = [c for g, c in involved if (g.meta.publisher in seen) == keep]
        tp, fp, fn = (sum(x[i] for x in part) for i in range(3))
        groups[name] = {"documents": len(part), "f": None if _f(tp, fp, fn) is None
                        else round(_f(tp, fp, fn), 3)}
    return {"tp": prf.get("tp", 0), "fp": prf.get("fp", 0), "fn": prf.get("fn", 0),
            "documents": len(involved),
            "publishers": len({g.meta.publisher for g, _ in involved}),
            "interval": bootstrap_interval([c for _, c in docs]),
            "missed": dict(missed.most_common()), "extra": dict(extra.most_common()),
            "publishers_elsewhere": groups}


def check_targets(targets: Targets, corpus: Path, scores: dict,
                  pairs: Sequence[tuple[GoldDocument, dict]],
                  counts: Mapping[str, Mapping[str, tuple[int, int, int]]],
                  gap_rows: list[dict] | None = None) -> list[dict]:
    """One row per target: its score, its bar, whether it is met and, if not, why.
    ``counts``: each document's (tp, fp, fn) per metric, by the evaluation's scorer
    (:func:`klynge.maintain.evaluate.per_document`)."""
    seen = _publishers_elsewhere(corpus, scores["split"])
    langs = sorted({g.meta.lang for g, _ in pairs})
    rows = []
    asked = [(f, None, bar) for f, bar in targets.min_f.items()]
    asked += [(f, lang, bar) for f, bar in targets.min_f_each_language.items() for lang in langs]
    for field, lang, bar in asked:
        metric = field if lang is None else f"{field}.language.{lang}"
        f = scores["prf"].get(metric, {}).get("f")
        row = {"target": metric, "kind": "min_f", "score": f, "bar": bar,
               "met": None if f is None else f >= bar}
        if row["met"] is False:
            row["why"] = _diagnose(metric, field, lang, scores, pairs, counts, seen)
        rows.append(row)
    by_field = {r["field"]: r for r in gap_rows or ()}
    for field, bar in targets.max_gap.items():
        g = by_field.get(field)
        gap = g["gap"] if g else None
        rows.append({"target": f"gap {field}", "kind": "max_gap", "score": gap, "bar": bar,
                     "met": gap_ok(gap, bar),
                     **({"dev": g["dev"], "test": g["test"]} if g else {})})
    return rows


def _fmt(x) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def _counted(counter: dict) -> str:
    return ", ".join(f"{n} {why}" for why, n in counter.items()) or "none"


def format_targets(targets: Targets, path: Path, rows: list[dict], gap_scored: bool) -> str:
    met = sum(1 for r in rows if r["met"])
    lines = [f"targets ({path}, {targets.source}, split {targets.split}): {met} of "
             f"{len(rows)} met"]
    for r in rows:
        op = "<" if r["kind"] == "max_gap" else ">="
        verdict = {True: "met", False: "NOT MET", None: "n/a"}[r["met"]]
        line = f"{r['target']:30} {_fmt(r['score']):>6} {op} {r['bar']:.2f}  {verdict}"
        if r["kind"] == "max_gap" and r["score"] is not None:
            line += f" (dev {_fmt(r['dev'])}, test {_fmt(r['test'])})"
        elif r["kind"] == "max_gap" and not gap_scored:
            line += " (run with --gap to score it)"
        elif r["kind"] == "max_gap":
            line += " (no score on one side)"
        elif r["met"] is None:
            line += " (nothing to score in this split)"
        lines.append(line)
        why = r.get("why")
        if not why:
            continue
        iv = why["interval"]
        lines.append(f"    {why['tp']} right, {why['fp']} extra, {why['fn']} missed in "
                     f"{why['documents']} documents from {why['publishers']} publishers"
                     + (f"; 95% interval of F {iv[0]:.3f}-{iv[1]:.3f}"
                        + (" (the bar is inside it)" if iv[0] <= r["bar"] <= iv[1] else "")
                        if iv else ""))
        if why["fn"]:
            lines.append(f"    missed: {_counted(why['missed'])}")
        if why["fp"]:
            lines.append(f"    extra: {_counted(why['extra'])}")
        seen, unseen = why["publishers_elsewhere"]["seen"], why["publishers_elsewhere"]["unseen"]
        lines.append(f"    publishers with documents in other splits: F {_fmt(seen['f'])} "
                     f"({seen['documents']} documents); publishers seen nowhere else: F "
                     f"{_fmt(unseen['f'])} ({unseen['documents']} documents)")
    return "\n".join(lines)
