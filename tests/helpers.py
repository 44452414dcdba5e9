"""Helpers shared by the records tests: hand-built entity lists as the NER model gives them."""
from __future__ import annotations

import re
from typing import Sequence

from klynge.document import AnnotatedDocument
from klynge.rules import registry
from klynge.sections import Section, split_sections


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


_sentences = sentences


def document(text: str, entities: Sequence[dict] = (), lang: str = "nb", *,
             sentences: Sequence[tuple[int, int]] | None = None,
             sections: Sequence[Section] | None = None,
             section_langs: Sequence[tuple[int, int, str]] = (),
             published: str | None = None) -> AnnotatedDocument:
    """An annotated document as the chain hands it to the records stage.

    ``sections``: the sections stage's own split when not given. ``section_langs``:
    (start, end, lang) of sections in another language, which become paragraph sections
    of their own (the hand-made spans need not partition the text)."""
    if section_langs:
        secs = [Section("paragraph", s, e) for s, e, _ in section_langs]
        langs = [code for _, _, code in section_langs]
    else:
        secs = list(split_sections(text, lang)[0]) if sections is None else list(sections)
        langs = [lang] * len(secs)
    return AnnotatedDocument(
        text=text, lang=lang, rule_lang=registry().rules_language(lang), sections=tuple(secs),
        section_langs=tuple(langs), published=published, entities=tuple(entities),
        sentences=tuple(_sentences(text) if sentences is None else sentences))
