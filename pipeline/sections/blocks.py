"""Blocks: the lines of a text with their offsets, and the kind a line gets from its
wording alone (before the layout passes look at its neighbours)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from klynge.sections.rules import SectionRules

# The kinds of a bullet line before the layout passes merge bullet runs into lists.
BULLET, ORDERED = "_bullet", "_ordered"

Span = tuple[int, int]


@dataclass
class Block:
    line_no: int          # index of the (first) line
    last_line_no: int     # index of the last line (lists span several)
    line_start: int       # first character of the line (indentation included)
    start: int            # first non-space character
    end: int              # end of the content without trailing whitespace
    eol: int              # end of the (last) line, before its newline
    text: str             # stripped content
    kind: str | None = None
    bullet: str | None = None
    items: list[Span] = field(default_factory=list)
    orig_kind: str | None = None   # kind before a final block became "truncated"


def blocks_of(text: str) -> list[Block]:
    """One block per non-blank line."""
    blocks: list[Block] = []
    pos = 0
    for line_no, line in enumerate(text.split("\n")):
        stripped = line.strip()
        if stripped:
            lead_ws = len(line) - len(line.lstrip())
            start = pos + lead_ws
            blocks.append(Block(line_no, line_no, pos, start, start + len(stripped),
                                pos + len(line), stripped))
        pos += len(line) + 1
    return blocks


def date_fields(s: str, r: SectionRules) -> tuple[Span | None, Span | None]:
    """Spans (into ``s``) of the published and updated dates when the stripped line ``s``
    is a date line, else (None, None).

    A field counts only when date phrases use it up entirely, so "Publisert: 19.11.2020
    Oppdatert: 20.11.2020" is a date line and "Dato for søknaden er 1.2.2020" is not.
    """
    if len(s) > r.limits.dateline_max_chars:
        return None, None
    published = updated = None
    shared = r.shared
    tried = (("updated", r.grouped["updated"]), ("published", r.grouped["published"]))
    for offset, part in _fields(s, shared.field_separators):
        field_text = part.rstrip()
        pos = len(part) - len(part.lstrip())
        found: dict[str, Span] = {}
        while pos < len(field_text):
            m = None
            kind = ""
            for kind, pats in tried:
                m = next((x for x in (p.match(field_text, pos) for p in pats) if x), None)
                if m:
                    break
            if m is None or m.end() == pos:
                found = {}
                break
            found.setdefault(kind, (offset + m.start("date"), offset + m.end("date")))
            pos = m.end()
            while pos < len(field_text) and field_text[pos] in shared.field_joiners:
                pos += 1
        published = published or found.get("published")
        updated = updated or found.get("updated")
    return published, updated


def _fields(s: str, seps: tuple[str, ...]) -> list[tuple[int, str]]:
    """Split a line on any of the one-character field separators, keeping offsets."""
    out: list[tuple[int, str]] = []
    begin = 0
    for i, ch in enumerate(s):
        if ch in seps:
            out.append((begin, s[begin:i]))
            begin = i + 1
    out.append((begin, s[begin:]))
    return out


def _url_share(s: str, r: SectionRules) -> float:
    return sum(m.end() - m.start() for m in r.url.finditer(s)) / max(len(s), 1)


def line_kind(s: str, r: SectionRules) -> tuple[str | None, re.Match[str] | None]:
    """The kind a stripped line gets from its wording alone (None: decided by layout),
    and for a bullet line the bullet's match."""
    lim = r.limits
    shared = r.shared
    if shared.junk_line.fullmatch(s):
        return "boilerplate", None
    if r.fullmatch("navigation", s):
        return "navigation", None
    if r.fullmatch("boilerplate", s):
        return "boilerplate", None
    m = shared.bullet_line.match(s)
    if m:
        # A dash line carrying an attribution ("- ..., sier X.") is a quote, not an item.
        if m.group("bullet") in shared.strong_bullets or not r.search("quote_attribution", s):
            return BULLET, m
    # Before numbered items: "19. november 2020" alone would read as item "19.".
    if date_fields(s, r) != (None, None):
        return "dateline", None
    m = shared.ordered_bullet.match(s)
    if m:
        return ORDERED, m
    if len(s) <= lim.metadata_max_chars and r.fullmatch("metadata", s):
        return "metadata", None
    if len(s) <= lim.contact_max_chars and r.match("contact_label", s):
        return "contact", None
    if len(s) <= lim.caption_max_chars and r.search("caption", s):
        return "caption", None
    if any(p.fullmatch(s) for p in r.grouped["byline"]):
        return "byline", None
    if len(s) <= lim.links_max_chars and r.fullmatch("links", s):
        return "links", None
    if len(s) <= lim.url_line_max_chars and _url_share(s, r) >= lim.links_url_share:
        return "links", None
    return None, None
