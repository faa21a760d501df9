"""``corridors analyze``: any line file, any CRS, bad input reported cleanly, dask giving the same answer.

Countries are synthetic squares on the equator (one degree of longitude there is 111.319 491 km on
WGS84), given with ``--boundaries``, so the answers are exact and no test loads Natural Earth but one.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import math
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, box, mapping

from corridors.boundaries import Boundaries
from corridors.userdata import analyze_geometries

DEGREE_KM = 111.319491
SQUARES = {
    "AAA": box(0, -1, 1, 1),
    "BBB": box(1, -1, 2, 1),
    "CCC": box(2, -1, 3, 1),
    "EEE": box(179, -1, 180, 1),
    "WWW": box(-180, -1, -179, 1),
}
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def countries(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("boundaries") / "squares.geojson"
    features = [
        {"type": "Feature", "properties": {"ADM0_A3": code}, "geometry": mapping(shape)}
        for code, shape in SQUARES.items()
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return str(path)


@pytest.fixture
def analyze(runner, countries):
    """Run ``corridors analyze ... --boundaries squares`` and return click's Result."""

    def run(*args: str):
        return runner.invoke(cli_group(), ["analyze", *args, "--boundaries", countries], catch_exceptions=False)

    return run


def cli_group():
    from corridors.cli.main import cli

    return cli


def line(fid, coords, kind="LineString", **props) -> dict:
    properties = ({"id": fid} if fid is not None else {}) | props
    geometry = None if coords is None else {"type": kind, "coordinates": coords}
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def write(path: Path, *features: dict) -> str:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": list(features)}), encoding="utf-8")
    return str(path)


def records(result) -> list[dict]:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


ACROSS = [[0.5, 0.0], [1.5, 0.0]]  # AAA -> BBB, one degree along the equator


def test_json_gives_lengths_countries_and_crossings_keyed_by_id(analyze, tmp_path):
    path = write(tmp_path / "routes.geojson", line("r1", ACROSS), line("r2", [[0.2, 0.5], [0.8, 0.5]]))
    first, second = records(analyze(path, "--format", "json"))
    assert first["id"] == "r1" and second["id"] == "r2"
    assert first["length_km"] == pytest.approx(DEGREE_KM, abs=1e-3)
    assert first["length_by_country_km"] == pytest.approx({"AAA": DEGREE_KM / 2, "BBB": DEGREE_KM / 2}, abs=1e-3)
    assert first["countries"] == ["AAA", "BBB"] and first["crossings_count"] == 1
    assert first["border_crossings"][0] | {"at_km": 0} == {
        "from": "AAA",
        "to": "BBB",
        "lon": 1.0,
        "lat": 0.0,
        "at_km": 0,
        "by_sea": False,
    }
    assert second["countries"] == ["AAA"] and second["border_crossings"] == []


@pytest.mark.parametrize("suffix", ["geojson", "gpkg", "fgb", "parquet", "csv"])
def test_every_format_gives_the_same_answer(analyze, tmp_path, suffix):
    frame = gpd.GeoDataFrame(
        {"id": ["r1", "r2"]}, geometry=[LineString(ACROSS), LineString([(2.5, 0), (1.5, 0.5)])], crs="EPSG:4326"
    )
    path = tmp_path / f"routes.{suffix}"
    if suffix == "csv":
        frame.assign(wkt=frame.geometry.to_wkt()).drop(columns="geometry").to_csv(path, index=False)
    elif suffix == "parquet":
        frame.to_parquet(path)
    else:
        frame.to_file(path)
    result = analyze(str(path), "-f", "json")
    by_id = {r["id"]: r for r in records(result)}
    assert by_id["r1"]["countries"] == ["AAA", "BBB"] and by_id["r2"]["countries"] == ["CCC", "BBB"]
    assert by_id["r1"]["length_km"] == pytest.approx(DEGREE_KM, abs=1e-3)


def test_a_projected_file_is_reprojected(analyze, tmp_path):
    path = tmp_path / "mercator.gpkg"
    gpd.GeoDataFrame({"id": ["r1"]}, geometry=[LineString(ACROSS)], crs="EPSG:4326").to_crs(3857).to_file(path)
    [record] = records(analyze(str(path), "-f", "json"))
    assert record["countries"] == ["AAA", "BBB"]
    assert record["length_km"] == pytest.approx(DEGREE_KM, abs=1e-3)


def test_a_file_without_crs_is_lon_lat_if_it_fits_else_needs_crs(analyze, tmp_path, caplog):
    lonlat = tmp_path / "lonlat.csv"
    lonlat.write_text('id,wkt\nr1,"LINESTRING (0.5 0, 1.5 0)"\n', encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        [record] = records(analyze(str(lonlat), "-f", "json"))
    assert record["id"] == "r1" and record["countries"] == ["AAA", "BBB"]
    assert "no CRS; coordinates taken as lon/lat" in caplog.text

    metres = tmp_path / "metres.csv"
    metres.write_text('id,geometry\nr1,"LINESTRING (55660 0, 166980 0)"\n', encoding="utf-8")
    refused = analyze(str(metres))
    assert refused.exit_code == 2
    assert refused.stderr.strip() == (
        f"Error: {metres}: feature 'r1' (#1): the file has no CRS and (55660, 0) is not "
        "lon/lat; give its CRS with --crs"
    )
    [record] = records(analyze(str(metres), "--crs", "EPSG:3857", "-f", "json"))
    assert record["countries"] == ["AAA", "BBB"]


def test_ids_come_from_id_field_or_row_number(analyze, tmp_path):
    path = write(tmp_path / "named.geojson", line(None, ACROSS, name="first"), line(None, ACROSS, name="second"))
    assert [r["id"] for r in records(analyze(path, "-f", "json"))] == [1, 2]
    assert [r["id"] for r in records(analyze(path, "-f", "json", "--id-field", "name"))] == ["first", "second"]
    wrong = analyze(path, "--id-field", "nmae")
    assert wrong.exit_code == 2 and wrong.stderr.strip() == f"Error: {path}: no field 'nmae'; did you mean name?"


def test_ids_given_select_lines_in_that_order_and_unknown_ids_are_refused(analyze, tmp_path):
    path = write(tmp_path / "routes.geojson", line("alpha", ACROSS), line("beta", ACROSS), line("gamma", ACROSS))
    assert [r["id"] for r in records(analyze(path, "gamma", "alpha", "-f", "json"))] == ["gamma", "alpha"]
    unknown = analyze(path, "alpah")
    assert unknown.exit_code == 2
    assert unknown.stderr.strip() == f"Error: {path}: unknown feature id 'alpah'; did you mean alpha?"


def test_the_antimeridian_is_crossed_the_short_way(analyze, tmp_path):
    split = write(tmp_path / "split.geojson", line("r", [[179.5, 0], [-179.5, 0]]))
    [record] = records(analyze(split, "-f", "json"))
    assert record["length_km"] == pytest.approx(DEGREE_KM, abs=1e-3)
    assert record["countries"] == ["EEE", "WWW"] and abs(record["border_crossings"][0]["lon"]) == 180.0


def test_a_short_line_far_from_every_country_is_water(analyze, tmp_path):
    [record] = records(
        analyze(write(tmp_path / "pacific.geojson", line("p", [[-150, 10], [-150.01, 10]])), "-f", "json")
    )
    assert record["countries"] == [] and list(record["length_by_country_km"]) == ["sea"]


def test_longitudes_past_180_are_wrapped_with_a_warning(analyze, tmp_path, caplog):
    path = write(tmp_path / "unwrapped.geojson", line("r", [[179.5, 0], [180.5, 0]]))
    with caplog.at_level(logging.WARNING):
        [record] = records(analyze(path, "-f", "json"))
    assert record["countries"] == ["EEE", "WWW"] and record["length_km"] == pytest.approx(DEGREE_KM, abs=1e-3)
    assert f"{path}: feature 'r' (#1): repaired: longitudes past ±180° wrapped" in caplog.text


@pytest.mark.parametrize(
    ("geometry", "kind", "note"),
    [
        (
            {
                "type": "GeometryCollection",
                "geometries": [{"type": "LineString", "coordinates": ACROSS}, {"type": "Point", "coordinates": [0, 0]}],
            },
            None,
            "kept the lines of a GeometryCollection",
        ),
        (
            {"type": "MultiLineString", "coordinates": [ACROSS, [[0.3, 0.3], [0.3, 0.3]]]},
            None,
            "invalid (Too few points in geometry component[0.3 0.3]), fixed with make_valid",
        ),
    ],
)
def test_repairable_lines_are_repaired_with_a_warning(analyze, tmp_path, caplog, geometry, kind, note):
    path = write(tmp_path / "repairable.geojson", {"type": "Feature", "properties": {"id": "r"}, "geometry": geometry})
    with caplog.at_level(logging.WARNING):
        [record] = records(analyze(path, "-f", "json"))
    assert record["countries"] == ["AAA", "BBB"] and record["length_km"] == pytest.approx(DEGREE_KM, abs=1e-3)
    assert f"{path}: feature 'r' (#1): repaired: {note}" in caplog.text


def test_empty_parts_are_dropped_with_a_warning(analyze, tmp_path, caplog):
    path = tmp_path / "holey.csv"
    path.write_text('id,wkt\nr,"MULTILINESTRING ((0.5 0, 1.5 0), EMPTY)"\n', encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        [record] = records(analyze(str(path), "-f", "json"))
    assert record["countries"] == ["AAA", "BBB"]
    assert "repaired: dropped the empty parts of a MultiLineString" in caplog.text


def test_a_self_intersecting_line_is_a_valid_loop_analysed_as_drawn(analyze, tmp_path, caplog):
    loop = [[0.2, 0.2], [0.8, 0.8], [0.8, 0.2], [0.2, 0.8]]
    path = write(tmp_path / "loop.geojson", line("loop", loop))
    with caplog.at_level(logging.WARNING):
        [record] = records(analyze(path, "-f", "json"))
    coords = np.array(loop)
    from corridors.geodesy import path_length_km

    assert record["length_km"] == pytest.approx(path_length_km(coords), abs=1e-3)
    assert record["countries"] == ["AAA"] and caplog.text == ""


BAD_FEATURES = {
    "no geometry": (line("bad", None), "has no geometry, or one that cannot be read"),
    "unreadable geometry": (line("bad", [["a", 0], [1, 1]]), "has no geometry, or one that cannot be read"),
    "one-point line": (line("bad", [[0.5, 0]]), "has no geometry, or one that cannot be read"),
    "point": (line("bad", [0.5, 0], "Point"), "is a Point, not a line"),
    "self-intersecting polygon": (
        line("bad", [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]], "Polygon"),
        "is a Polygon, not a line",
    ),
    "empty line": (line("bad", [], "LineString"), "has an empty geometry"),
    "NaN coordinate": (line("bad", [[0.5, 0], [math.nan, 0]]), "has a NaN or infinite coordinate"),
    "latitude 95": (line("bad", [[0.5, 0], [0.5, 95]]), "has a latitude beyond ±90°"),
    "longitude 400": (line("bad", [[0.5, 0], [400, 0]]), "has a longitude beyond ±360°"),
    "zero length": (
        line("bad", [[0.5, 0], [0.5, 0]]),
        "has zero length, so cannot be repaired (Too few points in geometry component[0.5 0])",
    ),
}


@pytest.mark.parametrize("case", BAD_FEATURES)
def test_a_bad_feature_stops_the_run_in_one_line_unless_skipped(analyze, tmp_path, caplog, case):
    feature, message = BAD_FEATURES[case]
    path = write(tmp_path / "bad.geojson", line("good", ACROSS), feature)
    out = tmp_path / "out.json"
    result = analyze(path, "-o", str(out))
    assert result.exit_code == 2
    assert result.stderr.strip() == f"Error: {path}: feature 'bad' (#2): {message}; fix it or use --skip-invalid"
    assert result.stdout == "" and not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["bad.geojson"]

    with caplog.at_level(logging.WARNING):
        [record] = records(analyze(path, "--skip-invalid", "-f", "json"))
    assert record["id"] == "good"
    assert f"{path}: feature 'bad' (#2): skipped: {message}" in caplog.text


def test_missing_and_duplicate_ids_are_bad_features(analyze, tmp_path):
    path = write(tmp_path / "ids.geojson", line("a", ACROSS), line("a", ACROSS), line(None, ACROSS, name="x"))
    result = analyze(path)
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"Error: {path}: feature 'a' (#2): duplicate id (feature #1 has it too) "
        "(and 1 more); fix it or use --skip-invalid"
    )
    assert [r["id"] for r in records(analyze(path, "--skip-invalid", "-f", "json"))] == ["a"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            '{"type": "FeatureCollection", "features": [',
            "cannot read (Failed to read GeoJSON data; At line 1, character 12: Unterminated array)",
        ),
        ("<html><script>alert(1)</script></html>", "cannot read (not recognized as being in a supported file format.)"),
        ('{"type": "FeatureCollection", "features": []}', "no features"),
    ],
)
def test_an_unreadable_file_is_one_line_exit_2(analyze, tmp_path, content, message):
    path = tmp_path / "broken.geojson"
    path.write_text(content, encoding="utf-8")
    result = analyze(str(path))
    assert result.exit_code == 2 and result.stderr.strip() == f"Error: {path}: {message}"


def test_csv_problems_name_the_row(analyze, tmp_path):
    path = tmp_path / "routes.csv"
    path.write_text('id,wkt\nr1,"LINESTRING (0.5 0, 1.5 0)"\nr2,"LINESTRING (0.5 0"\nr3,\n', encoding="utf-8")
    result = analyze(str(path))
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"Error: {path}: feature 'r2' (#2): has WKT that cannot be parsed (and 1 more); fix it or use --skip-invalid"
    )
    no_wkt = tmp_path / "lonlat.csv"
    no_wkt.write_text("id,lon,lat\nr1,0.5,0\n", encoding="utf-8")
    refused = analyze(str(no_wkt))
    assert refused.exit_code == 2
    assert refused.stderr.strip() == f"Error: {no_wkt}: no WKT column (wkt or geometry); columns: id, lon, lat"


def test_impossible_options_exit_2(analyze, tmp_path):
    path = write(tmp_path / "routes.geojson", line("r", ACROSS))
    csv_path = tmp_path / "routes.csv"
    csv_path.write_text('wkt\n"LINESTRING (0.5 0, 1.5 0)"\n', encoding="utf-8")
    layered = tmp_path / "layers.gpkg"
    frame = gpd.GeoDataFrame({"id": ["r"]}, geometry=[LineString(ACROSS)], crs="EPSG:4326")
    frame.to_file(layered, layer="roads")
    frame.to_file(layered, layer="rails")
    cases = {
        (path, "--min-excursion-km", "-1"): None,
        (path, "--format", "html"): None,
        (path, "--engine", "spark"): None,
        (str(tmp_path / "nowhere.geojson"),): f"{tmp_path / 'nowhere.geojson'}: no such file",
        (str(csv_path), "--layer", "x"): f"{csv_path}: --layer does not apply to CSV files",
        (str(layered),): f"{layered}: has 2 layers (roads, rails); choose one with --layer",
        (str(layered), "--layer", "road"): f"{layered}: no layer 'road'; did you mean roads?",
        (path, "--crs", "EPSG:3857"): f"{path}: --crs is only for files without a CRS; this one is in EPSG:4326",
        (str(csv_path), "--crs", "EPSG:nonsense"): "--crs: unknown CRS 'EPSG:nonsense'",
    }
    for args, message in cases.items():
        result = analyze(*args)
        assert result.exit_code == 2, args
        assert result.stdout == ""
        if message:
            assert result.stderr.strip() == f"Error: {message}", args
    [record] = records(analyze(str(layered), "--layer", "rails", "-f", "json"))
    assert record["id"] == "r"


def test_output_is_written_atomically_in_the_format_its_suffix_names(analyze, tmp_path):
    path = write(tmp_path / "routes.geojson", line("r", ACROSS))
    out = tmp_path / "result.csv"
    result = analyze(path, "-o", str(out))
    assert result.exit_code == 0 and result.stdout == ""
    [row] = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert row["id"] == "r" and row["countries"] == "AAA;BBB" and row["crossings_count"] == "1"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["result.csv", "routes.geojson"]
    assert analyze(path, "-o", "-", "-f", "json").stdout.startswith("[")


@pytest.mark.parametrize("target", ["missing/out.json", "."])
def test_an_output_path_that_cannot_be_written_exits_2_before_any_work(analyze, tmp_path, target):
    path = write(tmp_path / "routes.geojson", line("r", ACROSS))
    result = analyze(path, "-o", str(tmp_path / target))
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["routes.geojson"]


def test_a_failed_write_exits_1_and_leaves_no_file(analyze, tmp_path, monkeypatch):
    path = write(tmp_path / "routes.geojson", line("r", ACROSS))

    def disk_full(descriptor):  # a delayed-allocation file system reports a full disk at fsync
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("os.fsync", disk_full)
    result = analyze(path, "-o", str(tmp_path / "out.json"))
    assert result.exit_code == 1 and len(result.stderr.strip().splitlines()) == 1
    assert "No space left on device" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["routes.geojson"]


HOSTILE = "<img src=x onerror=alert(1)>\n\x1b[31mred"


def test_html_js_and_control_characters_in_attributes_are_data_not_markup(analyze, tmp_path):
    path = write(tmp_path / "hostile.geojson", line(HOSTILE, ACROSS, note="<script>alert('x')</script>"))
    assert records(analyze(path, "-f", "json"))[0]["id"] == HOSTILE
    [row] = list(csv.DictReader(io.StringIO(analyze(path, "-f", "csv").stdout)))
    assert row["id"] == HOSTILE
    table = analyze(path).stdout.splitlines()
    assert table[2].startswith("<img src=x onerror=alert(1)>\\n\\x1b[31mred") and "\x1b" not in "".join(table)
    collection = json.loads(analyze(path, "-f", "geojson").stdout)
    assert collection["features"][0]["properties"]["note"] == "<script>alert('x')</script>"
    bad = write(tmp_path / "hostile-bad.geojson", line(HOSTILE, [[0, 0], [0, 95]]))
    error = analyze(bad)
    assert error.exit_code == 2 and len(error.stderr.strip().splitlines()) == 1
    assert "feature '<img src=x onerror=alert(1)>\\n\\x1b[31mred' (#1)" in error.stderr


def test_geojson_output_is_the_input_with_the_analysis_as_properties(analyze, tmp_path):
    path = tmp_path / "mercator.gpkg"
    frame = gpd.GeoDataFrame(
        {"id": ["r"], "name": ["Route"], "lanes": [2]}, geometry=[LineString(ACROSS)], crs="EPSG:4326"
    )
    frame.to_crs(3857).to_file(path)
    collection = json.loads(analyze(str(path), "-f", "geojson").stdout)
    assert "crs" not in collection and collection["type"] == "FeatureCollection"
    [feature] = collection["features"]
    assert feature["id"] == "r"
    assert feature["properties"]["name"] == "Route" and feature["properties"]["lanes"] == 2
    assert feature["properties"]["countries"] == ["AAA", "BBB"] and feature["properties"]["crossings_count"] == 1
    assert feature["geometry"] == {"type": "LineString", "coordinates": ACROSS}


def test_progress_goes_to_stderr_and_stdout_stays_clean(analyze, tmp_path):
    many = [line(f"r{i}", [[0.1 + i / 2000, 0], [1.5, 0.1]]) for i in range(1001)]
    path = write(tmp_path / "many.geojson", *many)
    quiet = analyze(path, "-f", "json")  # not a terminal: no bar by default
    assert len(records(quiet)) == 1001 and "Analysing" not in quiet.stderr
    shown = analyze(path, "-f", "json", "--progress")
    assert "Analysing lines" in shown.stderr and len(records(shown)) == 1001


def test_warnings_reach_stderr_and_never_stdout(countries, tmp_path):
    path = write(tmp_path / "unwrapped.geojson", line("r", [[179.5, 0], [180.5, 0]]))
    command = [
        sys.executable,
        "-c",
        "from corridors.cli.main import cli; cli()",
        "analyze",
        path,
        "--boundaries",
        countries,
        "-f",
        "json",
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 0 and json.loads(done.stdout)[0]["countries"] == ["EEE", "WWW"]
    assert (
        done.stderr.strip()
        == f"WARNING: {path}: feature 'r' (#1): repaired: longitudes past ±180° wrapped (antimeridian)"
    )


def test_dask_engine_gives_identical_results(analyze, tmp_path, monkeypatch):
    pytest.importorskip("dask_geopandas", reason="the dask extra is not installed")
    import corridors.userdata

    monkeypatch.setattr(corridors.userdata, "CHUNK_VERTICES", 20)  # several partitions from a small file
    rng = np.random.default_rng(7)
    features = [
        line(f"r{i}", rng.uniform([-0.5, -1.2], [3.5, 1.2], (int(rng.integers(2, 9)), 2)).tolist()) for i in range(60)
    ]
    path = write(tmp_path / "random.geojson", *features)
    single = analyze(path, "-f", "json")
    parallel = analyze(path, "-f", "json", "--engine", "dask", "--progress")
    assert single.exit_code == parallel.exit_code == 0
    assert parallel.stdout == single.stdout and "Analysing lines" in parallel.stderr


def test_a_failing_dask_worker_exits_1_in_one_line(analyze, tmp_path, monkeypatch):
    pytest.importorskip("dask_geopandas", reason="the dask extra is not installed")
    import corridors.userdata

    def broken(*args):
        raise MemoryError("worker ran out of memory")

    monkeypatch.setattr(corridors.userdata, "analyze_geometries", broken)
    result = analyze(
        write(tmp_path / "r.geojson", line("r", ACROSS)), "--engine", "dask", "-o", str(tmp_path / "o.json")
    )
    assert result.exit_code == 1
    assert result.stderr.strip() == "Error: dask engine failed: MemoryError: worker ran out of memory"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.geojson"]


def test_dask_engine_without_dask_says_how_to_install(analyze, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "dask_geopandas", None)
    result = analyze(write(tmp_path / "r.geojson", line("r", ACROSS)), "--engine", "dask")
    assert result.exit_code == 2
    assert result.stderr.strip() == "Error: --engine dask needs dask-geopandas: pip install 'corridors[dask]'"


def test_real_borders_from_natural_earth(invoke, tmp_path):
    tbilisi_yerevan = write(tmp_path / "ty.geojson", line("ty", [[44.79, 41.72], [44.51, 40.18]]))
    [record] = records(invoke("analyze", tbilisi_yerevan, "-f", "json"))
    assert record["countries"] == ["GEO", "ARM"] and record["crossings_count"] == 1
    assert 170 < record["length_km"] < 175


# Properties ---------------------------------------------------------------------------------------

SQUARE_BOUNDARIES = Boundaries(np.array(list(SQUARES)), np.array(list(SQUARES.values()), dtype=object), "squares")
coordinate = st.tuples(st.floats(-0.5, 3.5), st.floats(-1.5, 1.5))


@SETTINGS
@given(st.lists(st.lists(coordinate, min_size=2, max_size=8), min_size=1, max_size=6), st.sampled_from([0.0, 10.0]))
def test_lengths_add_up_and_crossings_follow_the_countries(paths, tolerance):
    lines = [LineString(p) for p in paths if shapely.length(LineString(p)) > 0]
    for result in analyze_geometries(lines, SQUARE_BOUNDARIES, tolerance):
        assert sum(result.length_by_country_km.values()) == pytest.approx(result.length_km, rel=1e-9, abs=1e-9)
        assert len(result.crossings) == max(len(result.countries) - 1, 0)
        for i, crossing in enumerate(result.crossings):
            assert (crossing.origin, crossing.destination) == (result.countries[i], result.countries[i + 1])
        at = [c.at_km for c in result.crossings]
        assert at == sorted(at) and all(-1e-9 <= km <= result.length_km + 1e-9 for km in at)


anything = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(-4, 4),
    st.integers(-1000, 1000),
    st.just("x"),
)
feature = st.fixed_dictionaries(
    {
        "type": st.just("Feature"),
        "properties": st.fixed_dictionaries(
            {"id": st.one_of(st.none(), st.sampled_from(["a", "b", "<b>c</b>", "d\n"]))}
        ),
        "geometry": st.one_of(
            st.none(),
            st.fixed_dictionaries(
                {
                    "type": st.sampled_from(["LineString", "MultiLineString", "Point", "Polygon", "Nonsense"]),
                    "coordinates": st.lists(st.lists(anything, min_size=0, max_size=3), max_size=5),
                }
            ),
            st.fixed_dictionaries(
                {
                    "type": st.just("LineString"),
                    "coordinates": st.lists(st.tuples(st.floats(-4, 4), st.floats(-2, 2)), max_size=5),
                }
            ),
        ),
    }
)


@SETTINGS
@given(st.lists(feature, max_size=6), st.booleans())
def test_random_input_never_crashes(analyze, tmp_path, features, skip):
    path = tmp_path / "random.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    result = analyze(str(path), "-f", "json", *(["--skip-invalid"] if skip else []))
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 2:
        assert result.stdout == "" and result.stderr.startswith(f"Error: {path}: ")
        assert len(result.stderr.strip().splitlines()) == 1
    else:
        output = json.loads(result.stdout)
        assert output and all(r["length_km"] >= 0 for r in output)
