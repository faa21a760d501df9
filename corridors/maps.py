"""Folium maps of the layers: styled routes, cited popups, and a self-contained offline form.

:func:`corridor_map` returns a :class:`folium.Map` (usable in a notebook); :func:`save_map` writes it
atomically. What the map shows:

* segments styled by mode without relying on colour (rail: thick line with white ties; road: plain
  line; sea and ferry: dotted) and by status (under construction and planned dashed, historical grey);
* routes as a translucent band in their layer's colour over their segments, with a tooltip (the
  name) and a popup (length, km per mode and per country, border crossings, legs, status with dates,
  cited attributes, each quote once with who says it and when);
* airports and border-crossing points as markers, over a light, simplified countries layer;
* one layer-control entry per layer, a legend, measure / full-screen / minimap controls.

Every text that comes from the data is HTML-escaped and handed to Leaflet as a JSON string, never
inside a JavaScript template literal, so quotes holding markup, backticks, ``${...}`` or backslashes
show literally. Offline maps inline Leaflet from the ``django-js-lib-leaflet`` package and our own
controls, and reference no URL.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import importlib.resources
import math
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import folium
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, MacroElement
from jinja2 import Template
from shapely.ops import polylabel

from .analysis import RouteAnalysis, analyze_routes, default_boundaries
from .attributes import claim_label, grouped_by_quote
from .boundaries import Boundaries
from .crossings import Crossing
from .defaults import GEOMETRY_QUALITY_MEANINGS
from .errors import UsageError
from .estimates import Estimate, FactorTable, estimate_routes, factors_path, load_factors
from .geodesy import path_length_km
from .io import atomic_path
from .layers import AIRPORTS_LAYER, CORRIDOR_LAYERS, HISTORICAL_COLOUR, LAYER_COLOURS, LAYERS, Dataset, check_layers
from .timeline import NOT_BUILT, active_on, route_status_on, status_on

LEAFLET_VERSION = "1.9.4"
LEAFLET_PACKAGE = "js_lib_leaflet"  # shipped by django-js-lib-leaflet
LEAFLET_FOLDER = "static/js_lib_leaflet"
ONLINE_JS = [("leaflet", f"https://cdn.jsdelivr.net/npm/leaflet@{LEAFLET_VERSION}/dist/leaflet.js")]
ONLINE_CSS = [("leaflet_css", f"https://cdn.jsdelivr.net/npm/leaflet@{LEAFLET_VERSION}/dist/leaflet.css")]
TILES = "OpenStreetMap"

NEUTRAL = "#333333"
CROSSINGS_TITLE = "Border crossings"
POPUP_OPTIONS = {"maxWidth": 380, "minWidth": 240, "maxHeight": 360, "className": "corridors-popup"}

#: Decimals kept in coordinates (5 ≈ 1 m) and line simplification in degrees (≈ 20 m).
LINE_DECIMALS = 5
LINE_TOLERANCE_DEG = 0.0002
#: The countries layer: clipped to the content plus a margin, simplified to 1/4000 of its extent.
COUNTRY_DECIMALS = 3
COUNTRY_MARGIN_DEG = (2.0, 30.0)
COUNTRY_DETAIL = 4000
PADDING_PX = 24
#: Leaflet panes under the lines (overlayPane is 400): the countries, then their ISO3 codes.
COUNTRY_PANE = ("countries", 250)
LABEL_PANE = ("country-labels", 350)
#: A country's code shows once the country is this many pixels across.
LABEL_MIN_PX = 36

Bounds = tuple[float, float, float, float]  # minx, miny, maxx, maxy (lon/lat)


@dataclass
class Selection:
    """What one map shows: ids in display order, the layer group each segment is drawn in, and the day shown."""

    routes: list[str]
    segments: dict[str, str]
    airports: list[str]
    groups: list[str]
    as_of: dt.date | None = None

    def status(self, data: Dataset, kind: str, feature_id: str) -> str:
        """A route's or segment's status on the day shown (:func:`corridors.timeline.status_on`), else today's."""
        if kind == "route":
            row = data.routes.loc[feature_id]
            return route_status_on(row, data.segments, self.as_of) if self.as_of else row["status"]
        row = data.segments.loc[feature_id]
        return status_on(row, self.as_of) if self.as_of else row["status"]

    @property
    def empty(self) -> bool:
        return not (self.routes or self.segments or self.airports)


def select(
    data: Dataset,
    ids: Sequence[str] | None = None,
    layers: Sequence[str] | None = None,
    as_of: dt.date | None = None,
) -> Selection:
    """Resolve feature ids or layer names (everything when neither is given) to what a map shows.

    A route brings its segments, whatever their layer; each segment is drawn in its own layer's group
    when that layer is shown, else in the group of the first route using it.

    Raises
    ------
    UsageError
        For unknown ids or layers (with suggestions), places, both ids and layers, or nothing left
        to show on ``as_of``.
    """
    if ids and layers:
        raise UsageError("give feature ids or layers, not both")
    if ids:
        kinds = {i: data.kind_of(i) for i in dict.fromkeys(ids)}
        places = [i for i, kind in kinds.items() if kind == "place"]
        if places:
            raise UsageError(f"{places[0]!r} is a place; map routes, segments or airports")
        routes = [i for i, k in kinds.items() if k == "route"]
        chosen_segments = [i for i, k in kinds.items() if k == "segment"]
        airports = [i for i, k in kinds.items() if k == "airport"]
    else:
        names = check_layers(layers or LAYERS)
        routes = list(data.routes.index[data.routes["layer"].isin(names)])
        chosen_segments = list(data.segments.index[data.segments["layer"].isin(names)])
        airports = list(data.airports.index) if AIRPORTS_LAYER in names else []
    if as_of is not None:
        routes = _active(data.routes, routes, as_of, data.segments)
        chosen_segments = _active(data.segments, chosen_segments, as_of)
        airports = _active(data.airports, airports, as_of)
    needed = list(dict.fromkeys([*chosen_segments, *(s for r in routes for s in data.routes.at[r, "segments"])]))
    if as_of is not None:
        needed = _active(data.segments, needed, as_of)
    groups = {data.routes.at[r, "layer"] for r in routes} | {data.segments.at[s, "layer"] for s in chosen_segments}
    segments: dict[str, str] = {}
    for segment in needed:
        own = data.segments.at[segment, "layer"]
        segments[segment] = own if own in groups else next(
            data.routes.at[r, "layer"] for r in routes if segment in data.routes.at[r, "segments"]
        )
    ordered = [name for name in CORRIDOR_LAYERS if name in groups] + ([AIRPORTS_LAYER] if airports else [])
    selection = Selection(routes, segments, airports, ordered, as_of)
    if selection.empty:
        raise UsageError("nothing to map" + (f" as of {as_of.isoformat()}" if as_of else ""))
    return selection


def _active(frame: pd.DataFrame, ids: list[str], as_of: dt.date, segments: pd.DataFrame | None = None) -> list[str]:
    if not ids:
        return []
    active = active_on(frame.loc[ids], as_of, segments)
    return [i for i in ids if active[i]]


def corridor_map(
    data: Dataset,
    ids: Sequence[str] | None = None,
    *,
    layers: Sequence[str] | None = None,
    as_of: dt.date | None = None,
    offline: bool = False,
    analyses: Iterable[RouteAnalysis] = (),
    boundaries: Boundaries | None = None,
    title: str | None = None,
    factors: FactorTable | None = None,
) -> folium.Map:
    """A map of some features, some layers, or (by default) everything.

    Parameters
    ----------
    data
        The dataset.
    ids
        Route, segment or airport ids to show (a route brings its segments).
    layers
        Layer names to show (corridor layers and ``airports``); not with ``ids``.
    as_of
        Show only routes and segments that exist on this date (see :func:`corridors.timeline.active_on`).
    offline
        Inline Leaflet and every script and style, and draw no tiles, so the saved file opens with
        no network; otherwise Leaflet comes from a CDN and a tile layer (with its attribution) lies
        under the countries.
    analyses
        Route analyses already computed (``corridors build`` shares them between maps); the missing
        ones are computed.
    boundaries
        Country polygons for the countries layer and the missing analyses (default: Natural Earth).
    title
        The page title; by default one is made from what is shown.
    factors
        The cited factors of the estimates in the route popups (default: ``geo/factors.csv``), taken
        as of ``as_of`` or today.

    Raises
    ------
    UsageError
        See :func:`select`.
    """
    chosen = select(data, ids, layers, as_of)
    boundaries = boundaries or default_boundaries()
    known = {a.id: a for a in analyses}
    missing = [r for r in chosen.routes if r not in known]
    known.update({a.id: a for a in analyze_routes(data, missing, boundaries=boundaries)} if missing else {})
    route_analyses = [known[r] for r in chosen.routes]
    estimates = estimate_routes(
        data,
        route_analyses,
        factors if factors is not None else load_factors(factors_path()),
        as_of or dt.date.today(),
        boundaries=boundaries,
    )

    fmap = folium.Map(location=None, tiles=None, control_scale=True, zoom_snap=0.25, zoom_delta=0.5)
    if offline:
        fmap.default_js, fmap.default_css = [], []
        fmap.get_root().header.add_child(Element(_inline_leaflet()), name="leaflet")
    else:
        fmap.default_js, fmap.default_css = ONLINE_JS, ONLINE_CSS
        folium.TileLayer(TILES, control=False).add_to(fmap)
    fmap.get_root().title = html.escape(title or _title(data, ids, layers, as_of))

    minx, miny, maxx, maxy = _content_bounds(data, chosen)
    clip = _countries_clip((minx, miny, maxx, maxy))
    for name, z_index in (COUNTRY_PANE, LABEL_PANE):
        folium.map.CustomPane(name, z_index=z_index, pointer_events=False).add_to(fmap)
    countries = _countries_layer(boundaries, clip, offline).add_to(fmap)
    if offline:  # tiles name the countries online
        _country_labels(countries, (minx, miny, maxx, maxy)).add_to(fmap)
    crossings = _crossing_sites(route_analyses)
    # Fitted before any line is drawn, so the lines are projected once and the page opens without a zoom animation.
    _Controls(
        countries,
        bounds=[[miny, minx], [maxy, maxx]],
        padding=PADDING_PX,
        clip=[[clip[1], clip[0]], [clip[3], clip[2]]],
        legend=legend_html(data, chosen, bool(crossings)),
        attribution=html.escape(f"Boundaries: {boundaries.source}"),
    ).add_to(fmap)

    groups = {
        name: folium.FeatureGroup(name=LAYERS[name], overlay=True, control=True).add_to(fmap) for name in chosen.groups
    }
    for segment_id, group in chosen.segments.items():
        _add_segment(data, segment_id, groups[group], chosen)
    for route_id, analysis, found in zip(chosen.routes, route_analyses, estimates):
        _add_route(data, route_id, analysis, found, groups[data.routes.at[route_id, "layer"]], chosen)
    for airport_id in chosen.airports:
        _add_airport(data, airport_id, groups[AIRPORTS_LAYER])
    if crossings:
        group = folium.FeatureGroup(name=CROSSINGS_TITLE, overlay=True, control=True).add_to(fmap)
        for site in crossings:
            _add_crossing(site, group)
    folium.LayerControl(collapsed=False).add_to(fmap)
    return fmap


def save_map(fmap: folium.Map, path: str | os.PathLike[str]) -> int:
    """Write the map's HTML to ``path`` atomically (complete or not at all); returns its size in bytes.

    Raises
    ------
    UsageError
        If the directory does not exist or is not writable.
    """
    text = fmap.get_root().render()
    with atomic_path(path) as temporary:
        temporary.write_text(text, encoding="utf-8")
    return Path(path).stat().st_size


def write_maps(
    data: Dataset,
    folder: str | os.PathLike[str],
    *,
    offline: bool = False,
    analyses: Iterable[RouteAnalysis] | None = None,
    factors: FactorTable | None = None,
) -> list[tuple[Path, int]]:
    """Write ``overview.html`` and one ``<layer>.html`` per layer that has features into ``folder``.

    The folder is created if needed; each file is written atomically. Returns each path with its
    size in bytes.

    Raises
    ------
    UsageError
        If ``folder`` exists and is not a directory, or cannot be created or written; checked
        before any map is made.
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder}: is not a directory")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"{folder}: cannot create directory ({exc.strerror or exc})") from None
    if not os.access(folder, os.W_OK):
        raise UsageError(f"{folder}: directory is not writable")
    shared = list(analyses) if analyses is not None else analyze_routes(data)
    factors = factors if factors is not None else load_factors(factors_path())
    maps = {"overview": None, **{name: [name] for name in LAYERS if not data.layer(name).empty}}
    written = []
    for stem, layers in maps.items():
        path = folder / f"{stem}.html"
        fmap = corridor_map(data, layers=layers, offline=offline, analyses=shared, factors=factors)
        written.append((path, save_map(fmap, path)))
    return written


def _title(data: Dataset, ids: Sequence[str] | None, layers: Sequence[str] | None, as_of: dt.date | None) -> str:
    if ids:
        what = ", ".join(data.frames[data.kind_of(i)].at[i, "name"] for i in dict.fromkeys(ids))
    elif layers:
        what = ", ".join(LAYERS[name] for name in dict.fromkeys(layers))
    else:
        what = "all layers"
    return f"Corridors: {what}" + (f" (as of {as_of.isoformat()})" if as_of else "")


# --- geometry --------------------------------------------------------------------------------------


def _content_bounds(data: Dataset, chosen: Selection) -> Bounds:
    geometries = [
        *data.routes.geometry.loc[chosen.routes],
        *data.segments.geometry.loc[list(chosen.segments)],
        *data.airports.geometry.loc[chosen.airports],
    ]
    minx, miny, maxx, maxy = shapely.total_bounds(np.asarray(geometries, dtype=object))
    return float(minx), float(miny), float(maxx), float(maxy)


def _countries_clip(bounds: Bounds) -> Bounds:
    """The content's bounds plus a margin of half its extent (within COUNTRY_MARGIN_DEG)."""
    minx, miny, maxx, maxy = bounds
    low, high = COUNTRY_MARGIN_DEG
    margin = min(max(0.5 * max(maxx - minx, maxy - miny), low), high)
    return (max(minx - margin, -180.0), max(miny - margin, -85.0), min(maxx + margin, 180.0), min(maxy + margin, 85.0))


def _rounded(geometry: Any, decimals: int) -> Any:
    return shapely.transform(geometry, lambda xy: np.round(xy, decimals))


def _countries_layer(boundaries: Boundaries, clip: Bounds, offline: bool) -> folium.GeoJson:
    """The countries inside ``clip``, simplified and rounded to stay small; filled only offline."""
    minx, miny, maxx, maxy = clip
    clipped = boundaries.clipped(clip, margin=0).by_country()
    tolerance = max(maxx - minx, maxy - miny) / COUNTRY_DETAIL
    shapes = _rounded(shapely.simplify(clipped.polygons, tolerance, preserve_topology=True), COUNTRY_DECIMALS)
    keep = ~shapely.is_empty(shapes)
    features = [
        {"type": "Feature", "properties": {"iso3": str(code)}, "geometry": shapely.geometry.mapping(shape)}
        for code, shape in zip(clipped.codes[keep], shapes[keep])
    ]
    style = {"color": "#a8a196", "weight": 0.8, "fillColor": "#f4f1ea", "fillOpacity": 1.0 if offline else 0.0}
    return folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name="Countries",
        control=False,
        style_function=lambda _: style,
        interactive=False,
        pane=COUNTRY_PANE[0],
    )


def _country_labels(countries: folium.GeoJson, content: Bounds) -> folium.FeatureGroup:
    """ISO3 codes, under the lines and not clickable, near the content where the country reaches it.

    Each code sits at the pole of inaccessibility of the country's largest part within the content's
    bounds (or, for a country outside them, within the countries layer), and shows from the zoom at
    which that part is LABEL_MIN_PX wide (``data-min-zoom``, applied by our controls script).
    """
    group = folium.FeatureGroup(name="Country codes", control=False)
    for feature in countries.data["features"]:
        shape = shapely.geometry.shape(feature["geometry"])
        near = shapely.clip_by_rect(shape, *content)  # unlike intersection, robust to rounding's slivers
        parts = shapely.get_parts(shapely.get_parts(near if near.area > 0 else shape))  # collections, then multi
        parts = parts[shapely.get_type_id(parts) == 3]  # polygons only
        largest = parts[np.argmax(shapely.area(parts))]
        point = polylabel(largest, tolerance=max(largest.length / 500, 1e-3))
        minx, miny, maxx, maxy = largest.bounds
        min_zoom = math.ceil(math.log2(LABEL_MIN_PX * 360 / (256 * max(maxx - minx, maxy - miny, 1e-6))))
        code = f'<span data-min-zoom="{min_zoom}">{html.escape(feature["properties"]["iso3"])}</span>'
        icon = folium.DivIcon(html=code, class_name="country-label", icon_size=(40, 14), icon_anchor=(20, 7))
        location = [round(point.y, COUNTRY_DECIMALS), round(point.x, COUNTRY_DECIMALS)]
        folium.Marker(location, icon=icon, interactive=False, pane=LABEL_PANE[0]).add_to(group)
    return group


def _locations(geometry: Any) -> list:
    """Leaflet lat/lon lists of a (Multi)LineString, simplified and rounded."""
    simple = shapely.simplify(geometry, LINE_TOLERANCE_DEG)
    parts = [
        np.round(shapely.get_coordinates(line)[:, ::-1], LINE_DECIMALS).tolist() for line in shapely.get_parts(simple)
    ]
    return parts[0] if len(parts) == 1 else parts


# --- styles -------------------------------------------------------------------------------------------


def segment_strokes(mode: str, status: str, colour: str) -> list[dict[str, Any]]:
    """Leaflet path options drawing a segment, bottom stroke first.

    The mode reads without colour (rail: thick line with white ties; road: plain line; sea and ferry:
    dots), the status by dashes (under construction, planned) or grey (historical).
    """
    colour = HISTORICAL_COLOUR if status == "historical" else colour
    dash = "10 7" if status in NOT_BUILT else None
    if mode == "rail":
        return [
            {"color": colour, "weight": 5, "line_cap": "butt", "dash_array": dash},
            {"color": "#ffffff", "weight": 2, "line_cap": "butt", "dash_array": "4 6", "class_name": "rail-ties"},
        ]
    if mode == "road":
        return [{"color": colour, "weight": 3, "dash_array": dash}]
    return [{"color": colour, "weight": 3.5, "dash_array": "0.5 7", "opacity": 0.55 if dash else 1.0}]


def route_band(status: str, colour: str) -> dict[str, Any]:
    """Leaflet path options of a route: a translucent band over its segments, dashed or grey by status."""
    return {
        "color": HISTORICAL_COLOUR if status == "historical" else colour,
        "weight": 14,
        "opacity": 0.25,
        "dash_array": "18 12" if status in NOT_BUILT else None,
        "class_name": "corridor-route",
    }


def _svg_line(strokes: Sequence[dict[str, Any]], width: int = 40) -> str:
    lines = "".join(
        f'<line x1="2" y1="8" x2="{width - 2}" y2="8" stroke="{s["color"]}" stroke-width="{s["weight"]}"'
        f' stroke-opacity="{s.get("opacity", 1)}" stroke-linecap="{s.get("line_cap", "round")}"'
        + (f' stroke-dasharray="{s["dash_array"]}"' if s.get("dash_array") else "")
        + "/>"
        for s in strokes
    )
    return f'<svg width="{width}" height="16" aria-hidden="true">{lines}</svg>'


def legend_html(data: Dataset, chosen: Selection, crossings: bool) -> str:
    """The legend of what the map shows: line symbols by mode and status, route bands, layer colours, markers."""
    modes = set(data.segments.loc[list(chosen.segments), "mode"])
    statuses = {
        *(chosen.status(data, "segment", s) for s in chosen.segments),
        *(chosen.status(data, "route", r) for r in chosen.routes),
    }
    rows = [
        ("Rail", "rail" in modes, segment_strokes("rail", "operational", NEUTRAL)),
        ("Road", "road" in modes, segment_strokes("road", "operational", NEUTRAL)),
        ("Sea / ferry", bool(modes & {"sea", "ferry"}), segment_strokes("sea", "operational", NEUTRAL)),
        ("Under construction / planned", bool(statuses & set(NOT_BUILT)), segment_strokes("road", "planned", NEUTRAL)),
        ("Historical", "historical" in statuses, segment_strokes("road", "historical", NEUTRAL)),
        ("Route (hover, click for details)", bool(chosen.routes), [route_band("operational", NEUTRAL)]),
    ]
    items = [f"<li>{_svg_line(strokes)} {html.escape(label)}</li>" for label, shown, strokes in rows if shown]
    items += [
        f'<li><span class="swatch" style="background:{LAYER_COLOURS[name]}"></span> {html.escape(LAYERS[name])}</li>'
        for name in chosen.groups
        if name in CORRIDOR_LAYERS
    ]
    if chosen.airports:
        items.append('<li><span class="airport-marker sample"><span>IATA</span></span> Airport</li>')
    if crossings:
        items.append('<li><span class="crossing-marker sample"><span></span></span> Border crossing</li>')
    return f'<details open><summary>Legend</summary><ul>{"".join(items)}</ul></details>'


# --- features -----------------------------------------------------------------------------------------


class _Bind(MacroElement):
    """Bind a popup or tooltip to the parent layer, the content passed as a JSON string.

    folium's Popup and Tooltip put their HTML in a JavaScript template literal, where backticks,
    ``${...}`` and backslashes are code (folium #1640, #1907); a JSON string has none of that, and
    ``tojson`` escapes ``<`` so no ``</script>`` can close the script early.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.{{ this.method }}({{ this.content|tojson }}, {{ this.options|tojson }});
        {% endmacro %}
        """
    )

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


def _add_segment(data: Dataset, segment_id: str, group: folium.FeatureGroup, chosen: Selection) -> None:
    row = data.segments.loc[segment_id]
    locations = _locations(row.geometry)
    strokes = segment_strokes(row["mode"], chosen.status(data, "segment", segment_id), LAYER_COLOURS[row["layer"]])
    for position, stroke in enumerate(strokes):
        line = folium.PolyLine(locations, **{"class_name": "corridor-segment", **stroke}).add_to(group)
        if position == 0:
            _bind(line, row["name"], segment_popup(data, segment_id, chosen.as_of))


def _add_route(
    data: Dataset,
    route_id: str,
    analysis: RouteAnalysis,
    found: Estimate,
    group: folium.FeatureGroup,
    chosen: Selection,
) -> None:
    row = data.routes.loc[route_id]
    band = route_band(chosen.status(data, "route", route_id), LAYER_COLOURS[row["layer"]])
    line = folium.PolyLine(_locations(row.geometry), **band)
    line.add_to(group)
    _bind(line, row["name"], route_popup(data, route_id, analysis, chosen.as_of, found))


def _add_airport(data: Dataset, airport_id: str, group: folium.FeatureGroup) -> None:
    row = data.airports.loc[airport_id]
    label = html.escape(str(row["iata"]) if _given(row.get("iata")) else airport_id)
    icon = folium.DivIcon(
        html=f"<span>{label}</span>", class_name="airport-marker", icon_size=(38, 18), icon_anchor=(19, 9)
    )
    marker = folium.Marker([row.geometry.y, row.geometry.x], icon=icon).add_to(group)
    _bind(marker, row["name"], airport_popup(data, airport_id))


@dataclass(frozen=True)
class CrossingSite:
    """Where one or more shown routes cross a border: the point and each route's passage."""

    lon: float
    lat: float
    countries: tuple[str, str]
    passages: tuple[tuple[str, Crossing], ...]  # (route name, crossing)


def _crossing_sites(analyses: Sequence[RouteAnalysis]) -> list[CrossingSite]:
    """The crossings of the routes, merged where several routes cross at one point (≈ 100 m)."""
    sites: dict[tuple, list] = {}
    for analysis in analyses:
        for crossing in analysis.border_crossings:
            key = (round(crossing.lon, 3), round(crossing.lat, 3), frozenset((crossing.origin, crossing.destination)))
            sites.setdefault(key, []).append((analysis.name, crossing))
    merged = []
    for passages in sites.values():
        first = passages[0][1]
        merged.append(CrossingSite(first.lon, first.lat, (first.origin, first.destination), tuple(passages)))
    return merged


def _add_crossing(site: CrossingSite, group: folium.FeatureGroup) -> None:
    icon = folium.DivIcon(html="<span></span>", class_name="crossing-marker", icon_size=(16, 16), icon_anchor=(8, 8))
    marker = folium.Marker([site.lat, site.lon], icon=icon).add_to(group)
    _bind(marker, f"Border crossing {' – '.join(site.countries)}", crossing_popup(site))


# --- popups (every data-derived text goes through html.escape) --------------------------------------


def _e(value: Any) -> str:
    return html.escape(str(value))


def _km(value: float) -> str:
    return f"{value:,.1f} km"


def _rows(rows: Iterable[tuple[str, str]]) -> str:
    """A two-column table; the cells are HTML already."""
    return "<table>" + "".join(f"<tr><th>{label}</th><td>{cell}</td></tr>" for label, cell in rows) + "</table>"


def status_text(status: str, opened: Any, closed: Any) -> str:
    """``operational, opened 2017-10-30`` / ``historical, opened 1992, closed 2023-04-23`` (plain text)."""
    parts = [str(status).replace("_", " ")]
    if _given(opened):
        parts.append(f"{'opening' if status in NOT_BUILT else 'opened'} {opened}")
    if _given(closed):
        parts.append(f"closed {closed}")
    return ", ".join(parts)


def status_of(row: pd.Series, as_of: dt.date | None = None, status_then: str | None = None) -> str:
    """The status with dates of a route or segment row; with ``as_of``, first its status on that day.

    ``status_then`` is the status on ``as_of`` when the caller knows better than the row alone (a
    route, whose segments count too); by default :func:`corridors.timeline.status_on` of the row.
    """
    text = status_text(row["status"], row["opened"], row["closed"])
    if as_of is None:
        return text
    then = status_then or status_on(row, as_of)
    return f"{then.replace('_', ' ')} on {as_of.isoformat()} (now {text})"


def quality_text(quality: str) -> str:
    """``schematic: drawn through its known towns only`` (plain text)."""
    return f"{quality}: {GEOMETRY_QUALITY_MEANINGS[quality]}"


def published_html(analysis: RouteAnalysis) -> str:
    """The published length beside ours, with its source linked (escaped); empty when none is published."""
    figures = analysis.to_dict()
    source = figures["published_source"]
    if source is None:
        return ""
    link = (
        f'<a href="{_e(source["url"])}" target="_blank" rel="noopener">'
        f'{_e(source["outlet"])}, {_e(source["date"])}</a>'
    )
    text = f"{figures['published_km']:,.0f} km, ours {figures['deviation_pct']:+.1f} % ({link})"
    parts = [("Published", text)]
    for code, km in (figures["published_by_country_km"] or {}).items():
        deviation = figures["deviation_by_country_pct"][code]
        parts.append((f"Published in {_e(code)}", f"{km:,.0f} km, ours {deviation:+.1f} %"))
    return _rows(parts)


def _given(value: Any) -> bool:
    return value is not None and value == value  # NaN is not equal to itself


def citations_html(data: Dataset, feature_id: str) -> str:
    """The cited attributes, one block per quote: ``according to <source>, <date>: “quote”`` and the
    values it supports (everything escaped)."""
    citations = data.citations_for(feature_id)
    if not citations:
        return '<p class="none">No cited attributes.</p>'
    items = []
    for group in grouped_by_quote(citations, data.documents):
        claims = "".join(f"<li>{_e(claim_label(cite))}</li>" for cite in group.claims)
        items.append(
            f'<li class="corridors-citation"><cite>{_e(group.source)}</cite>:'
            f"<blockquote>“{_e(group.quote)}”</blockquote><ul>{claims}</ul></li>"
        )
    return f"<h4>Cited attributes ({len(citations)})</h4><ul class=\"citations\">{''.join(items)}</ul>"


def _header(name: str, what: str) -> str:
    return f"<h3>{_e(name)}</h3><p class=\"meta\">{_e(what)}</p>"


def route_popup(
    data: Dataset,
    route_id: str,
    analysis: RouteAnalysis,
    as_of: dt.date | None = None,
    found: Estimate | None = None,
) -> str:
    """Popup HTML of a route: status (on ``as_of`` when given), lengths, published length, geometry
    quality, countries, crossings, estimates, legs and citations."""
    row = data.routes.loc[route_id]
    by_mode = " · ".join(f"{_e(mode)} {_km(km)}" for mode, km in analysis.length_by_mode_km.items())
    counts = analysis.segments_by_geometry_quality
    then = route_status_on(row, data.segments, as_of) if as_of else None
    summary = _rows([
        ("Status", _e(status_of(row, as_of, then))),
        ("Length", _km(analysis.length_km) + (f" ({by_mode})" if len(analysis.length_by_mode_km) > 1 else "")),
        ("Geometry", _e(f"{analysis.geometry_quality} ({counts['traced']} of {sum(counts.values())} legs traced)")),
        ("Countries", " → ".join(_e(c) for c in analysis.countries)),
    ]) + published_html(analysis)
    per_country = "<h4>Km per country</h4><table class=\"km\">" + "".join(
        f"<tr><td>{_e('at sea' if code == 'sea' else code)}</td><td class=\"num\">{_km(km)}</td></tr>"
        for code, km in analysis.length_by_country_km.items()
    ) + "</table>"
    crossings = "".join(f"<li>{_crossing_text(c)}</li>" for c in analysis.border_crossings)
    crossings_block = f"<h4>Border crossings ({analysis.crossings_count})</h4>" + (
        f"<ol>{crossings}</ol>" if crossings else "<p class=\"none\">None.</p>"
    )
    legs = "".join(
        f"<li>{_e(leg['name'])} ({_e(leg['mode'])}, {_e(status_of(leg, as_of))}; {_e(leg['geometry_quality'])})</li>"
        for _, leg in data.segments.loc[row["segments"]].iterrows()
    )
    return (
        f"{_header(row['name'], 'Route · ' + LAYERS[row['layer']])}{summary}{per_country}{crossings_block}"
        f"{estimates_html(found, analysis.crossings_count) if found else ''}"
        f"<h4>Legs</h4><ol>{legs}</ol>{citations_html(data, route_id)}"
    )


def estimates_html(found: Estimate, crossings: int) -> str:
    """The estimates block of a route popup: days, customs borders, transshipments, CO₂, missing factors."""

    def span(value: Any, unit: str, digits: int) -> str:
        if value is None:
            return '<span class="none">unknown (missing factor)</span>'
        low, high = f"{value.low:,.{digits}f}", f"{value.high:,.{digits}f}"
        return f"{low} {unit}" if low == high else f"{low}–{high} {unit}"

    rows = _rows([
        ("Transit", span(found.transit_days, "days", 1)),
        ("Customs borders", f"{found.customs_borders} of {crossings} border crossings"),
        ("Transshipments", str(found.transshipments)),
        ("CO₂", span(found.co2_kg_per_tonne, "kg per tonne", 0)),
    ])
    missing = "; ".join(found.missing_factors)
    missing = f"<p class=\"note\">Missing factors: {_e(missing)}</p>" if missing else ""
    return f"<h4>Estimates (as of {found.as_of.isoformat()}; geo/factors.csv)</h4>{rows}{missing}"


def _crossing_text(crossing: Crossing) -> str:
    text = f"{_e(crossing.origin)} → {_e(crossing.destination)} at km {crossing.at_km:,.1f}"
    if crossing.by_sea:
        text += f" (by sea, landfall at km {crossing.landfall_km:,.1f})"
    return text


def segment_popup(data: Dataset, segment_id: str, as_of: dt.date | None = None) -> str:
    """Popup HTML of a segment: mode, status (on ``as_of`` when given), geometry quality, ends,
    geodesic length and citations."""
    row = data.segments.loc[segment_id]
    length = sum(path_length_km(shapely.get_coordinates(part)) for part in shapely.get_parts(row.geometry))
    ends = " → ".join(_e(data.places.at[p, "name"]) for p in (row["from"], row["to"]))
    summary = _rows([
        ("Mode", _e(row["mode"])),
        ("Status", _e(status_of(row, as_of))),
        ("Geometry", _e(quality_text(row["geometry_quality"]))),
        ("From → to", ends),
        ("Length", _km(length)),
    ])
    return f"{_header(row['name'], 'Segment · ' + LAYERS[row['layer']])}{summary}{citations_html(data, segment_id)}"


def airport_popup(data: Dataset, airport_id: str) -> str:
    """Popup HTML of an airport: codes, country, the place it serves, its opening with the source, citations."""
    row = data.airports.loc[airport_id]
    serves = row.get("serves")
    opened = row.get("opened")
    summary = _rows([
        ("ICAO / IATA", f"{_e(airport_id)} / {_e(row['iata'] if _given(row.get('iata')) else '—')}"),
        ("Country", _e(row["country"])),
        ("Serves", _e(data.places.at[serves, "name"] if serves in data.places.index else "—")),
        *([("Opened", f"{_e(opened)}<br><cite>{_e(row['opened_source'])}</cite>")] if _given(opened) else []),
    ])
    return f"{_header(row['name'], 'Airport')}{summary}{citations_html(data, airport_id)}"


def crossing_popup(site: CrossingSite) -> str:
    """Popup HTML of a border crossing: each route passing there, with its direction and km."""
    passages = "".join(f"<li>{_e(name)}: {_crossing_text(c)}</li>" for name, c in site.passages)
    return (
        f"{_header('Border crossing ' + ' – '.join(site.countries), f'{site.lat:.4f}, {site.lon:.4f}')}"
        f"<ul>{passages}</ul><p class=\"note\">Where the route leaves the first country.</p>"
    )


# --- page assets: Leaflet inlined offline, our controls in both forms --------------------------------


def _leaflet_file(name: str) -> bytes:
    return (importlib.resources.files(LEAFLET_PACKAGE) / LEAFLET_FOLDER / name).read_bytes()


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


class _Controls(MacroElement):
    """The initial view (fitted to the content), legend, measure, full-screen and minimap controls.

    The script is our own, small, and the same online and offline.
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>{{ this.css }}</style>
        <script>{{ this.js }}</script>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        corridorsControls({{ this._parent.get_name() }}, {{ this.countries.get_name() }}, {{ this.options|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, countries: folium.GeoJson, **options: Any) -> None:
        super().__init__()
        self._name = "CorridorsControls"
        self.countries = countries
        self.options = options
        self.css = CONTROLS_CSS
        self.js = CONTROLS_JS


CONTROLS_CSS = """
.leaflet-container { background: #d7e5ef; }
.corridors-popup .leaflet-popup-content { font: 13px/1.4 system-ui, sans-serif; margin: 10px 12px; }
.corridors-popup h3 { margin: 0 0 2px; font-size: 15px; }
.corridors-popup h4 { margin: 8px 0 2px; font-size: 13px; }
.corridors-popup .meta, .corridors-popup .note, .corridors-popup .none { margin: 0 0 4px; color: #555; }
.corridors-popup table { border-collapse: collapse; }
.corridors-popup th { text-align: left; padding: 1px 8px 1px 0; vertical-align: top; font-weight: 600; }
.corridors-popup td.num { text-align: right; padding-left: 12px; }
.corridors-popup ol, .corridors-popup ul { margin: 2px 0; padding-left: 20px; }
.corridors-popup blockquote { margin: 2px 0; padding-left: 6px; border-left: 3px solid #c9c3b8; color: #333; }
.corridors-popup cite { color: #555; font-size: 12px; }
path.corridor-route:hover { stroke-opacity: 0.55; }
path.rail-ties { pointer-events: none; }
path.leaflet-interactive:focus { outline: none; }
.airport-marker span { display: block; font: 700 11px/16px system-ui, sans-serif; text-align: center;
  color: #fff; background: #263238; border: 1px solid #fff; border-radius: 3px; box-shadow: 0 1px 3px rgba(0,0,0,.5); }
.crossing-marker span { display: block; width: 9px; height: 9px; margin: 2px; background: #fff;
  border: 2px solid #111; transform: rotate(45deg); }
.country-label { color: #8a8275; font: 600 11px/14px system-ui, sans-serif; letter-spacing: .12em; text-align: center; }
.corridors-legend { background: rgba(255,255,255,.93); padding: 6px 9px; border-radius: 5px;
  box-shadow: 0 1px 5px rgba(0,0,0,.4); font: 12px/1.35 system-ui, sans-serif; max-height: 55vh; overflow: auto; }
.corridors-legend summary { font-weight: 700; cursor: pointer; }
.corridors-legend ul { list-style: none; margin: 4px 0 0; padding: 0; }
.corridors-legend li { display: flex; align-items: center; gap: 6px; margin: 2px 0; }
.corridors-legend .swatch { display: inline-block; width: 36px; height: 8px; border-radius: 2px; }
.corridors-legend .sample { position: static; display: inline-block; width: 36px; }
.corridors-legend .crossing-marker.sample span { margin: 2px 12px; }
.corridors-minimap { width: 170px; height: 130px; border: 2px solid rgba(0,0,0,.25); border-radius: 4px;
  background: #d7e5ef; }
.leaflet-bar a.corridors-button { display: flex; align-items: center; justify-content: center; }
.leaflet-bar a.corridors-active { background: #d9e8f8; }
.corridors-measuring, .corridors-measuring .leaflet-interactive { cursor: crosshair !important; }
.corridors-measuring .leaflet-interactive { pointer-events: none !important; }
.corridors-measure-label { font: 600 12px system-ui, sans-serif; }
.corridors-pseudo-fullscreen { position: fixed !important; left: 0; top: 0; width: 100% !important;
  height: 100% !important; z-index: 10000; }
"""

CONTROLS_JS = r"""
window.corridorsControls = function (map, countries, options) {
  "use strict";
  var SVG = '<svg viewBox="0 0 20 20" width="16" height="16" aria-hidden="true">';
  var RULER = SVG + '<path d="M2 13 13 2l5 5L7 18z" fill="none" stroke="currentColor" stroke-width="1.6"/>'
    + '<path d="M5 10l2 2M8 7l2 2M11 4l2 2" stroke="currentColor" stroke-width="1.6"/></svg>';
  var EXPAND = SVG + '<path d="M3 8V3h5M12 3h5v5M17 12v5h-5M8 17H3v-5" fill="none" stroke="currentColor" '
    + 'stroke-width="2"/></svg>';

  function button(box, title, icon, onClick) {
    var link = L.DomUtil.create("a", "corridors-button", box);
    link.href = "#";
    link.title = title;
    link.setAttribute("role", "button");
    link.setAttribute("aria-label", title);
    link.innerHTML = icon;
    L.DomEvent.on(link, "click", function (event) {
      L.DomEvent.preventDefault(event);
      L.DomEvent.stopPropagation(event);
      onClick(link);
    });
    return link;
  }

  var Measure = L.Control.extend({
    options: {position: "topleft"},
    onAdd: function () {
      var box = L.DomUtil.create("div", "leaflet-bar corridors-measure");
      this._line = L.polyline([], {color: "#111", weight: 2, dashArray: "5 5", interactive: false});
      this._label = L.tooltip({permanent: true, direction: "right", className: "corridors-measure-label"});
      this._button = button(box, "Measure a distance: click points on the map, then click here again", RULER,
        L.bind(this.toggle, this));
      return box;
    },
    toggle: function () {
      if (this._points) { this.stop(); } else { this.start(); }
    },
    start: function () {
      this._points = [];
      L.DomUtil.addClass(this._map.getContainer(), "corridors-measuring");
      L.DomUtil.addClass(this._button, "corridors-active");
      this._map.doubleClickZoom.disable();
      this._line.setLatLngs([]).addTo(this._map);
      this._map.on("click", this._add, this);
    },
    stop: function () {
      this._points = null;
      L.DomUtil.removeClass(this._map.getContainer(), "corridors-measuring");
      L.DomUtil.removeClass(this._button, "corridors-active");
      this._map.doubleClickZoom.enable();
      this._map.off("click", this._add, this);
      this._line.remove();
      this._label.remove();
    },
    _add: function (event) {
      var points = this._points, km = 0;
      points.push(event.latlng);
      this._line.addLatLng(event.latlng);
      for (var i = 1; i < points.length; i++) { km += this._map.distance(points[i - 1], points[i]) / 1000; }
      this._label.setLatLng(event.latlng).setContent(km.toFixed(1) + " km");
      if (!this._map.hasLayer(this._label)) { this._label.addTo(this._map); }
    }
  });

  var Fullscreen = L.Control.extend({
    options: {position: "topleft"},
    onAdd: function (map) {
      var box = L.DomUtil.create("div", "leaflet-bar corridors-fullscreen"), page = map.getContainer();
      function pseudo() {
        L.DomUtil.addClass(page, "corridors-pseudo-fullscreen");
        map.invalidateSize();
      }
      button(box, "Full screen", EXPAND, function () {
        if (document.fullscreenElement) {
          document.exitFullscreen();
        } else if (L.DomUtil.hasClass(page, "corridors-pseudo-fullscreen")) {
          L.DomUtil.removeClass(page, "corridors-pseudo-fullscreen");
          map.invalidateSize();
        } else if (page.requestFullscreen) {
          page.requestFullscreen().catch(pseudo);
        } else {
          pseudo();
        }
      });
      document.addEventListener("fullscreenchange", function () { map.invalidateSize(); });
      return box;
    }
  });

  var MiniMap = L.Control.extend({
    options: {position: "bottomright"},
    onAdd: function () {
      var box = L.DomUtil.create("div", "corridors-minimap");
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    },
    show: function (source) {
      var map = this._map, mini = L.map(this.getContainer(), {
        attributionControl: false, zoomControl: false, boxZoom: false, doubleClickZoom: false, dragging: false,
        keyboard: false, scrollWheelZoom: false, touchZoom: false, zoomSnap: 0,
        center: map.getCenter(), zoom: Math.max(map.getZoom() - 4, 0)
      });
      L.geoJSON(source.toGeoJSON(), {
        interactive: false, style: {color: "#a8a196", weight: 0.5, fillColor: "#f4f1ea", fillOpacity: 1}
      }).addTo(mini);
      var view = L.rectangle(map.getBounds(), {color: "#c0392b", weight: 1.5, fillOpacity: 0.1, interactive: false});
      view.addTo(mini);
      function follow() {
        mini.setView(map.getCenter(), Math.max(map.getZoom() - 4, 0), {animate: false});
        view.setBounds(map.getBounds());
      }
      map.on("moveend resize", follow);
      mini.on("click", function (event) { map.panTo(event.latlng); });
      follow();
    }
  });

  var Legend = L.Control.extend({
    options: {position: "bottomleft"},
    onAdd: function () {
      var box = L.DomUtil.create("div", "corridors-legend");
      box.innerHTML = options.legend;
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    }
  });

  map.fitBounds(options.bounds, {padding: [options.padding, options.padding], animate: false});
  new Measure().addTo(map);
  new Fullscreen().addTo(map);
  new Legend().addTo(map);
  new MiniMap().addTo(map).show(countries);
  map.attributionControl.addAttribution(options.attribution);
  function countryLabels() {  // each code once its country is big enough on screen
    var zoom = map.getZoom();
    map.getContainer().querySelectorAll(".country-label [data-min-zoom]").forEach(function (label) {
      label.parentNode.style.visibility = zoom >= Number(label.getAttribute("data-min-zoom")) ? "" : "hidden";
    });
  }
  map.on("zoomend", countryLabels);
  countryLabels();
  map.on("popupopen", function () {  // fold the layer list away so it does not hide the popup; its icon unfolds it
    var layers = map.getContainer().querySelector(".leaflet-control-layers");
    if (layers) { L.DomUtil.removeClass(layers, "leaflet-control-layers-expanded"); }
  });
  map.setMinZoom(Math.min(map.getZoom(), map.getBoundsZoom(L.latLngBounds(options.clip), true)));
};
"""
