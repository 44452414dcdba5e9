"""klynge: extraction pipeline for Nordic press releases (Bokmål, Nynorsk, English,
Danish, Swedish; any other language in part).

Stages, in the order data flows: ingest -> normalise -> language -> sections ->
entities -> records -> emit (the schema). Each is a module or subpackage at this level,
beside the faces (``cli``, ``api``, ``spacy_api``); the runner that carries documents
through them is ``klynge.runner``, what maintainers run (evaluation, corpus, rule check,
trainers) is ``klynge.maintain``, and what is built from the output (tables, the cluster
database, the HTML report) is ``klynge.views``.

The Python API (``klynge.extract``, ``extract_html``, ``extract_many``, ``Extractor``,
``nlp``) is imported on first use, so ``import klynge`` stays cheap: no spaCy, no models.
"""
from __future__ import annotations

from klynge._version import __version__

# Not typing.TYPE_CHECKING: importing typing costs the ``klynge`` command a few
# milliseconds before it can quiet Ctrl-C (klynge._entry); type checkers know this name.
TYPE_CHECKING = False

__all__ = ["extract", "extract_html", "extract_many", "Extractor", "nlp", "DocumentRecord",
           "__version__", "SCHEMA_VERSION"]

if TYPE_CHECKING:
    from typing import Any

    from klynge.api import Extractor, extract, extract_html, extract_many
    from klynge.schema import SCHEMA_VERSION, DocumentRecord
    from klynge.spacy_api import nlp

_LAZY = {"SCHEMA_VERSION": "klynge.schema", "extract": "klynge.api", "extract_html": "klynge.api", "extract_many": "klynge.api",
         "Extractor": "klynge.api", "nlp": "klynge.spacy_api",
         "DocumentRecord": "klynge.schema"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'klynge' has no attribute {name!r}")
    import importlib
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
