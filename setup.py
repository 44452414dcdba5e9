"""Package discovery for the folders that install under another name.

Everything else is in pyproject.toml. setuptools' automatic discovery does not follow a
``package-dir`` mapping that renames a folder (``pipeline/`` installs as ``klynge``), so
the packages are found here with ``find_packages`` under each mapped folder; the mapping
itself is read from pyproject.toml, its one home.
"""
import tomllib
from pathlib import Path

from setuptools import find_packages, setup

_HERE = Path(__file__).resolve().parent
_DIRS = tomllib.loads((_HERE / "pyproject.toml").read_text(encoding="utf-8")
                      )["tool"]["setuptools"]["package-dir"]


def _packages() -> list[str]:
    found = []
    for name, folder in _DIRS.items():
        found.append(name)
        found.extend(f"{name}.{sub}" for sub in find_packages(str(_HERE / folder)))
    return found


setup(packages=_packages())
