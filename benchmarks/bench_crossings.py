"""Lengths + crossings of N synthetic routes over Natural Earth 10m: ours against geopandas.overlay.

Run from the repository root (not collected by pytest)::

    python benchmarks/bench_crossings.py                       # N = 1k, 10k, 100k, dask at 100k
    python benchmarks/bench_crossings.py --sizes 1000 10000 --no-dask

"Ours" is :func:`corridors.userdata.analyze_lines` (what ``corridors analyze`` runs): boundaries
clipped to the routes, every edge cut at the borders, runs cleaned with the 10 km tolerance,
lengths per country and mode on the ellipsoid, country sequence and crossings. "Overlay" is the
usual analyst way, which gives only lengths per country: ``geopandas.overlay`` of the routes with
the same clipped countries, ``dissolve`` by route and country, ``Geod.geometry_length`` of each.
Input loading is outside both timings; each is the best of ``--repeat`` runs up to N = 10 000.
The last line is ``ratio=<overlay_s/ours_s>`` at N = 10 000 (or the largest N run).
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import geopandas as gpd
import shapely
from pyproj import Geod
from synthetic import VERTICES, synthetic_routes

from corridors.boundaries import default_boundaries
from corridors.userdata import UserLines, analyze_lines

GEOD = Geod(ellps="WGS84")
REFERENCE_N = 10_000


def ours(routes: gpd.GeoDataFrame, boundaries, engine: str = "single", min_excursion_km: float = 10.0):
    lines = UserLines("synthetic", routes, list(routes["id"]))
    return analyze_lines(lines, boundaries, engine=engine, min_excursion_km=min_excursion_km)


def overlay(routes: gpd.GeoDataFrame, countries: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    pieces = gpd.overlay(routes, countries, how="intersection", keep_geom_type=True)
    by_country = pieces.dissolve(by=["id", "iso3"], as_index=False)
    by_country["km"] = by_country.geometry.apply(GEOD.geometry_length) / 1000.0
    return by_country


def timed(function, *args, repeat: int = 1, **kwargs):
    """The result and the best wall time over ``repeat`` runs (the machine may be shared)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        result = function(*args, **kwargs)
        best = min(best, time.perf_counter() - start)
    return result, best


def agreement(routes: gpd.GeoDataFrame, boundaries, countries: gpd.GeoDataFrame) -> float:
    """Largest |ours - overlay| in km over every route and country, ours without tolerance."""
    exact = ours(routes, boundaries, min_excursion_km=0.0)
    mine = {
        (rid, c): km for rid, r in zip(routes["id"], exact) for c, km in r.length_by_country_km.items() if c != "sea"
    }
    theirs = {(rid, c): km for rid, c, km in overlay(routes, countries)[["id", "iso3", "km"]].itertuples(index=False)}
    return max(abs(mine.get(k, 0.0) - theirs.get(k, 0.0)) for k in mine.keys() | theirs.keys())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--no-dask", action="store_true", help="Skip dask against single process at the largest N.")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3, help="Best of this many runs for N <= 10 000 (one above).")
    args = parser.parse_args()

    print(
        f"# {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs; "
        f"shapely {shapely.__version__}, geopandas {gpd.__version__}; {VERTICES} vertices per route"
    )
    world, load_s = timed(default_boundaries)
    print(f"Natural Earth 10m loaded in {load_s:.2f} s (outside the timings)")
    ratios: dict[int, float] = {}
    for n in args.sizes:
        routes = synthetic_routes(n, seed=args.seed)
        countries = world.clipped(tuple(routes.total_bounds)).to_geodataframe()
        repeat = args.repeat if n <= REFERENCE_N else 1
        results, ours_s = timed(ours, routes, world, repeat=repeat)
        crossings = sum(len(r.crossings) for r in results)
        _, overlay_s = timed(overlay, routes, countries, repeat=repeat)
        ratios[n] = overlay_s / ours_s
        print(
            f"N={n:>7}  ours {ours_s:8.2f} s ({ours_s / n * 1e6:6.0f} µs/route, {crossings} crossings)  "
            f"overlay {overlay_s:8.2f} s ({overlay_s / n * 1e6:6.0f} µs/route)  overlay/ours {ratios[n]:5.1f}x"
        )
        if n == min(args.sizes):
            print(
                f"  check at N={n}: ours (tolerance 0) and overlay agree per route and country "
                f"within {agreement(routes, world, countries) * 1000:.3g} m"
            )

    largest = max(args.sizes)
    if not args.no_dask:
        try:
            import dask_geopandas  # noqa: F401
        except ImportError:
            print("dask: skipped (pip install 'corridors[dask]')")
        else:
            routes = synthetic_routes(largest, seed=args.seed)
            single, single_s = timed(ours, routes, world)
            parallel, dask_s = timed(ours, routes, world, engine="dask")
            same = "identical" if single == parallel else "DIFFERENT"
            print(
                f"N={largest:>7}  single {single_s:8.2f} s  dask {dask_s:8.2f} s  single/dask "
                f"{single_s / dask_s:4.2f}x on {os.cpu_count()} CPUs  results {same}"
            )
    reference = REFERENCE_N if REFERENCE_N in ratios else largest
    print(f"ratio={ratios[reference]:.1f}")


if __name__ == "__main__":
    main()
