"""The package installs like any other: a built wheel carries geo/ and seeds/ and runs from anywhere."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest
from conftest import REPO

from corridors.paths import DATA_DIR_ENV

#: What a wheel is built from: the checkout, without build output, caches and written maps.
_NOT_SOURCE = shutil.ignore_patterns(".git", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache", "*.html",
                                     ".venv", "out")


def _clean_environment() -> dict[str, str]:
    """This environment without what would point the installed package back at the checkout."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", DATA_DIR_ENV)}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    source = tmp_path_factory.mktemp("source") / "corridors"
    shutil.copytree(REPO, source, ignore=_NOT_SOURCE)
    wheels = tmp_path_factory.mktemp("wheels")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", wheels, source],
        capture_output=True, text=True, timeout=300, env=_clean_environment(),
    )
    if result.returncode and "setuptools" in result.stderr and "license" in result.stderr:
        pytest.skip("the installed setuptools is older than the build-system's setuptools>=77")
    assert result.returncode == 0, result.stderr
    (built,) = wheels.glob("corridors-*.whl")
    return built


def test_the_wheel_carries_the_layers_and_documents(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ("geo/places.geojson", "geo/attributes.csv", "seeds/documents.toml"):
        assert f"corridors/_data/{name}" in names
    assert not any(n.startswith(("tests/", "geo/", "seeds/")) for n in names)


def test_an_installed_wheel_compares_routes_from_another_directory(wheel, tmp_path):
    environment = tmp_path / "venv"
    venv.create(environment, system_site_packages=True, with_pip=True)  # dependencies from this interpreter
    python = environment / "bin" / "python"
    install = subprocess.run([python, "-m", "pip", "install", "-q", "--no-deps", str(wheel)],
                             capture_output=True, text=True, timeout=300, env=_clean_environment())
    assert install.returncode == 0, install.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = subprocess.run([python, "-c", "import corridors.paths as p; print(p.data_dir())"], cwd=elsewhere,
                           capture_output=True, text=True, timeout=60, env=_clean_environment())
    assert Path(where.stdout.strip()).is_relative_to(environment), where.stdout + where.stderr
    compare = subprocess.run([environment / "bin" / "corridors", "compare", "tripp"], cwd=elsewhere,
                             capture_output=True, text=True, timeout=120, env=_clean_environment())
    assert compare.returncode == 0, compare.stderr
    assert "tripp" in compare.stdout and "AZE → ARM → AZE" in compare.stdout
    pointed = subprocess.run([environment / "bin" / "corridors", "--data-dir", str(REPO), "compare", "tripp"],
                             cwd=elsewhere, capture_output=True, text=True, timeout=120, env=_clean_environment())
    assert pointed.returncode == 0 and pointed.stdout == compare.stdout
