"""What made a record: klynge's version, each model's name and version, a hash of the
rule files and the options' fingerprint (the record's ``provenance``, schema 2.1).

Two runs months apart can be compared by it; ``--resume`` can tell records made under
other options from its own. Computed once per processor: the rule files are hashed once
per process (a few hundred kilobytes), the models are named by their metadata.
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
from importlib import resources
from typing import Any

from klynge._version import __version__
from klynge.options import PipelineOptions
from klynge.rules import overlay

_HASH_CHARS = 16


def options_fingerprint(options: PipelineOptions) -> str:
    """A short hash of everything that changes a record, with klynge's version."""
    data = json.dumps({"klynge": __version__, **fingerprint_fields(options)}, sort_keys=True)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:_HASH_CHARS]


def fingerprint_fields(options: PipelineOptions) -> dict[str, Any]:
    """The options as a fingerprint holds them: a user rule folder by the hash of its
    files, not its path (moving it changes no record, editing it does), and left out
    when there is none, so runs without one keep the fingerprint they always had."""
    fields = dataclasses.asdict(options)
    folder = fields.pop("rules")
    if folder is not None:
        fields["rules"] = overlay.digest(folder)
    return fields


@functools.lru_cache(maxsize=1)
def rules_hash() -> str:
    """A hash of every packaged rule file, by path and content, in a fixed order, and of
    the layered user folder's files after them (klynge.rules.overlay)."""
    h = hashlib.sha256()
    todo = [(resources.files("klynge.rules"), "")]
    files = []
    while todo:
        folder, prefix = todo.pop()
        for entry in folder.iterdir():
            name = f"{prefix}{entry.name}"
            if entry.is_dir():
                if not entry.name.startswith(("_", ".")):
                    todo.append((entry, name + "/"))
            elif entry.name.endswith((".yaml", ".yml", ".json", ".jsonl")):
                files.append((name, entry))
    for name, entry in sorted(files, key=lambda f: f[0]):
        h.update(name.encode("utf-8") + b"\0" + entry.read_bytes() + b"\0")
    user = overlay.current()
    if user is not None:
        h.update(b"user\0" + overlay.digest(user).encode("ascii"))
    return h.hexdigest()[:_HASH_CHARS]


def model_info(name: str, meta: dict[str, Any], digest: str | None = None) -> dict[str, Any]:
    """One model: its pipeline name in klynge, the model's own name and version."""
    return {"pipeline": name, "name": str(meta.get("name") or name),
            "version": meta.get("version"), "sha256": digest}


def provenance(models: list[dict[str, Any]], options: PipelineOptions) -> dict[str, Any]:
    return {"klynge": __version__, "models": models, "rules_sha256": rules_hash(),
            "options": options_fingerprint(options)}
