"""Where the trained models are: shipped in the ``klynge_models`` package, or a folder given
by ``KLYNGE_MODELS`` (for a model rebuilt elsewhere)."""
from __future__ import annotations

import os
from importlib import resources
from pathlib import Path


def model_dir(name: str) -> Path:
    """Folder of the model ``name`` (e.g. ``"scandi-ner"``, ``"langid"``)."""
    override = os.environ.get("KLYNGE_MODELS")
    if override:
        return Path(override) / name
    return Path(str(resources.files("klynge_models").joinpath(name)))
