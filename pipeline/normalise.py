"""Text normalisation: the single place that decides what the pipeline's text looks like.

Every later stage reports character offsets into the string returned by
:func:`normalise_text`, so this function must be deterministic and idempotent
(``normalise_text(normalise_text(t)[0])[0] == normalise_text(t)[0]``): the runner may
normalise text that has already been normalised (e.g. JSONL produced by another run).

What it does, in this order (the order matters for idempotence, see below):

1. lone UTF-16 surrogates (JSON ``"\\ud800"`` decodes to one) -> U+FFFD, because they
   cannot be written out as UTF-8 and would crash the emit stage;
2. CRLF and lone CR -> LF; U+2028/U+2029 (line/paragraph separator), U+0085 (NEL),
   form feed and vertical tab -> LF, because they all mean "line break" to a reader and
   deleting them would glue two lines (or two PDF pages) together;
3. a leading BOM, U+FEFF anywhere, soft hyphens (U+00AD) and zero-width characters
   (U+200B-U+200D, U+2060) removed: they are invisible and split words ("in\\u00adno")
   so regexes and the NER model would miss them;
4. NBSP, narrow NBSP, figure space and the other fixed-width Unicode spaces
   (U+2000-U+200A, U+205F, U+3000) -> ASCII space, so that "1 000 000 kroner" written
   with thin spaces matches the same rules as with plain spaces;
5. remaining C0/C1 control characters other than ``\\n`` and ``\\t`` removed;
6. Unicode NFC last: removing a zero-width character between a letter and a combining
   accent can create a new composable pair, so composing before removal would not be
   idempotent. NFC never produces any of the characters handled in 1-5 (the only
   canonical singletons in that range, U+2000/U+2001, are already mapped in 4).

Bullets (•, ▪, ◦, ●, ·) and dashes/quotes are left alone: the section stage reads them.
Lengths never grow in steps 1-5; NFC can (rarely) lengthen a string.
"""
from __future__ import annotations

import re
import unicodedata

__all__ = ["normalise_text", "NORMALISE_FLAGS"]

# Flag name -> what it means (documented in the README with the ingest flags).
NORMALISE_FLAGS: dict[str, str] = {
    "replaced_lone_surrogates": "unpaired UTF-16 surrogates replaced by U+FFFD",
    "normalised_line_endings": "CRLF or lone CR converted to LF",
    "normalised_line_separators": "U+2028/U+2029/U+0085/form feed/vertical tab converted to LF",
    "removed_bom": "byte order mark at the start of the text removed",
    "removed_zero_width": "zero-width characters (U+200B-U+200D, U+2060, U+FEFF) removed",
    "removed_soft_hyphens": "soft hyphens (U+00AD) removed",
    "replaced_nbsp": "no-break, narrow no-break or figure spaces replaced by a space",
    "replaced_unicode_spaces": "other fixed-width Unicode spaces replaced by a space",
    "removed_control_chars": "control characters other than newline and tab removed",
    "nfc_normalised": "text was not in Unicode NFC and was composed",
}

_SURROGATES = re.compile("[\ud800-\udfff]")
_LINE_SEPARATORS = "\u2028\u2029\u0085\x0c\x0b"
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_SOFT_HYPHEN = "\u00ad"
_NBSP = "\u00a0\u202f\u2007"
# U+2007 (figure space) is in the U+2000-U+200A block but belongs to the NBSP flag above.
_UNICODE_SPACES = "".join(chr(c) for c in range(0x2000, 0x200B) if c != 0x2007) + "\u205f\u3000"
_CONTROL = "".join(
    chr(c) for c in [*range(0x00, 0x20), *range(0x7F, 0xA0)]
    if chr(c) not in "\n\t\r" and chr(c) not in _LINE_SEPARATORS
)


def _char_class(chars: str) -> re.Pattern[str]:
    return re.compile("[" + re.escape(chars) + "]")


_LINE_SEP_RE = _char_class(_LINE_SEPARATORS)
_ZERO_WIDTH_RE = _char_class(_ZERO_WIDTH)
_NBSP_RE = _char_class(_NBSP)
_UNICODE_SPACES_RE = _char_class(_UNICODE_SPACES)
_CONTROL_RE = _char_class(_CONTROL)

# One translate table for steps 2 (separators), 3, 4 and 5: str.translate is a single
# C-level pass, which keeps a 20 MB document to well under a second.
_TABLE: dict[int, str | None] = {}
_TABLE.update({ord(c): "\n" for c in _LINE_SEPARATORS})
_TABLE.update({ord(c): None for c in _ZERO_WIDTH + _SOFT_HYPHEN + _CONTROL})
_TABLE.update({ord(c): " " for c in _NBSP + _UNICODE_SPACES})


def normalise_text(text: str) -> tuple[str, list[str]]:
    """Return ``(normalised text, flags)``; flags name each kind of change, in a fixed order."""
    flags: list[str] = []

    if _SURROGATES.search(text):
        flags.append("replaced_lone_surrogates")
        text = _SURROGATES.sub("\ufffd", text)

    if "\r" in text:
        flags.append("normalised_line_endings")
        text = text.replace("\r\n", "\n").replace("\r", "\n")

    # Flags are decided by searching before the single translate pass below.
    before = len(flags)
    if _LINE_SEP_RE.search(text):
        flags.append("normalised_line_separators")
    if text.startswith("\ufeff"):
        flags.append("removed_bom")
        if _ZERO_WIDTH_RE.search(text, 1):
            flags.append("removed_zero_width")
    elif _ZERO_WIDTH_RE.search(text):
        flags.append("removed_zero_width")
    if _SOFT_HYPHEN in text:
        flags.append("removed_soft_hyphens")
    if _NBSP_RE.search(text):
        flags.append("replaced_nbsp")
    if _UNICODE_SPACES_RE.search(text):
        flags.append("replaced_unicode_spaces")
    if _CONTROL_RE.search(text):
        flags.append("removed_control_chars")
    if len(flags) > before:
        text = text.translate(_TABLE)

    if not unicodedata.is_normalized("NFC", text):
        flags.append("nfc_normalised")
        text = unicodedata.normalize("NFC", text)

    return text, flags
