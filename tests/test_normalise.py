"""Tests for klynge.normalise.normalise_text."""
from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from klynge.normalise import NORMALISE_FLAGS, normalise_text

# Small, fixed, derandomised budget so CI runs are fast and reproducible.
PROPERTY = settings(max_examples=50, deadline=None, derandomize=True)


@pytest.mark.parametrize(
    ("raw", "expected", "flag"),
    [
        ("a\r\nb", "a\nb", "normalised_line_endings"),
        ("a\rb", "a\nb", "normalised_line_endings"),
        ("a\r\r\nb", "a\n\nb", "normalised_line_endings"),
        ("\ufeffTittel", "Tittel", "removed_bom"),
        ("100\u00a0000 kroner", "100 000 kroner", "replaced_nbsp"),
        ("100\u202f000", "100 000", "replaced_nbsp"),
        ("100\u2007000", "100 000", "replaced_nbsp"),
        ("1\u2009000", "1 000", "replaced_unicode_spaces"),
        ("nærings\u00adklynge", "næringsklynge", "removed_soft_hyphens"),
        ("in\u200bno\u200cva\u200dsjon\u2060", "innovasjon", "removed_zero_width"),
        ("mid\ufeffword", "midword", "removed_zero_width"),
        ("bell\x07 esc\x1b del\x7f c1\x85x", "bell esc del c1\nx", "removed_control_chars"),
        ("side 1\x0cside 2", "side 1\nside 2", "normalised_line_separators"),
        ("a\u2028b\u2029c", "a\nb\nc", "normalised_line_separators"),
        ("e\u0301", "\u00e9", "nfc_normalised"),
        ("A\u030a", "\u00c5", "nfc_normalised"),
        ("bad \ud800 surrogate", "bad \ufffd surrogate", "replaced_lone_surrogates"),
    ],
)
def test_single_changes(raw: str, expected: str, flag: str) -> None:
    text, flags = normalise_text(raw)
    assert text == expected
    assert flag in flags
    assert set(flags) <= set(NORMALISE_FLAGS)


def test_clean_text_unchanged_and_unflagged() -> None:
    raw = "Tittel\n\n• punkt én\n▪ punkt to\n◦ tre\n● fire\n· fem\n\tinnrykk – «sitat» “quote”"
    assert normalise_text(raw) == (raw, [])


def test_bom_only_flagged_as_bom() -> None:
    assert normalise_text("\ufeffx") == ("x", ["removed_bom"])


def test_zero_width_between_letter_and_accent_composes() -> None:
    # NFC must run after removal, or the result would not be idempotent.
    text, _ = normalise_text("e\u200b\u0301")
    assert text == "\u00e9"
    assert normalise_text(text) == (text, [])


def test_tab_and_newline_kept() -> None:
    assert normalise_text("a\tb\nc") == ("a\tb\nc", [])


def test_large_text_is_fast_enough() -> None:
    raw = ("Linje med\u00a0nbsp og myk\u00adbindestrek\r\n" * 200_000)
    text, flags = normalise_text(raw)
    assert "\r" not in text and "\u00a0" not in text and "\u00ad" not in text
    assert {"normalised_line_endings", "replaced_nbsp", "removed_soft_hyphens"} <= set(flags)


# Text biased towards the characters normalise_text handles, mixed with arbitrary ones.
_SPECIAL = st.sampled_from(list(
    "\r\n\t\u00a0\u202f\u2007\u2000\u2001\u2009\u00ad\u200b\u200c\u200d\u2060\ufeff"
    "\x00\x07\x0b\x0c\x1b\x7f\x85\u2028\u2029\u0301\u030a\u0308eAaoå•▪◦●·"
))
_TEXT = st.lists(st.one_of(_SPECIAL, st.characters()), max_size=60).map("".join)


@PROPERTY
@given(_TEXT)
def test_idempotent(raw: str) -> None:
    once, _ = normalise_text(raw)
    twice, flags = normalise_text(once)
    assert twice == once
    assert flags == []


@PROPERTY
@given(st.one_of(_TEXT, st.text(st.characters(codec="utf-8")), st.text()))
def test_output_invariants(raw: str) -> None:
    text, flags = normalise_text(raw)
    assert set(flags) <= set(NORMALISE_FLAGS)
    assert unicodedata.is_normalized("NFC", text)
    forbidden = set("\r\u00a0\u202f\u2007\u00ad\u200b\u200c\u200d\u2060\ufeff\u2028\u2029")
    assert not forbidden & set(text)
    assert all(ch in "\n\t" or unicodedata.category(ch) != "Cc" for ch in text)
    text.encode("utf-8")  # no lone surrogates left: the emit stage can write it


@PROPERTY
@given(st.binary(max_size=200))
def test_arbitrary_decoded_bytes(data: bytes) -> None:
    raw = data.decode("latin-1")
    once, _ = normalise_text(raw)
    assert normalise_text(once)[0] == once
