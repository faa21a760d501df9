"""How features look, shared by the maps and the GIS exports: colours, status groups, strokes.

Stdlib only. The maps draw with :func:`segment_strokes` and :func:`route_band`; the QGIS and KML
styles colour by the same tables and group statuses the same way.
"""

from __future__ import annotations

from typing import Any, overload

from .vocab import NOT_BUILT

#: One colour per corridor layer; historical lines are grey in every layer.
LAYER_COLOURS = {
    "middle-corridor": "#1f5aa6",
    "tripp-zangezur": "#b8322a",
    "lachin-road": "#7b3f9e",
    "north-south": "#b86200",
}
HISTORICAL_COLOUR = "#8c8c8c"
#: Colours of segments by mode (exports colour segments by mode, maps by layer).
MODE_COLOURS = {"rail": "#b2182b", "road": "#e08214", "sea": "#2166ac", "ferry": "#1b9e77"}
MARKER_COLOURS = {"places": "#ffffff", "airports": "#253494"}
LAND_CROSSING_COLOUR = "#d7191c"
#: The colour of symbols in the map legend, which stand for every layer.
NEUTRAL = "#333333"

#: Statuses drawn alike: solid, dashed (not built yet) and grey (gone).
BUILT, NOT_BUILT_YET, GONE = "operational", "planned or under construction", "historical"
STATUS_GROUPS = {
    BUILT: ("operational",),
    NOT_BUILT_YET: NOT_BUILT,
    GONE: ("historical",),
}


def status_group(status: str | None) -> str:
    """The drawing group of a status: :data:`BUILT`, :data:`NOT_BUILT_YET` or :data:`GONE`.

    Parameters
    ----------
    status
        One of :data:`corridors.vocab.STATUSES` (anything else, such as None, draws as built).

    Returns
    -------
    str
        A key of :data:`STATUS_GROUPS`.
    """
    return next((group for group, statuses in STATUS_GROUPS.items() if status in statuses), BUILT)


@overload
def line_colour(status: str | None, colour: str) -> str: ...
@overload
def line_colour(status: str | None, colour: None) -> str | None: ...
def line_colour(status: str | None, colour: str | None) -> str | None:
    """The colour a line is drawn in: its own, or grey once historical.

    Parameters
    ----------
    status
        The line's status.
    colour
        The colour of its layer or mode.

    Returns
    -------
    str or None
        A ``#rrggbb`` colour (None when ``colour`` is None and the line is not historical).
    """
    return HISTORICAL_COLOUR if status_group(status) == GONE else colour


def segment_strokes(mode: str, status: str, colour: str | None) -> list[dict[str, Any]]:
    """Leaflet path options drawing a segment, bottom stroke first.

    The mode reads without colour (rail: thick line with white ties; road: plain line; sea and ferry:
    dots), the status by dashes (under construction, planned) or grey (historical).

    Parameters
    ----------
    mode, status
        The segment's.
    colour
        Its layer's colour (None leaves the colour to the page's style tables).

    Returns
    -------
    list of dict
        Leaflet ``Polyline`` options, one per stroke.
    """
    colour = line_colour(status, colour)
    dash = "10 7" if status in NOT_BUILT else None
    if mode == "rail":
        return [
            {"color": colour, "weight": 5, "line_cap": "butt", "dash_array": dash},
            {"color": "#ffffff", "weight": 2, "line_cap": "butt", "dash_array": "4 6", "class_name": "rail-ties"},
        ]
    if mode == "road":
        return [{"color": colour, "weight": 3, "dash_array": dash}]
    return [{"color": colour, "weight": 3.5, "dash_array": "0.5 7", "opacity": 0.55 if dash else 1.0}]


def route_band(status: str, colour: str | None) -> dict[str, Any]:
    """Leaflet path options of a route: a translucent band over its segments, dashed or grey by status.

    Parameters
    ----------
    status
        The route's status.
    colour
        Its layer's colour.

    Returns
    -------
    dict
        Leaflet ``Polyline`` options.
    """
    return {
        "color": line_colour(status, colour),
        "weight": 14,
        "opacity": 0.25,
        "dash_array": "18 12" if status in NOT_BUILT else None,
        "class_name": "corridor-route",
    }
