"""klynge.ingest.html: HTML read with bounds (issue 23, items 5 and 6): deep nesting parsed
in full or flagged, a byte limit with a flag, extraction deferred to where the document is
processed."""
from __future__ import annotations

import dataclasses
import io
import json

import pytest

from klynge.ingest import extract_pending, iter_documents
from tests.ingest.test_stdin import TEXTS


def _page(lang: str, depth: int, tag: str = "div") -> str:
    """A release page whose second half sits ``depth`` unclosed ``tag`` elements deep."""
    paras = [f"<p>{TEXTS[lang]} ({i})</p>" for i in range(4)]
    return ("<!DOCTYPE html><html><head><title>Ny klynge</title></head><body>"
            + paras[0] + paras[1] + f"<{tag}>" * depth + paras[2] + paras[3]
            + "</body></html>")


def _read(tmp_path, html: str, name: str = "page.html", **kwargs):
    path = tmp_path / name
    path.write_text(html, encoding="utf-8")
    (doc,) = list(iter_documents([str(path)], **kwargs))
    return doc


@pytest.mark.parametrize("lang", sorted(TEXTS))
@pytest.mark.parametrize("depth", [254, 300, 1000])
@pytest.mark.parametrize("tag", ["div", "span", "font"])
def test_html_deep_nesting_is_read_in_full(tmp_path, lang, depth, tag):
    # Was an empty text (the document lost) or a text cut after the 254th level, "ok"
    # and unflagged: lxml's parser drops everything deeper.
    deep = _read(tmp_path, _page(lang, depth, tag))
    shallow = _read(tmp_path, _page(lang, 5, tag), "shallow.html")
    assert deep.error is None and shallow.error is None
    assert "html_flattened" in deep.flags and "html_flattened" not in shallow.flags
    assert deep.text == shallow.text  # as if it had not been nested at all
    assert f"{TEXTS[lang]} (3)" in deep.text


@pytest.mark.parametrize("lang", sorted(TEXTS))
def test_html_deeper_than_the_parser_can_go_is_flagged(tmp_path, lang):
    doc = _read(tmp_path, _page(lang, 2100))
    assert doc.error is None and doc.text.startswith("Ny klynge")
    assert {"html_flattened", "html_too_deep"} <= set(doc.flags)


@pytest.mark.parametrize("lang", sorted(TEXTS))
def test_html_over_the_byte_limit_is_cut_and_flagged(tmp_path, monkeypatch, lang):
    from klynge.ingest import files, html

    limit = 4096
    monkeypatch.setattr(files, "max_bytes", lambda: limit)
    monkeypatch.setattr(html, "max_bytes", lambda: limit)
    body = "".join(f"<p>{TEXTS[lang]} ({i}) æøå</p>" for i in range(200))
    page = f"<html><head><title>Ny klynge</title></head><body>{body}</body></html>"
    assert len(page.encode()) > limit
    doc = _read(tmp_path, page)
    assert doc.error is None and "truncated_max_bytes" in doc.flags
    # Cut inside a character or not, the rest stays UTF-8: no cp1252 guess.
    assert not any(f.startswith("decoded_") for f in doc.flags)
    assert f"{TEXTS[lang]} (0)" in doc.text and f"({199})" not in doc.text
    record = json.dumps({"id": "x", "html": page})
    (jsonl,) = list(iter_documents([], stdin=io.BytesIO(record.encode() + b"\n")))
    assert "truncated_max_bytes" in jsonl.flags


def test_html_path_to_dev_zero_is_a_record(tmp_path):
    link = tmp_path / "zero.html"
    link.symlink_to("/dev/zero")
    (doc,) = list(iter_documents([str(link)], defer_html=True))
    assert doc.error is not None and doc.error[0] == "binary"


def _inputs(tmp_path, lang):
    page = _page(lang, 3)
    (tmp_path / "a.html").write_text(page, encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(
        json.dumps({"html": page, "title": "Gitt tittel", "published": "2021-03-01"}) + "\n"
        + json.dumps({"id": "given", "html": "<p>" + TEXTS[lang] + "</p>", "lang": lang})
        + "\n", encoding="utf-8")
    return [str(tmp_path / "a.html"), str(tmp_path / "b.jsonl")]


@pytest.mark.parametrize("lang", sorted(TEXTS))
def test_html_deferred_extraction_is_what_ingest_makes(tmp_path, lang):
    # Issue 23.6: HTML was extracted in the main process, outside any time budget. With
    # defer_html the worker extracts it, and must make of it exactly what ingest did.
    inputs = _inputs(tmp_path, lang)
    eager = list(iter_documents(inputs))
    deferred = list(iter_documents(inputs, defer_html=True))
    assert all(d.text is None and d.pending_html is not None for d in deferred)
    # The ids are known before extraction (--resume skips without extracting).
    assert [(d.id, d.derived_id) for d in deferred] == [(d.id, d.derived_id) for d in eager]
    assert [extract_pending(d) for d in deferred] == eager


def test_html_deferred_keeps_the_run_defaults(tmp_path):
    # A page that says neither its language nor its date: the run's defaults stand.
    page = tmp_path / "a.html"
    page.write_text("<html><body><p>Klyngen vokser videre, og flere bedrifter blir med i "
                    "samarbeidet.</p></body></html>", encoding="utf-8")
    (doc,) = list(iter_documents([str(page)], defer_html=True))
    doc = dataclasses.replace(doc, lang="da", published="2020-01-02")
    done = extract_pending(doc)
    assert (done.lang, done.published) == ("da", "2020-01-02")
