"""A user's rule folder layered over the packaged rules (``--rules DIR``,
``PipelineOptions(rules=DIR)``).

The folder mirrors ``pipeline/rules/``: ``DIR/shared/clusters_gazetteer.yaml`` layers over
the packaged ``shared/clusters_gazetteer.yaml``, ``DIR/nb/roles.yaml`` over ``nb/roles.yaml``.
A user file is merged into the packaged one, then the result is validated by the model
the stage loads the packaged file with, so a user file obeys the same schema and the same
checks (``klynge rules check --rules DIR``). The merge, one rule for every file:

- two mappings merge key by key, recursively;
- two lists are joined, the packaged entries first; an entry that is a mapping with an
  ``id`` the packaged list already has replaces that entry where it stands (a user's
  corrected gazetteer entry for ``nce-raufoss``), so a gazetteer is extended, never
  wholly replaced by accident;
- anything else: the user's value wins (a threshold, a word).

Every klynge cache in a process holds rule data or something built from it (compiled
patterns, spaCy pipelines whose entity ruler holds the patterns), so changing the layered
folder clears them all: the process then reads as a fresh one would.
"""
from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path
from typing import Any

# Files a user folder may not layer over: they name the models and languages klynge ships,
# which a folder of rule files cannot add to.
FIXED_FILES = {
    ("shared", "languages.yaml"): "the language registry names the shipped models",
    ("shared", "models.yaml"): "it names the shipped models",
}

RULE_SUFFIXES = (".yaml", ".yml", ".json", ".jsonl")

_current: Path | None = None


class RulesFolderError(ValueError):
    """A user rule folder that cannot be layered (missing, or a file that may not be)."""


def current() -> Path | None:
    """The user rule folder layered in this process, if any."""
    return _current


def resolve(directory: str | os.PathLike[str] | None) -> Path | None:
    """``directory`` as an absolute path, refused unless it is a readable folder."""
    if directory is None:
        return None
    path = Path(directory).expanduser().resolve()
    if not path.is_dir():
        raise RulesFolderError(f"rules folder {str(directory)!r} is not a folder")
    return path


def use(directory: str | os.PathLike[str] | None) -> bool:
    """Layer ``directory`` (None: the packaged rules alone) from now on in this process;
    True when that changed what is layered, and every klynge cache was cleared."""
    global _current
    path = resolve(directory)
    if path == _current:
        return False
    _current = path
    clear_caches()
    return True


def clear_caches() -> None:
    """Empty every ``functools`` cache of every loaded klynge module, so nothing read from
    the rule files before outlives a change of the layered folder."""
    for name, module in list(sys.modules.items()):
        if module is None or not (name == "klynge" or name.startswith("klynge.")):
            continue
        for value in list(vars(module).values()):
            if hasattr(value, "cache_clear") and hasattr(value, "cache_info"):
                value.cache_clear()


def user_file(folder: str, name: str) -> Path | None:
    """The layered folder's ``folder/name``, when there is one (never for one of
    :data:`FIXED_FILES`, which ``klynge rules check`` refuses)."""
    if _current is None or (folder, name) in FIXED_FILES:
        return None
    path = _current / folder / name
    return path if path.is_file() else None


def user_files(directory: Path) -> list[tuple[str, str, Path]]:
    """(folder, name, path) of every rule file in ``directory``, in a fixed order."""
    out = []
    for folder in sorted(p for p in directory.iterdir() if p.is_dir()):
        if folder.name.startswith((".", "_")):
            continue
        for path in sorted(folder.iterdir(), key=lambda p: p.name):
            if path.is_file() and path.name.endswith(RULE_SUFFIXES) \
                    and not path.name.startswith("."):
                out.append((folder.name, path.name, path))
    return out


def stray_files(directory: Path) -> list[str]:
    """Files of ``directory`` no stage would read (a rule file's name with another
    ending, a file beside the folders): named by ``rules check`` so a misspelling is
    not silently ignored."""
    stray = []
    for entry in sorted(directory.iterdir(), key=lambda p: p.name):
        if entry.name.startswith("."):
            continue
        if entry.is_file():
            stray.append(entry.name)
        elif entry.is_dir():
            stray += [f"{entry.name}/{p.name}" for p in sorted(entry.iterdir())
                      if not p.name.startswith(".")
                      and not (p.is_file() and p.name.endswith(RULE_SUFFIXES))]
    return stray


def merge(packaged: Any, user: Any) -> Any:
    """``user`` layered over ``packaged`` (the rules in this module's docstring)."""
    if isinstance(packaged, dict) and isinstance(user, dict):
        out = dict(packaged)
        for key, value in user.items():
            out[key] = merge(packaged[key], value) if key in packaged else value
        return out
    if isinstance(packaged, list) and isinstance(user, list):
        out = list(packaged)
        where = {item["id"]: i for i, item in enumerate(out)
                 if isinstance(item, dict) and "id" in item}
        for item in user:
            if isinstance(item, dict) and item.get("id") in where:
                out[where[item["id"]]] = item
            else:
                out.append(item)
        return out
    return user


def digest(directory: str | os.PathLike[str] | None) -> str | None:
    """A hash of a user rule folder's rule files, by path and content (None: no folder):
    what a run's fingerprint holds, so moving the folder changes nothing and editing a
    file does."""
    if directory is None:
        return None
    h = hashlib.sha256()
    for folder, name, path in user_files(Path(directory)):
        h.update(f"{folder}/{name}".encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:16]
