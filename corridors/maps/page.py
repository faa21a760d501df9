"""The page around the map: Leaflet (inlined offline, from a CDN online) and our controls script and style.

Our controls (:file:`static/controls.js`, :file:`static/controls.css`) ship as package data and are
the same online and offline.
"""

from __future__ import annotations

import base64
import importlib.resources
import re
from functools import lru_cache
from typing import Any

import folium
from branca.element import MacroElement

from .features import template

LEAFLET_VERSION = "1.9.4"
LEAFLET_PACKAGE = "js_lib_leaflet"  # shipped by django-js-lib-leaflet
LEAFLET_FOLDER = "static/js_lib_leaflet"
ONLINE_JS = [("leaflet", f"https://cdn.jsdelivr.net/npm/leaflet@{LEAFLET_VERSION}/dist/leaflet.js")]
ONLINE_CSS = [("leaflet_css", f"https://cdn.jsdelivr.net/npm/leaflet@{LEAFLET_VERSION}/dist/leaflet.css")]


def _leaflet_file(name: str) -> bytes:
    return (importlib.resources.files(LEAFLET_PACKAGE) / LEAFLET_FOLDER / name).read_bytes()


@lru_cache(maxsize=1)
def inline_leaflet() -> str:
    """Leaflet's CSS (its images as data: URIs) and JS, from the pip-installed package, as inline tags.

    Returns
    -------
    str
        A ``<style>`` and a ``<script>`` element.
    """
    css = _leaflet_file("leaflet.css").decode("utf-8")
    css = re.sub(
        r"url\(images/([\w.-]+\.png)\)",
        lambda m: "url(data:image/png;base64," + base64.b64encode(_leaflet_file(f"images/{m.group(1)}")).decode() + ")",
        css,
    )
    js = re.sub(r"//# sourceMappingURL=\S+\s*$", "", _leaflet_file("leaflet.js").decode("utf-8"))
    return f"<style>{css}</style>\n<script>{js}</script>"


@lru_cache(maxsize=2)
def static_file(name: str) -> str:
    """The text of one of our own page assets in ``corridors/maps/static/``."""
    return (importlib.resources.files(__package__) / "static" / name).read_text(encoding="utf-8")


class Controls(MacroElement):
    """The initial view (fitted to the content), legend, measure, full-screen and minimap controls."""

    _template = template("controls.jinja")

    def __init__(self, countries: folium.GeoJson, **options: Any) -> None:
        super().__init__()
        self._name = "CorridorsControls"
        self.countries = countries
        self.options = options
        self.css = static_file("controls.css")
        self.js = static_file("controls.js")
