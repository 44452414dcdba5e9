"""The annotated document: everything the stages have found out about one document.

One typed object travels down the chain (``klynge.runner.process`` builds it): the
language stage's decision and the sections stage's sections and metadata first, then the
entity stage adds entities and sentences (:meth:`AnnotatedDocument.with_annotations`), and
every record builder (organisations, people, quotes, clusters, programme) reads it. The
object is frozen, so no stage can change what an earlier one found behind the others'
backs; a stage that adds something returns a new document.

It sits below the stages that read it (entities, records) and above the sections stage,
whose :class:`~klynge.sections.Section` objects it holds.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Sequence

from klynge.sections import DocMeta, Section

Span = tuple[int, int]


@dataclass(frozen=True)
class AnnotatedDocument:
    """One document between the stages; offsets are character offsets into ``text``."""

    text: str
    # The document's language as emitted ("nb", "de", "und") and its confidence.
    lang: str
    confidence: float = 1.0
    # The language whose rules and model read the document (the registry's
    # ``rules_language``: "xx" for a language klynge has no rules for).
    rule_lang: str = ""
    sections: tuple[Section, ...] = ()
    # One language code per section, in section order.
    section_langs: tuple[str, ...] = ()
    meta: DocMeta = field(default_factory=DocMeta)
    # The published date (ISO day), from the input, the dateline or the text.
    published: str | None = None
    # Record builders that cannot run for ``rule_lang`` (``records.skipped_builders``).
    skip: frozenset[str] = frozenset()
    # What the stages flag about the document ("lang_not_supported", "skipped:ner").
    flags: tuple[str, ...] = ()
    # Added by the entity stage.
    entities: tuple[dict[str, Any], ...] = ()
    sentences: tuple[Span, ...] = ()

    def __post_init__(self) -> None:
        if not self.rule_lang:
            object.__setattr__(self, "rule_lang", self.lang)
        if len(self.section_langs) != len(self.sections):
            raise ValueError(f"{len(self.sections)} sections but "
                             f"{len(self.section_langs)} section languages")
        if not all(isinstance(s, Section) for s in self.sections):
            raise TypeError("sections must be klynge.sections.Section objects")

    @property
    def base_date(self) -> dt.date | None:
        """The date relative dates ("i morgen", "neste år") are read against."""
        return dt.date.fromisoformat(self.published) if self.published else None

    @property
    def other_language_sections(self) -> tuple[tuple[int, int, str], ...]:
        """(start, end, lang) of the sections in another language than the document
        (an English quote in a Norwegian release), which the builders read with that
        language's rules."""
        return tuple((s.start, s.end, lang) for s, lang in zip(self.sections, self.section_langs)
                     if lang != self.lang)

    @property
    def list_items(self) -> tuple[tuple[Span, ...], ...]:
        """The list items of each section that has any (lists, a list cut by truncation),
        one tuple per such section, in text order."""
        return tuple(tuple(s.items) for s in self.sections if s.items)

    def with_annotations(self, entities: Sequence[dict[str, Any]],
                         sentences: Sequence[Span]) -> "AnnotatedDocument":
        """This document with the entity stage's entities and sentences."""
        return dataclasses.replace(self, entities=tuple(entities), sentences=tuple(sentences))
