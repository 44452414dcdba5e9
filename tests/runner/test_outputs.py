"""The files a run writes (klynge.runner.outputs): checked before anything is opened."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from klynge.runner.outputs import OutputPathError, check_output_path


def write(tmp_path: Path, name: str, data: str) -> Path:
    path = tmp_path / name
    path.write_text(data, encoding="utf-8")
    return path



def test_check_output_path_ok(tmp_path: Path) -> None:
    check_output_path("-")
    check_output_path(str(tmp_path / "new.jsonl"))
    existing = write(tmp_path, "old.jsonl", "")
    check_output_path(str(existing))
    assert not (tmp_path / "new.jsonl").exists()  # checking creates nothing


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda p: str(p), "directory"),
        (lambda p: str(p / "missing" / "out.jsonl"), "does not exist"),
        (lambda p: str(write(p, "file", "x") / "out.jsonl"), "not a folder"),
        (lambda p: "", "empty"),
    ],
)
def test_check_output_path_errors(tmp_path: Path, make: object, words: str) -> None:
    with pytest.raises(OutputPathError, match=words):
        check_output_path(make(tmp_path))  # type: ignore[operator]


def test_check_output_path_permission(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    existing = write(tmp_path, "ro.jsonl", "")
    monkeypatch.setattr(os, "access", lambda *a, **k: False)
    with pytest.raises(OutputPathError, match="permission"):
        check_output_path(str(existing))
    with pytest.raises(OutputPathError, match="permission"):
        check_output_path(str(tmp_path / "new.jsonl"))


# --- ids: one writer (encode_lines), one reader (read_line_id), whatever an id holds -----

import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from klynge.ingest import RawDocument
from klynge.runner.outputs import encode_lines, read_line_id, split_lines, written_id
from klynge.runner.process import error_record
from klynge.runner.run_options import RunOptions
from klynge.runner.work import lines_for

# Every code point, surrogates included (hypothesis leaves them out unless told), with the
# ones that broke --resume drawn often.
_ANY_CHAR = st.one_of(
    st.characters(min_codepoint=0, max_codepoint=0x10FFFF, categories=None,
                  exclude_categories=()),
    st.sampled_from(["\u2028", "\u2029", "\x85", "\ud800", "\udfff", "\udc00", "\n", "\r",
                     "\x00", "\\", '"', "\ufeff"]),
)
_PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]")


@settings(max_examples=300, deadline=None)
@given(st.text(_ANY_CHAR, min_size=1))
def test_output_ids_round_trip_through_writer_and_reader(ident: str) -> None:
    raw = RawDocument(text=None, id=ident, source={"path": "x", "line": 1, "url": ident})
    lines = lines_for([error_record(raw, "empty", "m")], RunOptions()).lines
    data = encode_lines(lines)
    data.decode("utf-8")  # valid UTF-8, never a UnicodeEncodeError
    assert len(split_lines(data)) == 1 and data.endswith(b"\n")
    assert read_line_id(split_lines(data)[0]) == (written_id(ident), True)
    if not _PAIR.search(ident):
        # Only a high surrogate followed by a low one reads back as one character.
        assert written_id(ident) == ident


def test_split_lines_splits_at_newline_only() -> None:
    line = json.dumps({"id": "a\u2028b\u2029c\x85d"}, ensure_ascii=False)
    assert split_lines(encode_lines([line, line])) == [line.encode("utf-8")] * 2
