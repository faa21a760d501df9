"""Lengths per country of N synthetic routes: ours against geopandas.overlay and DuckDB spatial SQL.

Run from the repository root after ``pip install -e ".[bench]"`` (not collected by pytest)::

    python benchmarks/bench_crossings.py                                  # N = 1k, 10k, 100k
    python benchmarks/bench_crossings.py --sizes 1000000 --engines ours duckdb

Every engine (see ``engines.py``) runs on the same routes, in two ways, each in a fresh process so
its peak memory (max RSS) is its own:

- **in-process**: the inputs are loaded and each engine's modules imported first (routes as a
  GeoDataFrame, countries already clipped to the routes for overlay and DuckDB, Natural Earth for
  ours, which clips it itself; DuckDB's connection made and its extension loaded); only the
  analysis is timed;
- **whole process**: the command an analyst runs, from reading the GeoParquet routes to writing the
  result: ``corridors analyze routes.parquet -o out.json`` for ours (which also validates every line
  and writes crossings), ``python benchmarks/engines.py overlay|duckdb ...`` for the others.

Agreement: ours at tolerance 0 (no cleaning of border artefacts) against each other engine, largest
difference in m over every route and country, at every N both ran in-process. The last line is
``ratio_overlay=… ratio_duckdb=…`` (their in-process time over ours) at N = 10 000.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ENGINES = ("ours", "overlay", "duckdb")
REFERENCE_N = 10_000
#: Routes made by one call of the generator, and per row group of the GeoParquet input.
GENERATE_ROUTES, ROW_GROUP_ROUTES = 100_000, 10_000


def worker(engine: str, routes_path: str, countries_path: str, out_path: str, exact_path: str | None) -> None:
    """In-process run of one engine: load, time the analysis alone, print seconds and peak RSS."""
    import engines
    import geopandas as gpd

    if engine == "ours-streamed":
        from corridors.boundaries import default_boundaries

        world = default_boundaries()
        start, cpu = time.perf_counter(), time.process_time()
        crossings = engines.ours_streamed(routes_path, world, out_path)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        print(json.dumps({"seconds": seconds, "cpu": cpu, "rss_mb": peak_rss_mb(), "crossings": crossings}))
        return
    routes = gpd.read_parquet(routes_path)
    if engine == "ours":
        import corridors.userdata  # noqa: F401  imported before the timer, as the other engines' modules are
        from corridors.boundaries import default_boundaries

        world = default_boundaries()
        start, cpu = time.perf_counter(), time.process_time()
        results = engines.ours(routes, world)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        engines.ours_pairs(routes, results).to_csv(out_path, index=False)
        if exact_path:
            engines.ours_pairs(routes, engines.ours(routes, world, min_excursion_km=0.0)).to_csv(
                exact_path, index=False
            )
        extra = {"crossings": sum(len(r.crossings) for r in results)}
    else:
        countries = gpd.read_parquet(countries_path)
        if engine == "overlay":
            start, cpu = time.perf_counter(), time.process_time()
            pairs = engines.overlay(routes, countries)
        else:
            connection = engines.duckdb_connection()
            engines.duckdb_load(connection, routes, countries)
            start, cpu = time.perf_counter(), time.process_time()
            pairs = engines.duckdb_run(connection)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        pairs.to_csv(out_path, index=False)
        extra = {}
    print(json.dumps({"seconds": seconds, "cpu": cpu, "rss_mb": peak_rss_mb()} | extra))


def peak_rss_mb() -> float:
    """This process's peak RSS in MB: VmHWM, the high-water mark of its own memory since exec.

    Not ``ru_maxrss``: on Linux a child started by vfork (as ``subprocess`` does) inherits its
    parent's high-water mark at exec, so it reports at least the parent's peak (980 MB for a child
    of a parent that once held 1 GB, against 14 MB of its own).
    """
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(command: list[str]) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds (user + system, all threads), peak RSS (MB) and stdout of a child process.

    CPU time comes from wait4, so it is this child's alone. Its peak RSS comes from ``/usr/bin/time``
    (GNU time), which forks the command, when it is installed: ``ru_maxrss`` of a child this process
    starts would include this process's own peak (see :func:`peak_rss_mb`). Without it, that figure
    is an upper bound, and is marked as such.
    """
    timer = Path("/usr/bin/time")
    with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr, tempfile.NamedTemporaryFile() as rss:
        wrapped = [str(timer), "-f", "%M", "-o", rss.name, *command] if timer.exists() else command
        start = time.perf_counter()
        process = subprocess.Popen(wrapped, stdout=stdout, stderr=stderr, env=_environment())
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode:
            stderr.seek(0)
            sys.exit(f"{' '.join(command)} failed:\n{stderr.read().decode()[-2000:]}")
        stdout.seek(0)
        if timer.exists():
            rss_mb = int(Path(rss.name).read_text().split()[-1]) / 1024
        else:
            rss_mb = usage.ru_maxrss / 1024
            print(f"  (no /usr/bin/time: {rss_mb:.0f} MB is an upper bound of the peak RSS)", flush=True)
        return seconds, usage.ru_utime + usage.ru_stime, rss_mb, stdout.read().decode()


def _environment() -> dict[str, str]:
    root = str(HERE.parent)
    path = os.environ.get("PYTHONPATH")
    return os.environ | {"PYTHONPATH": f"{root}:{HERE}" + (f":{path}" if path else "")}


def prepare(n: int, data: Path, seed: int) -> tuple[Path, Path]:
    """The routes and clipped countries as GeoParquet, made once per (N, seed).

    Up to GENERATE_ROUTES routes are one call of ``synthetic_routes(n, seed)``; more are made
    GENERATE_ROUTES at a time (seeded by seed and part) and written part by part, so that making a
    million routes holds one part in memory. Row groups of ROW_GROUP_ROUTES let a reader stream it.
    """
    import json

    import numpy as np
    import pyarrow.parquet as pq
    from synthetic import synthetic_routes

    from corridors.boundaries import default_boundaries

    routes_path, countries_path = data / f"routes-{n}-{seed}.parquet", data / f"countries-{n}-{seed}.parquet"
    if routes_path.exists():
        return routes_path, countries_path
    if n <= GENERATE_ROUTES:
        routes = synthetic_routes(n, seed=seed)
        routes.to_parquet(routes_path, row_group_size=ROW_GROUP_ROUTES)
        bounds = tuple(routes.total_bounds)
    else:
        parts, extents = [], []
        for part, first in enumerate(range(0, n, GENERATE_ROUTES)):
            routes = synthetic_routes(min(GENERATE_ROUTES, n - first), seed=seed * 1000 + part)
            routes["id"] = [f"r{first + i:07d}" for i in range(len(routes))]
            parts.append(data / f"part-{n}-{seed}-{part}.parquet")
            routes.to_parquet(parts[-1])
            extents.append(routes.total_bounds)
            print(f"  generated {first + len(routes):,} of {n:,} routes", flush=True)
        # The walks wander out of REGION: the file's bbox is that of every part, as one write would say.
        low, high = np.min(extents, axis=0), np.max(extents, axis=0)
        bounds = (float(low[0]), float(low[1]), float(high[2]), float(high[3]))
        schema = pq.read_schema(parts[0])
        geo = json.loads(schema.metadata[b"geo"])
        geo["columns"]["geometry"]["bbox"] = list(bounds)
        schema = schema.with_metadata(schema.metadata | {b"geo": json.dumps(geo).encode()})
        with pq.ParquetWriter(routes_path.with_suffix(".tmp"), schema) as writer:
            for part_path in parts:  # one part in memory at a time
                table = pq.read_table(part_path).replace_schema_metadata(schema.metadata)
                writer.write_table(table, row_group_size=ROW_GROUP_ROUTES)
                part_path.unlink()
        routes_path.with_suffix(".tmp").rename(routes_path)
    default_boundaries().clipped(bounds).to_geodataframe().to_parquet(countries_path)
    return routes_path, countries_path


def streamed(n: int, routes_path: Path, out_path: Path) -> tuple[float, float, float]:
    """Ours reading the routes batch by batch, in a fresh process: seconds, CPU seconds, peak RSS (MB)."""
    command = [sys.executable, __file__, "--worker", "ours-streamed", str(routes_path), "-", str(out_path), "-"]
    report = json.loads(run(command)[3].strip().splitlines()[-1])
    print(
        f"N={n:>8}     ours streamed   {report['seconds']:8.2f} s (CPU {report['cpu']:8.2f} s) "
        f"{report['rss_mb']:7.0f} MB, {report['crossings']} crossings",
        flush=True,
    )
    return report["seconds"], report["cpu"], report["rss_mb"]


def max_difference_m(path_a: Path, path_b: Path) -> float:
    """Largest |a - b| in m over every (id, iso3) in either CSV (missing pairs count as 0 km)."""
    import pandas as pd

    a, b = pd.read_csv(path_a), pd.read_csv(path_b)
    both = a.merge(b, on=["id", "iso3"], how="outer", suffixes=("_a", "_b")).fillna(0.0)
    return float((both["km_a"] - both["km_b"]).abs().max() * 1000.0)


def print_table(args: argparse.Namespace, rows: dict[tuple[int, str, str], tuple[float, float, float]]) -> None:
    """The Markdown table of every size, mode and engine, then the ratios at N = 10 000."""
    modes = [mode for mode in ("in-process", "streamed", "whole") if mode in args.modes]
    print("\n| routes | mode | " + " | ".join(args.engines) + " |")
    print("| ---: | --- | " + " | ".join("---:" for _ in args.engines) + " |")
    for n in args.sizes:
        for mode in modes:
            cells = [
                "{:.2f} s (CPU {:.2f} s), {:.0f} MB".format(*rows[n, e, mode]) if (n, e, mode) in rows else "–"
                for e in args.engines
            ]
            print(f"| {n:,} | {mode} | " + " | ".join(cells) + " |")
    if REFERENCE_N in args.sizes and "ours" in args.engines and "in-process" in args.modes:
        ours_s = rows[REFERENCE_N, "ours", "in-process"][0]
        ratios = [
            f"ratio_{e}={rows[REFERENCE_N, e, 'in-process'][0] / ours_s:.1f}" for e in args.engines if e != "ours"
        ]
        print(" ".join(ratios))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=list(ENGINES))
    parser.add_argument(
        "--modes",
        nargs="+",
        choices=["in-process", "whole", "streamed"],
        default=["in-process", "whole"],
        help="streamed: ours only, reading the GeoParquet routes batch by batch, timed from the first read.",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=2, help="Best of this many runs for N <= 10 000 (one above).")
    parser.add_argument("--data", type=Path, help="Keep the generated GeoParquet inputs here between runs.")
    parser.add_argument("--worker", nargs=5, metavar=("ENGINE", "ROUTES", "COUNTRIES", "OUT", "EXACT"), help="internal")
    args = parser.parse_args()
    if args.worker:
        engine, routes_path, countries_path, out_path, exact = args.worker
        return worker(engine, routes_path, countries_path, out_path, exact if exact != "-" else None)

    import geopandas as gpd
    import shapely

    versions = f"shapely {shapely.__version__}, geopandas {gpd.__version__}"
    if "duckdb" in args.engines:
        import duckdb

        versions += f", duckdb {duckdb.__version__} (spatial from duckdb-extension-spatial)"
    print(
        f"# Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs, "
        f"load {os.getloadavg()[0]:.1f}; {versions}"
    )
    data_dir = tempfile.TemporaryDirectory()
    data = args.data or Path(data_dir.name)
    data.mkdir(parents=True, exist_ok=True)
    out = Path(data_dir.name)
    rows: dict[tuple[int, str, str], tuple[float, float]] = {}
    for n in args.sizes:
        routes_path, countries_path = prepare(n, data, args.seed)
        repeat = args.repeat if n <= REFERENCE_N else 1
        for engine in args.engines:
            result = out / f"{engine}-{n}.csv"
            exact = out / f"exact-{n}.csv" if engine == "ours" else None
            if "in-process" in args.modes:
                best = None
                for attempt in range(repeat):
                    command = [
                        sys.executable,
                        __file__,
                        "--worker",
                        engine,
                        str(routes_path),
                        str(countries_path),
                        str(result),
                        str(exact) if exact and attempt == 0 else "-",
                    ]
                    report = json.loads(run(command)[3].strip().splitlines()[-1])
                    if best is None or report["seconds"] < best["seconds"]:
                        best = report
                rows[n, engine, "in-process"] = best["seconds"], best["cpu"], best["rss_mb"]
                note = f", {best['crossings']} crossings" if "crossings" in best else ""
                print(
                    f"N={n:>8} {engine:>8} in-process {best['seconds']:8.2f} s (CPU {best['cpu']:8.2f} s) "
                    f"{best['rss_mb']:7.0f} MB{note}",
                    flush=True,
                )
            if "streamed" in args.modes and engine == "ours":
                rows[n, engine, "streamed"] = streamed(n, routes_path, out / f"streamed-{n}.csv")
            if "whole" in args.modes:
                whole_out = out / f"whole-{engine}-{n}"
                command = (
                    [
                        sys.executable,
                        "-m",
                        "corridors.cli.main",
                        "analyze",
                        str(routes_path),
                        "-f",
                        "json",
                        "-o",
                        f"{whole_out}.json",
                    ]
                    if engine == "ours"
                    else [
                        sys.executable,
                        str(HERE / "engines.py"),
                        engine,
                        str(routes_path),
                        str(countries_path),
                        f"{whole_out}.csv",
                    ]
                )
                seconds, cpu, rss_mb = min((run(command)[:3] for _ in range(repeat)), key=lambda r: r[0])
                rows[n, engine, "whole"] = seconds, cpu, rss_mb
                print(
                    f"N={n:>8} {engine:>8} whole      {seconds:8.2f} s (CPU {cpu:8.2f} s) {rss_mb:7.0f} MB", flush=True
                )
        if {"in-process", "streamed"} <= set(args.modes) and "ours" in args.engines:
            difference = max_difference_m(out / f"ours-{n}.csv", out / f"streamed-{n}.csv")
            print(f"  agreement at N={n}: ours streamed and in one go within {difference:.3g} m")
        if "in-process" in args.modes and "ours" in args.engines:
            for engine in args.engines:
                if engine != "ours":
                    difference = max_difference_m(out / f"exact-{n}.csv", out / f"{engine}-{n}.csv")
                    print(
                        f"  agreement at N={n}: ours (tolerance 0) and {engine} within {difference:.3g} m"
                        " per route and country"
                    )

    print_table(args, rows)


if __name__ == "__main__":
    main()
