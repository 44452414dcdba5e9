"""The gold corpus: hand-written records in ``corpus/gold/*.json``, collected into
``corpus/dev.jsonl`` and ``corpus/test.jsonl`` (the Prodigy/doccano span shape plus
``records``), and validated by ``klynge corpus check``."""
from __future__ import annotations

import hashlib
import json
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Iterable, Iterator, Literal, Sequence

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from klynge.normalise import normalise_text
from klynge.rules import registry
from klynge.schema import SectionKind

LABELS = ("PER", "ORG", "LOC", "GPE", "PROD", "EVT", "DRV", "MONEY", "DATE", "URL",
          "EMAIL", "PHONE")
_DATE_VALUE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _registered_language(code: str, allow_und: bool) -> str:
    reg = registry()
    if not (reg.is_supported(code) or (allow_und and code == reg.other.undetermined)):
        raise ValueError(f"language {code!r} is not registered")
    return code


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GoldSpan(_Strict):
    start: int
    end: int
    label: Literal[LABELS]  # type: ignore[valid-type]


class GoldSection(_Strict):
    kind: SectionKind
    start: int
    end: int


class GoldPerson(_Strict):
    name: str
    roles: list[str] = []
    organisation: str | None = None


class GoldOrganisation(_Strict):
    name: str
    aliases: list[str] = []


class GoldAmount(_Strict):
    text: str
    value: str
    currency: str


class GoldDate(_Strict):
    text: str
    value: str | None


class GoldUrl(_Strict):
    text: str
    url: str


class GoldQuote(_Strict):
    start: int
    end: int
    speaker: str | None


class GoldCluster(_Strict):
    name: str
    aliases: list[str] = []
    status: Literal["Arena", "Arena Pro", "NCE", "GCE"] | None = None
    members: int | None = None
    partners: int | None = None
    location: str | None = None


class GoldRecords(_Strict):
    language: str

    @field_validator("language")
    @classmethod
    def _registered(cls, v: str) -> str:
        return _registered_language(v, allow_und=True)
    title: str | None = None
    published: str | None = None
    publisher: str | None = None
    sections: list[GoldSection] = []
    people: list[GoldPerson] = []
    organisations: list[GoldOrganisation] = []
    amounts: list[GoldAmount] = []
    dates: list[GoldDate] = []
    urls: list[GoldUrl] = []
    quotes: list[GoldQuote] = []
    clusters: list[GoldCluster] = []


PUBLISHER_KINDS = ("government", "agency", "cluster", "research", "news")
# train: in-domain training data for the NER model (never used to tune rules); dev: for
# tuning; test: reported, never tuned or trained on.
SPLITS = ("train", "dev", "test")


class GoldMeta(_Strict):
    id: str
    file: str
    split: Literal[SPLITS]  # type: ignore[valid-type]
    lang: str
    publisher: str | None = None
    publisher_kind: Literal[PUBLISHER_KINDS] | None = None  # type: ignore[valid-type]
    licence: str | None = None
    # Set for texts under the publisher's copyright: the text is not in the corpus, only
    # its hash; it is read from the folder given as --texts (and checked against the hash).
    text_sha256: str | None = None

    @field_validator("lang")
    @classmethod
    def _registered(cls, v: str) -> str:
        return _registered_language(v, allow_und=False)
    url: str | None = None


class GoldDocument(_Strict):
    text: str | None  # None for an external text (meta.text_sha256) not loaded yet
    meta: GoldMeta
    spans: list[GoldSpan]
    records: GoldRecords


def norm_value(s: str | None) -> str:
    """How the evaluation compares people, roles, speakers and record values: case,
    spaces and an en dash aside (names compare by ``klynge.lexicon.name_key``)."""
    return " ".join((s or "").casefold().replace("\u2013", "-").split())


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


TextDirs = Sequence[Path]


def find_external(file: str, texts_dirs: TextDirs) -> Path | None:
    """The first of the folders the user gave (``--texts DIR``, repeatable: the web and the
    nordic releases live in different folders) that holds ``file``, else None."""
    for folder in texts_dirs:
        if (folder / file).is_file():
            return folder / file
    return None


def text_path(corpus: Path, doc: GoldDocument, texts_dirs: TextDirs) -> Path | None:
    """Where the raw text of ``doc`` is: ``corpus/texts/`` for bundled texts, one of the
    ``texts_dirs`` the user gave for external ones (None when none holds it)."""
    if doc.meta.text_sha256 is None:
        return corpus / "texts" / doc.meta.file
    return find_external(doc.meta.file, texts_dirs)


def load_text(doc: GoldDocument, path: Path | None) -> GoldDocument | None:
    """``doc`` with its external text filled in from ``path``, or None when the file is
    missing or is not the text that was annotated (its hash differs)."""
    if doc.text is not None:
        return doc
    if path is None or not path.is_file():
        return None
    text = normalise_text(path.read_text(encoding="utf-8"))[0]
    if text_hash(text) != doc.meta.text_sha256:
        return None
    return doc.model_copy(update={"text": text})


def iter_gold(corpus: Path, split: str = "all") -> Iterator[GoldDocument]:
    """Gold documents of a split (``train``, ``dev``, ``test`` or ``all``), from the built
    JSONL files.
    External texts come with ``text`` None: see :func:`with_texts`."""
    splits = SPLITS if split == "all" else (split,)
    for name in splits:
        path = corpus / f"{name}.jsonl"
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    yield GoldDocument.model_validate_json(line)


def with_texts(corpus: Path, docs: Iterable[GoldDocument], texts_dirs: TextDirs
               ) -> tuple[list[GoldDocument], list[str]]:
    """The documents whose text is available (external ones loaded from ``texts_dirs``), and
    the ids of those skipped because it is not."""
    kept, skipped = [], []
    for doc in docs:
        loaded = load_text(doc, text_path(corpus, doc, texts_dirs))
        if loaded is None:
            skipped.append(doc.meta.id)
        else:
            kept.append(loaded)
    return kept, skipped


def build_corpus(corpus: Path) -> dict[str, int]:
    """Collect ``gold/*.json`` into ``train.jsonl`` / ``dev.jsonl`` / ``test.jsonl``
    (sorted by id)."""
    docs: dict[str, list[dict]] = {split: [] for split in SPLITS}
    for path in sorted((corpus / "gold").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        docs[data["meta"]["split"]].append(data)
    for split, items in docs.items():
        items.sort(key=lambda d: d["meta"]["id"])
        with open(corpus / f"{split}.jsonl", "w", encoding="utf-8") as fh:
            for item in items:
                fh.write(json.dumps(item, ensure_ascii=False, separators=(",", ":")) + "\n")
    return {split: len(items) for split, items in docs.items()}


def corpus_fingerprint(corpus: Path) -> str:
    """A hash of the built corpus files, pinned in the evaluation baseline."""
    h = hashlib.sha256()
    for split in SPLITS:
        h.update((corpus / f"{split}.jsonl").read_bytes())
    return h.hexdigest()[:16]


def check_document(doc: GoldDocument, raw: Path | None = None) -> list[str]:
    """Everything wrong with one gold document (empty when it is well-formed). ``raw`` is
    the file of its text (bundled or external), compared with the gold text or its hash."""
    errs: list[str] = []
    where = doc.meta.id
    if doc.text is None:
        # An external text: without it the offsets cannot be checked.
        if raw is None or not raw.is_file():
            return []
        loaded = load_text(doc, raw)
        if loaded is None:
            return [f"{where}: {raw} is not the annotated text (its sha256 differs)"]
        doc, raw = loaded, None
    text = doc.text
    if raw is not None and raw.exists():
        if normalise_text(raw.read_text(encoding="utf-8"))[0] != text:
            errs.append(f"{where}: text differs from the normalised {doc.meta.file}")
    prev_end = -1
    for s in doc.spans:
        if not (0 <= s.start < s.end <= len(text)):
            errs.append(f"{where}: span {s.start}:{s.end} outside the text")
        if s.start < prev_end:
            errs.append(f"{where}: span {s.start}:{s.end} overlaps or is out of order")
        if text[s.start:s.end] != text[s.start:s.end].strip():
            errs.append(f"{where}: span {s.start}:{s.end} {text[s.start:s.end]!r} has "
                        "surrounding whitespace")
        prev_end = max(prev_end, s.end)
    secs = doc.records.sections
    if text and secs:
        if secs[0].start != 0 or secs[-1].end != len(text):
            errs.append(f"{where}: sections do not cover the text")
        for a, b in zip(secs, secs[1:]):
            if a.end != b.start:
                errs.append(f"{where}: gap or overlap between sections at {a.end}/{b.start}")
    elif text:
        errs.append(f"{where}: no sections")
    for q in doc.records.quotes:
        if not (0 <= q.start < q.end <= len(text)):
            errs.append(f"{where}: quote {q.start}:{q.end} outside the text")
    for a in doc.records.amounts:
        try:
            Decimal(a.value)
        except InvalidOperation:
            errs.append(f"{where}: amount value {a.value!r} is not a decimal")
        if not re.fullmatch(r"[A-Z]{3}", a.currency):
            errs.append(f"{where}: currency {a.currency!r} is not ISO 4217")
        if a.text not in text:
            errs.append(f"{where}: amount text {a.text!r} not in the text")
    for d in doc.records.dates:
        if d.value is not None and not _DATE_VALUE.match(d.value):
            errs.append(f"{where}: date value {d.value!r} malformed")
    if doc.records.published and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", doc.records.published):
        errs.append(f"{where}: published {doc.records.published!r} malformed")
    return errs


def check_corpus(corpus: Path, texts_dirs: TextDirs = ()) -> list[str]:
    """Validate every gold file and the built splits; returns the errors. External texts
    (publishers' copyright) are checked only when one of ``texts_dirs`` holds them."""
    errs: list[str] = []
    texts = corpus / "texts"
    seen = set()
    for path in sorted((corpus / "gold").glob("*.json")):
        try:
            doc = GoldDocument.model_validate_json(path.read_text(encoding="utf-8"))
        except ValidationError as exc:
            errs.append(f"{path.name}: {exc}")
            continue
        seen.add(doc.meta.id)
        if doc.meta.text_sha256 is not None:
            if doc.text is not None or (texts / doc.meta.file).exists():
                errs.append(f"{path.name}: the text of an external document (publisher's "
                            "copyright) must not be committed: keep only its sha256")
        errs.extend(check_document(doc, text_path(corpus, doc, texts_dirs)))
    for split in SPLITS:
        path = corpus / f"{split}.jsonl"
        if not path.exists():
            errs.append(f"{path} missing: run 'klynge corpus build'")
            continue
        ids = {d.meta.id for d in iter_gold(corpus, split)}
        if not ids <= seen:
            errs.append(f"{path.name}: documents without a gold file: {sorted(ids - seen)}")
    built = {d.meta.id for d in iter_gold(corpus)} if not errs else seen
    if built != seen:
        errs.append("train/dev/test.jsonl are stale: run 'klynge corpus build'")
    return errs
