"""``corridors analyze FILE.parquet --engine dask``: GeoParquet read row group by row group, with the
same answers, warnings and errors as the single process, and no whole read on the client."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pyarrow.parquet as pq
import pytest
import shapely
from shapely.geometry import LineString, box, mapping

pytest.importorskip("dask_geopandas", reason="the dask extra is not installed")

SQUARES = {"AAA": box(0, -1, 1, 1), "BBB": box(1, -1, 2, 1), "CCC": box(2, -1, 3, 1)}
ROW_GROUP = 15


@pytest.fixture(scope="module")
def countries(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("squares") / "squares.geojson"
    features = [{"type": "Feature", "properties": {"iso": c}, "geometry": mapping(s)} for c, s in SQUARES.items()]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return str(path)


def random_lines(count: int, seed: int = 11) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    lines = [LineString(rng.uniform([-0.5, -1.2], [3.5, 1.2], (int(rng.integers(2, 9)), 2))) for _ in range(count)]
    return gpd.GeoDataFrame(
        {"id": [f"r{i}" for i in range(count)], "name": [f"<line {i}>" for i in range(count)], "rank": range(count)},
        geometry=lines,
        crs="EPSG:4326",
    )


def write_parquet(frame: gpd.GeoDataFrame, path, row_group: int = ROW_GROUP) -> str:
    frame.to_parquet(path, row_group_size=row_group)
    return str(path)


def run(runner, countries, *args):
    from corridors.cli.main import cli

    return runner.invoke(
        cli, ["analyze", *args, "--boundaries", countries, "--iso-field", "iso"], catch_exceptions=False
    )


@pytest.fixture
def both(runner, countries, caplog):
    """Run both engines on the same arguments: (exit code, stdout, warnings and stderr) of each."""

    def compare(*args):
        outcomes = []
        for engine in ("single", "dask"):
            caplog.clear()
            result = run(runner, countries, *args, "--engine", engine)
            warnings = "".join(f"{r.levelname}: {r.getMessage()}\n" for r in caplog.records)
            outcomes.append((result.exit_code, result.stdout, warnings + result.stderr))
        return tuple(outcomes)

    return compare


@pytest.mark.parametrize("fmt", ["json", "geojson", "csv", "table"])
def test_a_multi_row_group_file_gives_the_single_process_answer(both, tmp_path, fmt):
    path = write_parquet(random_lines(80), tmp_path / "lines.parquet")
    assert pq.ParquetFile(path).metadata.num_row_groups == 6
    single, partitioned = both(path, "-f", fmt)
    assert single[0] == 0 and partitioned == single


def test_ids_selected_come_back_in_the_order_asked(both, tmp_path):
    path = write_parquet(random_lines(80), tmp_path / "lines.parquet")
    single, partitioned = both(path, "r70", "r3", "r31", "-f", "json")
    assert partitioned == single
    assert [r["id"] for r in json.loads(partitioned[1])] == ["r70", "r3", "r31"]


def test_a_directory_of_parquet_files_is_one_input(both, tmp_path):
    lines = random_lines(50)
    folder = tmp_path / "parts"
    folder.mkdir()
    write_parquet(lines.iloc[:20], folder / "a.parquet", row_group=8)
    write_parquet(lines.iloc[20:], folder / "b.parquet", row_group=8)
    whole = write_parquet(lines, tmp_path / "whole.parquet")
    single, partitioned = both(str(folder), "-f", "json")
    assert partitioned == single == both(whole, "-f", "json")[0]


def test_row_numbers_ids_crs_and_repairs_read_as_the_single_process_reads_them(both, tmp_path):
    lines = random_lines(40).to_crs("EPSG:3857").drop(columns="id")  # ids are row numbers; projected
    lines.loc[33, "geometry"] = shapely.GeometryCollection([lines.geometry[33], shapely.Point(0, 0)])  # repaired
    path = write_parquet(lines, tmp_path / "mercator.parquet", row_group=7)
    single, partitioned = both(path, "-f", "json")
    assert single[0] == 0 and partitioned == single
    assert "feature #34: repaired: kept the lines of a GeometryCollection" in partitioned[2]


def problems(tmp_path) -> str:
    lines = random_lines(45)
    lines.loc[40, "id"] = "r2"  # repeats an id of the first row group
    lines.loc[20, "geometry"] = shapely.Point(1, 0)  # not a line, in the second
    lines.loc[9, "geometry"] = None
    lines.loc[31, "geometry"] = LineString([(0.5, 0), (0.5, 95)])  # beyond ±90°
    return write_parquet(lines, tmp_path / "problems.parquet")


def test_bad_features_stop_the_run_with_the_single_process_line(both, tmp_path):
    single, partitioned = both(problems(tmp_path), "-f", "json")
    assert single[0] == 2 and partitioned == single
    assert (
        partitioned[2]
        .strip()
        .endswith(
            "feature 'r9' (#10): has no geometry, or one that cannot be read (and 3 more); fix it or use --skip-invalid"
        )
    )


def test_bad_features_are_skipped_with_the_single_process_warnings(both, tmp_path):
    single, partitioned = both(problems(tmp_path), "-f", "json", "--skip-invalid")
    assert single[0] == 0 and partitioned == single
    assert "feature 'r2' (#41): skipped: duplicate id (feature #3 has it too)" in partitioned[2]
    assert len(json.loads(partitioned[1])) == 41


def test_a_file_without_crs_in_metres_fails_as_in_one_process(both, tmp_path):
    lines = random_lines(30).to_crs("EPSG:3857").set_crs(None, allow_override=True)
    path = write_parquet(lines, tmp_path / "no-crs.parquet")
    single, partitioned = both(path)
    assert single[0] == 2 and partitioned == single and "give its CRS with --crs" in single[2]
    single, partitioned = both(path, "--crs", "EPSG:3857", "-f", "json")
    assert single[0] == 0 and partitioned == single


def test_an_empty_file_and_a_bad_option_fail_in_one_line(both, tmp_path):
    empty = write_parquet(random_lines(3).iloc[:0], tmp_path / "empty.parquet")
    single, partitioned = both(empty)
    assert single[0] == 2 and partitioned == single and single[2].strip().endswith("empty.parquet: no features")
    lines = write_parquet(random_lines(3), tmp_path / "lines.parquet")
    for args in (["--id-field", "nme"], ["--layer", "x"], ["nope"]):
        single, partitioned = both(lines, *args)
        assert single[0] == 2 and partitioned == single and len(single[2].strip().splitlines()) == 1
    text = tmp_path / "not.parquet"
    text.write_text("not parquet")
    _, partitioned = both(str(text))
    assert partitioned[0] == 2 and partitioned[2].startswith(f"Error: {text}: cannot read (")


def test_an_undecodable_geometry_in_a_row_group_fails_as_in_one_process(both, tmp_path):
    import pyarrow as pa

    path = write_parquet(random_lines(30), tmp_path / "lines.parquet", row_group=10)
    table = pq.read_table(path)
    wkb = table.column("geometry").to_pylist()
    wkb[25] = b"\x01\x02garbage"
    table = table.set_column(table.schema.get_field_index("geometry"), "geometry", pa.array(wkb, pa.binary()))
    pq.write_table(table, path, row_group_size=10)  # the schema keeps its GeoParquet metadata
    single, partitioned = both(path)
    assert single[0] == 2 and partitioned == single and "cannot read (ParseException: Unknown WKB type" in single[2]


def test_the_client_reads_no_row_group_each_task_reads_one(runner, countries, tmp_path, monkeypatch):
    import pyarrow.parquet

    import corridors.userdata.partitions as partitions

    def refuse(*args, **kwargs):
        raise AssertionError("the whole file was read")

    monkeypatch.setattr(gpd, "read_parquet", refuse)
    monkeypatch.setattr(pyarrow.parquet, "read_table", refuse)
    seen: dict[str, list[int]] = {"_survey": [], "_analyze": []}
    for name in seen:
        task = getattr(partitions, name)

        def spy(frame, *args, _task=task, _name=name):
            seen[_name].append(len(frame))
            return _task(frame, *args)

        monkeypatch.setattr(partitions, name, spy)
    path = write_parquet(random_lines(80), tmp_path / "lines.parquet")
    result = run(runner, countries, path, "-f", "json", "--engine", "dask")
    assert result.exit_code == 0 and len(json.loads(result.stdout)) == 80
    assert sorted(seen["_survey"]) == sorted(seen["_analyze"]) == [5, 15, 15, 15, 15, 15]


def test_progress_counts_every_line_of_every_row_group(tmp_path):
    from corridors.boundaries import Boundaries
    from corridors.userdata import analyze_partitioned, read_partitioned

    path = write_parquet(random_lines(40), tmp_path / "lines.parquet")
    lines = read_partitioned(path, select=[f"r{i}" for i in range(0, 40, 2)])
    squares = Boundaries(np.array(list(SQUARES)), np.array(list(SQUARES.values()), dtype=object), "squares")
    done: list[int] = []
    analysis = analyze_partitioned(lines, squares, progress=done.append)
    assert sorted(done) == [5, 7, 8] and len(analysis.results) == 20  # the lines asked, per row group


def test_the_workers_write_each_line_as_the_output_format_writes_it(tmp_path):
    from corridors.boundaries import Boundaries
    from corridors.errors import BadParameter
    from corridors.userdata import analyze_partitioned, read_partitioned
    from corridors.userdata.engine import records_text

    path = write_parquet(random_lines(40), tmp_path / "lines.parquet")
    lines = read_partitioned(path, select=[f"r{i}" for i in range(39, 0, -3)])
    squares = Boundaries(np.array(list(SQUARES)), np.array(list(SQUARES.values()), dtype=object), "squares")
    records = analyze_partitioned(lines, squares, texts="json")
    assert records.texts == records_text(lines.keys, records.results)
    assert [json.loads(t)["id"] for t in records.texts] == [f"r{i}" for i in range(39, 0, -3)]
    features = analyze_partitioned(lines, squares, texts="geojson").texts
    assert [json.loads(t)["id"] for t in features] == lines.keys
    assert analyze_partitioned(lines, squares).texts is None
    with pytest.raises(BadParameter, match="texts"):
        analyze_partitioned(lines, squares, texts="csv")
