"""Fuzzing a run (issue 23): hypothesis-made JSONL, arbitrary Unicode in every field (lone
surrogates, line separators, controls), arbitrary nesting and sizes, mixed with valid
records. Whatever the input: one record per input line, in order, whole lines of valid
UTF-8 JSON, and a second run with --resume adds nothing."""
from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from klynge.runner.batch import run_batch
from klynge.runner.run_options import RunOptions

_CHARS = st.one_of(
    st.characters(min_codepoint=0, max_codepoint=0x10FFFF, categories=None,
                  exclude_categories=()),
    st.sampled_from(["\u2028", "\u2029", "\x85", "\ud800", "\udc00", "\x00", "\ufeff", "\n",
                     " ", "å"]),
)
_TEXT = st.one_of(st.text(_CHARS, max_size=60),
                  st.sampled_from(["NCE Havvind", "20 millioner kroner", "2021-03-01", "nb"]))
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | _TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=3),
    max_leaves=8)
_FIELDS = ("id", "text", "html", "url", "title", "published", "lang")
_ARBITRARY = st.dictionaries(st.sampled_from(_FIELDS) | _TEXT, _JSON | _TEXT, max_size=7)
_VALID = st.builds(lambda n, t: {"text": f"Oslo, 1. mars 2021\n\nNCE {t} får {n} millioner kroner."},
                   st.integers(0, 999), _TEXT)
_LINE = st.one_of(_VALID, _ARBITRARY, _JSON.filter(lambda v: not isinstance(v, dict)))


def _encode(value, ascii_only: bool) -> bytes:
    line = json.dumps(value, ensure_ascii=ascii_only)
    # A raw lone surrogate cannot be UTF-8: written as the bytes a careless producer writes.
    return line.encode("utf-8", "surrogatepass")


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(lines=st.lists(st.tuples(_LINE, st.booleans()), min_size=1, max_size=5))
def test_fuzzed_jsonl_one_record_per_line_in_order_and_resume_adds_nothing(tmp_path, lines):
    src = tmp_path / "fuzz.jsonl"
    src.write_bytes(b"\n".join(_encode(v, a) for v, a in lines) + b"\n")
    out = tmp_path / "o.jsonl"
    summary = run_batch(RunOptions(inputs=[str(src)], output=str(out), workers=1, quiet=True,
                                   batch_size=2))
    assert summary.failed is None
    data = out.read_bytes()
    assert data.endswith(b"\n")
    records = [json.loads(l) for l in data.decode("utf-8").split("\n")[:-1]]
    assert [r["source"]["line"] for r in records] == list(range(1, len(lines) + 1))
    assert (summary.read, summary.ok + summary.error) == (len(lines), len(lines))
    again = run_batch(RunOptions(inputs=[str(src)], output=str(out), workers=1, quiet=True,
                                 batch_size=2, resume=True))
    assert again.failed is None and again.skipped == len(lines)
    assert out.read_bytes() == data
