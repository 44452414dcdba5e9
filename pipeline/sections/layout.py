"""The layout passes: what a line is, read from its neighbours (captions around a photo
credit, bullet runs into lists, the title, kicker, headings, lead and body kinds) and
whether the text stops mid-sentence."""
from __future__ import annotations

from klynge.sections.blocks import BULLET, ORDERED, Block
from klynge.sections.rules import SectionRules

# Kinds of the header furniture: a second headline-like line just before one of these
# shows the first line was a kicker ("Statsbudsjettet 2012") and the second the title.
_HEADER_KINDS = frozenset({"navigation", "metadata", "dateline", "boilerplate"})
# Body kinds whose last line must end like a sentence unless the text was cut.
_SENTENCE_KINDS = frozenset({"paragraph", "lead", "quote", "facts", "byline"})


def _headline_like(s: str, r: SectionRules, max_chars: int, max_words: int | None) -> bool:
    if len(s) > max_chars or (max_words is not None and len(s.split()) > max_words):
        return False
    shared = r.shared
    core = s.rstrip().rstrip(shared.closing_quotes).rstrip()
    if not core or core[-1] in shared.heading_forbidden_end:
        return False
    if not any(ch.isalpha() for ch in core):
        return False
    # A dash line is a dash quote or a list item, never a heading.
    return not (s[0] in shared.dashes and shared.quote_start.match(s))


def mark_captions(blocks: list[Block], r: SectionRules) -> None:
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


def merge_lists(blocks: list[Block], r: SectionRules, text: str) -> list[Block]:
    """Runs of bullet lines become one ``list`` block; a lone weak bullet is body text."""
    strong_bullets = r.shared.strong_bullets
    out: list[Block] = []
    i = 0
    while i < len(blocks):
        b = blocks[i]
        if b.kind not in (BULLET, ORDERED):
            out.append(b)
            i += 1
            continue
        strong = b.kind == ORDERED or b.bullet in strong_bullets
        j = i
        while j + 1 < len(blocks):
            nxt = blocks[j + 1]
            if nxt.kind != b.kind:
                break
            adjacent = nxt.line_no == blocks[j].line_no + 1
            nxt_strong = nxt.kind == ORDERED or nxt.bullet in strong_bullets
            # Blank-separated strong bullets are still one list; blank-separated dash lines
            # are more often dash-quote paragraphs.
            if not (adjacent or (strong and nxt_strong)):
                break
            j += 1
        run = blocks[i:j + 1]
        is_list = len(run) >= 2 or (b.kind == BULLET and b.bullet in strong_bullets)
        if not is_list:
            b.kind = None
            out.append(b)
            i += 1
            continue
        last = run[-1]
        merged = Block(b.line_no, last.line_no, b.line_start, b.start, last.end, last.eol,
                       text[b.start:last.end], "list", b.bullet,
                       [it for blk in run for it in blk.items])
        out.append(merged)
        i = j + 1
    return out


def _fold(s: str, r: SectionRules) -> str:
    return " ".join(s.translate(r.shared.fold).casefold().split()).rstrip(".:")


def classify(blocks: list[Block], r: SectionRules) -> None:
    """Assign the layout kinds: title, kicker, heading, lead, quote, facts, contact, paragraph."""
    lim = r.limits
    shared = r.shared
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
        kicker.kind = "navigation" if r.fullmatch("kicker_navigation", kicker.text) else "metadata"
        title_idx = nxt
    title = blocks[title_idx]
    title.kind = "title"
    title_key = _fold(title.text, r)

    lead: Block | None = None
    lead_key = ""
    heading_is_facts = False
    for i in range(title_idx + 1, n):
        b = blocks[i]
        if b.kind is not None:
            if b.kind == "heading":
                heading_is_facts = r.fullmatch("facts_heading", b.text)
            continue
        key = _fold(b.text, r)
        if key == title_key:
            b.kind = "boilerplate"
            continue
        prev = blocks[i - 1]
        if (prev.kind == "contact" and len(b.text) <= lim.contact_line_max_chars
                and (b.line_no == prev.last_line_no + 1 or bare_contact_label(prev, r))):
            # Name, title and number lines straight under "Kontakt:" belong to the contact.
            b.kind = "contact"
            continue
        following = blocks[i + 1] if i + 1 < n else None
        has_address = bool(r.phone.search(b.text) or r.email.search(b.text))
        if (following is not None and following.kind in (None, "list") and not has_address
                and _fold(following.text, r) != title_key
                and _headline_like(b.text, r, lim.heading_max_chars, lim.heading_max_words)
                and not r.fullmatch("not_heading", b.text)):
            b.kind = "heading"
            heading_is_facts = r.fullmatch("facts_heading", b.text)
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
        elif heading_is_facts or r.fullmatch("facts_heading", b.text):
            # Under a "Fakta om ..." heading, or a one-line "Fakta: ..." box.
            b.kind = "facts"
        elif shared.quote_start.match(b.text) or r.search("quote_inline", b.text):
            b.kind = "quote"
        else:
            b.kind = "paragraph"
    for b in blocks:
        if b.kind is None:   # only blocks before the title can be left
            b.kind = "paragraph"


def bare_contact_label(b: Block, r: SectionRules) -> bool:
    """ "Kontaktpersoner:" alone: the lines under it are contacts even after a blank line."""
    return (r.match("contact_label", b.text)
            and not (r.phone.search(b.text) or r.email.search(b.text))
            and len(b.text.split()) <= 3)


def _ends_terminal(s: str, r: SectionRules) -> bool:
    return bool(s) and s[-1] in r.shared.terminal_chars


def is_truncated(b: Block, r: SectionRules, text: str) -> bool:
    """The block stops mid-sentence (or mid-list) where a finished one would not."""
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
