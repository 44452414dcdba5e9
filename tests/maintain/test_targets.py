"""klynge.maintain.targets: the corpus's quality targets, met or not, and why not."""
from __future__ import annotations

import subprocess
import sys

import pytest

from klynge.maintain.corpus import GoldDocument
from klynge.maintain.evaluate import cluster_gap, per_document
from klynge.maintain.targets import (
    Targets, TargetsError, bootstrap_interval, check_targets, check_targets_file, cluster_causes,
    default_targets,
    field_causes, format_targets, gap_ok, load_targets,
)
from tests.conftest import CORPUS


def test_targets_the_corpus_file_holds_the_issue_bars():
    path = default_targets(CORPUS)
    assert path == CORPUS / "targets.yaml"
    targets = load_targets(path)
    assert targets.split == "test"
    assert targets.min_f == {f: 0.85 for f in ("clusters", "clusters.status", "clusters.members",
                                                "clusters.partners", "clusters.location")}
    assert targets.min_f_each_language == {"clusters": 0.80}
    assert set(targets.max_gap.values()) == {0.10}


@pytest.mark.parametrize("text, message", [
    ("source: x\nsplit: test\nmin_f: {clusters.colour: 0.8}\n", "unknown field 'clusters.colour'"),
    ("source: x\nsplit: test\nmin_f: {clusters: 1.5}\n", "not a score"),
    ("source: x\nsplit: test\nmin_f: {clusters: 0}\n", "not a score"),
    ("source: x\nsplit: later\n", "split"),
    ("source: x\nsplit: test\nbar: 3\n", "bar"),
    ("split: test\n", "source"),
    ("", "file"),
    ("source: [unclosed\n", "cannot be read"),
], ids=["field", "above-one", "zero", "split", "unknown-key", "no-source", "empty", "yaml"])
def test_targets_a_bad_file_is_refused_with_the_reason(tmp_path, text, message):
    path = tmp_path / "targets.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TargetsError, match=message) as info:
        load_targets(path)
    assert str(path) in str(info.value)


def test_targets_no_file_in_a_corpus_means_no_targets(tmp_path):
    assert default_targets(tmp_path) is None


def test_targets_corpus_check_validates_the_targets_file(tmp_path):
    assert check_targets_file(tmp_path) == []  # none: nothing to check
    assert check_targets_file(CORPUS) == []
    (tmp_path / "targets.yaml").write_text("source: x\nsplit: test\nmax_gap: {clusters: 7}\n",
                                           encoding="utf-8")
    assert check_targets_file(tmp_path) == [f"{tmp_path / 'targets.yaml'}: max_gap: "
                                            "Value error, clusters: 7.0 is not a score in (0, 1]"]
    done = subprocess.run([sys.executable, "-m", "klynge", "corpus", "check", str(tmp_path)],
                          capture_output=True, text=True)
    assert done.returncode == 1 and "max_gap" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("gap, limit, ok", [(0.099, 0.10, True), (0.10, 0.10, False),
                                            (-0.2, 0.10, False), (None, 0.10, None),
                                            (0.3, None, None)])
def test_targets_a_gap_stays_under_its_limit(gap, limit, ok):
    assert gap_ok(gap, limit) is ok


def test_targets_interval_is_reproducible_and_holds_the_score():
    counts = [(3, 1, 0), (2, 0, 2), (5, 2, 1), (0, 1, 1), (4, 0, 0), (1, 1, 1)]
    low, high = bootstrap_interval(counts)
    assert bootstrap_interval(counts) == (low, high)
    tp, fp, fn = (sum(c[i] for c in counts) for i in range(3))
    assert low <= 2 * tp / (2 * tp + fp + fn) <= high
    assert bootstrap_interval([(1, 0, 0), (0, 0, 0)]) is None  # one document: no interval


def _gold(clusters, organisations=(), lang="nb") -> GoldDocument:
    return GoldDocument.model_validate({
        "text": "x", "meta": {"id": "d", "file": "d.txt", "split": "test", "lang": lang},
        "spans": [], "records": {"language": lang, "clusters": list(clusters),
                                 "organisations": list(organisations)}})


def _pred(*clusters, entities=()):
    return {"clusters": [{"aliases": [], **c} for c in clusters],
            "entities": [{"text": t, "label": label} for t, label in entities]}


def test_targets_each_kind_of_cluster_error_is_named():
    gold = _gold([{"name": "Hydrogen Cluster Bergen"}, {"name": "Mobile Heights"},
                  {"name": "Fiber Optic Valley"}, {"name": "NCE Eyde", "aliases": ["Eyde-klyngen"]}],
                 organisations=[{"name": "Innovasjon Norge"}])
    pred = _pred({"name": "Hydrogen Cluster"}, {"name": "NCE Eyde"}, {"name": "Eyde-klyngen"},
                 {"name": "Innovasjon Norge"}, {"name": "Norwegian Arena"},
                 entities=[("Mobile Heights", "PER")])
    missed, extra = cluster_causes(gold, pred)
    assert sorted(missed) == ["found under a name cut short or run on", "never tagged as a name",
                              "tagged PER but never called a cluster"]
    assert sorted(extra) == ["a gold cluster's name cut short or run on",
                             "a name the gold does not list",
                             "an organisation the gold does not count as a cluster",
                             "the same cluster twice"]


def test_targets_clusters_pair_as_the_scorer_pairs_them():
    # review regression: the second prediction sharing a name with the first gold cluster
    # is an extra (the scorer pairs it with that cluster), not the second gold cluster
    from klynge.maintain.evaluate import _Scorer, score_clusters
    gold = _gold([{"name": "NCE Eyde", "aliases": ["Eyde-klyngen"]},
                  {"name": "Eyde Energipark", "aliases": ["Eyde"]}])
    pred = _pred({"name": "NCE Eyde"}, {"name": "Eyde-klyngen", "aliases": ["Eyde"]})
    scorer = _Scorer()
    score_clusters(scorer, gold, pred["clusters"])
    s = scorer.scores["clusters"]
    missed, extra = cluster_causes(gold, pred)
    assert (len(missed), len(extra)) == (s.fn, s.fp) == (1, 1)
    assert extra == ["the same cluster twice"]


def test_targets_each_kind_of_field_error_is_named():
    gold = _gold([{"name": "Arena Lindesnes", "location": "Mandal"},
                  {"name": "Agder Wood", "location": "Kristiansand"},
                  {"name": "Smart Water Cluster", "location": "Bergen"},
                  {"name": "NCE Media"}])
    pred = _pred({"name": "Arena Lindesnes", "location": "Lindesnes"},
                 {"name": "Agder Wood", "location": None},
                 {"name": "NCE Media", "location": "Bergen"},
                 {"name": "Arena Oslo", "location": "Oslo"})
    missed, extra = field_causes(gold, pred, "location")
    assert sorted(missed) == ["a wrong value", "its cluster missed", "the cluster found without it"]
    assert sorted(extra) == ["a wrong value", "given where the gold has none",
                             "said of a cluster the gold does not list"]
    twice = _pred({"name": "Smart Water Cluster", "location": "Bergen"},
                  {"name": "Smart Water Cluster", "location": "Bergen"})
    assert field_causes(_gold([{"name": "Smart Water Cluster", "location": "Bergen"}]), twice,
                        "location") == ([], ["the same cluster twice"])
    # the value compares as the evaluation compares it: case, spaces and an en dash aside
    assert field_causes(_gold([{"name": "A Cluster", "location": "Nord-Norge"}]),
                        _pred({"name": "A Cluster", "location": "Nord\u2013Norge"}),
                        "location") == ([], [])
    assert field_causes(_gold([{"name": "A Cluster", "location": "Bergen"}]),
                        _pred({"name": "A Cluster", "location": " bergen"}), "location") == ([], [])


def test_targets_a_missed_bar_says_why_from_the_scored_pairs(dev_run):
    scores, _, pairs = dev_run
    # bars nothing reaches, on the split that was scored: every row with a score is missed
    targets = Targets(source="test", split="dev",
                      min_f={f: 1.0 for f in ("clusters", "clusters.status", "clusters.members",
                                              "clusters.location")},
                      min_f_each_language={"clusters": 1.0, "clusters.location": 1.0},
                      max_gap={"clusters": 0.1})
    gap = cluster_gap(scores, scores, targets.max_gap)
    rows = check_targets(targets, CORPUS, scores, pairs, per_document(pairs), gap)
    by = {r["target"]: r for r in rows}
    assert by["gap clusters"]["met"] is True and by["gap clusters"]["score"] == 0.0
    missed = [r for r in rows if r["met"] is False]
    assert missed
    for r in missed:
        why, prf = r["why"], scores["prf"][r["target"]]
        assert (why["tp"], why["fp"], why["fn"]) == (prf["tp"], prf["fp"], prf["fn"])
        # every error has exactly one kind: the causes add up to the scorer's counts
        assert sum(why["missed"].values()) == why["fn"]
        assert sum(why["extra"].values()) == why["fp"]
        groups = why["publishers_elsewhere"]
        assert groups["seen"]["documents"] + groups["unseen"]["documents"] == why["documents"]
    text = format_targets(targets, CORPUS / "targets.yaml", rows, gap_scored=True)
    assert "NOT MET" in text and "publishers seen nowhere else" in text
    assert text == format_targets(targets, CORPUS / "targets.yaml",
                                  check_targets(targets, CORPUS, scores, pairs,
                                                per_document(pairs), gap), True)


def test_targets_a_gap_not_scored_says_how_to_score_it(dev_run):
    scores, _, pairs = dev_run
    targets = Targets(source="test", split="dev", max_gap={"clusters": 0.1})
    rows = check_targets(targets, CORPUS, scores, pairs, per_document(pairs), None)
    assert rows == [{"target": "gap clusters", "kind": "max_gap", "score": None, "bar": 0.1,
                     "met": None}]
    assert "run with --gap" in format_targets(targets, CORPUS, rows, gap_scored=False)


def test_targets_evaluate_names_the_split_the_targets_are_for(tmp_path):
    # the corpus's own targets are for test: scoring dev says so instead of judging dev
    done = subprocess.run([sys.executable, "-m", "klynge", "evaluate", str(CORPUS), "--split",
                           "dev", "--out", str(tmp_path / "e")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert f"targets ({CORPUS / 'targets.yaml'}) are for split test: not checked on dev" \
        in done.stdout


def test_targets_evaluate_refuses_a_bad_targets_file(tmp_path):
    bad = tmp_path / "targets.yaml"
    bad.write_text("source: x\nsplit: test\nmin_f: {clusters: 2}\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "klynge", "evaluate", str(CORPUS), "--targets",
                           str(bad), "--out", str(tmp_path / "e")], capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr.startswith("klynge evaluate: error: ")
    assert "min_f" in done.stderr and "Traceback" not in done.stderr
