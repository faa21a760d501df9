"""The vectorised run cleaning and results give what the per-track engine gave (issue #14).

``crossings_reference`` is the engine as it was before the run cleaning, the absorbed records, the
run starts, the crossings and the lengths per country were computed over all lines at once; both
share the cutting and labelling. Results must agree within 1 m per route and country, with the
same countries, crossings and absorbed records.
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from corridors.analysis import clip_to, route_track
from corridors.boundaries import default_boundaries
from corridors.crossings import GAP, LANDFALL, SLIVER, analyze_line_geometries, analyze_tracks
from corridors.crossings.index import _GRID_MIN_EDGES
from corridors.crossings.results import LineAnalysis

from . import crossings_reference

METRE_KM = 0.001


def assert_same(vectorised: list[LineAnalysis], reference: list[LineAnalysis]) -> None:
    assert len(vectorised) == len(reference)
    for new, old in zip(vectorised, reference):
        assert new.length_km == pytest.approx(old.length_km, abs=METRE_KM)
        assert new.length_by_mode_km == pytest.approx(old.length_by_mode_km, abs=METRE_KM)
        assert list(new.length_by_country_km) == list(old.length_by_country_km)
        assert new.length_by_country_km == pytest.approx(old.length_by_country_km, abs=METRE_KM)
        assert new.countries == old.countries
        assert [(c.origin, c.destination, c.by_sea) for c in new.crossings] == [
            (c.origin, c.destination, c.by_sea) for c in old.crossings
        ]
        for a, b in zip(new.crossings, old.crossings):
            assert (a.lon, a.lat, a.at_km) == pytest.approx((b.lon, b.lat, b.at_km), abs=1e-6)
            assert (a.landfall_lon, a.landfall_lat, a.landfall_km) == pytest.approx(
                (b.landfall_lon, b.landfall_lat, b.landfall_km), abs=1e-6
            )
        assert [(a.kind, a.country, a.counted_as) for a in new.absorbed] == [
            (a.kind, a.country, a.counted_as) for a in old.absorbed
        ]
        for a, b in zip(new.absorbed, old.absorbed):
            assert (a.km, a.at_km) == pytest.approx((b.km, b.at_km), abs=METRE_KM)


def kinds(results: list[LineAnalysis]) -> set[str]:
    return {a.kind for r in results for a in r.absorbed}


@pytest.fixture(scope="module")
def walks():
    """400 random walks of ~10 km steps over the Caucasus, the Caspian and the Black Sea coasts."""
    rng = np.random.default_rng(14)
    steps = rng.normal(0, 0.08, (400, 60, 2))
    starts = np.column_stack([rng.uniform(36, 54, 400), rng.uniform(36, 46, 400)])
    lines = shapely.linestrings(starts[:, None, :] + np.cumsum(steps, axis=1))
    assert shapely.get_num_coordinates(lines).sum() >= _GRID_MIN_EDGES  # so the grid of cells is used
    return lines, default_boundaries().clipped(tuple(shapely.total_bounds(lines)))


@pytest.mark.parametrize("tolerance", [0.0, 1.0, 10.0])
def test_random_walks_give_what_the_per_track_engine_gave(walks, tolerance):
    lines, world = walks
    vectorised = analyze_line_geometries(lines, world, tolerance)
    assert_same(vectorised, crossings_reference.analyze_line_geometries(lines, world, tolerance))
    assert sum(len(r.crossings) for r in vectorised) > 200
    if tolerance:  # the test must see every kind of record the tolerance makes
        assert kinds(vectorised) == {SLIVER, GAP, LANDFALL}


@pytest.mark.parametrize("tolerance", [0.0, 1.0, 10.0])
def test_our_routes_with_their_modes_give_what_the_per_track_engine_gave(data, tolerance):
    tracks = [route_track(data, route_id) for route_id in data.routes.index]
    world = clip_to(default_boundaries(), tracks)
    vectorised = analyze_tracks(tracks, world, tolerance)
    assert_same(vectorised, crossings_reference.analyze_tracks(tracks, world, tolerance))
    assert any(c.by_sea for r in vectorised for c in r.crossings)
    assert GAP in kinds(vectorised)
