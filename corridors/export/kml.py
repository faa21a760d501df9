"""KML 2.2 for Google Earth, written directly (not through GDAL) so every element is what Earth expects.

A named ``Document`` holds shared styles (a ``StyleMap`` per look, with a highlight state), one typed
``Schema`` per table, and a folder per table in plain words. Lines are tessellated and clamped to the
ground, so Google Earth drapes them over the mountains. Extended data is typed for GDAL 3.6: integers
are declared ``int`` and booleans are written 0/1 (GDAL reads ``true`` as 0). Descriptions give the
key numbers (length, countries, crossings) and the citations. Placemarks with an opening or closing
date carry a ``TimeSpan`` for Earth's time slider. The file validates against the OGC KML 2.2 schema.
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pandas as pd
import shapely

from ..geodesy import path_length_km
from ..geojson import plain
from ..io import write_text_atomic
from ..style import (
    LAND_CROSSING_COLOUR,
    LAYER_COLOURS,
    MARKER_COLOURS,
    MODE_COLOURS,
    NOT_BUILT_YET,
    line_colour,
    status_group,
)
from ..vocab import COORDINATE_DECIMALS
from .tables import TABLE_DESCRIPTIONS, ExportTables

KML_NAMESPACE = "http://www.opengis.net/kml/2.2"
DOCUMENT_NAME = "South Caucasus transport corridors"
#: Folder names, in plain words, by table.
FOLDERS = {
    "routes": "Routes",
    "segments": "Segments",
    "places": "Places",
    "airports": "Airports",
    "crossings": "Border crossings",
}
_ICONS = {
    "places": "https://maps.google.com/mapfiles/kml/shapes/placemark_circle.png",
    "airports": "https://maps.google.com/mapfiles/kml/shapes/airports.png",
    "crossings": "https://maps.google.com/mapfiles/kml/shapes/placemark_square.png",
}
#: Line width (px), opacity, and opacity while planned or under construction (KML cannot dash).
_LINES = {"routes": (6, "99", "4D"), "segments": (3, "FF", "80")}
#: Columns left out of the extended data: shown otherwise (name, description) or only useful in a GIS.
_NOT_DATA = {"name", "citations_text", "geometry", "source"}


def write_kml(tables: ExportTables, target: str | Path) -> Path:
    """Write the tables as one KML 2.2 document for Google Earth (see the module docstring).

    Parameters
    ----------
    tables
        The tables to write (see :func:`export_tables`).
    target
        The file to write.

    Returns
    -------
    Path
        The file written.
    """
    write_text_atomic(target, kml_text(tables))
    return Path(target)


def kml_text(tables: ExportTables) -> str:
    """The KML document as text.

    Parameters
    ----------
    tables
        The tables to write (see :func:`export_tables`).

    Returns
    -------
    str
        The KML document.
    """
    ET.register_namespace("", KML_NAMESPACE)
    kml = _element("kml")
    document = _sub(kml, "Document", id="corridors")
    _sub(document, "name").text = DOCUMENT_NAME
    _sub(document, "open").text = "1"
    _sub(document, "description").text = (
        "Routes with their geodesic lengths and border crossings, the segments they are made of, places, "
        "airports and crossings; every cited attribute with its source. Lines not built yet are faint, "
        "historical ones grey."
    )
    layers = tables.layers
    looks = {name: [_look(name, row) for row in _rows(frame)] for name, frame in layers.items()}
    for style_id, style in sorted({look for rows in looks.values() for look in rows}):
        _add_style_map(document, style_id, style)
    for name, frame in layers.items():
        _add_schema(document, name, frame)
    sources = {fid: rows for fid, rows in tables.citations.groupby("feature_id")} if len(tables.citations) else {}
    crossings = {route: rows for route, rows in tables.crossings.groupby("route")} if len(tables.crossings) else {}
    for name, frame in layers.items():
        folder = _sub(document, "Folder", id=f"folder-{name}")
        _sub(folder, "name").text = FOLDERS[name]
        _sub(folder, "description").text = TABLE_DESCRIPTIONS[name]
        for row, geometry, (style_id, _) in zip(_rows(frame), frame.geometry, looks[name]):
            _add_placemark(folder, name, row, geometry, style_id, sources.get(row["id"]), crossings.get(row["id"]))
    ET.indent(kml)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(kml, encoding="unicode") + "\n"


def _element(tag: str, **attributes: str) -> ET.Element:
    return ET.Element(f"{{{KML_NAMESPACE}}}{tag}", attributes)


def _sub(parent: ET.Element, tag: str, **attributes: str) -> ET.Element:
    return ET.SubElement(parent, f"{{{KML_NAMESPACE}}}{tag}", attributes)


def _rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: plain(v) for k, v in row.items()} for row in frame.drop(columns="geometry").to_dict("records")]


# --- styles ---------------------------------------------------------------------------------------


def _look(table: str, row: dict[str, Any]) -> tuple[str, tuple[str, str, int]]:
    """The shared style of a placemark: (style id, (kind, KML colour aabbggrr, width or 0))."""
    if table in _LINES:
        width, opacity, faint = _LINES[table]
        key = row["layer"] if table == "routes" else row["mode"]
        group = status_group(row.get("status"))
        palette = LAYER_COLOURS if table == "routes" else MODE_COLOURS
        colour = line_colour(row.get("status"), palette[key])
        alpha = faint if group == NOT_BUILT_YET else opacity
        return f"{table}-{key}-{group.split()[0]}", ("line", _kml_colour(colour, alpha), width)
    if table == "crossings":
        at_sea = bool(row.get("by_sea"))
        colour = MODE_COLOURS["sea"] if at_sea else LAND_CROSSING_COLOUR
        return f"crossings-{'sea' if at_sea else 'land'}", (_ICONS[table], _kml_colour(colour, "FF"), 0)
    return table, (_ICONS[table], _kml_colour(MARKER_COLOURS[table], "FF"), 0)


def _kml_colour(hex_colour: str, alpha: str) -> str:
    """``#rrggbb`` and an alpha byte as KML's ``aabbggrr``."""
    red, green, blue = hex_colour[1:3], hex_colour[3:5], hex_colour[5:7]
    return f"{alpha}{blue}{green}{red}".lower()


def _add_style_map(document: ET.Element, style_id: str, look: tuple[str, str, int]) -> None:
    """A normal and a highlight style (wider line or bigger icon, label shown) and the StyleMap pairing them."""
    kind, colour, width = look
    for state, scale in (("normal", 1.0), ("highlight", 1.5)):
        style = _sub(document, "Style", id=f"{style_id}-{state}")  # children in the schema's order
        if kind != "line":
            icon_style = _sub(style, "IconStyle")
            _sub(icon_style, "color").text = colour
            _sub(icon_style, "scale").text = f"{scale:g}"
            _sub(_sub(icon_style, "Icon"), "href").text = kind
        _sub(_sub(style, "LabelStyle"), "scale").text = "1" if state == "highlight" or kind != "line" else "0"
        if kind == "line":
            line = _sub(style, "LineStyle")
            _sub(line, "color").text = colour
            _sub(line, "width").text = f"{width * scale:g}"
    style_map = _sub(document, "StyleMap", id=style_id)
    for state in ("normal", "highlight"):
        pair = _sub(style_map, "Pair")
        _sub(pair, "key").text = state
        _sub(pair, "styleUrl").text = f"#{style_id}-{state}"


# --- extended data --------------------------------------------------------------------------------


def _field_type(values: pd.Series) -> str:
    """The KML SimpleField type of a column: ``int`` for integers and booleans (written 0/1), else double/string."""
    if pd.api.types.is_bool_dtype(values) or pd.api.types.is_integer_dtype(values):
        return "int"
    if pd.api.types.is_float_dtype(values):
        return "double"
    return "string"


def _add_schema(document: ET.Element, table: str, frame: pd.DataFrame) -> None:
    schema = _sub(document, "Schema", name=table, id=f"schema-{table}")
    for column in frame.columns:
        if column not in _NOT_DATA:
            _sub(schema, "SimpleField", name=column, type=_field_type(frame[column]))


def _data_text(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return f"{value:.{COORDINATE_DECIMALS}g}" if abs(value) < 1 else repr(round(value, COORDINATE_DECIMALS))
    return str(value)


# --- placemarks -----------------------------------------------------------------------------------


def _add_placemark(
    folder: ET.Element,
    table: str,
    row: dict[str, Any],
    geometry: Any,
    style_id: str,
    sources: pd.DataFrame | None,
    crossings: pd.DataFrame | None,
) -> None:
    placemark = _sub(folder, "Placemark", id=f"{table}-{row['id']}")
    _sub(placemark, "name").text = str(row["name"])
    _sub(placemark, "description").text = _description(table, row, geometry, sources, crossings)
    if row.get("opened") or row.get("closed"):
        span = _sub(placemark, "TimeSpan")
        for tag, key in (("begin", "opened"), ("end", "closed")):
            if row.get(key):
                _sub(span, tag).text = str(row[key])
    _sub(placemark, "styleUrl").text = f"#{style_id}"
    schema_data = _sub(_sub(placemark, "ExtendedData"), "SchemaData", schemaUrl=f"#schema-{table}")
    for column, value in row.items():
        if column not in _NOT_DATA and value is not None:
            _sub(schema_data, "SimpleData", name=column).text = _data_text(value)
    _add_geometry(placemark, geometry)


def _add_geometry(parent: ET.Element, geometry: Any) -> None:
    if geometry is None or geometry.is_empty:
        return
    parts = list(geometry.geoms) if hasattr(geometry, "geoms") else [geometry]
    container = _sub(parent, "MultiGeometry") if len(parts) > 1 else parent
    for part in parts:
        coordinates = " ".join(
            ",".join(_coordinate(c) for c in xy)
            for xy in shapely.get_coordinates(part)
        )
        if part.geom_type == "Point":
            point = _sub(container, "Point")
            _sub(point, "altitudeMode").text = "clampToGround"
            _sub(point, "coordinates").text = coordinates
        else:
            line = _sub(container, "LineString")
            _sub(line, "tessellate").text = "1"
            _sub(line, "altitudeMode").text = "clampToGround"
            _sub(line, "coordinates").text = coordinates


def _coordinate(value: float) -> str:
    return f"{round(float(value), COORDINATE_DECIMALS):.{COORDINATE_DECIMALS}f}".rstrip("0").rstrip(".")


def _description(
    table: str, row: dict[str, Any], geometry: Any, sources: pd.DataFrame | None, crossings: pd.DataFrame | None
) -> str:
    """HTML for the balloon: what the feature is, its key numbers, its crossings and its citations."""
    keys = ("kind", "layer", "mode", "status", "geometry_quality")
    facts = [str(row[key]).replace("_", " ") for key in keys if row.get(key)]
    parts = [f"<p>{html.escape(' · '.join(facts))}</p>"]
    numbers = []
    if table == "routes":
        numbers.append(f"Length: {row['length_km']:.1f} km (geodesic)")
        if row.get("published_km"):
            numbers.append(f"Published: {row['published_km']:g} km ({row.get('published_source') or 'source in geo/'})")
        modes = [f"{mode} {row[f'{mode}_km']:.1f} km" for mode in MODE_COLOURS if row.get(f"{mode}_km")]
        if len(modes) > 1:
            numbers.append("By mode: " + ", ".join(modes))
        if row.get("countries"):
            numbers.append("Countries: " + " → ".join(str(row["countries"]).split(";")))
        if row.get("transit_days_low") is not None and row.get("transit_days_high") is not None:
            numbers.append(f"Transit (estimate): {row['transit_days_low']:g}–{row['transit_days_high']:g} days")
    elif table == "segments" and geometry is not None and not geometry.is_empty:
        parts_km = sum(path_length_km(shapely.get_coordinates(p)) for p in getattr(geometry, "geoms", [geometry]))
        numbers.append(f"Length: {parts_km:.1f} km (geodesic)")
    elif table == "crossings":
        numbers.append(f"{row['from']} → {row['to']} at km {row['at_km']:.1f} of {row['route']}")
        if row.get("by_sea"):
            numbers.append("At sea: where the route leaves the first coast")
    for key, label in (("opened", "Opened"), ("closed", "Closed")):
        if row.get(key):
            numbers.append(f"{label}: {row[key]}")
    if numbers:
        parts.append("<p>" + "<br/>".join(html.escape(n) for n in numbers) + "</p>")
    if crossings is not None and len(crossings):
        items = "".join(
            f"<li>{html.escape(str(c.name))} at km {c.at_km:.1f}{' (at sea)' if c.by_sea else ''}</li>"
            for c in crossings.itertuples()
        )
        parts.append(f"<p>Border crossings ({len(crossings)}):</p><ol>{items}</ol>")
    if sources is not None:
        # One item per quote: "according to <source>: “quote”", then every value that sentence supports.
        items = "".join(
            f"<li>{html.escape(str(source))}: “{html.escape(str(quote))}”<ul>"
            + "".join(f"<li>{html.escape(str(claim))}</li>" for claim in group["claim"])
            + "</ul></li>"
            for (source, quote), group in sources.groupby(["source", "quote"], sort=False)
        )
        parts.append(f"<p>Sources:</p><ul>{items}</ul>")
    return "".join(parts)
