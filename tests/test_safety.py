"""Nothing lost, nothing crashes: outputs never destroy anything, every failure is one line, numbers are numbers.

Countries are synthetic squares on the equator given with ``--boundaries`` unless a test says otherwise.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import signal
import stat
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely
from click.testing import CliRunner
from pyproj import Geod
from shapely.geometry import LineString, Polygon, box, mapping

from corridors import export as ex
from corridors import io as cio
from corridors.boundaries import Boundaries
from corridors.cli.main import cli
from corridors.crossings import analyze_tracks
from corridors.errors import UsageError, excerpt, printable
from corridors.io import OutputError, to_json
from corridors.tracks import Track
from tests.helpers import REPO

LINES_CSV = 'id,wkt\na,"LINESTRING(0.5 0.5, 1.5 0.5)"\nb,"LINESTRING(0.2 0.1, 0.8 0.2)"\n'
SQUARES = {"AAA": box(0, -1, 1, 1), "BBB": box(1, -1, 2, 1)}


@pytest.fixture
def squares(tmp_path) -> str:
    path = tmp_path / "squares.geojson"
    gpd.GeoDataFrame({"ADM0_A3": list(SQUARES)}, geometry=list(SQUARES.values()), crs=4326).to_file(path)
    return str(path)


@pytest.fixture
def lines(tmp_path) -> Path:
    path = tmp_path / "lines.csv"
    path.write_text(LINES_CSV, encoding="utf-8")
    return path


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, list(args), input=input)


def one_error_line(result, code: int | tuple[int, ...] = (1, 2)) -> str:
    """The single ``Error:`` line of a failed run (warnings aside), checked to be the only one."""
    codes = (code,) if isinstance(code, int) else code
    assert result.exit_code in codes, (result.exit_code, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    errors = [line for line in result.stderr.splitlines() if not line.startswith("WARNING")]
    assert len(errors) == 1 and errors[0].startswith("Error: "), result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    return errors[0]


def subprocess_run(
    *args: str, env: dict | None = None, shell: str | None = None, encoding: str = "utf-8"
) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    command = [sys.executable, "-m", "corridors.cli.main", *args] if shell is None else ["sh", "-c", shell]
    return subprocess.run(command, capture_output=True, encoding=encoding, env=environment, timeout=300)


def records(text: str) -> list:
    def refuse(constant: str):
        raise ValueError(f"{constant} in JSON")

    return json.loads(text, parse_constant=refuse)


# --- outputs never destroy anything ---------------------------------------------------------------


def test_a_fifo_output_is_streamed_into_not_replaced(lines, squares, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    result = run("analyze", str(lines), "-f", "json", "-o", str(fifo), "--boundaries", squares)
    reader.join(timeout=60)
    assert result.exit_code == 0, result.output
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert [r["id"] for r in records(received[0].decode())] == ["a", "b"]


def test_a_terminal_device_output_is_written_in_place_never_replaced(lines, squares):
    primary, secondary = os.openpty()  # a character device anyone can open, like /dev/null
    try:
        device = os.ttyname(secondary)
        before = os.stat(device)
        result = run("analyze", str(lines), "-f", "csv", "-o", device, "--boundaries", squares)
        assert result.exit_code == 0, result.output
        after = os.stat(device)
        assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino
        assert b"length_km" in os.read(primary, 65536)
    finally:
        os.close(primary)
        os.close(secondary)


def test_dash_writes_to_stdout(lines, squares, tmp_path):
    result = run("analyze", str(lines), "-f", "json", "-o", "-", "--boundaries", squares)
    assert result.exit_code == 0 and len(records(result.stdout)) == 2
    assert not (tmp_path / "-").exists()


def test_a_symlink_output_replaces_its_target_and_keeps_the_link(lines, squares, tmp_path):
    target = tmp_path / "real.json"
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    result = run("analyze", str(lines), "-o", str(link), "--boundaries", squares)
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and len(records(target.read_text(encoding="utf-8"))) == 2


def test_the_replaced_file_keeps_its_mode(lines, squares, tmp_path):
    out = tmp_path / "out.json"
    out.write_text("old", encoding="utf-8")
    out.chmod(0o640)
    assert run("analyze", str(lines), "-o", str(out), "--boundaries", squares).exit_code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o640 and out.read_text(encoding="utf-8").startswith("[")


@pytest.mark.parametrize("how", ["same path", "hard link", "symlink", "boundaries file"])
def test_an_output_that_is_an_input_is_refused_and_the_input_kept(lines, squares, tmp_path, how):
    original = lines.read_bytes()
    target = {
        "same path": lines,
        "hard link": tmp_path / "hard.csv",
        "symlink": tmp_path / "soft.csv",
        "boundaries file": Path(squares),
    }[how]
    if how == "hard link":
        os.link(lines, target)
    if how == "symlink":
        target.symlink_to(lines)
    kept = Path(squares).read_bytes()
    result = run("analyze", str(lines), "-f", "csv", "-o", str(target), "--boundaries", squares)
    assert "is an input of this run" in one_error_line(result, 2)
    assert lines.read_bytes() == original and Path(squares).read_bytes() == kept


def test_an_export_into_the_data_directory_is_refused(synthetic):
    places = synthetic / "geo" / "places.geojson"
    before = places.read_bytes()
    for target in (places, synthetic / "geo" / "new.geojson", synthetic / "seeds" / "doc1.txt"):
        result = run("--data-dir", str(synthetic), "export", "-f", "geojson", "-o", str(target))
        assert "inside the data directory" in one_error_line(result, 2)
    assert places.read_bytes() == before and not (synthetic / "geo" / "new.geojson").exists()


@pytest.mark.parametrize("name", ["outdir/", "missing/", "outdir"])
def test_a_directory_as_output_is_refused_before_any_work(lines, squares, tmp_path, name):
    (tmp_path / "outdir").mkdir()
    result = run("analyze", str(lines), "-o", str(tmp_path) + "/" + name, "--boundaries", squares)
    assert "director" in one_error_line(result, 2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lines.csv", "outdir", "squares.geojson"]
    assert list((tmp_path / "outdir").iterdir()) == []


def test_temporary_files_are_removed_on_sigterm(tmp_path):
    script = textwrap.dedent(
        f"""
        import os, signal
        from corridors.io import atomic_path
        with atomic_path({str(tmp_path / "out.gpkg")!r}) as temporary:
            temporary.write_bytes(b"half a file")
            open({str(tmp_path / "journal")!r}, "w").write(str(temporary))
            os.kill(os.getpid(), signal.SIGTERM)
            raise SystemExit("not reached")
        """
    )
    process = subprocess.run(
        [sys.executable, "-c", script], env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, timeout=60
    )
    assert process.returncode == -signal.SIGTERM
    written = Path((tmp_path / "journal").read_text())
    assert written.parent == tmp_path and not written.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["journal"]


def test_temporary_files_are_removed_on_keyboard_interrupt(tmp_path):
    with pytest.raises(KeyboardInterrupt):
        with cio.atomic_path(tmp_path / "out.json") as temporary:
            temporary.write_text("half", encoding="utf-8")
            raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


@pytest.fixture(scope="module")
def tables(data):
    return ex.export_tables(data, ["lachin-road", "airports"])


def test_a_geopackage_missing_a_table_is_not_installed(tables, tmp_path, monkeypatch):
    """GDAL drivers do not all report a failed write (the KML ones lost whole folders on a full disk): read back."""
    old = tmp_path / "corridors.gpkg"
    old.write_text("previous export", encoding="utf-8")
    write_dataframe = pyogrio.write_dataframe

    def lose_places(frame, path, **options):  # as a driver ignoring a failed write would
        write_dataframe(frame.iloc[:1] if options.get("layer") == "places" else frame, path, **options)

    monkeypatch.setattr(pyogrio, "write_dataframe", lose_places)
    with pytest.raises(OutputError, match=r"layer places has 1 of \d+ features"):
        ex.write(tables, "gpkg", old)
    assert old.read_text(encoding="utf-8") == "previous export"
    assert [p.name for p in tmp_path.iterdir()] == ["corridors.gpkg"]


@pytest.mark.parametrize("fmt", ["gpkg", "fgb", "kml", "geojson"])
def test_a_full_disk_fails_every_export_in_one_line_and_keeps_the_old_file(fmt, tmp_path, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    out = tmp_path / f"corridors.{fmt}"
    out.write_text("previous export", encoding="utf-8")
    result = run("export", "-f", fmt, "-o", str(out), "--layer", "airports")
    assert "No space left on device" in one_error_line(result, 1)
    assert out.read_text(encoding="utf-8") == "previous export" and [p.name for p in tmp_path.iterdir()] == [out.name]


def test_a_gdal_write_error_is_one_line(tmp_path, monkeypatch):
    def failing(*args, **kwargs):
        raise pyogrio.errors.DataSourceError("Failed to write features to dataset; disk full")

    monkeypatch.setattr(pyogrio, "write_dataframe", failing)
    result = run("export", "-f", "fgb", "-o", str(tmp_path / "x.fgb"), "--layer", "airports")
    assert one_error_line(result, 1).startswith(f"Error: cannot write {tmp_path / 'x.fgb'}: Failed to write")
    assert list(tmp_path.iterdir()) == []


# --- every failure is one line --------------------------------------------------------------------


def test_a_closed_stdout_is_an_error_not_silence():
    process = subprocess_run(shell=f"{sys.executable} -m corridors.cli.main layers >&-")
    assert process.returncode == 1 and process.stderr.strip() == "Error: standard output: closed (bad file descriptor)"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_stdout_is_one_line():
    process = subprocess_run(shell=f"{sys.executable} -m corridors.cli.main layers -f json > /dev/full")
    assert process.returncode == 1 and process.stderr.strip() == "Error: standard output: No space left on device"


@pytest.mark.parametrize("encoding", ["latin-1", "ascii"])
def test_a_stdout_that_cannot_encode_utf8_still_gets_valid_json_and_tables(encoding):
    # click itself writes UTF-8 to an ASCII stdout; any other encoding gets JSON-compatible \\u escapes.
    decoding = "utf-8" if encoding == "ascii" else encoding
    env = {"PYTHONIOENCODING": encoding}
    process = subprocess_run("route", "Baku", "Nakhchivan", "-f", "geojson", env=env, encoding=decoding)
    assert process.returncode == 0 and process.stderr == ""
    assert records(process.stdout)["features"][0]["properties"]["name"] == "Baku → Nakhchivan"
    table = subprocess_run("compare", "tripp", env=env, encoding=decoding)
    assert table.returncode == 0 and table.stderr == "" and "AZE" in table.stdout


@pytest.mark.parametrize(
    "wkt, kind",
    [
        ("CIRCULARSTRING(0.5 0, 1 0.5, 1.5 0)", "CIRCULARSTRING"),
        ("COMPOUNDCURVE((0.5 0, 1 0.5))", "COMPOUNDCURVE"),
        ("MULTICURVE((0.5 0, 1 0.5))", "MULTICURVE"),
    ],
)
def test_curved_wkt_is_rejected_naming_the_feature(tmp_path, squares, wkt, kind):
    path = tmp_path / "curves.csv"
    path.write_text(f'id,wkt\nok,"LINESTRING(0.5 0, 1.5 0)"\ncurvy,"{wkt}"\n', encoding="utf-8")
    message = one_error_line(run("analyze", str(path), "--boundaries", squares), 2)
    assert f"feature 'curvy' (#2): is a curve ({kind})" in message
    result = run("analyze", str(path), "--boundaries", squares, "--skip-invalid", "-f", "json")
    assert result.exit_code == 0 and [r["id"] for r in records(result.stdout)] == ["ok"]


def test_a_geojson_crs_member_naming_an_unknown_crs_is_one_line_not_read_as_lonlat(tmp_path, squares):
    collection = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::999999"}},
        "features": [{"type": "Feature", "properties": {"id": "a"},
                      "geometry": {"type": "LineString", "coordinates": [[0.5, 0.0], [1.5, 0.0]]}}],
    }
    path = tmp_path / "unknown-crs.geojson"
    path.write_text(json.dumps(collection), encoding="utf-8")
    message = one_error_line(run("analyze", str(path), "--boundaries", squares), 2)
    assert "unknown CRS 'urn:ogc:def:crs:EPSG::999999'" in message and "unknown-crs.geojson" in message
    collection["crs"]["properties"]["name"] = "urn:ogc:def:crs:OGC:1.3:CRS84"
    path.write_text(json.dumps(collection), encoding="utf-8")
    assert run("analyze", str(path), "--boundaries", squares).exit_code == 0


@pytest.mark.parametrize(
    "crs, says",
    [
        ("EPSG:4978", "Geocentric CRS"),
        ("EPSG:5773", "Vertical CRS"),
        ('ENGCRS["site",EDATUM["d"],CS[Cartesian,2],AXIS["x",east,LENGTHUNIT["metre",1]],'
         'AXIS["y",north,LENGTHUNIT["metre",1]]]', "Engineering CRS"),
        ("EPSG:999999", "unknown CRS"),
        ("+proj=nonsense", "unknown CRS"),
    ],
)
def test_crs_without_lon_lat_meaning_is_one_line(lines, squares, crs, says):
    assert says in one_error_line(run("analyze", str(lines), "--crs", crs, "--boundaries", squares), 2)


def test_a_compound_crs_uses_its_horizontal_part(lines, squares):
    result = run("analyze", str(lines), "--crs", "EPSG:9707", "-f", "json", "--boundaries", squares)
    assert result.exit_code == 0 and records(result.stdout)[0]["countries"] == ["AAA", "BBB"]


def boundaries_file(tmp_path: Path, name: str, codes: list, shapes: list) -> str:
    path = tmp_path / name
    features = [
        {"type": "Feature", "properties": {"ADM0_A3": code}, "geometry": shape} for code, shape in zip(codes, shapes)
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return str(path)


def test_bad_boundaries_are_one_line_naming_the_file(lines, tmp_path):
    square = mapping(box(0, -1, 1, 1))
    nan_vertex = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, float("nan")], [0, 0]]]}
    flat = mapping(Polygon([(0, 0), (1, 1), (2, 2), (0, 0)]))
    cases = {
        "null.geojson": ([None, "BBB"], [square, square], "polygon #1 has no code in 'ADM0_A3'"),
        "blank.geojson": (["  ", "BBB"], [square, square], "polygon #1 has no code"),
        "nan.geojson": (["AAA"], [nan_vertex], "polygon #1 (AAA) has a NaN or infinite vertex"),
        "flat.geojson": (["AAA"], [flat], "no country polygons (every one is empty or degenerate)"),
    }
    for name, (codes, shapes, says) in cases.items():
        path = boundaries_file(tmp_path, name, codes, shapes)
        message = one_error_line(run("analyze", str(lines), "--boundaries", path))
        assert message.startswith(f"Error: {path}: ") and says in message, message
    layered = tmp_path / "layers.gpkg"
    for layer in ("one", "two"):
        gpd.GeoDataFrame({"ADM0_A3": ["AAA"]}, geometry=[box(0, -1, 1, 1)], crs=4326).to_file(layered, layer=layer)
    assert "has 2 layers (one, two)" in one_error_line(run("analyze", str(lines), "--boundaries", str(layered)), 2)


def test_odd_codes_are_escaped_in_tables(lines, tmp_path):
    path = boundaries_file(tmp_path, "odd.geojson", ["A\x1b[2J\nA", "BBB"], [mapping(g) for g in SQUARES.values()])
    result = run("analyze", str(lines), "--boundaries", path)
    assert result.exit_code == 0 and "\x1b" not in result.stdout and "A\\x1b[2J\\nA" in result.stdout
    result = run("analyze", str(lines), "--boundaries", path, "-f", "json")
    assert records(result.stdout)[0]["countries"] == ["A\x1b[2J\nA", "BBB"]  # data stays data


@pytest.mark.parametrize(
    "args, option",
    [
        (["route", "Baku", "Nakhchivan", "-k", "100000000000000000000"], "--alternatives"),
        (["route", "Baku", "Nakhchivan", "-k", "101"], "--alternatives"),
        (["compare", "--all", "--min-excursion-km", "nan"], "--min-excursion-km"),
        (["compare", "--all", "--min-excursion-km", "inf"], "--min-excursion-km"),
        (["compare", "--all", "--min-excursion-km", "1e300"], "--min-excursion-km"),
        (["export", "-f", "geojson", "-o", "-", "--min-excursion-km", "-0.1"], "--min-excursion-km"),
        (["compare", "--all", "--min-excursion-km", "ten"], "--min-excursion-km"),
    ],
)
def test_absurd_numbers_are_one_line_naming_the_option(args, option):
    assert option in one_error_line(run(*args), 2)


def test_the_library_rejects_a_nan_tolerance():
    with pytest.raises(UsageError, match="min_excursion_km"):
        analyze_tracks([Track([np.array([[0.5, 0.0], [1.5, 0.0]])])], squares_boundaries(), float("nan"))


def test_error_lines_quote_a_short_excerpt(tmp_path, squares):
    path = tmp_path / "long.csv"
    path.write_text("id,wkt\n" + "i" * 5000 + ',"LINESTRING(0.5 0, 0.5 0)"\n', encoding="utf-8")
    message = one_error_line(run("analyze", str(path), "--boundaries", squares), 2)
    assert len(message) < 300 + len(str(path)) and "iiii..." in message and "i" * 100 not in message
    assert excerpt("x" * 500) == "x" * 77 + "..." and printable("a\x1b[0m\n") == "a\\x1b[0m\\n"


@pytest.mark.parametrize(
    "content, says",
    [
        (b"id,wkt\n" + b"\0" * 1000, "NUL bytes"),
        (",".join(f"c{i}" for i in range(20_000)).encode() + b"\n", "more than 10000 columns"),
    ],
)
def test_hostile_csv_fails_early_in_one_short_line(tmp_path, squares, content, says):
    path = tmp_path / "hostile.csv"
    path.write_bytes(content)
    message = one_error_line(run("analyze", str(path), "--boundaries", squares), 2)
    assert says in message and len(message) < 200 + len(str(path))


def test_a_csv_line_over_the_cap_fails_before_parsing(tmp_path, squares, monkeypatch):
    monkeypatch.setattr("corridors.userdata.read.MAX_CSV_LINE_BYTES", 1000)
    path = tmp_path / "long.csv"
    path.write_text(LINES_CSV + "c," + "x" * 2000 + "\n", encoding="utf-8")
    assert "line 4 is longer than" in one_error_line(run("analyze", str(path), "--boundaries", squares), 2)


# --- numbers are numbers --------------------------------------------------------------------------


def squares_boundaries() -> Boundaries:
    return Boundaries(np.array(list(SQUARES)), np.array(list(SQUARES.values()), dtype=object), "squares")


@pytest.mark.parametrize(
    "coords",
    [
        [(179, 0.5), (180, 0.5), (-180, 0.7), (-179, 0.5)],
        [(180, -0.5), (-180, 0.5)],
        [(-180, 0.5), (180, 0.6), (179, 0.5)],
        [(179.5, 0.0), (-179.5, 0.0)],
    ],
)
def test_lines_touching_the_antimeridian_measure_finite_lengths(coords):
    bounds = Boundaries(np.array(["EEE", "WWW"]), np.array([box(179, -1, 180, 1), box(-180, -1, -179, 1)]), "am")
    [result] = analyze_tracks([Track.from_geometry(LineString(coords))], bounds, 0.0)
    assert math.isfinite(result.length_km) and result.length_km > 0
    assert sum(result.length_by_country_km.values()) == pytest.approx(result.length_km, abs=1e-6)
    to_json(result.to_dict())  # strict: raises on NaN


def test_json_is_strict():
    with pytest.raises(OutputError, match="invalid JSON"):
        to_json({"length_km": float("nan")})
    assert to_json({"a": [1.5, None]}) == '{"a": [1.5, null]}'


def test_a_line_along_a_real_land_border_is_in_a_country_never_the_sea(tmp_path):
    from corridors.boundaries import default_boundaries

    natural_earth = default_boundaries()
    polygons = dict(zip(natural_earth.codes, natural_earth.polygons))
    shared = shapely.line_merge(shapely.intersection(polygons["ARM"].boundary, polygons["AZE"].boundary))
    border = max(shapely.get_parts(shared), key=lambda part: part.length)
    path = tmp_path / "border.csv"
    path.write_text(f'id,wkt\nalong,"{border.wkt}"\n', encoding="utf-8")
    border_km = Geod(ellps="WGS84").geometry_length(border) / 1000
    assert border_km > 200  # the main ARM–AZE border, not a scrap of it
    for tolerance in ("0", "10"):
        result = run("analyze", str(path), "-f", "json", "--min-excursion-km", tolerance)
        [record] = records(result.stdout)
        assert "sea" not in record["length_by_country_km"]
        assert record["length_km"] == pytest.approx(border_km, abs=0.01)
        assert set(record["length_by_country_km"]) <= {"ARM", "AZE"}
        assert sum(record["length_by_country_km"].values()) == pytest.approx(record["length_km"], abs=0.001)


def test_every_route_adds_up_per_country_and_per_mode(data):
    from corridors.analysis import analyze_routes

    for analysis in analyze_routes(data):
        assert sum(analysis.length_by_country_km.values()) == pytest.approx(analysis.length_km, abs=0.001)
        assert sum(analysis.length_by_mode_km.values()) == pytest.approx(analysis.length_km, abs=0.001)


def test_outputs_stay_off_the_data_the_process_loaded(data, tmp_path):
    with pytest.raises(UsageError, match="inside the data directory"):
        ex.write(ex.export_tables(data, ["airports"]), "geojson", REPO / "geo" / "places.geojson")
    assert shutil.which("git") is None or subprocess.run(
        ["git", "-C", str(REPO), "diff", "--quiet", "--", "geo"], timeout=60
    ).returncode == 0
