"""Ellipsoidal lengths and geodesic densification."""

from __future__ import annotations

import numpy as np
import pytest

from corridors.geodesy import GEOD, SHORT_EDGE_M, densify, edge_lengths_m, path_length_km, short_edge_lengths_m


def test_a_degree_of_the_equator_is_111_319_km():
    assert path_length_km([(0, 0), (1, 0)]) == pytest.approx(111.319491, rel=1e-7)


def test_edge_lengths_are_vectorised_and_empty_safe():
    lengths = edge_lengths_m([0, 0], [0, 0], [1, 0], [0, 1])
    assert lengths[0] == pytest.approx(111319.491, rel=1e-7)
    assert lengths[1] == pytest.approx(110574.389, rel=1e-6)  # a degree of meridian at the equator
    assert edge_lengths_m([], [], [], []).size == 0


def test_densify_keeps_the_ends_and_bounds_the_gaps():
    line = densify([(49.0, 40.0), (50.0, 41.0), (50.0, 41.0005)], 1.99)
    assert tuple(line[0]) == (49.0, 40.0) and tuple(line[-1]) == (50.0, 41.0005)
    gaps = edge_lengths_m(line[:-1, 0], line[:-1, 1], line[1:, 0], line[1:, 1])
    assert gaps.max() <= 1990.0
    direct = path_length_km([(49.0, 40.0), (50.0, 41.0), (50.0, 41.0005)])
    assert path_length_km(line) == pytest.approx(direct, rel=1e-9)


def test_densified_points_lie_on_the_geodesic_not_the_straight_line():
    line = densify([(0.0, 60.0), (60.0, 60.0)], 100)
    middle = line[len(line) // 2]
    assert middle[1] > 63  # the geodesic between two points on a parallel bows towards the pole
    assert np.all(np.diff(line[:, 0]) > 0)


def test_short_edge_lengths_match_geod_inv_within_1e_8_relative_everywhere():
    rng = np.random.default_rng(7)
    n = 200_000
    lon0, lat0 = rng.uniform(-180, 180, n), rng.uniform(-90, 90, n)
    distance = np.exp(rng.uniform(np.log(0.01), np.log(3 * SHORT_EDGE_M), n))  # 1 cm to 60 km, any azimuth
    lon1, lat1, _ = GEOD.fwd(lon0, lat0, rng.uniform(0, 360, n), distance)  # also across the antimeridian
    exact = edge_lengths_m(lon0, lat0, lon1, lat1)
    fast = short_edge_lengths_m(lon0, lat0, lon1, lat1)
    assert np.all(np.abs(fast - exact) <= 1e-8 * exact + 1e-8)
    assert short_edge_lengths_m([], [], [], []).size == 0
    assert short_edge_lengths_m([10.0], [40.0], [10.0], [40.0])[0] == 0.0
