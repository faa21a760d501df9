"""The map's legend: line symbols by mode and status, route bands, layer colours, markers."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from ..dataset import Dataset, Selection
from ..style import LAYER_COLOURS, NEUTRAL, route_band, segment_strokes
from ..vocab import CORRIDOR_LAYERS, LAYERS, NOT_BUILT


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
    statuses = {*data.segments.loc[list(chosen.segments), "status"], *data.routes.loc[chosen.routes, "status"]}
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
