"""klynge evaluate: scores, errors with context, comparison, the baseline guard, HTML."""
from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from klynge.maintain.corpus import iter_gold
from klynge.maintain.evaluate import (check_baseline, cluster_gap, compare,
                                     describe_error, flatten, format_gap,
                                     format_summary, format_table, render_html,
                                     update_baseline)
from tests.conftest import CORPUS, HAS_EXTERNAL_TEXTS

BASELINE = CORPUS / "baseline.json"


def test_evaluate_reports_every_required_table(dev_run):
    scores, _, _ = dev_run
    prf = scores["prf"]
    for key in ("entities", "entities.label.PER", "entities.label.ORG", "entities.label.MONEY",
                "entities.source.model", "entities.language.nb", "entities.language.nn",
                "entities.language.en", "entities.language.da", "entities.language.sv", "people", "people.roles", "organisations", "amounts",
                "dates", "urls", "quotes", "clusters", "clusters.status", "clusters.members",
                "sections.boundaries"):
        assert key in prf, key
    assert any(k.startswith("entities.source.rule:") for k in prf)
    for key in ("language", "sections.kind", "metadata.title"):
        assert key in scores["accuracy"]
    assert scores["documents"] + scores["skipped"] == sum(1 for _ in iter_gold(CORPUS, "dev"))
    external = sum(1 for d in iter_gold(CORPUS, "dev") if d.meta.text_sha256)
    assert scores["skipped"] == (0 if HAS_EXTERNAL_TEXTS else external) and external > 0
    for kind in ("government", "research"):
        assert f"clusters.publisher.{kind}" in prf


def test_evaluate_undefined_scores_read_na_and_errors_count_once(dev_run):
    scores, errors, _ = dev_run
    prf = scores["prf"]
    source = prf["entities.source.model"]
    assert source["r"] is None and source["f"] is None and source["p"] is not None
    assert "n/a" in format_table(scores)
    # A breakdown (per label, per language) lists no errors of its own.
    assert not any(e["metric"].startswith(("entities.label.", "entities.language."))
                   for e in errors)
    summary = format_summary(scores, errors)
    assert summary.splitlines()[0].startswith("split dev")
    assert "most errors:" in summary


def test_evaluate_errors_carry_document_offsets_and_context(dev_run):
    _, errors, _ = dev_run
    span_errors = [e for e in errors if e["metric"] == "entities"]
    assert span_errors
    for e in span_errors:
        assert {"doc", "type", "label", "start", "end", "text", "context"} <= set(e)
        assert e["text"] in e["context"]


@pytest.mark.skipif(not HAS_EXTERNAL_TEXTS, reason="the baseline is pinned with the external texts")
def test_evaluate_test_split_does_not_drop_below_baseline(test_run):
    scores, _, _ = test_run
    baseline = json.loads(BASELINE.read_text(encoding="utf-8"))
    assert check_baseline(scores, baseline) == []


def test_evaluate_baseline_guard_catches_a_drop(test_run):
    scores, _, _ = test_run
    baseline = json.loads(BASELINE.read_text(encoding="utf-8"))
    worse = json.loads(json.dumps(scores))
    worse["prf"]["entities"]["f"] = baseline["scores"]["entities.f"] - 0.01
    problems = check_baseline(worse, baseline)
    assert any(p.startswith("entities.f") for p in problems)


def test_evaluate_lowering_the_baseline_needs_the_flag(test_run, tmp_path):
    scores, _, _ = test_run
    path = tmp_path / "baseline.json"
    shutil.copy(BASELINE, path)
    worse = json.loads(json.dumps(scores))
    worse["prf"]["entities"]["f"] = 0.0
    assert update_baseline(worse, path, allow_lower=False)
    assert update_baseline(worse, path, allow_lower=True) == []
    assert json.loads(path.read_text())["scores"]["entities.f"] == 0.0


def test_evaluate_record_errors_read_as_text(dev_run):
    """Record-level errors name the record as written, never a raw key, tuple or dict."""
    _, errors, _ = dev_run
    records = [e for e in errors if not e["metric"].startswith(("entities", "sections", "metadata",
                                                                 "language", "text"))]
    assert records
    for e in records:
        assert "item" not in e and isinstance(e["text"], str), e
        line = describe_error(e)
        assert "{" not in line and "('" not in line, line
    cluster_attr = [e for e in records if e["metric"].startswith("clusters.")]
    for e in cluster_attr:
        assert e["text"].startswith("cluster '") and ": " in e["text"], e


def test_evaluate_scores_clusters_per_language(dev_run):
    """Each cluster field per language, in the summary's table too; a breakdown lists no
    errors of its own."""
    scores, errors, _ = dev_run
    prf = scores["prf"]
    langs = {k.rsplit(".", 1)[1] for k in prf if k.startswith("clusters.language.")}
    assert {"nb", "en"} <= langs and (not HAS_EXTERNAL_TEXTS or {"da", "sv"} <= langs)
    for lang in langs:
        assert f"clusters.status.language.{lang}" in prf or f"clusters.language.{lang}" in prf
    # the language breakdown adds up to the whole
    assert sum(prf[f"clusters.language.{lang}"]["tp"] for lang in langs) == prf["clusters"]["tp"]
    assert not any(".language." in e["metric"] for e in errors)
    assert "cluster F by language" in format_summary(scores, errors)


def _scores(**f):
    return {"prf": {k.replace("_", "."): {"f": v} for k, v in f.items()}}


def test_evaluate_cluster_gap_flags_a_field_over_the_limit():
    dev = _scores(clusters=0.90, clusters_status=0.98, clusters_location=0.50)
    test = _scores(clusters=0.60, clusters_status=0.95, clusters_location=None)
    limits = {"clusters": 0.1, "clusters.status": 0.1, "clusters.location": 0.1}
    rows = {r["field"]: r for r in cluster_gap(dev, test, limits)}
    assert rows["clusters"]["gap"] == 0.3 and rows["clusters"]["ok"] is False
    assert rows["clusters.status"]["ok"] is True and rows["clusters.status"]["limit"] == 0.1
    assert rows["clusters.location"]["gap"] is None and rows["clusters.location"]["ok"] is None
    # a field without a limit is shown, not judged
    assert cluster_gap(dev, test)[0]["ok"] is None
    text = format_gap(list(rows.values()))
    assert "over" in text and "n/a" in text and " ok" in text


def test_evaluate_describe_error_examples():
    assert describe_error({"doc": "d", "metric": "clusters.location", "type": "fn",
                           "text": "cluster 'NCE Media': location 'bergen'"}) == \
        "clusters.location missed: cluster 'NCE Media': location 'bergen'"
    assert describe_error({"doc": "d", "metric": "metadata.title", "type": "wrong",
                           "gold": "A", "pred": "B"}) == "metadata.title wrong: gold 'A', predicted 'B'"


def test_evaluate_compare_gives_per_metric_deltas(dev_run, test_run):
    rows = {key: delta for key, _, _, delta in compare(dev_run[0], test_run[0])}
    assert set(rows) == set(flatten(dev_run[0])) | set(flatten(test_run[0]))


def test_evaluate_html_report_renders_in_headless_chromium(dev_run, tmp_path):
    scores, errors, pairs = dev_run
    page = tmp_path / "report.html"
    page.write_text(render_html(scores, pairs[:3], errors), encoding="utf-8")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([chromium, *flags, "--dump-dom", page.as_uri()], capture_output=True,
                         text=True, timeout=120)
    assert "id=\"prf\"" in dom.stdout and "entities.label.PER" in dom.stdout
    assert dom.stdout.count("class=\"entities\"") >= 6  # displaCy: gold + predicted + errors
    shot = tmp_path / "report.png"
    subprocess.run([chromium, *flags, f"--screenshot={shot}", "--window-size=1400,1800",
                    page.as_uri()], capture_output=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 10_000


def test_evaluate_gap_of_the_real_splits_has_every_cluster_field(dev_run, test_run):
    rows = cluster_gap(dev_run[0], test_run[0])
    assert [r["field"] for r in rows] == ["clusters", "clusters.status", "clusters.members",
                                          "clusters.partners", "clusters.location"]
    for r in rows:
        if r["gap"] is not None:
            assert r["gap"] == round(r["dev"] - r["test"], 4)


def test_evaluate_gap_needs_dev_or_test(tmp_path):
    import sys
    done = subprocess.run([sys.executable, "-m", "klynge", "evaluate", str(CORPUS), "--split",
                           "train", "--gap", "--out", str(tmp_path / "e")],
                          capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "klynge evaluate: error: --gap needs --split dev or --split test"]
