"""QGIS styles (QML): symbols, rule-based renderers, labels, field aliases and widgets, time properties."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable

import pandas as pd

from .legend import (
    COUNTRIES_TABLE,
    FIELD_ALIASES,
    LABELS,
    MULTILINE_FIELDS,
    Fill,
    Label,
    Marker,
    Rule,
    Stroke,
    expression,
    rules,
)

# --- QML ------------------------------------------------------------------------------------------


def _rgba(hex_colour: str, opacity: float = 1.0) -> str:
    red, green, blue = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"{red},{green},{blue},{round(255 * opacity)}"


def _options(parent: ET.Element, values: dict[str, object]) -> ET.Element:
    option_map = ET.SubElement(parent, "Option", {"type": "Map"})
    for name, value in values.items():
        kind = "bool" if isinstance(value, bool) else "QString"
        text = str(value).lower() if isinstance(value, bool) else str(value)
        ET.SubElement(option_map, "Option", {"type": kind, "name": name, "value": text})
    return option_map


def _symbol_layer(symbol: ET.Element, layer_class: str, options: dict[str, object]) -> ET.Element:
    layer = ET.SubElement(symbol, "layer", {"class": layer_class, "enabled": "1", "locked": "0", "pass": "0"})
    _options(layer, options)
    return layer


def _qml_symbol(name: str, look: Stroke | Marker | Fill) -> ET.Element:
    kind = "line" if isinstance(look, Stroke) else "marker" if isinstance(look, Marker) else "fill"
    alpha = look.opacity if isinstance(look, Stroke) else 1.0
    symbol = ET.Element("symbol", {"type": kind, "name": name, "alpha": f"{alpha:g}", "clip_to_extent": "1",
                                   "force_rhr": "0"})
    if isinstance(look, Stroke):
        _symbol_layer(symbol, "SimpleLine", {
            "line_color": _rgba(look.colour), "line_width": look.width, "line_width_unit": "MM",
            "line_style": look.pattern, "capstyle": "round" if look.pattern != "dot" else "flat",
            "joinstyle": "round",
        })
        if look.ties:
            hashes = _symbol_layer(symbol, "HashLine", {
                "interval": 2.2, "interval_unit": "MM", "hash_length": 1.8, "hash_length_unit": "MM",
                "hash_angle": 0, "placement": "interval", "rotate": 1,
            })
            tie = ET.SubElement(hashes, "symbol", {"type": "line", "name": f"@{name}@1", "alpha": "1",
                                                   "clip_to_extent": "1", "force_rhr": "0"})
            _symbol_layer(tie, "SimpleLine", {"line_color": _rgba(look.colour), "line_width": 0.3,
                                              "line_width_unit": "MM", "line_style": "solid"})
    elif isinstance(look, Marker):
        _symbol_layer(symbol, "SimpleMarker", {
            "name": look.shape, "color": _rgba(look.colour), "outline_color": "35,35,35,255",
            "outline_style": "solid", "outline_width": 0.3, "outline_width_unit": "MM", "size": look.size,
            "size_unit": "MM",
        })
    else:
        _symbol_layer(symbol, "SimpleFill", {
            "color": _rgba(look.colour), "outline_color": _rgba(look.outline), "outline_width": 0.2,
            "outline_width_unit": "MM", "style": "solid", "outline_style": "solid",
        })
    return symbol


def _renderer(rule_list: list[Rule]) -> ET.Element:
    renderer = ET.Element("renderer-v2", {"type": "RuleRenderer", "symbollevels": "0", "enableorderby": "0",
                                          "forceraster": "0", "referencescale": "-1"})
    rules_element = ET.SubElement(renderer, "rules", {"key": "root"})
    symbols = ET.SubElement(renderer, "symbols")
    for number, rule in enumerate(rule_list):
        attributes = {"key": f"rule-{number}", "label": rule.label, "symbol": str(number)}
        if rule.where:
            attributes["filter"] = expression(rule)
        ET.SubElement(rules_element, "rule", attributes)
        symbols.append(_qml_symbol(str(number), rule.symbol))
    return renderer


def _labeling(label: Label) -> ET.Element:
    labeling = ET.Element("labeling", {"type": "simple"})
    settings = ET.SubElement(labeling, "settings", {"calloutType": "simple"})
    style = ET.SubElement(settings, "text-style", {
        "fieldName": label.expression, "isExpression": "1", "fontSize": f"{label.size_pt:g}", "fontSizeUnit": "Point",
        "textColor": "40,40,40,255", "fontFamily": "DejaVu Sans", "namedStyle": "Book", "textOpacity": "1",
    })
    ET.SubElement(style, "text-buffer", {"bufferDraw": "1", "bufferSize": "0.8", "bufferSizeUnits": "MM",
                                         "bufferColor": "255,255,255,255", "bufferOpacity": "0.85"})
    ET.SubElement(settings, "placement", {
        # 3: curved along the line (above or on it); 6: around the point, at the best of 8 positions
        "placement": "3" if label.on_line else "6", "placementFlags": "10", "dist": "1", "distUnits": "MM",
        "repeatDistance": "80" if label.on_line else "0", "repeatDistanceUnits": "MM", "priority": "5",
        "maxCurvedCharAngleIn": "25", "maxCurvedCharAngleOut": "-25",
    })
    ET.SubElement(settings, "rendering", {  # QGIS writes the most zoomed-out denominator as scaleMax
        "scaleVisibility": "1", "scaleMax": str(label.max_denominator), "scaleMin": "1", "obstacle": "1",
        "mergeLines": "1" if label.on_line else "0", "drawLabels": "1", "displayAll": "0", "upsidedownLabels": "0",
    })
    return labeling


def field_elements(columns: Iterable[str]) -> list[ET.Element]:
    """``fieldConfiguration`` (multi-line text boxes) and ``aliases`` (names with units).

    Parameters
    ----------
    columns : iterable of str
        The table's columns.

    Returns
    -------
    list of xml.etree.ElementTree.Element
        The two elements, for a QML style or a project layer.
    """
    columns = [c for c in columns if c != "geometry"]
    configuration = ET.Element("fieldConfiguration")
    aliases = ET.Element("aliases")
    for index, column in enumerate(columns):
        field = ET.SubElement(configuration, "field", {"name": column, "configurationFlags": "None"})
        multiline = column in MULTILINE_FIELDS
        widget = ET.SubElement(field, "editWidget", {"type": "TextEdit"})
        _options(ET.SubElement(widget, "config"), {"IsMultiline": multiline, "UseHtml": False})
        ET.SubElement(aliases, "alias", {"index": str(index), "field": column, "name": FIELD_ALIASES.get(column, "")})
    return [configuration, aliases]


def _temporal(columns: Iterable[str]) -> ET.Element:
    """Start and end from the dates, or 1 January of the year where only the year (or month) is known."""
    active = "opened_year" in set(columns)
    start = 'coalesce("opened_date", make_date("opened_year", 1, 1))' if active else ""
    end = 'coalesce("closed_date", make_date("closed_year", 1, 1))' if active else ""
    temporal = ET.Element("temporal", {"enabled": "1" if active else "0", "mode": "4" if active else "0",
                                       "startExpression": start, "endExpression": end, "limitMode": "0",
                                       "accumulate": "0", "durationUnit": "min", "fixedDuration": "0",
                                       "startField": "", "endField": "", "durationField": ""})
    fixed = ET.SubElement(temporal, "fixedRange")
    ET.SubElement(fixed, "start")
    ET.SubElement(fixed, "end")
    return temporal


def style_elements(table: str, frame: pd.DataFrame) -> list[ET.Element]:
    """What a layer's style holds, in the order QGIS writes it (shared by the QML and the project).

    Parameters
    ----------
    table : str
        Name of the exported table (``routes``, ``segments``, ``places``, ``airports``, ``crossings``,
        ``countries``).
    frame : pandas.DataFrame
        Its rows, whose values decide which rules exist.

    Returns
    -------
    list of xml.etree.ElementTree.Element
        Time properties, renderer, labelling (for labelled tables) and field elements.
    """
    elements = [_temporal(frame.columns)]
    if table in LABELS:
        elements += [_renderer(rules(table, frame)), _labeling(LABELS[table])]
    elif "geometry" in frame.columns:
        elements.append(_renderer(rules(table, frame)))
    elements += field_elements(frame.columns)
    return elements


def qml_style(table: str, frame: pd.DataFrame) -> str:
    """The QGIS style (QML) of an exported table: symbols, labels, field aliases and widgets.

    Parameters
    ----------
    table : str
        Name of the exported table (``routes``, ``segments``, ``places``, ``airports``, ``crossings``,
        ``countries``).
    frame : pandas.DataFrame
        Its rows, whose values decide which rules exist.

    Returns
    -------
    str
        The QML document.
    """
    labels = "1" if table in LABELS else "0"
    root = ET.Element("qgis", {"version": "3.22.0", "styleCategories": "AllStyleCategories", "labelsEnabled": labels})
    root.extend(style_elements(table, frame))
    geometry_type = {"routes": 1, "segments": 1, COUNTRIES_TABLE: 2}.get(table, 0)
    ET.SubElement(root, "layerGeometryType").text = str(geometry_type)
    ET.indent(root)
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + ET.tostring(root, encoding="unicode") + "\n"


