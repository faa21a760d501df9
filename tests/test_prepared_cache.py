"""What a fresh process would build per set of borders (the default boundaries, the clipped set, the
crossings engine's outlines and grid) is loaded from the disk cache, with identical results."""

from __future__ import annotations

import dataclasses
import pickle

import numpy as np
import pytest
import shapely

from corridors import boundaries as boundaries_module
from corridors.boundaries import Boundaries, default
from corridors.cache import CACHE_ENV
from corridors.crossings import analyze_line_geometries
from corridors.crossings import index as index_module

#: Kinds of entries the crossings engine and the boundaries keep.
KINDS = ("default", "clipped", "indexes")


@pytest.fixture
def cache(tmp_path, monkeypatch):
    directory = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(directory))
    return directory


@pytest.fixture(scope="module")
def lines() -> np.ndarray:
    """Random walks over the South Caucasus: more edges than the grid needs, so it is built (or loaded)."""
    rng = np.random.default_rng(7)
    starts = rng.uniform([40.0, 38.5], [49.0, 42.5], size=(250, 2))
    steps = rng.normal(0.0, 0.03, size=(250, 100, 2))
    walks = starts[:, None, :] + np.cumsum(steps, axis=1)
    assert walks.shape[0] * (walks.shape[1] - 1) >= index_module._GRID_MIN_EDGES
    return shapely.linestrings(walks)


def analyse_in_a_fresh_process(lines: np.ndarray) -> list:
    """As a new process would: the default boundaries read (or loaded) again, clipped, analysed."""
    world = default()
    area = world.clipped(tuple(shapely.total_bounds(lines)))
    return analyze_line_geometries(lines, area)


def forbid_building(monkeypatch) -> None:
    def built(*args, **kwargs):
        raise AssertionError("built again")

    monkeypatch.setattr(boundaries_module, "natural_earth", built)
    monkeypatch.setattr(Boundaries, "_clipped_parts", built)
    monkeypatch.setattr(index_module._Outlines, "__init__", built)
    monkeypatch.setattr(index_module._Grid, "__init__", built)


def test_a_fresh_process_loads_the_borders_and_indexes_instead_of_building_them(cache, lines, monkeypatch):
    first = analyse_in_a_fresh_process(lines)
    assert all(any((cache / kind).iterdir()) for kind in KINDS)
    with monkeypatch.context() as patch:
        forbid_building(patch)
        again = analyse_in_a_fresh_process(lines)
    assert again == first
    with monkeypatch.context() as patch:  # another area is another clipped set, with indexes of its own
        forbid_building(patch)
        with pytest.raises(AssertionError, match="built again"):
            analyse_in_a_fresh_process(lines[:200])


def test_the_cached_results_are_those_of_borders_built_in_memory(cache, lines):
    cached = analyse_in_a_fresh_process(lines)
    cached = analyse_in_a_fresh_process(lines)  # from the entries the first call wrote
    world = dataclasses.replace(default(), content_key=None)  # no content key: nothing is kept on disk
    area = world.clipped(tuple(shapely.total_bounds(lines)))
    assert area.content_key is None
    assert analyze_line_geometries(lines, area) == cached


@pytest.mark.parametrize("damage", [b"", b"not a pickle", pickle.dumps({"a": "foreign value"})])
def test_a_damaged_or_foreign_entry_is_built_again_never_an_error(cache, lines, damage):
    first = analyse_in_a_fresh_process(lines)
    entries = [path for kind in KINDS for path in (cache / kind).iterdir()]
    for path in entries:
        path.write_bytes(damage)
    assert analyse_in_a_fresh_process(lines) == first
    assert all(path.read_bytes() != damage for path in entries)  # and written again, whole


def test_borders_without_a_content_key_are_never_written_to_the_disk(cache, lines):
    world = dataclasses.replace(default(), content_key=None)
    written = set(cache.rglob("*"))
    assert any(path.parent.name == "default" for path in written)
    area = world.clipped(tuple(shapely.total_bounds(lines)))
    analyze_line_geometries(lines, area)
    assert set(cache.rglob("*")) == written
