"""The gold corpus scored once per test session, for the evaluation and targets tests."""
from __future__ import annotations

import pytest

from klynge.maintain.evaluate import evaluate
from tests.conftest import CORPUS, EXTERNAL_TEXTS, HAS_EXTERNAL_TEXTS


@pytest.fixture(scope="session")
def dev_run(processor):
    return evaluate(CORPUS, "dev", processor, texts_dirs=EXTERNAL_TEXTS if HAS_EXTERNAL_TEXTS else ())


@pytest.fixture(scope="session")
def test_run(processor):
    return evaluate(CORPUS, "test", processor, texts_dirs=EXTERNAL_TEXTS if HAS_EXTERNAL_TEXTS else ())
