"""HTML to a plain-text release: main text, title, date and canonical URL (trafilatura)."""
from __future__ import annotations

import hashlib
import logging
import re
from typing import Any

from klynge.ingest.decode import _decode, _unreadable_bytes
from klynge.ingest.documents import PendingHtml, RawDocument, _error, _finish, _Run, _where
from klynge.ingest.formats import format_rules, max_bytes
from klynge.runner.guards import paused


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
# What lxml (libxml2) logs when a page nests deeper than it parses: the rest is dropped.
_TOO_DEEP = "Excessive depth"
_LXML_DEPTH = 250  # a little under the 255 levels lxml's HTML parser keeps


def _too_deep(parser: Any) -> bool:
    return any(_TOO_DEEP in e.message for e in parser.error_log)


def _flatten_deep(html: str) -> tuple[str, list[str]]:
    """``html`` unchanged when lxml parses all of it, else flattened (flag
    ``html_flattened``): parsed without the depth limit (libxml2's huge mode, 2048
    levels), elements deeper than ``html_max_depth`` lose their tags, wrappers first, the
    block tags (``html_block_tags``) only if that is not enough; text and order are kept.
    Deeper still than the huge mode goes: ``html_too_deep`` (what lies below is cut)."""
    from lxml import etree
    from lxml import html as lxml_html

    data = html.encode("utf-8", "surrogatepass")
    probe = etree.HTMLParser(encoding="utf-8")
    etree.fromstring(data, probe)
    if not _too_deep(probe):
        return html, []
    rules = format_rules()
    parser = lxml_html.HTMLParser(encoding="utf-8", huge_tree=True)
    root = etree.fromstring(data, parser)
    flags = ["html_flattened"] + (["html_too_deep"] if _too_deep(parser) else [])
    if root is None:
        return html, flags
    blocks = frozenset(rules.html_block_tags)
    limit = rules.html_max_depth
    for keep in (blocks, frozenset()):
        # Last first: a child goes before its parent, so each drop_tag sees its place.
        for el in reversed(_deeper_than(root, limit)):
            if isinstance(el.tag, str) and el.tag not in keep:
                el.drop_tag()
        if not _deeper_than(root, _LXML_DEPTH):
            break
    return lxml_html.tostring(root, encoding="unicode"), flags


def _deeper_than(root: Any, limit: int) -> list[Any]:
    """The elements below ``limit`` levels, in document order (iteratively: no recursion
    limit)."""
    out = []
    stack = [(root, 0)]
    while stack:
        el, depth = stack.pop()
        if depth > limit:
            out.append(el)
        stack.extend((child, depth + 1) for child in reversed(el))
    return out


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
    html, depth_flags = _flatten_deep(html)
    options: dict[str, Any] = dict(url=url, with_metadata=True, include_comments=False,
                                   include_tables=True, include_images=False, deduplicate=False)
    doc = trafilatura.bare_extraction(html, **options)
    if doc is None or not (doc.text or "").strip():
        # Short pages fall under trafilatura's precision thresholds; try again leniently.
        recall = trafilatura.bare_extraction(html, favor_recall=True, **options)
        if recall is not None and (recall.text or "").strip():
            doc = recall
    flags = ["html_extracted", *depth_flags]
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


def _extracted(html: str, source: dict, max_chars: int | None, flags: list[str],
               doc_id: str | None, given: dict[str, str | None]) -> RawDocument:
    """The document of ``html``: extracted, normalised, cut. Raises what the extractor
    raises."""
    text, meta, html_flags = _extract_html(html, given.get("url"), given.get("title"))
    if source.get("url") is None:
        source = {**source, "url": meta["url"]}
    return _finish(text, source, _Run(max_chars), flags=flags + html_flags, doc_id=doc_id,
                   title=meta["title"],
                   published=given.get("published") or meta["published"],
                   lang=given.get("lang"))


def _failed(exc: Exception, source: dict, doc_id: str | None, flags: list[str]) -> RawDocument:
    return _error("html_extract_failed", f"{_where(source)}: {type(exc).__name__}: {exc}",
                  source, doc_id, flags)


def _html_document(html: str, source: dict, run: _Run, *, flags: list[str],
                   doc_id: str | None = None, given: dict[str, str | None] | None = None
                   ) -> RawDocument:
    """An HTML input: extracted now, or (``run.defer_html``) left for the worker."""
    given = given or {}
    flags = list(flags)
    limit = max_bytes()
    if len(html) > limit:  # a JSONL "html" field (files and stdin are cut as bytes)
        html = html[:limit]
        flags.append("truncated_max_bytes")
    digest = hashlib.sha1(html.encode("utf-8", "surrogatepass")).hexdigest()
    if run.defer_html:
        return RawDocument(text=None, id=doc_id, source=source, flags=flags,
                           content_sha1=digest,
                           pending_html=PendingHtml(html, dict(given), run.max_chars))
    try:
        doc = _extracted(html, source, run.max_chars, flags, doc_id, given)
    except Exception as exc:  # noqa: BLE001 - third-party parser; any failure is this document's
        doc = _failed(exc, source, doc_id, flags)
    doc.content_sha1 = digest
    return doc


def extract_pending(raw: RawDocument, *, passthrough: tuple[type[BaseException], ...] = ()
                    ) -> RawDocument:
    """The document of a deferred HTML input (``raw.pending_html``), as ingest would
    have made it; its id, derived id and what the run set (lang, published defaults)
    kept. An extractor failure is an ``html_extract_failed`` record, but for the
    exceptions in ``passthrough`` (the runner's time budget), which are raised."""
    pending = raw.pending_html
    if pending is None:
        return raw
    # The first page of a process: the runner calls this inside the page's time budget,
    # whose clock stops meanwhile (trafilatura's import and first use take a second).
    # Only then: every pause of a worker thread's budget restarts its timer thread.
    if not _warmed:
        with paused():
            _warm_extractor()
    try:
        doc = _extracted(pending.html, raw.source, pending.max_chars, raw.flags, raw.id,
                         pending.given)
    except passthrough:
        raise
    except Exception as exc:  # noqa: BLE001 - third-party parser; any failure is this document's
        doc = _failed(exc, raw.source, raw.id, raw.flags)
    doc.derived_id, doc.content_sha1 = raw.derived_id, raw.content_sha1
    if doc.error is None:
        doc.lang = doc.lang or raw.lang
        doc.published = doc.published or raw.published
    return doc


_WARM_PAGE = ("<html><head><title>Ny klynge</title></head><body><nav>Meny</nav><p>Oslo, "
              "1. mars 2021. Innovasjon Norge gir 10 millioner kroner til klyngen.</p>"
              "<ul><li>Punkt</li></ul><table><tr><td>Celle</td></tr></table></body></html>")
_warmed = False


def _warm_extractor() -> None:
    """Import trafilatura and let it load what it loads on first use, once per process,
    with no document's time budget running (the caller pauses it: a budget firing inside
    an import would leave the module half-imported for every later page)."""
    global _warmed
    if not _warmed:
        for page in (_WARM_PAGE, "<p>Hei</p>", "<div>" * 300 + "<p>Hei</p>"):
            _extract_html(page, None)
        _warmed = True


def _html_file_document(data: bytes, source: dict, run: _Run, *, truncated: bool = False
                        ) -> RawDocument:
    rejected = _unreadable_bytes(data, source)
    if rejected is not None:
        return rejected
    # partial: a read cut at max_bytes may end inside a character.
    html, flags = _decode(data, html=True, partial=truncated)
    return _html_document(html, source, run,
                          flags=flags + (["truncated_max_bytes"] if truncated else []))
