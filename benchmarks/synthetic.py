"""Synthetic routes over the Caucasus–Central Asia region, shared by the benchmark scripts."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Geod

#: Türkiye to western China, the Black Sea to the Gulf of Oman: where the corridors run.
REGION = (26.0, 30.0, 80.0, 50.0)
VERTICES = 100
_GEOD = Geod(ellps="WGS84")


def synthetic_routes(n: int, seed: int = 0, vertices: int = VERTICES) -> gpd.GeoDataFrame:
    """``n`` routes of ``vertices`` vertices each, in EPSG:4326: half random walks, half geodesics.

    A random walk takes ~10 km steps with a slowly turning heading; a geodesic runs between two
    random points of the region, densified to the same number of vertices. Both cross borders often.
    """
    rng = np.random.default_rng(seed)
    minx, miny, maxx, maxy = REGION
    start = np.column_stack([rng.uniform(minx, maxx, n), rng.uniform(miny, maxy, n)])
    walks = n // 2
    lines = np.empty(n, dtype=object)

    heading = rng.uniform(0, 360, walks)[:, None] + np.cumsum(rng.normal(0, 15, (walks, vertices - 1)), axis=1)
    step_m = rng.uniform(5_000, 15_000, (walks, vertices - 1))
    lon, lat = np.empty((walks, vertices)), np.empty((walks, vertices))
    lon[:, 0], lat[:, 0] = start[:walks, 0], start[:walks, 1]
    for i in range(1, vertices):
        lon[:, i], lat[:, i], _ = _GEOD.fwd(lon[:, i - 1], lat[:, i - 1], heading[:, i - 1], step_m[:, i - 1])
    lines[:walks] = shapely.linestrings(np.stack([lon, lat], axis=2))

    end = np.column_stack([rng.uniform(minx, maxx, n - walks), rng.uniform(miny, maxy, n - walks)])
    for k, ((x0, y0), (x1, y1)) in enumerate(zip(start[walks:], end)):
        inner = _GEOD.npts(x0, y0, x1, y1, vertices - 2)
        lines[walks + k] = shapely.LineString([(x0, y0), *inner, (x1, y1)])
    return gpd.GeoDataFrame({"id": [f"r{i:06d}" for i in range(n)]}, geometry=lines, crs="EPSG:4326")
