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

from klynge.rules import lang_rule_chain, registry, rule_exists
from klynge.schema import SectionKind
from klynge.sections.blocks import BULLET, ORDERED, blocks_of, line_kind
from klynge.sections.layout import classify, is_truncated, mark_captions, merge_lists
from klynge.sections.meta import DocMeta, doc_meta
from klynge.sections.rules import (
    GROUPED, JOINED, RULE_FILE, LangSectionRules, SharedSectionRules, lang_rules, load_rules,
    section_rules, shared_rules,
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
    lines = list(blocks)

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

    meta = doc_meta(blocks, lines, text, r, lang)
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


def repeated_patterns(lang: str) -> list[tuple[str, str, str, str]]:
    """(field, pattern, first file's folder, second file's folder) for a pattern in two of
    the files ``lang`` merges (its own, its fallbacks', the shared one), compared once
    placeholders are filled: the second copy is never the one that decides, so an edit
    of it changes nothing."""
    files = list(zip(lang_rule_chain(lang, RULE_FILE), lang_rules(lang)))
    files.append(("shared", shared_rules()))
    found = []
    for name in (*JOINED, *GROUPED):
        first: dict[str, str] = {}
        for folder, rules in files:
            for pattern, raw in zip(rules._patterns.get(name, []), getattr(rules, name, [])):
                if first.setdefault(pattern, folder) != folder:
                    found.append((name, raw, first[pattern], folder))
    return found


def check_rules() -> list[str]:
    """Load and validate every sections rule file; run the line examples; report a pattern
    repeated across the files one language merges. [] when all is well."""
    problems: list[str] = []
    try:
        shared_rules()  # loaded for its validation
    except Exception as exc:  # noqa: BLE001 - report, don't crash `klynge rules check`
        return [f"shared/{RULE_FILE}: {exc}"]
    repeated: dict[tuple[str, str, frozenset[str]], list[str]] = {}
    for lang in registry().codes:
        try:
            rules = section_rules(lang)
            own = rule_exists(lang, RULE_FILE)
            model = load_rules(lang, RULE_FILE, LangSectionRules) if own else None
        except Exception as exc:  # noqa: BLE001
            problems.append(f"{lang}/{RULE_FILE}: {exc}")
            continue
        for name, raw, a, b in repeated_patterns(lang):
            repeated.setdefault((name, raw, frozenset((a, b))), []).append(lang)
        for ex in model.examples if model else ():
            got = line_kind(ex.text, rules)[0]
            got = None if got in (BULLET, ORDERED) else got
            if got != ex.kind:
                problems.append(f"{lang}/{RULE_FILE}: example {ex.text!r}: "
                                f"expected {ex.kind}, got {got}")
    for (name, raw, folders), langs in repeated.items():
        where = " and ".join(f"{f}/{RULE_FILE}" for f in sorted(folders))
        problems.append(f"{where}: {name}: {raw!r} is in both (merged for {', '.join(langs)})")
    return problems
