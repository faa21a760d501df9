"""The countries under the lines: a light, simplified layer clipped to the content, and its ISO3 labels."""

from __future__ import annotations

import html
import math
from typing import Any

import folium
import numpy as np
import shapely
from shapely.ops import polylabel

from ..boundaries import Boundaries

Bounds = tuple[float, float, float, float]  # minx, miny, maxx, maxy (lon/lat)

#: The countries layer: clipped to the content plus a margin, simplified to 1/4000 of its extent.
COUNTRY_DECIMALS = 3
COUNTRY_MARGIN_DEG = (2.0, 30.0)
COUNTRY_DETAIL = 4000
#: Leaflet panes under the lines (overlayPane is 400): the countries, then their ISO3 codes.
COUNTRY_PANE = ("countries", 250)
LABEL_PANE = ("country-labels", 350)
#: A country's code shows once the country is this many pixels across.
LABEL_MIN_PX = 36


def countries_clip(bounds: Bounds) -> Bounds:
    """The content's bounds plus a margin of half its extent (within COUNTRY_MARGIN_DEG)."""
    minx, miny, maxx, maxy = bounds
    low, high = COUNTRY_MARGIN_DEG
    margin = min(max(0.5 * max(maxx - minx, maxy - miny), low), high)
    return (max(minx - margin, -180.0), max(miny - margin, -85.0), min(maxx + margin, 180.0), min(maxy + margin, 85.0))


def _rounded(geometry: Any, decimals: int) -> Any:
    return shapely.transform(geometry, lambda xy: np.round(xy, decimals))


def countries_layer(boundaries: Boundaries, clip: Bounds, offline: bool) -> folium.GeoJson:
    """The countries inside ``clip``, simplified and rounded to stay small; filled only offline."""
    minx, miny, maxx, maxy = clip
    clipped = boundaries.clipped(clip, margin=0)
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


def country_labels(countries: folium.GeoJson, content: Bounds) -> folium.FeatureGroup:
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
