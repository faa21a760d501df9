"""``corridors analyze routes.parquet --engine dask`` on a real dask.distributed cluster of 1 and 2 workers.

Run from the repository root after ``pip install -e ".[dask]"`` (not collected by pytest)::

    python benchmarks/bench_dask.py --routes 100000 --row-group 10000

Writes N synthetic routes (100 vertices each) to GeoParquet in row groups of ``--row-group``, then
runs, each as its own processes under ``/usr/bin/time`` (wall, CPU, peak RSS of each process):

* the single process: ``corridors analyze routes.parquet -f json -o single.json``;
* for each worker count: ``dask scheduler``, that many ``dask worker --nthreads 1 --no-nanny``
  processes and the client ``corridors analyze routes.parquet --engine dask --scheduler ADDRESS``,
  exactly what a real cluster runs; the workers' peak RSS is read when they are stopped.

The outputs must be byte-identical to the single process's. The load average is printed with each.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from synthetic import synthetic_routes

TIME_FORMAT = "%e %U %S %M"  # wall s, user s, system s, peak RSS KiB


def timed(command: list[str], report: Path) -> list[str]:
    return ["/usr/bin/time", "-o", str(report), "-f", TIME_FORMAT, *command]


def read_time(report: Path) -> str:
    wall, user, system, rss = report.read_text().strip().splitlines()[-1].split()
    return f"{float(wall):7.1f} s wall, CPU {float(user) + float(system):6.1f} s, peak {int(rss) / 1024:6.0f} MB"


def load() -> str:
    return "load " + " ".join(f"{v:.1f}" for v in os.getloadavg())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_workers(address: str, count: int) -> None:
    from distributed import Client

    with Client(address, timeout=60) as client:
        client.wait_for_workers(count, timeout=120)


def run_single(data: Path, work: Path) -> Path:
    out = work / "single.json"
    subprocess.run(
        timed(["corridors", "analyze", str(data), "-f", "json", "-o", str(out)], work / "single.time"), check=True
    )
    print(f"single process           {read_time(work / 'single.time')}   ({load()})", flush=True)
    return out


def run_cluster(data: Path, work: Path, workers: int, expected: bytes) -> None:
    address = f"tcp://127.0.0.1:{free_port()}"
    host, port = address.rsplit(":", 1)
    scheduler = subprocess.Popen(
        ["dask", "scheduler", "--host", "127.0.0.1", "--port", port, "--no-dashboard"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    started = [
        subprocess.Popen(
            timed(
                ["dask", "worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard", "--memory-limit", "0"],
                work / f"worker{workers}-{i}.time",
            ),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for i in range(workers)
    ]
    try:
        wait_for_workers(address, workers)
        out = work / f"dask{workers}.json"
        client = ["corridors", "analyze", str(data), "--engine", "dask", "--scheduler", address, "-f", "json", "-o"]
        subprocess.run(timed([*client, str(out)], work / f"client{workers}.time"), check=True)
    finally:
        for process in started:  # SIGTERM the worker under /usr/bin/time: it exits and time reports
            for child in _children(process.pid):
                os.kill(child, signal.SIGTERM)
        for process in started:
            process.wait(timeout=60)
        scheduler.terminate()
        scheduler.wait(timeout=60)
    same = "identical" if out.read_bytes() == expected else "DIFFERENT"
    print(f"dask, {workers} worker(s), client {read_time(work / f'client{workers}.time')}   results {same}  ({load()})")
    for i in range(workers):
        print(f"  worker {i}                 {read_time(work / f'worker{workers}-{i}.time')}", flush=True)


def _children(pid: int) -> list[int]:
    listed = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False).stdout
    return [int(p) for p in listed.split()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--routes", type=int, default=100_000)
    parser.add_argument("--row-group", type=int, default=10_000, help="rows per GeoParquet row group")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--data", type=Path, help="keep the routes here (default: a temporary directory)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-dask-"))
    data = args.data or work / f"routes-{args.routes}.parquet"
    if not data.exists():
        start = time.perf_counter()
        synthetic_routes(args.routes).to_parquet(data, row_group_size=args.row_group)
        print(f"# wrote {data} in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    print(f"# {args.routes} routes of 100 vertices in row groups of {args.row_group}; {os.cpu_count()} CPUs; {load()}")
    try:
        expected = run_single(data, work).read_bytes()
        for workers in args.workers:
            run_cluster(data, work, workers, expected)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
