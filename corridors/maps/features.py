"""The features drawn on a map: segments, route bands, airports and border crossings, with popups."""

from __future__ import annotations

import html
import importlib.resources
from collections.abc import Mapping
from typing import Any

import folium
import numpy as np
import shapely
from branca.element import MacroElement
from jinja2 import Template

from ..analysis import RouteAnalysis
from ..dataset import Dataset
from ..style import LAYER_COLOURS, route_band, segment_strokes
from .popups import CrossingSite, airport_popup, crossing_popup, given, route_popup, segment_popup

POPUP_OPTIONS = {"maxWidth": 380, "minWidth": 240, "maxHeight": 360, "className": "corridors-popup"}
#: Decimals kept in coordinates (5 ≈ 1 m) and line simplification in degrees (≈ 20 m).
LINE_DECIMALS = 5
LINE_TOLERANCE_DEG = 0.0002


def template(name: str) -> Template:
    """A Jinja template shipped in ``corridors/maps/templates/``."""
    return Template((importlib.resources.files(__package__) / "templates" / name).read_text(encoding="utf-8"))


def _locations(geometry: Any) -> list:
    """Leaflet lat/lon lists of a (Multi)LineString, simplified and rounded."""
    simple = shapely.simplify(geometry, LINE_TOLERANCE_DEG)
    parts = [
        np.round(shapely.get_coordinates(line)[:, ::-1], LINE_DECIMALS).tolist() for line in shapely.get_parts(simple)
    ]
    return parts[0] if len(parts) == 1 else parts


class _Bind(MacroElement):
    """Bind a popup or tooltip to the parent layer, the content passed as a JSON string.

    folium's Popup and Tooltip put their HTML in a JavaScript template literal, where backticks,
    ``${...}`` and backslashes are code (folium #1640, #1907); a JSON string has none of that, and
    ``tojson`` escapes ``<`` so no ``</script>`` can close the script early.
    """

    _template = template("bind.jinja")

    def __init__(self, method: str, content: str, options: Mapping[str, Any]) -> None:
        super().__init__()
        self._name = "Bind"
        self.method = method
        self.content = content
        self.options = dict(options)


def _bind(layer: MacroElement, name: str, popup_html: str) -> None:
    """Give a layer a tooltip with its (escaped) name and a popup with the given (escaped) HTML."""
    layer.add_child(_Bind("bindTooltip", html.escape(name), {"sticky": True, "className": "corridors-tooltip"}))
    layer.add_child(_Bind("bindPopup", popup_html, POPUP_OPTIONS))


def add_segment(data: Dataset, segment_id: str, group: folium.FeatureGroup) -> None:
    row = data.segments.loc[segment_id]
    locations = _locations(row.geometry)
    strokes = segment_strokes(row["mode"], row["status"], LAYER_COLOURS[row["layer"]])
    for position, stroke in enumerate(strokes):
        line = folium.PolyLine(locations, **{"class_name": "corridor-segment", **stroke}).add_to(group)
        if position == 0:
            _bind(line, row["name"], segment_popup(data, segment_id))


def add_route(data: Dataset, route_id: str, analysis: RouteAnalysis, group: folium.FeatureGroup) -> None:
    row = data.routes.loc[route_id]
    line = folium.PolyLine(_locations(row.geometry), **route_band(row["status"], LAYER_COLOURS[row["layer"]]))
    line.add_to(group)
    _bind(line, row["name"], route_popup(data, route_id, analysis))


def add_airport(data: Dataset, airport_id: str, group: folium.FeatureGroup) -> None:
    row = data.airports.loc[airport_id]
    label = html.escape(str(row["iata"]) if given(row.get("iata")) else airport_id)
    icon = folium.DivIcon(
        html=f"<span>{label}</span>", class_name="airport-marker", icon_size=(38, 18), icon_anchor=(19, 9)
    )
    marker = folium.Marker([row.geometry.y, row.geometry.x], icon=icon).add_to(group)
    _bind(marker, row["name"], airport_popup(data, airport_id))


def add_crossing(site: CrossingSite, group: folium.FeatureGroup) -> None:
    icon = folium.DivIcon(html="<span></span>", class_name="crossing-marker", icon_size=(16, 16), icon_anchor=(8, 8))
    marker = folium.Marker([site.lat, site.lon], icon=icon).add_to(group)
    _bind(marker, f"Border crossing {' – '.join(site.countries)}", crossing_popup(site))
