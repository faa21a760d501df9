"""``corridors analyze --engine dask --scheduler ADDRESS``: a dask.distributed cluster of processes
gives exactly the single-process answer."""

from __future__ import annotations

import json

import numpy as np
import pytest
from shapely.geometry import box, mapping

pytest.importorskip("dask_geopandas", reason="the dask extra is not installed")
distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")

SQUARES = {"AAA": box(0, -1, 1, 1), "BBB": box(1, -1, 2, 1), "CCC": box(2, -1, 3, 1)}


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as local:
        yield local


@pytest.fixture
def files(tmp_path):
    countries = tmp_path / "squares.geojson"
    countries.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {"type": "Feature", "properties": {"iso": code}, "geometry": mapping(shape)}
                    for code, shape in SQUARES.items()
                ],
            }
        )
    )
    rng = np.random.default_rng(11)
    lines = [
        {
            "type": "Feature",
            "properties": {"id": f"r{i}"},
            "geometry": {
                "type": "LineString",
                "coordinates": rng.uniform([-0.5, -1.2], [3.5, 1.2], (int(rng.integers(2, 9)), 2)).tolist(),
            },
        }
        for i in range(80)
    ]
    routes = tmp_path / "random.geojson"
    routes.write_text(json.dumps({"type": "FeatureCollection", "features": lines}))
    return str(routes), str(countries)


def analyze(runner, *args):
    from corridors.cli.main import cli

    return runner.invoke(cli, ["analyze", *args], catch_exceptions=False)


def test_a_cluster_of_processes_gives_the_single_process_answer(runner, files, cluster, monkeypatch):
    import corridors.userdata.engine

    monkeypatch.setattr(corridors.userdata.engine, "CHUNK_VERTICES", 40)  # several partitions from a small file
    routes, countries = files
    common = ["-f", "json", "--boundaries", countries, "--iso-field", "iso"]
    single = analyze(runner, routes, *common)
    remote = analyze(runner, routes, *common, "--engine", "dask", "--scheduler", cluster.scheduler_address)
    assert single.exit_code == remote.exit_code == 0, remote.output
    assert remote.stdout == single.stdout
    assert len(json.loads(single.stdout)) == 80


def test_geoparquet_is_read_row_group_by_row_group_on_the_workers(runner, files, cluster, tmp_path, monkeypatch):
    import geopandas as gpd
    import pyarrow.parquet

    routes, countries = files
    path = tmp_path / "random.parquet"
    gpd.read_file(routes).to_parquet(path, row_group_size=15)  # 80 lines: 6 row groups
    common = ["-f", "json", "--boundaries", countries, "--iso-field", "iso"]
    single = analyze(runner, str(path), *common)

    def refuse(*args, **kwargs):
        raise AssertionError("the client read the whole file")

    monkeypatch.setattr(gpd, "read_parquet", refuse)  # here, in the client; the workers are other processes
    monkeypatch.setattr(pyarrow.parquet, "read_table", refuse)
    probe = distributed.Client(cluster.scheduler_address, set_as_default=False)  # not the client the command uses
    with probe, distributed.get_task_stream(probe) as stream:
        remote = analyze(runner, str(path), *common, "--engine", "dask", "--scheduler", cluster.scheduler_address)
    assert single.exit_code == remote.exit_code == 0, remote.output
    assert remote.stdout == single.stdout and len(json.loads(remote.stdout)) == 80
    ran = [
        (str(task["key"][0] if isinstance(task["key"], tuple) else task["key"]), task["worker"]) for task in stream.data
    ]
    for step in ("_survey", "_analyze"):  # one task per row group, each on a worker, in both passes
        assert sum(key.startswith(f"{step}-") for key, _ in ran) == 6
    assert {worker for _, worker in ran} <= set(cluster.scheduler_info["workers"])


def test_an_unreachable_scheduler_fails_in_one_line(runner, files, monkeypatch):
    import corridors.userdata.engine

    monkeypatch.setattr(corridors.userdata.engine, "_CONNECT_TIMEOUT_S", 1)
    routes, countries = files
    result = analyze(
        runner,
        routes,
        "--boundaries",
        countries,
        "--iso-field",
        "iso",
        "--engine",
        "dask",
        "--scheduler",
        "tcp://127.0.0.1:9",
    )
    assert result.exit_code == 1
    [message] = result.stderr.strip().splitlines()
    assert message.startswith("Error: cannot reach the dask scheduler at tcp://127.0.0.1:9")


def test_a_scheduler_needs_the_dask_engine(runner, files):
    routes, countries = files
    result = analyze(runner, routes, "--boundaries", countries, "--iso-field", "iso", "--scheduler", "tcp://x:1")
    assert result.exit_code == 2 and "--scheduler needs --engine dask" in result.stderr
