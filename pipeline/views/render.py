"""``klynge render``: one self-contained HTML page of a user's own output.

Each document's text with its entities highlighted in displaCy's colours, its clusters as
cards whose evidence sentences are marked in the text (and the words in them that state
the cluster's name, status, members, partners and place), people with roles and
organisations, amounts and quotes; a filter by cluster and by language (also read from
the page's ``#cluster=...&lang=...``, so a filtered view can be linked).

Nothing is fetched: CSS and JS are inline, and the page's Content-Security-Policy allows
no network and only the page's own script (by its hash). Every string of the records is
HTML-escaped, so a text that holds ``<script>`` shows it and never runs it.
"""
from __future__ import annotations

import base64
import hashlib
import html
import os
from collections import Counter
from pathlib import Path
from typing import Callable, Iterable

from klynge.views.facts import cluster_id, fact_spans
from klynge.views.read import BadLine, Line, iter_records

FACTS = ("name", "status", "members", "partners", "location")
FACT_COLOURS = {"name": "#1f6feb", "status": "#d1242f", "members": "#1a7f37",
                "partners": "#8250df", "location": "#bf8700"}
# klynge's labels -> displaCy's (spaCy's DEFAULT_LABEL_COLORS); the contact labels grey
_DISPLACY_NAMES = {"PER": "PERSON", "ORG": "ORG", "LOC": "LOC", "GPE": "GPE",
                   "PROD": "PRODUCT", "EVT": "EVENT", "MONEY": "MONEY", "DATE": "DATE"}


def label_colours() -> dict[str, str]:
    from spacy.displacy.render import DEFAULT_LABEL_COLORS
    colours = {ours: DEFAULT_LABEL_COLORS[theirs] for ours, theirs in _DISPLACY_NAMES.items()}
    colours.update({"URL": "#ddd", "EMAIL": "#ddd", "PHONE": "#ddd"})
    return colours


def esc(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


_CSS = """
body{font-family:-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:0;color:#1f2328;background:#f6f8fa}
header.top{position:sticky;top:0;z-index:2;background:#fff;border-bottom:1px solid #d0d7de;padding:.6em 1.2em;display:flex;gap:1.2em;align-items:center;flex-wrap:wrap}
header.top h1{font-size:1.2em;margin:0}
label{font-size:.9em}select{font-size:.9em;max-width:22em}
.legend span{margin-right:.8em;font-size:.8em;white-space:nowrap}
main{padding:1em 1.2em}
[hidden]{display:none!important}
article.doc{background:#fff;border:1px solid #d0d7de;border-radius:6px;margin:0 0 1.2em;padding:.8em 1.2em}
article.doc h2{font-size:1.1em;margin:.2em 0}
.meta{color:#59636e;font-size:.85em;margin:.2em 0 .6em}
.meta code{font-size:.95em}
.cols{display:grid;grid-template-columns:minmax(0,3fr) minmax(16em,2fr);gap:1.2em}
@media (max-width:900px){.cols{grid-template-columns:1fr}}
.text{white-space:pre-wrap;line-height:2.3;font-size:.95em;max-height:48em;overflow:auto;border-right:1px solid #eee;padding-right:.8em}
mark.entity{padding:.25em .45em;margin:0 .15em;line-height:1;border-radius:.35em;color:#000}
mark.entity .label{font-size:.65em;font-weight:bold;line-height:1;border-radius:.35em;text-transform:uppercase;vertical-align:middle;margin-left:.4rem}
.ev{border-bottom:2px dotted #888}
.ev.focus{background:#fff8c5}
.f-name{border-bottom:3px solid #1f6feb}.f-status{border-bottom:3px solid #d1242f}
.f-members{border-bottom:3px solid #1a7f37}.f-partners{border-bottom:3px solid #8250df}
.f-location{border-bottom:3px solid #bf8700}
.card{border:1px solid #d0d7de;border-left:4px solid #1f6feb;border-radius:6px;padding:.4em .8em;margin:0 0 .8em;font-size:.9em}
.card:hover{background:#f6f8fa}
.card h3{font-size:1em;margin:.2em 0}
.card dl{display:grid;grid-template-columns:max-content 1fr;gap:.1em .8em;margin:.3em 0}
.card dt{color:#59636e}.card dd{margin:0}
.card ol{margin:.3em 0;padding-left:1.4em}.card li{margin:.2em 0}
h4{font-size:.9em;margin:.8em 0 .3em}
table{border-collapse:collapse;font-size:.85em;width:100%}
td,th{border:1px solid #d0d7de;padding:2px 6px;text-align:left;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums}
blockquote{margin:.3em 0;padding:.2em .6em;border-left:3px solid #d0d7de;font-size:.9em}
.error{color:#d1242f}
.none{color:#59636e;font-size:.85em}
"""

_JS = """
(function(){
  var fc=document.getElementById('f-cluster'), fl=document.getElementById('f-lang');
  var docs=document.querySelectorAll('article.doc'), shown=document.getElementById('shown');
  function apply(write){
    var c=fc.value, l=fl.value, n=0;
    for(var i=0;i<docs.length;i++){
      var d=docs[i], ok=(!c||d.getAttribute('data-clusters').split(' ').indexOf(c)>=0)&&(!l||d.getAttribute('data-lang')===l);
      d.hidden=!ok; if(ok)n++;
    }
    shown.textContent=n+' of '+docs.length+' documents';
    if(write){var p=[];if(c)p.push('cluster='+encodeURIComponent(c));if(l)p.push('lang='+encodeURIComponent(l));
      try{history.replaceState(null,'',p.length?'#'+p.join('&'):location.pathname+location.search);}catch(e){}}
  }
  var h=location.hash.slice(1).split('&');
  for(var i=0;i<h.length;i++){var kv=h[i].split('=');if(kv.length!==2)continue;var v=decodeURIComponent(kv[1]);
    if(kv[0]==='cluster')fc.value=v; if(kv[0]==='lang')fl.value=v;}
  fc.addEventListener('change',function(){apply(true)}); fl.addEventListener('change',function(){apply(true)});
  apply(false);
  var cards=document.querySelectorAll('.card');
  for(var j=0;j<cards.length;j++){(function(card){
    var doc=card.closest('article'), c=card.getAttribute('data-c');
    function mark(on){var s=doc.querySelectorAll('.text .ev');for(var k=0;k<s.length;k++){
      if(s[k].getAttribute('data-c').split(' ').indexOf(c)>=0)s[k].classList.toggle('focus',on);}}
    card.addEventListener('mouseenter',function(){mark(true)});card.addEventListener('mouseleave',function(){mark(false)});
  })(cards[j]);}
  document.body.setAttribute('data-ready','1');
})();
"""


def _valid_spans(items: Iterable, n: int) -> list[dict]:
    """Entities with offsets inside the text, no two overlapping (the first kept)."""
    out: list[dict] = []
    last = 0
    for e in sorted((e for e in items if isinstance(e, dict)
                     and isinstance(e.get("start"), int) and isinstance(e.get("end"), int)
                     and 0 <= e["start"] < e["end"] <= n),
                    key=lambda e: (e["start"], -e["end"])):
        if e["start"] >= last:
            out.append(e)
            last = e["end"]
    return out


def marked_text(text: str, entities: list, marks: list[tuple[int, int, str, int]],
                colours: dict[str, str]) -> str:
    """``text`` as HTML: entities as displaCy marks; ``marks`` (start, end, class, cluster
    position) as spans inside them: "ev" for an evidence sentence, "f-<fact>" for a fact."""
    n = len(text)
    ents = _valid_spans(entities, n)
    marks = [m for m in marks if 0 <= m[0] < m[1] <= n]
    cuts = {0, n}
    for e in ents:
        cuts.update((e["start"], e["end"]))
    for s, e, _, _ in marks:
        cuts.update((s, e))
    points = sorted(cuts)
    ent_at = {e["start"]: e for e in ents}
    out: list[str] = []
    open_ent: dict | None = None
    for a, b in zip(points, points[1:]):
        if open_ent is None and a in ent_at:
            open_ent = ent_at[a]
            label = str(open_ent.get("label"))
            out.append(f'<mark class="entity" data-label="{esc(label)}" style="background:'
                       f'{esc(colours.get(label, "#ddd"))}">')
        classes = sorted({cls for s, e, cls, _ in marks if s <= a and b <= e})
        chunk = esc(text[a:b])
        if classes:
            cs = " ".join(sorted({str(c) for s, e, _, c in marks if s <= a and b <= e},
                                 key=int))
            out.append(f'<span class="{" ".join(classes)}" data-c="{cs}">{chunk}</span>')
        else:
            out.append(chunk)
        if open_ent is not None and b == open_ent["end"]:
            out.append(f'<span class="label">{esc(open_ent.get("label"))}</span></mark>')
            open_ent = None
    return "".join(out)


def _cluster_marks(clusters: list[dict], text: str) -> list[tuple[int, int, str, int]]:
    marks: list[tuple[int, int, str, int]] = []
    for i, c in enumerate(clusters):
        for ev in c.get("evidence") or []:
            if not (isinstance(ev, dict) and isinstance(ev.get("start"), int)
                    and isinstance(ev.get("end"), int)):
                continue
            s, e = ev["start"], ev["end"]
            marks.append((s, e, "ev", i))
            for fs, fe, fact in fact_spans(c, text[s:e]):
                marks.append((s + fs, s + fe, f"f-{fact}", i))
    return marks


def _facts_row(label: str, value: object) -> str:
    if value in (None, "", [], {}):
        return ""
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    elif isinstance(value, dict):
        value = ", ".join(f"{k}: {v}" for k, v in value.items() if v is not None)
    return f"<dt>{esc(label)}</dt><dd>{esc(value)}</dd>"


def _card(i: int, c: dict) -> str:
    ev = c.get("event") if isinstance(c.get("event"), dict) else {}
    event = " ".join(str(v) for v in (ev.get("type"), ev.get("status"), ev.get("date")) if v)
    rows = "".join([
        _facts_row("id", cluster_id(c)), _facts_row("status", c.get("status")),
        _facts_row("event", event), _facts_row("members", c.get("members")),
        _facts_row("partners", c.get("partners")),
        _facts_row("members by kind", c.get("members_breakdown")),
        _facts_row("location", c.get("location")), _facts_row("sectors", c.get("sectors")),
        _facts_row("aliases", c.get("aliases")),
        _facts_row("organisations", c.get("organisations"))])
    evidence = []
    for e in c.get("evidence") or []:
        if isinstance(e, dict) and isinstance(e.get("text"), str):
            marks = [(s, t, f"f-{f}", i) for s, t, f in fact_spans(c, e["text"])]
            evidence.append("<li>" + marked_text(e["text"], [], marks, {}) + "</li>")
    ev_html = f"<ol>{''.join(evidence)}</ol>" if evidence else ""
    return (f'<section class="card" data-c="{i}" data-cluster="{esc(cluster_id(c))}">'
            f"<h3>{esc(c.get('name'))}</h3><dl>{rows}</dl>{ev_html}</section>")


def _table(head: list[str], rows: list[list[str]], numeric: set[int] = frozenset()) -> str:
    th = "".join(f"<th>{esc(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(
        f'<td class="num">{v}</td>' if j in numeric else f"<td>{v}</td>"
        for j, v in enumerate(r)) + "</tr>" for r in rows)
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def _items(rec: dict, key: str) -> list[dict]:
    return [x for x in rec.get(key) or [] if isinstance(x, dict)]


def _document(k: int, rec: dict, colours: dict[str, str]) -> str:
    text = rec.get("text") if isinstance(rec.get("text"), str) else ""
    lang = rec.get("language") if isinstance(rec.get("language"), dict) else {}
    src = rec.get("source") if isinstance(rec.get("source"), dict) else {}
    clusters = _items(rec, "clusters")
    ids = " ".join(dict.fromkeys(cid for cid in map(cluster_id, clusters) if cid))
    meta = [f"<code>{esc(rec.get('id'))}</code>"]
    for v in (rec.get("published"), rec.get("publisher")):
        if v:
            meta.append(esc(v))
    if lang.get("code"):
        conf = lang.get("confidence")
        meta.append(esc(lang["code"]) + (f" ({conf:.2f})" if isinstance(conf, (int, float)) else ""))
    url = src.get("url")
    if isinstance(url, str) and url.startswith(("http://", "https://")):
        meta.append(f'<a href="{esc(url)}" rel="noopener noreferrer">{esc(url)}</a>')
    elif src.get("path"):
        meta.append(esc(src["path"]))
    parts = [f'<article class="doc" id="doc-{k}" data-lang="{esc(lang.get("code") or "")}" '
             f'data-clusters="{esc(ids)}"><h2>{esc(rec.get("title") or rec.get("id"))}</h2>'
             f'<p class="meta">{" · ".join(meta)}</p>']
    if rec.get("status") == "error":
        err = rec.get("error") if isinstance(rec.get("error"), dict) else {}
        parts.append(f'<p class="error">error <code>{esc(err.get("code"))}</code>: '
                     f'{esc(err.get("message"))}</p>')
    side = []
    if clusters:
        side.append("<h4>Clusters</h4>" + "".join(_card(i, c) for i, c in enumerate(clusters)))
    people = _items(rec, "people")
    if people:
        side.append("<h4>People</h4>" + _table(["name", "roles", "organisation"], [
            [esc(p.get("name")), esc(", ".join(map(str, p.get("roles") or []))),
             esc(p.get("organisation"))] for p in people]))
    amounts = _items(rec, "amounts")
    if amounts:
        side.append("<h4>Amounts</h4>" + _table(["as written", "value", "currency"], [
            [esc(a.get("text")), esc(a.get("value")), esc(a.get("currency"))] for a in amounts],
            numeric={1}))
    quotes = _items(rec, "quotes")
    if quotes:
        side.append("<h4>Quotes</h4>" + "".join(
            f"<blockquote>{esc(q.get('text'))}<br><b>{esc(q.get('speaker') or 'unknown speaker')}"
            "</b></blockquote>" for q in quotes))
    if not side:
        side.append('<p class="none">no clusters, people, amounts or quotes</p>')
    body = marked_text(text, _items(rec, "entities"), _cluster_marks(clusters, text), colours) \
        if text else '<span class="none">(no text in this record)</span>'
    parts.append(f'<div class="cols"><div class="text">{body}</div><aside>{"".join(side)}'
                 "</aside></div></article>")
    return "".join(parts)


def render_page(records: list[dict], title: str = "klynge report") -> str:
    """The page for ``records`` (document records as JSON dicts)."""
    colours = label_colours()
    cluster_names: dict[str, Counter] = {}
    cluster_docs: Counter = Counter()
    langs: Counter = Counter()
    for rec in records:
        lang = rec.get("language") if isinstance(rec.get("language"), dict) else {}
        langs[lang.get("code") or ""] += 1
        seen = set()
        for c in _items(rec, "clusters"):
            cid = cluster_id(c)
            if cid:
                cluster_names.setdefault(cid, Counter())[str(c.get("name"))] += 1
                seen.add(cid)
        cluster_docs.update(seen)
    options = "".join(
        f'<option value="{esc(cid)}">{esc(names.most_common(1)[0][0])} '
        f"({cluster_docs[cid]})</option>"
        for cid, names in sorted(cluster_names.items(),
                                 key=lambda kv: kv[1].most_common(1)[0][0].casefold()))
    lang_options = "".join(f'<option value="{esc(code)}">{esc(code)} ({n})</option>'
                           for code, n in sorted(langs.items()) if code)
    legend = "".join(f'<span><mark class="entity" style="background:{c}">{esc(label)}</mark></span>'
                     for label, c in colours.items())
    legend += "".join(f'<span class="f-{f}">{esc(f)}</span>' for f in FACTS)
    script_hash = base64.b64encode(hashlib.sha256(_JS.encode("utf-8")).digest()).decode()
    csp = (f"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{script_hash}'; "
           "img-src data:; base-uri 'none'; form-action 'none'")
    docs = "".join(_document(k, rec, colours) for k, rec in enumerate(records))
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f'<meta http-equiv="Content-Security-Policy" content="{esc(csp)}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{_CSS}</style></head><body>"
        f'<header class="top"><h1>{esc(title)}</h1>'
        f'<label>cluster <select id="f-cluster"><option value="">all clusters</option>{options}'
        "</select></label>"
        f'<label>language <select id="f-lang"><option value="">all languages</option>'
        f"{lang_options}</select></label>"
        f'<span id="shown">{len(records)} of {len(records)} documents</span>'
        f'<span class="legend">{legend}</span></header>'
        f"<main>{docs}</main><script>{_JS}</script></body></html>\n")


def read_documents(paths: Iterable[str], report: Callable[[str], None] | None = None
                   ) -> tuple[list[dict], list[str]]:
    """The document records in ``paths`` and the lines skipped (each passed to
    ``report``): bad lines, and ``--emit clusters`` lines, which hold no text."""
    records: list[dict] = []
    problems: list[str] = []
    for item in iter_records(paths):
        if isinstance(item, Line) and "id" in item.record:
            records.append(item.record)
            continue
        line = str(item) if isinstance(item, BadLine) else \
            f"{item.path}:{item.number}: a cluster line of 'klynge run --emit clusters'; " \
            "render reads document records"
        problems.append(line)
        if report:
            report(line)
    return records, problems


def render(paths: Iterable[str], out: str | os.PathLike, title: str = "klynge report",
           report: Callable[[str], None] | None = None) -> tuple[int, list[str]]:
    """Write the page of the document records in ``paths`` to ``out`` (under a temporary
    name, renamed when complete): the number of documents and the lines skipped."""
    records, problems = read_documents(paths, report)
    target = Path(out)
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        tmp.write_text(render_page(records, title), encoding="utf-8")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return len(records), problems
