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


# ------------------------------------------------------------------ prefix_guard, guarded

import re  # noqa: E402

from klynge.rules import guarded, prefix_guard  # noqa: E402


@pytest.mark.parametrize("source,flags,expected", [
    (r"(?<!\w)(?:mai|juni)\b", 0, r"(?<![\w])(?=[j][u]|[m][a])"),  # a lookbehind first
    (r"(?=\w)\b(?:mai|juni)(?<=i)", 0, "(?=[j][u]|[m][a])"),    # other lookarounds: true
    (r"(?<![\w@])ab|(?<![\w.])cd", 0, r"(?<![\w])(?=[a][b]|[c][d])"),  # what they share
    (r"(?<![\w@])ab|cd", 0, "(?=[a][b]|[c][d])"),               # one branch without
    (r"(?<![@])ab|(?<![.])cd", 0, "(?=[a][b]|[c][d])"),          # nothing shared
    (r"(?:x?\d+|[a-c]y)", 0, r"(?=[\d]|[a-c][y]|[x][\d])"),  # a match may end after one
    (r"(?>ab|c)", 0, "(?=[a][b]|[c])"),                       # an atomic group
    (r"a*b", 0, "(?=[a][ab]|[b])"),
    (r"(?:ab){3,}c", 0, "(?=[a][b])"),
    (r"(?:a|)*b", 0, "(?=[a][ab]|[b])"),                      # a repeat that may match nothing
    (r"a*", 0, None),                                         # the empty string: any position
    (r".x", 0, None),                                         # any character
    (r"[^a]x", 0, None),                                      # a negated class
    (r"(?i:a)b", 0, None),                                    # local flags: the class would differ
    (r"(?P<a>x)(?P=a)|y", 0, None),                           # a group reference
])
def test_rules_prefix_guard(source, flags, expected):
    assert prefix_guard(source, flags) == expected


# Case folding is sre's own on both sides: the guard is read with the pattern's flags, so
# "ſ" (long s) and "K" (Kelvin sign) pass it exactly where they match the pattern.
@pytest.mark.parametrize("source,flags,text", [
    (r"(?<![\w.])(?:sek|kr)\s?\d+", re.IGNORECASE, "ſEK 5, KR 7, Kr 9, K\u212a 3, xsek 1"),
    (r"(?:mandag|tirsdag)|\d+\.", 0, "Mandag 5. mandag 6. tirsdag7."),
    (r"\d{4}(?!\d)|(?<!\w)i dag", 0, "i dag 20211 og 2020, sidag"),
    (r"[A-ZÆØÅ]\w+(?= AS)", 0, "Ærlig AS og Øst AS, østlig AS"),
    (r"(?:(?:ca\.|om)\s+)*\d+(?:\s*(?:mill|mrd)\.?)?", 0, "ca. 5 mill. og om  om 7mrd, 8"),
    (r"(?<![\w.+-])[\w.+-]*\w@\w+\.no|(?<![\w@])www\.\w+\.no", 0,
     "a.b@c.no, x@y.no, www.z.no, awww.q.no, @www.r.no, -e@f.no"),
])
def test_rules_guarded_finds_what_the_pattern_finds(source, flags, text):
    guard = guarded(source, flags)
    assert guard != source  # the guard is there, and changes no match
    plain = [(m.span(), m.groups()) for m in re.finditer(source, text, flags)]
    assert plain
    assert [(m.span(), m.groups()) for m in re.finditer(guard, text, flags)] == plain


def test_rules_guarded_leaves_a_pattern_without_a_guard_alone():
    assert guarded(r"a*|b") == r"a*|b"


# ----------------------------------------------------------------------------- dispatched

from klynge.rules import DISPATCH_MIN, dispatched  # noqa: E402


def _items(words, insensitive=()):
    """(first, rest, whole, folded) of each word, the ones in ``insensitive`` case-folded."""
    out = []
    for w in words:
        if w in insensitive:
            out.append((w[0], f"(?i:{re.escape(w[1:])})", f"(?i:{re.escape(w)})", True))
        else:
            out.append((w[0], re.escape(w[1:]), re.escape(w), False))
    return out


# Words whose order matters (a shorter one before a longer one wins where both match),
# case-folded ones, one-letter ones, and text with the case-folding corners of sre: "ſ"
# (long s) matches a case-folded "s", "K" (Kelvin sign) a case-folded "k".
_WORDS = ["Norges Bank Investment Management", "Norges Bank", "NORCE", "Nordic", "nok",
          "Statkraft", "Siva", "SINTEF", "sintef energi", "kunnskapsparken", "Kongsberg",
          "K", "s", "Equinor", "eq", "Øst", "øst", "Ålesund", "ålesund kommune", "Innovasjon",
          "innovasjon norge", "Abc"]
_TEXT = ("Norges Bank Investment Management og Norges Bank, NORCE, norce, Nordic, NOK, "
         "ſintef energi, SINTEF Energi, \u212aongsberg, kongsberg, K, s, ſ, Equinor, EQ, Øst, "
         "øst, ÅLESUND KOMMUNE, Ålesund, Innovasjon Norge, innovasjon norge, abc, Abc.")


@pytest.mark.parametrize("insensitive", [
    (),
    ("nok", "sintef energi", "kunnskapsparken", "innovasjon norge", "s", "ålesund kommune"),
    tuple(_WORDS),
])
def test_rules_dispatched_finds_what_the_alternation_finds(insensitive):
    items = _items(_WORDS, insensitive)
    assert len(items) >= DISPATCH_MIN
    plain = "|".join(w for _, _, w, _ in items)
    fast = dispatched(items)
    assert fast != plain
    for wrap in ("(?<!\\w)(?P<name>{})(?!\\w)", "(?P<name>{})", "(?P<name>{})s?\\b"):
        want = [(m.span(), m.group()) for m in re.finditer(wrap.format(plain), _TEXT)]
        assert want
        assert [(m.span(), m.group()) for m in re.finditer(wrap.format(fast), _TEXT)] == want


def test_rules_dispatched_keeps_a_short_or_spaced_list_plain():
    short = _items(_WORDS[:DISPATCH_MIN - 1])
    assert dispatched(short) == "|".join(w for _, _, w, _ in short)
    spaced = _items(_WORDS) + [(" ", re.escape("x"), re.escape(" x"), False)]
    assert dispatched(spaced) == "|".join(w for _, _, w, _ in spaced)
