"""QGIS styles (QML) of the exported tables: colours, dashes and greys shared with the maps (corridors.style)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ..style import (
    LAND_CROSSING_COLOUR,
    LAYER_COLOURS,
    MARKER_COLOURS,
    MODE_COLOURS,
    NOT_BUILT_YET,
    STATUS_GROUPS,
    line_colour,
)
from ..vocab import CORRIDOR_LAYERS

_QML_DOCTYPE = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"


def qml_style(table: str) -> str:
    """The QGIS style (QML) of an exported feature table.

    Segments are coloured by mode and routes by corridor layer; both are dashed while planned or under
    construction and grey once historical. Places, airports and crossings (land or sea) get markers.
    """
    if table in ("segments", "routes"):
        field, colours, width, alpha = (
            ("mode", MODE_COLOURS, 0.8, 1.0) if table == "segments" else ("layer", LAYER_COLOURS, 1.8, 0.5)
        )
        titles = {key: CORRIDOR_LAYERS.get(key, key) for key in colours}
        rules = [
            (
                f"{titles[key]} — {group}",
                f'"{field}" = {_quoted(key)} AND "status" IN ({", ".join(map(_quoted, statuses))})',
                _qml_symbol(
                    "line", "SimpleLine", alpha,
                    line_color=_qgis_colour(line_colour(statuses[0], colour)),
                    line_width=str(width), line_width_unit="MM", capstyle="round", joinstyle="round",
                    line_style="dash" if group == NOT_BUILT_YET else "solid",
                ),
            )
            for key, colour in colours.items()
            for group, statuses in STATUS_GROUPS.items()
        ]
        return _qml_document(rules, geometry_type=1)
    markers = {
        "places": [("place", "", _qml_marker("circle", MARKER_COLOURS["places"], 1.8))],
        "airports": [("airport", "", _qml_marker("square", MARKER_COLOURS["airports"], 2.6))],
        "crossings": [
            ("border crossing at sea", '"by_sea"', _qml_marker("diamond", MODE_COLOURS["sea"], 3.0)),
            ("border crossing on land", "ELSE", _qml_marker("diamond", LAND_CROSSING_COLOUR, 3.0)),
        ],
    }
    return _qml_document(markers[table], geometry_type=0)


def _quoted(value: str) -> str:
    """A QGIS expression string literal."""
    return "'" + value.replace("'", "''") + "'"


def _qgis_colour(hex_colour: str) -> str:
    red, green, blue = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"{red},{green},{blue},255"


def _qml_marker(shape: str, colour: str, size: float) -> ET.Element:
    return _qml_symbol(
        "marker", "SimpleMarker", 1.0, name=shape, color=_qgis_colour(colour), outline_color="35,35,35,255",
        outline_style="solid", outline_width="0.3", outline_width_unit="MM", size=str(size), size_unit="MM",
    )


def _qml_symbol(kind: str, layer_class: str, alpha: float, **options: str) -> ET.Element:
    symbol = ET.Element("symbol", {"type": kind, "alpha": str(alpha), "clip_to_extent": "1", "force_rhr": "0"})
    layer = ET.SubElement(symbol, "layer", {"class": layer_class, "enabled": "1", "locked": "0", "pass": "0"})
    option_map = ET.SubElement(layer, "Option", {"type": "Map"})
    for name, value in options.items():
        ET.SubElement(option_map, "Option", {"type": "QString", "name": name, "value": value})
    return symbol


def _qml_document(rules: list[tuple[str, str, ET.Element]], geometry_type: int) -> str:
    """A rule-based renderer: each rule is (legend label, filter expression or "" for all, symbol)."""
    root = ET.Element("qgis", {"version": "3.28.0", "styleCategories": "Symbology"})
    renderer = ET.SubElement(
        root, "renderer-v2",
        {"type": "RuleRenderer", "symbollevels": "0", "enableorderby": "0", "forceraster": "0", "referencescale": "-1"},
    )
    rules_element = ET.SubElement(renderer, "rules", {"key": "root"})
    symbols = ET.SubElement(renderer, "symbols")
    for number, (label, expression, symbol) in enumerate(rules):
        attributes = {"key": f"rule-{number}", "label": label, "symbol": str(number)}
        if expression:
            attributes["filter"] = expression
        ET.SubElement(rules_element, "rule", attributes)
        symbol.set("name", str(number))
        symbols.append(symbol)
    ET.SubElement(root, "layerGeometryType").text = str(geometry_type)
    ET.indent(root)
    return _QML_DOCTYPE + ET.tostring(root, encoding="unicode") + "\n"
