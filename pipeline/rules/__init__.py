"""Rule data: word lists, gazetteers and patterns as validated data files.

Files live in ``pipeline/rules/<lang>/`` (``nb``, ``nn``, ``en``, ...) and
``pipeline/rules/shared/`` for language-neutral ones. Every file is parsed into a
pydantic model with ``extra="forbid"``, so a typo in a key fails on load, not silently.
"""
from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import TypeVar

import yaml
from pydantic import BaseModel, ConfigDict

M = TypeVar("M", bound=BaseModel)


class RuleModel(BaseModel):
    """Base for every rule-file model: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def rule_path(folder: str, name: str):
    """A Traversable for ``pipeline/rules/<folder>/<name>``."""
    return resources.files("klynge.rules").joinpath(folder, name)


def rule_exists(folder: str, name: str) -> bool:
    return rule_path(folder, name).is_file()


@lru_cache(maxsize=None)
def _read(folder: str, name: str):
    text = rule_path(folder, name).read_text(encoding="utf-8")
    if name.endswith((".yaml", ".yml")):
        return yaml.safe_load(text)
    if name.endswith(".jsonl"):
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    return json.loads(text)


def load_rules(folder: str, name: str, model: type[M]) -> M:
    """Load and validate one rule file into ``model`` (cached per file)."""
    return _cached_model(folder, name, model)


@lru_cache(maxsize=None)
def _cached_model(folder: str, name: str, model):
    data = _read(folder, name)
    if isinstance(data, list):
        data = {"rules": data}
    return model.model_validate(data)


def literal_alternation(words) -> str:
    """Regex source matching any of ``words`` literally, longest first so the longest
    form wins ("administrerende direktør" before "direktør")."""
    import re
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))
