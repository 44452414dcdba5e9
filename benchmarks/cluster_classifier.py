"""Experiment (issue #22): a statistical cluster-mention classifier over organisation
mentions, judged by leave-one-publisher-out on train+dev. Not part of the pipeline.

Input: a ``klynge run`` output over the train+dev texts (``--run``; make it with the
texts of corpus/ and the --texts folders, ids = gold ids) and the gold corpus.
Candidates: every ORG entity of the run that is not a mention of a cluster the rules
found. Label: its name (name_key, status prefix stripped) is a gold cluster's name or
alias. Features: hashed words around the mention (side-marked), the mention's own words
and shape, whether its sentence / the text before it speak of clusters (the language's
cluster_word), the lang. Model: L2 logistic regression (numpy), seeded, fixed epochs.

For each held-out publisher: train on the others, add the names the model calls
clusters (p >= threshold) to the rules' clusters of the held-out documents, score both
at the record level (name and aliases by name_key, as klynge evaluate matches them).

    python benchmarks/cluster_classifier.py --run /tmp/trdev_out.jsonl [--all]

Measured (clusters3, 81 train+dev documents with texts, 44 publishers, rules with the
gazetteer recognition of that branch):

- the ORG mentions outside the rules' clusters hold 4 positives against 566 negatives:
  the rules were written from these documents and find 86 of their 90 gold clusters, so
  as a complement there is nothing left to learn here;
- every ORG mention (``--all``): 140 positive, 582 negative, enough to train on, but only
  65 of the 90 gold clusters have an ORG mention of their name at all (the NER misses
  the rest, Swedish most). Leave-one-publisher-out, record-level F (TP FP FN): rules
  0.905 (86 14 4); the model alone 0.568-0.588 (p >= 0.1-0.5); rules + the model's
  names 0.753-0.845 (+1 TP for 15-40 FP); the model vetoing a rules' cluster it scores
  low 0.788-0.868. It does not beat the rules on held-out publishers, so it is not
  shipped.
- every run of capitalised words as a candidate (``--all --names``, recall not bounded by
  the NER; the NER's label of the run is a feature): 164 positive, 3070 negative. The
  model alone 0.435-0.583 (p >= 0.9-0.3; Swedish 0.06-0.31: one publisher, Tillväxtverket's
  S3 list, holds most Swedish positives, so leaving it out leaves little to learn from);
  rules + the model 0.843-0.905 (never above the rules: p >= 0.9 adds nothing, lower
  thresholds add only false positives); veto 0.463-0.657. Not shipped either.

What the corpus lacks for a model is not examples but publishers: 90 gold clusters from
44 publishers, a few publishers holding most of them.
"""
from __future__ import annotations

import argparse
import json
import re
from collections import defaultdict
from pathlib import Path

import numpy as np

from klynge.lexicon import name_key
from klynge.records.clusters.rules import lang_rules, shared_rules

DIM = 2 ** 16
WHERE = {False: " outside the rules' clusters", True: ""}
NAMES = False  # --names: candidates are every run of capitalised words, not the NER's ORG spans
ALL = False  # --all: every ORG mention is a candidate, also those of the rules' clusters
WINDOW = 6


def h(s: str) -> int:
    # a stable hash (Python's hash() is salted per process)
    v = 2166136261
    for ch in s.encode("utf-8"):
        v = ((v ^ ch) * 16777619) & 0xFFFFFFFF
    return v % DIM


def words(s: str) -> list[str]:
    return re.findall(r"\w+", s.casefold())


def features(text: str, start: int, end: int, lang: str, sent: tuple[int, int]) -> list[int]:
    rules = lang_rules(lang)
    mention = text[start:end]
    left = words(text[max(sent[0], start - 200):start])[-WINDOW:]
    right = words(text[end:min(sent[1], end + 200)])[:WINDOW]
    f = [f"bias", f"lang={lang}"]
    f += [f"L:{w}" for w in left] + [f"R:{w}" for w in right]
    f += [f"L1:{left[-1]}" if left else "L1:<s>", f"R1:{right[0]}" if right else "R1:</s>"]
    mw = words(mention)
    f += [f"M:{w}" for w in mw] + [f"Mlast:{mw[-1]}" if mw else "Mlast:"]
    f += [f"Mlen={min(len(mw), 5)}"]
    shape = "".join("A" if w[:1].isupper() else "a" for w in mention.split())
    f += [f"shape={shape[:4]}", f"caps={mention.isupper()}",
          f"initial={not text[sent[0]:start].strip()}"]
    # the NER's label of the mention, when the run lines up with an entity
    f += [f"ent={lab}" for lab in ENT_LABELS.get((start, end), ())]
    stext = text[sent[0]:sent[1]]
    f += [f"sent_cluster={bool(rules.cluster_word.search(stext.replace(mention, '')))}"]
    f += [f"before_cluster={bool(rules.cluster_word.search(text, max(0, start - 400), start))}"]
    f += [f"doc_cluster_n={min(len(rules.cluster_word.findall(text)), 9) // 3}"]
    return sorted({h(x) for x in f})


ENT_LABELS: dict = {}


def sentence_of(doc: dict, pos: int) -> tuple[int, int]:
    text = doc["text"]
    s = max(text.rfind(".", 0, pos), text.rfind("\n", 0, pos)) + 1
    e = min([i for i in (text.find(".", pos), text.find("\n", pos)) if i >= 0] or [len(text)])
    return s, e


def key(name: str) -> str:
    return name_key(shared_rules().status_prefix.sub("", name, count=1))


def load(run: Path, corpus: Path):
    gold = {}
    for split in ("train", "dev"):
        for line in (corpus / f"{split}.jsonl").open(encoding="utf-8"):
            d = json.loads(line)
            gold[d["meta"]["id"]] = d
    docs = []
    for line in run.open(encoding="utf-8"):
        out = json.loads(line)
        g = gold[out["id"]]
        lang = g["meta"]["lang"]
        gold_sets = [{key(c["name"]), *(key(a) for a in c.get("aliases", []))}
                     for c in g["records"].get("clusters") or []]
        gold_keys = set().union(*gold_sets) if gold_sets else set()
        rule_sets = [{key(c["name"]), *(key(a) for a in c.get("aliases", []))}
                     for c in out.get("clusters") or []]
        rule_keys = set().union(*rule_sets) if rule_sets else set()
        cands = []
        ENT_LABELS.clear()
        for e in out.get("entities") or []:
            ENT_LABELS.setdefault((e["start"], e["end"]), set()).add(e["label"])
        if NAMES:
            spans = [{"start": m.start(), "end": m.end(), "text": m.group(0), "label": "ORG"}
                     for m in shared_rules().name_re.finditer(out["text"])]
        else:
            spans = out.get("entities") or []
        for e in spans:
            if e["label"] != "ORG":
                continue
            k = key(e["text"])
            if not k or (k in rule_keys and not ALL):
                continue
            x = features(out["text"], e["start"], e["end"], lang, sentence_of(out, e["start"]))
            cands.append((k, e["text"], x, int(k in gold_keys)))
        docs.append({"id": out["id"], "publisher": g["meta"].get("publisher") or out["id"],
                     "lang": lang, "gold": gold_sets, "rules": rule_sets, "cands": cands})
    return docs


def train(X: list[list[int]], y: np.ndarray, epochs: int = 30, lr: float = 0.5,
          l2: float = 1e-3, pos_weight: float = 1.0) -> np.ndarray:
    w = np.zeros(DIM)
    rng = np.random.default_rng(22)
    for _ in range(epochs):
        for i in rng.permutation(len(X)):
            idx = X[i]
            p = 1 / (1 + np.exp(-w[idx].sum()))
            g = (p - y[i]) * (pos_weight if y[i] else 1.0)
            w[idx] -= lr * (g + l2 * w[idx])
    return w


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return (2 * p * r / (p + r)) if p + r else 0.0


def match(pred: list[set[str]], gold: list[set[str]]) -> tuple[int, int, int]:
    used = set()
    tp = 0
    for p in pred:
        j = next((j for j, g in enumerate(gold) if j not in used and p & g), None)
        if j is not None:
            used.add(j)
            tp += 1
    return tp, len(pred) - tp, len(gold) - tp


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--run", type=Path, required=True)
    ap.add_argument("--corpus", type=Path, default=Path("corpus"))
    ap.add_argument("--threshold", type=float, nargs="+", default=[0.5, 0.7, 0.9])
    ap.add_argument("--names", action="store_true",
                    help="candidates: every run of capitalised words ({NAME}), not ORG entities")
    ap.add_argument("--all", action="store_true",
                    help="every ORG mention is a candidate; also score the model alone")
    args = ap.parse_args()
    global ALL, NAMES
    ALL = args.all
    NAMES = args.names
    docs = load(args.run, args.corpus)
    pos = sum(c[3] for d in docs for c in d["cands"])
    neg = sum(1 - c[3] for d in docs for c in d["cands"])
    mentions_gold = sum(1 for d in docs for c in d["cands"] if c[3])
    print(f"{len(docs)} documents, {len({d['publisher'] for d in docs})} publishers; "
          f"ORG candidates{WHERE[ALL]}: {pos} positive, {neg} negative "
          f"(gold clusters {sum(len(d['gold']) for d in docs)}, found by rules "
          f"{sum(match(d['rules'], d['gold'])[0] for d in docs)})")
    by_pub = defaultdict(list)
    for d in docs:
        by_pub[d["publisher"]].append(d)
    totals = {"rules": [0, 0, 0], **{t: [0, 0, 0] for t in args.threshold},
              **{f"alone {t}": [0, 0, 0] for t in args.threshold}}
    per_lang = defaultdict(lambda: {"rules": [0, 0, 0], **{t: [0, 0, 0] for t in args.threshold}})
    for pub, held in sorted(by_pub.items()):
        train_c = [c for d in docs if d["publisher"] != pub for c in d["cands"]]
        if not any(c[3] for c in train_c):
            continue
        w = train([c[2] for c in train_c], np.array([c[3] for c in train_c], dtype=float))
        for d in held:
            base = match(d["rules"], d["gold"])
            for i, v in enumerate(base):
                totals["rules"][i] += v
                per_lang[d["lang"]]["rules"][i] += v
            scores = defaultdict(float)
            for k, _, x, _ in d["cands"]:
                scores[k] = max(scores[k], 1 / (1 + np.exp(-w[x].sum())))
            for t in args.threshold:
                extra = [{k} for k, p in sorted(scores.items()) if p >= t]
                rk = set().union(*d["rules"]) if d["rules"] else set()
                res = match(d["rules"] + [e for e in extra if not e & rk], d["gold"])
                for i, v in enumerate(res):
                    totals[t][i] += v
                    per_lang[d["lang"]][t][i] += v
                # veto: a rules' cluster whose every ORG mention the model scores under t
                kept = [r for r in d["rules"]
                        if not any(k in r for k in scores) or max(scores[k] for k in r if k in scores) >= t]
                veto = match(kept, d["gold"])
                for i, v in enumerate(veto):
                    totals.setdefault(f"veto {t}", [0, 0, 0])[i] += v
                alone = match(extra, d["gold"])
                for i, v in enumerate(alone):
                    totals[f"alone {t}"][i] += v
                    per_lang[d["lang"]].setdefault(f"alone {t}", [0, 0, 0])
                    per_lang[d["lang"]][f"alone {t}"][i] += v
    print("leave-one-publisher-out, record-level cluster F (TP FP FN)")
    for name, (tp, fp, fn) in totals.items():
        label = name if isinstance(name, str) else f"rules + model p>={name}"
        print(f"  {label:24} "
              f"F {prf(tp, fp, fn):.3f}  {tp} {fp} {fn}")
    for lang, t in sorted(per_lang.items()):
        print(f"  {lang}: " + "  ".join(f"{n}: {prf(*v):.3f}" for n, v in t.items()))


if __name__ == "__main__":
    main()
