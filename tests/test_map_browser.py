"""The offline maps in a real browser: headless Debian Chromium driven by Playwright, from file://.

Nothing may be fetched, nothing may log an error, the drawing must match the data, a click must open
a cited popup, and hostile document text must show as text without running.
"""

from __future__ import annotations

import html
import importlib.resources
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from test_maps import HOSTILE, PAYLOADS, SQUARES, make_hostile

import corridors
from corridors.maps import LEAFLET_FOLDER, LEAFLET_PACKAGE, ONLINE_CSS, ONLINE_JS, corridor_map, save_map

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
VIEWPORT = {"width": 1280, "height": 860}

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing: install Debian's chromium (.ci/run does it with apt)"
)

#: A point on the route's SVG path where that path is the topmost element, after zooming to the route.
FIND_CLICKABLE = """
(tooltip) => {
  const map = window[document.querySelector('.folium-map').id];
  let route = null;
  map.eachLayer((layer) => {
    if (layer instanceof L.Polyline && layer.options.className === 'corridor-route'
        && layer.getTooltip() && layer.getTooltip().getContent() === tooltip) { route = layer; }
  });
  map.fitBounds(route.getBounds(), {animate: false, padding: [80, 80]});
  const path = route.getElement(), total = path.getTotalLength();
  for (let i = 1; i < 200; i++) {
    const at = path.getPointAtLength(total * ((i * 0.618) % 1));
    const screen = new DOMPoint(at.x, at.y).matrixTransform(path.getScreenCTM());
    if (document.elementFromPoint(screen.x, screen.y) === path) { return [screen.x, screen.y]; }
  }
  return null;
}
"""


class Page:
    """A page opened from file:// that records console errors and every other request it makes.

    Requests are aborted, unless ``serve`` answers them (with a body and a content type).
    """

    def __init__(self, browser, path: Path, serve: Callable[[str], tuple[bytes, str] | None] = lambda url: None):
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.url = path.resolve().as_uri()
        self.page = browser.new_page(viewport=VIEWPORT)
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url) if r.url != self.url else None)

        def answer(route) -> None:
            url = route.request.url
            served = None if url == self.url else serve(url)
            if url == self.url:
                route.continue_()
            elif served:
                route.fulfill(body=served[0], content_type=served[1])
            else:
                route.abort()

        self.page.route("**/*", answer)
        self.page.goto(self.url)
        self.page.wait_for_function(
            "() => window.L && L.version === '1.9.4' && document.querySelector('.corridors-minimap .leaflet-pane')"
        )

    def count(self, selector: str) -> int:
        return self.page.locator(selector).count()

    def click_route(self, name: str) -> str:
        """Click the route whose tooltip is ``name`` and return the text of the popup that opens."""
        point = self.page.evaluate(FIND_CLICKABLE, html.escape(name))
        assert point, f"no clickable point on {name!r}"
        self.page.mouse.move(*point)
        self.page.mouse.click(*point)
        popup = self.page.locator(".leaflet-popup-content")
        popup.wait_for()
        return popup.inner_text()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


def test_offline_overview_opens_with_no_network_and_shows_the_data(browser, data, tmp_path):
    path = tmp_path / "overview.html"
    save_map(corridor_map(data, offline=True), path)
    view = Page(browser, path)
    view.page.screenshot(path=tmp_path / "overview.png")

    assert view.count("path.corridor-route") == len(data.routes)
    assert view.count(".leaflet-marker-icon.airport-marker") == len(data.airports)
    assert view.count(".leaflet-marker-icon.crossing-marker") >= 1
    assert view.count(".leaflet-control-layers-overlays label") == len(corridors.layers.LAYERS) + 1
    for control in (".corridors-measure", ".corridors-fullscreen", ".corridors-minimap", ".corridors-legend"):
        assert view.count(control) == 1, control

    cited = next(r for r in data.routes.index if data.citations_for(r))
    text = view.click_route(data.routes.at[cited, "name"])
    quote = data.citations_for(cited)[0]
    assert data.routes.at[cited, "name"] in text
    assert " ".join(quote.quote.split()) in " ".join(text.split())
    quotes = {(c.document, c.quote) for c in data.citations_for(cited)}
    assert view.count(".leaflet-popup-content .corridors-citation") == len(quotes)  # one block per quote
    view.page.wait_for_timeout(400)  # the popup fades in
    view.page.screenshot(path=tmp_path / "overview-popup.png")

    assert view.errors == [] and view.requests == []


def test_hostile_document_text_shows_literally_and_never_runs(browser, synthetic, tmp_path):
    data = corridors.load_dataset(make_hostile(synthetic))
    path = tmp_path / "hostile.html"
    save_map(corridor_map(data, offline=True, boundaries=SQUARES), path)
    view = Page(browser, path)

    name = data.routes.at["test-road", "name"]
    text = view.click_route(name)
    view.page.wait_for_timeout(400)  # the popup fades in
    view.page.screenshot(path=tmp_path / "hostile.png")
    for payload in PAYLOADS:
        assert payload in text
    assert f"Report {HOSTILE}" in text
    tooltip = view.page.locator(".leaflet-tooltip.corridors-tooltip")
    assert tooltip.inner_text() == name
    assert view.page.evaluate("() => window.__pwned") is None
    assert view.count(".leaflet-popup-content img, .leaflet-popup-content script, .leaflet-tooltip img") == 0
    assert view.errors == [] and view.requests == []


def test_measure_and_full_screen_controls_work(browser, synthetic, tmp_path):
    path = tmp_path / "road.html"
    save_map(corridor_map(corridors.load_dataset(synthetic), offline=True, boundaries=SQUARES), path)
    view = Page(browser, path)
    view.page.click(".corridors-measure a")
    box = view.page.locator(".folium-map").bounding_box()
    for dx in (300, 700):  # two clicks on open map, 400 px apart
        view.page.mouse.click(box["x"] + dx, box["y"] + 220)
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


def test_online_map_loads_leaflet_from_the_cdn_and_draws_attributed_tiles(browser, synthetic, tmp_path):
    leaflet = importlib.resources.files(LEAFLET_PACKAGE) / LEAFLET_FOLDER
    cdn = {url: (leaflet / url.rsplit("/", 1)[1]).read_bytes() for _, url in ONLINE_JS + ONLINE_CSS}
    tile = (leaflet / "images" / "layers.png").read_bytes()

    def serve(url: str) -> tuple[bytes, str] | None:
        if url in cdn:
            return cdn[url], "text/css" if url.endswith(".css") else "text/javascript"
        return (tile, "image/png") if url.startswith("https://tile.openstreetmap.org/") else None

    path = tmp_path / "online.html"
    save_map(corridor_map(corridors.load_dataset(synthetic), boundaries=SQUARES), path)
    view = Page(browser, path, serve)
    assert view.count("img.leaflet-tile") >= 1
    assert "© OpenStreetMap contributors" in view.page.locator(".leaflet-control-attribution").inner_text()
    assert view.errors == []
    assert {url.split("/")[2] for url in view.requests} == {"cdn.jsdelivr.net", "tile.openstreetmap.org"}
