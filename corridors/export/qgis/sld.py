"""The same symbols as SLD 1.1 (Symbology Encoding), for clients other than QGIS."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pandas as pd

from .legend import (
    COUNTRIES_TABLE,
    LABELS,
    Fill,
    Label,
    Marker,
    Rule,
    Stroke,
    rules,
)

# --- SLD ------------------------------------------------------------------------------------------

_SLD = "http://www.opengis.net/sld"
_SE = "http://www.opengis.net/se"
_OGC = "http://www.opengis.net/ogc"
_DASHES = {"solid": None, "dash": "6 3", "dot": "1 3"}
_SLD_SCALE = 0.2646  # SLD sizes are in pixels of 0.28 mm: mm * 1/0.28 ≈ px; here 1 mm = 3.78 px at 96 dpi


def sld_style(table: str, frame: pd.DataFrame) -> str:
    """The same symbols (and labels) as SLD 1.1 / Symbology Encoding, for clients other than QGIS.

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
        The SLD document.
    """
    for prefix, uri in (("sld", _SLD), ("se", _SE), ("ogc", _OGC)):
        ET.register_namespace(prefix, uri)
    root = ET.Element(f"{{{_SLD}}}StyledLayerDescriptor", {"version": "1.1.0"})
    layer = ET.SubElement(root, f"{{{_SLD}}}NamedLayer")
    ET.SubElement(layer, f"{{{_SE}}}Name").text = table
    style = ET.SubElement(layer, f"{{{_SLD}}}UserStyle")
    ET.SubElement(style, f"{{{_SE}}}Name").text = table
    feature_style = ET.SubElement(style, f"{{{_SE}}}FeatureTypeStyle")
    for rule in rules(table, frame):
        element = ET.SubElement(feature_style, f"{{{_SE}}}Rule")
        ET.SubElement(element, f"{{{_SE}}}Name").text = rule.label
        ET.SubElement(ET.SubElement(element, f"{{{_SE}}}Description"), f"{{{_SE}}}Title").text = rule.label
        if rule.where:
            _sld_filter(ET.SubElement(element, f"{{{_OGC}}}Filter"), rule)
        _sld_symbolizer(element, rule.symbol)
    if table in LABELS:
        _sld_label(feature_style, table, LABELS[table])
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _sld_filter(parent: ET.Element, rule: Rule) -> None:
    terms = []
    for field, values in rule.where:
        options = []
        for value in values:
            equal = ET.Element(f"{{{_OGC}}}PropertyIsEqualTo")
            ET.SubElement(equal, f"{{{_OGC}}}PropertyName").text = field
            literal = str(value).lower() if isinstance(value, bool) else str(value)
            ET.SubElement(equal, f"{{{_OGC}}}Literal").text = literal
            options.append(equal)
        if len(options) > 1:
            either = ET.Element(f"{{{_OGC}}}Or")
            either.extend(options)
            options = [either]
        terms += options
    if len(terms) > 1:
        both = ET.SubElement(parent, f"{{{_OGC}}}And")
        both.extend(terms)
    else:
        parent.extend(terms)


def _css(parent: ET.Element, name: str, value: object) -> None:
    ET.SubElement(parent, f"{{{_SE}}}SvgParameter", {"name": name}).text = str(value)


def _pixels(mm: float) -> str:
    return f"{mm / 0.28:.1f}"


def _sld_symbolizer(rule: ET.Element, look: Stroke | Marker | Fill) -> None:
    if isinstance(look, Stroke):
        stroke = ET.SubElement(ET.SubElement(rule, f"{{{_SE}}}LineSymbolizer"), f"{{{_SE}}}Stroke")
        _css(stroke, "stroke", look.colour)
        _css(stroke, "stroke-width", _pixels(look.width))
        _css(stroke, "stroke-opacity", f"{look.opacity:g}")
        _css(stroke, "stroke-linecap", "round" if look.pattern != "dot" else "butt")
        if _DASHES[look.pattern]:
            _css(stroke, "stroke-dasharray", _DASHES[look.pattern])
        if look.ties:  # ties: a perpendicular tick every 2.2 mm
            ties = ET.SubElement(ET.SubElement(rule, f"{{{_SE}}}LineSymbolizer"), f"{{{_SE}}}Stroke")
            graphic = ET.SubElement(ET.SubElement(ties, f"{{{_SE}}}GraphicStroke"), f"{{{_SE}}}Graphic")
            mark = ET.SubElement(graphic, f"{{{_SE}}}Mark")
            ET.SubElement(mark, f"{{{_SE}}}WellKnownName").text = "line"
            mark_stroke = ET.SubElement(mark, f"{{{_SE}}}Stroke")
            _css(mark_stroke, "stroke", look.colour)
            _css(mark_stroke, "stroke-width", _pixels(0.3))
            ET.SubElement(graphic, f"{{{_SE}}}Size").text = _pixels(1.8)
            ET.SubElement(ties, f"{{{_SE}}}SvgParameter", {"name": "stroke-dasharray"}).text = f"1 {_pixels(2.2)}"
    elif isinstance(look, Marker):
        graphic = ET.SubElement(ET.SubElement(rule, f"{{{_SE}}}PointSymbolizer"), f"{{{_SE}}}Graphic")
        mark = ET.SubElement(graphic, f"{{{_SE}}}Mark")
        ET.SubElement(mark, f"{{{_SE}}}WellKnownName").text = {"diamond": "diamond"}.get(look.shape, look.shape)
        _css(ET.SubElement(mark, f"{{{_SE}}}Fill"), "fill", look.colour)
        outline = ET.SubElement(mark, f"{{{_SE}}}Stroke")
        _css(outline, "stroke", "#232323")
        _css(outline, "stroke-width", _pixels(0.3))
        ET.SubElement(graphic, f"{{{_SE}}}Size").text = _pixels(look.size)
    else:
        symbolizer = ET.SubElement(rule, f"{{{_SE}}}PolygonSymbolizer")
        _css(ET.SubElement(symbolizer, f"{{{_SE}}}Fill"), "fill", look.colour)
        outline = ET.SubElement(symbolizer, f"{{{_SE}}}Stroke")
        _css(outline, "stroke", look.outline)
        _css(outline, "stroke-width", _pixels(0.2))


def _sld_label(feature_style: ET.Element, table: str, label: Label) -> None:
    rule = ET.SubElement(feature_style, f"{{{_SE}}}Rule")
    ET.SubElement(rule, f"{{{_SE}}}Name").text = "labels"
    ET.SubElement(rule, f"{{{_SE}}}MaxScaleDenominator").text = str(label.max_denominator)
    text = ET.SubElement(rule, f"{{{_SE}}}TextSymbolizer")
    content = ET.SubElement(text, f"{{{_SE}}}Label")
    field = {"airports": "iata", "crossings": "name", COUNTRIES_TABLE: "iso3"}.get(table, "name")
    ET.SubElement(content, f"{{{_OGC}}}PropertyName").text = field
    font = ET.SubElement(text, f"{{{_SE}}}Font")
    _css(font, "font-size", f"{label.size_pt * 96 / 72:.0f}")
    halo = ET.SubElement(text, f"{{{_SE}}}Halo")
    ET.SubElement(halo, f"{{{_SE}}}Radius").text = "2"
    _css(ET.SubElement(halo, f"{{{_SE}}}Fill"), "fill", "#ffffff")
    _css(ET.SubElement(text, f"{{{_SE}}}Fill"), "fill", "#282828")


