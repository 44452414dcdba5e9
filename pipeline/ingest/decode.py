"""Bytes to text: byte order marks, UTF-8, declared charsets, cp1252, mixed files, mojibake, binary files."""
from __future__ import annotations

import codecs
import re

from klynge.ingest.documents import _SNIFF_BYTES, RawDocument, _error, _finish, _Run
from klynge.ingest.formats import format_rules

_BOMS: tuple[tuple[bytes, str, str], ...] = (
    # UTF-32 LE's BOM starts with UTF-16 LE's, so it must be tested first.
    (codecs.BOM_UTF32_LE, "utf-32-le", "decoded_utf32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "decoded_utf32"),
    (codecs.BOM_UTF8, "utf-8", ""),
    (codecs.BOM_UTF16_LE, "utf-16-le", "decoded_utf16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "decoded_utf16"),
)
# Control bytes that never occur in real text (tab, LF, VT, FF, CR and ESC do).
_BINARY_CONTROL = bytes(c for c in [*range(0x00, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20), 0x7F])
_BINARY_CONTROL_RATIO = 0.10


def _bom(data: bytes) -> tuple[bytes, str, str] | None:
    for bom, encoding, flag in _BOMS:
        if data.startswith(bom):
            return bom, encoding, flag
    return None


def _utf16_nobom(sample: bytes) -> str | None:
    """Return "utf-16-le"/"utf-16-be" if ``sample`` looks like BOM-less UTF-16 text.

    Latin-script UTF-16 has a NUL in every other byte; binary data has NULs anywhere.
    """
    n = len(sample) - len(sample) % 2
    if n < 4:
        return None
    half = n // 2
    even_nul = sample[0:n:2].count(0)
    odd_nul = sample[1:n:2].count(0)
    for encoding, zeros, other in (("utf-16-le", odd_nul, even_nul), ("utf-16-be", even_nul, odd_nul)):
        if zeros >= 0.3 * half and other <= 0.02 * half:
            try:
                decoded = sample[:n].decode(encoding)
            except UnicodeDecodeError:
                continue
            controls = sum(1 for ch in decoded if ch < " " and ch not in "\t\n\r\x0c\x0b\x1b")
            if controls <= 0.02 * len(decoded):
                return encoding
    return None


def _binary_evidence(data: bytes) -> bool:
    """Whether ``data`` holds what no text does: a NUL or control byte, or bytes that are
    no UTF-8 (a sequence cut at the end of the sample aside)."""
    if any(b in _BINARY_CONTROL for b in data[:_SNIFF_BYTES]):
        return True
    try:
        codecs.getincrementaldecoder("utf-8")("strict").decode(data, final=False)
    except UnicodeDecodeError:
        return True
    return False


def _binary_reason(sample: bytes) -> str | None:
    """Why ``sample`` (the start of a file) is not text, or None if it may be text."""
    for signature in format_rules().binary_signatures:
        if signature.matches(sample):
            # A signature of printable letters ("%PDF", "RIFF", "OggS", "MZ", "ID3") is also
            # a plausible start of a text; judge the bytes after it as well. A real file of
            # that kind has bytes no text has right after it (a WAV's or Ogg's header
            # fields hold NULs, a PDF's second line is a comment of bytes that are no UTF-8,
            # as its specification recommends so that tools take it for binary).
            prefix = signature.printable_prefix
            if prefix is not None and not _binary_evidence(sample[len(prefix):]):
                continue
            return f"looks like {signature.kind}"
    if _bom(sample) is not None:
        return None
    if b"\x00" in sample:
        if _utf16_nobom(sample) is not None:
            return None
        return "contains NUL bytes"
    if sample:
        controls = sum(sample.count(c) for c in _BINARY_CONTROL)
        if controls > _BINARY_CONTROL_RATIO * len(sample):
            return f"{controls} control bytes in the first {len(sample)} bytes"
    return None


_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def _declared_charset(data: bytes) -> str | None:
    match = _CHARSET_RE.search(data[:4096])
    if match is None:
        return None
    try:
        return codecs.lookup(match.group(1).decode("ascii")).name
    except LookupError:
        return None


def _decode_with(data: bytes, encoding: str, partial: bool, errors: str = "strict") -> str:
    # The incremental decoder with final=False leaves a multi-byte sequence that a bounded
    # read cut in half undecoded instead of failing on it.
    decoder = codecs.getincrementaldecoder(encoding)(errors)
    return decoder.decode(data, final=not partial)


def _decode(data: bytes, *, partial: bool = False, html: bool = False) -> tuple[str, list[str]]:
    """Decode bytes that passed the binary check; never raises."""
    found = _bom(data)
    if found is not None:
        bom, encoding, flag = found
        flags = [flag] if flag else []
        try:
            return _decode_with(data[len(bom):], encoding, partial), flags
        except UnicodeDecodeError:
            return (_decode_with(data[len(bom):], encoding, partial, "replace"),
                    flags + ["replaced_invalid_bytes"])
    if b"\x00" in data[:_SNIFF_BYTES]:
        encoding16 = _utf16_nobom(data[:_SNIFF_BYTES])
        if encoding16 is not None:
            try:
                return _decode_with(data, encoding16, partial), ["decoded_utf16_nobom"]
            except UnicodeDecodeError:
                return (_decode_with(data, encoding16, partial, "replace"),
                        ["decoded_utf16_nobom", "replaced_invalid_bytes"])
    try:
        return _fix_mojibake(_decode_with(data, "utf-8", partial))
    except UnicodeDecodeError:
        pass
    mixed = _decode_mixed(data, partial)
    if mixed is not None:
        return mixed, ["decoded_mixed_cp1252"]
    if html:
        declared = _declared_charset(data)
        if declared is not None and declared != "utf-8":
            try:
                return _decode_with(data, declared, partial), ["decoded_declared_charset"]
            except UnicodeDecodeError:
                pass
    try:
        return data.decode("cp1252"), ["decoded_cp1252"]
    except UnicodeDecodeError:
        return data.decode("latin-1"), ["decoded_latin1"]


def _cp1252_bytes(exc: UnicodeError) -> tuple[str, int]:
    bad = exc.object[exc.start:exc.end]  # type: ignore[attr-defined]
    return bad.decode("cp1252", "strict") if all(b not in _CP1252_UNDEFINED for b in bad) \
        else bad.decode("latin-1"), exc.end  # type: ignore[attr-defined]


_CP1252_UNDEFINED = frozenset({0x81, 0x8D, 0x8F, 0x90, 0x9D})
codecs.register_error("klynge_cp1252", _cp1252_bytes)
_UTF8_MULTIBYTE_RE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")


def _decode_mixed(data: bytes, partial: bool) -> str | None:
    """UTF-8 with stray non-UTF-8 bytes (a latin-1 line pasted into a UTF-8 file): the
    UTF-8 kept, the stray bytes read as cp1252. None when the data holds no valid UTF-8
    beyond ASCII: then the whole file is cp1252 (or latin-1)."""
    decoded = _decode_with(data, "utf-8", partial, "klynge_cp1252")
    valid_multibyte = 0
    for m in _UTF8_MULTIBYTE_RE.finditer(data):
        try:
            m.group().decode("utf-8")
        except UnicodeDecodeError:
            continue
        valid_multibyte += 1
        if valid_multibyte >= 2:
            return decoded
    return None


# "Ã¸" is how "ø" looks when UTF-8 bytes were read as cp1252 (and saved again as UTF-8).
_MOJIBAKE_RE = re.compile("[\u00c2\u00c3\u00c5][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e"
                          "\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030"
                          "\u2039\u203a\u20ac\u2122]")


def _fix_mojibake(text: str) -> tuple[str, list[str]]:
    """Undo one level of UTF-8-read-as-cp1252, only if the whole text round-trips."""
    if not _MOJIBAKE_RE.search(text):
        return text, []
    try:
        return text.encode("cp1252").decode("utf-8"), ["fixed_mojibake"]
    except UnicodeError:
        return text, []


def _unreadable_bytes(data: bytes, source: dict) -> RawDocument | None:
    """The error record for a file with no text or a binary one; None when it is text."""
    if not data.strip():
        return _error("empty", f"{source['path']}: file is empty or only whitespace", source)
    reason = _binary_reason(data[:_SNIFF_BYTES])
    if reason is not None:
        return _error("binary", f"{source['path']}: not a text file ({reason})", source)
    return None


def _text_document(data: bytes, source: dict, run: _Run, *, truncated: bool) -> RawDocument:
    rejected = _unreadable_bytes(data, source)
    if rejected is not None:
        return rejected
    text, flags = _decode(data, partial=truncated)
    return _finish(text, source, run, flags=flags, truncated=truncated)
