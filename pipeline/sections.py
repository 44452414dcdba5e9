"""Sections stage: split a release into line-based sections and read its document metadata.

Reads a text the way a person does: page furniture at the top (navigation, publisher,
press-release number, date line), the title, the lead, then body blocks (headings,
paragraphs, quotes, lists, facts boxes, captions, contact lines, links) and trailing junk.
The unit is the line: every non-blank line is one block, except that consecutive bullet
lines form one ``list`` block. Sections partition the text (no gaps, no overlaps); all
offsets are character offsets into the normalised text.

The wording of the patterns is rule data (``pipeline/rules/{shared,nb,nn,en}/sections.yaml``);
this module holds only the layout logic. ``split_sections`` is a pure function.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Iterable

from pydantic import PrivateAttr, ValidationInfo, model_validator

from klynge.lexicon import speech_verbs
from klynge.normalisers._patterns import alternation
from klynge.normalisers.dates import month_alternatives, published_labels
from klynge.rules import (
    RuleModel, lang_rule_chain, literal_alternation, load_rules, registry, rule_exists,
    rule_folder,
)

RULE_FILE = "sections.yaml"

KINDS: frozenset[str] = frozenset({
    "title", "dateline", "metadata", "lead", "heading", "paragraph", "quote", "list",
    "facts", "caption", "byline", "contact", "links", "navigation", "boilerplate",
    "truncated",
})
# Only page furniture and junk are entity-free. A truncated block is still body text
# (most excerpts stop mid-paragraph), so its entities are kept.
NO_ENTITY_KINDS: frozenset[str] = frozenset({"navigation", "boilerplate"})

# Kinds of the header furniture: a second headline-like line just before one of these
# shows the first line was a kicker ("Statsbudsjettet 2012") and the second the title.
_HEADER_KINDS = frozenset({"navigation", "metadata", "dateline", "boilerplate"})
_TRAILING_JUNK = frozenset({"navigation", "boilerplate"})
# Body kinds whose last line must end like a sentence unless the text was cut.
_SENTENCE_KINDS = frozenset({"paragraph", "lead", "quote", "facts", "byline"})
_BULLET, _ORDERED = "_bullet", "_ordered"


# --------------------------------------------------------------------------- public API

@dataclass
class Section:
    kind: str
    start: int
    end: int
    heading: str | None = None
    items: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class DocMeta:
    title: str | None = None
    title_span: tuple[int, int] | None = None
    published_span: tuple[int, int] | None = None
    updated_span: tuple[int, int] | None = None
    publisher: str | None = None
    press_release_no: str | None = None
    contacts: list[dict] = field(default_factory=list)
    photographers: list[dict] = field(default_factory=list)
    truncated: bool = False


# --------------------------------------------------------------------------- rule models

class Example(RuleModel):
    """A line and the kind it gets on its own (None: decided by layout), for rules check."""

    text: str
    kind: str | None


class _PatternLists(RuleModel):
    navigation: list[str] = []
    boilerplate: list[str] = []
    metadata: list[str] = []
    links: list[str] = []
    not_heading: list[str] = []


# Fields whose patterns are OR-ed into one regex, so they may not use named groups.
_JOINED = ("navigation", "boilerplate", "metadata", "links", "not_heading", "facts_heading",
           "kicker_navigation", "contact_label", "contact_words", "role_words", "quote_inline", "quote_attribution")
# Fields tried one pattern at a time to read a named group.
_GROUPED = {"publisher": "value", "press_release_no": "value", "published": "date",
            "updated": "date", "inline_dateline": "date", "caption": "credit", "byline": "name"}


def _scoped(pattern: str) -> str:
    """Make a leading ``(?i)`` local, since global flags are illegal inside an alternation."""
    if pattern.startswith("(?i)"):
        return "(?i:" + pattern[4:] + ")"
    return pattern


def _compile_all(model: RuleModel, names: Iterable[str],
                 expand: Callable[[str], str]) -> dict[str, list[str]]:
    """Expand placeholders and compile every pattern once, so a bad one fails on load."""
    out: dict[str, list[str]] = {}
    for name in names:
        expanded = []
        for raw in getattr(model, name, []):
            pat = expand(raw)
            try:
                compiled = re.compile(pat)
            except re.error as exc:
                raise ValueError(f"{name}: bad regex {raw!r}: {exc}") from exc
            if name in _JOINED and compiled.groupindex:
                raise ValueError(f"{name}: named groups are not allowed in {raw!r}")
            if name in _GROUPED and _GROUPED[name] not in compiled.groupindex:
                raise ValueError(f"{name}: {raw!r} needs the group (?P<{_GROUPED[name]}>...)")
            expanded.append(_scoped(pat))
        out[name] = expanded
    return out


class LangSectionRules(_PatternLists):
    """``pipeline/rules/<lang>/sections.yaml``: the wording of one language."""

    date: list[str]
    time: str = ""
    publisher: list[str] = []
    press_release_no: list[str] = []
    published: list[str] = []
    updated: list[str] = []
    inline_dateline: list[str] = []
    kicker_navigation: list[str] = []
    contact_label: list[str] = []
    contact_words: list[str] = []
    role_words: list[str] = []
    caption: list[str] = []
    byline: list[str] = []
    facts_heading: list[str] = []
    quote_inline: list[str] = []
    quote_attribution: list[str] = []
    examples: list[Example] = []

    _patterns: dict[str, list[str]] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _compile(self, info: ValidationInfo) -> "LangSectionRules":
        # Word lists have one home per language, which the patterns name by placeholder:
        # months.yaml (<<MONTH>>, <<MONTH_ABBR>>), quotes.yaml (<<SPEECH>>) and dates.yaml
        # (<<PUBLISHED_LABEL>>), all of the language whose folder holds this file.
        lang = rule_folder(info)
        months, abbreviations = month_alternatives(lang)
        words = {"<<MONTH>>": months, "<<MONTH_ABBR>>": abbreviations,
                 "<<SPEECH>>": literal_alternation(speech_verbs(lang)),
                 "<<PUBLISHED_LABEL>>": alternation(published_labels(lang))}

        def fill_words(p: str) -> str:
            for key, value in words.items():
                p = p.replace(key, value)
            return p

        dates = [fill_words(d) for d in self.date]
        for d in dates:
            re.compile(d)
        date = "(?:" + "|".join(f"(?:{d})" for d in dates) + ")"

        def expand(p: str) -> str:
            return fill_words(p.replace("<<DATE>>", date).replace("<<TIME>>", self.time))

        names = list(_JOINED) + list(_GROUPED)
        self._patterns = _compile_all(self, names, expand)
        return self


class Limits(RuleModel):
    heading_max_chars: int
    heading_max_words: int
    title_max_chars: int
    dateline_max_chars: int
    metadata_max_chars: int
    links_max_chars: int
    links_url_share: float
    contact_max_chars: int
    caption_cluster_lines: int
    caption_line_max_chars: int
    caption_max_chars: int
    url_line_max_chars: int
    contact_line_max_chars: int
    name_max_tokens: int
    name_token_max_chars: int
    list_terminal_share: float


class SharedSectionRules(_PatternLists):
    """``pipeline/rules/shared/sections.yaml``: layout rules for every language."""

    bullet: str
    strong_bullets: list[str]
    ordered_bullet: str
    junk_line: str
    url: str
    email: str
    phone: str
    quote_start: str
    credit_not_person: list[str] = []
    fold_chars: dict[str, str] = {}
    terminal_chars: str
    heading_forbidden_end: str
    closing_quotes: str
    dashes: str
    credit_separators: str
    field_separators: list[str]
    field_joiners: str
    limits: Limits

    _patterns: dict[str, list[str]] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _compile(self) -> "SharedSectionRules":
        singles = ("bullet", "ordered_bullet", "junk_line", "url", "email", "phone", "quote_start")
        for name in singles:
            try:
                re.compile(getattr(self, name))
            except re.error as exc:
                raise ValueError(f"{name}: bad regex: {exc}") from exc
        for name in ("bullet", "ordered_bullet"):
            if "bullet" not in re.compile(getattr(self, name)).groupindex:
                raise ValueError(f"{name}: needs the group (?P<bullet>...)")
        names = ("navigation", "boilerplate", "metadata", "links", "not_heading")
        pats = _compile_all(self, names, lambda p: p)
        pats["credit_not_person"] = _compile_all(self, ["credit_not_person"], lambda p: p)[
            "credit_not_person"]
        self._patterns = pats
        return self


# --------------------------------------------------------------------------- compiled set

def _join(patterns: list[str]) -> re.Pattern[str] | None:
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{p})" for p in patterns))


@dataclass(frozen=True)
class _Rules:
    """Every pattern one language needs, merged from its file, its fallbacks and shared."""

    nav: re.Pattern[str] | None
    boiler: re.Pattern[str] | None
    meta: re.Pattern[str] | None
    links: re.Pattern[str] | None
    not_heading: re.Pattern[str] | None
    facts_heading: re.Pattern[str] | None
    kicker_navigation: re.Pattern[str] | None
    contact_label: re.Pattern[str] | None
    contact_words: re.Pattern[str] | None
    role_words: re.Pattern[str] | None
    quote_inline: re.Pattern[str] | None
    quote_attribution: re.Pattern[str] | None
    publisher: tuple[re.Pattern[str], ...]
    press_release_no: tuple[re.Pattern[str], ...]
    published: tuple[re.Pattern[str], ...]
    updated: tuple[re.Pattern[str], ...]
    inline_dateline: tuple[re.Pattern[str], ...]
    caption: tuple[re.Pattern[str], ...]
    byline: tuple[re.Pattern[str], ...]
    credit_not_person: re.Pattern[str] | None
    bullet: re.Pattern[str]
    ordered_bullet: re.Pattern[str]
    junk: re.Pattern[str]
    url: re.Pattern[str]
    email: re.Pattern[str]
    phone: re.Pattern[str]
    quote_start: re.Pattern[str]
    strong_bullets: frozenset[str]
    fold: dict[int, str]
    terminal: str
    heading_forbidden_end: str
    closing_quotes: str
    dashes: str
    credit_seps: str
    seps: tuple[str, ...]
    joiners: str
    limits: Limits


def _shared() -> SharedSectionRules:
    return load_rules("shared", RULE_FILE, SharedSectionRules)


@lru_cache(maxsize=None)
def _rules(lang: str) -> _Rules:
    shared = _shared()
    # Page furniture mixes Bokmål and Nynorsk ("Publisert under:" on a Nynorsk release), so
    # a language's wording is merged with that of every language along its fallback chain.
    files = [load_rules(code, RULE_FILE, LangSectionRules)
             for code in lang_rule_chain(lang, RULE_FILE)]
    sp = shared._patterns

    def merged(name: str) -> list[str]:
        pats: list[str] = []
        for f in files:
            pats.extend(f._patterns.get(name, []))
        pats.extend(sp.get(name, []))
        return pats

    def each(name: str) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(p) for p in merged(name))

    return _Rules(
        nav=_join(merged("navigation")), boiler=_join(merged("boilerplate")),
        meta=_join(merged("metadata")), links=_join(merged("links")),
        not_heading=_join(merged("not_heading")), facts_heading=_join(merged("facts_heading")),
        kicker_navigation=_join(merged("kicker_navigation")),
        contact_label=_join(merged("contact_label")), contact_words=_join(merged("contact_words")),
        role_words=_join(merged("role_words")), quote_inline=_join(merged("quote_inline")),
        quote_attribution=_join(merged("quote_attribution")),
        publisher=each("publisher"), press_release_no=each("press_release_no"),
        published=each("published"), updated=each("updated"),
        inline_dateline=each("inline_dateline"), caption=each("caption"),
        byline=each("byline"), credit_not_person=_join(sp["credit_not_person"]),
        bullet=re.compile(shared.bullet), ordered_bullet=re.compile(shared.ordered_bullet),
        junk=re.compile(shared.junk_line), url=re.compile(shared.url),
        email=re.compile(shared.email), phone=re.compile(shared.phone),
        quote_start=re.compile(shared.quote_start),
        strong_bullets=frozenset(shared.strong_bullets),
        fold=str.maketrans(shared.fold_chars), terminal=shared.terminal_chars,
        heading_forbidden_end=shared.heading_forbidden_end,
        closing_quotes=shared.closing_quotes, dashes=shared.dashes,
        credit_seps=shared.credit_separators, seps=tuple(shared.field_separators),
        joiners=shared.field_joiners, limits=shared.limits,
    )


def check_rules() -> list[str]:
    """Load and validate every sections rule file; run the line examples. [] when all is well."""
    problems: list[str] = []
    try:
        _shared()  # loaded for its validation
    except Exception as exc:  # noqa: BLE001 - report, don't crash `klynge rules check`
        return [f"shared/{RULE_FILE}: {exc}"]
    for lang in registry().codes:
        try:
            rules = _rules(lang)
            own = rule_exists(lang, RULE_FILE)
            model = load_rules(lang, RULE_FILE, LangSectionRules) if own else None
        except Exception as exc:  # noqa: BLE001
            problems.append(f"{lang}/{RULE_FILE}: {exc}")
            continue
        for ex in model.examples if model else ():
            got = _line_kind(ex.text, rules)[0]
            got = None if got in (_BULLET, _ORDERED) else got
            if got != ex.kind:
                problems.append(f"{lang}/{RULE_FILE}: example {ex.text!r}: "
                                f"expected {ex.kind}, got {got}")
    return problems


# --------------------------------------------------------------------------- blocks

@dataclass
class _Block:
    line_no: int          # index of the (first) line
    last_line_no: int     # index of the last line (lists span several)
    line_start: int       # first character of the line (indentation included)
    start: int            # first non-space character
    end: int              # end of the content without trailing whitespace
    eol: int              # end of the (last) line, before its newline
    text: str             # stripped content
    kind: str | None = None
    bullet: str | None = None
    items: list[tuple[int, int]] = field(default_factory=list)
    orig_kind: str | None = None   # kind before a final block became "truncated"


def _blocks(text: str) -> list[_Block]:
    blocks: list[_Block] = []
    pos = 0
    for line_no, line in enumerate(text.split("\n")):
        stripped = line.strip()
        if stripped:
            lead_ws = len(line) - len(line.lstrip())
            start = pos + lead_ws
            blocks.append(_Block(line_no, line_no, pos, start, start + len(stripped),
                                 pos + len(line), stripped))
        pos += len(line) + 1
    return blocks


def _fullmatch(p: re.Pattern[str] | None, s: str) -> bool:
    return p is not None and p.fullmatch(s) is not None


def _date_fields(b: _Block, r: _Rules) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    """Spans of the published and updated dates when ``b`` is a date line, else (None, None).

    A field counts only when date phrases use it up entirely, so "Publisert: 19.11.2020
    Oppdatert: 20.11.2020" is a date line and "Dato for søknaden er 1.2.2020" is not.
    """
    if len(b.text) > r.limits.dateline_max_chars:
        return None, None
    published = updated = None
    for offset, part in _fields(b.text, r.seps):
        field_text = part.rstrip()
        pos = len(part) - len(part.lstrip())
        found: dict[str, tuple[int, int]] = {}
        while pos < len(field_text):
            m = None
            kind = ""
            for kind, pats in (("updated", r.updated), ("published", r.published)):
                m = next((x for x in (p.match(field_text, pos) for p in pats) if x), None)
                if m:
                    break
            if m is None or m.end() == pos:
                found = {}
                break
            found.setdefault(kind, (b.start + offset + m.start("date"),
                                    b.start + offset + m.end("date")))
            pos = m.end()
            while pos < len(field_text) and field_text[pos] in r.joiners:
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


def _url_share(s: str, r: _Rules) -> float:
    return sum(m.end() - m.start() for m in r.url.finditer(s)) / max(len(s), 1)


def _line_kind(s: str, r: _Rules) -> tuple[str | None, re.Match[str] | None]:
    """The kind a stripped line gets from its wording alone (None: decided by layout)."""
    lim = r.limits
    if r.junk.fullmatch(s):
        return "boilerplate", None
    if _fullmatch(r.nav, s):
        return "navigation", None
    if _fullmatch(r.boiler, s):
        return "boilerplate", None
    m = r.bullet.match(s)
    if m:
        # A dash line carrying an attribution ("- ..., sier X.") is a quote, not an item.
        if m.group("bullet") in r.strong_bullets or not (
                r.quote_attribution and r.quote_attribution.search(s)):
            return _BULLET, m
    # Before numbered items: "19. november 2020" alone would read as item "19.".
    probe = _Block(0, 0, 0, 0, len(s), len(s), s)
    if _date_fields(probe, r) != (None, None):
        return "dateline", None
    m = r.ordered_bullet.match(s)
    if m:
        return _ORDERED, m
    if len(s) <= lim.metadata_max_chars and _fullmatch(r.meta, s):
        return "metadata", None
    if len(s) <= lim.contact_max_chars and r.contact_label and r.contact_label.match(s):
        return "contact", None
    if len(s) <= lim.caption_max_chars and any(p.search(s) for p in r.caption):
        return "caption", None
    if any(p.fullmatch(s) for p in r.byline):
        return "byline", None
    if len(s) <= lim.links_max_chars and _fullmatch(r.links, s):
        return "links", None
    if len(s) <= lim.url_line_max_chars and _url_share(s, r) >= lim.links_url_share:
        return "links", None
    return None, None


# --------------------------------------------------------------------------- layout passes

def _headline_like(s: str, r: _Rules, max_chars: int, max_words: int | None) -> bool:
    if len(s) > max_chars or (max_words is not None and len(s.split()) > max_words):
        return False
    core = s.rstrip().rstrip(r.closing_quotes).rstrip()
    if not core or core[-1] in r.heading_forbidden_end:
        return False
    if not any(ch.isalpha() for ch in core):
        return False
    # A dash line is a dash quote or a list item, never a heading.
    return not (s[0] in r.dashes and r.quote_start.match(s))


def _mark_captions(blocks: list[_Block], r: _Rules) -> None:
    """A photo's alt text and caption sit in the same blank-line-delimited cluster as its credit."""
    lim = r.limits
    i = 0
    while i < len(blocks):
        j = i
        while j + 1 < len(blocks) and blocks[j + 1].line_no == blocks[j].line_no + 1:
            j += 1
        cluster = blocks[i:j + 1]
        if (1 < len(cluster) <= lim.caption_cluster_lines
                and any(b.kind == "caption" for b in cluster)
                and all(b.kind in (None, "caption") for b in cluster)
                and all(len(b.text) <= lim.caption_line_max_chars for b in cluster)):
            for b in cluster:
                b.kind = "caption"
        i = j + 1


def _merge_lists(blocks: list[_Block], r: _Rules, text: str) -> list[_Block]:
    out: list[_Block] = []
    i = 0
    while i < len(blocks):
        b = blocks[i]
        if b.kind not in (_BULLET, _ORDERED):
            out.append(b)
            i += 1
            continue
        strong = b.kind == _ORDERED or b.bullet in r.strong_bullets
        j = i
        while j + 1 < len(blocks):
            nxt = blocks[j + 1]
            if nxt.kind != b.kind:
                break
            adjacent = nxt.line_no == blocks[j].line_no + 1
            nxt_strong = nxt.kind == _ORDERED or nxt.bullet in r.strong_bullets
            # Blank-separated strong bullets are still one list; blank-separated dash lines
            # are more often dash-quote paragraphs.
            if not (adjacent or (strong and nxt_strong)):
                break
            j += 1
        run = blocks[i:j + 1]
        is_list = len(run) >= 2 or (b.kind == _BULLET and b.bullet in r.strong_bullets)
        if not is_list:
            b.kind = None
            out.append(b)
            i += 1
            continue
        last = run[-1]
        merged = _Block(b.line_no, last.line_no, b.line_start, b.start, last.end, last.eol,
                        text[b.start:last.end], "list", b.bullet,
                        [it for blk in run for it in blk.items])
        out.append(merged)
        i = j + 1
    return out


def _fold(s: str, r: _Rules) -> str:
    return " ".join(s.translate(r.fold).casefold().split()).rstrip(".:")


def _classify(blocks: list[_Block], r: _Rules) -> None:
    """Assign the layout kinds: title, kicker, heading, lead, quote, facts, contact, paragraph."""
    lim = r.limits
    n = len(blocks)
    title_idx = next((i for i, b in enumerate(blocks) if b.kind is None), None)
    if title_idx is None:
        return
    nxt = title_idx + 1
    if (nxt + 1 < n and blocks[nxt].kind is None
            and blocks[nxt + 1].kind in _HEADER_KINDS
            and _headline_like(blocks[title_idx].text, r, lim.title_max_chars, None)
            and _headline_like(blocks[nxt].text, r, lim.title_max_chars, None)):
        # "Statsbudsjettet 2012" / "Utenriksdepartementet" above the real headline.
        kicker = blocks[title_idx]
        kicker.kind = "navigation" if _fullmatch(r.kicker_navigation, kicker.text) else "metadata"
        title_idx = nxt
    title = blocks[title_idx]
    title.kind = "title"
    title_key = _fold(title.text, r)

    lead: _Block | None = None
    lead_key = ""
    heading_is_facts = False
    for i in range(title_idx + 1, n):
        b = blocks[i]
        if b.kind is not None:
            if b.kind == "heading":
                heading_is_facts = _fullmatch(r.facts_heading, b.text)
            continue
        key = _fold(b.text, r)
        if key == title_key:
            b.kind = "boilerplate"
            continue
        prev = blocks[i - 1]
        if (prev.kind == "contact" and len(b.text) <= lim.contact_line_max_chars
                and (b.line_no == prev.last_line_no + 1 or _bare_contact_label(prev, r))):
            # Name, title and number lines straight under "Kontakt:" belong to the contact.
            b.kind = "contact"
            continue
        following = blocks[i + 1] if i + 1 < n else None
        has_address = bool(r.phone.search(b.text) or r.email.search(b.text))
        if (following is not None and following.kind in (None, "list") and not has_address
                and _fold(following.text, r) != title_key
                and _headline_like(b.text, r, lim.heading_max_chars, lim.heading_max_words)
                and not _fullmatch(r.not_heading, b.text)):
            b.kind = "heading"
            heading_is_facts = _fullmatch(r.facts_heading, b.text)
            continue
        if lead is None:
            b.kind = "lead"
            lead, lead_key = b, key
            continue
        if lead_key and lead_key in key and not key.startswith(lead_key):
            # Caption text glued in front of the lead repeated ("... på vei ut til HywindI dag er").
            b.kind = "caption"
        elif has_address and len(b.text) <= lim.contact_max_chars:
            b.kind = "contact"
        elif heading_is_facts or _fullmatch(r.facts_heading, b.text):
            # Under a "Fakta om ..." heading, or a one-line "Fakta: ..." box.
            b.kind = "facts"
        elif r.quote_start.match(b.text) or (r.quote_inline and r.quote_inline.search(b.text)):
            b.kind = "quote"
        else:
            b.kind = "paragraph"
    for b in blocks:
        if b.kind is None:   # only blocks before the title can be left
            b.kind = "paragraph"


def _bare_contact_label(b: _Block, r: _Rules) -> bool:
    """ "Kontaktpersoner:" alone: the lines under it are contacts even after a blank line."""
    return (r.contact_label is not None and r.contact_label.match(b.text) is not None
            and not (r.phone.search(b.text) or r.email.search(b.text))
            and len(b.text.split()) <= 3)


def _ends_terminal(s: str, r: _Rules) -> bool:
    return bool(s) and s[-1] in r.terminal


def _is_truncated(b: _Block, r: _Rules, text: str) -> bool:
    s = b.text
    if b.kind in _SENTENCE_KINDS:
        return not _ends_terminal(s, r)
    if b.kind == "contact":
        tail = s[-1:]
        ends_with_address = any(m.end() == len(s) for m in r.email.finditer(s)) or any(
            m.end() == len(s) for m in r.url.finditer(s))
        return not (_ends_terminal(s, r) or tail.isdigit() or ends_with_address)
    if b.kind == "list" and b.items:
        last = text[b.items[-1][0]:b.items[-1][1]]
        others = [text[a:z] for a, z in b.items[:-1]]
        if not others:
            return not _ends_terminal(last, r)
        share = sum(_ends_terminal(o, r) for o in others) / len(others)
        return share >= r.limits.list_terminal_share and not _ends_terminal(last, r)
    return False


# --------------------------------------------------------------------------- metadata

def _name_from(chunk: str, r: _Rules) -> str | None:
    """The person's name at the end of a chunk: trailing capitalised words minus titles."""
    lim = r.limits
    chunk = chunk.rsplit(":", 1)[-1] if ":" in chunk else chunk
    tokens = chunk.split()
    run: list[str] = []
    for tok in reversed(tokens):
        if tok[:1].isupper():
            run.append(tok)
        else:
            break
    run.reverse()
    while run and ((r.role_words and r.role_words.fullmatch(run[0]))
                   or (len(run[0]) > lim.name_token_max_chars and "-" not in run[0])):
        run.pop(0)
    run = run[-lim.name_max_tokens:]
    if len(run) < 2:
        return None
    return " ".join(run)


def _contact(b: _Block, r: _Rules) -> dict | None:
    s = b.text
    phone = r.phone.search(s)
    email = r.email.search(s)
    cut = min([m.start() for m in (phone, email) if m] or [len(s)])
    name = None
    for chunk in reversed(s[:cut].split(",")):
        chunk = chunk.strip().rstrip(":").strip()
        if chunk:
            name = _name_from(chunk, r)
            if name:
                break
    if not (name or phone or email):
        return None
    return {"name": name, "phone": phone.group(0) if phone else None,
            "email": email.group(0) if email else None, "start": b.start, "end": b.end}


def _photographers(b: _Block, r: _Rules) -> list[dict]:
    out: list[dict] = []
    for p in r.caption:
        for m in p.finditer(b.text):
            credit = m.group("credit")
            base = b.start + m.start("credit")
            # "Tom Hansen, Innovasjon Norge" / "Kai T. Dragland / NTNU": the person comes first.
            cut = min([k for k in map(credit.find, r.credit_seps) if k >= 0] or [len(credit)])
            segment = credit[:cut]
            name = segment.strip().rstrip(".").strip()
            if not name:
                continue
            tokens = name.split()
            person_like = (2 <= len(tokens) <= r.limits.name_max_tokens + 1
                           and all(t[:1].isupper() for t in tokens)
                           and not any(ch.isdigit() for ch in name))
            if not person_like or _fullmatch(r.credit_not_person, name):
                continue
            start = base + segment.find(name)
            out.append({"name": name, "start": start, "end": start + len(name)})
        if out:
            break
    return out


def _add_contact(contacts: list[dict], c: dict | None, b: _Block,
                 prev: _Block | None) -> None:
    """Add a contact line, or fill in the person from the line just above it.

    "Ola Nordmann" / "Tlf: 22 24 25 00" / "ola@x.no" on adjacent lines are one person;
    a second name or a second number starts the next one.
    """
    if c is None:
        return
    cur = contacts[-1] if contacts else None
    adjacent = prev is not None and b.line_no == prev.last_line_no + 1
    if cur is not None and adjacent and not any(
            c[k] is not None and cur[k] is not None for k in ("name", "phone", "email")):
        for k in ("name", "phone", "email"):
            cur[k] = cur[k] if cur[k] is not None else c[k]
        cur["end"] = c["end"]
        return
    contacts.append(c)


def _doc_meta(blocks: list[_Block], r: _Rules) -> DocMeta:
    meta = DocMeta()
    prev_contact: _Block | None = None
    lead = next((b for b in blocks if (b.orig_kind or b.kind) == "lead"), None)
    for b in blocks:
        kind = b.orig_kind or b.kind
        if kind == "title" and meta.title is None:
            meta.title, meta.title_span = b.text, (b.start, b.end)
        elif kind == "dateline":
            published, updated = _date_fields(b, r)
            meta.published_span = meta.published_span or published
            meta.updated_span = meta.updated_span or updated
        elif kind == "metadata" and meta.publisher is None:
            for p in r.publisher:
                m = p.fullmatch(b.text)
                if m:
                    meta.publisher = m.group("value")
                    break
        elif kind == "contact":
            c = _contact(b, r)
            _add_contact(meta.contacts, c, b, prev_contact)
            # A bare label line ("Kontakt:") starts a fresh person; a bare title line
            # ("Kommunikasjonssjef") keeps the person above it open.
            label_only = c is None and r.contact_label is not None and bool(
                r.contact_label.match(b.text))
            prev_contact = None if label_only else b
        elif kind == "caption":
            meta.photographers.extend(_photographers(b, r))
        if kind in ("metadata", "dateline") and meta.press_release_no is None:
            for p in r.press_release_no:
                m = p.search(b.text)
                if m:
                    meta.press_release_no = m.group("value")
                    break
    if meta.published_span is None and lead is not None:
        # No date line: a dateline opening the lead ("Oslo, 19. november 2020 – ...").
        for p in r.inline_dateline:
            m = p.match(lead.text)
            if m:
                meta.published_span = (lead.start + m.start("date"), lead.start + m.end("date"))
                break
    return meta


# --------------------------------------------------------------------------- entry point

def split_sections(text: str, lang: str) -> tuple[list[Section], DocMeta]:
    """Partition ``text`` into sections and read its document metadata (pure function)."""
    if not text:
        return [], DocMeta()
    r = _rules(lang)
    blocks = _blocks(text)
    if not blocks:
        return [Section("boilerplate", 0, len(text))], DocMeta()

    for b in blocks:
        b.kind, m = _line_kind(b.text, r)
        if m is not None:
            # The bullet pattern ran on the stripped line, so its end is relative to b.start;
            # the item is the text after the bullet and its spaces.
            b.bullet = m.group("bullet")
            b.items = [(b.start + m.end(), b.end)]
    _mark_captions(blocks, r)
    blocks = _merge_lists(blocks, r, text)
    _classify(blocks, r)

    meta_truncated = False
    # Trailing junk (">>>", "Til toppen") does not end the text; the block before it does.
    last = next((b for b in reversed(blocks) if b.kind not in _TRAILING_JUNK), None)
    if last is not None and _is_truncated(last, r, text):
        last.orig_kind, last.kind = last.kind, "truncated"
        meta_truncated = True

    meta = _doc_meta(blocks, r)
    meta.truncated = meta_truncated

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
