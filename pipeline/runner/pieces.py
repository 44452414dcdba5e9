"""Long documents in pieces: split at paragraph boundaries, process each piece as a
document, merge the piece records back into one record with exact offsets.

Why: several stages cost more than linearly in a document's length (entity overlaps,
people and organisation resolution, cluster records), and spaCy refuses texts longer
than ``nlp.max_length``. Pieces of at most :data:`PIECE_CHARS` characters make the cost
linear in length and keep spaCy far below its limit. Documents up to that size (every
real press release) are processed whole, exactly as before.
"""
from __future__ import annotations

import re
from typing import Any, Iterable

PIECE_CHARS = 50_000

# Preferred cut points, best first: a blank line (paragraph), a line break, a sentence
# end, any whitespace. A cut is only taken in the second half of a piece, so pieces stay
# large; with no cut point at all the piece is cut hard.
_CUTS = (re.compile(r"\n[ \t]*\n\s*"), re.compile(r"\n\s*"), re.compile(r"[.!?]\s+"),
         re.compile(r"\s+"))


def split_pieces(text: str, size: int = PIECE_CHARS) -> list[tuple[int, int]]:
    """``(start, end)`` pieces that partition ``text``, each at most ``size`` long."""
    pieces: list[tuple[int, int]] = []
    start = 0
    n = len(text)
    while n - start > size:
        limit = start + size
        cut = None
        for pattern in _CUTS:
            last = None
            for m in pattern.finditer(text, start + size // 2, limit):  # ends by limit
                last = m.end()
            if last is not None:
                cut = last
                break
        cut = cut or limit
        pieces.append((start, cut))
        start = cut
    pieces.append((start, n))
    return pieces


def _shift(value: Any, offset: int) -> Any:
    """A copy of a dumped record part with every ``start``/``end`` moved by ``offset``."""
    if isinstance(value, list):
        return [_shift(v, offset) for v in value]
    if isinstance(value, dict):
        out = {k: _shift(v, offset) for k, v in value.items()}
        if isinstance(out.get("start"), int) and isinstance(out.get("end"), int):
            if out["start"] >= 0:  # -1 marks "no position"
                out["start"] += offset
                out["end"] += offset
        return out
    return value


def _by_name(items: Iterable[dict], merge) -> list[dict]:
    out: dict[str, dict] = {}
    for item in items:
        key = item.get("name")
        if key is None or key not in out:
            out[key if key is not None else f"\0{len(out)}"] = item
        else:
            merge(out[key], item)
    return list(out.values())


def _union(into: list, more: list) -> None:
    for x in more:
        if x not in into:
            into.append(x)


def _merge_person(first: dict, later: dict) -> None:
    _union(first["roles"], later.get("roles", []))
    if first.get("organisation") is None:
        first["organisation"] = later.get("organisation")


def _merge_organisation(first: dict, later: dict) -> None:
    _union(first["aliases"], later.get("aliases", []))


def _merge_cluster(first: dict, later: dict) -> None:
    for key, value in later.items():
        if isinstance(value, list) and isinstance(first.get(key), list):
            _union(first[key], value)
        elif first.get(key) is None:
            first[key] = value


# Section kinds that only make sense at the start or at the very end of a document.
_HEAD_KINDS = {"title": "heading"}
_TAIL_KINDS = {"truncated": "paragraph"}


def merge_records(pieces: list[tuple[int, dict]], text: str) -> dict:
    """One record (as a dict) from the dumped records of a document's pieces.

    ``pieces``: ``(offset, record dict)`` in order. Document-level fields (title, dates,
    publisher) come from the first piece, ``truncated`` from the last; spans are shifted;
    people, organisations and clusters named in several pieces are merged by name; the
    language is the one that covers most characters.
    """
    first, last = pieces[0][1], pieces[-1][1]
    merged = dict(first)
    merged["text"] = text
    merged["truncated"] = last["truncated"]
    chars: dict[str, int] = {}
    confidence: dict[str, float] = {}
    for offset, rec in pieces:
        code = rec["language"]["code"]
        size = len(rec["text"])
        chars[code] = chars.get(code, 0) + size
        confidence[code] = confidence.get(code, 0.0) + size * rec["language"]["confidence"]
    code = max(chars, key=lambda c: (chars[c], c == first["language"]["code"]))
    merged["language"] = {"code": code, "confidence": round(confidence[code] / chars[code], 4)}

    lists: dict[str, list] = {k: [] for k in ("sections", "entities", "people", "organisations",
                                              "amounts", "dates", "urls", "emails", "phones",
                                              "quotes", "contacts", "clusters")}
    range_ids: dict[tuple[int, int], int] = {}
    programme = None
    for n, (offset, rec) in enumerate(pieces):
        rec = _shift(rec, offset)
        for key in lists:
            items = rec.get(key) or []
            if key == "sections":
                for s in items:
                    if n > 0:
                        s["kind"] = _HEAD_KINDS.get(s["kind"], s["kind"])
                    if n < len(pieces) - 1:
                        s["kind"] = _TAIL_KINDS.get(s["kind"], s["kind"])
            if key == "amounts":
                for a in items:
                    if a.get("range_id") is not None:
                        a["range_id"] = range_ids.setdefault((n, a["range_id"]), len(range_ids))
            lists[key].extend(items)
        if programme is None:
            programme = rec.get("programme")
    lists["people"] = _by_name(lists["people"], _merge_person)
    lists["organisations"] = _by_name(lists["organisations"], _merge_organisation)
    lists["clusters"] = _by_name(lists["clusters"], _merge_cluster)
    merged.update(lists)
    merged["programme"] = programme
    return merged
