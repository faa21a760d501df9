"""How the maps draw lines: strokes by mode and status, route bands, and the legend that explains them.

The mode reads without colour (rail: thick line with white ties; road: plain line; sea and ferry:
dots), the status by dashes (under construction, planned) or grey (historical). The page's script
restyles features from the tables :func:`style_tables` exports, so these functions stay the one rule.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from ..dataset import Dataset, Selection
from ..style import LAYER_COLOURS, NEUTRAL, route_band, segment_strokes
from ..vocab import CORRIDOR_LAYERS, LAYERS, NOT_BUILT, STATUSES


def _svg_line(strokes: Sequence[dict[str, Any]], width: int = 40) -> str:
    lines = "".join(
        f'<line x1="2" y1="8" x2="{width - 2}" y2="8" stroke="{s["color"]}" stroke-width="{s["weight"]}"'
        f' stroke-opacity="{s.get("opacity", 1)}" stroke-linecap="{s.get("line_cap", "round")}"'
        + (f' stroke-dasharray="{s["dash_array"]}"' if s.get("dash_array") else "")
        + "/>"
        for s in strokes
    )
    return f'<svg width="{width}" height="16" aria-hidden="true">{lines}</svg>'


def leaflet_stroke(stroke: dict[str, Any]) -> dict[str, Any]:
    """A stroke as Leaflet path options, every option given so restyling resets what the last style set.

    Parameters
    ----------
    stroke
        A stroke from the style vocabulary.

    Returns
    -------
    dict
        Leaflet path options.
    """
    return {
        "color": stroke["color"],
        "weight": stroke["weight"],
        "opacity": stroke.get("opacity", 1.0),
        "dashArray": stroke.get("dash_array"),
        "lineCap": stroke.get("line_cap", "round"),
    }


def style_tables(modes: Sequence[str]) -> dict[str, Any]:
    """Every stroke the page may draw, by mode and status, as Leaflet options; a ``None`` colour is the
    feature's layer colour, filled in by the page.

    Parameters
    ----------
    modes
        The modes to give strokes for.

    Returns
    -------
    dict
        Leaflet options by mode, then status.
    """
    return {
        "segment": {
            mode: {status: [leaflet_stroke(s) for s in segment_strokes(mode, status, None)] for status in STATUSES}
            for mode in modes
        },
        "route": {status: leaflet_stroke(route_band(status, None)) for status in STATUSES},
    }


def possible_statuses(data: Dataset, chosen: Selection) -> set[str]:
    """The statuses the shown lines have on the map's day or on any day the time slider reaches.

    Parameters
    ----------
    data
        The dataset.
    chosen
        What the map shows.

    Returns
    -------
    set of str
        The statuses.
    """
    statuses = set()
    for kind, ids in (("segment", list(chosen.segments)), ("route", chosen.routes)):
        frame = data.segments if kind == "segment" else data.routes
        for feature_id in ids:
            row = frame.loc[feature_id]
            statuses.add(chosen.status(data, kind, feature_id))
            statuses.add(str(row["status"]))
            if isinstance(row["closed"], str):
                statuses.add("historical")
            if isinstance(row["opened"], str):
                statuses.add("planned")
    return statuses


def legend_html(data: Dataset, chosen: Selection, crossings: bool) -> str:
    """The legend of what the map shows: line symbols by mode and status, route bands, layer colours, markers.

    Parameters
    ----------
    data
        The dataset.
    chosen
        What the map shows.
    crossings
        Whether the map marks border crossings.

    Returns
    -------
    str
        The legend as HTML.
    """
    modes = set(data.segments.loc[list(chosen.segments), "mode"])
    statuses = possible_statuses(data, chosen)
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
    items.append('<li><span class="corridors-label-sample"><i></i> Town</span> Place (names show by zoom)</li>')
    if chosen.airports:
        items.append('<li><span class="airport-marker sample"><span>IATA</span></span> Airport</li>')
    if crossings:
        items.append('<li><span class="crossing-marker sample"><span></span></span> Border crossing</li>')
    return f'<details open><summary>Legend</summary><ul>{"".join(items)}</ul></details>'
