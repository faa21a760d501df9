"""``corridors export``: every format round-trips through GDAL with its layers, CRS, columns and citations."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyarrow.parquet as pq
import pyogrio
import pytest
import shapely
from conftest import REPO, edit_json
from shapely.geometry import LinearRing, LineString, Polygon, box

import corridors
from corridors import export as ex
from corridors.boundaries import Boundaries
from corridors.errors import InvalidData, UnknownLayer, UsageError
from corridors.io import OutputError

FEATURE_TABLES = ["routes", "segments", "places", "airports", "crossings"]
QUOTE = "The Test Road opened on 2 May 2021."
OGRINFO = shutil.which("ogrinfo")
READ_DRIVERS = pyogrio.list_drivers(read=True)


@pytest.fixture
def boundaries() -> Boundaries:
    """Two countries meeting at lon 1, under the synthetic road (which Natural Earth puts at sea)."""
    return Boundaries(np.array(["AAA", "BBB"]), np.array([box(0, 0, 1, 1), box(1, 0, 2, 1)]), "test")


@pytest.fixture
def tables(synthetic, boundaries) -> ex.ExportTables:
    return ex.export_tables(corridors.load_dataset(synthetic), boundaries=boundaries)


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


def decimals(geometry: dict) -> int:
    """The most decimals any coordinate of a GeoJSON geometry has."""
    return max(len(d) for d in re.findall(r"\.(\d+)", json.dumps(geometry["coordinates"])))


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


def test_gpkg_has_a_table_per_kind_in_wgs84_with_citations(run_export, out):
    target = out / "corridors.gpkg"
    result = run_export("-f", "gpkg", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    layers = dict(pyogrio.list_layers(target))
    mappings = [f"{name}_citations" for name in ("routes", "segments", "places", "airports")]
    assert list(layers) == [*FEATURE_TABLES, "citations", *mappings, "layer_styles"]  # no country near (0, 0)
    assert layers["routes"] == "MultiLineString" and layers["citations"] is None
    counts = {name: pyogrio.read_info(target, layer=name)["features"] for name in layers}
    assert counts == {"routes": 1, "segments": 1, "places": 2, "airports": 1, "crossings": 1, "citations": 2,
                      "layer_styles": 5, "routes_citations": 2, "segments_citations": 0, "places_citations": 0,
                      "airports_citations": 0}
    for name in FEATURE_TABLES:
        assert pyogrio.read_info(target, layer=name)["crs"] == "EPSG:4326"
    routes = pyogrio.read_dataframe(target, layer="routes")
    assert {"length_km", "countries", "crossings_count", "citations_text"} <= set(routes.columns)
    assert routes.loc[0, "countries"] == "AAA;BBB" and QUOTE in routes.loc[0, "citations_text"]
    citations = pyogrio.read_dataframe(target, layer="citations", read_geometry=False)
    assert list(citations.columns) == [
        "feature_id", "kind", "attribute", "value", "qualifier", "refers_to", "stated_by", "claim", "source",
        "document", "document_title", "document_url", "prefix", "quote", "suffix",
    ]
    assert citations.loc[0, ["feature_id", "quote"]].tolist() == ["test-road", QUOTE]


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
    line, polygon = (f["geometry"] for f in json.loads(ex.geojson_text([frame]))["features"])
    assert line["type"] == "MultiLineString"
    (west, east) = line["coordinates"]
    assert west[0] == [179.1234568, 10.0] and west[-1][0] == 180.0 and east[0][0] == -180.0
    assert west[-1][1] == east[0][1] and east[-1] == [-179.5, 11.0]
    assert LinearRing(polygon["coordinates"][0]).is_ccw and not clockwise.exterior.is_ccw


def test_geojson_to_stdout_prints_only_the_collection(run_export):
    result = run_export("-f", "geojson", "-o", "-")
    assert result.exit_code == 0, result.output
    collection = json.loads(result.stdout)
    assert len(collection["features"]) == 6
    assert max(decimals(f["geometry"]) for f in collection["features"]) <= 7


def test_only_geojson_goes_to_stdout_and_drivers_get_their_suffix(run_export, out):
    for args, message in [
        (["-f", "gpkg", "-o", "-"], "only geojson can be written to standard output"),
        (["-f", "kml", "-o", str(out / "out.xml")], "must end in .kml"),
        (["-f", "geojson", "-o", str(out / "missing" / "out.geojson")], "does not exist"),
        (["-f", "gpkg", "--layer", "lachin", "-o", str(out / "out.gpkg")], "did you mean lachin-road"),
    ]:
        result = run_export(*args)
        assert result.exit_code == 2, result.output
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and message in lines[0]
    assert list(out.iterdir()) == []


def test_an_unwritable_output_fails_before_any_work(run_export, out, monkeypatch):
    def no_work(*args, **kwargs):
        raise AssertionError("the tables were made before the output was checked")

    monkeypatch.setattr(ex, "export_tables", no_work)
    result = run_export("-f", "gpkg", "-o", str(out / "missing" / "out.gpkg"))
    assert result.exit_code == 2 and "does not exist" in result.output
    with pytest.raises(UsageError, match="does not exist"):
        ex.export(None, "gpkg", out / "missing" / "out.gpkg")


# --- FlatGeobuf and GeoParquet --------------------------------------------------------------------


def test_fgb_holds_every_feature_as_multi_geometries(run_export, out):
    target = out / "corridors.fgb"
    assert run_export("-f", "fgb", "-o", str(target)).exit_code == 0
    info = pyogrio.read_info(target)
    assert info["crs"] == "EPSG:4326" and info["features"] == 6
    frame = pyogrio.read_dataframe(target)
    assert set(frame.geom_type) == {"MultiLineString", "MultiPoint"} and frame.geometry.notna().all()
    route = frame.set_index("id").loc["test-road"]
    assert route["kind"] == "route" and route["crossings_count"] == 1 and QUOTE in route["citations_text"]


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

    monkeypatch.setattr(ex, "add_qgis_extras", fail)  # after every table is written
    with pytest.raises(OutputError, match="disk full"):
        ex.write(tables, "gpkg", out / "new.gpkg")
    assert list(out.iterdir()) == []
    old = out / "old.gpkg"
    old.write_bytes(b"previous export")
    with pytest.raises(OutputError):
        ex.write(tables, "gpkg", old)
    assert [p.name for p in out.iterdir()] == ["old.gpkg"] and old.read_bytes() == b"previous export"


# --- the real layers ------------------------------------------------------------------------------


@pytest.mark.skipif(not (REPO / "geo" / "places.geojson").exists(), reason="geo/ layers not generated yet")
def test_full_dataset_exports_to_every_format(data, tmp_path):
    tables = ex.export_tables(data)
    counts = {name: len(frame) for name, frame in tables.layers.items()}
    assert counts["routes"] == len(data.routes) and counts["airports"] == len(data.airports)
    assert counts["crossings"] == int(tables.routes["crossings_count"].sum())
    for fmt in ex.FORMATS:
        target = ex.write(tables, fmt, tmp_path / f"corridors.{fmt}")
        assert target.stat().st_size > 0
    layers = [name for name, _ in pyogrio.list_layers(tmp_path / "corridors.gpkg")]
    assert layers[: len(counts) + 2] == [*counts, "countries", "citations"] and layers[-1] == "layer_styles"
    places = pyogrio.read_info(tmp_path / "corridors.gpkg", layer="places")
    assert dict(zip(places["fields"], places["ogr_types"]))["geonameid"] == "OFTInteger64"
    assert tables.crossings["by_sea"].any() and tables.crossings["landfall_km"].notna().any()
    assert pyogrio.read_info(tmp_path / "corridors.fgb")["features"] == sum(counts.values())
