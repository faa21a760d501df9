"""Crossings and lengths on synthetic square countries, where the answers are exact.

One degree of longitude along the equator is 111.319 491 km on the WGS84 ellipsoid.
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, MultiPolygon, box

from corridors import crossings
from corridors.boundaries import Boundaries, default_boundaries
from corridors.crossings import SEA, Absorbed, analyze_line_geometries, analyze_tracks
from corridors.tracks import Track

DEGREE_KM = 111.319491
NO_GRID = 10**12


@pytest.fixture(autouse=True, params=["with the grid", "without the grid"])
def grid(request, monkeypatch):
    """Every exact case runs both with the grid of country cells (forced on) and without it."""
    monkeypatch.setattr(crossings.index, "_GRID_MIN_EDGES", 0 if request.param == "with the grid" else NO_GRID)


def countries(**polygons) -> Boundaries:
    return Boundaries(np.array(list(polygons)), np.array(list(polygons.values()), dtype=object), "synthetic")


def analyze(coords, bounds, modes=None, tolerance=10.0):
    track = Track.from_geometry(LineString(coords), modes)
    return analyze_tracks([track], bounds, tolerance)[0]


def test_crossing_on_a_shared_border_is_exact():
    result = analyze([(0.5, 0), (1.5, 0)], countries(AAA=box(0, -1, 1, 1), BBB=box(1, -1, 2, 1)))
    assert result.length_km == pytest.approx(DEGREE_KM, rel=1e-6)
    assert result.countries == ["AAA", "BBB"]
    assert result.length_by_country_km == pytest.approx({"AAA": DEGREE_KM / 2, "BBB": DEGREE_KM / 2}, rel=1e-6)
    [crossing] = result.crossings
    assert (crossing.origin, crossing.destination, crossing.by_sea) == ("AAA", "BBB", False)
    assert (crossing.lon, crossing.lat) == pytest.approx((1.0, 0.0))
    assert crossing.at_km == pytest.approx(DEGREE_KM / 2, rel=1e-6)


def test_an_exclave_gives_the_country_twice():
    home = MultiPolygon([box(0, -1, 1, 1), box(2, -1, 3, 1)])
    result = analyze([(0.5, 0), (2.5, 0)], countries(AAA=home, BBB=box(1, -1, 2, 1)))
    assert result.countries == ["AAA", "BBB", "AAA"]
    assert [c.lon for c in result.crossings] == pytest.approx([1.0, 2.0])
    assert [c.at_km for c in result.crossings] == pytest.approx([DEGREE_KM / 2, DEGREE_KM * 1.5], rel=1e-6)
    assert result.length_by_country_km["BBB"] == pytest.approx(DEGREE_KM, rel=1e-6)


@pytest.mark.parametrize("modes", [["road", "ferry", "road"], None])
def test_a_sea_passage_is_one_crossing_from_coast_to_coast(modes):
    result = analyze([(0.5, 0), (1, 0), (2, 0), (2.5, 0)], countries(AAA=box(0, -1, 1, 1), BBB=box(2, -1, 3, 1)), modes)
    assert result.countries == ["AAA", "BBB"]
    [crossing] = result.crossings
    assert crossing.by_sea
    assert (crossing.lon, crossing.landfall_lon) == pytest.approx((1.0, 2.0))
    assert (crossing.at_km, crossing.landfall_km) == pytest.approx((DEGREE_KM / 2, DEGREE_KM * 1.5), rel=1e-6)
    assert result.length_by_country_km[SEA] == pytest.approx(DEGREE_KM, rel=1e-6)
    if modes:
        assert result.length_by_mode_km == pytest.approx({"road": DEGREE_KM, "ferry": DEGREE_KM}, rel=1e-6)


def test_a_sea_round_trip_to_the_same_country_is_no_crossing():
    home = MultiPolygon([box(0, -1, 1, 1), box(2, -1, 3, 1)])
    result = analyze([(0.5, 0), (2.5, 0)], countries(AAA=home), ["ferry"])
    assert result.countries == ["AAA"] and result.crossings == []


def test_a_sliver_shorter_than_the_tolerance_is_split_between_its_neighbours():
    bounds = countries(AAA=box(0, -1, 1, 1), CCC=box(1, -1, 1.02, 1), BBB=box(1.02, -1, 2, 1))
    tolerant = analyze([(0.5, 0), (1.5, 0)], bounds, tolerance=10.0)
    assert tolerant.countries == ["AAA", "BBB"]
    assert tolerant.crossings[0].lon == pytest.approx(1.01)
    assert tolerant.tolerance_km == 10.0
    exact = analyze([(0.5, 0), (1.5, 0)], bounds, tolerance=0.0)
    assert exact.countries == ["AAA", "CCC", "BBB"]
    assert exact.length_by_country_km["CCC"] == pytest.approx(0.02 * DEGREE_KM, rel=1e-5)


def test_what_the_tolerance_absorbs_is_listed_with_where_and_how_much():
    bounds = countries(AAA=box(0, -1, 1, 1), CCC=box(1, -1, 1.02, 1), BBB=box(1.02, -1, 2, 1))
    result = analyze([(0.5, 0), (1.5, 0)], bounds, tolerance=10.0)
    half = 0.01 * DEGREE_KM
    assert result.absorbed == [
        Absorbed("sliver", "CCC", "AAA", pytest.approx(half, rel=1e-5), pytest.approx(0.5 * DEGREE_KM, rel=1e-6)),
        Absorbed("sliver", "CCC", "BBB", pytest.approx(half, rel=1e-5), pytest.approx(0.51 * DEGREE_KM, rel=1e-6)),
    ]
    assert result.absorbed_km == pytest.approx(2 * half, rel=1e-5)
    assert result.to_dict()["absorbed"][0] == {
        "kind": "sliver", "country": "CCC", "counted_as": "AAA", "km": round(half, 3), "at_km": 55.66
    }
    assert analyze([(0.5, 0), (1.5, 0)], bounds, tolerance=0.0).absorbed == []


def test_a_line_ending_in_a_country_reaches_it_whatever_the_tolerance():
    bounds = countries(AAA=box(0, -1, 1, 1), BBB=box(1, -1, 2, 1))
    result = analyze([(0.5, 0), (1.02, 0)], bounds, tolerance=10.0)
    assert result.countries == ["AAA", "BBB"]
    assert result.length_by_country_km["BBB"] == pytest.approx(0.02 * DEGREE_KM, rel=1e-5)
    assert result.absorbed == []


def test_a_long_gap_on_a_rail_or_road_leg_is_land_but_on_a_line_without_modes_is_water():
    bounds = countries(AAA=box(0, -1, 1, 1), BBB=box(1.2, -1, 2, 1))  # a 22 km reservoir between them
    by_rail = analyze([(0.5, 0), (1.5, 0)], bounds, ["rail"], tolerance=1.0)
    assert by_rail.countries == ["AAA", "BBB"] and SEA not in by_rail.length_by_country_km
    assert 1.0 <= by_rail.crossings[0].lon <= 1.2  # somewhere in the gap: each piece takes the nearest country
    assert {(a.kind, a.country) for a in by_rail.absorbed} == {("gap", None)}
    assert by_rail.absorbed_km == pytest.approx(0.2 * DEGREE_KM, rel=1e-5)
    unknown = analyze([(0.5, 0), (1.5, 0)], bounds, tolerance=1.0)
    assert unknown.length_by_country_km[SEA] == pytest.approx(0.2 * DEGREE_KM, rel=1e-5)
    assert unknown.absorbed == []


def test_a_landfall_says_how_far_offshore_the_line_ends():
    bounds = countries(AAA=box(0, -1, 1, 1), BBB=box(2.005, -1, 3, 1))
    result = analyze([(0.5, 0), (1, 0), (2, 0)], bounds, ["road", "sea"], tolerance=1.0)
    assert result.countries == ["AAA", "BBB"]
    [landfall] = result.absorbed
    assert (landfall.kind, landfall.country, landfall.counted_as) == ("landfall", None, "BBB")
    assert landfall.km == pytest.approx(0.005 * DEGREE_KM, rel=1e-3)
    assert landfall.at_km == pytest.approx(result.length_km)
    assert result.absorbed_km == 0.0


def test_a_sliver_inside_one_country_disappears():
    home = MultiPolygon([box(0, -1, 1, 1), box(1.02, -1, 2, 1)])
    result = analyze([(0.5, 0), (1.5, 0)], countries(AAA=home, CCC=box(1, -1, 1.02, 1)))
    assert result.countries == ["AAA"] and result.crossings == []
    assert result.length_by_country_km == pytest.approx({"AAA": DEGREE_KM}, rel=1e-6)


def test_a_real_passage_longer_than_the_tolerance_is_kept():
    bounds = countries(AAA=box(0, -1, 1, 1), CCC=box(1, -1, 1.2, 1), BBB=box(1.2, -1, 2, 1))
    assert analyze([(0.5, 0), (1.5, 0)], bounds).countries == ["AAA", "CCC", "BBB"]


def test_a_short_gap_on_land_takes_the_nearest_country():
    bounds = countries(AAA=box(0, -1, 1, 1), BBB=box(1.01, -1, 2, 1))
    result = analyze([(0.5, 0), (1.5, 0)], bounds, ["rail"])
    assert result.countries == ["AAA", "BBB"]
    assert SEA not in result.length_by_country_km
    assert 1.0 <= result.crossings[0].lon <= 1.01  # somewhere in the gap the map leaves


def test_the_antimeridian_is_crossed_the_short_way():
    bounds = countries(AAA=box(179, -1, 180, 1), BBB=box(-180, -1, -179, 1))
    result = analyze([(179.5, 0), (-179.5, 0)], bounds)
    assert result.length_km == pytest.approx(DEGREE_KM, rel=1e-6)
    assert result.countries == ["AAA", "BBB"]
    [crossing] = result.crossings
    assert abs(crossing.lon) == pytest.approx(180.0)
    assert crossing.at_km == pytest.approx(DEGREE_KM / 2, rel=1e-6)


def test_many_tracks_in_one_call_match_one_by_one():
    bounds = countries(AAA=box(0, -1, 1, 1), BBB=box(1, -1, 2, 1))
    lines = [LineString([(0.1 + i / 10, -0.5), (1.1 + i / 20, 0.5)]) for i in range(8)]
    together = analyze_tracks([Track.from_geometry(line) for line in lines], bounds)
    for line, result in zip(lines, together):
        alone = analyze_tracks([Track.from_geometry(line)], bounds)[0]
        assert result == alone


def test_length_is_geodesic_not_planar():
    bounds = countries(AAA=box(0, 59, 2, 61))
    result = analyze([(0.5, 60), (1.5, 60)], bounds)
    # At 60°N a degree of longitude is about half what it is on the equator.
    assert result.length_km == pytest.approx(55.8, abs=0.2)
    assert shapely.length(LineString([(0.5, 60), (1.5, 60)])) == 1.0


def test_a_short_landfall_at_the_end_of_a_sea_leg_still_counts():
    bounds = countries(AAA=box(0, -1, 1, 1), BBB=box(1.99, -1, 3, 1))
    result = analyze([(0.5, 0), (1, 0), (2, 0)], bounds, ["road", "sea"])
    assert result.countries == ["AAA", "BBB"]
    assert result.crossings[0].by_sea and result.crossings[0].landfall_lon == pytest.approx(1.99)


def test_a_port_just_offshore_of_a_generalised_coast_is_still_a_landfall():
    bounds = countries(AAA=box(0, -1, 1, 1), BBB=box(2.02, -1, 3, 1))
    result = analyze([(0.5, 0), (1, 0), (2, 0)], bounds, ["road", "sea"])
    assert result.countries == ["AAA", "BBB"]
    assert result.length_by_country_km["BBB"] == 0.0
    [crossing] = result.crossings
    assert crossing.by_sea and crossing.landfall_km == pytest.approx(result.length_km)


def test_a_vertex_on_the_border_and_repeated_vertices_give_one_crossing():
    result = analyze(
        [(0.5, 0), (0.5, 0), (1, 0), (1, 0), (1.5, 0)], countries(AAA=box(0, -1, 1, 1), BBB=box(1, -1, 2, 1))
    )
    assert result.countries == ["AAA", "BBB"]
    [crossing] = result.crossings
    assert (crossing.lon, crossing.lat) == (1.0, 0.0)
    assert crossing.at_km == pytest.approx(DEGREE_KM / 2, rel=1e-6)


def test_a_line_along_a_border_is_cut_at_both_ends_of_the_overlap():
    path = [(0.5, 0.5), (1, 0), (1, -0.5), (1.5, -0.6)]
    result = analyze(path, countries(AAA=box(0, -1, 1, 1), BBB=box(1, -1, 2, 1)))
    assert result.countries == ["AAA", "BBB"]
    [crossing] = result.crossings
    # On the border the line is in neither polygon's interior: it belongs to the first of them, never to the sea.
    assert not crossing.by_sea and (crossing.lon, crossing.lat) == (1.0, -0.5)
    assert set(result.length_by_country_km) == {"AAA", "BBB"}
    assert sum(result.length_by_country_km.values()) == pytest.approx(result.length_km, abs=1e-9)


def test_the_grid_and_the_flat_edges_change_nothing_on_real_borders(monkeypatch):
    rng = np.random.default_rng(3)
    steps = rng.normal(0, 0.08, (300, 60, 2))  # ~10 km random walks over the Caucasus and around
    starts = np.column_stack([rng.uniform(38, 52, 300), rng.uniform(36, 45, 300)])
    lines = shapely.linestrings(starts[:, None, :] + np.cumsum(steps, axis=1))
    world = default_boundaries().clipped(tuple(shapely.total_bounds(lines)))
    monkeypatch.setattr(crossings.index, "_GRID_MIN_EDGES", 0)
    with_grid = analyze_line_geometries(lines, world)
    monkeypatch.setattr(crossings.index, "_GRID_MIN_EDGES", NO_GRID)
    assert with_grid == analyze_line_geometries(lines, world)
    assert with_grid == analyze_tracks([Track.from_geometry(line) for line in lines], world)
    assert sum(len(r.crossings) for r in with_grid) > 100


def test_cutting_by_grid_cells_finds_the_cuts_the_outline_tree_finds():
    world = default_boundaries().clipped((38.0, 36.0, 52.0, 45.0))
    outlines, grid = crossings.index._outlines(world), crossings.index._grid(world)
    rng = np.random.default_rng(5)
    short = rng.uniform((38, 36), (52, 45), (3000, 2))
    seg = rng.choice(len(outlines.seg0), 600, replace=False)
    q0, q1 = outlines.seg0[seg], outlines.seg1[seg]
    starts = np.concatenate([
        short,
        rng.uniform((38, 36), (52, 45), (300, 2)),  # long edges, over many cells
        q0[:200],  # along an outline segment, exactly
        q0[200:400],  # along one and beyond its end
        q0[400:],  # from an outline vertex
        [(30.0, 30.0), (37.0, 40.0)],  # outside the grid, and into it
    ])
    ends = np.concatenate([
        short + rng.normal(0, 0.1, short.shape),
        rng.uniform((38, 36), (52, 45), (300, 2)),
        q1[:200],
        q0[200:400] + 2.5 * (q1[200:400] - q0[200:400]),
        q0[400:] + rng.normal(0, 0.1, (200, 2)),
        [(31.0, 31.0), (39.0, 41.0)],
    ])
    separate = np.ones(len(starts), dtype=bool)  # each edge its own part: they do not join end to start
    by_tree = crossings.index._cuts(starts, ends, separate, outlines)
    by_cells = crossings.index._cell_cuts(starts, ends, grid, outlines)
    assert set(zip(*(v.tolist() for v in by_tree))) == set(zip(*(v.tolist() for v in by_cells)))
    assert len(set(by_cells[0].tolist()) & set(range(3000, 3300))) > 100  # long edges were cut
    assert (np.isin(by_cells[0], np.arange(3300, 3500)) & (by_cells[1] == 1.0)).sum() >= 200  # overlaps' ends


def test_long_edges_are_cut_in_batches_no_larger_than_the_pair_cap(monkeypatch):
    outlines = crossings.index._outlines(default_boundaries())
    rng = np.random.default_rng(7)
    corners = rng.uniform((26, 30), (80, 50), (41, 2))  # long edges across the region, 10 to a line
    starts, ends = corners[:-1], corners[1:]
    separate = np.arange(len(starts)) % 10 == 0
    unbatched = crossings.index._cuts(starts, ends, separate, outlines)

    cap = 5000
    built: list[int] = []
    tree = outlines.tree

    class RecordingTree:
        def query(self, geometries):
            pairs = tree.query(geometries)
            built.append(pairs.shape[1])
            return pairs

    segment_cuts = crossings.index._segment_cuts

    def recording_segment_cuts(a, r, q0, s, edge):
        built.append(len(edge))
        return segment_cuts(a, r, q0, s, edge)

    monkeypatch.setattr(crossings.index, "_PAIR_BATCH", cap)
    monkeypatch.setattr(outlines, "tree", RecordingTree())
    monkeypatch.setattr(crossings.index, "_segment_cuts", recording_segment_cuts)
    batched = crossings.index._cuts(starts, ends, separate, outlines)

    assert sorted(zip(*(v.tolist() for v in batched))) == sorted(zip(*(v.tolist() for v in unbatched)))
    assert len(unbatched[0]) > 300  # the lines cross many borders
    assert len(built) > 20 and max(built) <= cap + crossings.index._SEGMENT_BLOCK
