"""Folium maps of the layers: styled routes, cited popups, and a self-contained offline form.

:func:`corridor_map` returns a :class:`folium.Map` (usable in a notebook); :func:`save_map` writes it
atomically. What the map shows:

* segments styled by mode without relying on colour (rail: thick line with white ties; road: plain
  line; sea and ferry: dotted) and by status (under construction and planned dashed, historical grey);
* routes as a translucent band in their layer's colour over their segments, with a tooltip (the
  name) and a popup (length, km per mode and per country, border crossings, legs, status with dates,
  cited attributes with document title and quote);
* airports and border-crossing points as markers, over a light, simplified countries layer;
* one layer-control entry per layer, a legend, measure / full-screen / minimap controls.

Every text that comes from the data is HTML-escaped and handed to Leaflet as a JSON string, never
inside a JavaScript template literal, so quotes holding markup, backticks, ``${...}`` or backslashes
show literally. Offline maps inline Leaflet from the ``django-js-lib-leaflet`` package and our own
controls, and reference no URL.
"""

from __future__ import annotations

import datetime as dt
import html
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

import folium
import numpy as np
import shapely
from branca.element import Element

from ..analysis import RouteAnalysis, analyze_routes
from ..boundaries import Boundaries, default_boundaries
from ..dataset import Dataset, Selection, select
from ..errors import UsageError
from ..io import atomic_path
from ..vocab import AIRPORTS_LAYER, LAYERS
from .countries import COUNTRY_PANE, LABEL_PANE, Bounds, countries_clip, countries_layer, country_labels
from .features import add_airport, add_crossing, add_route, add_segment
from .legend import legend_html
from .page import LEAFLET_FOLDER, LEAFLET_PACKAGE, LEAFLET_VERSION, ONLINE_CSS, ONLINE_JS, Controls, inline_leaflet
from .popups import crossing_sites

__all__ = [
    "LEAFLET_FOLDER",
    "LEAFLET_PACKAGE",
    "LEAFLET_VERSION",
    "ONLINE_CSS",
    "ONLINE_JS",
    "corridor_map",
    "save_map",
    "write_maps",
]

TILES = "OpenStreetMap"

CROSSINGS_TITLE = "Border crossings"
PADDING_PX = 24


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

    Raises
    ------
    UsageError
        See :func:`corridors.dataset.select`.
    """
    chosen = select(data, ids, layers, as_of)
    boundaries = boundaries or default_boundaries()
    known = {a.id: a for a in analyses}
    missing = [r for r in chosen.routes if r not in known]
    known.update({a.id: a for a in analyze_routes(data, missing, boundaries=boundaries)} if missing else {})
    route_analyses = [known[r] for r in chosen.routes]

    fmap = folium.Map(location=None, tiles=None, control_scale=True, zoom_snap=0.25, zoom_delta=0.5)
    if offline:
        fmap.default_js, fmap.default_css = [], []
        fmap.get_root().header.add_child(Element(inline_leaflet()), name="leaflet")
    else:
        fmap.default_js, fmap.default_css = ONLINE_JS, ONLINE_CSS
        folium.TileLayer(TILES, control=False).add_to(fmap)
    fmap.get_root().title = html.escape(title or _title(data, ids, layers, as_of))

    minx, miny, maxx, maxy = _content_bounds(data, chosen)
    clip = countries_clip((minx, miny, maxx, maxy))
    for name, z_index in (COUNTRY_PANE, LABEL_PANE):
        folium.map.CustomPane(name, z_index=z_index, pointer_events=False).add_to(fmap)
    countries = countries_layer(boundaries, clip, offline).add_to(fmap)
    if offline:  # tiles name the countries online
        country_labels(countries, (minx, miny, maxx, maxy)).add_to(fmap)
    crossings = crossing_sites(route_analyses)
    # Fitted before any line is drawn, so the lines are projected once and the page opens without a zoom animation.
    Controls(
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
        add_segment(data, segment_id, groups[group])
    for route_id, analysis in zip(chosen.routes, route_analyses):
        add_route(data, route_id, analysis, groups[data.routes.at[route_id, "layer"]])
    for airport_id in chosen.airports:
        add_airport(data, airport_id, groups[AIRPORTS_LAYER])
    if crossings:
        group = folium.FeatureGroup(name=CROSSINGS_TITLE, overlay=True, control=True).add_to(fmap)
        for site in crossings:
            add_crossing(site, group)
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
    maps = {"overview": None, **{name: [name] for name in LAYERS if not data.layer(name).empty}}
    written = []
    for stem, layers in maps.items():
        path = folder / f"{stem}.html"
        written.append((path, save_map(corridor_map(data, layers=layers, offline=offline, analyses=shared), path)))
    return written


def _title(data: Dataset, ids: Sequence[str] | None, layers: Sequence[str] | None, as_of: dt.date | None) -> str:
    if ids:
        what = ", ".join(data.frames[data.kind_of(i)].at[i, "name"] for i in dict.fromkeys(ids))
    elif layers:
        what = ", ".join(LAYERS[name] for name in dict.fromkeys(layers))
    else:
        what = "all layers"
    return f"Corridors: {what}" + (f" (as of {as_of.isoformat()})" if as_of else "")


# --- geometry ---------------------------------------------------------------------------------------


def _content_bounds(data: Dataset, chosen: Selection) -> Bounds:
    geometries = [
        *data.routes.geometry.loc[chosen.routes],
        *data.segments.geometry.loc[list(chosen.segments)],
        *data.airports.geometry.loc[chosen.airports],
    ]
    minx, miny, maxx, maxy = shapely.total_bounds(np.asarray(geometries, dtype=object))
    return float(minx), float(miny), float(maxx), float(maxy)
