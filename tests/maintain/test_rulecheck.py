"""`klynge rules check` (klynge.maintain.rulecheck): every rule file valid, no entry twice."""
from __future__ import annotations

import pytest

from klynge.maintain.rulecheck import check_all_rules, duplicate_entries
from klynge.sections import repeated_patterns
from klynge.rules import registry


def test_rulecheck_all_rule_files_are_clean():
    assert check_all_rules() == []


@pytest.mark.parametrize("data,expected", [
    # the four generic nouns listed twice in shared/generic_nouns.yaml before this check
    ({"words": ["utvalget", "regjeringa", "utvalget"]},
     ["f.yaml: words: 'utvalget' is listed 2 times"]),
    # a relative-date form twice in one rule (da "sidste år")
    ({"rules": [{"id": "a", "forms": ["i dag"]}, {"id": "b", "forms": ["sidste år", "sidste år"]}]},
     ["f.yaml: rules[1].forms: 'sidste år' is listed 2 times"]),
    ({"quote_pairs": [["«", "»"], ["«", "»"]]},
     ["f.yaml: quote_pairs: ('«', '»') is listed 2 times"]),
])
def test_rulecheck_reports_an_entry_repeated_in_a_file(data, expected):
    assert duplicate_entries("f.yaml", data) == expected


@pytest.mark.parametrize("data", [
    # the same closing mark in several pairs, the same fallback in several languages
    {"quote_pairs": [["„", "”"], ["“", "”"], ["”", "”"]]},
    {"languages": [{"code": "da", "fallback": ["nb", "nn"]}, {"code": "sv", "fallback": ["nb", "nn"]}]},
    {"a": ["x"], "b": ["x"]},
])
def test_rulecheck_same_entry_in_different_lists_is_no_duplicate(data):
    assert duplicate_entries("f.yaml", data) == []


def test_rulecheck_sections_patterns_repeated_across_merged_files(monkeypatch):
    # nb and nn are merged for each other: a pattern both list is reported (compared once
    # placeholders are filled), and the rule files as shipped have none
    import yaml

    import klynge.sections
    from klynge.rules import rule_path, validate_rule_data
    from klynge.sections import LangSectionRules, check_rules

    assert all(repeated_patterns(lang) == [] for lang in registry().codes)
    data = {code: yaml.safe_load(rule_path(code, "sections.yaml").read_text(encoding="utf-8"))
            for code in ("nb", "nn")}
    data["nn"]["navigation"].append("Historisk arkiv")
    files = {code: validate_rule_data(code, d, LangSectionRules) for code, d in data.items()}
    monkeypatch.setattr(klynge.sections, "lang_rules",
                        lambda lang: [files[c] for c in registry().chain(lang) if c in files])
    assert ("navigation", "Historisk arkiv", "nb", "nn") in repeated_patterns("nb")
    assert any("nb/sections.yaml and nn/sections.yaml: navigation: 'Historisk arkiv'" in p
               for p in check_rules())


def test_rulecheck_validates_into_the_stages_cache(monkeypatch):
    # klynge run checks every rule file before it starts (issue #26: 1.6 s a run): a file
    # read as the stages read it is validated through load_rules' cache, so the stages
    # get the checked copy instead of validating it a second time.
    from klynge.maintain import rulecheck
    from klynge.rules import _cached_model
    fresh = []
    monkeypatch.setattr(rulecheck, "validate_rule_data",
                        lambda *a, **k: fresh.append(a[:1]) or None)
    assert rulecheck.check_rule_files() == []
    assert fresh == []
    hits = _cached_model.cache_info().hits
    assert rulecheck.check_rule_files() == [] and _cached_model.cache_info().hits > hits
