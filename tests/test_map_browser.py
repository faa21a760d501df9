"""The maps in a real browser: headless Debian Chromium driven by Playwright, from file://, desktop and phone.

Nothing may be fetched offline, nothing may log an error, every feature must be reachable by a click
or the keyboard, a phone must fit its popups, the time slider must restyle by the same rule as
:func:`corridors.timeline.status_on`, and a link must reopen the view it was copied from.

Screenshots go to ``$CORRIDORS_SCREENSHOTS`` when set (to look at them), else to the test's folder.
"""

from __future__ import annotations

import datetime as dt
import importlib.resources
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from test_maps import HOSTILE, PAYLOADS, SQUARES, make_hostile

import corridors
from corridors.layers import HISTORICAL_COLOUR, LAYER_COLOURS
from corridors.maps import LEAFLET_FOLDER, LEAFLET_PACKAGE, ONLINE_CSS, ONLINE_JS, corridor_map, save_map
from corridors.timeline import route_status_on, status_on

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # Headless Chromium's default tile memory is too small for a country-wide SVG map: without this,
    # parts of the page stay unpainted in screenshots ("tile memory limits exceeded", puppeteer #5530).
    "--force-gpu-mem-available-mb=4096",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
DATES = (dt.date(2022, 6, 1), dt.date(2024, 1, 1))

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing: install Debian's chromium (.ci/run does it with apt)"
)

#: A point on a feature's SVG path (or beside its centre line, within its stroke) where that path is the
#: topmost element, after zooming to it.
FIND_CLICKABLE = """
([selector, name]) => {
  const map = window[document.querySelector('.folium-map').id];
  let target = null;
  map.eachLayer((layer) => {
    if (layer instanceof L.Polyline && layer.getElement && layer.getElement()
        && layer.getElement().matches(selector) && layer.getElement().getAttribute('aria-label') === name) {
      target = layer;
    }
  });
  map.fitBounds(target.getBounds(), {animate: false, padding: [120, 120]});
  const path = target.getElement(), total = path.getTotalLength();
  const half = target.options.weight / 2 - 1;
  for (let i = 1; i < 400; i++) {
    const at = path.getPointAtLength(total * ((i * 0.618) % 1));
    const screen = new DOMPoint(at.x, at.y).matrixTransform(path.getScreenCTM());
    for (const [dx, dy] of [[0, 0], [0, half], [0, -half], [half, 0], [-half, 0]]) {
      if (document.elementFromPoint(screen.x + dx, screen.y + dy) === path) { return [screen.x + dx, screen.y + dy]; }
    }
  }
  return null;
}
"""


def screenshots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("CORRIDORS_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Page:
    """A page opened from file:// that records console errors and every other request it makes.

    Requests are aborted, unless ``serve`` answers them (with a body and a content type).
    """

    def __init__(
        self,
        browser,
        path: Path,
        serve: Callable[[str], tuple[bytes, str] | None] = lambda url: None,
        viewport: dict[str, int] = DESKTOP,
        fragment: str = "",
    ):
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.url = path.resolve().as_uri()
        self.page = browser.new_page(viewport=viewport)
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url) if r.url.split("#")[0] != self.url else None)

        def answer(route) -> None:
            url = route.request.url
            served = None if url.split("#")[0] == self.url else serve(url)
            if url.split("#")[0] == self.url:
                route.continue_()
            elif served:
                route.fulfill(body=served[0], content_type=served[1])
            else:
                route.abort()

        self.page.route("**/*", answer)
        self.page.goto(self.url + fragment)
        self.page.wait_for_function("() => window.corridorsReady === true")

    def count(self, selector: str) -> int:
        return self.page.locator(selector).count()

    def popup(self):
        """The content of the one popup open (the last one closed fades out first), not a list to choose from."""
        self.page.wait_for_function(
            "() => document.querySelectorAll('.leaflet-popup').length === 1"
            " && !document.querySelector('.leaflet-popup .corridors-choices')"
        )
        return self.page.locator(".leaflet-popup-content")

    def popup_title(self) -> str:
        return self.popup().locator("h3").first.inner_text()

    def click_feature(self, selector: str, name: str) -> tuple[float, float]:
        """Click a topmost point of the feature's path; if several features lie there, choose it from the list."""
        point = self.page.evaluate(FIND_CLICKABLE, [selector, name])
        assert point, f"no clickable point on {name!r}"
        self.page.mouse.move(*point)
        self.page.mouse.click(*point)
        self.page.locator(".leaflet-popup-content").first.wait_for()
        if self.count(".corridors-choices"):
            self.page.locator(".corridors-choice", has_text=name).first.click()
        self.popup()
        return point

    def set_day(self, day: dt.date) -> None:
        self.page.evaluate(
            """(day) => { const input = document.querySelector('.corridors-time input');
                input.value = Math.round(Date.parse(day + 'T00:00:00Z') / 86400000);
                input.dispatchEvent(new Event('input')); }""",
            day.isoformat(),
        )


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def overview(tmp_path_factory, data) -> Path:
    path = tmp_path_factory.mktemp("maps") / "overview.html"
    save_map(corridor_map(data, offline=True), path)
    return path


def test_offline_overview_opens_with_no_network_and_shows_the_data(browser, data, overview, tmp_path):
    view = Page(browser, overview)
    view.page.screenshot(path=screenshots(tmp_path) / "desktop-overview.png")
    assert view.count("path.corridor-route") == len(data.routes)
    assert view.count(".leaflet-marker-icon.airport-marker") == len(data.airports)
    assert view.count(".leaflet-marker-icon.crossing-marker") >= 1
    assert view.count(".leaflet-control-layers-overlays label") == len(corridors.layers.LAYERS) + 1
    for control in (".corridors-measure", ".corridors-fullscreen", ".corridors-minimap", ".corridors-legend",
                    ".corridors-search", ".corridors-time", ".corridors-frame"):
        assert view.count(control) == 1, control
    assert view.page.locator(".corridors-frame h1").inner_text() == "Corridors: all layers"
    assert "data as of" in view.page.locator(".corridors-frame").inner_text()

    cited = next(r for r in data.routes.index if data.citations_for(r))
    view.click_feature("path.corridor-route", data.routes.at[cited, "name"])
    text = view.popup().inner_text()
    assert data.routes.at[cited, "name"] in text
    quotes = {c.quote for c in data.citations_for(cited)}
    assert view.count(".leaflet-popup-content .corridors-citation") == len(quotes)
    view.page.locator(".leaflet-popup-content .corridors-citation summary").first.click()  # unfolds the quote
    shown = " ".join(view.page.locator(".leaflet-popup-content .corridors-citation[open]").inner_text().split())
    assert any(" ".join(q.split()) in shown for q in quotes)
    view.page.wait_for_timeout(400)  # the popup fades in
    view.page.screenshot(path=screenshots(tmp_path) / "desktop-route-popup.png")
    assert view.errors == [] and view.requests == []


def test_place_labels_show_at_a_caucasus_zoom_without_overlapping(browser, overview, tmp_path):
    view = Page(browser, overview, fragment="#map=7/40.3/46.3")
    view.page.wait_for_timeout(300)
    view.page.screenshot(path=screenshots(tmp_path) / "desktop-caucasus.png")
    visible = view.page.evaluate(
        """() => [...document.querySelectorAll('.corridors-label')]
            .filter((n) => n.style.visibility !== 'hidden')
            .map((n) => { const r = n.querySelector('span').getBoundingClientRect();
                          return [n.textContent, r.left, r.top, r.right, r.bottom]; })
            .filter(([, l, t, r, b]) => r > 0 && b > 0 && l < innerWidth && t < innerHeight)"""
    )
    names = {label[0] for label in visible}
    assert {"Tbilisi", "Kars", "Armenia", "Azerbaijan", "Caspian Sea"} <= names, names
    assert sum(1 for label in visible if label[0] == "Azerbaijan") >= 2  # the mainland and Nakhchivan
    for i, (a, *box_a) in enumerate(visible):
        for b, *box_b in visible[i + 1:]:
            overlap = box_a[0] < box_b[2] - 1 and box_b[0] < box_a[2] - 1 and box_a[1] < box_b[3] - 1 and (
                box_b[1] < box_a[3] - 1)
            assert not overlap, (a, b)
    assert view.errors == [] and view.requests == []


def test_a_segment_opens_its_own_popup_on_click_and_by_keyboard(browser, data, overview):
    view = Page(browser, overview)
    segment = data.segments.loc["tbilisi-samtredia-rail"]
    view.click_feature("path.corridor-segment", segment["name"])
    assert view.popup_title() == segment["name"]
    assert "Segment" in view.page.locator(".leaflet-popup-content .meta").inner_text()
    view.page.keyboard.press("Escape")

    other = data.segments.loc["goris-lachin-road"]
    path = view.page.locator(f'path.corridor-segment[aria-label="{other["name"]}"]')
    path.focus()
    assert path.evaluate("(node) => getComputedStyle(node).stroke") == "rgb(255, 176, 0)"  # focus is visible
    view.page.keyboard.press("Enter")
    assert view.popup_title() == other["name"]
    assert view.errors == []


def test_a_click_where_features_overlap_lists_them_to_choose(browser, data, overview):
    view = Page(browser, overview)
    segment = data.segments.loc["goris-lachin-road"]
    point = view.page.evaluate(FIND_CLICKABLE, ["path.corridor-segment", segment["name"]])
    view.page.mouse.click(*point)
    choices = view.page.locator(".corridors-choice")
    choices.first.wait_for()
    listed = choices.all_inner_texts()
    assert listed[0] == f"Segment: {segment['name']}"
    assert f"Route: {data.routes.at['lachin-corridor', 'name']}" in listed
    choices.nth(listed.index(f"Route: {data.routes.at['lachin-corridor', 'name']}")).click()
    assert view.popup_title() == data.routes.at["lachin-corridor", "name"]


def test_phone_folds_the_lists_hides_the_minimap_and_fits_popups(browser, data, overview, tmp_path):
    view = Page(browser, overview, viewport=PHONE)
    view.page.screenshot(path=screenshots(tmp_path) / "phone-overview.png")
    assert not view.page.locator(".corridors-minimap").is_visible()
    assert view.page.locator(".corridors-legend details").get_attribute("open") is None
    assert not view.page.locator(".leaflet-control-layers-list").is_visible()
    view.page.evaluate("() => corridors.openFeature('lachin-corridor')")
    view.page.wait_for_timeout(800)  # the map pans the popup into view
    view.page.screenshot(path=screenshots(tmp_path) / "phone-popup.png")
    box = view.page.locator(".leaflet-popup").bounding_box()
    assert box["x"] >= 0 and box["y"] >= 0, box
    assert box["x"] + box["width"] <= PHONE["width"] and box["y"] + box["height"] <= PHONE["height"], box
    close = view.page.locator(".leaflet-popup-close-button")
    centre = close.bounding_box()
    topmost = view.page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).closest('a')"
        " === document.querySelector('.leaflet-popup-close-button')",
        [centre["x"] + centre["width"] / 2, centre["y"] + centre["height"] / 2],
    )
    assert topmost, "a control covers the close button"
    close.click()
    view.page.locator(".leaflet-popup").wait_for(state="detached")
    assert view.errors == [] and view.requests == []


def test_time_slider_restyles_the_lachin_corridor_by_the_status_rule(browser, data, overview, tmp_path):
    view = Page(browser, overview)
    band = view.page.locator(f'path.corridor-route[aria-label="{data.routes.at["lachin-corridor", "name"]}"]')
    colour = LAYER_COLOURS["lachin-road"]
    for day, status, stroke in ((DATES[0], "operational", colour), (DATES[1], "historical", HISTORICAL_COLOUR)):
        view.set_day(day)
        assert band.get_attribute("data-status") == status
        assert band.get_attribute("stroke") == stroke
        assert view.page.locator(".corridors-time output").inner_text() == day.isoformat()
    view.set_day(DATES[0])
    view.page.evaluate("() => corridors.openFeature('lachin-corridor')")
    assert "operational on 2022-06-01 (now historical" in view.popup().inner_text()
    view.page.screenshot(path=screenshots(tmp_path) / "desktop-slider-2022.png")
    assert view.errors == []


def test_the_page_and_python_agree_on_every_status_on_both_dates(browser, data, overview):
    view = Page(browser, overview)
    for day in DATES:
        statuses = view.page.evaluate(
            """(day) => { const o = {}; corridors.setDay(day);
                document.querySelectorAll('path[data-status]').forEach((p) => {
                  o[p.getAttribute('aria-label')] = p.getAttribute('data-status'); });
                return o; }""",
            day.isoformat(),
        )
        expected = {row["name"]: status_on(row, day) for _, row in data.segments.iterrows()}
        expected |= {row["name"]: route_status_on(row, data.segments, day) for _, row in data.routes.iterrows()}
        assert statuses == expected, day
        assert statuses[data.routes.at["lachin-corridor", "name"]] == (
            "operational" if day == DATES[0] else "historical"
        )


def test_the_url_keeps_the_view_and_a_link_reopens_it(browser, overview):
    view = Page(browser, overview)
    view.page.evaluate(
        """() => { const map = window[document.querySelector('.folium-map').id];
            map.setView([40.1, 46.2], 8, {animate: false}); corridors.setDay('2022-06-01');
            corridors.openFeature('lachin-corridor'); }"""
    )
    view.page.wait_for_timeout(600)
    link = view.page.url
    assert re.search(r"#map=[\d.]+/[\d.]+/[\d.]+&date=2022-06-01&open=lachin-corridor$", link), link
    centre = view.page.evaluate("() => { const m = window[document.querySelector('.folium-map').id];"
                                " return [m.getZoom(), m.getCenter().lat, m.getCenter().lng]; }")
    again = Page(browser, overview, fragment="#" + link.split("#", 1)[1])
    reopened = again.page.evaluate("() => { const m = window[document.querySelector('.folium-map').id];"
                                   " return [m.getZoom(), m.getCenter().lat, m.getCenter().lng]; }")
    assert reopened[0] == pytest.approx(centre[0]) and reopened[1:] == pytest.approx(centre[1:], abs=0.05)
    assert again.page.locator(".corridors-time output").inner_text() == "2022-06-01"
    assert "Lachin corridor" in again.popup_title()
    assert again.errors == [] and again.requests == []


def test_search_finds_places_and_features(browser, data, overview):
    view = Page(browser, overview)
    box = view.page.locator(".corridors-search input")
    box.fill("Lachin corr")
    found = view.page.locator(".corridors-search button", has_text=data.routes.at["lachin-corridor", "name"])
    found.wait_for()
    found.click()
    assert view.popup_title() == data.routes.at["lachin-corridor", "name"]
    box.fill("Tbilisi")
    box.press("Enter")  # the first match: the place
    view.page.wait_for_function("() => window[document.querySelector('.folium-map').id].getZoom() >= 9")
    centre = view.page.evaluate("() => window[document.querySelector('.folium-map').id].getCenter()")
    tbilisi = data.places[data.places["name"] == "Tbilisi"].geometry.iloc[0]
    assert centre["lat"] == pytest.approx(tbilisi.y, abs=0.01) and centre["lng"] == pytest.approx(tbilisi.x, abs=0.01)


def test_print_shows_the_map_frame_and_legend_without_the_buttons(browser, overview, tmp_path):
    view = Page(browser, overview, fragment="#map=6/40.5/46")
    view.page.emulate_media(media="print")
    view.page.screenshot(path=screenshots(tmp_path) / "print.png")
    view.page.pdf(path=screenshots(tmp_path) / "print.pdf", landscape=True, print_background=True)
    assert not view.page.locator(".leaflet-control-zoom").is_visible()
    assert not view.page.locator(".corridors-search").is_visible()
    assert view.page.locator(".corridors-frame").is_visible() and view.page.locator(".corridors-legend").is_visible()
    label = view.page.locator(".airport-marker span").first
    assert label.evaluate("(n) => getComputedStyle(n).printColorAdjust || getComputedStyle(n).webkitPrintColorAdjust") \
        == "exact"


def test_hostile_document_text_shows_literally_and_never_runs(browser, synthetic, tmp_path):
    data = corridors.load_dataset(make_hostile(synthetic))
    path = tmp_path / "hostile.html"
    save_map(corridor_map(data, offline=True, boundaries=SQUARES), path)
    view = Page(browser, path)
    name = data.routes.at["test-road", "name"]
    view.click_feature("path.corridor-route", name)
    for summary in view.page.locator(".leaflet-popup-content summary").all():
        summary.click()
    text = view.popup().inner_text()
    for payload in PAYLOADS:
        assert payload in text
    assert f"Report {HOSTILE}" in text
    assert view.page.evaluate("() => window.__pwned") is None
    assert view.count(".leaflet-popup-content img, .leaflet-popup-content script, .leaflet-tooltip img") == 0
    assert view.errors == [] and view.requests == []


def test_measure_and_full_screen_controls_work(browser, synthetic, tmp_path):
    path = tmp_path / "road.html"
    save_map(corridor_map(corridors.load_dataset(synthetic), offline=True, boundaries=SQUARES), path)
    view = Page(browser, path)
    view.page.click(".corridors-measure a")
    box = view.page.locator(".folium-map").bounding_box()
    for dx in (500, 900):  # two clicks on open map, 400 px apart
        view.page.mouse.click(box["x"] + dx, box["y"] + 420)
    label = view.page.locator(".corridors-measure-label").inner_text()
    assert re.fullmatch(r"[\d,.]+ km", label) and float(label.split()[0].replace(",", "")) > 0
    view.page.click(".corridors-measure a")
    view.page.locator(".corridors-measure-label").wait_for(state="detached")  # it fades out
    assert view.count(".corridors-measuring") == 0

    view.page.click(".corridors-fullscreen a")
    assert view.page.evaluate(
        "() => document.fullscreenElement === document.querySelector('.folium-map')"
        " || document.querySelector('.folium-map').classList.contains('corridors-pseudo-fullscreen')"
    )
    assert view.count(".corridors-minimap path") >= 1  # the minimap draws the countries and the view
    assert view.errors == [] and view.requests == []


def test_online_map_from_a_file_uses_tiles_that_accept_it_with_a_referrer_policy(browser, synthetic, tmp_path):
    leaflet = importlib.resources.files(LEAFLET_PACKAGE) / LEAFLET_FOLDER
    cdn = {url: (leaflet / url.rsplit("/", 1)[1]).read_bytes() for _, url in ONLINE_JS + ONLINE_CSS}
    tile = (leaflet / "images" / "layers.png").read_bytes()

    def serve(url: str) -> tuple[bytes, str] | None:
        if url in cdn:
            return cdn[url], "text/css" if url.endswith(".css") else "text/javascript"
        return (tile, "image/png") if url.startswith("https://server.arcgisonline.com/") else None

    path = tmp_path / "online.html"
    save_map(corridor_map(corridors.load_dataset(synthetic), boundaries=SQUARES), path)
    view = Page(browser, path, serve)
    view.page.locator("img.leaflet-tile-loaded").first.wait_for()
    assert view.page.locator("img.leaflet-tile").first.get_attribute("referrerpolicy") == (
        "strict-origin-when-cross-origin"
    )
    assert "Esri" in view.page.locator(".leaflet-control-attribution").inner_text()
    assert view.errors == []
    assert {url.split("/")[2] for url in view.requests} == {"cdn.jsdelivr.net", "server.arcgisonline.com"}


def test_online_map_falls_back_to_the_offline_basemap_when_tiles_fail(browser, synthetic, tmp_path):
    leaflet = importlib.resources.files(LEAFLET_PACKAGE) / LEAFLET_FOLDER
    cdn = {url: (leaflet / url.rsplit("/", 1)[1]).read_bytes() for _, url in ONLINE_JS + ONLINE_CSS}

    def serve(url: str) -> tuple[bytes, str] | None:  # the CDN answers, no tile server does
        return (cdn[url], "text/css" if url.endswith(".css") else "text/javascript") if url in cdn else None

    path = tmp_path / "online.html"
    save_map(corridor_map(corridors.load_dataset(synthetic), boundaries=SQUARES), path)
    view = Page(browser, path, serve)
    notice = view.page.locator(".corridors-notice")
    notice.wait_for(state="visible")
    assert "could not load: showing the offline basemap" in notice.inner_text()
    assert view.count(".leaflet-countries-pane path, .leaflet-pane.leaflet-countries-pane path") >= 2
    assert view.page.locator(".leaflet-control-layers-base input:checked + span").inner_text().strip() == (
        "Offline basemap (Natural Earth)"
    )


def test_a_map_renders_to_png(synthetic, tmp_path):
    path = tmp_path / "road.png"
    size = save_map(corridor_map(corridors.load_dataset(synthetic), offline=True, boundaries=SQUARES), path)
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and size == len(data) > 10_000
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1600, 1000)
