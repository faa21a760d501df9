"""Shared fixtures: the real dataset, a CLI runner, and a tiny synthetic data directory (tests.helpers)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from shapely.geometry import box

import corridors
from corridors.boundaries import Boundaries
from corridors.cache import CACHE_ENV
from corridors.cli.main import cli
from corridors.maps import corridor_map

from .helpers import REPO, SQUARES, make_hostile, make_synthetic, render


@pytest.fixture(autouse=True, scope="session")
def private_cache(tmp_path_factory):
    """Tests never read or fill the user's cache of prepared boundaries and analyses."""
    os.environ[CACHE_ENV] = str(tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="session")
def data() -> corridors.Dataset:
    return corridors.load_dataset(REPO)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def invoke(runner):
    """Run the CLI with arguments; returns click's Result."""

    def run(*args: str, **kwargs):
        return runner.invoke(cli, list(args), catch_exceptions=False, **kwargs)

    return run


@pytest.fixture
def synthetic(tmp_path: Path) -> Path:
    """A data directory with one document, two places, one segment, one route and one airport.

    Tests corrupt one file of it to check that the loader names the file and the feature.
    """
    return make_synthetic(tmp_path)


@pytest.fixture
def shared_seeds() -> Path:
    folder = REPO.parent / "shared" / "seeds"
    if not folder.is_dir():
        pytest.skip("../shared/seeds is not beside this checkout")
    return folder


@pytest.fixture
def small(synthetic) -> corridors.Dataset:
    return corridors.load_dataset(synthetic)


@pytest.fixture
def small_page(small) -> str:
    return render(corridor_map(small, boundaries=SQUARES))


@pytest.fixture
def hostile(synthetic) -> corridors.Dataset:
    return corridors.load_dataset(make_hostile(synthetic))


@pytest.fixture
def boundaries() -> Boundaries:
    """Two countries meeting at lon 1, under the synthetic road (which Natural Earth puts at sea)."""
    return Boundaries(np.array(["AAA", "BBB"]), np.array([box(0, 0, 1, 1), box(1, 0, 2, 1)]), "test")


@pytest.fixture
def boundaries_file(tmp_path, boundaries) -> Path:
    path = tmp_path / "countries.geojson"
    boundaries.to_geodataframe().rename(columns={"iso3": "ADM0_A3"}).to_file(path, driver="GeoJSON")
    return path


@pytest.fixture
def run_export(invoke, synthetic, boundaries_file):
    """``corridors export`` on the synthetic data, with the two test countries as boundaries."""

    def run(*args: str):
        return invoke("--data-dir", str(synthetic), "export", "--boundaries", str(boundaries_file), *args)

    return run


@pytest.fixture
def out(tmp_path) -> Path:
    """An empty directory for exports (the synthetic data lives beside it)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder
