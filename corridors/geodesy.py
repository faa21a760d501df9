"""Lengths and densification on the WGS84 ellipsoid (never planar lengths in degrees)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from pyproj import Geod

GEOD = Geod(ellps="WGS84")
_A = GEOD.a
_E2 = GEOD.es
#: Edges up to this long are measured by :func:`short_edge_lengths_m`'s local formula (relative error
#: below 1e-8 there: 0.2 mm on a 20 km edge, 0.1 m over a 10 000 km line); longer ones by Geod.inv.
SHORT_EDGE_M = 20_000.0
#: Beyond this latitude edges always go to Geod.inv (the local formula was only checked up to ±85°).
_LOCAL_MAX_LAT = 85.0


def edge_lengths_m(lon0: ArrayLike, lat0: ArrayLike, lon1: ArrayLike, lat1: ArrayLike) -> np.ndarray:
    """Geodesic length in metres of each edge, vectorised over arrays of endpoints.

    Parameters
    ----------
    lon0, lat0
        Start points, in degrees.
    lon1, lat1
        End points, in degrees.

    Returns
    -------
    numpy.ndarray
        Lengths in metres, one per edge.
    """
    lon0, lat0, lon1, lat1 = (np.asarray(a, dtype=float) for a in (lon0, lat0, lon1, lat1))
    if lon0.size == 0:
        return np.zeros(0)
    _, _, dist = GEOD.inv(lon0, lat0, lon1, lat1)
    return np.asarray(dist, dtype=float)


def short_edge_lengths_m(lon0: ArrayLike, lat0: ArrayLike, lon1: ArrayLike, lat1: ArrayLike) -> np.ndarray:
    """Geodesic length in metres of each edge, as :func:`edge_lengths_m` but ~5x faster on short edges.

    Edges shorter than :data:`SHORT_EDGE_M` use a local ellipsoidal formula: the east and north
    components with the prime-vertical and meridian radii of curvature at the mid-latitude, scaled by
    the sphere's ratio of true (haversine) to flat angular distance, which corrects for the meridians
    converging. Against ``Geod.inv`` on 2 M random edges up to ±85° its relative error is below
    2.9e-9 up to 10 km and 8.7e-9 up to 20 km (``tests/test_geodesy.py`` checks it). Longer edges and
    edges beyond ±85° are measured exactly by ``Geod.inv``.

    Parameters
    ----------
    lon0, lat0
        Start points, in degrees.
    lon1, lat1
        End points, in degrees.

    Returns
    -------
    numpy.ndarray
        Lengths in metres, one per edge.
    """
    lon0, lat0, lon1, lat1 = (np.asarray(a, dtype=float) for a in (lon0, lat0, lon1, lat1))
    if lon0.size == 0:
        return np.zeros(0)
    phi0, phi1 = np.radians(lat0), np.radians(lat1)
    d_lambda = np.radians((lon1 - lon0 + 180.0) % 360.0 - 180.0)
    d_phi = phi1 - phi0
    sin_mid = np.sin((phi0 + phi1) / 2.0)
    cos2_mid = 1.0 - sin_mid * sin_mid
    w = 1.0 - _E2 * sin_mid * sin_mid
    prime_vertical = _A / np.sqrt(w)
    meridian = prime_vertical * (1.0 - _E2) / w
    east2 = cos2_mid * d_lambda * d_lambda
    flat = np.sqrt(prime_vertical * prime_vertical * east2 + meridian * meridian * d_phi * d_phi)
    # On the unit sphere: haversine with cos(phi0) cos(phi1) = cos^2(mid) - sin^2(d_phi / 2).
    half_phi2 = np.sin(d_phi / 2.0) ** 2
    haversine = half_phi2 + (cos2_mid - half_phi2) * np.sin(d_lambda / 2.0) ** 2
    sphere = 2.0 * np.arcsin(np.sqrt(np.clip(haversine, 0.0, 1.0)))
    sphere_flat = np.sqrt(east2 + d_phi * d_phi)
    with np.errstate(invalid="ignore", divide="ignore"):
        lengths = np.where(sphere_flat > 0, flat * (sphere / sphere_flat), 0.0)
    exact = (lengths > SHORT_EDGE_M) | (np.abs(lat0) > _LOCAL_MAX_LAT) | (np.abs(lat1) > _LOCAL_MAX_LAT)
    if exact.any():
        lengths[exact] = edge_lengths_m(lon0[exact], lat0[exact], lon1[exact], lat1[exact])
    return lengths


def path_length_km(coords: ArrayLike) -> float:
    """Geodesic length in km of a path given as an (n, 2) array of lon/lat.

    Parameters
    ----------
    coords
        The path's vertices, lon/lat in degrees.

    Returns
    -------
    float
        Length in km; 0 for fewer than two points.
    """
    xy = np.asarray(coords, dtype=float)
    if len(xy) < 2:
        return 0.0
    return float(edge_lengths_m(xy[:-1, 0], xy[:-1, 1], xy[1:, 0], xy[1:, 1]).sum() / 1000.0)


def densify(coords: ArrayLike, max_spacing_km: float) -> np.ndarray:
    """Insert points along the geodesic of each edge so no two neighbours are further apart than the spacing.

    Parameters
    ----------
    coords
        The path's vertices, an (n, 2) array of lon/lat in degrees.
    max_spacing_km
        Greatest distance between neighbouring points, in km.

    Returns
    -------
    numpy.ndarray
        The path with the original and inserted vertices, (m, 2).
    """
    xy = np.asarray(coords, dtype=float)
    out = [xy[:1]]
    for (lon0, lat0), (lon1, lat1) in zip(xy[:-1], xy[1:]):
        _, _, dist = GEOD.inv(lon0, lat0, lon1, lat1)
        extra = int(np.ceil(dist / 1000.0 / max_spacing_km)) - 1
        if extra > 0:
            out.append(np.asarray(GEOD.npts(lon0, lat0, lon1, lat1, extra), dtype=float))
        out.append(np.array([[lon1, lat1]]))
    return np.concatenate(out)
