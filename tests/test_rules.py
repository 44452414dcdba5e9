"""The rule loader and the language registry (klynge.rules)."""
from __future__ import annotations

import pytest

from klynge.rules import MissingRuleFile, lang_rule_chain, load_lang_rules, registry
from klynge.records.roles import Roles
from klynge.maintain.rulecheck import check_languages

CODES = registry().codes


def test_rules_registry_lists_the_supported_languages():
    assert set(CODES) >= {"nb", "nn", "en", "da", "sv"}


@pytest.mark.parametrize("code,chain", [
    ("nb", ("nb", "nn")), ("nn", ("nn", "nb")), ("en", ("en",)),
    ("da", ("da", "nb", "nn")), ("sv", ("sv", "nb", "nn")),
    # Any other language, and text whose language cannot be told, get only the
    # language-independent rules: never another language's.
    ("und", ("xx",)), ("de", ("xx",)), ("fi", ("xx",)),
])
def test_rules_fallback_chain_is_transitive(code, chain):
    assert registry().chain(code) == chain


@pytest.mark.parametrize("code", CODES)
def test_rules_every_language_resolves_every_file(code):
    for name in registry().per_language_files:
        assert lang_rule_chain(code, name), (code, name)


def test_rules_missing_file_falls_back_by_the_chain():
    # Regression: a Danish document ended in internal_error (no rules/da/roles.yaml then).
    # Danish has no sections.yaml of its own: it reads Bokmål's and Nynorsk's wording.
    assert lang_rule_chain("da", "sections.yaml") == ["nb", "nn"]
    reg = registry()
    for code in reg.codes:
        for name in reg.per_language_files:
            found = lang_rule_chain(code, name)
            assert found[0] in reg.chain(code)
    assert load_lang_rules("da", "roles.yaml", Roles) is not load_lang_rules("nb", "roles.yaml", Roles)


@pytest.mark.parametrize("code", ["und", "de", "fr", "fi", "sme"])
def test_rules_other_languages_have_no_model_of_another_language(code):
    reg = registry()
    assert not reg.is_supported(code)
    assert reg.pipeline(code) == reg.other.pipeline
    assert reg.pipeline(code) not in {reg.pipeline(c) for c in reg.codes}


def test_rules_missing_file_everywhere_is_a_clear_error():
    with pytest.raises(MissingRuleFile, match="no-such.yaml"):
        load_lang_rules("nb", "no-such.yaml", Roles)


def test_rules_registry_consistent_with_models_and_detector():
    assert check_languages() == []


# --------------------------------------------------------------------------- placeholders

from klynge.rules import check_template, expand, placeholders  # noqa: E402


@pytest.mark.parametrize("template,expanded", [
    ("{NUM} kroner", "(?:\\d+) kroner"),
    # regex quantifiers and lower-case braces are not placeholders
    ("\\d{1,2}\\.{NUM}[a-z]{2,}", "\\d{1,2}\\.(?:\\d+)[a-z]{2,}"),
    ("{NUM}{NUM}", "(?:\\d+)(?:\\d+)"),
    ("no placeholder", "no placeholder"),
])
def test_rules_expand_fills_placeholders(template, expanded):
    assert expand(template, {"NUM": "(?:\\d+)", "UNUSED": "x"}) == expanded


def test_rules_expand_is_one_pass():
    # a value is regex source: a placeholder inside it is not filled again
    assert expand("{A}", {"A": "{B}", "B": "b"}) == "{B}"


@pytest.mark.parametrize("template", ["{NUMS}", "%NUM%x{SPACE}", "{num}{X}"])
def test_rules_unknown_placeholder_is_an_error(template):
    with pytest.raises(ValueError, match="unknown placeholder"):
        expand(template, {"NUM": "x"})
    with pytest.raises(ValueError, match="unknown placeholder"):
        check_template(template, ["NUM"])


def test_rules_check_template():
    check_template("(?P<n>{NUM})+", ["NUM"])
    with pytest.raises(ValueError, match="bad regex"):
        check_template("(?P<n>{NUM}", ["NUM"])
    with pytest.raises(ValueError, match="unknown placeholder"):
        check_template("{MONTH}", ["NUM"])
    assert placeholders("{A}x{B_2}{a}{1,2}") == ["A", "B_2"]


@pytest.mark.parametrize("folder,name", [
    ("shared", "amounts.yaml"), ("shared", "dates.yaml"), ("shared", "contacts.yaml"),
    ("nb", "sections.yaml"), ("en", "roles.yaml"), ("sv", "sections.yaml"),
])
def test_rules_files_use_the_one_placeholder_syntax(folder, name):
    # the old dialects (<<MONTH>>, %TLD%, {capseq}) are gone from every rule file
    import re

    from klynge.rules import rule_path
    text = rule_path(folder, name).read_text(encoding="utf-8")
    assert not re.search(r"<<[A-Z_]+>>|%[A-Z][A-Z0-9_]*%|\{(?:cap|capseq|portfolio)\}", text)


def test_rules_expand_tree_fills_every_string_and_refuses_unknown_names():
    # One expander for every rule file (the cluster files' own copy is gone, issue #20).
    from klynge.rules import expand_tree
    tree = {"a": ["{X}y", {"b": "z{X}"}], "n": 3}
    assert expand_tree(tree, {"X": "x"}) == {"a": ["xy", {"b": "zx"}], "n": 3}
    with pytest.raises(ValueError, match="unknown placeholder"):
        expand_tree(["{NOPE}"], {"X": "x"})


def _yaml_rule_files() -> list[tuple[str, str]]:
    from importlib import resources
    root = resources.files("klynge.rules")
    return sorted((d.name, f.name) for d in root.iterdir() if d.is_dir()
                  for f in d.iterdir() if f.name.endswith((".yaml", ".yml")))


def _typed(tree):
    # == alone takes True for 1 and 1.0 for 1: compare the types too
    if isinstance(tree, dict):
        return {k: _typed(v) for k, v in tree.items()}
    if isinstance(tree, list):
        return [_typed(v) for v in tree]
    return (type(tree).__name__, tree)


@pytest.mark.parametrize("folder,name", _yaml_rule_files())
def test_rules_fast_yaml_loader_reads_every_file_as_the_python_one(folder, name):
    # The rules are read with libyaml's loader (issue #26: start-up time); it must give
    # the very tree PyYAML's own safe loader gives, or output would change.
    import yaml

    from klynge.rules import YAML_LOADER, rule_path
    text = rule_path(folder, name).read_text(encoding="utf-8")
    assert _typed(yaml.load(text, Loader=YAML_LOADER)) == _typed(yaml.safe_load(text))


def test_rules_fast_yaml_loader_is_libyaml_where_pyyaml_has_it():
    import yaml

    from klynge.rules import YAML_LOADER
    assert YAML_LOADER is (yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader)


