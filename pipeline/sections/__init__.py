"""Sections stage: split a release into line-based sections and read its document metadata.

Reads a text the way a person does: page furniture at the top (navigation, publisher,
press-release number, date line), the title, the lead, then body blocks (headings,
paragraphs, quotes, lists, facts boxes, captions, contact lines, links) and trailing junk.
The unit is the line: every non-blank line is one block, except that consecutive bullet
lines form one ``list`` block. Sections partition the text (no gaps, no overlaps); all
offsets are character offsets into the normalised text.

The wording of the patterns is rule data (``pipeline/rules/*/sections.yaml``, read by
:mod:`.rules`); :mod:`.blocks` gives each line the kind its wording says, :mod:`.layout`
the kind its neighbours say, and :mod:`.meta` reads the document metadata.
``split_sections`` is a pure function.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from klynge.rules import registry, rule_exists
from klynge.schema import SectionKind
from klynge.sections.blocks import BULLET, ORDERED, blocks_of, line_kind
from klynge.sections.layout import classify, is_truncated, mark_captions, merge_lists
from klynge.sections.meta import DocMeta, doc_meta
from klynge.sections.rules import (
    RULE_FILE, LangSectionRules, SharedSectionRules, load_rules, section_rules, shared_rules,
)

__all__ = ["DocMeta", "LangSectionRules", "NO_ENTITY_KINDS", "Section", "SharedSectionRules",
           "check_rules", "split_sections"]

# Only page furniture and junk are entity-free. A truncated block is still body text
# (most excerpts stop mid-paragraph), so its entities are kept.
NO_ENTITY_KINDS: frozenset[SectionKind] = frozenset({"navigation", "boilerplate"})
# Trailing junk (">>>", "Til toppen") does not end the text; the block before it does.
_TRAILING_JUNK = frozenset({"navigation", "boilerplate"})


@dataclass
class Section:
    kind: SectionKind
    start: int
    end: int
    heading: str | None = None
    items: list[tuple[int, int]] = field(default_factory=list)


def split_sections(text: str, lang: str) -> tuple[list[Section], DocMeta]:
    """Partition ``text`` into sections and read its document metadata (pure function)."""
    if not text:
        return [], DocMeta()
    r = section_rules(lang)
    blocks = blocks_of(text)
    if not blocks:
        return [Section("boilerplate", 0, len(text))], DocMeta()

    for b in blocks:
        b.kind, m = line_kind(b.text, r)
        if m is not None:
            # The bullet pattern ran on the stripped line, so its end is relative to b.start;
            # the item is the text after the bullet and its spaces.
            b.bullet = m.group("bullet")
            b.items = [(b.start + m.end(), b.end)]
    mark_captions(blocks, r)
    blocks = merge_lists(blocks, r, text)
    classify(blocks, r)

    truncated = False
    last = next((b for b in reversed(blocks) if b.kind not in _TRAILING_JUNK), None)
    if last is not None and is_truncated(last, r, text):
        last.orig_kind, last.kind = last.kind, "truncated"
        truncated = True

    meta = doc_meta(blocks, r)
    meta.truncated = truncated

    sections: list[Section] = []
    heading: str | None = None
    for i, b in enumerate(blocks):
        if b.kind == "heading":
            heading = text[b.start:b.eol]
        start = 0 if i == 0 else b.line_start
        end = blocks[i + 1].line_start if i + 1 < len(blocks) else len(text)
        sections.append(Section(b.kind or "paragraph", start, end, heading,
                                list(b.items) if b.kind in ("list", "truncated") else []))
    return sections, meta


def check_rules() -> list[str]:
    """Load and validate every sections rule file; run the line examples. [] when all is well."""
    problems: list[str] = []
    try:
        shared_rules()  # loaded for its validation
    except Exception as exc:  # noqa: BLE001 - report, don't crash `klynge rules check`
        return [f"shared/{RULE_FILE}: {exc}"]
    for lang in registry().codes:
        try:
            rules = section_rules(lang)
            own = rule_exists(lang, RULE_FILE)
            model = load_rules(lang, RULE_FILE, LangSectionRules) if own else None
        except Exception as exc:  # noqa: BLE001
            problems.append(f"{lang}/{RULE_FILE}: {exc}")
            continue
        for ex in model.examples if model else ():
            got = line_kind(ex.text, rules)[0]
            got = None if got in (BULLET, ORDERED) else got
            if got != ex.kind:
                problems.append(f"{lang}/{RULE_FILE}: example {ex.text!r}: "
                                f"expected {ex.kind}, got {got}")
    return problems
