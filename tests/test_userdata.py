"""The engine behind ``corridors analyze`` on random lines: lengths add up, crossings follow the countries."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hypothesis import given
from hypothesis import strategies as st
from shapely.geometry import LineString

from corridors.boundaries import Boundaries
from corridors.userdata import analyze_geometries
from tests.helpers import EQUATOR_SQUARES, PROPERTY_SETTINGS

SQUARE_BOUNDARIES = Boundaries(
    np.array(list(EQUATOR_SQUARES)), np.array(list(EQUATOR_SQUARES.values()), dtype=object), "squares"
)
coordinate = st.tuples(st.floats(-0.5, 3.5), st.floats(-1.5, 1.5))


@PROPERTY_SETTINGS
@given(st.lists(st.lists(coordinate, min_size=2, max_size=8), min_size=1, max_size=6), st.sampled_from([0.0, 10.0]))
def test_lengths_add_up_and_crossings_follow_the_countries(paths, tolerance):
    lines = [LineString(p) for p in paths if shapely.length(LineString(p)) > 0]
    for result in analyze_geometries(lines, SQUARE_BOUNDARIES, tolerance):
        assert sum(result.length_by_country_km.values()) == pytest.approx(result.length_km, rel=1e-9, abs=1e-9)
        assert len(result.crossings) == max(len(result.countries) - 1, 0)
        for i, crossing in enumerate(result.crossings):
            assert (crossing.origin, crossing.destination) == (result.countries[i], result.countries[i + 1])
        at = [c.at_km for c in result.crossings]
        assert at == sorted(at) and all(-1e-9 <= km <= result.length_km + 1e-9 for km in at)
