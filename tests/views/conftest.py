"""Fixtures of the views tests: the bundled sample's output, built once per session with
the session's models (the `processor` fixture), as `klynge run corpus/texts` writes it."""
from __future__ import annotations

import json

import pytest

from tests.conftest import CORPUS


@pytest.fixture(scope="session")
def sample_jsonl(tmp_path_factory, processor):
    from klynge.ingest import iter_documents
    from klynge.schema import dumps
    raws = list(iter_documents([str(CORPUS / "texts")]))
    path = tmp_path_factory.mktemp("views") / "sample.jsonl"
    with open(path, "w", encoding="utf-8") as fh:
        for record in processor.process_batch(raws):
            fh.write(dumps(record) + "\n")
    return path


@pytest.fixture(scope="session")
def sample_records(sample_jsonl):
    return [json.loads(line) for line in sample_jsonl.read_text(encoding="utf-8").splitlines()]
