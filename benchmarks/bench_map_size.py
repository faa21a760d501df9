"""Size of the overview map: ``corridors map --all``, with tiles from the web and ``--offline``.

Run from the repository root (not collected by pytest)::

    python benchmarks/bench_map_size.py

Prints each file's size and how long writing it took; the last line is ``bytes=<overview size>``.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path


def write_map(folder: Path, *options: str) -> tuple[int, float]:
    target = folder / f"overview{'-'.join(('', *(o.strip('-') for o in options)))}.html"
    start = time.perf_counter()
    done = subprocess.run(["corridors", "map", "--all", *options, "-o", str(target)], capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"corridors map --all {' '.join(options)} failed: {done.stderr.strip()}")
    return target.stat().st_size, seconds


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        sizes = {}
        for options in ((), ("--offline",)):
            size, seconds = write_map(Path(folder), *options)
            sizes[options] = size
            print(
                f"corridors map --all {' '.join(options):<10} {size / 1e6:6.2f} MB  ({size} bytes) in {seconds:.2f} s"
            )
    print(f"bytes={sizes[()]}")


if __name__ == "__main__":
    main()
