"""Helpers shared by the records tests: hand-built entity lists as the NER model gives them."""
from __future__ import annotations

import re


def ents(text: str, *specs: tuple) -> list[dict]:
    """Entity dicts for (surface, label[, occurrence]) — occurrence counts from 0."""
    out = []
    for spec in specs:
        surface, label = spec[0], spec[1]
        nth = spec[2] if len(spec) > 2 else 0
        pos = -1
        for _ in range(nth + 1):
            pos = text.index(surface, pos + 1)
        out.append({"label": label, "text": surface, "start": pos, "end": pos + len(surface), "source": "model"})
    return out


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence offsets split at final punctuation or line breaks (as the pipeline does)."""
    out, start = [], 0
    for m in re.finditer(r"(?<=[.!?])\s+|\n+", text):
        out.append((start, m.start()))
        start = m.end()
    out.append((start, len(text)))
    return [s for s in out if s[0] < s[1]]
