"""Stage 6, emit: the versioned output schema and its JSON Lines writer.

Entry points: :class:`DocumentRecord` (one output line; ``klynge schema`` prints its JSON
Schema) and :func:`dumps` (one deterministic JSON line). Every span carries ``start``/``end``
into ``text``; the model refuses a record whose offsets do not match its text.
"""
from __future__ import annotations

import json
from typing import Annotated, Any, Iterable, Iterator, Literal, Sequence

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from klynge.lexicon import ClusterStatus, StatusEventType

# The one home of the output schema's version (the package face re-exports it).
# 1.1: optional organisation id.
# 2.0: clusters[].people is the top-level people's shape ({name, roles, organisation,
#      start, end, text}; it was {name, role}), programme.budget a typed object.
# 2.1: optional provenance (klynge, models, rules, options) and omitted (fields left out
#      by klynge run --exclude/--fields).
# 2.2: optional clusters[].id (the cluster gazetteer's stable id).
SCHEMA_VERSION = "2.3"

# An ISO 639 code: one of the registered languages (rules/shared/languages.yaml: nb, nn,
# en, da, sv), another language's own code when the detector knows it (de, fi, ...), or
# "und" when it cannot be told. A pattern rather than an enum, so registering a language
# does not change the schema.
LanguageCode = Annotated[str, StringConstraints(pattern=r"^(und|[a-z]{2,3})$")]


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorInfo(_Out):
    code: str = Field(description="Stable error code (see the README's table).")
    message: str


class Source(_Out):
    path: str | None = None
    line: int | None = Field(None, description="1-based line for JSON Lines input.")
    url: str | None = None


class LanguageInfo(_Out):
    code: LanguageCode
    confidence: float


class Item(_Out):
    start: int
    end: int


# The kinds of section (the sections stage makes them; the gold corpus and the
# evaluation name them): this Literal is their one list.
SectionKind = Literal["title", "navigation", "metadata", "dateline", "lead", "heading",
                      "paragraph", "quote", "list", "facts", "caption", "byline", "contact",
                      "links", "boilerplate", "truncated"]


class SectionOut(_Out):
    kind: SectionKind
    heading: str | None = None
    start: int
    end: int
    language: LanguageCode | None = None
    items: list[Item] = []


class EntityOut(_Out):
    label: Literal["PER", "ORG", "LOC", "GPE", "PROD", "EVT",
                   "MONEY", "DATE", "URL", "EMAIL", "PHONE"]
    text: str
    start: int
    end: int
    source: str = Field(description='"model" or "rule:<rule id>"')
    fine_label: str | None = Field(None, description="The model's own label, e.g. GPE_ORG.")


class PersonOut(_Out):
    name: str
    roles: list[str] = []
    organisation: str | None = None
    start: int
    end: int
    text: str = Field(description="The first full mention, text[start:end].")


class OrganisationOut(_Out):
    name: str
    aliases: list[str] = []
    id: str | None = Field(None, description="Stable id of the body in the gazetteer "
                           "(rules/shared/organisations.yaml), when it knows the body; added in 1.1.")


class AmountOut(_Out):
    text: str
    value: str = Field(description="Exact decimal in whole currency units.")
    currency: str = Field(description="ISO 4217 code.")
    start: int
    end: int
    range_id: int | None = Field(None, description="Shared by both ends of a range.")


class DateOut(_Out):
    text: str
    value: str | None = Field(None, description='"YYYY", "YYYY-MM" or "YYYY-MM-DD"; null if unresolved')
    precision: Literal["day", "month", "year"] | None = None
    start: int
    end: int
    flags: list[str] = []


class UrlOut(_Out):
    text: str
    url: str
    start: int
    end: int


class ContactValueOut(_Out):
    text: str
    value: str
    start: int
    end: int


class QuoteOut(_Out):
    text: str
    speaker: str | None = None
    start: int
    end: int


class ContactPerson(_Out):
    name: str | None = None
    phone: str | None = None
    email: str | None = None
    start: int
    end: int


# Cluster records: built as plain dicts by klynge.records.clusters, validated here.

class Evidence(_Out):
    """A sentence or list item that supports a record; ``text == doc_text[start:end]``."""

    start: int
    end: int
    text: str


class StatusEvent(_Out):
    type: StatusEventType = Field(description=(
        "What happened to the cluster's status: new_status (granted, admitted, became), "
        "upgrade, downgrade, loss (the cluster holds no status after it), application "
        "(applied for: no status), extension (renewed), ending (the cluster or its "
        "project ended), gold_label, merger, founding. downgrade, loss, application and "
        "ending added in 2.3."))
    status: str | None = Field(None, description=(
        "The status the event gives (new_status, upgrade, downgrade), or the one applied "
        "for or lost (application, loss)."))
    date: str | None = Field(None, description="The event's date: a date of its sentence, "
                             "else the published date.")


class Cluster(_Out):
    name: str
    aliases: list[str] = []
    id: str | None = Field(None, description="The cluster gazetteer's stable id "
                           "(rules/shared/clusters_gazetteer.yaml) when it knows the cluster, "
                           "else null. Added in 2.2.")
    status: ClusterStatus | None = None
    event: StatusEvent | None = None
    members: int | None = None
    partners: int | None = None
    members_breakdown: dict[str, int] | None = None
    location: str | None = None
    sectors: list[str] = []
    organisations: list[str] = []
    people: list[PersonOut] = Field([], description="The cluster's people (leaders, staff), "
                                    "as in the document's top-level people.")
    evidence: list[Evidence] = []


class Budget(_Out):
    """A cluster programme's budget, from one sentence."""

    value: str = Field(description="Exact decimal in whole currency units.")
    currency: str = Field(description="ISO 4217 code.")
    year: int | None = Field(None, description="The year the budget is for, when the sentence says.")
    evidence: Evidence


class Programme(_Out):
    name: str | None = None
    budget: Budget | None = None
    clusters_total: int | None = None
    clusters_new: int | None = None
    applicants: int | None = None
    evidence: list[Evidence] = []


class ModelInfo(_Out):
    pipeline: str = Field(description="klynge's name for the model's role (models.yaml, or "
                                      "'langid')")
    name: str = Field(description="the model's own name (its meta.json)")
    version: str | None = Field(None, description="the model's version, when it has one")
    sha256: str | None = Field(None, description="a hash of the model's weights, for a "
                                                 "model without a version")


class Provenance(_Out):
    """What made the record; added in 2.1."""

    klynge: str = Field(description="klynge's version")
    models: list[ModelInfo]
    rules_sha256: str = Field(description="a hash of every packaged rule file")
    options: str = Field(description="a hash of the pipeline options and klynge's version: "
                                     "records with the same one were made alike")


# Fields klynge run --exclude/--fields can never leave out: what identifies a line.
ALWAYS_EMITTED = ("schema_version", "id", "status", "error", "omitted")


class DocumentRecord(_Out):
    """One output line: a document, ok or error."""

    schema_version: str = SCHEMA_VERSION
    id: str
    status: Literal["ok", "error"]
    error: ErrorInfo | None = None
    source: Source
    language: LanguageInfo
    title: str | None = None
    published: str | None = Field(None, pattern=r"^\d{4}-\d{2}-\d{2}$")
    updated: str | None = Field(None, pattern=r"^\d{4}-\d{2}-\d{2}$")
    publisher: str | None = None
    press_release_no: str | None = None
    truncated: bool = False
    flags: list[str] = []
    text: str
    sections: list[SectionOut] = []
    entities: list[EntityOut] = []
    people: list[PersonOut] = []
    organisations: list[OrganisationOut] = []
    amounts: list[AmountOut] = []
    dates: list[DateOut] = []
    urls: list[UrlOut] = []
    emails: list[ContactValueOut] = []
    phones: list[ContactValueOut] = []
    quotes: list[QuoteOut] = []
    contacts: list[ContactPerson] = []
    clusters: list[Cluster] = []
    programme: Programme | None = None
    provenance: Provenance | None = None
    omitted: list[str] = Field(default=[], description=(
        "the fields klynge run --exclude/--fields left out of this line (read back, they "
        "hold their empty value); empty for a full record. Added in 2.1."))

    @model_validator(mode="before")
    @classmethod
    def _fill_omitted(cls, data: Any) -> Any:
        # A slim line reads back as a record whose omitted fields are empty.
        if isinstance(data, dict) and data.get("omitted") and "text" in data["omitted"]:
            data = {"text": "", **data}
        return data

    @model_validator(mode="after")
    def _offsets_match_text(self) -> "DocumentRecord":
        if "text" in self.omitted:
            return self  # the offsets index a text this line does not carry
        for name, span in self.iter_spans():
            if not (0 <= span.start <= span.end <= len(self.text)):
                raise ValueError(f"{name}: offsets {span.start}:{span.end} outside the text")
            if getattr(span, "text", None) is not None and \
                    self.text[span.start:span.end] != span.text:
                raise ValueError(f"{name}: text[{span.start}:{span.end}] != {span.text!r}")
        return self

    def iter_spans(self) -> Iterator[tuple[str, Any]]:
        """Every part of the record that points into ``text``, with the field it is in."""
        for field_name in ("entities", "people", "amounts", "dates", "urls", "emails",
                           "phones", "quotes", "sections", "contacts"):
            for span in getattr(self, field_name):
                yield field_name, span
        for cluster in self.clusters:
            for person in cluster.people:
                yield "clusters.people", person
            for ev in cluster.evidence:
                yield "clusters.evidence", ev
        if self.programme is not None:
            for ev in self.programme.evidence:
                yield "programme.evidence", ev
            if self.programme.budget is not None:
                yield "programme.budget.evidence", self.programme.budget.evidence


def json_schema() -> dict:
    schema = DocumentRecord.model_json_schema()
    # A slim line (klynge run --exclude text) has no text; every full line has one.
    schema["required"] = [f for f in schema.get("required", []) if f != "text"]
    schema["$id"] = f"https://klynge.invalid/schema/{SCHEMA_VERSION}/document.json"
    schema["title"] = f"klynge document record (schema {SCHEMA_VERSION})"
    return schema


def omitted_fields(exclude: Iterable[str] = (), keep: Iterable[str] | None = None
                   ) -> tuple[str, ...]:
    """The top-level fields a line leaves out for ``--exclude`` / ``--fields`` (in the
    model's order); a field no record has is a ValueError naming it."""
    names = list(DocumentRecord.model_fields)
    asked = [*exclude, *(keep or ())]
    unknown = [f for f in asked if f not in names]
    if unknown:
        raise ValueError(f"no such field: {', '.join(unknown)} (fields: {', '.join(names)})")
    fixed = [f for f in asked if f in ALWAYS_EMITTED]
    if fixed:
        raise ValueError(f"always written, cannot be left out: {', '.join(fixed)}")
    kept = set(keep) if keep is not None else set(names)
    return tuple(f for f in names if f not in ALWAYS_EMITTED
                 and (f in set(exclude) or f not in kept))


def dumps(record: DocumentRecord, omit: Sequence[str] = ()) -> str:
    """One JSON line; byte-identical for the same record (field order is the model's).
    ``omit``: top-level fields to leave out, listed in the line's ``omitted``."""
    data = record.model_dump(mode="json")
    if omit:
        data = {k: v for k, v in data.items() if k not in omit}
        data["omitted"] = list(omit)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
