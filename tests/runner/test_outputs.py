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
