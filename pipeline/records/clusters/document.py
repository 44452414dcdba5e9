"""One document as the cluster builder sees it: a view over the annotated document with
units (sentences cut at section and list-item boundaries), the sections stage's list
items, and lookups into the earlier builders' output."""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Optional, Sequence

from klynge.document import AnnotatedDocument
from klynge.lexicon import place_name
from klynge.records.clusters.rules import lang_rules, shared_rules


@dataclass
class Unit:
    """A sentence cut at section and list-item boundaries, whitespace-trimmed."""

    start: int
    end: int
    section: int  # index into sections (-1 when none)
    item: Optional[tuple[int, int]]  # the list item the unit lies in


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


class Taken:
    """Non-overlapping spans, sorted, with a fast overlap test."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.spans: list[tuple[int, int]] = []

    def overlaps(self, s: int, e: int) -> bool:
        i = bisect_right(self.starts, s) - 1
        return any(0 <= j < len(self.spans) and overlaps((s, e), self.spans[j])
                   for j in (i, i + 1))

    def add(self, s: int, e: int) -> None:
        i = bisect_right(self.starts, s)
        self.starts.insert(i, s)
        self.spans.insert(i, (s, e))

    def add_merged(self, s: int, e: int) -> None:
        """Add a span that may overlap others (merged into them)."""
        while True:
            i = bisect_right(self.starts, s) - 1
            hit = next((j for j in (i, i + 1) if 0 <= j < len(self.spans)
                        and overlaps((s, e), self.spans[j])), None)
            if hit is None:
                break
            hs, he = self.spans.pop(hit)
            self.starts.pop(hit)
            s, e = min(s, hs), max(e, he)
        self.add(s, e)


# The NER's labels of a place (the entity stage's GPE and LOC).
PLACE_LABELS = ("GPE", "LOC")


class Doc:
    """The cluster builder's view of one annotated document: its units and list items,
    the people and organisations the earlier builders found, and lookups into them."""

    def __init__(self, document: AnnotatedDocument, people: Sequence[dict],
                 organisations: Sequence[dict]) -> None:
        self.document = document
        self.text = document.text
        self.lang = document.rule_lang
        self.shared = shared_rules()
        self.rules = lang_rules(self.lang)
        self.entities = document.entities
        self.sections = document.sections
        self.people = list(people)
        self.organisations = list(organisations)
        self.published = document.published
        self.items = self._items()
        self.units = self._units(document.sentences)
        self._unit_starts = [u.start for u in self.units]
        self.urls = [(e["start"], e["end"]) for e in self.entities if e.get("label") == "URL"]
        self.title = self._title_unit()

    # ---- structure
    def _items(self) -> list[tuple[int, int]]:
        """The sections stage's list items, in text order. Sets ``list_size`` (the number
        of items in the item's list) and ``list_of`` (the items of the item's list)."""
        self.list_size: dict[tuple[int, int], int] = {}
        self.list_of: dict[tuple[int, int], tuple[tuple[int, int], ...]] = {}
        for items in self.document.list_items:
            # Units are whitespace-trimmed, so items are too (the sections stage strips
            # spaces and tabs after a bullet; other white space would stay in the item).
            trimmed = [trim(self.text, s, e) for s, e in items]
            trimmed = [(s, e) for s, e in trimmed if s < e]
            for it in trimmed:
                self.list_size[it] = len(trimmed)
                self.list_of[it] = tuple(trimmed)
        return sorted(self.list_size)

    def _units(self, sentences: Sequence[tuple[int, int]]) -> list[Unit]:
        text = self.text
        cuts = {0, len(text)}
        sec_bounds = []
        for i, sec in enumerate(self.sections):
            cuts.update((sec.start, sec.end))
            sec_bounds.append((sec.start, sec.end, i))
        sec_bounds.sort()
        sec_starts = [b[0] for b in sec_bounds]
        item_starts = [it[0] for it in self.items]
        for s, e in self.items:
            cuts.update((s, e))
        spans = [(int(s), int(e)) for s, e in sentences] or [(0, len(text))]
        # newline breaks also separate units (headings, list lines without a sentence end)
        cuts.update(i for i, ch in enumerate(text) if ch == "\n")
        cut_list = sorted(cuts)

        def lookup(starts, spans_, pos):
            i = bisect_right(starts, pos) - 1
            return spans_[i] if i >= 0 and spans_[i][0] <= pos < spans_[i][1] else None

        units: list[Unit] = []
        for s, e in spans:
            inner = cut_list[bisect_right(cut_list, s):bisect_left(cut_list, e)]
            bounds = [s, *inner, e]
            for a, b in zip(bounds, bounds[1:]):
                a, b = trim(text, a, b)
                if a >= b:
                    continue
                sec = lookup(sec_starts, sec_bounds, a)
                item = lookup(item_starts, self.items, a)
                units.append(Unit(a, b, sec[2] if sec else -1, item))
        units.sort(key=lambda u: u.start)
        return units

    def _title_unit(self) -> Optional[Unit]:
        for i, sec in enumerate(self.sections):
            if sec.kind == "title":
                us = [u for u in self.units if u.section == i]
                return us[0] if us else None
        return self.units[0] if self.units else None

    def mostly_names(self, item: tuple[int, int], named: set[tuple[int, int]]) -> bool:
        """Whether enough of the items of ``item``'s list lead with a name (``named``)
        for its leads to be clusters (``list_name_share`` of the shared rules)."""
        items = self.list_of[item]
        return sum(it in named for it in items) >= self.shared.list_name_share * len(items)

    def unit_at(self, pos: int) -> Optional[Unit]:
        i = bisect_right(self._unit_starts, pos) - 1
        if i >= 0 and self.units[i].start <= pos < self.units[i].end:
            return self.units[i]
        return None

    def in_url(self, span: tuple[int, int]) -> bool:
        return any(overlaps(span, u) for u in self.urls)

    def entities_in(self, span: tuple[int, int], labels: tuple[str, ...]) -> list[dict]:
        return [e for e in self.entities if e.get("label") in labels
                and span[0] <= e["start"] and e["end"] <= span[1]]

    def loc_of(self, m: re.Match, group: str = "loc") -> tuple[str, tuple[int, int]]:
        """A pattern's place group, widened to the whole place where the pattern took only
        its first word ("i San Diego", "i Sogn og Fjordane", "i Västra Götaland"): the
        place entity that starts there, else the longest run of up to three capitalised
        words (joined by spaces or "og"/"och"/"and") the lexicon knows as a place; never
        over a line break."""
        start, end = m.span(group)
        best = end
        for e in self.entities:
            if e.get("label") in PLACE_LABELS and e["start"] == start and e["end"] > best \
                    and "\n" not in self.text[start:e["end"]]:
                best = e["end"]
        if best == end:
            stop = end
            for _ in range(2):
                nxt = self.shared.place_word.match(self.text, stop)
                if nxt is None:
                    break
                stop = nxt.end()
                if place_name(self.text[start:stop]):
                    best = stop
        return self.text[start:best], (start, best)

    def is_place(self, span: tuple[int, int], text: str) -> bool:
        for e in self.entities:
            if e.get("label") in PLACE_LABELS and e["start"] <= span[0] and span[1] <= e["end"]:
                return True
        return text in self.rules.regions
