"""``klynge evaluate``: score exactly the pipeline of ``klynge run`` on the gold corpus.

Entry point: :func:`evaluate` (returns the scores and the error list); the CLI wrapper
:func:`main_evaluate` writes ``scores.json``, ``errors.jsonl``, an optional HTML report,
compares runs and guards the pinned baseline.
"""
from __future__ import annotations

import collections
import html
import json
import sys
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from spacy.scorer import PRFScore

from klynge.maintain.corpus import (GoldDocument, corpus_fingerprint, iter_gold, norm_value,
                           text_path, with_texts)
from klynge.ingest import iter_documents
from klynge.lexicon import name_key
from klynge.maintain.targets import (check_targets, default_targets,
                                     format_targets, gap_ok, load_targets)
from klynge.normalisers.numbers import decimal_str
from klynge.options import PipelineOptions
from klynge.runner.process import Processor

CONTEXT = 40
BASELINE_TOLERANCE = 0.005  # half a point of F1/accuracy


def _prf(score: PRFScore) -> dict[str, float | None]:
    """P/R/F, each None ("n/a") where it is undefined: no prediction (P), no gold item (R),
    neither (F); spaCy's PRFScore would report those as 0 or 1."""
    has_pred, has_gold = score.tp + score.fp > 0, score.tp + score.fn > 0
    return {"p": round(score.precision, 4) if has_pred else None,
            "r": round(score.recall, 4) if has_gold else None,
            "f": round(score.fscore, 4) if has_pred and has_gold else None,
            "tp": score.tp, "fp": score.fp, "fn": score.fn}


def _fmt(x: float | None) -> str:
    return f"{x:6.3f}" if x is not None else f"{'n/a':>6}"


def _norm(s: str | None) -> str:
    # People, roles, speakers and values; organisation and cluster names compare by the
    # pipeline's own name key (klynge.lexicon.name_key).
    return norm_value(s)


# Metrics that are also reported per kind of publisher (government, agency, cluster, ...).
BY_PUBLISHER = frozenset({"entities", "people", "people.roles", "organisations", "clusters",
                          "clusters.status", "clusters.members", "clusters.partners",
                          "clusters.location", "amounts", "dates", "quotes"})


class _Scorer:
    """Counts per metric with spaCy's PRFScore, and keeps every error with its context."""

    def __init__(self) -> None:
        self.scores: dict[str, PRFScore] = collections.defaultdict(PRFScore)
        self.errors: list[dict] = []

    def add(self, metric: str, doc: GoldDocument, pred: Iterable, gold: Iterable,
            describe=None, errors: bool = True) -> None:
        """Count one document's items for ``metric``; its errors are listed once, under the
        metric itself (breakdowns pass ``errors=False``). Headline record metrics are also
        broken down by the kind of publisher."""
        pred_c, gold_c = collections.Counter(pred), collections.Counter(gold)
        tp = sum((pred_c & gold_c).values())
        names = [metric]
        if metric in BY_PUBLISHER and doc.meta.publisher_kind:
            names.append(f"{metric}.publisher.{doc.meta.publisher_kind}")
        for name in names:
            s = self.scores[name]
            s.tp += tp
            s.fp += sum(pred_c.values()) - tp
            s.fn += sum(gold_c.values()) - tp
        if not errors:
            return
        for kind, items in (("fp", pred_c - gold_c), ("fn", gold_c - pred_c)):
            for item in items.elements():
                self.errors.append({"doc": doc.meta.id, "metric": metric, "type": kind,
                                    **(describe(item) if describe else {"item": item})})

    def table(self) -> dict[str, dict]:
        out = {k: _prf(v) for k, v in sorted(self.scores.items())}
        for k, v in out.items():
            if k.startswith("entities.source."):
                v["r"] = v["f"] = None  # gold spans have no source: only precision exists
        return out


def _span_describe(text: str):
    def describe(item):
        start, end, label = item[:3]
        return {"label": label, "start": start, "end": end, "text": text[start:end],
                "context": text[max(0, start - CONTEXT):end + CONTEXT]}
    return describe


def _org_names(orgs: Iterable[dict]) -> list[set[str]]:
    return [{name_key(o["name"]), *(name_key(a) for a in o.get("aliases", []))} for o in orgs]


def _match_orgs(pred: list[set[str]], gold: list[set[str]]) -> tuple[list, list]:
    """Organisations match when any name or alias agrees; returns comparable keys."""
    gold_keys = [sorted(g)[0] for g in gold]
    pred_keys = []
    for names in pred:
        hit = next((gk for g, gk in zip(gold, gold_keys) if names & g), None)
        pred_keys.append(hit or "~" + sorted(names)[0])
    return pred_keys, gold_keys


def _cluster_key(names: set[str], gold: list[tuple[set[str], str]]) -> str:
    return next((key for g, key in gold if names & g), "~" + sorted(names)[0])


def _show_names(name: str, aliases: Iterable[str]) -> str:
    aliases = [a for a in aliases if a != name]
    return f"{name!r}" + (f" (also {', '.join(repr(a) for a in aliases)})" if aliases else "")


def _record_describe(noun: str, shown: dict[str, str], attr: str | None = None):
    """Errors of a record metric as text a person reads ("cluster 'X': location 'Y'"),
    not the comparison key: ``shown`` maps each key to the record's names as written."""
    def describe(item):
        key, value = (item if attr else (item, None))
        text = f"{noun} {shown.get(key, key.lstrip('~'))}"
        if attr:
            text += f": {attr} {value!r}"
        return {"text": text}
    return describe


def _tuple_describe(*parts: str):
    """("kari nordmann", "nok") -> "person 'kari nordmann', role 'nok'"."""
    def describe(item):
        values = item if isinstance(item, tuple) else (item,)
        return {"text": ", ".join(f"{p} {v!r}" for p, v in zip(parts, values))}
    return describe


def source_family(source: str) -> str:
    """``model``, or ``rule:`` + the rule's family ("rule:gpe.norge" -> "rule:gpe"): one
    precision per kind of rule, not one per gazetteer entry."""
    if not source.startswith("rule:"):
        return source
    return "rule:" + source[len("rule:"):].split(".")[0]


def score_document(scorer: _Scorer, doc: GoldDocument, pred: dict, lang_hits: list) -> None:
    text, g, m = doc.text, doc.records, doc.meta
    describe = _span_describe(text)
    lang = m.lang
    gold_spans = [(s.start, s.end, s.label) for s in doc.spans]
    pred_spans = [(e["start"], e["end"], e["label"]) for e in pred["entities"]]
    scorer.add("entities", doc, pred_spans, gold_spans, describe)
    for label in sorted({s[2] for s in gold_spans + pred_spans}):
        scorer.add(f"entities.label.{label}", doc, [s for s in pred_spans if s[2] == label],
                   [s for s in gold_spans if s[2] == label], errors=False)
    scorer.add(f"entities.language.{lang}", doc, pred_spans, gold_spans, errors=False)

    gold_set = collections.Counter(gold_spans)
    by_source = collections.defaultdict(list)
    for e in pred["entities"]:
        by_source[source_family(e["source"])].append((e["start"], e["end"], e["label"]))
    for source, spans in sorted(by_source.items()):
        # Precision per source: recall is not defined per source (gold has no source).
        s = scorer.scores[f"entities.source.{source}"]
        hits = sum((collections.Counter(spans) & gold_set).values())
        s.tp += hits
        s.fp += len(spans) - hits

    scorer.add("people", doc, [_norm(p["name"]) for p in pred["people"]],
               [_norm(p.name) for p in g.people], _tuple_describe("person"))
    scorer.add("people.roles", doc,
               [(_norm(p["name"]), _norm(r)) for p in pred["people"] for r in p["roles"]],
               [(_norm(p.name), _norm(r)) for p in g.people for r in p.roles],
               _tuple_describe("person", "role"))
    # A person's organisation counts under any of its names in the gold organisations
    # ("UD" for "Utenriksdepartementet").
    gold_names = _org_names([o.model_dump() for o in g.organisations])

    def org_key(name: str) -> str:
        key = name_key(name)
        return next((sorted(names)[0] for names in gold_names if key in names), key)

    scorer.add("people.organisation", doc,
               [(_norm(p["name"]), org_key(p["organisation"])) for p in pred["people"]
                if p.get("organisation")],
               [(_norm(p.name), org_key(p.organisation)) for p in g.people if p.organisation],
               _tuple_describe("person", "organisation"))
    gold_orgs = [o.model_dump() for o in g.organisations]
    pk, gk = _match_orgs(_org_names(pred["organisations"]), _org_names(gold_orgs))
    shown = {k: _show_names(o["name"], o.get("aliases", [])) for k, o in zip(pk, pred["organisations"])}
    shown.update({k: _show_names(o["name"], o.get("aliases", [])) for k, o in zip(gk, gold_orgs)})
    scorer.add("organisations", doc, pk, gk, _record_describe("organisation", shown))
    scorer.add("amounts", doc, [(a["value"], a["currency"]) for a in pred["amounts"]],
               [(_dec(a.value), a.currency) for a in g.amounts], _tuple_describe("amount", "currency"))
    scorer.add("dates", doc, [d["value"] for d in pred["dates"]], [d.value for d in g.dates],
               _tuple_describe("date"))
    scorer.add("urls", doc, [_norm(u["url"]).rstrip("/") for u in pred["urls"]],
               [_norm(u.url).rstrip("/") for u in g.urls], _tuple_describe("url"))
    scorer.add("quotes", doc, [_quote_key(q["start"], q["end"], q.get("speaker"), g.quotes)
                               for q in pred["quotes"]],
               [(q.start, _norm(q.speaker)) for q in g.quotes],
               lambda q: {"start": abs(q[0]), "text": f"quote at {abs(q[0])}: "
                          f"{text[abs(q[0]):abs(q[0]) + 2 * CONTEXT]!r}, speaker {q[1] or None!r}"})
    score_clusters(scorer, doc, pred["clusters"])
    gold_bounds = {s.start for s in g.sections if s.start > 0}
    pred_bounds = {s["start"] for s in pred["sections"] if s["start"] > 0}
    scorer.add("sections.boundaries", doc, sorted(pred_bounds), sorted(gold_bounds),
               lambda b: {"start": b, "context": text[max(0, b - CONTEXT):b + CONTEXT]})
    pred_kind = {s["start"]: s["kind"] for s in pred["sections"]}
    for s in g.sections:
        if s.start in pred_kind or s.start == 0:
            ok = pred_kind.get(s.start) == s.kind
            lang_hits.append(("sections.kind", ok))
            if not ok:
                scorer.errors.append({"doc": m.id, "metric": "sections.kind", "type": "wrong",
                                      "start": s.start, "gold": s.kind,
                                      "pred": pred_kind.get(s.start),
                                      "context": text[s.start:s.start + 2 * CONTEXT]})
    for field in ("title", "published", "publisher"):
        gold_value = getattr(g, field)
        if gold_value is not None:
            ok = _norm(pred.get(field)) == _norm(gold_value)
            lang_hits.append((f"metadata.{field}", ok))
            if not ok:
                scorer.errors.append({"doc": m.id, "metric": f"metadata.{field}",
                                      "type": "wrong", "gold": gold_value,
                                      "pred": pred.get(field)})
    ok = pred["language"]["code"] == g.language
    lang_hits.append(("language", ok))
    if not ok:
        scorer.errors.append({"doc": m.id, "metric": "language", "type": "wrong",
                              "gold": g.language, "pred": pred["language"]["code"]})


CLUSTER_FIELDS = ("clusters", "clusters.status", "clusters.members", "clusters.partners",
                  "clusters.location")


def score_clusters(scorer: _Scorer, doc: GoldDocument, clusters: list[dict]) -> None:
    """Clusters and each of their fields, also per language (``clusters.language.da``,
    ``clusters.status.language.da``): a predicted cluster matches the gold cluster that
    shares a name or an alias (by name key), its fields compare under that cluster."""
    g, lang = doc.records, doc.meta.lang
    gold_clusters = [({name_key(c.name), *(name_key(a) for a in c.aliases)}, name_key(c.name))
                     for c in g.clusters]
    pred_keys = [_cluster_key({name_key(c["name"]), *(name_key(a) for a in c.get("aliases", []))},
                              gold_clusters) for c in clusters]
    shown = {k: _show_names(c["name"], c.get("aliases", [])) for k, c in zip(pred_keys, clusters)}
    shown.update({name_key(c.name): _show_names(c.name, c.aliases) for c in g.clusters})
    pred, gold = pred_keys, [k for _, k in gold_clusters]
    scorer.add("clusters", doc, pred, gold, _record_describe("cluster", shown))
    scorer.add(f"clusters.language.{lang}", doc, pred, gold, errors=False)
    for attr in ("status", "members", "partners", "location"):
        pred = [(k, _norm(str(c.get(attr)))) for k, c in zip(pred_keys, clusters)
                if c.get(attr) is not None]
        gold = [(name_key(c.name), _norm(str(getattr(c, attr)))) for c in g.clusters
                if getattr(c, attr) is not None]
        scorer.add(f"clusters.{attr}", doc, pred, gold, _record_describe("cluster", shown, attr))
        scorer.add(f"clusters.{attr}.language.{lang}", doc, pred, gold, errors=False)


def cluster_gap(dev: dict, test: dict, limits: Mapping[str, float] | None = None) -> list[dict]:
    """Each cluster field's F on dev and on test and their gap (dev - test); ``ok`` when
    the gap is under the field's limit (the corpus targets' ``max_gap``; None where either
    F is n/a or the field has no limit)."""
    limits = limits or {}
    rows = []
    for field in CLUSTER_FIELDS:
        d = dev["prf"].get(field, {}).get("f")
        t = test["prf"].get(field, {}).get("f")
        gap = round(d - t, 4) if d is not None and t is not None else None
        limit = limits.get(field)
        rows.append({"field": field, "dev": d, "test": t, "gap": gap, "limit": limit,
                     "ok": gap_ok(gap, limit)})
    return rows


def format_gap(rows: list[dict]) -> str:
    lines = [f"{'dev-test gap':22} {'dev':>6} {'test':>6} {'gap':>6} {'limit':>6}"]
    for r in rows:
        verdict = "n/a" if r["ok"] is None else ("ok" if r["ok"] else "over")
        lines.append(f"{r['field']:22} {_fmt(r['dev'])} {_fmt(r['test'])} "
                     f"{_fmt(r['gap'])} {_fmt(r.get('limit'))}  {verdict}")
    return "\n".join(lines)


def format_cluster_languages(scores: dict) -> str:
    """Cluster F per field and language: the table the issue's per-language target reads."""
    prf = scores["prf"]
    langs = sorted({k.rsplit(".", 1)[1] for k in prf if k.startswith("clusters.language.")})
    lines = [f"{'cluster F by language':22}" + "".join(f" {l:>6}" for l in langs)]
    for field in CLUSTER_FIELDS:
        lines.append(f"{field:22}" + "".join(
            f" {_fmt(prf.get(f'{field}.language.{l}', {}).get('f'))}" for l in langs))
    return "\n".join(lines)


def _dec(value: str) -> str:
    return decimal_str(value)


def _quote_key(start: int, end: int, speaker: str | None, gold_quotes) -> tuple:
    """A predicted quote counts as the gold quote it overlaps most (at least half)."""
    best, best_overlap = None, 0
    for q in gold_quotes:
        overlap = min(end, q.end) - max(start, q.start)
        if overlap > best_overlap:
            best, best_overlap = q, overlap
    if best is not None and best_overlap * 2 >= (best.end - best.start):
        return (best.start, _norm(speaker))
    return (-start, _norm(speaker))


def evaluate(corpus: Path, split: str = "dev", processor: Processor | None = None,
             texts_dirs: Sequence[Path] = (), options: PipelineOptions | None = None
             ) -> tuple[dict, list[dict], list[tuple[GoldDocument, dict]]]:
    """Run the pipeline over the split; returns (scores, errors, [(gold, predicted)]).

    Documents under their publisher's copyright are in the corpus as annotations and a
    hash only; their texts are read from ``texts_dirs`` and skipped (counted in
    ``scores["skipped"]``) when it is not given or lacks them."""
    # Exactly the pipeline of `klynge run` under the same options (defaults: its defaults).
    processor = processor or Processor.load(options)
    options = processor.options
    scorer = _Scorer()
    hits: list[tuple[str, bool]] = []
    pairs = []
    golds, skipped = with_texts(corpus, iter_gold(corpus, split), texts_dirs)
    raws = []
    for doc in golds:
        raw = next(iter_documents([str(text_path(corpus, doc, texts_dirs))],
                                  max_chars=options.max_chars))
        raw.id = doc.meta.id
        raws.append(raw)
    records = processor.process_batch(raws)
    for doc, rec in zip(golds, records):
        pred = rec.model_dump(mode="json")
        if pred["text"] != doc.text:
            scorer.errors.append({"doc": doc.meta.id, "metric": "text", "type": "wrong",
                                  "message": "pipeline text differs from the gold text"})
        score_document(scorer, doc, pred, hits)
        pairs.append((doc, pred))
    scores: dict[str, Any] = {"split": split, "documents": len(golds),
                              "skipped": len(skipped),
                              "corpus_fingerprint": corpus_fingerprint(corpus),
                              "prf": scorer.table(), "accuracy": {}}
    acc = collections.defaultdict(lambda: [0, 0])
    for name, ok in hits:
        acc[name][0] += int(ok)
        acc[name][1] += 1
    scores["accuracy"] = {k: {"accuracy": round(c / n, 4), "n": n}
                          for k, (c, n) in sorted(acc.items())}
    return scores, scorer.errors, pairs


def per_document(pairs: Sequence[tuple[GoldDocument, dict]]) -> dict[str, dict[str, tuple]]:
    """(tp, fp, fn) of every metric, per document (what the targets' intervals resample)."""
    out = {}
    for gold, pred in pairs:
        scorer = _Scorer()
        score_document(scorer, gold, pred, [])
        out[gold.meta.id] = {k: (s.tp, s.fp, s.fn) for k, s in scorer.scores.items()}
    return out


def flatten(scores: dict) -> dict[str, float]:
    """Headline numbers: each PRF's F (precision where recall is undefined) and accuracy."""
    flat = {}
    for k, v in scores["prf"].items():
        key, value = (f"{k}.p", v["p"]) if k.startswith("entities.source.") else (f"{k}.f", v["f"])
        if value is not None:  # n/a: nothing to pin
            flat[key] = value
    for k, v in scores["accuracy"].items():
        flat[f"{k}.accuracy"] = v["accuracy"]
    return flat


def compare(new: dict, old: dict) -> list[tuple[str, float | None, float | None, float]]:
    a, b = flatten(new), flatten(old)
    rows = []
    for key in sorted(set(a) | set(b)):
        delta = (a.get(key) or 0.0) - (b.get(key) or 0.0)
        rows.append((key, b.get(key), a.get(key), round(delta, 4)))
    return rows


def check_baseline(scores: dict, baseline: dict) -> list[str]:
    """Scores that dropped more than half a point below the pinned baseline."""
    problems = []
    if baseline.get("split") != scores["split"]:
        problems.append(f"baseline is for split {baseline.get('split')}, not {scores['split']}")
    if baseline.get("corpus_fingerprint") != scores["corpus_fingerprint"]:
        problems.append("the corpus changed since the baseline was pinned "
                        "(update it with --update-baseline)")
    now = flatten(scores)
    for key, pinned in baseline.get("scores", {}).items():
        if key in now and now[key] < pinned - BASELINE_TOLERANCE:
            problems.append(f"{key}: {now[key]:.4f} < baseline {pinned:.4f}")
        elif key not in now:
            problems.append(f"{key}: missing (baseline {pinned:.4f})")
    return problems


def update_baseline(scores: dict, path: Path, allow_lower: bool) -> list[str]:
    old = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"scores": {}}
    new = flatten(scores)
    lower = [k for k, v in old.get("scores", {}).items() if new.get(k, 0.0) < v]
    if lower and not allow_lower:
        return [f"refusing to lower {k} ({old['scores'][k]} -> {new.get(k)}); "
                "pass --allow-lower" for k in lower]
    path.write_text(json.dumps({"split": scores["split"],
                                "corpus_fingerprint": scores["corpus_fingerprint"],
                                "scores": new}, indent=1, sort_keys=True) + "\n",
                    encoding="utf-8")
    return []


HEADLINE = ("entities", "people", "people.roles", "people.organisation", "organisations",
            "amounts", "dates", "urls", "quotes", "clusters", "clusters.status",
            "clusters.members", "clusters.partners", "clusters.location",
            "sections.boundaries")


def format_summary(scores: dict, errors: list[dict], worst: int = 5) -> str:
    """What a person reads first: F per field, by kind of publisher, and the documents
    with the most errors."""
    prf = scores["prf"]
    kinds = sorted({k.rsplit(".", 1)[1] for k in prf if ".publisher." in k})
    head = f"{'field':22} {'F':>6}" + "".join(f" {k[:8]:>8}" for k in kinds)
    lines = [f"split {scores['split']}: {scores['documents']} documents"
             + (f" ({scores['skipped']} skipped: texts not given)" if scores.get("skipped")
                else ""), head]
    for field in HEADLINE:
        if field not in prf:
            continue
        by_kind = "".join(f" {_fmt(prf.get(f'{field}.publisher.{k}', {}).get('f')):>8}"
                          for k in kinds)
        lines.append(f"{field:22} {_fmt(prf[field]['f'])}{by_kind}")
    if any(k.startswith("clusters.language.") for k in prf):
        lines.append(format_cluster_languages(scores))
    per_doc = collections.Counter(e["doc"] for e in errors)
    if per_doc:
        lines.append("most errors: " + ", ".join(f"{d} ({n})" for d, n in per_doc.most_common(worst)))
    return "\n".join(lines)


def format_table(scores: dict) -> str:
    lines = [f"split {scores['split']}: {scores['documents']} documents",
             f"{'metric':44} {'P':>6} {'R':>6} {'F':>6} {'TP':>5} {'FP':>5} {'FN':>5}"]
    for k, v in scores["prf"].items():
        lines.append(f"{k:44} {_fmt(v['p'])} {_fmt(v['r'])} {_fmt(v['f'])} "
                     f"{v['tp']:5d} {v['fp']:5d} {v['fn']:5d}")
    lines.append(f"{'accuracy':44} {'acc':>6} {'n':>6}")
    for k, v in scores["accuracy"].items():
        lines.append(f"{k:44} {v['accuracy']:6.3f} {v['n']:6d}")
    return "\n".join(lines)


_COLORS = {"PER": "#aa9cfc", "ORG": "#7aecec", "LOC": "#ff9561", "GPE": "#feca74",
           "PROD": "#bfeeb7", "EVT": "#ffeb80", "DRV": "#c887fb", "MONEY": "#e4e7d2",
           "DATE": "#bfe1d9", "URL": "#ddd", "EMAIL": "#ddd", "PHONE": "#ddd"}


def render_html(scores: dict, pairs: list[tuple[GoldDocument, dict]], errors: list[dict]) -> str:
    """One page: score tables on top, then every document with gold and predicted
    entities side by side (displaCy) and its errors listed and highlighted."""
    from spacy import displacy

    colors = dict(_COLORS)
    colors.update({f"FP {k}": "#ff6b6b" for k in _COLORS})
    colors.update({f"FN {k}": "#ffa94d" for k in _COLORS})
    opts = {"colors": colors}
    parts = ["<!DOCTYPE html><html><head><meta charset='utf-8'><title>klynge evaluation"
             f" ({html.escape(scores['split'])})</title><style>"
             "body{font-family:sans-serif;margin:1em}table{border-collapse:collapse}"
             "td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}"
             "td:first-child{text-align:left}.doc{display:grid;grid-template-columns:1fr 1fr;"
             "gap:1em}.err{background:#fff0f0}h2{margin-top:2em}</style></head><body>",
             f"<h1>klynge evaluation: {html.escape(scores['split'])} "
             f"({scores['documents']} documents)</h1>",
             "<table id='prf'><tr><th>metric</th><th>P</th><th>R</th><th>F</th><th>TP</th>"
             "<th>FP</th><th>FN</th></tr>"]
    for k, v in scores["prf"].items():
        parts.append(f"<tr><td>{html.escape(k)}</td><td>{_fmt(v['p'])}</td><td>{_fmt(v['r'])}"
                     f"</td><td>{_fmt(v['f'])}</td><td>{v['tp']}</td><td>{v['fp']}</td>"
                     f"<td>{v['fn']}</td></tr>")
    parts.append("</table><table id='acc'><tr><th>accuracy</th><th>value</th><th>n</th></tr>")
    for k, v in scores["accuracy"].items():
        parts.append(f"<tr><td>{html.escape(k)}</td><td>{v['accuracy']:.3f}</td>"
                     f"<td>{v['n']}</td></tr>")
    parts.append("</table>")
    by_doc = collections.defaultdict(list)
    for e in errors:
        by_doc[e["doc"]].append(e)
    for gold, pred in pairs:
        text = gold.text
        gold_ents = [{"start": s.start, "end": s.end, "label": s.label} for s in gold.spans]
        pred_ents = [{"start": e["start"], "end": e["end"], "label": e["label"]}
                     for e in pred["entities"]]
        gs = {(e["start"], e["end"], e["label"]) for e in gold_ents}
        ps = {(e["start"], e["end"], e["label"]) for e in pred_ents}
        marked = [{"start": s, "end": e, "label": f"FP {l}"} for s, e, l in sorted(ps - gs)]
        marked += [{"start": s, "end": e, "label": f"FN {l}"} for s, e, l in sorted(gs - ps)]
        marked = _non_overlapping(marked)
        render = lambda ents: displacy.render(  # noqa: E731
            {"text": text, "ents": ents, "title": None}, style="ent", manual=True,
            options=opts, page=False)
        parts.append(f"<h2 id='{html.escape(gold.meta.id)}'>{html.escape(gold.meta.id)} "
                     f"({gold.meta.lang}, {len(by_doc[gold.meta.id])} errors)</h2>"
                     "<div class='doc'><div><h3>gold</h3>" + render(gold_ents) +
                     "</div><div><h3>predicted</h3>" + render(pred_ents) + "</div></div>"
                     "<div class='err'><h3>entity errors (FP red, FN orange)</h3>"
                     + render(marked) + "<ul>")
        for e in by_doc[gold.meta.id]:
            if not e["metric"].startswith("entities"):
                parts.append(f"<li>{html.escape(describe_error(e))}</li>")
        parts.append("</ul></div>")
    parts.append("</body></html>")
    return "\n".join(parts)


_ERROR_TYPES = {"fp": "extra", "fn": "missed", "wrong": "wrong"}


def describe_error(e: dict) -> str:
    """One error as a line of text: "clusters.location missed: cluster 'X': location 'Y'"."""
    head = f"{e['metric']} {_ERROR_TYPES.get(e['type'], e['type'])}: "
    if "text" in e and "label" not in e:
        return head + e["text"]
    if "label" in e:
        return head + f"{e['label']} {e['text']!r} at {e['start']}"
    if "gold" in e:
        where = f" at {e['start']}" if "start" in e else ""
        return head + f"gold {e['gold']!r}, predicted {e.get('pred')!r}{where}"
    if "context" in e:
        return head + f"at {e.get('start')}: {e['context']!r}"
    return head + (e.get("message") or "")


def _non_overlapping(ents: list[dict]) -> list[dict]:
    out, end = [], -1
    for e in sorted(ents, key=lambda e: (e["start"], -e["end"])):
        if e["start"] >= end:
            out.append(e)
            end = e["end"]
    return out


def main_evaluate(args, options: PipelineOptions | None = None) -> int:
    corpus = Path(args.corpus)
    texts = [Path(t) for t in args.texts or ()]
    targets_path = Path(args.targets) if getattr(args, "targets", None) else default_targets(corpus)
    targets = load_targets(targets_path) if targets_path else None
    processor = Processor.load(options)
    scores, errors, pairs = evaluate(corpus, args.split, processor, texts_dirs=texts)
    if getattr(args, "gap", False):
        # the other of dev and test, scored by the same processor
        other = evaluate(corpus, "dev" if args.split == "test" else "test", processor,
                         texts_dirs=texts)[0]
        dev, test = (other, scores) if args.split == "test" else (scores, other)
        scores["cluster_gap"] = cluster_gap(dev, test, targets.max_gap if targets else None)
    if targets is not None and targets.split == args.split:
        scores["targets"] = check_targets(targets, corpus, scores, pairs, per_document(pairs),
                                          scores.get("cluster_gap"))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "scores.json").write_text(json.dumps(scores, indent=1, ensure_ascii=False) + "\n",
                                     encoding="utf-8")
    with open(out / "errors.jsonl", "w", encoding="utf-8") as fh:
        for e in errors:
            fh.write(json.dumps(e, ensure_ascii=False) + "\n")
    print(format_summary(scores, errors))
    if "cluster_gap" in scores:
        print(format_gap(scores["cluster_gap"]))
    if "targets" in scores:
        print(format_targets(targets, targets_path, scores["targets"],
                             "cluster_gap" in scores))
    elif targets is not None:
        print(f"targets ({targets_path}) are for split {targets.split}: not checked on "
              f"{args.split}")
    print()
    print(format_table(scores))
    print(f"\nwrote {out / 'scores.json'} and {out / 'errors.jsonl'} ({len(errors)} errors)")
    if scores["skipped"]:
        print(f"skipped {scores['skipped']} document(s) whose texts are not in the corpus "
              "(publishers' copyright): give their folders with --texts DIR (repeatable)", file=sys.stderr)
    if args.html:
        Path(args.html).write_text(render_html(scores, pairs, errors), encoding="utf-8")
        print(f"wrote {args.html}")
    code = 0
    if args.compare:
        old = json.loads(Path(args.compare).read_text(encoding="utf-8"))
        print(f"\n{'metric':44} {'before':>8} {'now':>8} {'delta':>8}")
        for key, before, now, delta in compare(scores, old):
            if delta:
                print(f"{key:44} {before if before is not None else float('nan'):8.4f} "
                      f"{now if now is not None else float('nan'):8.4f} {delta:+8.4f}")
    if args.check_baseline:
        baseline = json.loads(Path(args.check_baseline).read_text(encoding="utf-8"))
        problems = check_baseline(scores, baseline)
        for p in problems:
            print(f"baseline: {p}", file=sys.stderr)
        code = 1 if problems else code
    if args.update_baseline:
        problems = update_baseline(scores, Path(args.update_baseline), args.allow_lower)
        for p in problems:
            print(f"baseline: {p}", file=sys.stderr)
        code = 1 if problems else code
    return code
