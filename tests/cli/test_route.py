"""``corridors route``: the table, JSON and GeoJSON forms and one-line errors."""

from __future__ import annotations

import json


def test_route_command_table_and_json(invoke):
    table = invoke("route", "Aktau", "Kars", "--avoid", "RUS")
    assert table.exit_code == 0, table.output
    assert "KAZ → AZE → GEO → TUR" in table.output and "aktau-alat-ferry" in table.output
    assert "Aktau is not on the network" in table.output
    listed = invoke("route", "Baku", "Nakhchivan", "--modes", "rail", "--avoid", "ARM", "-k", "2", "-f", "json")
    assert listed.exit_code == 0
    records = json.loads(listed.stdout)
    assert [r["countries"] for r in records] == [["AZE", "IRN", "AZE"], ["AZE", "GEO", "TUR", "AZE"]]


def test_route_command_geojson_has_one_feature_per_line(invoke):
    result = invoke("route", "Baku", "Nakhchivan", "--modes", "rail", "--avoid", "ARM", "-k", "2", "-f", "geojson")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == '{"type":"FeatureCollection","features":[' and lines[-1] == "]}" and len(lines) == 4
    collection = json.loads(result.stdout)
    assert all(f["geometry"]["type"] in ("LineString", "MultiLineString") for f in collection["features"])


def test_route_command_errors_are_one_line_with_their_exit_status(invoke):
    none = invoke("route", "Baku", "Nakhchivan", "--modes", "rail", "--avoid", "ARM,IRN", "--avoid", "TUR")
    assert none.exit_code == 1
    assert none.output.strip() == (
        "Error: no route from Baku to Nakhchivan avoiding ARM, IRN, TUR by rail: every path crosses ARM, IRN or TUR"
    )
    unknown = invoke("route", "Bakuu", "Kars")
    assert unknown.exit_code == 2 and len(unknown.output.strip().splitlines()) == 1
