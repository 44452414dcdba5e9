"""Tests for klynge.ingest: every kind of bad input gives a flagged record or an error record."""
from __future__ import annotations

import builtins
import codecs
import io
import json
import logging
import os
import tempfile
import types
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from klynge.ingest import (
    ERROR_CODES,
    INGEST_FLAGS,
    RawDocument,
    iter_documents,
)
from klynge.normalise import NORMALISE_FLAGS, normalise_text

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
PROPERTY = settings(max_examples=50, deadline=None, derandomize=True)
ALL_FLAGS = set(INGEST_FLAGS) | set(NORMALISE_FLAGS)


def docs(*inputs: str | Path, **kwargs: object) -> list[RawDocument]:
    return list(iter_documents([str(i) for i in inputs], **kwargs))  # type: ignore[arg-type]


def one(*inputs: str | Path, **kwargs: object) -> RawDocument:
    result = docs(*inputs, **kwargs)
    assert len(result) == 1, result
    check_invariants(result[0])
    return result[0]


def check_invariants(doc: RawDocument) -> None:
    """What the runner relies on for every record, ok or error."""
    assert set(doc.source) == {"path", "line", "url"}
    if doc.error is None:
        assert isinstance(doc.text, str) and doc.text.strip()
        assert normalise_text(doc.text) == (doc.text, [])
        doc.text.encode("utf-8")
    else:
        code, message = doc.error
        assert code in ERROR_CODES
        assert isinstance(message, str) and message
        assert doc.text is None
    if doc.source["path"] is not None:
        doc.source["path"].encode("utf-8")
    for flag in doc.flags:
        assert flag in ALL_FLAGS, flag


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


# --------------------------------------------------------------------------- text files


def test_real_snippet_utf8(tmp_path: Path) -> None:
    doc = one(FIXTURES / "regjeringen_2009_nce.txt")
    assert doc.error is None
    assert doc.text.startswith("Historisk arkiv\n\nTre nye næringsklynger")
    assert doc.id is None and doc.title is None
    assert doc.source == {"path": str(FIXTURES / "regjeringen_2009_nce.txt"), "line": None, "url": None}
    assert doc.flags == []


def test_markdown_read_as_markdown_unknown_extension_as_text(tmp_path: Path) -> None:
    # Markdown's markup goes (tests/ingest/test_formats.py has the rules); an odd
    # extension is text unless its content is an HTML document.
    md = one(write(tmp_path, "a.md", "# Tittel\n\nTekst."))
    other = one(write(tmp_path, "release.dat", "Plain text in an odd file."))
    assert md.text == "Tittel\n\nTekst." and md.flags == ["markdown_read"]
    assert other.text == "Plain text in an odd file."


def test_cp1252_fallback(tmp_path: Path) -> None:
    doc = one(write(tmp_path, "cp.txt", "Næringsklynger på Sørlandet – «nye» € 5".encode("cp1252")))
    assert doc.error is None
    assert doc.text == "Næringsklynger på Sørlandet – «nye» € 5"
    assert "decoded_cp1252" in doc.flags


def test_latin1_fallback_when_not_cp1252(tmp_path: Path) -> None:
    # 0x81 is undefined in cp1252; latin-1 maps it to a C1 control, which is then removed.
    doc = one(write(tmp_path, "l1.txt", b"Bl\xe5b\xe6r \x81 og r\xf8d"))
    assert doc.text == "Blåbær  og rød"
    assert "decoded_latin1" in doc.flags and "removed_control_chars" in doc.flags


@pytest.mark.parametrize(
    ("encoding", "bom", "flag"),
    [
        ("utf-16-le", codecs.BOM_UTF16_LE, "decoded_utf16"),
        ("utf-16-be", codecs.BOM_UTF16_BE, "decoded_utf16"),
        ("utf-32-le", codecs.BOM_UTF32_LE, "decoded_utf32"),
        ("utf-8", codecs.BOM_UTF8, None),
    ],
)
def test_bom_encodings(tmp_path: Path, encoding: str, bom: bytes, flag: str | None) -> None:
    text = "Klynge i Ålesund\r\nmed 100\u00a0millioner"
    doc = one(write(tmp_path, "bom.txt", bom + text.encode(encoding)))
    assert doc.text == "Klynge i Ålesund\nmed 100 millioner"
    if flag:
        assert flag in doc.flags


def test_utf16_without_bom(tmp_path: Path) -> None:
    doc = one(write(tmp_path, "u16.txt", "Pressemelding om næringsklynger i Norge".encode("utf-16-le")))
    assert doc.text == "Pressemelding om næringsklynger i Norge"
    assert "decoded_utf16_nobom" in doc.flags


def test_mojibake_repaired(tmp_path: Path) -> None:
    garbled = "Næringsklynger på Sørlandet".encode("utf-8").decode("cp1252")
    assert "Ã" in garbled
    doc = one(write(tmp_path, "moji.txt", garbled))
    assert doc.text == "Næringsklynger på Sørlandet"
    assert "fixed_mojibake" in doc.flags


@pytest.mark.parametrize("content", [b"", b"   \n\t\r\n  ", "\u200b\ufeff\u00a0\n".encode("utf-8"),
                                     codecs.BOM_UTF16_LE])
def test_empty(tmp_path: Path, content: bytes) -> None:
    doc = one(write(tmp_path, "empty.txt", content))
    assert doc.error is not None and doc.error[0] == "empty"


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01",
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00",
        b"\x1f\x8b\x08\x00" + zlib.compress(b"x" * 100),
        b"text with a NUL \x00 byte inside and \x00 another",
        b"\x7fELF\x02\x01\x01\x00",
        bytes(range(1, 9)) * 20,
    ],
    ids=["pdf", "png", "zip", "gzip", "nul", "elf", "controls"],
)
def test_binary(tmp_path: Path, content: bytes) -> None:
    doc = one(write(tmp_path, "file.txt", content))
    assert doc.error is not None and doc.error[0] == "binary"
    assert "file.txt" in doc.error[1]


def test_binary_jsonl_is_one_error(tmp_path: Path) -> None:
    # A PDF's opening (its second line the comment of non-UTF-8 bytes real PDFs carry): a
    # signature followed by plain text is text since issue 23.14 (tests/ingest/test_decode.py).
    doc = one(write(tmp_path, "data.jsonl", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
                    + b"\n".join(b"line %d" % i for i in range(50))))
    assert doc.error is not None and doc.error[0] == "binary"


def test_line_endings_and_invisible_characters(tmp_path: Path) -> None:
    raw = "Tittel\r\n\r\nLinje\ren\u00a0to\u00ad tre\u200b fire\u202f\u2060fem\r"
    doc = one(write(tmp_path, "le.txt", raw))
    assert doc.text == "Tittel\n\nLinje\nen to tre fire fem\n"
    for flag in ("normalised_line_endings", "replaced_nbsp", "removed_soft_hyphens", "removed_zero_width"):
        assert flag in doc.flags


def test_huge_document_truncated(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    line = "Regjeringen satser på næringsklynger.\u00a0Dette er en lang linje.\n"
    with path.open("w", encoding="utf-8") as f:
        for _ in range(20 * 1024 * 1024 // len(line.encode("utf-8")) + 1):
            f.write(line)
    assert path.stat().st_size >= 20 * 1024 * 1024
    # How long it takes is benchmarks/size.py's to measure; a timed test is flaky.
    doc = one(path, max_chars=100_000)
    assert doc.error is None
    assert len(doc.text) == 100_000
    assert "truncated_max_chars" in doc.flags


def test_huge_document_without_limit(tmp_path: Path) -> None:
    path = write(tmp_path, "big.txt", ("ord " * 250_000 + "\n") * 20)  # 20 MB, 20 lines
    doc = one(path)
    assert doc.error is None and len(doc.text) == 20 * 1_000_001
    assert "truncated_max_chars" not in doc.flags


def test_truncation_never_splits_utf8_sequence(tmp_path: Path) -> None:
    doc = one(write(tmp_path, "ae.txt", "æøå" * 20_000), max_chars=10)
    assert doc.text == "æøåæøåæøåæ"[:10]
    assert "decoded_cp1252" not in doc.flags and "truncated_max_chars" in doc.flags


def test_short_document_not_flagged_truncated(tmp_path: Path) -> None:
    doc = one(write(tmp_path, "s.txt", "kort"), max_chars=10)
    assert doc.text == "kort" and doc.flags == []


def test_one_megabyte_single_line(tmp_path: Path) -> None:
    text = ("næringsklynge " * 80_000)[: 1024 * 1024]
    doc = one(write(tmp_path, "line.txt", text))
    assert doc.text == text


def test_max_chars_must_be_positive() -> None:
    with pytest.raises(ValueError):
        list(iter_documents(["x"], max_chars=0))


# --------------------------------------------------------------------------- missing / unreadable


def test_not_found(tmp_path: Path) -> None:
    doc = one(tmp_path / "nope.txt")
    assert doc.error is not None and doc.error[0] == "not_found"
    assert "nope.txt" in doc.error[1]


def test_unreadable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "secret.txt", "hemmelig")
    real_open = builtins.open

    def fake_open(file: object, *args: object, **kwargs: object) -> object:
        if str(file) == str(path):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    # Tests run as root, for whom chmod 000 changes nothing.
    monkeypatch.setattr(builtins, "open", fake_open)
    result = docs(path, write(tmp_path, "ok.txt", "lesbar"))
    assert [d.error[0] if d.error else "ok" for d in result] == ["unreadable", "ok"]
    assert "secret.txt" in result[0].error[1]  # type: ignore[index]


def test_io_error_while_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "bad.txt", "x")
    monkeypatch.setattr(builtins, "open", lambda *a, **k: (_ for _ in ()).throw(OSError(5, "Input/output error")))
    doc = one(path)
    assert doc.error is not None and doc.error[0] == "unreadable"


# --------------------------------------------------------------------------- HTML


def test_html_fixture() -> None:
    doc = one(FIXTURES / "press_release.html")
    assert doc.error is None
    assert "html_extracted" in doc.flags
    title = "To nye Arena-klynger for digital omstilling og fornybar energi"
    assert doc.title == title
    assert doc.published == "2020-11-19"
    assert doc.source["url"] == "https://ife.no/to-nye-arena-klynger/"
    assert doc.text.startswith(title + "\n\nRegjeringen utnevnte i dag")
    # The title line appears once, paragraphs are separated by blank lines.
    assert doc.text.count(title) == 1
    assert "\n\n– Vi er svært glade" in doc.text
    for junk in ("cookies", "Godta", "Forside", "Kontakt oss", "rettigheter", "Personvern"):
        assert junk not in doc.text


def test_html_extraction_deterministic() -> None:
    first = one(FIXTURES / "press_release.html")
    second = one(FIXTURES / "press_release.html")
    assert first == second


def test_html_declared_charset(tmp_path: Path) -> None:
    html = ("<html><head><meta http-equiv='Content-Type' content='text/html; charset=iso-8859-1'>"
            "<title>Blåbær</title></head><body><article><p>Næringsklyngen på Sørlandet får "
            "status som Arena-klynge i år, melder Innovasjon Norge i en pressemelding.</p>"
            "</article></body></html>")
    doc = one(write(tmp_path, "l1.htm", html.encode("latin-1")))
    assert doc.error is None
    assert doc.text.startswith("Blåbær\n\n")
    assert "Næringsklyngen på Sørlandet" in doc.text
    assert "decoded_declared_charset" in doc.flags


def test_html_lists_and_breaks(tmp_path: Path) -> None:
    html = ("<html><head><title>Nye klynger</title></head><body><article><h1>Nye klynger</h1>"
            "<p>Følgende klynger blir tatt opp i programmet for næringsklynger i år:</p>"
            "<ul><li>Cluster for Applied AI</li><li>H2Cluster</li></ul>"
            "<p>Kontakt: Ola Nordmann<br>Telefon 22 22 22 22 for spørsmål om klyngene.</p>"
            "</article></body></html>")
    doc = one(write(tmp_path, "list.html", html))
    assert doc.text.startswith("Nye klynger\n\nFølgende klynger")
    assert "\n\n- Cluster for Applied AI\n- H2Cluster\n\n" in doc.text
    assert "Ola Nordmann\nTelefon 22 22 22 22" in doc.text


@pytest.mark.parametrize("html", ["<html><body></body></html>", "<html><head><title></title></head></html>"])
def test_html_without_text_is_empty(tmp_path: Path, html: str) -> None:
    doc = one(write(tmp_path, "blank.html", html))
    assert doc.error is not None and doc.error[0] == "empty"


def test_html_extractor_crash_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import trafilatura

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("parser exploded")

    monkeypatch.setattr(trafilatura, "bare_extraction", boom)
    doc = one(write(tmp_path, "x.html", "<html><body><p>hei</p></body></html>"))
    assert doc.error is not None and doc.error[0] == "html_extract_failed"
    assert "parser exploded" in doc.error[1]


def test_binary_named_html(tmp_path: Path) -> None:
    doc = one(write(tmp_path, "x.html", b"\x89PNG\r\n\x1a\n\x00\x00"))
    assert doc.error is not None and doc.error[0] == "binary"


# --------------------------------------------------------------------------- JSONL


def outcome(doc: RawDocument) -> str:
    return doc.error[0] if doc.error else "ok"


def test_jsonl_fixture() -> None:
    path = FIXTURES / "records.jsonl"
    result = docs(path)
    for doc in result:
        check_invariants(doc)
    got = [(d.source["line"], outcome(d), d.id) for d in result]
    assert got == [
        (1, "ok", "nce-2009"),
        (3, "jsonl_malformed", None),
        (4, "jsonl_no_text", "no-text"),
        (5, "jsonl_bad_text", "bad-text"),
        (6, "jsonl_not_object", None),
        (8, "duplicate_id", None),
        (9, "ok", "42"),
        (10, "ok", None),
        (11, "ok", "html-1"),
        (12, "jsonl_bad_id", None),
    ]
    first = result[0]
    assert first.title == "Tre nye næringsklynger" and first.published == "2009-01-29"
    assert first.lang == "nb" and first.source["url"].startswith("http://www.regjeringen.no/")
    assert first.text.startswith("Tre nye næringsklynger får status")
    assert "\r" not in first.text
    malformed = result[1].error[1]  # type: ignore[index]
    assert "records.jsonl:3" in malformed
    assert "records.jsonl:1" in result[5].error[1]  # type: ignore[index]
    assert result[6].text == "Integer ids are accepted as strings. Softhyphen."
    assert "ignored_bad_lang" in result[7].flags and result[7].lang is None
    html = result[8]
    assert html.text.startswith("Klynge får Arena-status\n\nInnovasjon Norge har i dag")
    assert "Forside" not in html.text and "Eksempel" not in html.text
    assert html.source["url"] == "https://example.org/nyhet"
    assert html.title == "Klynge får Arena-status"
    assert "html_extracted" in html.flags


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    a = write(tmp_path, "a.jsonl", '{"id": "x", "text": "første"}\n')
    b = write(tmp_path, "b.jsonl", '{"id": "x", "text": "andre"}\n{"id": "y", "text": "tredje"}\n')
    result = docs(a, b)
    assert [outcome(d) for d in result] == ["ok", "duplicate_id", "ok"]
    # The duplicate carries no id, so the output never has two records with id "x".
    assert result[1].id is None
    assert "'x'" in result[1].error[1] and "a.jsonl:1" in result[1].error[1]  # type: ignore[index]


def test_duplicate_ids_are_per_run(tmp_path: Path) -> None:
    a = write(tmp_path, "a.jsonl", '{"id": "x", "text": "første"}\n')
    assert outcome(one(a)) == "ok"
    assert outcome(one(a)) == "ok"


def test_jsonl_empty_file(tmp_path: Path) -> None:
    doc = one(write(tmp_path, "e.jsonl", "\n  \n\n"))
    assert doc.error is not None and doc.error[0] == "empty"


def test_jsonl_edge_lines(tmp_path: Path) -> None:
    lines = [
        codecs.BOM_UTF8 + b'{"text": "with BOM"}',
        b'{"text": "lone \\ud800 surrogate"}',
        b"[" * 100_000,
        b'{"text": "cp1252 line: \xf8"}',
        b'{"text": "   "}',
        b'{"text": null, "html": "<p>x</p>"}',
        b'{"html": 5}',
        b'{"text": "t", "html": "<p>h</p>"}',
        b'{"text": "crlf line"}\r',
        b'{"text": "raw\ttab"}',
        b'{"id": "", "text": "empty id"}',
        b'{"text": "no newline at end"}',
    ]
    result = docs(write(tmp_path, "edge.jsonl", b"\n".join(lines)))
    for doc in result:
        check_invariants(doc)
    assert [outcome(d) for d in result] == [
        "ok", "ok", "jsonl_malformed", "ok", "empty", "ok", "jsonl_bad_text", "ok", "ok", "ok",
        "jsonl_bad_id", "ok",
    ]
    assert result[1].text == "lone \ufffd surrogate"
    assert result[3].text == "cp1252 line: ø" and "decoded_cp1252" in result[3].flags
    assert "text_over_html" in result[7].flags and result[7].text == "t"
    assert result[9].text == "raw\ttab"
    assert [d.source["line"] for d in result] == list(range(1, 13))


def test_jsonl_max_chars(tmp_path: Path) -> None:
    doc = one(write(tmp_path, "m.jsonl", json.dumps({"text": "x" * 500}) + "\n"), max_chars=100)
    assert doc.text == "x" * 100 and "truncated_max_chars" in doc.flags


# --------------------------------------------------------------------------- folders


def make_tree(root: Path) -> None:
    write(root, "b.txt", "B")
    write(root, "a.md", "A")
    write(root, "sub/c.html", "<html><head><title>C tittel</title></head><body><p>C.</p></body></html>")
    write(root, "sub/d.jsonl", '{"text": "D1"}\n{"text": "D2"}\n')
    write(root, "sub/deeper/e.TXT", "E")
    write(root, "image.png", b"\x89PNG\r\n\x1a\n")
    write(root, "notes.docx", b"PK\x03\x04")
    write(root, ".hidden.txt", "hidden")
    write(root, ".git/config.txt", "git")


def test_folder_recursive_sorted_filtered(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    make_tree(tmp_path / "corpus")
    with caplog.at_level(logging.INFO, logger="klynge.ingest"):
        result = docs(tmp_path / "corpus")
    for doc in result:
        check_invariants(doc)
    rel = [(os.path.relpath(d.source["path"], tmp_path / "corpus"), d.source["line"]) for d in result]
    assert rel == [("a.md", None), ("b.txt", None), ("sub/c.html", None), ("sub/d.jsonl", 1),
                   ("sub/d.jsonl", 2), ("sub/deeper/e.TXT", None)]
    assert [d.text for d in result][:2] == ["A", "B"]
    assert result[2].text.startswith("C tittel\n\n")
    # Skipped files are not silent: each one is logged.
    assert "image.png" in caplog.text and "notes.docx" in caplog.text and ".hidden.txt" in caplog.text


def test_folder_order_is_deterministic(tmp_path: Path) -> None:
    make_tree(tmp_path / "corpus")
    first = [d.source for d in docs(tmp_path / "corpus")]
    assert first == [d.source for d in docs(tmp_path / "corpus")]


def test_symlink_loop_terminates(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    write(root, "a/x.txt", "X")
    (root / "a" / "back").symlink_to(root, target_is_directory=True)
    (root / "self.txt").symlink_to(root / "self.txt")
    result = docs(root)
    assert [(os.path.relpath(d.source["path"], root), outcome(d)) for d in result] == [
        ("a/back", "symlink_loop"), ("a/x.txt", "ok"), ("self.txt", "symlink_loop"),
    ]


def test_symlink_to_same_folder_twice(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    write(root, "2024/x.txt", "X")
    (root / "latest").symlink_to(root / "2024", target_is_directory=True)
    result = docs(root)
    assert [outcome(d) for d in result] == ["ok", "symlink_duplicate"]


def test_symlinked_file_and_broken_link(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    target = write(tmp_path, "elsewhere.txt", "Lenket")
    root.mkdir()
    (root / "link.txt").symlink_to(target)
    (root / "broken.txt").symlink_to(tmp_path / "missing.txt")
    (root / "broken.png").symlink_to(tmp_path / "missing.png")
    result = docs(root)
    assert [(Path(d.source["path"]).name, outcome(d)) for d in result] == [
        ("broken.txt", "not_found"), ("link.txt", "ok"),
    ]


def test_empty_folder(tmp_path: Path) -> None:
    write(tmp_path, "only/picture.jpg", b"\xff\xd8\xff\xe0")
    doc = one(tmp_path / "only")
    assert doc.error is not None and doc.error[0] == "empty_folder"


def test_unlistable_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "corpus/locked/x.txt", "X")
    write(tmp_path, "corpus/open/y.txt", "Y")
    real_scandir = os.scandir

    def fake_scandir(path: str) -> object:
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", fake_scandir)
    result = docs(tmp_path / "corpus")
    assert [outcome(d) for d in result] == ["unreadable", "ok"]


def test_undecodable_file_name(tmp_path: Path) -> None:
    folder = os.fsencode(tmp_path) + b"/names"
    os.mkdir(folder)
    with open(folder + b"/bl\xe5.txt", "wb") as f:
        f.write(b"innhold")
    doc = one(tmp_path / "names")
    assert doc.error is None and "\ufffd" in doc.source["path"]


def test_inputs_kept_in_order(tmp_path: Path) -> None:
    a = write(tmp_path, "z.txt", "Z")
    b = write(tmp_path, "a.txt", "A")
    result = docs(a, tmp_path / "missing.txt", b)
    assert [outcome(d) for d in result] == ["ok", "not_found", "ok"]
    assert [d.text for d in result] == ["Z", None, "A"]


# --------------------------------------------------------------------------- stdin


def test_stdin_text() -> None:
    stdin = io.StringIO("Tittel\r\n\r\nBrødtekst {ikke json}\n")
    for inputs in ([], ["-"]):
        stdin.seek(0)
        result = list(iter_documents(inputs, stdin=stdin))
        assert len(result) == 1
        assert result[0].text == "Tittel\n\nBrødtekst {ikke json}\n"
        assert result[0].source["path"] == "<stdin>"


def test_stdin_jsonl_bytes() -> None:
    stdin = io.BytesIO(b'\n{"id": "a", "text": "A"}\n{"text": "B"}\nnot json\n')
    result = list(iter_documents(["-"], stdin=stdin))
    assert [outcome(d) for d in result] == ["ok", "ok", "jsonl_malformed"]
    assert [d.source["line"] for d in result] == [2, 3, 4]


def test_stdin_first_line_not_object_means_text() -> None:
    result = list(iter_documents(["-"], stdin=io.StringIO('["a"]\n{"text": "x"}\n')))
    assert len(result) == 1 and result[0].error is None
    assert result[0].text == '["a"]\n{"text": "x"}\n'


def test_stdin_binary_and_empty() -> None:
    assert outcome(next(iter_documents([], stdin=io.BytesIO(b"%PDF-1.4\n\x00\x01")))) == "binary"
    assert outcome(next(iter_documents([], stdin=io.BytesIO(b"")))) == "empty"


def test_stdin_text_truncated_and_cp1252() -> None:
    doc = next(iter_documents([], stdin=io.BytesIO("Blåbær ".encode("cp1252") * 10_000), max_chars=50))
    assert len(doc.text) == 50 and "truncated_max_chars" in doc.flags
    assert "decoded_cp1252" in doc.flags


def test_stdin_object_with_buffer() -> None:
    raw = io.BytesIO(b'{"text": "via buffer"}\n')
    stdin = types.SimpleNamespace(buffer=raw)
    assert next(iter_documents([], stdin=stdin)).text == "via buffer"


class CountingStream:
    """A binary stream that counts how many lines were pulled from it."""

    def __init__(self, lines: int) -> None:
        self.pulled = 0
        self.lines = lines

    def read(self, n: int = -1) -> bytes:
        return b""

    def __iter__(self) -> Iterator[bytes]:
        for i in range(self.lines):
            self.pulled += 1
            yield json.dumps({"id": str(i), "text": f"dok {i}"}).encode() + b"\n"


def test_streaming_is_lazy() -> None:
    stream = CountingStream(1000)
    gen = iter_documents([], stdin=stream)
    assert stream.pulled == 0  # nothing happens before iteration starts
    first = next(gen)
    assert first.id == "0" and stream.pulled <= 2
    assert sum(1 for _ in gen) == 999


def test_error_codes_documented() -> None:
    for code, meaning in ERROR_CODES.items():
        assert code.islower() and " " not in code and meaning


# --------------------------------------------------------------------------- properties

_EXTENSIONS = st.sampled_from([".txt", ".md", ".html", ".htm", ".jsonl", ".dat"])
_PREFIXES = st.sampled_from([b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE,
                             b"%PDF", b"{\"text\": \"", b"<html><body><p>", b"\x00"])


def _expected_count(data: bytes, ext: str, doc: list[RawDocument]) -> int:
    if ext != ".jsonl" or (len(doc) == 1 and doc[0].error and doc[0].error[0] in {"binary", "empty"}):
        return 1
    lines = data.split(b"\n")
    if lines and lines[0].startswith(codecs.BOM_UTF8):
        lines[0] = lines[0][3:]
    return sum(1 for line in lines if line.strip())


@PROPERTY
@given(prefix=_PREFIXES, data=st.binary(max_size=300), ext=_EXTENSIONS,
       max_chars=st.one_of(st.none(), st.integers(1, 50)))
def test_random_bytes_never_crash(prefix: bytes, data: bytes, ext: str, max_chars: int | None) -> None:
    payload = prefix + data
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"doc{ext}"
        path.write_bytes(payload)
        result = list(iter_documents([str(path)], max_chars=max_chars))
        assert len(result) == _expected_count(payload, ext, result)
        for doc in result:
            check_invariants(doc)
            if doc.text is not None and max_chars is not None:
                assert len(doc.text) <= max_chars
        # The same folder walked: the same documents (if the extension is eligible).
        if ext != ".dat":
            assert [d.text for d in iter_documents([folder], max_chars=max_chars)] == [d.text for d in result]


@PROPERTY
@given(st.text(max_size=300))
def test_random_text_file_roundtrip(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.txt"
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        result = list(iter_documents([str(path)]))
        assert len(result) == 1
        doc = result[0]
        check_invariants(doc)
        expected, _ = normalise_text(text)
        if doc.error is None and not ({"fixed_mojibake", "decoded_cp1252", "decoded_latin1",
                                       "decoded_utf16_nobom"} & set(doc.flags)):
            assert doc.text == expected


@PROPERTY
@given(st.lists(st.one_of(
    st.builds(lambda t, i: json.dumps({"id": i, "text": t}), st.text(max_size=40),
              st.one_of(st.none(), st.integers(0, 5), st.sampled_from(["a", "b", ""]))),
    st.text(max_size=20),
    st.builds(json.dumps, st.one_of(st.integers(), st.lists(st.integers(), max_size=3), st.none())),
), max_size=15))
def test_random_jsonl_one_record_per_line(lines: list[str]) -> None:
    payload = "\n".join(lines).encode("utf-8", "surrogatepass")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.jsonl"
        path.write_bytes(payload)
        result = list(iter_documents([str(path)]))
        assert len(result) == _expected_count(payload, ".jsonl", result)
        ids = [d.id for d in result if d.id is not None]
        assert len(ids) == len(set(ids))
        for doc in result:
            check_invariants(doc)


def test_jsonl_html_fragment_with_given_title(tmp_path: Path) -> None:
    record = {"id": "frag", "title": "Gitt tittel",
              "html": "<p>Første avsnitt.</p><p>Andre avsnitt.</p>"}
    doc = one(write(tmp_path, "f.jsonl", json.dumps(record, ensure_ascii=False) + "\n"))
    assert doc.error is None
    assert doc.title == "Gitt tittel"
    assert doc.text == "Gitt tittel\n\nFørste avsnitt.\n\nAndre avsnitt."


def test_extractor_logs_quiet(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        one(write(tmp_path, "t.html", "<p>x</p>"))
    assert not [r for r in caplog.records if r.name.startswith("trafilatura")]


# --------------------------------------------------------------------------- issue #17


def test_stdin_jsonl_with_a_malformed_first_line_stays_jsonl() -> None:
    lines = ['{"text": broken'] + [json.dumps({"text": f"Tekst {i}."}) for i in range(200)]
    docs = list(iter_documents(["-"], stdin=io.StringIO("\n".join(lines) + "\n")))
    assert len(docs) == 201
    assert outcome(docs[0]) == "jsonl_malformed"
    assert all(d.error is None for d in docs[1:])


def test_stdin_text_starting_with_a_brace_stays_text() -> None:
    docs = list(iter_documents(["-"], stdin=io.StringIO("{ikke json}\nBare tekst.\n")))
    assert len(docs) == 1 and docs[0].text.startswith("{ikke json}")


@pytest.mark.parametrize("bom", [codecs.BOM_UTF16_LE, b""], ids=["bom", "nobom"])
def test_jsonl_utf16_gives_one_record_per_line(tmp_path: Path, bom: bytes) -> None:
    data = "".join(json.dumps({"id": f"a{i}", "text": f"Blåbær {i}"}, ensure_ascii=False) + "\n"
                   for i in range(3))
    path = tmp_path / "u16.jsonl"
    path.write_bytes(bom + data.encode("utf-16-le"))
    docs = list(iter_documents([str(path)]))
    assert [(d.id, d.text, d.error) for d in docs] == [(f"a{i}", f"Blåbær {i}", None)
                                                      for i in range(3)]


def test_utf8_file_with_one_latin1_line_keeps_its_utf8(tmp_path: Path) -> None:
    path = tmp_path / "mixed.txt"
    path.write_bytes("Blåbær og æøå\n".encode() + "Latin: blåbær\n".encode("latin-1")
                     + "Mer på norsk\n".encode())
    doc = next(iter_documents([str(path)]))
    assert doc.text.splitlines() == ["Blåbær og æøå", "Latin: blåbær", "Mer på norsk"]
    assert "decoded_mixed_cp1252" in doc.flags and "decoded_cp1252" not in doc.flags


def test_derived_ids_unique_per_input_and_stable_across_path_spellings(tmp_path: Path,
                                                                      monkeypatch) -> None:
    (tmp_path / "d").mkdir()
    for name in ("a.txt", "b.txt"):
        (tmp_path / "d" / name).write_text("Samme tekst.\n", encoding="utf-8")
    (tmp_path / "missing").mkdir()
    ids = [d.derived_id for d in iter_documents([str(tmp_path / "d")])]
    assert len(set(ids)) == 2
    monkeypatch.chdir(tmp_path)
    again = [d.derived_id for d in iter_documents(["./d//a.txt", "missing/../d/b.txt"])]
    assert again == ids
    # Error records too: how a missing path is typed does not change its id.
    gone = [next(iter_documents([p])).derived_id for p in ("nope.txt", "./nope.txt",
                                                           str(tmp_path / "nope.txt"))]
    assert len(set(gone)) == 1
    twice = [d.derived_id for d in iter_documents(["d/a.txt", "d/a.txt"])]
    assert twice[1] == twice[0] + "#2"


def test_control_byte_in_one_jsonl_line_costs_that_line_only(tmp_path: Path) -> None:
    # Issue 23.10: one NUL in the first 8 KB made ten records one "binary" record.
    lines = [json.dumps({"id": str(i), "text": f"Dokument {i}."}).encode() for i in range(10)]
    lines[3] = lines[3].replace(b"Dokument", b"Doku\x00ment")
    lines[6] = lines[6].replace(b"Dokument", b"Doku\x01ment")
    docs = list(iter_documents([str(write(tmp_path, "ten.jsonl", b"\n".join(lines) + b"\n"))]))
    assert [outcome(d) for d in docs] == ["ok"] * 3 + ["binary"] + ["ok"] * 2 + ["binary"] + ["ok"] * 3
    assert "ten.jsonl:4" in docs[3].error[1] and "0x00" in docs[3].error[1]
    assert [d.source["line"] for d in docs] == list(range(1, 11))
