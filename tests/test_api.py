"""The Python API (klynge.api): the same records as `klynge run`, argument errors, error
records for bad content, pickling, worker pools, the README's examples and mypy."""
from __future__ import annotations

import datetime as dt
import importlib.metadata
import json
import os
import pickle
import re
import shutil
import subprocess
import sys

import pytest

import klynge
from klynge.api import DEFAULT_BATCH_SIZE, Extractor
from klynge.options import DEFAULTS, PipelineOptions
from klynge.schema import DocumentRecord, dumps

from .conftest import CORPUS, ROOT, SEED

TEXTS = sorted((CORPUS / "texts").glob("*.txt"))
HTML = ROOT / "tests" / "fixtures" / "ingest" / "press_release.html"


def _with_source(record: DocumentRecord, cli: dict) -> str:
    """The record with the provenance of the CLI's line: ``source`` and, for a text without
    an id, the derived id, whose second half hashes where the text came from (a file for
    the CLI, the call for the API); its first half, the text's hash, must agree."""
    assert record.id.split("@")[0] == cli["id"].split("@")[0]
    return dumps(record.model_copy(update={"source": record.source.model_validate(cli["source"]),
                                           "id": cli["id"]}))


@pytest.fixture(scope="module")
def cli_lines(tmp_path_factory) -> dict[str, str]:
    """One `klynge run corpus/texts` run: the output line per file."""
    out = tmp_path_factory.mktemp("cli") / "out.jsonl"
    subprocess.run([sys.executable, "-m", "klynge", "run", str(CORPUS / "texts"), "-o",
                    str(out), "--workers", "1", "--quiet"], check=True, cwd=ROOT)
    lines = out.read_text(encoding="utf-8").splitlines()
    return {json.loads(line)["source"]["path"]: line for line in lines}


def test_api_import_is_light_and_exports(tmp_path):
    code = ("import sys, importlib.util, klynge; assert 'spacy' not in sys.modules; "
            "assert 'klynge.api' not in sys.modules; "
            "assert importlib.util.find_spec('pipeline') is None, 'pipeline installed'")
    # Not from the repository root, where the folder pipeline/ would be importable.
    subprocess.run([sys.executable, "-c", code], check=True, cwd=tmp_path)
    assert klynge.__version__ == importlib.metadata.version("klynge")
    for name in klynge.__all__:
        assert getattr(klynge, name) is not None
    assert klynge.extract is klynge.api.extract
    with pytest.raises(AttributeError):
        klynge.no_such_thing  # noqa: B018


def test_api_defaults_are_the_cli_defaults():
    from klynge.cli import build_parser
    from klynge.cli import run_options
    args = build_parser().parse_args(["run"])
    assert run_options(args).pipeline == DEFAULTS == Extractor().options
    assert args.batch_size == DEFAULT_BATCH_SIZE == Extractor().batch_size


def test_api_extract_is_byte_identical_to_klynge_run_on_the_gold_corpus(cli_lines):
    assert len(cli_lines) == len(TEXTS) > 0
    for path in TEXTS:
        cli = cli_lines[str(CORPUS / "texts" / path.name)]
        record = klynge.extract(path.read_bytes().decode("utf-8"))
        assert record.status == "ok"
        assert record.source.model_dump() == {"path": "<python>", "line": 1, "url": None}
        assert _with_source(record, json.loads(cli)) == cli, path.name


def test_api_extract_many_is_byte_identical_to_klynge_run(cli_lines):
    texts = [p.read_bytes().decode("utf-8") for p in TEXTS]
    records = list(klynge.extract_many(texts, batch_size=7))
    assert [r.source.line for r in records] == list(range(1, len(TEXTS) + 1))
    for path, record in zip(TEXTS, records):
        cli = cli_lines[str(CORPUS / "texts" / path.name)]
        assert _with_source(record, json.loads(cli)) == cli, path.name


def test_api_extract_many_workers_give_the_same_records():
    items = [p.read_text(encoding="utf-8") for p in TEXTS[:5]] + [42, {"id": "x"}]
    one = [dumps(r) for r in klynge.extract_many(items, workers=1, batch_size=2)]
    two = [dumps(r) for r in klynge.extract_many(items, workers=2, batch_size=2)]
    assert one == two and len(one) == len(items)


def test_api_extract_html_is_what_klynge_run_makes_of_the_file(processor):
    from klynge.ingest import iter_documents
    cli = processor.process(next(iter_documents([str(HTML)])))
    record = klynge.extract_html(HTML.read_text(encoding="utf-8"))
    assert record.status == "ok" and "html_extracted" in record.flags
    assert record.source.url == cli.source.url == "https://ife.no/to-nye-arena-klynger/"
    assert _with_source(record, cli.model_dump(mode="json")) == dumps(cli)


def test_api_extract_reads_an_html_document_as_html_flagged(processor, tmp_path):
    # trafilatura's users hand a page to extract(): it is read as a page, as `klynge run`
    # reads such a file without an .html name, flagged html_detected.
    from klynge.ingest import iter_documents
    page = HTML.read_text(encoding="utf-8")
    saved = tmp_path / "saved-page"
    saved.write_text(page, encoding="utf-8")
    cli = processor.process(next(iter_documents([str(saved)])))
    record = klynge.extract(page)
    assert record.flags[:2] == ["html_detected", "html_extracted"] == cli.flags[:2]
    assert not record.title.startswith("<") and "<" not in record.text
    assert _with_source(record, cli.model_dump(mode="json")) == dumps(cli)
    [many] = list(klynge.extract_many([page]))
    assert dumps(many) == dumps(record)
    # A text that only mentions a tag stays text.
    plain = klynge.extract("Bruk <b> for fet skrift, sier Siva.")
    assert "html_detected" not in plain.flags and plain.text.startswith("Bruk <b>")


def test_api_extract_arguments_reach_the_record():
    text = "Regjeringen gir 30 millioner kroner til klyngene i dag."
    record = klynge.extract(text, id=7, lang="nb", published=dt.date(2020, 11, 19),
                            url="https://example.org/7", title="Tittel")
    assert record.id == "7"
    assert (record.language.code, record.language.confidence) == ("nb", 1.0)
    assert record.dates[0].value == "2020-11-19"
    assert record.source.url == "https://example.org/7"
    assert record.title == text  # the text's own title line wins over title=
    same = klynge.extract(text, id=7, lang="nb", published="2020-11-19",
                          url="https://example.org/7", title="Tittel")
    assert dumps(same) == dumps(record)
    timestamp = klynge.extract(text, id=7, lang="nb", published=dt.datetime(2020, 11, 19, 10),
                               url="https://example.org/7", title="Tittel")
    assert dumps(timestamp) == dumps(record)


@pytest.mark.parametrize("call, error, name", [
    (lambda: klynge.extract(b"bytes"), TypeError, "text"),
    (lambda: klynge.extract(None), TypeError, "text"),
    (lambda: klynge.extract("x", id=""), ValueError, "id"),
    (lambda: klynge.extract("x", id=1.5), TypeError, "id"),
    (lambda: klynge.extract("x", id=True), TypeError, "id"),
    (lambda: klynge.extract("x", lang="no"), ValueError, "lang"),
    (lambda: klynge.extract("x", lang="und"), ValueError, "lang"),
    (lambda: klynge.extract("x", lang=1), TypeError, "lang"),
    (lambda: klynge.extract("x", published="19.11.2020"), ValueError, "published"),
    (lambda: klynge.extract("x", published="2020-13-01"), ValueError, "published"),
    (lambda: klynge.extract("x", published=20201119), TypeError, "published"),
    (lambda: klynge.extract("x", url=1), TypeError, "url"),
    (lambda: klynge.extract("x", title=["t"]), TypeError, "title"),
    (lambda: klynge.extract_html(b"<p>x</p>"), TypeError, "html"),
    (lambda: klynge.extract_many("one text"), TypeError, "items"),
    (lambda: klynge.extract_many({"text": "x"}), TypeError, "items"),
    (lambda: klynge.extract_many(5), TypeError, "items"),
    (lambda: klynge.extract_many(["x"], workers=0), ValueError, "workers"),
    (lambda: klynge.extract_many(["x"], workers="2"), TypeError, "workers"),
    (lambda: klynge.extract_many(["x"], batch_size=0), ValueError, "batch_size"),
    (lambda: Extractor(max_chars=0), ValueError, "max_chars"),
    (lambda: klynge.nlp("no"), ValueError, "lang"),
])
def test_api_bad_arguments_raise_naming_the_argument(call, error, name):
    with pytest.raises(error, match=rf"\b{name}\b"):
        call()


def test_api_bad_content_gives_error_records_in_order():
    class Opaque:
        pass

    items = ["", "  \n", 5, None, b"bytes", Opaque(), {"id": "c", "title": "no text"},
             {"text": 3}, {"id": [1], "text": "x"}, {"text": b"x"},
             {"id": "d", "text": "Siva gir 5 millioner kroner."},
             {"id": "d", "text": "again"}, {"html": "<html><body></body></html>"}]
    records = list(klynge.extract_many(iter(items)))
    codes = [r.error.code if r.error else "ok" for r in records]
    assert codes == ["empty", "empty", "jsonl_not_object", "jsonl_not_object",
                     "jsonl_not_object", "jsonl_not_object", "jsonl_no_text",
                     "jsonl_bad_text", "jsonl_bad_id", "jsonl_malformed", "ok",
                     "duplicate_id", "empty"]
    assert [r.source.line for r in records] == list(range(1, len(items) + 1))
    assert records[2].error.message == "<python>:3: expected a str or a dict, got int"
    assert klynge.extract("").error.code == "empty"
    assert list(klynge.extract_many([])) == []


def test_api_records_from_dataframes_take_dates_and_numpy_ids():
    numpy = pytest.importorskip("numpy")
    text = "Regjeringen gir 30 millioner kroner til klyngene i dag."
    row = {"id": numpy.int64(9), "text": text, "published": dt.date(2020, 11, 19)}
    (record,) = klynge.extract_many([row])
    assert record.id == "9" and record.dates[0].value == "2020-11-19"


def test_api_extractor_pickles_as_its_settings():
    extractor = Extractor(max_chars=1000, batch_size=4).load()
    data = pickle.dumps(extractor)
    assert len(data) < 300  # settings only: no model travels
    copy = pickle.loads(data)
    assert copy.options == PipelineOptions(max_chars=1000) and copy.batch_size == 4
    text = SEED.read_text(encoding="utf-8")
    short = copy.extract(text)
    assert len(short.text) == 1000 and "truncated_max_chars" in short.flags
    assert dumps(short) == dumps(extractor.extract(text))
    assert pickle.loads(pickle.dumps(extractor.extract)).__self__.max_chars == 1000


def _readme_api_blocks() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Python API\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)


def test_api_readme_examples_run(monkeypatch):
    blocks = _readme_api_blocks()
    assert len(blocks) >= 6
    joined = "\n".join(blocks)
    for name in ("extract(", "extract_html(", "extract_many(", "Extractor(", "klynge.nlp(",
                 "multiprocessing", "dask"):
        assert name in joined, name
    monkeypatch.chdir(ROOT)
    namespace: dict = {"__name__": "__main__"}
    for block in blocks:
        exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102
    assert len(namespace["records"]) == 4


@pytest.mark.slow
def test_api_public_modules_are_mypy_strict_clean(tmp_path):
    mypy = shutil.which("mypy", path=os.path.dirname(sys.executable)) or shutil.which("mypy")
    if mypy is None:
        pytest.skip("mypy is not installed (pip install -e '.[test]')")
    # The editable install maps klynge to pipeline/ with an import hook mypy cannot
    # follow, so mypy reads the package through a link named klynge.
    (tmp_path / "klynge").symlink_to(ROOT / "pipeline", target_is_directory=True)
    result = subprocess.run(
        [mypy, "--strict", "--follow-imports=silent", "--no-incremental",
         "-m", "klynge", "-m", "klynge.api", "-m", "klynge.spacy_api"],
        cwd=tmp_path, env={**os.environ, "MYPYPATH": str(tmp_path)},
        capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("workers", [1, 2])
def test_api_extract_many_keeps_the_time_budget_at_every_worker_count(workers):
    """Issue #20: extract_many(workers=1) ran without the time budget workers=2 had. A
    budget too small for any document gives the same timeout record either way."""
    extractor = Extractor(time_budget=1e-6)
    (record,) = extractor.extract_many([SEED.read_text(encoding="utf-8")], workers=workers)
    assert record.status == "error" and record.error.code == "timeout"


def test_api_options_are_validated_naming_the_field():
    with pytest.raises(ValueError, match="merge_policy"):
        Extractor(merge_policy="nosuch")
    with pytest.raises(ValueError, match="time_budget"):
        Extractor(time_budget=-5)
    with pytest.raises(TypeError, match="unknown option"):
        Extractor(max_char=10)
