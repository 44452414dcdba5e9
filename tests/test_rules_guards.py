"""klynge.rules.guards: guarded and dispatched patterns find exactly what the plain
pattern finds, on real rule patterns and on the case-folding corners of sre."""
from __future__ import annotations

import re

import pytest

from klynge.rules.guards import DISPATCH_MIN, dispatched, guarded, prefix_guard


# ------------------------------------------------------------------ prefix_guard, guarded


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
