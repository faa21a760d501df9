"""Boundaries from a file: read near the work only, clipped before repair, prepared once and cached."""

from __future__ import annotations

import os

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import Polygon, box

from corridors import boundaries as boundaries_module
from corridors.boundaries import from_file
from corridors.cache import CACHE_ENV

#: A bow-tie: invalid, made valid as two triangles.
BOW_TIE = Polygon([(10, 10), (12, 12), (12, 10), (10, 12)])


@pytest.fixture
def world(tmp_path):
    frame = gpd.GeoDataFrame(
        {"code": ["AAA", "BBB", "FAR"]},
        geometry=[box(0, -1, 1, 1), BOW_TIE, box(100, 0, 101, 1)],
        crs="EPSG:4326",
    )
    path = tmp_path / "world.gpkg"
    frame.to_file(path)
    return path


@pytest.fixture
def cache(tmp_path, monkeypatch):
    directory = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(directory))
    return directory


def test_only_polygons_near_the_area_are_read_clipped_then_made_valid(world, cache):
    near = from_file(world, "code", area=(0.5, 0.0, 11.0, 11.5))  # region: -2..14 x -2..14
    assert list(near.codes) == ["AAA", "BBB"]
    assert shapely.is_valid(near.polygons).all()
    assert shapely.area(near.polygons[1]) == pytest.approx(2.0)  # both triangles of the bow-tie
    clipped = from_file(world, "code", area=(0.5, 0.5, 0.6, 0.6))  # region: -2..3 x -2..3
    assert list(clipped.codes) == ["AAA"]
    whole = from_file(world, "code")
    assert list(whole.codes) == ["AAA", "BBB", "FAR"]


def no_reading(*args, **kwargs):
    raise AssertionError("read the file again")


def test_the_second_read_comes_from_the_cache_even_of_a_touched_copy(world, cache, monkeypatch, tmp_path):
    first = from_file(world, "code", area=(0.5, 0.0, 11.0, 11.5))
    assert len(list((cache / "boundaries").iterdir())) == 1
    stat = world.stat()
    os.utime(world, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # touched, same content
    copy = tmp_path / "elsewhere" / "copy.gpkg"
    copy.parent.mkdir()
    copy.write_bytes(world.read_bytes())
    with monkeypatch.context() as patch:
        patch.setattr(boundaries_module, "_read_file", no_reading)
        again = from_file(world, "code", area=(0.5, 0.0, 11.0, 11.5))
        copied = from_file(copy, "code", area=(0.5, 0.0, 11.0, 11.5))
    assert list(again.codes) == list(first.codes) and again.source == first.source
    assert all(a.equals(b) for a, b in zip(again.polygons, first.polygons))
    assert copied.source == str(copy) and copied.content_key == first.content_key


def test_a_file_with_one_byte_changed_is_read_again(tmp_path, cache, monkeypatch):
    path = tmp_path / "world.geojson"
    gpd.GeoDataFrame({"code": ["AAA"]}, geometry=[box(0, -1, 1, 1)], crs="EPSG:4326").to_file(path)
    first = from_file(path, "code", area=(0.5, 0.0, 0.6, 0.1))
    content = path.read_bytes()
    path.write_bytes(content.replace(b'"AAA"', b'"AAB"'))  # same size, one byte
    with monkeypatch.context() as patch:
        patch.setattr(boundaries_module, "_read_file", no_reading)
        with pytest.raises(AssertionError, match="read the file again"):
            from_file(path, "code", area=(0.5, 0.0, 0.6, 0.1))
    changed = from_file(path, "code", area=(0.5, 0.0, 0.6, 0.1))
    assert list(first.codes) == ["AAA"] and list(changed.codes) == ["AAB"]
    assert changed.content_key != first.content_key


def test_a_damaged_cache_entry_is_recomputed_and_an_unwritable_cache_is_ignored(world, cache, monkeypatch):
    from_file(world, "code", area=(0.5, 0.0, 11.0, 11.5))
    [entry] = (cache / "boundaries").iterdir()
    entry.write_bytes(b"not parquet")
    assert list(from_file(world, "code", area=(0.5, 0.0, 11.0, 11.5)).codes) == ["AAA", "BBB"]
    blocker = cache.parent / "a-file"
    blocker.write_text("")
    monkeypatch.setenv(CACHE_ENV, str(blocker / "cache"))  # cannot be created
    assert list(from_file(world, "code", area=(0.5, 0.0, 11.0, 11.5)).codes) == ["AAA", "BBB"]


def test_a_missing_field_is_named_with_the_fields_there_are(world, cache):
    from corridors.errors import UsageError

    with pytest.raises(UsageError, match=r"no field 'iso'.*fields: code"):
        from_file(world, "iso", area=(0.5, 0.0, 11.0, 11.5))


def test_a_projected_file_is_read_near_the_area_too(tmp_path, cache):
    frame = gpd.GeoDataFrame(
        {"code": ["AAA", "FAR"]}, geometry=[box(0, -1, 1, 1), box(100, 0, 101, 1)], crs="EPSG:4326"
    ).to_crs("EPSG:3857")
    path = tmp_path / "mercator.gpkg"
    frame.to_file(path)
    near = from_file(path, "code", area=(0.2, 0.0, 0.4, 0.1))
    assert list(near.codes) == ["AAA"]
    assert np.allclose(shapely.bounds(near.polygons[0]), (0, -1, 1, 1))


def test_a_shapefile_is_known_by_its_sidecars_too(tmp_path, cache):
    path = tmp_path / "world.shp"
    gpd.GeoDataFrame({"code": ["AAA"]}, geometry=[box(0, -1, 1, 1)], crs="EPSG:4326").to_file(path)
    first = from_file(path, "code", area=(0.5, 0.0, 0.6, 0.1))
    gpd.GeoDataFrame({"code": ["BBB"]}, geometry=[box(0, -1, 1, 1)], crs="EPSG:4326").to_file(
        tmp_path / "other.shp"
    )
    (tmp_path / "world.dbf").write_bytes((tmp_path / "other.dbf").read_bytes())  # the codes only
    assert list(first.codes) == ["AAA"]
    assert list(from_file(path, "code", area=(0.5, 0.0, 0.6, 0.1)).codes) == ["BBB"]


def test_a_directory_of_files_is_read_and_cached_by_its_content(tmp_path, cache, monkeypatch):
    folder = tmp_path / "borders"
    folder.mkdir()
    gpd.GeoDataFrame({"code": ["AAA"]}, geometry=[box(0, -1, 1, 1)], crs="EPSG:4326").to_file(folder / "world.shp")
    first = from_file(folder, "code", area=(0.5, 0.0, 0.6, 0.1))
    with monkeypatch.context() as patch:
        patch.setattr(boundaries_module, "_read_file", no_reading)
        assert list(from_file(folder, "code", area=(0.5, 0.0, 0.6, 0.1)).codes) == list(first.codes) == ["AAA"]
