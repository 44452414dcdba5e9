"""Shared fixtures: models are loaded once per test session."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
FIXTURES = ROOT / "tests" / "fixtures"
SEED = CORPUS / "texts" / "ife-2020-11-19-to-nye-arena-klynger.txt"
# The annotated texts under their publishers' copyright are not in the repository; CI has
# them beside the checkout. Tests that need them skip without it.
# web/ (Norwegian and English publishers) and nordic/ (Danish and Swedish ones).
EXTERNAL_TEXTS = [ROOT.parent / "shared" / "press-releases" / name for name in ("web", "nordic")]
HAS_EXTERNAL_TEXTS = all(folder.is_dir() for folder in EXTERNAL_TEXTS)


@pytest.fixture(scope="session")
def processor():
    from klynge.runner.process import Processor
    return Processor.load()


@pytest.fixture(scope="session")
def entity_stage(processor):
    return processor.entity_stage


@pytest.fixture(scope="session")
def seed_record(processor):
    from klynge.ingest import iter_documents
    raw = next(iter_documents([str(SEED)]))
    return processor.process(raw).model_dump(mode="json")
