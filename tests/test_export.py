"""``corridors export``: every format round-trips through GDAL with its layers, CRS, columns and citations."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import geopandas as gpd
import pyarrow.parquet as pq
import pyogrio
import pytest
import shapely
from shapely.geometry import LinearRing, LineString, Polygon

import corridors
from corridors import export as ex
from corridors.errors import InvalidData, UnknownLayer, UsageError
from corridors.export import gpkg
from corridors.geojson import frames_text
from corridors.io import OutputError
from tests.helpers import QUOTE, edit_json

OGRINFO = shutil.which("ogrinfo")
READ_DRIVERS = pyogrio.list_drivers(read=True)


@pytest.fixture
def tables(synthetic, boundaries) -> ex.ExportTables:
    return ex.export_tables(corridors.load_dataset(synthetic), boundaries=boundaries)


def ogrinfo(path: Path) -> str:
    result = subprocess.run([OGRINFO, "-ro", "-so", "-al", str(path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


# --- what goes in ---------------------------------------------------------------------------------


def test_routes_carry_their_analysis_and_lists_become_text(tables):
    route = tables.routes.iloc[0]
    assert route["id"] == "test-road"
    assert route["countries"] == "AAA;BBB" and route["declared_countries"] == "AAA;BBB"
    assert route["segments"] == "test-road-1" and route["aliases"] == "Test Road"
    assert route["length_km"] == pytest.approx(111.3, abs=0.1) and route["road_km"] == route["length_km"]
    assert route["crossings_count"] == 1 and route["citations"] == 2 and QUOTE in route["citations_text"]
    crossing = tables.crossings.iloc[0]
    assert crossing[["id", "from", "to", "by_sea"]].tolist() == ["test-road-crossing-1", "AAA", "BBB", False]
    assert crossing.geometry.equals(shapely.Point(1.0, 0.5))
    assert list(tables.citations["feature_id"]) == ["test-road", "test-road"]
    assert set(tables.citations["document_title"]) == {"A test"}


def test_a_list_item_holding_the_separator_is_refused(synthetic, boundaries):
    def add_alias(collection):
        collection["features"][0]["properties"]["aliases"] = ["Test; Road"]

    edit_json(synthetic / "geo" / "lachin-road.geojson", add_alias)
    with pytest.raises(InvalidData, match="feature 'test-road': aliases item 'Test; Road' contains ';'"):
        ex.export_tables(corridors.load_dataset(synthetic), boundaries=boundaries)


def test_layer_choice_brings_the_places_used(synthetic, boundaries):
    data = corridors.load_dataset(synthetic)
    airports = ex.export_tables(data, ["airports"], boundaries=boundaries)
    assert list(airports.layers) == ["places", "airports"]
    assert list(airports.places["id"]) == ["west"]  # the place the airport serves
    assert airports.citations.empty
    road = ex.export_tables(data, ["lachin-road"], boundaries=boundaries)
    assert list(road.layers) == ["routes", "segments", "places", "crossings"]
    assert sorted(road.places["id"]) == ["east", "west"]
    with pytest.raises(UnknownLayer, match="did you mean lachin-road"):
        ex.export_tables(data, ["lachin"])
    with pytest.raises(UnknownLayer, match="did you mean tripp-zangezur"):
        ex.export_tables(data, ["tripp"])
    with pytest.raises(UsageError, match="nothing to export"):
        ex.export_tables(data, ["middle-corridor"])


# --- GeoPackage -----------------------------------------------------------------------------------


# --- GeoJSON --------------------------------------------------------------------------------------


def test_geojson_is_rfc7946(tables, out):
    target = ex.write(tables, "geojson", out / "corridors.geojson")
    collection = json.loads(target.read_text(encoding="utf-8"))
    assert "crs" not in collection
    features = collection["features"]
    assert [f["properties"]["kind"] for f in features] == ["route", "segment", "place", "place", "airport", "crossing"]
    assert all(f["id"] == f["properties"]["id"] for f in features)
    assert "length_km" in features[0]["properties"] and "length_km" not in features[1]["properties"]
    assert QUOTE in features[0]["properties"]["citations_text"]
    frame = pyogrio.read_dataframe(target)
    assert len(frame) == 6 and frame.crs.to_epsg() == 4326
    assert frame.set_index("id").loc["test-road", "countries"] == "AAA;BBB"


def test_geojson_splits_at_the_antimeridian_rounds_and_orients_rings():
    clockwise = Polygon([(10, 10), (10, 11), (11, 11), (11, 10)])
    frame = gpd.GeoDataFrame(
        {"id": ["pacific", "square"]},
        geometry=[LineString([(179.123456789, 10), (-179.5, 11)]), clockwise],
        crs="EPSG:4326",
    )
    line, polygon = (f["geometry"] for f in json.loads(frames_text([frame]))["features"])
    assert line["type"] == "MultiLineString"
    (west, east) = line["coordinates"]
    assert west[0] == [179.1234568, 10.0] and west[-1][0] == 180.0 and east[0][0] == -180.0
    assert west[-1][1] == east[0][1] and east[-1] == [-179.5, 11.0]
    assert LinearRing(polygon["coordinates"][0]).is_ccw and not clockwise.exterior.is_ccw


# --- FlatGeobuf and GeoParquet --------------------------------------------------------------------


def test_fgb_refuses_features_without_geometry(tables, out):
    tables.places.loc[0, "geometry"] = None
    with pytest.raises(InvalidData, match="without geometry"):
        ex.write(tables, "fgb", out / "corridors.fgb")
    assert list(out.iterdir()) == []


def test_geoparquet_stores_wgs84_as_projjson(tables, out):
    target = ex.write(tables, "parquet", out / "corridors.parquet")
    geo = json.loads(pq.read_schema(target).metadata[b"geo"])
    column = geo["columns"][geo["primary_column"]]
    assert geo["version"].startswith("1.") and column["encoding"] == "WKB"
    assert column["crs"]["id"] == {"authority": "EPSG", "code": 4326}
    frame = gpd.read_parquet(target)
    assert frame.crs.to_epsg() == 4326 and len(frame) == 6
    assert frame.set_index("id").loc["test-road", "countries"] == "AAA;BBB"


@pytest.mark.skipif("Parquet" not in READ_DRIVERS, reason="pyogrio's GDAL was built without the (Geo)Parquet driver")
def test_gdal_reads_the_geoparquet_crs(tables, out):
    target = ex.write(tables, "parquet", out / "corridors.parquet")
    assert pyogrio.read_info(target)["crs"] in ("EPSG:4326", "OGC:CRS84")


@pytest.mark.skipif(OGRINFO is None, reason="ogrinfo (Debian gdal-bin) is not installed")
def test_ogrinfo_opens_every_format(tables, out):
    formats = ("gpkg", "geojson", "kml", "fgb")
    outputs = {fmt: ex.write(tables, fmt, out / f"corridors.{fmt}") for fmt in formats}
    assert "layer_styles" in ogrinfo(outputs["gpkg"]) and "Layer name: crossings" in ogrinfo(outputs["gpkg"])
    assert "Feature Count: 6" in ogrinfo(outputs["geojson"]) and "Feature Count: 6" in ogrinfo(outputs["fgb"])
    assert "Layer name: " in ogrinfo(outputs["kml"])
    assert 'ID["EPSG",4326]' in ogrinfo(outputs["fgb"])


# --- atomic writes --------------------------------------------------------------------------------


def test_a_failed_export_leaves_no_file_and_keeps_the_old_one(tables, out, monkeypatch):
    def fail(*args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(gpkg, "add_qgis_extras", fail)  # after every table is written
    with pytest.raises(OutputError, match="disk full"):
        ex.write(tables, "gpkg", out / "new.gpkg")
    assert list(out.iterdir()) == []
    old = out / "old.gpkg"
    old.write_bytes(b"previous export")
    with pytest.raises(OutputError):
        ex.write(tables, "gpkg", old)
    assert [p.name for p in out.iterdir()] == ["old.gpkg"] and old.read_bytes() == b"previous export"


# --- the real layers ------------------------------------------------------------------------------


