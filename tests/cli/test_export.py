"""``corridors export``: each format through the command, standard output, bad targets before any work."""

from __future__ import annotations

import json

import pyogrio
import pytest

from corridors import export as ex
from corridors.errors import UsageError
from tests.helpers import FEATURE_TABLES, QUOTE, decimals


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


def test_fgb_holds_every_feature_as_multi_geometries(run_export, out):
    target = out / "corridors.fgb"
    assert run_export("-f", "fgb", "-o", str(target)).exit_code == 0
    info = pyogrio.read_info(target)
    assert info["crs"] == "EPSG:4326" and info["features"] == 6
    frame = pyogrio.read_dataframe(target)
    assert set(frame.geom_type) == {"MultiLineString", "MultiPoint"} and frame.geometry.notna().all()
    route = frame.set_index("id").loc["test-road"]
    assert route["kind"] == "route" and route["crossings_count"] == 1 and QUOTE in route["citations_text"]
