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
from corridors.maps import corridor_map, route_band, segment_strokes, select, write_maps
from corridors.timeline import active_on, parse_date

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
MAX_ONLINE_BYTES = 2_000_000


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


def bound(page: str, method: str) -> list[str]:
    """The contents handed to ``bindPopup`` or ``bindTooltip``, decoded from their JSON strings."""
    return [json.loads(m) for m in re.findall(rf'\.{method}\(("(?:[^"\\]|\\.)*")', page)]


def overlays(page: str) -> list[str]:
    block = re.search(r"overlays :\s*\{(.*?)\}", page, re.S).group(1)
    return [json.loads(name) for name in re.findall(r'("(?:[^"\\]|\\.)*") :', block)]


def map_script(page: str) -> str:
    """The page's last script: the one folium writes (Leaflet and our controls sit in the head)."""
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
    assert small_page.count('"className": "corridor-route"') == 1
    assert small_page.count('"className": "corridor-segment"') == 1
    assert small_page.count('"className": "airport-marker"') == 1
    assert small_page.count('"className": "crossing-marker"') == 1
    assert sorted(bound(small_page, "bindTooltip")) == sorted(
        ["Test-Road", "Test-Road-1", "Xxxx", "Border crossing AAA – BBB"]
    )


def test_one_layer_control_entry_per_layer_shown(small_page):
    assert overlays(small_page) == ["Lachin corridor and roads", "Airports", "Border crossings"]


def controls(page: str) -> dict:
    """The options our controls script is called with."""
    return json.loads(re.search(r"corridorsControls\([^,]+, [^,]+, (\{.*\})\);", page).group(1))


def test_bounds_fit_the_content_and_controls_are_added(small_page):
    assert controls(small_page)["bounds"] == [[0.5, 0.5], [0.6, 1.5]]
    assert "map.fitBounds(options.bounds" in small_page
    for control in ("Measure", "Fullscreen", "MiniMap", "Legend"):
        assert f"var {control} = L.Control.extend" in small_page


def test_route_popup_has_lengths_countries_crossings_status_and_citations(small_page):
    popup = next(p for p in bound(small_page, "bindPopup") if p.startswith("<h3>Test-Road</h3>"))
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
        "<li>purpose: dual-purpose road</li>",
    ):
        assert expected in popup, expected


def test_countries_layer_is_drawn_and_labelled_offline(small):
    online = render(corridor_map(small, boundaries=SQUARES))
    offline = render(corridor_map(small, boundaries=SQUARES, offline=True))
    for page in (online, offline):
        assert '"iso3": "AAA"' in page and '"iso3": "BBB"' in page
    assert online.count('"className": "country-label"') == 0
    assert offline.count('"className": "country-label"') == 2


def test_legend_shows_what_the_map_shows(small_page):
    options = controls(small_page)
    legend = options["legend"]
    for label in ("Road", "Route (hover", "Lachin corridor and roads", "Airport", "Border crossing"):
        assert label in legend
    for label in ("Rail", "Sea / ferry", "Under construction / planned", "Historical", "Middle Corridor"):
        assert label not in legend
    assert options["attribution"] == "Boundaries: two squares"


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


# --- escaping ------------------------------------------------------------------------------------------


def test_document_text_is_escaped_and_never_in_a_template_literal(hostile):
    page = render(corridor_map(hostile, boundaries=SQUARES, offline=True))
    for payload in PAYLOADS[:2]:
        assert payload not in page
    assert "<title>Corridors: all layers</title>" in page
    texts = bound(page, "bindPopup") + bound(page, "bindTooltip")
    shown = [html.unescape(re.sub(r"<[^>]+>", "", t)) for t in texts]
    assert all("<script" not in t and "<img" not in t for t in texts)
    route_popup = next(t for t in shown if t.startswith("test-road " + HOSTILE))
    assert route_popup.count(HOSTILE) >= 5  # name, leg, the sign value, its quote (twice: two citations)
    assert "Report " + HOSTILE in route_popup and PAYLOADS[2] in route_popup
    assert "airport-marker" in page and any(t.startswith("XXXX " + HOSTILE) for t in shown)
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
    assert "L.tileLayer" not in page and "cdn.jsdelivr" not in page
    assert page.count("<script") == page.count("</script>")


def test_online_map_uses_leaflet_from_a_cdn_and_attributed_tiles(small):
    page = render(corridor_map(small, boundaries=SQUARES))
    assert '<script src="https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.js"></script>' in page
    assert "tile.openstreetmap.org" in page and "OpenStreetMap" in page and "contributors" in page
    assert "jquery" not in page.lower() and "bootstrap" not in page


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
    assert written["overview"] <= MAX_ONLINE_BYTES, written
    assert all(size < written["overview"] for name, size in written.items() if name != "overview")


def test_real_overview_shows_every_route_airport_layer_and_citation(real_maps, data):
    folder, _, analyses = real_maps
    page = (folder / "overview.html").read_text(encoding="utf-8")
    assert page.count('"className": "corridor-route"') == len(data.routes)
    assert page.count('"className": "airport-marker"') == len(data.airports)
    assert overlays(page) == [*LAYERS.values(), "Border crossings"]
    assert page.count('"className": "crossing-marker"') >= 1
    legend = controls(page)["legend"]
    symbols = ("Rail", "Road", "Sea / ferry", "Under construction / planned", "Historical")
    for label in (*symbols, *CORRIDOR_LAYERS.values()):
        assert html.escape(label) in legend
    popups = bound(page, "bindPopup")
    for route_id in data.routes.index:
        name = html.escape(data.routes.at[route_id, "name"])
        popup = next(p for p in popups if p.startswith(f"<h3>{name}</h3><p class=\"meta\">Route"))
        for cite in data.citations_for(route_id):
            document = data.documents[cite.document]
            source = according_to(document, quote_offset(document, cite))
            assert html.escape(cite.quote) in popup and html.escape(source) in popup
            assert popup.count(f"“{html.escape(cite.quote)}”") == 1  # each quote shown once


def test_real_layer_maps_hold_their_layer_and_the_segments_their_routes_use(real_maps, data):
    folder, _, _ = real_maps
    for name in CORRIDOR_LAYERS:
        page = (folder / f"{name}.html").read_text(encoding="utf-8")
        routes = data.routes[data.routes["layer"] == name]
        assert page.count('"className": "corridor-route"') == len(routes)
        drawn = {p[4:].split("</h3>")[0] for p in bound(page, "bindPopup") if '<p class="meta">Segment' in p}
        used = {s for segments in routes["segments"] for s in segments}
        assert {html.escape(data.segments.at[s, "name"]) for s in used} <= drawn
