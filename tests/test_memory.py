"""corridors.memory: freed memory kept for reuse during an analysis, and given back after it."""

from __future__ import annotations

import contextlib
import resource
import threading

import numpy as np
import pytest
from shapely.geometry import LineString, box

from corridors import memory
from corridors.boundaries import Boundaries

glibc_only = pytest.mark.skipif(memory._glibc() is None, reason="the allocator setting exists on glibc only")


def page_faults_of_chunks(rounds: int = 5) -> int:
    """Minor page faults of allocating and freeing 80 MB of 2 MB arrays, as the engine's chunks do."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(rounds):
        arrays = [np.ones(250_000) for _ in range(40)]
        del arrays
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before


@glibc_only
def test_freed_memory_is_reused_inside_and_given_back_after():
    outside = page_faults_of_chunks()
    with memory.freed_memory_kept():
        inside = page_faults_of_chunks()
    after = page_faults_of_chunks()
    # Inside, only the first round takes fresh pages; outside and after, every round does.
    assert outside > 3 * inside
    assert after > 3 * inside


@glibc_only
def test_the_last_of_concurrent_users_gives_the_memory_back():
    entered, release = threading.Barrier(3), threading.Event()

    def user() -> None:
        with memory.freed_memory_kept():
            entered.wait()
            release.wait()

    threads = [threading.Thread(target=user) for _ in range(2)]
    for thread in threads:
        thread.start()
    entered.wait()
    with memory.freed_memory_kept():
        pass  # a third user leaving early must not end the others' setting
    inside = page_faults_of_chunks()
    release.set()
    for thread in threads:
        thread.join()
    assert memory._users == 0
    assert page_faults_of_chunks() > 3 * inside


def test_without_glibc_it_changes_nothing(monkeypatch):
    monkeypatch.setattr(memory, "_glibc", lambda: None)
    with memory.freed_memory_kept():
        assert memory._users == 0


def test_chunked_and_row_group_analyses_run_with_freed_memory_kept(monkeypatch, tmp_path):
    pytest.importorskip("pyarrow")
    import geopandas as gpd

    from corridors.userdata import UserLines, analyze_lines, analyze_partitioned, engine, partitions, read_partitioned

    uses: list[str] = []

    @contextlib.contextmanager
    def recorded(name: str):
        uses.append(name)
        with memory.freed_memory_kept():
            yield

    monkeypatch.setattr(engine, "freed_memory_kept", lambda: recorded("chunks"))
    monkeypatch.setattr(partitions, "freed_memory_kept", lambda: recorded("row group"))
    squares = Boundaries(np.array(["AAA", "BBB"]), np.array([box(0, -1, 1, 1), box(1, -1, 2, 1)]), "squares")
    frame = gpd.GeoDataFrame({"id": ["a", "b"]}, geometry=[LineString([(0.5, 0), (1.5, 0)])] * 2, crs="EPSG:4326")
    analysis = analyze_lines(UserLines("lines", frame, ["a", "b"]), squares)
    assert [r.countries for r in analysis] == [["AAA", "BBB"]] * 2
    frame.to_parquet(tmp_path / "lines.parquet")
    analyze_partitioned(read_partitioned(str(tmp_path / "lines.parquet")), squares)
    assert uses == ["chunks", "row group"]
