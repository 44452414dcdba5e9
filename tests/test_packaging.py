"""The installed wheel, not the checkout: every test elsewhere runs on `pip install -e`,
which hides a package the wheel leaves out (issue #20: a wheel without
klynge.records.clusters could not start). This builds the wheel, installs it without
`-e` into a fresh virtual environment and runs the command and the API from there."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEED


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh environment with the built wheel installed (not editable). Its
    dependencies are this environment's, seen through a path entry (not a site dir), so
    the editable install of this checkout is invisible there."""
    work = tmp_path_factory.mktemp("wheel")
    # Built from a copy without build outputs: setuptools reuses a stale build/ folder,
    # whose files would hide a package the configuration leaves out.
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache",
        ".hypothesis", "evaluation", "tests"))
    dist = work / "dist"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(source)],
        capture_output=True, text=True)
    if build.returncode != 0:
        pytest.fail(f"the wheel did not build:\n{build.stderr[-3000:]}")
    wheel = next(dist.glob("klynge-*.whl"))
    env_dir = work / "env"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    (Path(site) / "deps-of-the-test-run.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    install = subprocess.run([python, "-m", "pip", "install", "--no-deps", "-q", str(wheel)],
                             capture_output=True, text=True)
    if install.returncode != 0:
        pytest.fail(f"the wheel did not install:\n{install.stderr[-3000:]}")
    return env_dir


def _clean_env() -> dict:
    # Run from elsewhere, with nothing pointing back at the checkout.
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "KLYNGE_MODELS")}


def test_packaging_wheel_runs_the_seed_release(installed: Path, tmp_path: Path) -> None:
    out = tmp_path / "seed.jsonl"
    done = subprocess.run([installed / "bin" / "klynge", "run", str(SEED), "-o", str(out),
                           "--workers", "1", "-q"],
                          capture_output=True, text=True, cwd=tmp_path, env=_clean_env())
    assert done.returncode == 0, done.stderr
    record = json.loads(out.read_text(encoding="utf-8"))
    assert record["status"] == "ok" and record["language"]["code"] == "nb"
    # The seed release's two new Arena clusters: the records stage (klynge.records.clusters,
    # the package the hand-kept list left out) ran in the installed copy.
    assert {(c["name"], c["status"]) for c in record["clusters"]} == {
        ("Cluster for Applied AI", "Arena"), ("H2Cluster", "Arena")}


def test_packaging_wheel_api_is_the_installed_package(installed: Path, tmp_path: Path) -> None:
    script = (
        "import json, klynge, klynge_models\n"
        "from pathlib import Path\n"
        f"text = Path({str(SEED)!r}).read_text(encoding='utf-8')\n"
        "r = klynge.extract(text)\n"
        "print(json.dumps({'file': klynge.__file__, 'models': klynge_models.__file__,\n"
        "                  'status': r.status, 'lang': r.language.code,\n"
        "                  'clusters': sorted(c.name for c in r.clusters)}))\n")
    done = subprocess.run([installed / "bin" / "python", "-c", script], capture_output=True,
                          text=True, cwd=tmp_path, env=_clean_env())
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout.strip().splitlines()[-1])
    # The installed copy, not this checkout's pipeline/ folder.
    assert str(installed) in got["file"] and str(installed) in got["models"]
    assert got["status"] == "ok" and got["lang"] == "nb"
    assert got["clusters"] == ["Cluster for Applied AI", "H2Cluster"]
