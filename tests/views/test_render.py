"""`klynge render` (klynge.views.render): one self-contained page, escaped, checked in a
real browser (headless Chromium, Debian's package) for what it shows after its JS ran."""
from __future__ import annotations

import base64
import hashlib
import html
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest

from klynge.cli import main
from klynge.views.render import _JS, label_colours, marked_text, render_page

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="headless Chromium is not installed (Debian: apt-get install "
                             "chromium; .ci/run installs it)")

EVIL = ("<script>document.body.setAttribute('data-pwned','1')</script>"
        "<img src=x onerror=\"document.body.setAttribute('data-pwned','2')\"> "
        "NCE NODE har 48 medlemmer i Bergen.")
EVIL_RECORD = {
    "id": "evil\"><script>alert(1)</script>", "status": "ok", "text": EVIL,
    "title": "<b>not bold</b>", "language": {"code": "nb", "confidence": 1.0},
    "entities": [{"label": "ORG", "text": "NCE NODE", "start": EVIL.index("NCE NODE"),
                  "end": EVIL.index("NCE NODE") + 8, "source": "model"},
                 {"label": "GPE", "text": "Bergen", "start": EVIL.index("Bergen"),
                  "end": EVIL.index("Bergen") + 6, "source": "model"}],
    "clusters": [{"name": "NCE NODE", "status": "NCE", "members": 48, "location": "Bergen",
                  "evidence": [{"start": EVIL.index("NCE NODE"), "end": len(EVIL),
                                "text": EVIL[EVIL.index("NCE NODE"):]}]}],
    "people": [{"name": "<i>Kari</i>", "roles": ["leder"], "organisation": None}],
    "quotes": [{"text": "</blockquote><script>x()</script>", "speaker": None}],
}


class _Tree(HTMLParser):
    """Checks that tags nest; collects elements by tag with their attributes and text."""
    VOID = {"meta", "br", "img", "input", "link"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, dict]] = []
        self.elements: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        el = (tag, dict(attrs))
        self.elements.append(el)
        if tag not in self.VOID:
            self.stack.append(el)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1][0] == tag, (tag, self.stack[-3:])
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)

    def all(self, tag, **attrs):
        return [a for t, a in self.elements if t == tag
                and all(a.get(k.replace("_", "-")) == v for k, v in attrs.items())]


def _tree(page: str) -> _Tree:
    tree = _Tree()
    tree.feed(page)
    tree.close()
    return tree


def _strip(fragment: str) -> str:
    fragment = re.sub(r'<span class="label">.*?</span>', "", fragment)
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


@pytest.mark.parametrize("text, entities, marks", [
    ("Siva gir 5 millioner kroner til NCE Raufoss.",
     [{"label": "ORG", "start": 0, "end": 4}, {"label": "MONEY", "start": 9, "end": 27},
      {"label": "ORG", "start": 32, "end": 43}],
     [(0, 44, "ev", 0), (32, 43, "f-name", 0), (32, 35, "f-status", 0)]),
    ("a <b> & c", [{"label": "ORG", "start": 2, "end": 5}], [(0, 9, "ev", 1)]),
    ("overlap here", [{"label": "PER", "start": 0, "end": 7}, {"label": "ORG", "start": 3, "end": 12}],
     [(5, 12, "ev", 0)]),
    ("bad offsets", [{"label": "PER", "start": 5, "end": 99}, {"label": "PER", "start": "x"}], []),
])
def test_render_marked_text_keeps_the_text_and_nests(text, entities, marks):
    out = marked_text(text, entities, marks, label_colours())
    assert _strip(out) == text
    tree = _tree(f"<div>{out}</div>")
    assert not tree.stack
    assert out.count("<mark ") == out.count("</mark>") <= len(entities)


def test_render_entity_and_evidence_marks():
    text = "Siva gir 5 millioner kroner til NCE Raufoss."
    out = marked_text(text, [{"label": "ORG", "start": 32, "end": 43}],
                      [(0, 44, "ev", 0), (32, 35, "f-status", 0), (32, 43, "f-name", 0)],
                      label_colours())
    assert '<mark class="entity" data-label="ORG" style="background:#7aecec">' in out
    assert '<span class="ev f-name f-status" data-c="0">NCE</span>' in out
    assert '<span class="label">ORG</span></mark>' in out


def test_render_colours_are_displacy_colours():
    from spacy.displacy.render import DEFAULT_LABEL_COLORS
    colours = label_colours()
    assert colours["PER"] == DEFAULT_LABEL_COLORS["PERSON"]
    assert colours["ORG"] == DEFAULT_LABEL_COLORS["ORG"]
    assert colours["PROD"] == DEFAULT_LABEL_COLORS["PRODUCT"]


def test_render_page_escapes_every_string():
    page = render_page([EVIL_RECORD])
    assert page.count("<script") == 1 and page.count("</script>") == 1  # the page's own
    assert "<img" not in page and "<b>not bold" not in page and "<i>Kari" not in page
    assert "&lt;script&gt;document.body.setAttribute" in page
    tree = _tree(page)
    assert not tree.stack
    (article,) = tree.all("article")
    assert article["data-clusters"] == "key:node"
    assert tree.all("section", data_cluster="key:node")


def test_render_page_is_self_contained():
    page = render_page([EVIL_RECORD])
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "<link" not in page and "@import" not in page
    digest = base64.b64encode(hashlib.sha256(_JS.encode()).digest()).decode()
    assert f"script-src &#x27;sha256-{digest}&#x27;" in page
    assert "default-src &#x27;none&#x27;" in page


def test_render_cli(tmp_path, sample_jsonl, capsys):
    out = tmp_path / "report.html"
    assert main(["render", str(sample_jsonl), "-o", str(out), "--title", "Mine <utgivelser>"]) == 0
    page = out.read_text(encoding="utf-8")
    assert "<title>Mine &lt;utgivelser&gt;</title>" in page
    assert len(_tree(page).all("article")) == 48
    assert capsys.readouterr().err.strip() == f"klynge render: 48 documents into {out}"


@pytest.mark.parametrize("case", ["missing input", "input is a folder", "output is a folder",
                                  "output folder missing", "output is the input"])
def test_render_cli_cannot_run_exit_2_one_line(tmp_path, sample_jsonl, capsys, case):
    args = {"missing input": [str(tmp_path / "nope.jsonl"), "-o", str(tmp_path / "r.html")],
            "input is a folder": [str(tmp_path), "-o", str(tmp_path / "r.html")],
            "output is a folder": [str(sample_jsonl), "-o", str(tmp_path)],
            "output folder missing": [str(sample_jsonl), "-o", str(tmp_path / "x" / "r.html")],
            "output is the input": [str(sample_jsonl), "-o", str(sample_jsonl)],
            }[case]
    before = sample_jsonl.read_bytes()
    assert main(["render", *args]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and err.startswith("klynge render: error: ")
    assert not (tmp_path / "r.html").exists()
    assert sample_jsonl.read_bytes() == before


def test_render_cli_bad_lines_exit_1(tmp_path, capsys):
    path = tmp_path / "out.jsonl"
    path.write_text('{"id": "a", "status": "ok", "text": "Hei."}\nnope\n', encoding="utf-8")
    assert main(["render", str(path), "-o", str(tmp_path / "r.html")]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"klynge render: {path}:2: not JSON (Expecting value, column 1)"


# ------------------------------------------------------------------ in a real browser

def _chromium(tmp_path, url: str, *args: str) -> str:
    profile = tmp_path / f"profile-{len(os.listdir(tmp_path))}"
    result = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={profile}", *args, url],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.fixture(scope="module")
def sample_page(sample_jsonl, tmp_path_factory):
    path = tmp_path_factory.mktemp("render") / "report.html"
    assert main(["render", str(sample_jsonl), "-o", str(path)]) in (0,)
    return path


@needs_chromium
def test_render_chromium_shows_entities_and_filters_by_language(sample_page, sample_records,
                                                                tmp_path):
    dom = _chromium(tmp_path, sample_page.as_uri() + "#lang=en", "--dump-dom")
    tree = _tree(dom.replace("<br>", ""))
    assert tree.all("body", data_ready="1")  # the page's script ran (its CSP hash is right)
    articles = tree.all("article")
    assert len(articles) == 48
    hidden = [a for a in articles if "hidden" in a]
    english = sum(r["language"]["code"] == "en" for r in sample_records)
    assert 0 < english < 48 and len(hidden) == 48 - english
    assert all(a["data-lang"] != "en" for a in hidden)
    assert f"{english} of 48 documents" in dom
    marks = [m for m in tree.all("mark") if "data-label" in m]  # not the legend
    assert len(marks) == sum(len(r["entities"]) for r in sample_records)
    assert {m["data-label"] for m in marks} >= {"PER", "ORG", "GPE", "MONEY", "DATE"}


@needs_chromium
def test_render_chromium_filters_by_cluster_and_marks_its_evidence(sample_page, tmp_path):
    dom = _chromium(tmp_path, sample_page.as_uri() + "#cluster=gce-node", "--dump-dom")
    tree = _tree(dom.replace("<br>", ""))
    visible = [a for a in tree.all("article") if "hidden" not in a]
    assert len(visible) == 1 and "gce-node" in visible[0]["data-clusters"].split()
    assert "1 of 48 documents" in dom
    assert re.search(r'<span class="ev f-members" data-c="0">48</span>', dom)
    assert re.search(r'<span class="ev f-location" data-c="0">Sørlandet</span>', dom)


@needs_chromium
def test_render_chromium_runs_no_script_from_a_record(tmp_path):
    page = tmp_path / "evil.html"
    page.write_text(render_page([EVIL_RECORD]), encoding="utf-8")
    dom = _chromium(tmp_path, page.as_uri(), "--dump-dom")
    assert "data-pwned" not in dom.split("<body", 1)[1].split(">", 1)[0]
    assert 'data-ready="1"' in dom
    assert "&lt;script&gt;document.body.setAttribute" in dom
    assert "<img" not in dom


@needs_chromium
def test_render_chromium_screenshot(sample_page, tmp_path):
    shot = tmp_path / "report.png"
    _chromium(tmp_path, sample_page.as_uri() + "#cluster=gce-node", "--window-size=1400,1800",
              f"--screenshot={shot}")
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
