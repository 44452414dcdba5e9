"""The gold corpus validates; the validator catches broken annotations."""
from __future__ import annotations

import json

import pytest

from klynge.corpus import GoldDocument, check_corpus, check_document, iter_gold
from tests.conftest import CORPUS


def test_corpus_validates():
    assert check_corpus(CORPUS) == []


def test_corpus_size_languages_and_split():
    docs = list(iter_gold(CORPUS))
    assert len(docs) >= 45
    assert {d.meta.lang for d in docs} == {"nb", "nn", "en"}
    assert {d.meta.split for d in docs} == {"dev", "test"}


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
    errors = check_document(GoldDocument.model_validate(data), CORPUS / "texts")
    assert any(message in e for e in errors), errors
