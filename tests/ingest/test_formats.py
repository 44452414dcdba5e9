"""klynge.ingest.formats: HTML found by content, Markdown read as Markdown, gzip inputs."""
from __future__ import annotations

import gzip
import io

import pytest

from klynge.ingest import iter_documents
from klynge.ingest.formats import format_rules, looks_like_html, markdown_to_text

PAGE = ("<!DOCTYPE html>\n<html lang=\"nb\"><head><title>Ny klynge i Halden</title></head>"
        "<body><h1>Ny klynge i Halden</h1><p>Innovasjon Norge gir 10 millioner kroner til "
        "NCE Smart Energy Markets i Halden.</p><p>Det er en viktig dag for regionen, sier "
        "direktør Kari Nordmann.</p></body></html>\n")


@pytest.mark.parametrize("text,expected", [
    (PAGE, True),
    ("\ufeff  <!-- saved -->\n<html><body><p>Hei</p></body></html>", True),
    ("<HTML>\n<BODY>Regjeringen</BODY></HTML>", True),
    ('<?xml version="1.0"?>\n<!DOCTYPE html><html></html>', True),
    ("Bruk <b> for fet skrift i meldingen.", False),
    ("Regjeringen gir 5 millioner kroner til <html>-kurs.", False),
    ("", False),
])
def test_formats_html_recognised_only_for_whole_documents(text, expected):
    assert looks_like_html(text) is expected
    assert looks_like_html(text.encode("utf-8")) is expected


def test_formats_markdown_markup_out_words_kept():
    md = ("# Ny klynge i Trøndelag\n\nInnovasjon Norge gir **10 millioner kroner** til "
          "_NCE Raufoss_ og *Arena Heidner*. Les [mer her](https://www.regjeringen.no/a).\n\n"
          "## Om klyngen\n\n* Grunnlagt i 2020\n+ 40 medlemmer\n\n> Det er en viktig dag, sier "
          "`Kari Nordmann`.\n\n---\n\nSlutt ![logo](logo.png)\n")
    text = markdown_to_text(md)
    assert text.splitlines()[0] == "Ny klynge i Trøndelag"
    assert "Om klyngen" in text.splitlines()
    for mark in ("#", "**", "_NCE", "*Arena", "](", "`", "---", "!["):
        assert mark not in text, mark
    for words in ("10 millioner kroner", "NCE Raufoss", "Arena Heidner", "mer her",
                  "https://www.regjeringen.no/a", "- Grunnlagt i 2020", "- 40 medlemmer",
                  "Det er en viktig dag, sier Kari Nordmann.", "Slutt logo"):
        assert words in text, words


def test_formats_markdown_keeps_underscores_inside_words_and_urls():
    text = markdown_to_text("Se https://example.com/snake_case_name og fil_navn_her.\n")
    assert text == "Se https://example.com/snake_case_name og fil_navn_her.\n"


def test_formats_rules_are_validated_data():
    rules = format_rules()
    assert rules.html_starts and rules.markdown and rules.max_bytes > 0
    from klynge.maintain.rulecheck import check_all_rules
    assert not [e for e in check_all_rules() if "formats.yaml" in e]


def test_formats_md_file_read_as_markdown_offsets_index_emitted_text(tmp_path):
    path = tmp_path / "release.md"
    path.write_text("# Arena Pro til Halden\n\nSiva gir **5 millioner kroner**.\n",
                    encoding="utf-8")
    [doc] = list(iter_documents([str(path)]))
    assert doc.text == "Arena Pro til Halden\n\nSiva gir 5 millioner kroner.\n"
    assert "markdown_read" in doc.flags


def test_formats_file_without_extension_read_as_html_by_content(tmp_path):
    path = tmp_path / "saved-page"
    path.write_text(PAGE, encoding="utf-8")
    [doc] = list(iter_documents([str(path)]))
    assert doc.error is None and doc.title == "Ny klynge i Halden"
    assert doc.flags[:2] == ["html_detected", "html_extracted"] and "<" not in doc.text
    [as_text] = list(iter_documents([str(path)], input_format="text"))
    assert as_text.text.startswith("<!DOCTYPE html>")


def test_formats_stdin_html_detected():
    [doc] = list(iter_documents(["-"], stdin=io.BytesIO(PAGE.encode())))
    assert doc.title == "Ny klynge i Halden" and "html_detected" in doc.flags


def test_formats_stdin_input_format_markdown_and_jsonl():
    [md] = list(iter_documents(["-"], stdin=io.BytesIO(b"## Hei\n\n**Sterk** tekst.\n"),
                               input_format="markdown"))
    assert md.text == "Hei\n\nSterk tekst.\n" and "markdown_read" in md.flags
    # jsonl even when the first line is malformed (auto would need a later object line).
    docs = list(iter_documents(["-"], stdin=io.BytesIO(b"{bad\n"), input_format="jsonl"))
    assert [d.error[0] for d in docs] == ["jsonl_malformed"]


def test_formats_gzip_jsonl_and_text(tmp_path):
    jl = tmp_path / "batch.jsonl.gz"
    jl.write_bytes(gzip.compress('{"id": "sv-1", "text": "Regeringen satsar 20 miljoner '
                                 'kronor."}\n{"id": "da-1", "text": "Regeringen giver 5 '
                                 'millioner kroner."}\n'.encode()))
    tx = tmp_path / "release.txt.gz"
    tx.write_bytes(gzip.compress("Regjeringa føreslår 34,5 millionar kroner.\n".encode()))
    docs = list(iter_documents([str(jl), str(tx)]))
    assert [d.id for d in docs[:2]] == ["sv-1", "da-1"]
    assert docs[2].text == "Regjeringa føreslår 34,5 millionar kroner.\n"
    assert all("decompressed_gzip" in d.flags for d in docs)
    # In a folder too.
    assert len(list(iter_documents([str(tmp_path)]))) == 3


def test_formats_gzip_is_bounded_and_corrupt_gzip_is_a_record(tmp_path):
    big = tmp_path / "big.txt.gz"
    big.write_bytes(gzip.compress(("Siva gir penger. " * 100_000).encode()))
    [doc] = list(iter_documents([str(big)], max_chars=1000))
    assert len(doc.text) == 1000 and "truncated_max_chars" in doc.flags
    bad = tmp_path / "bad.jsonl.gz"
    bad.write_bytes(gzip.compress(b'{"text": "Hei"}\n' * 100)[:40])
    docs = list(iter_documents([str(bad)]))
    assert docs[-1].error[0] == "unreadable" and "corrupt gzip" in docs[-1].error[1]
