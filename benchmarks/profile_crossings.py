"""Where the time of ``corridors analyze``'s engine goes: a CPU profile of N synthetic routes, by stage.

Run from the repository root (not collected by pytest)::

    python benchmarks/profile_crossings.py --routes 10000

The routes are ``synthetic.py``'s (100 vertices each), analysed as ``bench_crossings.py`` analyses
them in-process (``engines.ours``: clipping the borders and building their indexes included), once
to warm up on other routes, then under cProfile with a CPU clock. cProfile adds a cost to every
Python call, so stages made of many small calls look heavier than they are; the total without the
profiler is printed first.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time

import engines
from synthetic import synthetic_routes

from corridors.boundaries import default_boundaries
from corridors.vocab import DEFAULT_MIN_EXCURSION_KM

CUTS, RUNS, TRACKS = "crossings/index.py", "crossings/runs.py", "crossings/__init__.py"
STRTREE = "~"
#: Stages and the functions (file, name, only when called by this function or None) whose
#: cumulative times make them; no function counted calls another counted one.
STAGES = {
    "cutting edges at the outlines": [(CUTS, "_cuts", None)],
    "labelling pieces (polygon lookups, grid cells)": [
        (CUTS, "_owners", "_split_and_label"),
        (CUTS, "point_cells", None),
        (CUTS, "edge_cells", None),
    ],
    "midpoints on an outline (border search)": [
        (STRTREE, "<method 'dwithin' of 'shapely.lib.STRtree' objects>", None)
    ],
    "geodesic lengths": [("corridors/geodesy.py", "short_edge_lengths_m", None)],
    "grid of country cells (once per borders)": [(CUTS, "_grid_of", None)],
    "gaps and landfalls (nearest outline)": [
        (STRTREE, "<method 'query_nearest' of 'shapely.lib.STRtree' objects>", None)
    ],
    "per-track cumulative km": [(TRACKS, "<listcomp>", None), (TRACKS, "_cumulative_by_track", None)],
    "run cleaning, absorbed records, run starts": [
        (RUNS, "_drop_excursions", None),
        (RUNS, "_absorbed", None),
        (RUNS, "points_at", None),
        (RUNS, "_point_at", None),
        (RUNS, "run_start", None),
    ],
    "results: lengths per country, crossings, objects": [(RUNS, "_results", None), (RUNS, "_line_analysis", None)],
}


def stage_seconds(stats: dict, functions: list[tuple[str, str, str | None]]) -> float:
    """CPU seconds of the stage's functions (cumulative, or only from the caller named)."""
    seconds = 0.0
    for (path, _, name), (_, _, _, cumtime, callers) in stats.items():
        for file, function, caller in functions:
            if path.endswith(file) and name == function:
                if caller is None:
                    seconds += cumtime
                else:
                    seconds += sum(edge[3] for (_, _, by), edge in callers.items() if by == caller)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--routes", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    routes = synthetic_routes(args.routes, seed=args.seed)
    world = default_boundaries()
    engines.ours(synthetic_routes(200, seed=args.seed + 1), world, DEFAULT_MIN_EXCURSION_KM)  # imports and first calls
    cpu = time.process_time()
    engines.ours(routes, world, DEFAULT_MIN_EXCURSION_KM)
    print(f"{args.routes} routes: {time.process_time() - cpu:.2f} s of CPU without the profiler")

    routes = synthetic_routes(args.routes, seed=args.seed + 2)  # other borders' clip: indexes built anew
    profile = cProfile.Profile(time.process_time)
    profile.runcall(engines.ours, routes, world, DEFAULT_MIN_EXCURSION_KM)
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    total = sum(tottime for _, _, tottime, _, _ in stats.values())
    print(f"under cProfile: {total:.2f} s of CPU")
    counted = 0.0
    for stage, functions in STAGES.items():
        seconds = stage_seconds(stats, functions)
        counted += seconds
        print(f"  {stage:<52} {seconds:6.2f} s")
    print(f"  {'the rest (edges, pieces, runs: numpy; clipping)':<52} {total - counted:6.2f} s")


if __name__ == "__main__":
    main()
