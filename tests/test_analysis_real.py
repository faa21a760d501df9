"""Lengths and crossings of the real routes over the default borders (OpenStreetMap in the region)."""

from __future__ import annotations

import pytest
from conftest import REPO

import corridors
from corridors.analysis import analyze_routes, crossing_points
from corridors.geodesy import GEOD

ROUTE_IDS = list(corridors.load_dataset(REPO).routes.index)


@pytest.fixture(scope="module")
def analyses(data):
    return {a.id: a for a in analyze_routes(data)}


@pytest.mark.parametrize("route_id", ROUTE_IDS)
def test_every_route_follows_the_countries_it_declares(analyses, route_id):
    assert analyses[route_id].countries == analyses[route_id].declared_countries


def test_lengths_add_up_by_mode_and_by_country(analyses):
    for a in analyses.values():
        assert sum(a.length_by_mode_km.values()) == pytest.approx(a.length_km, rel=1e-9)
        assert sum(a.length_by_country_km.values()) == pytest.approx(a.length_km, rel=1e-9)


def test_tripp_runs_a_few_dozen_km_through_armenia(analyses):
    tripp = analyses["tripp"]
    assert tripp.countries == ["AZE", "ARM", "AZE"]
    assert 38 <= tripp.length_by_country_km["ARM"] <= 46  # officials: 42–43 km
    assert [(c.origin, c.destination) for c in tripp.border_crossings] == [("AZE", "ARM"), ("ARM", "AZE")]


def test_middle_corridor_crosses_the_caspian_by_sea(analyses):
    corridor = analyses["middle-corridor"]
    sea = [c for c in corridor.border_crossings if c.by_sea]
    assert [(c.origin, c.destination) for c in sea] == [("KAZ", "AZE")]
    assert 250 <= corridor.length_by_country_km["sea"] <= 600
    assert corridor.length_by_mode_km["ferry"] == pytest.approx(corridor.length_by_country_km["sea"], rel=0.1)
    assert "RUS" not in corridor.length_by_country_km


def test_lachin_corridor_crosses_near_the_lachin_checkpoint(data, analyses):
    [crossing] = analyses["lachin-corridor"].border_crossings
    assert (crossing.origin, crossing.destination) == ("ARM", "AZE")
    checkpoint = data.places.loc["lachin-goris-checkpoint"].geometry
    _, _, metres = GEOD.inv(crossing.lon, crossing.lat, checkpoint.x, checkpoint.y)
    assert metres < 10_000


def test_crossings_are_ordered_along_the_route(analyses):
    for a in analyses.values():
        positions = [c.at_km for c in a.border_crossings]
        assert positions == sorted(positions)
        assert all(0 <= p <= a.length_km for p in positions)


def test_lines_along_the_aras_keep_to_their_bank_with_no_tolerance_at_all(data):
    exact = {a.id: a for a in analyze_routes(data, ["tripp", "araz-corridor", "araz-railway"], min_excursion_km=0)}
    assert exact["tripp"].countries == ["AZE", "ARM", "AZE"]
    assert exact["araz-corridor"].countries == exact["araz-railway"].countries == ["AZE", "IRN", "AZE"]
    assert all(a.tolerance_km == 0 for a in exact.values())


def test_crossing_points_frame_has_one_point_per_crossing(analyses):
    frame = crossing_points(list(analyses.values()))
    assert len(frame) == sum(a.crossings_count for a in analyses.values())
    assert frame.crs.to_epsg() == 4326
    assert {"route", "from", "to", "at_km", "by_sea"} <= set(frame.columns)
