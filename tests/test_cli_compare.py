"""``corridors compare``: JSON keys, CSV columns, tables, user boundaries and errors."""

from __future__ import annotations

import csv
import io
import json

import geopandas as gpd
from shapely.geometry import box

COMPARE_KEYS = {
    "id",
    "name",
    "layer",
    "status",
    "length_km",
    "length_by_mode_km",
    "length_by_country_km",
    "countries",
    "border_crossings",
    "crossings_count",
    "tolerance_km",
    "absorbed",
    "geometry_quality",
    "segments_by_geometry_quality",
    "published_km",
    "published_source",
    "deviation_pct",
    "published_tolerance_pct",
    "published_by_country_km",
    "deviation_by_country_pct",
    "transit_days",
    "transshipments",
    "customs_borders",
    "co2_kg_per_tonne",
    "estimates",
}


def test_compare_json_has_the_documented_keys(invoke):
    result = invoke("compare", "tripp", "lachin-corridor", "--format", "json")
    assert result.exit_code == 0
    rows = json.loads(result.output)
    assert [r["id"] for r in rows] == ["tripp", "lachin-corridor"]
    assert set(rows[0]) == COMPARE_KEYS
    assert rows[0]["countries"] == ["AZE", "ARM", "AZE"]
    assert set(rows[0]["border_crossings"][0]) >= {"from", "to", "lon", "lat", "at_km", "by_sea"}


def test_compare_all_csv_flattens_lengths_into_columns(invoke, data):
    result = invoke("compare", "--all", "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert len(rows) == len(data.routes)
    assert {"country_AZE_km", "country_sea_km", "mode_rail_km", "mode_ferry_km"} <= set(rows[0])
    tripp = next(r for r in rows if r["id"] == "tripp")
    assert float(tripp["country_ARM_km"]) > 0 and tripp["countries"] == "AZE;ARM;AZE"


def test_compare_table_shows_readable_sequences_and_crossings(invoke):
    result = invoke("compare", "middle-corridor", "--crossings")
    assert result.exit_code == 0
    assert "KAZ → AZE → GEO → TUR" in result.output
    assert "yes" in result.output  # the Caspian crossing is by sea
    assert "Tolerance" in result.output


def test_compare_needs_ids_or_all(invoke):
    result = invoke("compare")
    assert result.exit_code == 2


def test_compare_unknown_route_suggests_close_ids(invoke):
    result = invoke("compare", "trip")
    assert result.exit_code == 2
    assert "did you mean tripp" in result.output
    assert "Traceback" not in result.output


def test_compare_with_user_boundaries_uses_their_codes(invoke, tmp_path):
    path = tmp_path / "halves.gpkg"
    gpd.GeoDataFrame(
        {"code": ["WST", "EST"]}, geometry=[box(40, 35, 47, 45), box(47, 35, 55, 45)], crs="EPSG:4326"
    ).to_file(path)
    result = invoke("compare", "btk-railway", "--boundaries", str(path), "--iso-field", "code", "-f", "json")
    assert result.exit_code == 0
    [row] = json.loads(result.output)
    assert row["countries"] == ["EST", "WST"]


def test_compare_with_a_missing_iso_field_is_bad_usage(invoke, tmp_path):
    path = tmp_path / "halves.gpkg"
    gpd.GeoDataFrame({"code": ["WST"]}, geometry=[box(40, 35, 47, 45)], crs="EPSG:4326").to_file(path)
    result = invoke("compare", "tripp", "--boundaries", str(path))
    assert result.exit_code == 2
    assert "no field 'ADM0_A3'" in result.output


def test_compare_rejects_a_negative_tolerance(invoke):
    assert invoke("compare", "tripp", "--min-excursion-km", "-1").exit_code == 2
