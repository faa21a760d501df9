"""Maps: content, styles, escaping of document text, offline assets, --as-of, the map and build commands."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from conftest import SYNTHETIC_TEXT, edit_json

import corridors
from corridors.analysis import analyze_routes
from corridors.attributes import according_to, quote_offset
from corridors.boundaries import Boundaries
from corridors.errors import UnknownFeature, UnknownLayer, UsageError
from corridors.layers import CORRIDOR_LAYERS, HISTORICAL_COLOUR, LAYERS
from corridors.maps import basemap, corridor_map, route_band, segment_strokes, select, write_maps
from corridors.timeline import NOT_BUILT, STATUS_ORDER, active_on, parse_date

#: Two squares either side of lon 1: the synthetic road crosses from AAA to BBB half way.
SQUARES = Boundaries(
    np.array(["AAA", "BBB"]), np.array([shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)]), "two squares"
)

#: Document text that would run if it reached the page as markup or inside a JavaScript template literal.
PAYLOADS = (
    '<script>window.__pwned = "script"</script>',
    "<img src=x onerror=\"window.__pwned = 'img'\">",
    '`${window.__pwned = "template"}`',
    r"C:\temp\new \u0041 \\ end\\",
)
HOSTILE = " ".join(PAYLOADS)
MAX_OVERVIEW_BYTES = 1_500_000


def make_hostile(root: Path) -> Path:
    """Turn the synthetic data directory into one whose texts hold every payload.

    The payloads go into a document (quoted by two citations), its title, and the names of the
    route, the segment and the airport.
    """
    text = SYNTHETIC_TEXT + f"Its sign reads {HOSTILE} today.\n"
    (root / "seeds" / "doc1.txt").write_text(text, encoding="utf-8")
    digest = hashlib.sha256(text.encode()).hexdigest()
    title = json.dumps("Report " + HOSTILE)  # a JSON string is a TOML basic string
    (root / "seeds" / "documents.toml").write_text(
        f'[[document]]\nid = "doc1"\nfile = "doc1.txt"\ntitle = {title}\nsha256 = "{digest}"\n', encoding="utf-8"
    )
    quote = f"Its sign reads {HOSTILE} today."
    with (root / "geo" / "attributes.csv").open("a", encoding="utf-8", newline="") as table:
        for name, value in (("sign", HOSTILE), ("motto", PAYLOADS[2])):
            table.write(",".join(["test-road", name, _csv(value), "", "", "", "doc1", "", _csv(quote), ""]) + "\n")

    def rename(collection: dict) -> None:
        for feature in collection["features"]:
            feature["properties"]["name"] = f"{feature['properties']['id']} {HOSTILE}"

    edit_json(root / "geo" / "lachin-road.geojson", rename)
    edit_json(root / "geo" / "airports.geojson", rename)
    return root


def _csv(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def payload(page: str) -> dict:
    """The JSON document the page's script draws."""
    return json.loads(re.search(r"corridors\.draw\([^,]+, (\{.*\})\);", page).group(1))


def of_kind(page_or_payload, kind: str) -> list[dict]:
    data = payload(page_or_payload) if isinstance(page_or_payload, str) else page_or_payload
    return [f for f in data["features"] if f["kind"] == kind]


def map_script(page: str) -> str:
    """The page's last script: the one folium writes (Leaflet and our script sit in the head)."""
    return page.rsplit("<script>", 1)[1]


def render(fmap) -> str:
    return fmap.get_root().render()


@pytest.fixture
def small(synthetic) -> corridors.Dataset:
    return corridors.load_dataset(synthetic)


@pytest.fixture
def small_page(small) -> str:
    return render(corridor_map(small, boundaries=SQUARES))


@pytest.fixture
def hostile(synthetic) -> corridors.Dataset:
    return corridors.load_dataset(make_hostile(synthetic))


# --- content -------------------------------------------------------------------------------------------


def test_map_draws_one_band_per_route_its_segments_airports_and_crossings(small_page):
    drawn = payload(small_page)
    assert [f["id"] for f in drawn["features"] if f["kind"] != "crossing"] == ["test-road-1", "test-road", "XXXX"]
    crossings = of_kind(drawn, "crossing")
    assert [c["name"] for c in crossings] == ["Border crossing AAA – BBB"]
    assert "Test-Road:" in crossings[0]["popup"]
    segment = of_kind(drawn, "segment")[0]["popup"]
    assert "Border crossings (1)" in segment
    assert re.search(r"Test-Road: AAA → BBB at km 55\.\d", segment)  # the route's crossing, on its segment


def test_one_layer_control_entry_per_layer_shown(small_page):
    assert [g["title"] for g in payload(small_page)["groups"]] == [
        "Lachin corridor and roads", "Airports", "Border crossings"
    ]


def test_bounds_fit_the_content_and_the_page_script_is_inlined(small_page):
    assert payload(small_page)["bounds"] == [[0.5, 0.5], [0.6, 1.5]]
    assert "map.fitBounds(o.bounds" in small_page
    for control in ("Measure", "Fullscreen", "MiniMap"):
        assert f"var {control} = L.Control.extend" in small_page
    assert '<meta name="referrer" content="strict-origin-when-cross-origin">' in small_page


def test_route_popup_gives_a_summary_first_then_citations_grouped_by_quote(small_page):
    popup = next(f["popup"] for f in of_kind(small_page, "route"))
    for expected in (
        "operational, opened 2021-05-02",
        "111.3 km",
        "AAA → BBB",
        "<td>AAA</td><td class=\"num\">55.",
        "AAA → BBB at km 55.",
        "Test-Road-1 (road, operational, opened 2021-05-02; schematic)",
        "<th>Geometry</th><td>schematic (0 of 1 legs traced)</td>",
        "“The Test Road opened on 2 May 2021.”",
        "<cite>according to “A test”, undated</cite>",
        "purpose: dual-purpose road —",
        "Sources (2 attributes, 2 quotes)",
    ):
        assert expected in popup, expected
    assert popup.index("<th>Status</th>") < popup.index("Km per country") < popup.index("Sources (")
    assert popup.count('<details class="corridors-citation">') == 2


def test_citations_sharing_a_quote_show_it_once_under_every_attribute_it_states(synthetic):
    with (synthetic / "geo" / "attributes.csv").open("a", encoding="utf-8") as table:
        table.write('test-road,opening,2021,,,,doc1,,"The Test Road opened on 2 May 2021.",\n')
    popup = next(f["popup"] for f in of_kind(render(corridor_map(corridors.load_dataset(synthetic),
                                                                 boundaries=SQUARES)), "route"))
    assert popup.count("The Test Road opened on 2 May 2021.") == 1
    assert "opened date: 2021-05-02; opening: 2021 — <cite>according to “A test”, undated</cite>" in popup


def test_basemap_draws_and_names_the_countries_online_and_offline(small):
    for offline in (False, True):
        drawn = payload(render(corridor_map(small, boundaries=SQUARES, offline=offline)))
        assert [f["properties"]["iso3"] for f in drawn["countries"]["features"]] == ["AAA", "BBB"]
        names = {label["text"] for label in drawn["labels"] if label["kind"] == "country"}
        assert names == {"AAA", "BBB"}  # no name known for the squares: their codes
        assert {label["text"] for label in drawn["labels"] if label["kind"] == "place"} == {"West", "East"}


def test_legend_shows_what_the_map_shows_on_any_day_of_its_slider(small_page):
    drawn = payload(small_page)
    legend = drawn["legend"]
    for label in ("Road", "Route (hover", "Lachin corridor and roads", "Airport", "Border crossing", "Place"):
        assert label in legend
    assert "Under construction / planned" in legend  # before 2021-05-02 the road is not built
    for label in ("Rail", "Sea / ferry", "Historical", "Middle Corridor"):
        assert label not in legend
    assert drawn["frame"]["attribution"] == "Boundaries: two squares"


def test_modes_differ_without_colour_and_statuses_by_dash_or_grey():
    def shape(strokes):
        return [(s["weight"], s.get("dash_array"), s.get("line_cap")) for s in strokes]

    modes = [shape(segment_strokes(mode, "operational", "#000")) for mode in ("rail", "road", "sea")]
    assert len({repr(m) for m in modes}) == 3
    assert segment_strokes("sea", "operational", "#000") == segment_strokes("ferry", "operational", "#000")
    for mode in ("rail", "road"):
        assert segment_strokes(mode, "operational", "#123456")[0]["dash_array"] is None
        assert segment_strokes(mode, "planned", "#123456")[0]["dash_array"]
        assert segment_strokes(mode, "under_construction", "#123456")[0]["dash_array"]
        assert segment_strokes(mode, "historical", "#123456")[0]["color"] == HISTORICAL_COLOUR
    assert route_band("operational", "#123456")["dash_array"] is None and route_band("planned", "#123456")["dash_array"]
    assert route_band("historical", "#123456")["color"] == HISTORICAL_COLOUR


def test_the_page_restyles_from_the_same_style_rule(small_page):
    styles = payload(small_page)["styles"]
    assert styles["segment"]["road"]["planned"][0]["dashArray"] == segment_strokes("road", "planned", None)[0][
        "dash_array"
    ]
    assert styles["route"]["historical"]["color"] == HISTORICAL_COLOUR
    assert styles["route"]["operational"]["color"] is None  # the layer's colour, filled in by the page


# --- escaping ------------------------------------------------------------------------------------------


def test_document_text_is_escaped_and_never_in_a_template_literal(hostile):
    page = render(corridor_map(hostile, boundaries=SQUARES, offline=True))
    for payload_text in PAYLOADS[:2]:
        assert payload_text not in page
    assert "<title>Corridors: all layers</title>" in page
    drawn = payload(page)
    popups = [f["popup"] for f in drawn["features"]]
    assert all("<script" not in p and "<img" not in p for p in popups)
    shown = [html.unescape(re.sub(r"<[^>]+>", "", p)) for p in popups]
    route_popup = next(t for t in shown if t.startswith("test-road " + HOSTILE))
    assert route_popup.count(HOSTILE) >= 4  # name, leg, the sign value, its quote (once: grouped)
    assert "Report " + HOSTILE in route_popup and PAYLOADS[2] in route_popup
    names = [f["name"] for f in drawn["features"]]  # raw: the page sets them as text, never as HTML
    assert "XXXX " + HOSTILE in names
    assert ".innerHTML = f.name" not in page and "textContent" in page
    strings = re.compile(r'"(?:[^"\\]|\\.)*"')
    assert "`" not in strings.sub("", map_script(page)), "a backtick outside a JSON string"


def test_ids_title_is_escaped(hostile):
    page = render(corridor_map(hostile, ["test-road"], boundaries=SQUARES))
    assert "<title>Corridors: test-road &lt;script&gt;" in page


# --- online and offline ----------------------------------------------------------------------------------


def test_offline_map_inlines_leaflet_and_fetches_nothing(small):
    page = render(corridor_map(small, boundaries=SQUARES, offline=True))
    assert not re.search(r"<(script|img|iframe)[^>]*\ssrc=|<link\b", page, re.I)
    assert not re.search(r"url\((?!data:|#)", page), "a CSS url() that is not inline"
    assert "Leaflet 1.9.4" in page and "sourceMappingURL" not in page
    assert payload(page)["tiles"] == [] and "cdn.jsdelivr" not in page
    assert page.count("<script") == page.count("</script>")


def test_online_map_uses_leaflet_from_a_cdn_and_offers_attributed_tiles(small):
    page = render(corridor_map(small, boundaries=SQUARES))
    assert '<script src="https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.js"></script>' in page
    tiles = {t["name"]: t for t in payload(page)["tiles"]}
    assert tiles["OpenStreetMap"]["url"] == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert "OpenStreetMap</a> contributors" in tiles["OpenStreetMap"]["attribution"]
    assert not tiles["OpenStreetMap"]["fromFile"]  # refuses pages without a Referer
    assert all(t["attribution"] for t in tiles.values()) and any(t["fromFile"] for t in tiles.values())
    assert "jquery" not in page.lower() and "bootstrap" not in page


def test_page_script_and_styles_are_package_files():
    from corridors.maps.page import static_file

    assert "C.statusOn = function" in static_file("corridors.js")
    assert "@media print" in static_file("corridors.css") and "@media (max-width: 600px)" in static_file(
        "corridors.css"
    )


# --- selection and dates ---------------------------------------------------------------------------------


def test_select_rejects_places_mixed_and_unknown_input(small):
    with pytest.raises(UnknownFeature, match="test-road"):
        select(small, ["test-raod"])
    with pytest.raises(UsageError, match="'west' is a place"):
        select(small, ["west"])
    with pytest.raises(UsageError, match="not both"):
        select(small, ["test-road"], ["lachin-road"])
    with pytest.raises(UnknownLayer, match="did you mean lachin-road"):
        select(small, layers=["lachin-raod"])


def test_a_route_brings_its_segments(small):
    chosen = select(small, ["test-road"])
    assert chosen.routes == ["test-road"] and chosen.segments == {"test-road-1": "lachin-road"}
    assert chosen.airports == [] and chosen.groups == ["lachin-road"]


def test_as_of_hides_what_is_not_open_yet(small):
    assert select(small, as_of=dt.date(2021, 5, 2)).routes == ["test-road"]
    before = select(small, as_of=dt.date(2021, 5, 1))
    assert before.routes == [] and before.segments == {} and before.airports == ["XXXX"]
    with pytest.raises(UsageError, match="nothing to map as of 2021-05-01"):
        select(small, ["test-road"], as_of=dt.date(2021, 5, 1))


def test_parse_date_takes_iso_dates_at_any_precision():
    assert parse_date("2023") == dt.date(2023, 1, 1)
    assert parse_date("2023-04") == dt.date(2023, 4, 1)
    assert parse_date("2023-04-23") == dt.date(2023, 4, 23)
    for bad in ("23", "2023-13", "2023-02-30", "2023/04/01", "April 2023", "2023-4"):
        with pytest.raises(UsageError, match="--as-of"):
            parse_date(bad, "--as-of")


def test_active_on_compares_opened_and_closed():
    frame = pd.DataFrame(
        {"opened": ["2017", None, "2030", "2020-01"], "closed": [None, "2023-04-23", None, "2023-04"]},
        index=["open", "closed-later", "planned", "closed-month"],
    )
    assert active_on(frame, dt.date(2023, 4, 22)).to_dict() == {
        "open": True, "closed-later": True, "planned": False, "closed-month": False,
    }
    assert active_on(frame, dt.date(2023, 4, 23))["closed-later"] is np.False_
    assert active_on(pd.DataFrame(index=["a"]), dt.date(2000, 1, 1)).tolist() == [True]


# --- commands --------------------------------------------------------------------------------------------


def test_map_command_writes_the_file_and_reports_its_size(invoke, synthetic, tmp_path):
    out = tmp_path / "road.html"
    result = invoke("--data-dir", str(synthetic), "map", "test-road", "-o", str(out), "--offline", "--as-of", "2022")
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and result.stderr.startswith(f"Wrote {out}: ") and "kB" in result.stderr
    assert "Leaflet 1.9.4" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "args, message",
    [
        (("-o", "{out}"), "give feature ids, --layer or --all"),
        (("--all", "test-road", "-o", "{out}"), "give feature ids, --layer or --all"),
        (("--all", "--as-of", "2023-02-30", "-o", "{out}"), "--as-of '2023-02-30' is not a valid date"),
        (("test-road", "--as-of", "2020", "-o", "{out}"), "nothing to map as of 2020-01-01"),
        (("--layer", "airport", "-o", "{out}"), "unknown layer 'airport'; did you mean airports?"),
        (("XXXX", "-o", "{missing}"), "does not exist"),
    ],
)
def test_map_command_bad_input_exits_2_with_one_line(invoke, synthetic, tmp_path, args, message):
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "map.html"
    out.write_text("before", encoding="utf-8")
    filled = [a.format(out=out, missing=folder / "nowhere" / "map.html") for a in args]
    result = invoke("--data-dir", str(synthetic), "map", *filled)
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]
    assert out.read_text(encoding="utf-8") == "before" and [p.name for p in folder.iterdir()] == ["map.html"]


def test_map_command_requires_an_output_file(invoke, synthetic):
    result = invoke("--data-dir", str(synthetic), "map", "--all")
    assert result.exit_code == 2 and "Missing option '-o' / '--output'" in result.output


def test_map_command_checks_the_output_before_any_work(invoke, synthetic, tmp_path, monkeypatch):
    import corridors.maps

    def no_work(*args, **kwargs):
        raise AssertionError("the map was made before the output was checked")

    monkeypatch.setattr(corridors.maps, "corridor_map", no_work)
    result = invoke("--data-dir", str(synthetic), "map", "--all", "-o", str(tmp_path / "nowhere" / "map.html"))
    assert result.exit_code == 2 and "does not exist" in result.output


def test_write_maps_refuses_a_folder_it_cannot_create(data, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(UsageError, match="cannot create directory"):
        write_maps(data, blocker / "maps")


def test_build_writes_overview_and_each_layer_with_content(invoke, synthetic, tmp_path):
    result = invoke("--data-dir", str(synthetic), "build", "-o", str(tmp_path / "maps"))
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in (tmp_path / "maps").iterdir())
    assert written == ["airports.html", "lachin-road.html", "overview.html"]
    assert "lachin-road.html" in result.output and "kB" in result.output
    assert "test-road  lachin-road  operational" in result.output  # the comparison table
    assert "middle-corridor  Middle Corridor" in result.output  # the layers summary


# --- the real layers ------------------------------------------------------------------------------------


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
    assert drawn["rule"] == {"order": list(STATUS_ORDER), "notBuilt": list(NOT_BUILT), "open": "operational"}
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


# --- the basemap -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def caucasus_basemap(data):
    from corridors.analysis import default_boundaries

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
    from corridors.analysis import default_boundaries

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


def test_labels_show_from_a_zoom_where_they_overlap_no_other_label_or_marker():
    labels = [
        basemap.Label("Bigtown", "place", 45.0, 40.0, 4, "right", others=[(45.0, 40.0, "left")]),
        basemap.Label("Smallville", "place", 45.05, 40.0, 4, "right", others=[(45.05, 40.0, "left")]),
        basemap.Label("Faraway", "place", 50.0, 40.0, 4, "right"),
    ]
    placed = {label.text: label for label in basemap.label_zooms(labels, [(50.2, 40.0, 38, 18)])}
    assert placed["Bigtown"].min_zoom == 4  # the most important first
    assert placed["Smallville"].min_zoom > 4
    for zoom in basemap.LABEL_ZOOMS:
        shown = [basemap._pixel_box(label, zoom) for label in placed.values() if label.min_zoom <= zoom]
        assert not any(basemap._overlap(a, b) for i, a in enumerate(shown) for b in shown[i + 1:])
    assert placed["Faraway"].anchor in ("right", "left", "above", "below")


def test_png_output_names_what_to_install_when_chromium_is_missing(invoke, synthetic, tmp_path, monkeypatch):
    from corridors.maps import png

    monkeypatch.setattr(png, "CHROMIUM", tmp_path / "no-chromium")
    result = invoke("--data-dir", str(synthetic), "map", "--all", "-o", str(tmp_path / "map.png"))
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "apt install chromium" in lines[0] and not (tmp_path / "map.png").exists()
