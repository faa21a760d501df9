"""Ellipsoidal lengths and geodesic densification."""

from __future__ import annotations

import numpy as np
import pytest

from corridors.geodesy import densify, edge_lengths_m, path_length_km


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
