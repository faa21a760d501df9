"""Maps a newsroom can publish: the layers on a legible basemap, every feature reachable, dated, framed.

:func:`corridor_map` returns a :class:`folium.Map` (usable in a notebook); :func:`save_map` writes it
atomically, as HTML or, through headless Chromium, as PNG. Python decides what the map shows and
says (:mod:`.selection`, :mod:`.styles`, :mod:`.popups`, :mod:`.basemap`) and hands it to the page
as one JSON document; our own small script (``static/corridors.js``) draws it:

* segments styled by mode without relying on colour and by status on the day shown; routes as a
  translucent band under their segments; airports, border crossings (of routes and of segments);
* a click lists every feature under it to choose from when several overlap; routes and segments
  take keyboard focus and open their popup with Enter;
* a time slider from the earliest to the latest date in the data restyles every line by the same
  rule as :func:`corridors.timeline.status_on` (its inputs are exported with each feature);
* a title, subtitle, "data as of" date and sources; a search box; the view kept in the URL hash;
  a print stylesheet; folding controls on a phone;
* offline: Leaflet inlined from the ``django-js-lib-leaflet`` package and the basemap of
  :mod:`.basemap`, no URL referenced; online: Leaflet from a CDN and a choice of tile layers, with
  the offline basemap as fallback when tiles cannot load.

Every text from the data reaches the page HTML-escaped inside a JSON string, never inside a
JavaScript template literal.
"""

from __future__ import annotations

import datetime as dt
import html
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import folium
import numpy as np
import shapely

from ..analysis import RouteAnalysis, analyze_routes, clip_to
from ..boundaries import Boundaries, default_boundaries
from ..crossings import Crossing, LineAnalysis, analyze_tracks
from ..dataset import Dataset, Selection, select
from ..errors import UsageError
from ..estimates import Estimate, FactorTable, estimate_routes, factors_path, load_factors
from ..io import atomic_path
from ..style import LAYER_COLOURS, NEUTRAL, route_band, segment_strokes
from ..timeline import OPEN, is_iso_date, parse_date
from ..tracks import segments_track
from ..vocab import AIRPORTS_LAYER, LAYERS, NOT_BUILT, STATUSES
from . import basemap
from .page import LEAFLET_FOLDER, LEAFLET_PACKAGE, ONLINE_CSS, ONLINE_JS, PageScript, use_leaflet
from .png import render_png
from .popups import (
    CrossingSite,
    airport_popup,
    citations_html,
    crossing_popup,
    estimates_html,
    published_html,
    quality_text,
    route_popup,
    segment_popup,
    status_of,
    status_text,
)
from .styles import legend_html, style_tables

__all__ = [
    "LEAFLET_FOLDER", "LEAFLET_PACKAGE", "ONLINE_CSS", "ONLINE_JS", "NEUTRAL", "CrossingSite", "Selection",
    "airport_popup", "citations_html", "corridor_map", "crossing_popup", "estimates_html", "legend_html", "map_payload",
    "published_html", "quality_text", "route_band", "route_popup", "save_map", "segment_popup", "segment_strokes",
    "select", "status_of", "status_text", "write_maps",
]

#: Decimals kept in line coordinates (5 ≈ 1 m) and line simplification in degrees (≈ 20 m).
LINE_DECIMALS = 5
LINE_TOLERANCE_DEG = 0.0002
#: The basemap reaches this far around the content (half its extent, within these bounds, degrees).
COUNTRY_MARGIN_DEG = (2.0, 10.0)
PADDING_PX = 24
CROSSINGS_TITLE = "Border crossings"
#: Marker sizes in CSS pixels (the page's script draws them so; labels keep clear of them).
AIRPORT_ICON_PX = (38, 18)
CROSSING_ICON_PX = (16, 16)
#: Crossings closer than this (degrees, ≈ 100 m) between the same two countries are one site.
CROSSING_DECIMALS = 3

Bounds = tuple[float, float, float, float]  # minx, miny, maxx, maxy (lon/lat)


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
    subtitle: str | None = None,
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
        Show what existed on this date (see :func:`corridors.timeline.active_on`), each line styled by
        its status then, the date on the map and the time slider set to it.
    offline
        Inline Leaflet and every script and style, and draw no tiles, so the saved file opens with
        no network; otherwise Leaflet comes from a CDN and tile layers are offered over the basemap.
    analyses
        Route analyses already computed (``corridors build`` shares them between maps); the missing
        ones are computed.
    boundaries
        Country polygons for the basemap and the analyses (default: Natural Earth).
    title, subtitle
        The map's title (also the page's) and subtitle; by default the title names what is shown.
    factors
        The cited factors of the estimates in the route popups (default: ``geo/factors.csv``), taken
        as of ``as_of`` or today.

    Returns
    -------
    folium.Map
        The map, ready for :func:`save_map`.

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
    payload = map_payload(
        data, chosen, route_analyses, boundaries, offline=offline,
        title=title or _title(data, ids, layers, as_of), subtitle=subtitle, estimates=estimates,
    )
    fmap = folium.Map(location=None, tiles=None, control_scale=True, zoom_snap=0.25, zoom_delta=0.5)
    use_leaflet(fmap, offline)
    fmap.get_root().title = html.escape(payload["frame"]["title"])
    PageScript(payload).add_to(fmap)
    return fmap


def map_payload(
    data: Dataset,
    chosen: Selection,
    route_analyses: Sequence[RouteAnalysis],
    boundaries: Boundaries,
    *,
    offline: bool,
    title: str,
    subtitle: str | None = None,
    estimates: Sequence[Estimate] | None = None,
) -> dict[str, Any]:
    """Everything the page draws, as JSON-ready data: features with their popups and the inputs of the
    status rule, the basemap and its labels, styles, legend, frame and tile layers. ``estimates``, one
    per route, add their block to the route popups.

    Parameters
    ----------
    data
        The dataset.
    chosen
        The routes, segments and airports shown.
    route_analyses
        The analyses of the chosen routes.
    boundaries
        Country polygons for the basemap.
    offline
        Whether the page draws no tiles (none are offered).
    title, subtitle
        The map's title and subtitle.
    estimates
        One per route, for the route popups; none by default.

    Returns
    -------
    dict
        The JSON-ready payload the page script reads.
    """
    names = basemap.natural_earth_names()
    content = _content_bounds(data, chosen)
    clip = _countries_clip(content)
    codes, polygons = basemap.cached_simplified_countries(boundaries, clip, basemap.detail_region(data))
    segment_lines = _segment_analyses(data, list(chosen.segments), boundaries)
    passages = _passages_by_segment(data, chosen.routes, route_analyses)
    sites = _crossing_sites(
        [(a.name, a.line.crossings) for a in route_analyses]
        + [(data.segments.at[s, "name"], line.crossings) for s, line in segment_lines.items() if s not in passages]
    )
    markers = [(g.x, g.y, *AIRPORT_ICON_PX) for g in data.airports.geometry.loc[chosen.airports]]
    markers += [(site.lon, site.lat, *CROSSING_ICON_PX) for site in sites]
    detail = basemap.detail_region(data)
    labels = basemap.label_zooms(
        [
            *basemap.country_labels(codes, polygons, names, _countries_clip(content, (1.0, 2.0)), detail),
            *basemap.place_labels(data, clip),
            *basemap.sea_labels(codes, polygons, clip),
        ],
        markers,
    )
    features = [
        *(
            _segment_feature(data, s, group, chosen, segment_lines[s], names, passages.get(s))
            for s, group in chosen.segments.items()
        ),
        *(
            _route_feature(data, r, a, chosen, names, found)
            for r, a, found in zip(chosen.routes, route_analyses, _or_none(estimates, len(route_analyses)))
        ),
        *(_airport_feature(data, a, names) for a in chosen.airports),
        *(_crossing_feature(data, index, site, names) for index, site in enumerate(sites, 1)),
    ]
    groups = [{"id": name, "title": LAYERS[name]} for name in chosen.groups]
    if sites:
        groups.append({"id": "crossings", "title": CROSSINGS_TITLE})
    today = dt.date.today()
    dates = [parse_date(f[key]) for f in features for key in ("opened", "closed") if is_iso_date(f.get(key))]
    frame = _frame(data, title, subtitle, chosen.as_of, boundaries, offline)
    return {
        "bounds": [[content[1], content[0]], [content[3], content[2]]],
        "clip": [[clip[1], clip[0]], [clip[3], clip[2]]],
        "padding": PADDING_PX,
        "date": (chosen.as_of or today).isoformat(),
        "datePinned": chosen.as_of is not None,
        "dates": [min(dates + [today]).isoformat(), max(dates + [today]).isoformat()],
        "rule": {"order": list(STATUSES), "notBuilt": list(NOT_BUILT), "open": OPEN},
        "styles": style_tables(sorted(set(data.segments["mode"]))),
        "groups": groups,
        "icons": {"airport": list(AIRPORT_ICON_PX), "crossing": list(CROSSING_ICON_PX)},
        "features": features,
        "countries": basemap.countries_geojson(codes, polygons, names),
        "labels": [label.to_dict() for label in labels if label.min_zoom <= basemap.LABEL_ZOOMS[-1]],
        "places": [
            {"name": row["name"], "lat": round(row.geometry.y, 4), "lon": round(row.geometry.x, 4)}
            for _, row in data.places.iterrows()
        ],
        "legend": legend_html(data, chosen, bool(sites)),
        "frame": frame,
        "tiles": [] if offline else basemap.tile_layers(),
    }


def save_map(fmap: folium.Map, path: str | os.PathLike[str]) -> int:
    """Write the map to ``path`` atomically (complete or not at all); returns its size in bytes.

    A path ending in ``.png`` gets a picture of the page rendered by headless Chromium
    (:func:`corridors.maps.png.render_png`); any other, the HTML.

    Parameters
    ----------
    fmap
        The map to write.
    path
        Where to write it; ``.png`` for a picture, anything else for HTML.

    Returns
    -------
    int
        The size of the written file in bytes.

    Raises
    ------
    UsageError
        If the directory does not exist or is not writable, or, for a PNG, Playwright or Chromium is missing.
    """
    text = fmap.get_root().render()
    with atomic_path(path) as temporary:
        if str(path).lower().endswith(".png"):
            temporary.write_bytes(render_png(text))
        else:
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

    Parameters
    ----------
    data
        The dataset.
    folder
        The folder to write into.
    offline
        Whether the maps open with no network (see :func:`corridor_map`).
    analyses
        Route analyses already computed, shared between the maps.
    factors
        The cited factors of the estimates (default: ``geo/factors.csv``).

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


def _frame(
    data: Dataset, title: str, subtitle: str | None, as_of: dt.date | None, boundaries: Boundaries, offline: bool
) -> dict[str, Any]:
    """The publishing frame: title, subtitle, the data's date and the sources (HTML, escaped)."""
    dated = sorted(d.date for d in data.documents.values() if d.date and is_iso_date(d.date))
    sources = [
        html.escape(d.title) + (f" ({html.escape(d.publisher)})" if d.publisher else "")
        + (f", {html.escape(d.date)}" if d.date else "")
        for d in data.documents.values()
    ]
    sources.append(html.escape(f"Boundaries: {boundaries.source}"))
    sources.append("Places: geo/places.geojson (GeoNames ids)")
    return {
        "title": title,
        "subtitle": subtitle or "",
        "dataAsOf": dated[-1] if dated else None,
        "asOf": as_of.isoformat() if as_of else None,
        "sources": sources,
        "attribution": html.escape(f"Boundaries: {_credit(boundaries.source)}"),
    }


def _credit(source: str) -> str:
    """The short credit of the boundaries for the attribution line (the sources block has them in full)."""
    known = (("OpenStreetMap", "© OpenStreetMap contributors (ODbL)"), ("Natural Earth", "Natural Earth"))
    credits = [credit for name, credit in known if name in source]
    return ", ".join(credits) or source


# --- geometry --------------------------------------------------------------------------------------


def _content_bounds(data: Dataset, chosen: Selection) -> Bounds:
    geometries = [
        *data.routes.geometry.loc[chosen.routes],
        *data.segments.geometry.loc[list(chosen.segments)],
        *data.airports.geometry.loc[chosen.airports],
    ]
    minx, miny, maxx, maxy = shapely.total_bounds(np.asarray(geometries, dtype=object))
    return float(minx), float(miny), float(maxx), float(maxy)


def _countries_clip(bounds: Bounds, margins: tuple[float, float] = COUNTRY_MARGIN_DEG) -> Bounds:
    """The content's bounds plus a margin of half its extent (within ``margins``)."""
    minx, miny, maxx, maxy = bounds
    low, high = margins
    margin = min(max(0.5 * max(maxx - minx, maxy - miny), low), high)
    return (max(minx - margin, -180.0), max(miny - margin, -85.0), min(maxx + margin, 180.0), min(maxy + margin, 85.0))


def _locations(geometry: Any) -> list:
    """Leaflet lat/lon lists of a (Multi)LineString, simplified and rounded."""
    simple = shapely.simplify(geometry, LINE_TOLERANCE_DEG)
    parts = [
        np.round(shapely.get_coordinates(line)[:, ::-1], LINE_DECIMALS).tolist() for line in shapely.get_parts(simple)
    ]
    return parts[0] if len(parts) == 1 else parts


def _segment_analyses(data: Dataset, segment_ids: list[str], boundaries: Boundaries) -> dict[str, LineAnalysis]:
    """Km per country and crossings of each segment, as stored (``from`` to ``to``)."""
    if not segment_ids:
        return {}
    tracks = [segments_track(data.segments, [(s, True)]) for s in segment_ids]
    return dict(zip(segment_ids, analyze_tracks(tracks, clip_to(boundaries, tracks))))


def _passages_by_segment(
    data: Dataset, route_ids: Sequence[str], analyses: Sequence[RouteAnalysis]
) -> dict[str, list[tuple[str, Crossing]]]:
    """Each segment of the routes shown, with the routes' crossings that lie on it (the nearest of the
    route's segments to the crossing point). A segment of a shown route has these and no others: the
    route's analysis, over the whole line, decides what is a crossing and what a sliver of a border.
    """
    found: dict[str, list[tuple[str, Crossing]]] = {}
    for route_id, analysis in zip(route_ids, analyses):
        segment_ids = list(data.routes.at[route_id, "segments"])
        for segment_id in segment_ids:
            found.setdefault(segment_id, [])
        lines = data.segments.geometry.loc[segment_ids].to_numpy()
        for crossing in analysis.border_crossings:
            nearest = int(np.argmin(shapely.distance(lines, shapely.Point(crossing.lon, crossing.lat))))
            found[segment_ids[nearest]].append((analysis.name, crossing))
    return found


def _crossing_sites(lines: Sequence[tuple[str, Sequence[Crossing]]]) -> list[CrossingSite]:
    """The crossings of the lines (routes and segments), merged where several cross at one point (≈ 100 m)."""
    sites: dict[tuple, list] = {}
    for name, crossings in lines:
        for crossing in crossings:
            key = (
                round(crossing.lon, CROSSING_DECIMALS),
                round(crossing.lat, CROSSING_DECIMALS),
                frozenset((crossing.origin, crossing.destination)),
            )
            sites.setdefault(key, []).append((name, crossing))
    merged = []
    for passages in sites.values():
        first = passages[0][1]
        merged.append(CrossingSite(first.lon, first.lat, (first.origin, first.destination), tuple(passages)))
    return merged


# --- features: what the page draws, with the inputs of the status rule -------------------------------------


def _dates(row: Any) -> dict[str, Any]:
    return {key: row[key] if isinstance(row.get(key), str) else None for key in ("status", "opened", "closed")}


def _segment_feature(
    data: Dataset,
    segment_id: str,
    group: str,
    chosen: Selection,
    line: LineAnalysis,
    names: dict[str, str],
    passages: list[tuple[str, Crossing]] | None,
) -> dict[str, Any]:
    row = data.segments.loc[segment_id]
    return {
        "id": segment_id,
        "kind": "segment",
        "name": row["name"],
        "group": group,
        "colour": LAYER_COLOURS[row["layer"]],
        "mode": row["mode"],
        **_dates(row),
        "statusThen": chosen.status(data, "segment", segment_id),
        "lines": _locations(row.geometry),
        "popup": segment_popup(data, segment_id, chosen.as_of, line, names, passages),
    }


def _route_feature(
    data: Dataset,
    route_id: str,
    analysis: RouteAnalysis,
    chosen: Selection,
    names: dict[str, str],
    found: Estimate | None,
) -> dict[str, Any]:
    row = data.routes.loc[route_id]
    return {
        "id": route_id,
        "kind": "route",
        "name": row["name"],
        "group": row["layer"],
        "colour": LAYER_COLOURS[row["layer"]],
        **_dates(row),
        "segments": list(row["segments"]),
        "statusThen": chosen.status(data, "route", route_id),
        "lines": _locations(row.geometry),
        "popup": route_popup(data, route_id, analysis, chosen.as_of, found, names),
    }


def _airport_feature(data: Dataset, airport_id: str, names: dict[str, str]) -> dict[str, Any]:
    row = data.airports.loc[airport_id]
    iata = row.get("iata")
    return {
        "id": airport_id,
        "kind": "airport",
        "name": row["name"],
        "group": AIRPORTS_LAYER,
        "label": str(iata) if isinstance(iata, str) and iata else airport_id,
        "lat": round(row.geometry.y, LINE_DECIMALS),
        "lon": round(row.geometry.x, LINE_DECIMALS),
        "popup": airport_popup(data, airport_id, names),
    }


def _crossing_feature(data: Dataset, index: int, site: CrossingSite, names: dict[str, str]) -> dict[str, Any]:
    countries = " – ".join(names.get(c, c) for c in site.countries)
    return {
        "id": f"crossing-{index}",
        "kind": "crossing",
        "name": f"Border crossing {countries}",
        "group": "crossings",
        "lat": round(site.lat, LINE_DECIMALS),
        "lon": round(site.lon, LINE_DECIMALS),
        "popup": crossing_popup(data, site, names),
    }


def _or_none(estimates: Sequence[Estimate] | None, count: int) -> Sequence[Estimate | None]:
    """The estimates of the routes, or None for each when there are none."""
    return estimates if estimates is not None else [None] * count
