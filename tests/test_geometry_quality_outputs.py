"""Every output says how good each line's geometry is: traced, or schematic through its towns."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest
from shapely.geometry import box

import corridors
from corridors import export as ex
from corridors.boundaries import Boundaries
from corridors.maps import route_popup, segment_popup
from corridors.vocab import line_geometry_quality
from tests.helpers import edit_json


def _trace_test_road(synthetic):
    def change(content):
        for feature in content["features"]:
            if feature["properties"]["kind"] == "segment":
                feature["properties"]["geometry_quality"] = "traced"

    edit_json(synthetic / "geo" / "lachin-road.geojson", change)


@pytest.mark.parametrize(
    ("qualities", "expected"),
    [
        (["traced", "traced"], "traced"),
        (["traced", "schematic"], "schematic"),
        (["schematic"], "schematic"),
        ([], None),
    ],
)
def test_a_line_is_traced_only_when_every_segment_is(qualities, expected):
    assert line_geometry_quality(qualities) == expected


def test_show_gives_a_segments_quality_and_a_routes_summary(invoke, data):
    segment_text = invoke("show", "goris-lachin-road").output
    assert any(line.split() == ["geometry_quality", "schematic"] for line in segment_text.splitlines())
    route = json.loads(invoke("show", "btk-railway", "-f", "json").output)["properties"]
    qualities = list(data.segments.loc[route["segments"], "geometry_quality"])
    assert route["geometry_quality"] == line_geometry_quality(qualities)
    assert route["segments_by_geometry_quality"] == {q: qualities.count(q) for q in ("traced", "schematic")}
    assert "segments_by_geometry_quality" in invoke("show", "btk-railway").output


def test_compare_json_and_csv_give_each_routes_quality_and_counts(invoke, data):
    rows = {r["id"]: r for r in json.loads(invoke("compare", "--all", "-f", "json").output)}
    table = {r["id"]: r for r in csv.DictReader(io.StringIO(invoke("compare", "--all", "-f", "csv").output))}
    for route_id, route in data.routes.iterrows():
        qualities = list(data.segments.loc[route["segments"], "geometry_quality"])
        assert rows[route_id]["geometry_quality"] == table[route_id]["geometry_quality"]
        assert rows[route_id]["geometry_quality"] == line_geometry_quality(qualities)
        assert rows[route_id]["segments_by_geometry_quality"]["schematic"] == qualities.count("schematic")
        assert int(table[route_id]["segments_traced"]) == qualities.count("traced")
        assert int(table[route_id]["segments_schematic"]) == qualities.count("schematic")


def test_a_route_of_traced_segments_is_traced_everywhere(synthetic, invoke):
    _trace_test_road(synthetic)
    data = corridors.load_dataset(synthetic)
    assert data.feature("test-road").properties["geometry_quality"] == "traced"
    boundaries = Boundaries(np.array(["AAA", "BBB"]), np.array([box(0, 0, 1, 1), box(1, 0, 2, 1)]), "squares")
    [analysis] = corridors.analysis.analyze_routes(data, boundaries=boundaries)
    assert analysis.geometry_quality == "traced" and analysis.segments_by_geometry_quality == {
        "traced": 1,
        "schematic": 0,
    }
    assert "<th>Geometry</th><td>traced (1 of 1 legs traced)</td>" in route_popup(data, "test-road", analysis)
    assert "traced: follows the real line within about 1 km" in segment_popup(data, "test-road-1")
    tables = ex.export_tables(data, boundaries=boundaries)
    assert list(tables.routes["geometry_quality"]) == ["traced"]
    assert list(tables.segments["geometry_quality"]) == ["traced"]


def test_map_popups_say_how_a_segment_was_drawn(data):
    popup = segment_popup(data, "akhalkalaki-kars-rail")
    assert "<th>Geometry</th><td>schematic: drawn through its known towns only</td>" in popup


def test_exports_carry_geometry_quality_published_figures_and_airport_openings(data):
    tables = ex.export_tables(data, layers=["middle-corridor", "airports"])
    segments = tables.segments.set_index("id")
    routes = tables.routes.set_index("id")
    airports = tables.airports.set_index("id")
    assert set(segments["geometry_quality"]) <= {"traced", "schematic"}
    assert list(tables.segments.columns[:7]) == ["id", "kind", "name", "layer", "mode", "status", "geometry_quality"]
    assert routes.at["btk-railway", "geometry_quality"] == "schematic"
    btk_qualities = list(data.segments.loc[data.routes.at["btk-railway", "segments"], "geometry_quality"])
    assert routes.at["btk-railway", "segments_schematic"] == btk_qualities.count("schematic") > 0
    assert routes.at["btk-railway", "segments_traced"] == btk_qualities.count("traced") == 1  # Tbilisi–Marabda
    assert routes.at["btk-railway", "published_km"] == 826
    assert routes.at["btk-railway", "published_source"].endswith("Kars%E2%80%93Tbilisi%E2%80%93Baku_railway")
    assert routes.at["btk-railway", "deviation_pct"] < 0
    assert routes["published_km"].isna().sum() == len(routes) - 1  # only the BTK has a figure in this layer
    assert airports.at["UBBF", "opened"] == "2021-10-26" and "rferl.org" in airports.at["UBBF", "opened_source"]


def test_geojson_export_writes_no_nan_for_routes_without_a_published_figure(data, tmp_path):
    target = tmp_path / "all.geojson"
    ex.export(data, "geojson", target)
    text = target.read_text(encoding="utf-8")
    assert "NaN" not in text
    routes = {f["properties"]["id"]: f["properties"] for f in json.loads(text)["features"]}
    assert routes["tripp"]["published_km"] is None and routes["tripp"]["geometry_quality"] == "schematic"
