"""Cold start: ``corridors compare --all`` against a bare ``python -c "import geopandas"``.

Run from the repository root (not collected by pytest)::

    python benchmarks/bench_cold_start.py [--runs 10]

Uses hyperfine when it is installed (``apt-get install -y hyperfine``), else times the commands as
subprocesses, median of ``--runs`` (wall and CPU). Also times ``corridors --help`` (imports only). The target is
compare ≤ 1.3× the bare import; the last line is ``ratio=<compare_s/import_s>``.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

COMMANDS = {
    "import geopandas": [sys.executable, "-c", "import geopandas"],
    "corridors --help": ["corridors", "--help"],
    "corridors compare --all": ["corridors", "compare", "--all"],
}


def with_hyperfine(runs: int) -> dict[str, float]:
    """Mean wall time of each command, measured by hyperfine."""
    with tempfile.NamedTemporaryFile(suffix=".json") as report:
        subprocess.run(
            [
                "hyperfine",
                "--warmup",
                "2",
                "--runs",
                str(runs),
                "--export-json",
                report.name,
                "--style",
                "none",
                *(shlex.join(c) for c in COMMANDS.values()),
            ],
            check=True,
            capture_output=True,
        )
        results = json.load(open(report.name))["results"]
    return {name: r["mean"] for name, r in zip(COMMANDS, results)}


def with_subprocess(runs: int) -> dict[str, float]:
    """Median wall time of each command over ``runs`` runs, after one warm-up run (which fills the
    cache of prepared data); the median CPU time (user + system, from wait4) is printed beside it,
    as it suffers less from a shared machine."""
    times = {}
    for name, command in COMMANDS.items():
        subprocess.run(command, check=True, capture_output=True)
        walls, cpus = [], []
        for _ in range(runs):
            start = time.perf_counter()
            process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            _, _, usage = os.wait4(process.pid, 0)
            walls.append(time.perf_counter() - start)
            cpus.append(usage.ru_utime + usage.ru_stime)
        times[name] = statistics.median(walls)
        times[f"{name} (CPU)"] = statistics.median(cpus)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    check = subprocess.run(COMMANDS["corridors compare --all"], capture_output=True, text=True)
    if check.returncode != 0:
        sys.exit(f"corridors compare --all fails, nothing to time: {check.stderr.strip()}")
    tool = "hyperfine (mean)" if shutil.which("hyperfine") else "subprocess (median)"
    times = with_hyperfine(args.runs) if shutil.which("hyperfine") else with_subprocess(args.runs)
    for name, seconds in times.items():
        base = times["import geopandas (CPU)" if name.endswith("(CPU)") else "import geopandas"]
        print(f"{name:<32} {seconds:6.3f} s  {seconds / base:4.2f}x   [{tool}, {args.runs} runs]")
    base = times["import geopandas"]
    print(f"ratio={times['corridors compare --all'] / base:.2f}")


if __name__ == "__main__":
    main()
