"""HTML to a plain-text release: main text, title, date and canonical URL (trafilatura)."""
from __future__ import annotations

import logging
import re
from typing import Any

from klynge.ingest.decode import _decode, _unreadable_bytes
from klynge.ingest.documents import RawDocument, _error, _finish, _Run, _where


def _inline_text(el: Any) -> str:
    parts: list[str] = [el.text or ""]
    for child in el:
        if child.tag == "lb":
            parts.append("\n")
        else:
            parts.append(_inline_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


_SPACES_RE = re.compile(r"[ \t]+")


def _clean_lines(text: str) -> str:
    lines = (_SPACES_RE.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _render_body(body: Any) -> str:
    """Render trafilatura's XML body with a blank line between blocks, like a .txt release.

    trafilatura's own ``text`` puts paragraphs on consecutive lines, which would make the
    whole release one paragraph to the section stage.
    """
    blocks: list[str] = []
    for el in body:
        if el.tag == "list":
            block = "\n".join("- " + _clean_lines(_inline_text(item)).replace("\n", " ")
                              for item in el.iter("item"))
        elif el.tag == "table":
            rows = []
            for row in el.iter("row"):
                cells = [_clean_lines(_inline_text(c)).replace("\n", " ") for c in row if c.tag == "cell"]
                rows.append(" | ".join(cells))
            block = "\n".join(r for r in rows if r.strip(" |"))
        else:
            block = _clean_lines(_inline_text(el))
        if block.strip():
            blocks.append(block)
    return "\n\n".join(blocks)


_quiet_done = False


def _quiet_extractor_logs() -> None:
    """Silence trafilatura/htmldate's own ERROR lines ("parsed tree length: 0", ...).

    Their failures already show up in our records (flags, ``empty``, ``html_extract_failed``);
    left on, they flood stderr with one line per odd page.
    """
    global _quiet_done
    if not _quiet_done:
        for name in ("trafilatura", "htmldate", "courlan", "justext"):
            logging.getLogger(name).setLevel(logging.CRITICAL)
        _quiet_done = True


_DOCUMENT_RE = re.compile(r"<(html|body)[\s>]", re.IGNORECASE)


def _extract_html(html: str, url: str | None, given_title: str | None = None
                  ) -> tuple[str, dict[str, str | None], list[str]]:
    """Return (text beginning with the title line, metadata, flags). May raise on odd input.

    The title line is ``given_title`` (from JSONL) if there is one, else the page's title,
    so that ``RawDocument.title`` and the first line of the text always agree.
    """
    import trafilatura  # imported lazily: it is slow to import and only HTML needs it

    _quiet_extractor_logs()

    if not _DOCUMENT_RE.search(html[:4096]):
        # JSONL producers often store a body fragment; trafilatura rejects short fragments
        # outright ("parsed tree length: 0") unless they sit in a document.
        html = f"<html><body>{html}</body></html>"
    options: dict[str, Any] = dict(url=url, with_metadata=True, include_comments=False,
                                   include_tables=True, include_images=False, deduplicate=False)
    doc = trafilatura.bare_extraction(html, **options)
    if doc is None or not (doc.text or "").strip():
        # Short pages fall under trafilatura's precision thresholds; try again leniently.
        recall = trafilatura.bare_extraction(html, favor_recall=True, **options)
        if recall is not None and (recall.text or "").strip():
            doc = recall
    flags = ["html_extracted"]
    meta: dict[str, str | None] = {"title": None, "published": None, "url": None}
    body_text = ""
    if doc is not None:
        # A <title> may span lines; the title must stay one line of the emitted text.
        meta = {"title": " ".join((doc.title or "").split()) or None,
                "published": doc.date or None, "url": doc.url or None}
        if doc.body is not None:
            body_text = _render_body(doc.body)
        if not body_text.strip():
            body_text = doc.text or ""
    if not body_text.strip():
        body_text = _clean_lines(trafilatura.html2txt(html) or "")
        if body_text:
            flags.append("html_fallback_text")
    given_title = " ".join((given_title or "").split()) or None
    page_title = meta["title"]
    title = given_title or page_title
    meta["title"] = title
    if title:
        first, _, rest = body_text.strip().partition("\n")
        if first.strip() in {title, page_title}:
            body_text = rest.lstrip("\n")
        body_text = title + "\n\n" + body_text if body_text.strip() else title
    return body_text.strip(), meta, flags


def _html_document(html: str, source: dict, run: _Run, *, flags: list[str],
                   doc_id: str | None = None, given: dict[str, str | None] | None = None
                   ) -> RawDocument:
    given = given or {}
    try:
        text, meta, html_flags = _extract_html(html, given.get("url"), given.get("title"))
    except Exception as exc:  # noqa: BLE001 - third-party parser; any failure is this document's
        return _error("html_extract_failed", f"{_where(source)}: {type(exc).__name__}: {exc}",
                      source, doc_id, flags)
    if source.get("url") is None:
        source = {**source, "url": meta["url"]}
    return _finish(text, source, run, flags=flags + html_flags, doc_id=doc_id,
                   title=meta["title"],
                   published=given.get("published") or meta["published"],
                   lang=given.get("lang"))


def _html_file_document(data: bytes, source: dict, run: _Run) -> RawDocument:
    rejected = _unreadable_bytes(data, source)
    if rejected is not None:
        return rejected
    html, flags = _decode(data, html=True)
    return _html_document(html, source, run, flags=flags)
