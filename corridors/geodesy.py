"""Lengths and densification on the WGS84 ellipsoid (never planar lengths in degrees)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from pyproj import Geod

GEOD = Geod(ellps="WGS84")


def edge_lengths_m(lon0: ArrayLike, lat0: ArrayLike, lon1: ArrayLike, lat1: ArrayLike) -> np.ndarray:
    """Geodesic length in metres of each edge, vectorised over arrays of endpoints."""
    lon0, lat0, lon1, lat1 = (np.asarray(a, dtype=float) for a in (lon0, lat0, lon1, lat1))
    if lon0.size == 0:
        return np.zeros(0)
    _, _, dist = GEOD.inv(lon0, lat0, lon1, lat1)
    return np.asarray(dist, dtype=float)


def path_length_km(coords: ArrayLike) -> float:
    """Geodesic length in km of a path given as an (n, 2) array of lon/lat."""
    xy = np.asarray(coords, dtype=float)
    if len(xy) < 2:
        return 0.0
    return float(edge_lengths_m(xy[:-1, 0], xy[:-1, 1], xy[1:, 0], xy[1:, 1]).sum() / 1000.0)


def densify(coords: ArrayLike, max_spacing_km: float) -> np.ndarray:
    """Insert points along the geodesic of each edge so no two neighbours are further apart than the spacing."""
    xy = np.asarray(coords, dtype=float)
    out = [xy[:1]]
    for (lon0, lat0), (lon1, lat1) in zip(xy[:-1], xy[1:]):
        _, _, dist = GEOD.inv(lon0, lat0, lon1, lat1)
        extra = int(np.ceil(dist / 1000.0 / max_spacing_km)) - 1
        if extra > 0:
            out.append(np.asarray(GEOD.npts(lon0, lat0, lon1, lat1, extra), dtype=float))
        out.append(np.array([[lon1, lat1]]))
    return np.concatenate(out)
