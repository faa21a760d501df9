"""``--engine dask`` on a dask.distributed cluster: 1 worker process against 2, and single process.

Run from the repository root after ``pip install -e ".[dask]"`` (not collected by pytest)::

    python benchmarks/bench_dask.py --routes 20000

Starts a ``LocalCluster`` of N worker processes (one thread each), analyses the same synthetic
routes there as ``corridors analyze --engine dask --scheduler ADDRESS`` does, and checks the results
are identical to the single process. On a real cluster, start ``dask scheduler`` on one machine and
``dask worker tcp://SCHEDULER:8786`` on the others (each with ``pip install 'corridors[dask]'``),
then pass ``--scheduler tcp://SCHEDULER:8786``.
"""

from __future__ import annotations

import argparse
import os
import time

from distributed import LocalCluster
from synthetic import synthetic_routes

from corridors.boundaries import default_boundaries
from corridors.userdata import UserLines, analyze_lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--routes", type=int, default=20_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    routes = synthetic_routes(args.routes)
    lines = UserLines("synthetic", routes, list(routes["id"]))
    world = default_boundaries()
    print(f"# {args.routes} routes of 100 vertices, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
    start = time.perf_counter()
    single = analyze_lines(lines, world)
    print(f"single process        {time.perf_counter() - start:7.2f} s")
    for workers in args.workers:
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
            start = time.perf_counter()
            remote = analyze_lines(lines, world, engine="dask", scheduler=cluster.scheduler_address)
            seconds = time.perf_counter() - start
        same = "identical" if remote == single else "DIFFERENT"
        print(f"dask, {workers} worker process(es) {seconds:7.2f} s  results {same}")


if __name__ == "__main__":
    main()
