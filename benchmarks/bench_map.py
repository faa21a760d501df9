"""Time and size of the overview map: ``corridors map --all --offline`` (and, for size, online).

Run from the repository root (not collected by pytest)::

    python benchmarks/bench_map.py --runs 5

Each run is a fresh process, as a user runs the command: import, load, analyse, draw the basemap,
write. Prints the best and median wall time of the offline map, its CPU time (user + system: what
wall time would be on an idle machine; the load average is printed beside) and each file's size; the
last line
is ``seconds=<best offline wall time> bytes=<offline overview size>``. The budget (issue 15) is 3 s
and 1.5 MB.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BUDGET_SECONDS = 3.0
BUDGET_BYTES = 1_500_000


def write_map(target: Path, *options: str) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one fresh ``corridors map --all`` process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(["corridors", "map", "--all", *options, "-o", str(target)], capture_output=True, text=True)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"corridors map --all {' '.join(options)} failed: {done.stderr.strip()}")
    return seconds, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh processes timed (best and median reported)")
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as folder:
        offline, online = Path(folder) / "overview-offline.html", Path(folder) / "overview.html"
        measured = [write_map(offline, "--offline") for _ in range(runs)]
        write_map(online)
        times, cpu = [m[0] for m in measured], [m[1] for m in measured]
        best, median = min(times), statistics.median(times)
        print(f"corridors map --all --offline  wall best {best:.2f} s  median {median:.2f} s;"
              f"  CPU best {min(cpu):.2f} s  ({runs} runs; os.getloadavg {os.getloadavg()[0]:.1f})"
              f"  budget {BUDGET_SECONDS:.1f} s")
        for path in (offline, online):
            size = path.stat().st_size
            print(f"{path.name:<22} {size / 1e6:5.2f} MB ({size} bytes)  budget {BUDGET_BYTES / 1e6:.1f} MB")
        print(f"seconds={best:.2f} bytes={offline.stat().st_size}")


if __name__ == "__main__":
    main()
