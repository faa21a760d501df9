"""The page around the map: Leaflet (inlined offline, from a CDN online), our script and styles, the data.

Our JavaScript and CSS are package files (``static/``), read with :mod:`importlib.resources` and
inlined in every page, online and offline alike, so a saved map needs nothing beside it.
"""

from __future__ import annotations

import base64
import importlib.resources
import re
from functools import lru_cache
from typing import Any

import folium
from branca.element import Element, MacroElement
from jinja2 import Template
from jinja2.utils import htmlsafe_json_dumps

LEAFLET_VERSION = "1.9.4"
LEAFLET_PACKAGE = "js_lib_leaflet"  # shipped by django-js-lib-leaflet
LEAFLET_FOLDER = "static/js_lib_leaflet"
ONLINE_JS = [("leaflet", f"https://cdn.jsdelivr.net/npm/leaflet@{LEAFLET_VERSION}/dist/leaflet.js")]
ONLINE_CSS = [("leaflet_css", f"https://cdn.jsdelivr.net/npm/leaflet@{LEAFLET_VERSION}/dist/leaflet.css")]
#: Tile servers see where their tiles are shown: the origin, never the page's path (OpenStreetMap asks for it).
REFERRER_POLICY = "strict-origin-when-cross-origin"
STATIC_FILES = ("corridors.css", "corridors.js")


def _leaflet_file(name: str) -> bytes:
    return (importlib.resources.files(LEAFLET_PACKAGE) / LEAFLET_FOLDER / name).read_bytes()


def static_file(name: str) -> str:
    """One of our page files (``corridors.js``, ``corridors.css``), from the installed package.

    Parameters
    ----------
    name
        The file's name in ``corridors/maps/static``.

    Returns
    -------
    str
        The file's text.
    """
    return (importlib.resources.files(__package__) / "static" / name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _inline_leaflet() -> str:
    """Leaflet's CSS (its images as data: URIs) and JS, from the pip-installed package, as inline tags."""
    css = _leaflet_file("leaflet.css").decode("utf-8")
    css = re.sub(
        r"url\(images/([\w.-]+\.png)\)",
        lambda m: "url(data:image/png;base64," + base64.b64encode(_leaflet_file(f"images/{m.group(1)}")).decode() + ")",
        css,
    )
    js = re.sub(r"//# sourceMappingURL=\S+\s*$", "", _leaflet_file("leaflet.js").decode("utf-8"))
    return f"<style>{css}</style>\n<script>{js}</script>"


def use_leaflet(fmap: folium.Map, offline: bool) -> None:
    """Load Leaflet inline (offline) or from the CDN, and set the referrer policy tile servers accept.

    Parameters
    ----------
    fmap
        The map whose page loads Leaflet.
    offline
        Whether to inline Leaflet rather than load it from the CDN.
    """
    root = fmap.get_root()
    root.header.add_child(Element(f'<meta name="referrer" content="{REFERRER_POLICY}">'), name="referrer")
    if offline:
        fmap.default_js, fmap.default_css = [], []
        root.header.add_child(Element(_inline_leaflet()), name="leaflet")
    else:
        fmap.default_js, fmap.default_css = ONLINE_JS, ONLINE_CSS


class PageScript(MacroElement):
    """Our styles and script in the head, and the call that draws the payload on the map.

    The payload is compact JSON with ``<``, ``>``, ``&`` and ``'`` escaped (as Jinja's ``tojson``), so
    no text of the data can close the script.
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>{{ this.css }}</style>
        <script>{{ this.js }}</script>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        corridors.draw({{ this._parent.get_name() }}, {{ this.payload_json }});
        {% endmacro %}
        """
    )

    def __init__(self, payload: dict[str, Any]) -> None:
        super().__init__()
        self._name = "CorridorsPage"
        self.payload = payload
        self.payload_json = htmlsafe_json_dumps(payload, separators=(",", ":"))
        self.css, self.js = (static_file(name) for name in STATIC_FILES)
