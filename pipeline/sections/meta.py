"""Document metadata read from the classified blocks: title, the published and updated
dates of the date line, publisher, press-release number and the contact people.

The published date is found here and only here (the records and the relative dates read
it): the date line, else a date opening the lead, else the header's labelled line or a
date alone under the title, the first of them that is a full day.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from klynge.normalisers.dates import find_dates, parse_date, published_label
from klynge.sections.blocks import Block, Span, date_fields
from klynge.sections.rules import SectionRules


@dataclass
class DocMeta:
    title: str | None = None
    published_span: Span | None = None  # a date of day precision
    updated_span: Span | None = None
    publisher: str | None = None
    press_release_no: str | None = None
    contacts: list[dict] = field(default_factory=list)
    truncated: bool = False


def _name_from(chunk: str, r: SectionRules) -> str | None:
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
    role_words = r.joined["role_words"]
    while run and ((role_words is not None and role_words.fullmatch(run[0]))
                   or (len(run[0]) > lim.name_token_max_chars and "-" not in run[0])):
        run.pop(0)
    run = run[-lim.name_max_tokens:]
    if len(run) < 2:
        return None
    return " ".join(run)


def _contact(b: Block, r: SectionRules) -> dict | None:
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


def _add_contact(contacts: list[dict], c: dict | None, b: Block,
                 prev: Block | None) -> None:
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


def _shifted(span: Span | None, by: int) -> Span | None:
    return None if span is None else (span[0] + by, span[1] + by)


def _is_day(text: str, span: Span | None, lang: str) -> bool:
    d = parse_date(text[span[0]:span[1]], lang) if span is not None else None
    return d is not None and d.precision == "day" and d.value is not None


def _header_date(lines: list[Block], text: str, r: SectionRules, lang: str) -> Span | None:
    """A day date in the header when no date line gives one: a labelled line ("Dato:
    14.10.2005 | ...") among the first lines, else a full date alone on one of the lines
    right under the first. ``lines`` are the text's non-blank lines, before lists merge."""
    head = lines[:r.limits.header_lines]
    label = published_label(lang)
    for b in head:
        line = text[b.line_start:b.eol]
        if not label.match(line):
            continue
        for d in find_dates(line, lang):
            if d.precision == "day" and d.value is not None and "relative" not in d.flags:
                return b.line_start + d.start, b.line_start + d.end
    for b in head[1:1 + r.limits.own_line_date_lines]:
        if len(b.text) > r.limits.dateline_max_chars:
            continue  # a paragraph, never a date alone; the date scan of it is the cost
        found = find_dates(b.text, lang)
        if len(found) == 1 and found[0].start == 0 and found[0].end == len(b.text):
            d = found[0]
            if d.precision == "day" and d.value is not None:
                return b.start + d.start, b.start + d.end
    return None


def doc_meta(blocks: list[Block], lines: list[Block], text: str, r: SectionRules,
             lang: str) -> DocMeta:
    """The metadata of the classified ``blocks``; ``lines`` are the text's non-blank lines
    before lists were merged (the header search counts lines)."""
    meta = DocMeta()
    prev_contact: Block | None = None
    lead = next((b for b in blocks if (b.orig_kind or b.kind) == "lead"), None)
    for b in blocks:
        kind = b.orig_kind or b.kind
        if kind == "title" and meta.title is None:
            meta.title = b.text
        elif kind == "dateline":
            published, updated = date_fields(b.text, r)
            meta.published_span = meta.published_span or _shifted(published, b.start)
            meta.updated_span = meta.updated_span or _shifted(updated, b.start)
        elif kind == "metadata" and meta.publisher is None:
            for p in r.grouped["publisher"]:
                m = p.fullmatch(b.text)
                if m:
                    meta.publisher = m.group("value")
                    break
        elif kind == "contact":
            c = _contact(b, r)
            _add_contact(meta.contacts, c, b, prev_contact)
            # A bare label line ("Kontakt:") starts a fresh person; a bare title line
            # ("Kommunikasjonssjef") keeps the person above it open.
            label_only = c is None and r.match("contact_label", b.text)
            prev_contact = None if label_only else b
        if kind in ("metadata", "dateline") and meta.press_release_no is None:
            for p in r.grouped["press_release_no"]:
                m = p.search(b.text)
                if m:
                    meta.press_release_no = m.group("value")
                    break
    if meta.published_span is None and lead is not None:
        # No date line: a dateline opening the lead ("Oslo, 19. november 2020 – ...").
        for p in r.grouped["inline_dateline"]:
            m = p.match(lead.text)
            if m:
                meta.published_span = (lead.start + m.start("date"), lead.start + m.end("date"))
                break
    if not _is_day(text, meta.published_span, lang):
        meta.published_span = _header_date(lines, text, r, lang)
    return meta
