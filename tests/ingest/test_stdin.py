"""klynge.ingest.stdin: what arrives on stdin is judged as a file of it would be (issue 23,
item 14): joined files with byte order marks, UTF-16/32 JSONL, a stream without line ends."""
from __future__ import annotations

import codecs
import io
import json

import pytest

from klynge.ingest import iter_documents

# One release opening per language klynge reads; each test runs in all of them.
TEXTS = {
    "nb": "Oslo, 1. mars 2021. Innovasjon Norge gir 10 millioner kroner til NCE Raufoss.",
    "nn": "Bergen, 1. mars 2021. Regjeringa gir pengar til klynga i Vestland fylke.",
    "en": "Oslo, 1 March 2021. Innovation Norway grants NOK 10 million to the cluster.",
    "da": "København, 1. marts 2021. Klyngen får 10 millioner kroner fra fonden.",
    "sv": "Stockholm, 1 mars 2021. Vinnova ger klustret 10 miljoner kronor i år.",
}


def _jsonl(records: list[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


@pytest.mark.parametrize("lang", sorted(TEXTS))
def test_stdin_joined_files_with_byte_order_marks_keep_every_record(lang):
    # `cat a.jsonl b.jsonl | klynge run`: the second file's BOM opens line 3. It was read
    # as part of the line, and that record became jsonl_malformed.
    first = _jsonl([{"id": "a1", "text": TEXTS[lang]}, {"id": "a2", "text": TEXTS[lang]}])
    second = _jsonl([{"id": "b1", "text": TEXTS[lang]}, {"id": "b2", "text": TEXTS[lang]}])
    data = codecs.BOM_UTF8 + first.encode() + codecs.BOM_UTF8 + second.encode()
    docs = list(iter_documents([], stdin=io.BytesIO(data)))
    assert [(d.id, d.error) for d in docs] == [(i, None) for i in ("a1", "a2", "b1", "b2")]
    assert all(d.text.startswith(TEXTS[lang][:10]) for d in docs)


@pytest.mark.parametrize("lang", sorted(TEXTS))
@pytest.mark.parametrize("encoding, flag", [("utf-16", "decoded_utf16"),
                                            ("utf-16-le", "decoded_utf16_nobom"),
                                            ("utf-16-be", "decoded_utf16_nobom"),
                                            ("utf-32", "decoded_utf32")])
def test_stdin_wide_jsonl_is_read_as_records(lang, encoding, flag):
    # Was one text document: the lines were split at b"\n" before decoding, so the first
    # line was no JSON object and stdin was taken for text.
    records = [{"id": f"r{i}", "text": f"{TEXTS[lang]} ({i})"} for i in range(3)]
    data = _jsonl(records).encode(encoding)
    docs = list(iter_documents([], stdin=io.BytesIO(data)))
    assert [d.id for d in docs] == ["r0", "r1", "r2"]
    assert [d.text for d in docs] == [r["text"] for r in records]
    assert all(d.error is None and flag in d.flags for d in docs)


@pytest.mark.parametrize("lang", sorted(TEXTS))
def test_stdin_wide_text_stays_one_document(lang):
    text = f"{TEXTS[lang]}\n\n{TEXTS[lang]}\n"
    docs = list(iter_documents([], stdin=io.BytesIO(text.encode("utf-16"))))
    assert len(docs) == 1 and docs[0].error is None
    assert docs[0].text == text and "decoded_utf16" in docs[0].flags


def test_stdin_without_line_ends_is_read_in_bounded_pieces(monkeypatch):
    # /dev/zero on stdin has no b"\n": the first "line" was read whole (a MemoryError).
    from klynge.ingest import formats, stdin

    monkeypatch.setattr(stdin, "max_bytes", lambda: 4096)
    monkeypatch.setattr(formats, "max_bytes", lambda: 4096)

    class Endless(io.RawIOBase):
        served = 0

        def readable(self):
            return True

        def readinto(self, buf):
            Endless.served += len(buf)
            assert Endless.served < 10**7, "read without a bound"
            buf[:] = b"\x00" * len(buf)
            return len(buf)

    docs = list(iter_documents([], stdin=io.BufferedReader(Endless())))
    assert [d.error[0] for d in docs] == ["binary"]
