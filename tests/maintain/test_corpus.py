"""The gold corpus validates; the validator catches broken annotations."""
from __future__ import annotations

import json

import pytest

from klynge.maintain.corpus import (GoldDocument, check_corpus, check_document, find_external,
                                    iter_gold, with_texts, PUBLISHER_KINDS)
from tests.conftest import CORPUS, HAS_EXTERNAL_TEXTS, EXTERNAL_TEXTS


def test_corpus_validates():
    assert check_corpus(CORPUS) == []


@pytest.mark.skipif(not HAS_EXTERNAL_TEXTS, reason="needs ../shared/press-releases/web and nordic")
def test_corpus_validates_with_external_texts():
    assert check_corpus(CORPUS, EXTERNAL_TEXTS) == []


def test_corpus_size_languages_and_split():
    docs = list(iter_gold(CORPUS))
    assert len(docs) >= 100
    assert {d.meta.lang for d in docs} == {"nb", "nn", "en", "da", "sv"}
    assert {d.meta.split for d in docs} == {"train", "dev", "test"}
    # train was carved out of dev: dev still has every language and kind of publisher
    dev = [d for d in docs if d.meta.split == "dev"]
    assert {d.meta.lang for d in dev} == {"nb", "nn", "en", "da", "sv"}
    assert {d.meta.publisher_kind for d in dev} >= set(PUBLISHER_KINDS)
    test = [d for d in docs if d.meta.split == "test"]
    assert len(test) >= 35
    assert {d.meta.publisher_kind for d in test} >= {"government", "agency", "cluster", "news"}


def test_corpus_commits_no_copyright_text():
    external = [d for d in iter_gold(CORPUS) if d.meta.text_sha256]
    assert len(external) >= 55
    assert all(d.text is None and not (CORPUS / "texts" / d.meta.file).exists()
               for d in external)


def test_corpus_external_text_with_another_hash_is_refused(tmp_path):
    doc = next(d for d in iter_gold(CORPUS) if d.meta.text_sha256)
    (tmp_path / doc.meta.file).write_text("Not the annotated text.", encoding="utf-8")
    errors = check_document(doc, tmp_path / doc.meta.file)
    assert errors and "sha256" in errors[0]
    evaluated, skipped = with_texts(CORPUS, [doc], [tmp_path])
    assert evaluated == [] and skipped == [doc.meta.id]


@pytest.mark.parametrize("mutate,message", [
    (lambda d: d["spans"].append({"start": 0, "end": 5, "label": "ORG"}), "overlaps"),
    (lambda d: d["records"]["sections"].pop(1), "gap or overlap"),
    (lambda d: d["records"]["amounts"].append({"text": "217 millioner kroner",
                                               "value": "2e", "currency": "NOK"}), "decimal"),
    (lambda d: d["records"]["dates"].append({"text": "2021", "value": "21.11.2020"}), "malformed"),
])
def test_corpus_check_catches_broken_documents(mutate, message):
    data = json.loads((CORPUS / "gold" / "ife-2020-11-19-to-nye-arena-klynger.json").read_text())
    mutate(data)
    errors = check_document(GoldDocument.model_validate(data),
                            CORPUS / "texts" / data["meta"]["file"])
    assert any(message in e for e in errors), errors


def test_corpus_external_texts_come_from_any_given_folder(tmp_path):
    """--texts is repeatable: the web and the nordic releases live in two folders, and a
    document's text is read from the first folder that holds it."""
    doc = next(d for d in iter_gold(CORPUS) if d.meta.text_sha256)
    empty, holder = tmp_path / "empty", tmp_path / "holder"
    empty.mkdir(), holder.mkdir()
    (holder / doc.meta.file).write_text("Not the annotated text.", encoding="utf-8")
    assert find_external(doc.meta.file, [empty, holder]) == holder / doc.meta.file
    assert find_external(doc.meta.file, [empty]) is None
