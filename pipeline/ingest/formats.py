"""Which reader an input gets: HTML recognised by its content, Markdown read as Markdown,
gzip-compressed files decompressed (with a bound), and ``--input-format`` to say it
outright.

The markers and the Markdown rewrite rules are data (``rules/shared/formats.yaml``),
validated on load. Markdown is rewritten before normalisation, so every offset of a
record indexes the text as emitted, without the markup.
"""
from __future__ import annotations

import gzip
import re
import zlib
from functools import lru_cache
from typing import IO

from pydantic import field_validator

from klynge.rules import RuleModel, load_rules

# What ``--input-format`` accepts; ``auto`` decides by extension, then by content.
INPUT_FORMATS = ("auto", "text", "html", "jsonl", "markdown")

# Exceptions a corrupt or truncated gzip stream raises while it is read.
GZIP_ERRORS = (gzip.BadGzipFile, EOFError, zlib.error)


class MarkdownRule(RuleModel):
    id: str
    pattern: str
    replace: str

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        re.compile(value, re.MULTILINE)
        return value


class BinarySignature(RuleModel):
    """A kind of binary file by the bytes at fixed offsets of its start."""
    kind: str
    at: dict[int, bytes]  # offset -> bytes (hex in the file)
    min_length: int = 0

    @field_validator("at", mode="before")
    @classmethod
    def _hex(cls, value: dict) -> dict:
        if not isinstance(value, dict) or not value:
            raise ValueError("at must map at least one byte offset to hex bytes")
        try:
            parts = {int(k): bytes.fromhex(v) for k, v in value.items()}
        except (TypeError, ValueError) as exc:
            raise ValueError(f"at: offsets are integers, bytes are hex ({exc})") from None
        # An empty part or a negative offset would match (nearly) every input and make
        # every text "binary".
        if any(k < 0 or not v for k, v in parts.items()):
            raise ValueError("at: offsets are 0 or more and each part holds bytes")
        return parts

    def matches(self, sample: bytes) -> bool:
        return len(sample) >= self.min_length and all(
            sample[k:k + len(v)] == v for k, v in self.at.items())

    @property
    def printable_prefix(self) -> bytes | None:
        """The signature when it is one part at offset 0 of printable letters (a
        plausible start of a text), else None."""
        if list(self.at) == [0] and all(0x20 <= b < 0x7F for b in self.at[0]):
            return self.at[0]
        return None


class FormatRules(RuleModel):
    html_starts: list[str]
    markdown: list[MarkdownRule]
    max_bytes: int
    html_max_depth: int
    html_block_tags: list[str]
    binary_signatures: list[BinarySignature]

    @field_validator("html_starts")
    @classmethod
    def _html_compiles(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("html_starts must name at least one marker")
        for pattern in value:
            re.compile(pattern, re.IGNORECASE)
        return value

    @field_validator("max_bytes")
    @classmethod
    def _positive(cls, value: int) -> int:
        if value < 1:
            raise ValueError("max_bytes must be at least 1")
        return value

    @field_validator("html_max_depth")
    @classmethod
    def _under_lxml_limit(cls, value: int) -> int:
        # lxml's HTML parser stops at 255 levels; a flattened page must fit under it.
        if not 8 <= value <= 250:
            raise ValueError("html_max_depth must be between 8 and 250")
        return value


@lru_cache(maxsize=1)
def format_rules() -> FormatRules:
    return load_rules("shared", "formats.yaml", FormatRules)


@lru_cache(maxsize=1)
def _html_start_re() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in format_rules().html_starts), re.IGNORECASE)


@lru_cache(maxsize=1)
def _markdown_rules() -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(r.pattern, re.MULTILINE), r.replace)
                 for r in format_rules().markdown)


_LEADING_COMMENT_RE = re.compile(r"\s*(?:<!--.*?-->\s*)*", re.DOTALL)


def looks_like_html(head: str | bytes) -> bool:
    """Whether a text (or the start of a file) is plainly an HTML document: it opens
    with a doctype, ``<html>``, ``<head>`` or ``<body>`` (after a BOM, blanks, comments)."""
    if isinstance(head, bytes):
        head = head[:4096].decode("utf-8", "replace")
    head = head[:4096].lstrip("\ufeff")
    start = _LEADING_COMMENT_RE.match(head)
    rest = head[start.end():] if start else head
    return _html_start_re().match(rest) is not None


def markdown_to_text(text: str) -> str:
    """The words of a Markdown text without its markup: ``#`` headings become their own
    line, emphasis, code and link syntax go (a link keeps its words and its URL in
    brackets), ``*`` bullets become ``-`` bullets as in a plain-text release."""
    text = text.replace("\r\n", "\n")
    for pattern, replace in _markdown_rules():
        text = pattern.sub(replace, text)
    return text


def is_gzip_name(path: str) -> bool:
    return path.lower().endswith(".gz")


def inner_name(path: str) -> str:
    """``a.jsonl.gz`` -> ``a.jsonl``: the name whose extension says the format."""
    return path[:-3] if is_gzip_name(path) else path


def is_gzip_data(head: bytes) -> bool:
    return head[:2] == b"\x1f\x8b"


def read_gzip_bounded(f: IO[bytes], limit: int) -> tuple[bytes, bool]:
    """Up to ``limit`` decompressed bytes of the gzip stream ``f``, and whether it held
    more. Raises one of :data:`GZIP_ERRORS` on a corrupt stream."""
    limit = min(limit, format_rules().max_bytes)
    with gzip.GzipFile(fileobj=f, mode="rb") as gz:
        data = gz.read(limit + 1)
    if len(data) > limit:
        return data[:limit], True
    return data, False


def open_gzip(f: IO[bytes]) -> IO[bytes]:
    """A streaming reader of the decompressed bytes (JSONL is read line by line)."""
    return gzip.GzipFile(fileobj=f, mode="rb")  # type: ignore[return-value]


def max_bytes() -> int:
    """The most bytes read of an HTML input, of stdin, or of a decompressed one."""
    return format_rules().max_bytes
