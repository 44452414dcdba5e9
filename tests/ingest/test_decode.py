"""klynge.ingest.decode: a file is binary by its content, not by a signature alone (issue
23, item 14): a text that happens to begin "RIFF", "%PDF" or "OggS" is read; real files of
those kinds are still refused."""
from __future__ import annotations

import io
import wave
from pathlib import Path

import pytest

from klynge.ingest import iter_documents
from tests.ingest.test_stdin import TEXTS


def _read(path: Path):
    (doc,) = list(iter_documents([str(path)]))
    return doc


def _wav() -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(bytes(range(256)) * 8)
    return buf.getvalue()


# An Ogg page header (version 0, beginning of stream) followed by a Vorbis id header.
_OGG = (b"OggS\x00\x02" + b"\x00" * 8 + b"\x01\x00\x00\x00" + b"\x00" * 8 + b"\x01\x1e"
        + b"\x01vorbis" + b"\x00" * 4 + b"\x01\x44\xac\x00\x00")
# The opening of a real PDF: version line, the binary comment line, an object, a stream.
_PDF = (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Length 12 /Filter /FlateDecode >>\n"
        b"stream\nx\x9c\x0b\xc9\xc8,V\x00\xa2D\x85\x92\xd4\x8a\x12\x00\nendstream\n")


@pytest.mark.parametrize("lang", sorted(TEXTS))
@pytest.mark.parametrize("signature", ["RIFF", "%PDF", "OggS", "MZ", "ID3", "GIF89a"])
def test_decode_text_beginning_with_a_signature_is_text(tmp_path, lang, signature):
    # Was refused as binary by its first four bytes alone.
    text = f"{signature} {TEXTS[lang]}\n\n{TEXTS[lang]}\n"
    path = tmp_path / "note.txt"
    path.write_text(text, encoding="utf-8")
    doc = _read(path)
    assert doc.error is None, doc.error
    assert doc.text == text


@pytest.mark.parametrize("data, kind", [(_wav(), "RIFF"), (_OGG, "Ogg"), (_PDF, "PDF")],
                         ids=["wav", "ogg", "pdf"])
def test_decode_real_media_and_pdf_are_still_binary(tmp_path, data, kind):
    path = tmp_path / "note.txt"
    path.write_bytes(data)
    doc = _read(path)
    assert doc.error is not None and doc.error[0] == "binary"
    assert kind in doc.error[1]


# The signatures are rule data (rules/shared/formats.yaml): one of offset 0, one of two
# parts (bzip2), one at offset 4 with a minimum length (ISO media), each by a real start.
@pytest.mark.parametrize("data, kind", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG image"),
    (b"BZh91AY&SY\x8e\x1f\x03\x12\x00\x00", "bzip2 archive"),
    (b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00", "MP4/QuickTime media"),
], ids=["png", "bzip2", "mp4"])
def test_decode_binary_signatures_from_rule_data(tmp_path, data, kind):
    path = tmp_path / "note.txt"
    path.write_bytes(data)
    doc = _read(path)
    assert doc.error is not None and doc.error[1].endswith(f"(looks like {kind})")


@pytest.mark.parametrize("entry", [
    {"kind": "x", "at": {0: "zz"}},
    {"kind": "x", "at": {}},
    {"kind": "x", "at": {"first": "00"}},
    {"kind": "x", "at": {4: ""}},       # would match every input of 4 bytes or more
    {"kind": "x", "at": {-1: "00"}},
])
def test_decode_binary_signature_rule_refuses_bad_entries(entry):
    from pydantic import ValidationError

    from klynge.ingest.formats import BinarySignature
    with pytest.raises(ValidationError):
        BinarySignature.model_validate(entry)
