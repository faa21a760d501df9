"""Property tests over the engine and the command line with random and hostile inputs, options and targets.

Invariants: the exit status is 0, 1 or 2; a failure is one ``Error:`` line, never a traceback or an
internal error; JSON is strict (no NaN or Infinity); km per country and per mode add up to the total;
no file but the named output changes, and no temporary file is left behind. The cases marked
``slow`` (several seconds each) run in the default ``python -m pytest`` too; deselect them with
``-m "not slow"`` while working.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from shapely.geometry import box, mapping

from corridors.boundaries import Boundaries
from corridors.cli.main import cli
from corridors.crossings import SEA, Track, analyze_tracks
from corridors.defaults import MODES
from corridors.io import to_json

FAST = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
SLOW = settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))

#: Six squares tiling [0, 3] x [-1, 1], and two on either side of the antimeridian.
TILES = {f"T{i}{j}": box(i, j, i + 1, j + 1) for i in range(3) for j in (-1, 0)}
EDGE = {"EEE": box(179, -1, 180, 1), "WWW": box(-180, -1, -179, 1)}
BOUNDARIES = Boundaries(
    np.array(list(TILES) + list(EDGE)), np.array(list(TILES.values()) + list(EDGE.values()), dtype=object), "tiles"
)


def strict_json(text: str):
    def refuse(constant: str):
        raise AssertionError(f"{constant} in JSON output")

    return json.loads(text, parse_constant=refuse)


def assert_adds_up(record: dict) -> None:
    """km per country (and per mode, when present) sum to the total within 1 m (plus rounding to metres)."""
    for key in ("length_by_country_km", "length_by_mode_km"):
        parts = record.get(key)
        if parts:
            assert abs(sum(parts.values()) - record["length_km"]) <= 0.001 + 0.0005 * len(parts), (key, record)


# --- the engine -----------------------------------------------------------------------------------

longitude = st.one_of(
    st.sampled_from([-180.0, 180.0, -179.5, 179.5, 0.0, 1.0, 2.0, 3.0]), st.floats(-180, 180, allow_subnormal=False)
)
latitude = st.one_of(st.sampled_from([-1.0, 0.0, 1.0, 0.5]), st.floats(-80, 80, allow_subnormal=False))
vertex = st.tuples(longitude, latitude)


@FAST
@given(
    st.lists(st.lists(vertex, min_size=2, max_size=8), min_size=1, max_size=5),
    st.floats(0, 50),
    st.data(),
)
def test_engine_lengths_are_finite_and_add_up_anywhere_on_earth(paths, tolerance, data):
    tracks = []
    for coords in paths:
        edges = len(coords) - 1
        modes = data.draw(st.lists(st.sampled_from(MODES), min_size=edges, max_size=edges))
        track = Track([np.asarray(coords, dtype=float)], [np.asarray(modes, dtype=object)])
        tracks.append(track.split_at_antimeridian())
    for result in analyze_tracks(tracks, BOUNDARIES, tolerance):
        record = result.to_dict()
        strict_json(to_json(record))
        assert math.isfinite(result.length_km) and result.length_km >= 0
        assert sum(result.length_by_country_km.values()) == pytest.approx(result.length_km, abs=1e-6)
        assert sum(result.length_by_mode_km.values()) == pytest.approx(result.length_km, abs=1e-6)
        assert len(result.crossings) <= max(len(result.countries) - 1, 0)


grid_vertex = st.tuples(
    st.sampled_from([0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0]), st.sampled_from([-1.0, -0.5, 0.0, 0.5, 1.0])
)


@FAST
@given(st.lists(grid_vertex, min_size=2, max_size=10), st.sampled_from([0.0, 10.0]))
def test_a_line_inside_the_countries_is_never_sea_even_along_their_borders(coords, tolerance):
    """Every vertex lies on the tiles or their shared borders, so no piece may be labelled sea."""
    track = Track([np.asarray(coords, dtype=float)])
    assume(any(a != b for a, b in zip(coords[:-1], coords[1:])))
    [result] = analyze_tracks([track], BOUNDARIES, tolerance)
    assert SEA not in result.length_by_country_km, (coords, result.length_by_country_km)
    assert sum(result.length_by_country_km.values()) == pytest.approx(result.length_km, abs=1e-6)


# --- the command line -----------------------------------------------------------------------------


def snapshot(folder: Path) -> dict[str, tuple]:
    """Every entry of the folder (hidden ones too) with its kind, mode and content digest."""
    entries = {}
    for path in sorted(folder.rglob("*")):
        info = path.lstat()
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() and not path.is_symlink() else ""
        link = os.readlink(path) if path.is_symlink() else ""
        entries[str(path.relative_to(folder))] = (info.st_mode, digest, link)
    return entries


def check_run(result, folder: Path, before: dict, output: Path | None) -> None:
    """The invariants every run keeps, whatever it was asked."""
    event(f"exit status {result.exit_code}")
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.output, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output and "internal error" not in result.output, result.output
    if result.exit_code:
        errors = [line for line in result.stderr.splitlines() if not line.startswith("WARNING")]
        assert len(errors) == 1 and errors[0].startswith("Error: "), result.stderr
    after = snapshot(folder)
    written = None
    if output is not None and result.exit_code == 0:
        written = str(Path(os.path.realpath(output)).relative_to(folder.resolve()))
    changed = {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}
    assert changed <= {written}, (changed, written, result.output)


wkt_line = st.builds(
    lambda pts: "LINESTRING(" + ", ".join(f"{x} {y}" for x, y in pts) + ")",
    st.lists(st.tuples(st.floats(-1, 4, allow_nan=False), st.floats(-2, 2, allow_nan=False)), min_size=2, max_size=5),
)
hostile_wkt = st.one_of(
    wkt_line,
    st.sampled_from(
        [
            "",
            "LINESTRING(0.5 0, 0.5 0)",
            "LINESTRING(179.5 0, -179.5 0.5)",
            "LINESTRING(180 0, -180 0.5, -179 0)",
            "LINESTRING(0 nan, 1 0)",
            "LINESTRING(1e308 0, -1e308 0)",
            "LINESTRING(190 0, 200 0.5)",
            "LINESTRING(0 95, 1 0)",
            "MULTILINESTRING((0.5 0, 1.5 0), EMPTY)",
            "GEOMETRYCOLLECTION(POINT(0 0), LINESTRING(0.5 0.5, 2.5 -0.5))",
            "POINT(1 1)",
            "POLYGON((0 0, 1 0, 1 1, 0 0))",
            "CIRCULARSTRING(0 0, 1 1, 2 0)",
            "COMPOUNDCURVE((0 0, 1 1))",
            "MULTICURVE((0 0, 1 1))",
            "LINESTRING(",
            "LINESTRING Z (0.5 0 1, 1.5 0 2)",
            "not wkt at all",
        ]
    ),
    st.text(max_size=30),
)
hostile_id = st.one_of(
    st.sampled_from(["a", "b", "1", "", "<script>alert(1)</script>", "x\x1b[31m", "line\nbreak", "é→ü", "a" * 300]),
    st.text(max_size=12),
)
hostile_number = st.one_of(
    st.sampled_from(["0", "5", "10", "nan", "NaN", "inf", "-inf", "-1", "1e400", "1e300", "", "ten", "0x10"]),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
TARGETS = ["stdout", "dash", "new", "existing", "symlink", "input", "dir/", "missing-dir/x.json", "boundaries"]


def csv_text(rows: list[tuple[str, str]]) -> str:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["id", "wkt"])
    writer.writerows(rows)
    return buffer.getvalue()


def target_path(kind: str, folder: Path, source: Path, boundaries: Path, suffix: str) -> Path | None:
    """Create what the target kind needs and return the ``-o`` path (None for stdout)."""
    if kind == "stdout":
        return None
    if kind == "dash":
        return Path("-")
    if kind == "new":
        return folder / f"new{suffix}"
    if kind == "existing":
        path = folder / f"old{suffix}"
        path.write_text("previous result\n", encoding="utf-8")
        path.chmod(0o640)
        return path
    if kind == "symlink":
        real = folder / f"real{suffix}"
        real.write_text("previous result\n", encoding="utf-8")
        link = folder / f"link{suffix}"
        link.symlink_to(real.name)
        return link
    if kind == "input":
        return source
    if kind == "boundaries":
        return boundaries
    if kind == "dir/":
        (folder / "out").mkdir(exist_ok=True)
        return Path(str(folder / "out") + "/")
    return folder / kind


valid_rows = st.lists(wkt_line, min_size=1, max_size=6).map(lambda wkts: [(f"r{i}", w) for i, w in enumerate(wkts)])


@FAST
@given(
    rows=st.one_of(valid_rows, st.lists(st.tuples(hostile_id, hostile_wkt), min_size=0, max_size=6)),
    fmt=st.sampled_from([None, "table", "json", "csv", "geojson"]),
    tolerance=st.one_of(st.none(), st.just("0"), hostile_number),
    skip=st.booleans(),
    crs=st.sampled_from([None, None, None, None, "EPSG:4326", "EPSG:3857", "EPSG:4978", "nonsense"]),
    target=st.sampled_from(TARGETS),
    suffix=st.sampled_from([".json", ".geojson", ".csv", ".txt"]),
)
def test_analyze_keeps_every_invariant_on_hostile_input(tmp_path_factory, rows, fmt, tolerance, skip, crs, target,
                                                        suffix):
    folder = tmp_path_factory.mktemp("fuzz")
    source = folder / "lines.csv"
    source.write_text(csv_text(rows), encoding="utf-8")
    boundaries = folder / "tiles.geojson"
    features = [
        {"type": "Feature", "properties": {"ADM0_A3": code}, "geometry": mapping(shape)}
        for code, shape in {**TILES, **EDGE}.items()
    ]
    boundaries.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    output = target_path(target, folder, source, boundaries, suffix)
    args = ["analyze", str(source), "--boundaries", str(boundaries)]
    args += ["-f", fmt] if fmt else []
    args += ["--min-excursion-km", tolerance] if tolerance is not None else []
    args += ["--skip-invalid"] if skip else []
    args += ["--crs", crs] if crs else []
    args += ["-o", str(output)] if output is not None else []
    before = snapshot(folder)
    result = CliRunner().invoke(cli, args)
    check_run(result, folder, before, output if output not in (None, Path("-")) else None)
    if result.exit_code:
        return
    named = output is not None and output != Path("-")
    chosen = fmt or {".json": "json", ".geojson": "geojson", ".csv": "csv"}.get(suffix if named else "", "table")
    text = Path(os.path.realpath(output)).read_text(encoding="utf-8") if named else result.stdout
    if chosen == "json":
        for record in strict_json(text):
            assert_adds_up(record)
    elif chosen == "geojson":
        for feature in strict_json(text)["features"]:
            assert_adds_up(feature["properties"])
    if target == "existing":  # replaced: the file keeps its mode
        assert output.stat().st_mode & 0o777 == 0o640


@pytest.mark.slow
@SLOW
@given(
    fmt=st.sampled_from(["gpkg", "geojson", "kml", "fgb", "parquet"]),
    layers=st.lists(st.sampled_from(["airports", "lachin-road", "tripp-zangezur", "nowhere", ""]), max_size=2),
    target=st.sampled_from(["dash", "new", "existing", "symlink", "dir/", "missing-dir/x", "wrong-suffix", "geo"]),
    tolerance=st.one_of(st.none(), hostile_number),
)
def test_export_keeps_every_invariant(tmp_path_factory, synthetic_dir, fmt, layers, target, tolerance):
    folder = tmp_path_factory.mktemp("export")
    suffix = f".{fmt}"
    if target == "wrong-suffix":
        output: Path | None = folder / "out.txt"
    elif target == "geo":
        output = synthetic_dir / "geo" / "places.geojson"
    else:
        output = target_path(target, folder, folder / "none", folder / "none", suffix)
    args = ["--data-dir", str(synthetic_dir), "export", "-f", fmt, "-o", str(output)]
    for layer in layers:
        args += ["--layer", layer]
    args += ["--min-excursion-km", tolerance] if tolerance is not None else []
    before, data_before = snapshot(folder), snapshot(synthetic_dir)
    result = CliRunner().invoke(cli, args)
    check_run(result, folder, before, output if output != Path("-") else None)
    assert snapshot(synthetic_dir) == data_before
    if result.exit_code == 0 and output == Path("-"):
        strict_json(result.stdout)


@pytest.fixture(scope="module")
def synthetic_dir(tmp_path_factory):
    """A copy of the real data directory, so a run that wrote into it could not harm the checkout."""
    import shutil

    from conftest import REPO

    folder = tmp_path_factory.mktemp("data")
    for name in ("geo", "seeds"):
        shutil.copytree(REPO / name, folder / name)
    return folder


#: Per route option: values that work, and hostile ones; each example makes at most one option hostile.
ROUTE_OPTIONS = {
    "origin": (["Baku", "Aktau", "goris", "Stepanakert", "Kars"], ["x\x1b[2J", "Bakuu", "", "a" * 200]),
    "destination": (["Nakhchivan", "Tbilisi", "Culfa", "Astara"], ["nowhere", "<b>", "\n"]),
    "-k": (["1", "2", "3"], ["0", "-1", "101", "9" * 23, "two", "1.5"]),
    "--avoid": ([None, "ARM", "IRN,TUR"], ["XXX", ",", "arm", "A" * 300]),
    "--modes": ([None, "rail", "rail,road"], ["plane", "", "RAIL"]),
    "--as-of": ([None, "2022", "2022-01-01"], ["2022-13-01", "yesterday", "9999-12-31", "0000"]),
    "--min-excursion-km": ([None, "0", "10"], ["nan", "inf", "-1", "1e400", "ten"]),
}


@pytest.mark.slow
@SLOW
@given(
    hostile=st.sampled_from([None, *ROUTE_OPTIONS]),
    fmt=st.sampled_from(["table", "json", "geojson"]),
    data=st.data(),
)
def test_route_keeps_every_invariant(tmp_path_factory, hostile, fmt, data):
    chosen = {
        name: data.draw(st.sampled_from(bad if name == hostile else good), label=name)
        for name, (good, bad) in ROUTE_OPTIONS.items()
    }
    args = ["route", chosen.pop("origin"), chosen.pop("destination"), "-f", fmt]
    for option, value in chosen.items():
        args += [option, value] if value is not None else []
    folder = tmp_path_factory.mktemp("route")
    result = CliRunner().invoke(cli, args)
    check_run(result, folder, {}, None)
    if result.exit_code == 0 and fmt == "json":
        for record in strict_json(result.stdout):
            assert_adds_up(record)
    if result.exit_code == 0 and fmt == "geojson":
        strict_json(result.stdout)
