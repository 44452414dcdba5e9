"""Per-document guards (issue #17): time budgets, long documents in pieces, linear-time
patterns, numbers too long for Decimal's default context."""
from __future__ import annotations

import re
import threading
import time

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from klynge.runner.guards import DocumentTimeout, budget_for, time_budget
from klynge.ingest import RawDocument
from klynge.runner.pieces import split_pieces
from klynge.runner.process import Processor, bounded_sentences
from tests.conftest import CORPUS


def _raw(text: str, doc_id: str = "x") -> RawDocument:
    return RawDocument(text=text, id=doc_id, source={"path": None, "line": None, "url": None})


@pytest.fixture
def budgeted(processor):
    """A processor with a time budget (the session's models: Processor.load loads once)."""
    def set_budget(seconds):
        return Processor.load(processor.options.replace(time_budget=seconds))
    return set_budget


def test_guards_budget_grows_with_length():
    assert budget_for(10, 60) == 60 and budget_for(500_000, 60) == 300
    assert budget_for(10, None) is None


def test_guards_time_budget_interrupts_a_regex_in_the_main_thread():
    with pytest.raises(DocumentTimeout):
        with time_budget(0.2):
            re.match(r"(a+)+$", "a" * 40 + "b")  # catastrophic backtracking
    time.sleep(0.3)  # no stray alarm afterwards


def test_guards_time_budget_in_a_worker_thread():
    caught = []

    def work():
        try:
            with time_budget(0.2):
                while True:
                    sum(range(1000))
        except DocumentTimeout as exc:
            caught.append(exc)

    t = threading.Thread(target=work)
    t.start()
    t.join(10)
    assert caught and not t.is_alive()


def test_guards_document_over_budget_becomes_timeout_record(budgeted):
    proc = budgeted(1e-4)
    text = (CORPUS / "texts" / "ife-2020-11-19-to-nye-arena-klynger.txt").read_text("utf-8")
    good = _raw("Hei.", "short")
    records = proc.process_batch([_raw(text), good])
    assert records[0].status == "error" and records[0].error.code == "timeout"


def test_guards_29_digit_number_keeps_its_document(processor):
    rec = processor.process(_raw("Tildelingen er på 12345678901234567890123456789 kroner "
                                 "og NOK 12345678901234567890123456789 million.\n"))
    assert rec.status == "ok"
    assert [a.value for a in rec.amounts] == ["12345678901234567890123456789",
                                              "12345678901234567890123456789000000"]


def test_guards_pieces_partition_at_paragraphs():
    text = "".join(f"Avsnitt {i} har litt tekst.\n\n" for i in range(5000))
    pieces = split_pieces(text, 10_000)
    assert pieces[0][0] == 0 and pieces[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(pieces, pieces[1:]))
    assert all(0 < e - s <= 10_000 for s, e in pieces)
    assert all(text[s - 2:s] == "\n\n" for s, _ in pieces[1:])
    assert split_pieces("x" * 25, 10) == [(0, 10), (10, 20), (20, 25)]  # no cut point


def test_guards_long_sentences_are_cut():
    text = "ord " * 1000
    cut = bounded_sentences([(0, len(text) - 1)], text, limit=300)
    assert all(e - s <= 300 for s, e in cut) and cut[0][0] == 0 and cut[-1][1] == len(text) - 1


@pytest.mark.slow
def test_guards_document_over_a_million_characters_is_processed_in_pieces(processor):
    texts = [p.read_text("utf-8") for p in sorted((CORPUS / "texts").glob("*.txt"))]
    text = "\n\n".join(texts * 30)[:1_100_000].rstrip() + "\n"
    # spaCy's nlp.max_length is 1,000,000: the whole document never reaches it.
    rec = processor.process(_raw(text))
    assert rec.status == "ok", rec.error
    assert "processed_in_pieces" in rec.flags and len(rec.text) == len(text)
    assert rec.sections[0].start == 0 and rec.sections[-1].end == len(rec.text)
    assert all(a.end == b.start for a, b in zip(rec.sections, rec.sections[1:]))
    for ent in rec.entities:
        assert rec.text[ent.start:ent.end] == ent.text
    assert rec.entities[-1].start > 1_000_000
    assert rec.title and rec.title in text[:1000]  # from the first piece


# Adversarial runs: "NCE " (status prefixes), spaced digit groups, capitalised words,
# numbers and years, on one line or one per line.
_UNITS = ["NCE ", "GCE ", "Arena ", "1 ", "12 345 ", "2020 2021 ", "Aaa Bbb ", "Oslo 2020 ",
          "Cluster for ", "NOK 1 ", "22 33 "]


@pytest.mark.slow
@settings(max_examples=6, deadline=None, derandomize=True, phases=[Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(units=st.lists(st.sampled_from(_UNITS), min_size=1, max_size=3),
       newlines=st.booleans())
def test_guards_adversarial_documents_stay_within_their_budget(budgeted, units, newlines):
    # 16,000 characters; the budget is 60 s per 100,000 characters with 60 s at least.
    # Before the fix, 8,000 characters of "NCE " took 39 s and 50 KB ran out of memory.
    proc = budgeted(60)
    unit = "".join(units).replace(" ", "\n") if newlines else "".join(units)
    text = (unit * (16_000 // len(unit) + 1))[:16_000]
    started = time.monotonic()
    rec = proc.process(_raw(text))
    assert rec.status == "ok", rec.error
    assert time.monotonic() - started < 60


# A budget that fires during a lazy load (issue 23.4): langdetect's profiles were loaded on
# first use, so a timeout inside that load left them half-read for the rest of the process
# (French came out as Catalan). A fresh process sweeps ever larger tiny budgets over
# documents in several languages, so that one fires at every stage, the loads included;
# then its records of full-budget documents must be those of a process that never timed out.
_SWEEP = r'''
import json, sys
from klynge.ingest import RawDocument
from klynge.options import PipelineOptions
from klynge.runner.process import Processor
from klynge.schema import dumps
texts = json.loads(sys.stdin.read())
budget = 0.002
while budget < 3:
    for i, text in enumerate(texts):
        Processor.load(PipelineOptions(time_budget=budget)).process(
            RawDocument(text=text, id=f"t{i}", source={}))
    budget *= 1.25
proc = Processor.load()
print(json.dumps([dumps(proc.process(RawDocument(text=t, id=f"d{i}", source={})))
                  for i, t in enumerate(texts)]))
'''


def test_tiny_budgets_at_every_stage_leave_later_documents_as_in_a_fresh_process(processor):
    import json
    import subprocess
    import sys

    from klynge.ingest import RawDocument
    from klynge.schema import dumps
    from tests.conftest import FIXTURES

    texts = [(FIXTURES / "languages" / f"{code}.txt").read_text(encoding="utf-8")[:1500]
             for code in ("fr", "de", "nb", "en", "sv")]
    proc = subprocess.run([sys.executable, "-c", _SWEEP], input=json.dumps(texts),
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    swept = json.loads(proc.stdout)
    fresh = [dumps(processor.process(RawDocument(text=t, id=f"d{i}", source={})))
             for i, t in enumerate(texts)]
    assert [json.loads(s)["language"] for s in swept] == [json.loads(f)["language"] for f in fresh]
    assert swept == fresh
