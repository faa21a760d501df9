"""corridors.memory: freed memory kept for reuse during an analysis, and given back after it."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys

import numpy as np
import pytest
from shapely.geometry import LineString, box

from corridors import memory
from corridors.boundaries import Boundaries

glibc_only = pytest.mark.skipif(memory._glibc() is None, reason="the allocator setting exists on glibc only")


#: Run in a fresh interpreter, so the heap is in a known state whatever the tests before did.
PROBE = """
import json, resource, sys, threading
import numpy as np
from corridors import memory

def faults(rounds=5):
    # Minor page faults of allocating and freeing 80 MB of 2 MB arrays, as the engine's chunks do.
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(rounds):
        arrays = [np.ones(250_000) for _ in range(40)]
        del arrays
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before

counts = {"outside": faults()}
with memory.freed_memory_kept():
    counts["inside"] = faults()
counts["after"] = faults()
entered, release = threading.Barrier(3), threading.Event()

def user():
    with memory.freed_memory_kept():
        entered.wait()
        release.wait()

threads = [threading.Thread(target=user) for _ in range(2)]
for thread in threads:
    thread.start()
entered.wait()
with memory.freed_memory_kept():
    pass  # a third user leaving early must not end the others' setting
counts["others_still_inside"] = faults()
release.set()
for thread in threads:
    thread.join()
counts["all_left"] = faults()
counts["users"] = memory._users
print(json.dumps(counts))
"""


@pytest.fixture(scope="module")
def faults() -> dict[str, int]:
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@glibc_only
def test_freed_memory_is_reused_inside_and_given_back_after(faults):
    # Inside, only the first round takes fresh pages; outside and after, every round does.
    assert faults["outside"] > 3 * faults["inside"]
    assert faults["after"] > 3 * faults["inside"]


@glibc_only
def test_the_last_of_concurrent_users_gives_the_memory_back(faults):
    assert faults["outside"] > 3 * faults["others_still_inside"]
    assert faults["all_left"] > 3 * faults["others_still_inside"]
    assert faults["users"] == 0


def test_without_glibc_it_changes_nothing(monkeypatch):
    monkeypatch.setattr(memory, "_glibc", lambda: None)
    with memory.freed_memory_kept():
        assert memory._users == 0


def test_chunked_and_row_group_analyses_run_with_freed_memory_kept(monkeypatch, tmp_path):
    pytest.importorskip("pyarrow")
    import geopandas as gpd

    from corridors.userdata import UserLines, analyze_lines, analyze_partitioned, engine, read_partitioned

    uses: list[int] = []

    @contextlib.contextmanager
    def recorded():
        uses.append(1)
        with memory.freed_memory_kept():
            yield

    monkeypatch.setattr(engine, "freed_memory_kept", recorded)
    squares = Boundaries(np.array(["AAA", "BBB"]), np.array([box(0, -1, 1, 1), box(1, -1, 2, 1)]), "squares")
    frame = gpd.GeoDataFrame({"id": ["a", "b"]}, geometry=[LineString([(0.5, 0), (1.5, 0)])] * 2, crs="EPSG:4326")
    analysis = analyze_lines(UserLines("lines", frame, ["a", "b"]), squares)
    assert [r.countries for r in analysis] == [["AAA", "BBB"]] * 2
    assert len(uses) == 1  # the chunks of one process
    frame.to_parquet(tmp_path / "lines.parquet")
    analyze_partitioned(read_partitioned(str(tmp_path / "lines.parquet")), squares)
    assert len(uses) == 2  # and the row group's
