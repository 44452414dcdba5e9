"""Signals stop the run, never a document (issue 23.3): every engine exits 130 on SIGINT and
143 on SIGTERM with whole lines only, and --resume then completes the output byte for byte
as an uninterrupted run writes it."""
from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time

import pytest

from klynge.ingest import RawDocument
from klynge.runner.batch import run_batch
from klynge.runner.run_options import Interrupted, RunOptions
from tests.conftest import CORPUS

TEXTS = sorted(str(p) for p in (CORPUS / "texts").glob("*.txt"))[:6]
N_DOCS = 24


def _paragraphs() -> list[str]:
    # Short documents (the opening of each corpus text): the run is quick, and still long
    # enough to be interrupted at a random document.
    return ["\n\n".join(open(p, encoding="utf-8").read().split("\n\n")[:3]) for p in TEXTS]


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    folder = tmp_path_factory.mktemp("signals")
    src = folder / "in.jsonl"
    texts = _paragraphs()
    src.write_text("".join(json.dumps({"id": f"d{i}", "text": f"{texts[i % len(texts)]}\n\n{i}"})
                           + "\n" for i in range(N_DOCS)), encoding="utf-8")
    full = folder / "full.jsonl"
    summary = run_batch(RunOptions(inputs=[str(src)], output=str(full), workers=1, quiet=True,
                                   batch_size=1))
    assert summary.read == N_DOCS
    return src, full.read_bytes()


def test_interrupted_passes_every_per_document_handler(processor, monkeypatch):
    # Was an Exception: the per-document handler made it an internal_error record and the
    # run went on with half-done state.
    def stopped(raw):
        raise Interrupted(signal.SIGTERM)

    monkeypatch.setattr(processor, "_prepare", stopped)
    with pytest.raises(Interrupted):
        processor.process(RawDocument(text="Oslo, 1. mars 2021.", id="x", source={}))


def test_interrupted_passes_the_html_extractor_handler(monkeypatch):
    from klynge.ingest import html as html_mod
    from klynge.ingest.documents import _Run

    def stopped(*a, **k):
        raise Interrupted(signal.SIGTERM)

    monkeypatch.setattr(html_mod, "_extract_html", stopped)
    with pytest.raises(Interrupted):
        html_mod._html_document("<html><body><p>Hei</p></body></html>", {"path": "x"},
                                _Run(None), flags=[])


@pytest.mark.parametrize("engine", ["workers1", "workers2", "dask"])
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_signal_at_a_random_point_then_resume_is_byte_identical(batch, tmp_path, engine, signum):
    src, full = batch
    seed = random.randrange(10**6)
    wait_lines = random.Random(seed).randrange(1, N_DOCS // 2)
    out = tmp_path / "o.jsonl"
    args = {"workers1": ["--workers", "1"], "workers2": ["--workers", "2"],
            "dask": ["--engine", "dask", "--workers", "1"]}[engine]
    proc = subprocess.Popen([sys.executable, "-m", "klynge", "run", str(src), "-o", str(out),
                             "--batch-size", "1", "-q", *args],
                            stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 240
    while (proc.poll() is None and time.time() < deadline
           and (not out.exists() or out.read_bytes().count(b"\n") < wait_lines)):
        time.sleep(0.02)
    time.sleep(random.Random(seed).random() * 0.3)  # anywhere inside a document
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=120)
    data = out.read_bytes()
    where = f"seed {seed}, {engine}, {signal.Signals(signum).name}: {err}"
    if data != full:  # the run had not finished when the signal came
        assert proc.returncode == 128 + signum, where
    assert "Traceback" not in err, where
    assert data.endswith(b"\n") and full.startswith(data), where  # whole lines, in order
    assert all(json.loads(l)["status"] == "ok" for l in data.splitlines()), where
    run_batch(RunOptions(inputs=[str(src)], output=str(out), workers=1, quiet=True,
                         batch_size=1, resume=True))
    assert out.read_bytes() == full, where
