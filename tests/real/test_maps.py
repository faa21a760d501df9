"""Maps of the real layers: sizes, every route and citation, crossings, the basemap of the Caucasus."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
import shapely

from corridors.analysis import analyze_routes
from corridors.attributes import according_to, quote_offset
from corridors.errors import UsageError
from corridors.maps import basemap, corridor_map, write_maps
from corridors.timeline import parse_date
from corridors.vocab import CORRIDOR_LAYERS, LAYERS, NOT_BUILT, STATUSES
from tests.helpers import (
    MAX_OVERVIEW_BYTES,
    of_kind,
    payload,
    render,
)


def test_write_maps_refuses_a_folder_it_cannot_create(data, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(UsageError, match="cannot create directory"):
        write_maps(data, blocker / "maps")


@pytest.fixture(scope="module")
def real_maps(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("maps")
    analyses = analyze_routes(data)
    written = dict((path.stem, size) for path, size in write_maps(data, folder, analyses=analyses))
    return folder, written, analyses


def test_real_overview_and_layer_maps_stay_small(real_maps):
    _, written, _ = real_maps
    assert set(written) == {"overview", *LAYERS}
    assert written["overview"] <= MAX_OVERVIEW_BYTES, written
    assert all(size < written["overview"] for name, size in written.items() if name != "overview")


def test_real_overview_shows_every_route_airport_layer_and_citation(real_maps, data):
    folder, _, _ = real_maps
    drawn = payload((folder / "overview.html").read_text(encoding="utf-8"))
    assert len(of_kind(drawn, "route")) == len(data.routes)
    assert len(of_kind(drawn, "airport")) == len(data.airports)
    assert [g["title"] for g in drawn["groups"]] == [*LAYERS.values(), "Border crossings"]
    assert len(of_kind(drawn, "crossing")) >= 1
    legend = drawn["legend"]
    symbols = ("Rail", "Road", "Sea / ferry", "Under construction / planned", "Historical")
    for label in (*symbols, *CORRIDOR_LAYERS.values()):
        assert html.escape(label) in legend
    popups = {f["id"]: f["popup"] for f in drawn["features"]}
    for route_id in data.routes.index:
        popup = popups[route_id]
        assert popup.startswith(f"<h3>{html.escape(data.routes.at[route_id, 'name'])}</h3><p class=\"meta\">Route")
        for cite in data.citations_for(route_id):
            document = data.documents[cite.document]
            assert popup.count(f"“{html.escape(cite.quote)}”") == 1, (route_id, cite.quote)  # each quote once
            assert html.escape(according_to(document, quote_offset(document, cite))) in popup


def test_real_route_popups_name_countries_and_the_place_nearest_each_crossing(real_maps):
    folder, _, _ = real_maps
    drawn = payload((folder / "overview.html").read_text(encoding="utf-8"))
    popup = next(f["popup"] for f in of_kind(drawn, "route") if f["id"] == "lachin-corridor")
    assert "<td>Armenia</td>" in popup and "<td>Azerbaijan</td>" in popup
    assert re.search(r"Armenia → Azerbaijan at km [\d.]+, \d+ km from \w+", popup)
    assert len(popup) < 6000
    assert max(len(f["popup"]) for f in of_kind(drawn, "route")) < 15000


def test_real_crossings_are_marked_on_segments_as_well_as_routes(real_maps, data):
    folder, _, analyses = real_maps
    drawn = payload((folder / "overview.html").read_text(encoding="utf-8"))
    assert len(of_kind(drawn, "crossing")) >= sum(len(a.border_crossings) for a in analyses) // 2
    lachin_segments = [f["popup"] for f in of_kind(drawn, "segment") if f["id"] in data.routes.at[
        "lachin-corridor", "segments"]]
    assert sum("Border crossings (1)" in p for p in lachin_segments) == 1  # the route's one crossing, on one leg


def test_real_layer_maps_hold_their_layer_and_the_segments_their_routes_use(real_maps, data):
    folder, _, _ = real_maps
    for name in CORRIDOR_LAYERS:
        drawn = payload((folder / f"{name}.html").read_text(encoding="utf-8"))
        routes = data.routes[data.routes["layer"] == name]
        assert len(of_kind(drawn, "route")) == len(routes)
        used = {s for segments in routes["segments"] for s in segments}
        assert used <= {f["id"] for f in of_kind(drawn, "segment")}


def test_real_overview_exports_the_inputs_of_the_status_rule(real_maps, data):
    folder, _, _ = real_maps
    drawn = payload((folder / "overview.html").read_text(encoding="utf-8"))
    lachin = next(f for f in of_kind(drawn, "route") if f["id"] == "lachin-corridor")
    assert (lachin["status"], lachin["opened"], lachin["closed"]) == ("historical", "1992-05", "2022-08")
    assert lachin["segments"] == list(data.routes.at["lachin-corridor", "segments"])
    assert drawn["rule"] == {"order": list(STATUSES), "notBuilt": list(NOT_BUILT), "open": "operational"}
    dates = [d for f in drawn["features"] for d in (f.get("opened"), f.get("closed")) if d]
    assert drawn["dates"][0] == min(parse_date(d) for d in dates).isoformat()


def test_as_of_styles_by_the_status_then_and_shows_the_date(data):
    drawn = payload(render(corridor_map(data, ["lachin-corridor"], as_of=dt.date(2022, 6, 1), offline=True)))
    assert drawn["date"] == "2022-06-01" and drawn["datePinned"] and drawn["frame"]["asOf"] == "2022-06-01"
    assert {f["statusThen"] for f in drawn["features"] if f["kind"] in ("route", "segment")} == {"operational"}


def test_frame_has_title_subtitle_data_date_and_sources(data):
    fmap = corridor_map(data, layers=["lachin-road"], title="The Lachin road", subtitle="1992–2022", offline=True)
    page = render(fmap)
    frame = payload(page)["frame"]
    assert frame["title"] == "The Lachin road" and frame["subtitle"] == "1992–2022"
    assert frame["dataAsOf"] == max(d.date for d in data.documents.values() if d.date)
    assert len(frame["sources"]) == len(data.documents) + 2 and "Natural Earth" in frame["sources"][-2]
    assert "<title>The Lachin road</title>" in page


@pytest.fixture(scope="module")
def caucasus_basemap(data):
    from corridors.boundaries import default_boundaries

    clip = (36.0, 35.0, 56.0, 47.0)
    codes, polygons = basemap.simplified_countries(default_boundaries(), clip, basemap.detail_region(data))
    return clip, codes, polygons


def test_countries_are_simplified_as_one_coverage_so_neighbours_never_gap(caucasus_basemap, data):
    clip, codes, polygons = caucasus_basemap
    assert len(set(codes)) == len(codes)  # one shape per country: no seam between the sources drawn
    country = dict(zip(codes, polygons))
    for a, b in (("ARM", "AZE"), ("AZE", "GEO"), ("ARM", "TUR"), ("AZE", "IRN"), ("GEO", "RUS"), ("TUR", "IRN")):
        shared = shapely.intersection(country[a], country[b])
        assert shared.length > 0.3 and shapely.area(shared) < 1e-6, (a, b)  # a common line, no overlap
    # no gap opens between the land before and after simplification, inside the detailed region
    from corridors.boundaries import default_boundaries

    region = shapely.box(*basemap.detail_region(data))
    before = shapely.intersection(shapely.union_all(default_boundaries().clipped(clip, margin=0).polygons), region)
    after = shapely.intersection(shapely.union_all(polygons), region)
    assert shapely.area(shapely.difference(before, after)) < 1e-3 * shapely.area(before)


def test_the_caucasus_keeps_more_detail_than_the_rest(caucasus_basemap, data):
    clip, codes, polygons = caucasus_basemap
    detail = basemap.detail_region(data)
    inside = shapely.get_num_coordinates(shapely.clip_by_rect(polygons, *detail)).sum()
    area_inside = (detail[2] - detail[0]) * (detail[3] - detail[1])
    outside = shapely.get_num_coordinates(polygons).sum() - inside
    area_outside = (clip[2] - clip[0]) * (clip[3] - clip[1]) - area_inside
    assert inside / area_inside > 2 * outside / area_outside


def test_every_part_of_a_country_is_named_nakhchivan_included(caucasus_basemap, data):
    _, codes, polygons = caucasus_basemap
    names = basemap.natural_earth_names()
    labels = basemap.country_labels(codes, polygons, names, (38.0, 37.0, 52.0, 45.0), basemap.detail_region(data))
    nakhchivan = shapely.box(44.7, 38.8, 46.2, 39.8)
    assert any(
        label.text == "Azerbaijan" and any(nakhchivan.contains(shapely.Point(x, y)) for x, y, _ in
                                           [(label.lon, label.lat, ""), *label.alternatives])
        for label in labels
    )
    assert {"Armenia", "Georgia", "Russia", "Iran", "Turkey"} <= {label.text for label in labels}


def test_seas_are_named_on_open_water(caucasus_basemap):
    clip, codes, polygons = caucasus_basemap
    seas = {label.text: label for label in basemap.sea_labels(codes, polygons, clip)}
    assert {"Caspian Sea", "Black Sea"} <= set(seas)
    caspian = shapely.Point(seas["Caspian Sea"].lon, seas["Caspian Sea"].lat)
    assert not shapely.intersects(polygons, caspian).any() and 47 < caspian.x < 54.5 and 37 < caspian.y < 47
