"""Maps: content, popups, escaping of document text, offline assets, the page script and styles."""

from __future__ import annotations

import html
import re

import numpy as np

import corridors
from corridors.maps import basemap, corridor_map
from corridors.style import HISTORICAL_COLOUR, segment_strokes
from tests.helpers import (
    HOSTILE,
    PAYLOADS,
    SQUARES,
    map_script,
    of_kind,
    payload,
    render,
)

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


# --- commands --------------------------------------------------------------------------------------------


# --- the real layers ------------------------------------------------------------------------------------


# --- the basemap -----------------------------------------------------------------------------------------


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




def test_the_basemap_is_cached_by_content_and_the_cached_copy_is_the_same(tmp_path, monkeypatch):
    from corridors.boundaries import default_boundaries

    monkeypatch.setenv("CORRIDORS_CACHE_DIR", str(tmp_path))
    boundaries = default_boundaries()
    clip, detail = (30.0, 30.0, 60.0, 50.0), (39.5, 36.0, 51.0, 43.8)
    computed = basemap.simplified_countries(boundaries, clip, detail)
    first = basemap.cached_simplified_countries(boundaries, clip, detail)
    entries = list((tmp_path / "basemap").iterdir())
    second = basemap.cached_simplified_countries(boundaries, clip, detail)
    assert len(entries) == 1
    for codes, polygons in (first, second):
        assert list(codes) == list(computed[0])
        assert all(a.equals_exact(b, 0) for a, b in zip(polygons, computed[1]))


def test_analyses_of_nearby_extents_share_one_clipped_set_of_boundaries():
    from corridors.analysis import clip_to
    from corridors.boundaries import default_boundaries
    from corridors.tracks import Track

    boundaries = default_boundaries()
    baku_tbilisi = Track([np.array([[49.87, 40.41], [44.79, 41.72]])])
    ganja_kars = Track([np.array([[46.36, 40.68], [43.10, 40.60]])])
    assert clip_to(boundaries, [baku_tbilisi]) is clip_to(boundaries, [ganja_kars])
    far = Track([np.array([[4.48, 51.92], [13.40, 52.52]])])  # Rotterdam–Berlin
    assert clip_to(boundaries, [far]) is not clip_to(boundaries, [baku_tbilisi])
