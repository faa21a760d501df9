"""What makes the GeoPackage open ready-made in QGIS: a project, styles, a countries layer and declared links.

Added to a GeoPackage holding the export's tables:

``countries``
    Natural Earth 10m admin-0 polygons around the features, simplified, as context under the lines;
``layer_styles``
    per table a QGIS style (QML: symbols, labels, field aliases with units, widgets) and the same
    symbols as SLD 1.1 for other clients;
``gpkgext_relations``
    the GeoPackage Related Tables Extension: citations → routes, segments, places and airports;
``qgis_projects``
    a project QGIS lists under "Open from GeoPackage": layers grouped by corridor over the countries,
    the citations table related to every feature layer, time-aware lines for the temporal controller.

Symbols follow the web map: the mode shows in the line (rail with ties, road solid, sea and ferry
dotted), the status in a dash (planned or under construction) or, where the line is dotted already, in
transparency, and grey once historical. Routes are broad, translucent bands under their segments and are
never dashed, so nothing double-dashes. Only the combinations present in the data get a rule, so the
legend holds no empty entries. The XML is written here, so the package needs no QGIS at run time.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import sqlite3
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from .export import (
    DATASET_DESCRIPTION,
    DATASET_TITLE,
    LAND_CROSSING_COLOUR,
    MARKER_COLOURS,
    MODE_COLOURS,
    STATUS_GROUPS,
    TABLE_DESCRIPTIONS,
    ExportTables,
)
from .layers import CORRIDOR_LAYERS, HISTORICAL_COLOUR, LAYER_COLOURS

PROJECT_NAME = "corridors"
COUNTRIES_TABLE = "countries"
#: Simplification of the countries context layer (degrees, about 1 km): it is drawn, never measured.
COUNTRIES_TOLERANCE_DEG = 0.01
#: The view the project opens on when the export reaches it: the South Caucasus (lon/lat bounds).
SOUTH_CAUCASUS = (38.5, 37.5, 51.5, 44.0)
RELATED_TABLES_EXTENSION = "http://www.geopackage.org/18-000.html"
TITLES = {
    "routes": "Routes",
    "segments": "Segments",
    "places": "Places",
    "airports": "Airports",
    "crossings": "Border crossings",
    "citations": "Citations",
    COUNTRIES_TABLE: "Countries",
}
#: Field aliases, with units, shown in QGIS forms and attribute tables.
FIELD_ALIASES = {
    "id": "Id",
    "kind": "Kind",
    "name": "Name",
    "layer": "Corridor layer",
    "mode": "Mode",
    "status": "Status",
    "opened": "Opened (as published: YYYY[-MM[-DD]])",
    "closed": "Closed (as published: YYYY[-MM[-DD]])",
    "opened_date": "Opened (date, where the day is known)",
    "closed_date": "Closed (date, where the day is known)",
    "opened_year": "Opened (year)",
    "closed_year": "Closed (year)",
    "segments": "Segments (ids, ; separated)",
    "countries": "Countries crossed (ISO3, ; separated)",
    "declared_countries": "Countries declared (ISO3, ; separated)",
    "length_km": "Length (km, geodesic)",
    "rail_km": "By rail (km)",
    "road_km": "By road (km)",
    "sea_km": "By sea (km)",
    "ferry_km": "By ferry (km)",
    "crossings_count": "Border crossings (count)",
    "aliases": "Other names (; separated)",
    "citations": "Citations (count)",
    "citations_text": "Citations",
    "place_type": "Place type",
    "country": "Country (ISO3)",
    "geonameid": "GeoNames id",
    "iata": "IATA code",
    "serves": "Serves (place id)",
    "from": "From",
    "to": "To",
    "route": "Route (id)",
    "sequence": "Crossing number along the route",
    "at_km": "At (km from the route's start)",
    "by_sea": "At sea (1 = yes)",
    "lon": "Longitude (°)",
    "lat": "Latitude (°)",
    "landfall_lon": "Landfall longitude (°)",
    "landfall_lat": "Landfall latitude (°)",
    "landfall_km": "Landfall (km from the route's start)",
    "geometry_quality": "Geometry quality (traced within about 1 km, or schematic)",
    "segments_traced": "Segments traced (count)",
    "segments_schematic": "Segments schematic (count)",
    "published_km": "Published length (km)",
    "published_source": "Published length: source",
    "deviation_pct": "Our length against the published one (%)",
    "source": "Geometry source",
    "customs_borders": "Customs borders (count, estimate)",
    "transshipments": "Transshipments (count, estimate)",
    "transit_days_low": "Transit, fastest (days, estimate)",
    "transit_days_high": "Transit, slowest (days, estimate)",
    "co2_kg_per_tonne_low": "CO2, lowest (kg per tonne, estimate)",
    "co2_kg_per_tonne_high": "CO2, highest (kg per tonne, estimate)",
    "estimates_as_of": "Estimates as of (date)",
    "feature_id": "Feature (id)",
    "attribute": "Cited attribute",
    "value": "Value",
    "document": "Document (id)",
    "document_title": "Document",
    "quote": "Quote (verbatim)",
    "iso3": "Country (ISO3)",
}
#: Fields shown in a multi-line text box.
MULTILINE_FIELDS = ("citations_text", "quote", "value")


@dataclass(frozen=True)
class Label:
    """A layer's label: a QGIS expression, shown at map scales larger than 1:``max_denominator``."""

    expression: str
    max_denominator: int
    size_pt: float
    on_line: bool = False


LABELS = {
    "routes": Label('"name"', 8_000_000, 9, on_line=True),
    "segments": Label('"name"', 1_500_000, 7, on_line=True),
    "places": Label('"name"', 3_000_000, 8),
    "airports": Label('coalesce("iata", "id")', 6_000_000, 8),
    "crossings": Label('"from" || \' → \' || "to"', 4_000_000, 7.5),
    COUNTRIES_TABLE: Label('"iso3"', 20_000_000, 10),
}


@dataclass(frozen=True)
class Stroke:
    """A line symbol: colour, width (mm), opacity, pattern (solid, dash, dot) and railway ties."""

    colour: str
    width: float
    opacity: float = 1.0
    pattern: str = "solid"
    ties: bool = False


@dataclass(frozen=True)
class Marker:
    """A point symbol: shape (circle, square, diamond), fill colour and size (mm)."""

    shape: str
    colour: str
    size: float


@dataclass(frozen=True)
class Fill:
    colour: str
    outline: str


@dataclass(frozen=True)
class Rule:
    """A legend entry: its label, the features it draws (field → accepted values; empty: all) and its symbol."""

    label: str
    where: tuple[tuple[str, tuple[object, ...]], ...]
    symbol: Stroke | Marker | Fill


def add_to_geopackage(path: str | Path, tables: ExportTables, file_name: str) -> None:
    """Add the countries layer, relations, styles and project to the GeoPackage at ``path``.

    ``file_name`` is the name the file will have once written (the project refers to it by that name,
    relative to its own directory, so the file can move but not be renamed).
    """
    countries = _countries(tables)
    if len(countries):
        pyogrio.write_dataframe(
            countries, path, driver="GPKG", layer=COUNTRIES_TABLE, promote_to_multi=True,
            layer_options={"DESCRIPTION": "Natural Earth 10m admin-0 countries around the features (context)"},
        )
    layers = {**tables.layers, **({COUNTRIES_TABLE: countries} if len(countries) else {})}
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        if len(tables.citations):
            _add_relations(db, [name for name in ("routes", "segments", "places", "airports") if name in layers])
        _add_styles(db, layers)
        _add_project(db, layers, has_citations=bool(len(tables.citations)), file_name=file_name)


# --- countries ------------------------------------------------------------------------------------


def _countries(tables: ExportTables) -> gpd.GeoDataFrame:
    from .analysis import default_boundaries

    bounds = tables.combined().total_bounds
    if not all(map(pd.notna, bounds)):
        return gpd.GeoDataFrame({"iso3": []}, geometry=[], crs="EPSG:4326")
    frame = default_boundaries().clipped(tuple(bounds)).to_geodataframe()
    frame["geometry"] = shapely.simplify(frame.geometry.values, COUNTRIES_TOLERANCE_DEG, preserve_topology=True)
    frame = frame[~frame.geometry.is_empty]
    return frame.dissolve("iso3", as_index=False)[["iso3", "geometry"]]


# --- Related Tables Extension ---------------------------------------------------------------------


def _add_relations(db: sqlite3.Connection, feature_tables: list[str]) -> None:
    """Register citations → each feature table in ``gpkgext_relations``, with a mapping table of fids."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS gpkg_extensions (table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL, "
        "definition TEXT NOT NULL, scope TEXT NOT NULL, CONSTRAINT ge_tce UNIQUE (table_name, column_name, "
        "extension_name))"
    )
    db.execute(
        "CREATE TABLE gpkgext_relations (id INTEGER PRIMARY KEY AUTOINCREMENT, base_table_name TEXT NOT NULL, "
        "base_primary_column TEXT NOT NULL DEFAULT 'id', related_table_name TEXT NOT NULL, "
        "related_primary_column TEXT NOT NULL DEFAULT 'id', relation_name TEXT NOT NULL, "
        "mapping_table_name TEXT NOT NULL UNIQUE)"
    )
    db.execute(
        "INSERT INTO gpkg_extensions VALUES ('gpkgext_relations', NULL, 'related_tables', ?, 'read-write')",
        (RELATED_TABLES_EXTENSION,),
    )
    for table in feature_tables:
        mapping = f"{table}_citations"
        db.execute(f'CREATE TABLE "{mapping}" (base_id INTEGER NOT NULL, related_id INTEGER NOT NULL)')
        db.execute(
            f'INSERT INTO "{mapping}" SELECT f.fid, c.fid FROM "{table}" f JOIN citations c ON c.feature_id = f.id'
        )
        db.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change) "
            "VALUES (?, 'attributes', ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ','now'))",
            (mapping, mapping, f"Which citations back which {table} (Related Tables Extension)"),
        )
        db.execute(
            "INSERT INTO gpkgext_relations (base_table_name, base_primary_column, related_table_name, "
            "related_primary_column, relation_name, mapping_table_name) VALUES (?, 'fid', 'citations', 'fid', "
            "'attributes', ?)",
            (table, mapping),
        )
        db.execute(
            "INSERT INTO gpkg_extensions VALUES (?, NULL, 'related_tables', ?, 'read-write')",
            (mapping, RELATED_TABLES_EXTENSION),
        )


# --- rules ----------------------------------------------------------------------------------------


def _status_group(status: object) -> str:
    return next((group for group, statuses in STATUS_GROUPS.items() if status in statuses), "operational")


def rules(table: str, frame: pd.DataFrame) -> list[Rule]:
    """The legend entries of a table: one per look present in ``frame`` (so none is empty)."""
    if table in ("segments", "routes"):
        key = "mode" if table == "segments" else "layer"
        present = sorted(
            {(k, _status_group(s)) for k, s in zip(frame[key], frame["status"])},
            key=lambda pair: (_order(table, pair[0]), list(STATUS_GROUPS).index(pair[1])),
        )
        return [
            Rule(
                f"{_title(table, value)} — {group}" if group != "operational" else _title(table, value),
                ((key, (value,)), ("status", STATUS_GROUPS[group])),
                _line(table, value, group),
            )
            for value, group in present
        ]
    if table == "crossings":
        found = {bool(v) for v in frame["by_sea"].dropna()}
        return [
            Rule(f"Border crossing {'at sea' if at_sea else 'on land'}", (("by_sea", (at_sea,)),),
                 Marker("diamond", MODE_COLOURS["sea"] if at_sea else LAND_CROSSING_COLOUR, 3.0))
            for at_sea in (False, True) if at_sea in found
        ]
    if table == COUNTRIES_TABLE:
        return [Rule("Country", (), Fill("#f2efe9", "#9e9e9e"))]
    shape, size = {"places": ("circle", 1.8), "airports": ("square", 2.6)}[table]
    return [Rule(TITLES[table][:-1], (), Marker(shape, MARKER_COLOURS[table], size))]


def _order(table: str, value: str) -> int:
    order = list(MODE_COLOURS) if table == "segments" else list(LAYER_COLOURS)
    return order.index(value) if value in order else len(order)


def _title(table: str, value: str) -> str:
    return value.capitalize() if table == "segments" else CORRIDOR_LAYERS.get(value, value)


def _line(table: str, value: str, group: str) -> Stroke:
    historical = group == "historical"
    not_built = group == "planned or under construction"
    if table == "routes":  # a band under the segments: status by transparency or grey, never dashed
        colour = HISTORICAL_COLOUR if historical else LAYER_COLOURS.get(value, HISTORICAL_COLOUR)
        return Stroke(colour, 2.6, 0.18 if not_built else 0.35)
    colour = HISTORICAL_COLOUR if historical else MODE_COLOURS.get(value, HISTORICAL_COLOUR)
    if value in ("sea", "ferry"):  # dotted already: not built yet shows as faint, not as a second dash
        return Stroke(colour, 0.7, 0.45 if not_built else 1.0, pattern="dot")
    return Stroke(colour, 0.8 if value == "road" else 0.6, pattern="dash" if not_built else "solid",
                  ties=value == "rail")


def expression(rule: Rule) -> str:
    """The rule's filter as a QGIS expression ("" for every feature)."""
    terms = []
    for field, values in rule.where:
        if values in ((True,), (False,)):  # a boolean field is a condition in itself
            terms.append(f'"{field}"' if values[0] else f'NOT "{field}"')
            continue
        literals = [str(v) if isinstance(v, int) else "'" + str(v).replace("'", "''") + "'" for v in values]
        terms.append(f'"{field}" = {literals[0]}' if len(literals) == 1 else f'"{field}" IN ({", ".join(literals)})')
    return " AND ".join(terms)


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


def _field_elements(columns: Iterable[str]) -> list[ET.Element]:
    """``fieldConfiguration`` (multi-line text boxes) and ``aliases`` (names with units)."""
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


def _style_elements(table: str, frame: pd.DataFrame) -> list[ET.Element]:
    """What a layer's style holds, in the order QGIS writes it (shared by the QML and the project)."""
    elements = [_temporal(frame.columns)]
    if table in LABELS:
        elements += [_renderer(rules(table, frame)), _labeling(LABELS[table])]
    elif "geometry" in frame.columns:
        elements.append(_renderer(rules(table, frame)))
    elements += _field_elements(frame.columns)
    return elements


def qml_style(table: str, frame: pd.DataFrame) -> str:
    """The QGIS style (QML) of an exported table: symbols, labels, field aliases and widgets."""
    labels = "1" if table in LABELS else "0"
    root = ET.Element("qgis", {"version": "3.22.0", "styleCategories": "AllStyleCategories", "labelsEnabled": labels})
    root.extend(_style_elements(table, frame))
    geometry_type = {"routes": 1, "segments": 1, COUNTRIES_TABLE: 2}.get(table, 0)
    ET.SubElement(root, "layerGeometryType").text = str(geometry_type)
    ET.indent(root)
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + ET.tostring(root, encoding="unicode") + "\n"


# --- SLD ------------------------------------------------------------------------------------------

_SLD = "http://www.opengis.net/sld"
_SE = "http://www.opengis.net/se"
_OGC = "http://www.opengis.net/ogc"
_DASHES = {"solid": None, "dash": "6 3", "dot": "1 3"}
_SLD_SCALE = 0.2646  # SLD sizes are in pixels of 0.28 mm: mm * 1/0.28 ≈ px; here 1 mm = 3.78 px at 96 dpi


def sld_style(table: str, frame: pd.DataFrame) -> str:
    """The same symbols (and labels) as SLD 1.1 / Symbology Encoding, for clients other than QGIS."""
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


# --- layer_styles ---------------------------------------------------------------------------------


def _add_styles(db: sqlite3.Connection, layers: dict[str, gpd.GeoDataFrame]) -> None:
    """Create ``layer_styles`` as QGIS does and store a default QML and SLD per table."""
    db.execute(
        "CREATE TABLE layer_styles ("
        "id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, f_table_catalog TEXT(256), f_table_schema TEXT(256), "
        "f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT, styleSLD TEXT, "
        "useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30), "
        "update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))"
    )
    db.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, srs_id) "
        "VALUES (?, 'attributes', ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ','now'), 0)",
        ("layer_styles", "layer_styles", "QGIS default styles (QML) and SLD, one per layer"),
    )
    for name, frame in layers.items():
        (column,) = db.execute("SELECT column_name FROM gpkg_geometry_columns WHERE table_name = ?", (name,)).fetchone()
        db.execute(
            "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, "
            "styleName, styleQML, styleSLD, useAsDefault, description, owner, ui) "
            "VALUES ('', '', ?, ?, ?, ?, ?, 1, ?, '', NULL)",
            (name, column, name, qml_style(name, frame), sld_style(name, frame),
             TABLE_DESCRIPTIONS.get(name, TITLES[name])),
        )


# --- the project ----------------------------------------------------------------------------------


def _srs(parent: ET.Element, tag: str = "srs") -> None:
    reference = ET.SubElement(ET.SubElement(parent, tag), "spatialrefsys")
    for key, value in (("proj4", "+proj=longlat +datum=WGS84 +no_defs"), ("srid", "4326"), ("authid", "EPSG:4326"),
                       ("description", "WGS 84"), ("projectionacronym", "longlat"),
                       ("ellipsoidacronym", "EPSG:7030"), ("geographicflag", "true")):
        ET.SubElement(reference, key).text = value


def _map_layer(layer_id: str, table: str, frame: pd.DataFrame, source: str, title: str, subset: str) -> ET.Element:
    geometry = {"routes": "Line", "segments": "Line", COUNTRIES_TABLE: "Polygon"}.get(table, "Point")
    spatial = "geometry" in frame.columns
    attributes = {"type": "vector", "labelsEnabled": "1" if table in LABELS else "0", "readOnly": "0",
                  "styleCategories": "AllStyleCategories", "hasScaleBasedVisibilityFlag": "0",
                  "geometry": geometry if spatial else "No geometry"}
    layer = ET.Element("maplayer", attributes)
    ET.SubElement(layer, "id").text = layer_id
    ET.SubElement(layer, "datasource").text = source + (f"|subset={subset}" if subset else "")
    ET.SubElement(layer, "layername").text = title
    if spatial:
        _srs(layer)
    metadata = ET.SubElement(layer, "resourceMetadata")
    ET.SubElement(metadata, "title").text = title
    ET.SubElement(metadata, "abstract").text = TABLE_DESCRIPTIONS.get(table, TITLES.get(table, table))
    ET.SubElement(layer, "provider", {"encoding": "UTF-8"}).text = "ogr"
    layer.extend(_style_elements(table, frame) if spatial else _field_elements(frame.columns))
    if table == "citations":
        ET.SubElement(layer, "previewExpression").text = '"attribute" || \': \' || "value"'
    return layer


@dataclass(frozen=True)
class _ProjectLayer:
    layer_id: str  # QGIS replaces ids of 10 characters or fewer
    table: str
    title: str
    corridor: str = ""  # the corridor layer it shows, or "" for the whole table

    @property
    def subset(self) -> str:
        return f"\"layer\" = '{self.corridor}'" if self.corridor else ""


def _project_layers(layers: dict[str, gpd.GeoDataFrame]) -> list[tuple[str, list[_ProjectLayer]]]:
    """The layer tree, top (drawn last) first: the points, a group per corridor (segments over routes), countries."""
    groups = []
    points = [_ProjectLayer(f"corridors_{t}", t, TITLES[t]) for t in ("crossings", "airports", "places") if t in layers]
    if points:
        groups.append(("Border crossings, airports and places", points))
    for corridor, title in CORRIDOR_LAYERS.items():
        members = [
            _ProjectLayer(f"corridors_{table}_{corridor}", table, f"{TITLES[table]} — {title}", corridor)
            for table in ("segments", "routes")
            if table in layers and (layers[table]["layer"] == corridor).any()
        ]
        if members:
            groups.append((title, members))
    if COUNTRIES_TABLE in layers:
        countries = _ProjectLayer(f"corridors_{COUNTRIES_TABLE}", COUNTRIES_TABLE, TITLES[COUNTRIES_TABLE])
        groups.append(("Context", [countries]))
    return groups


def project_xml(layers: dict[str, gpd.GeoDataFrame], has_citations: bool, file_name: str) -> str:
    """The QGIS project (.qgs) for the tables, reading them from ``./<file_name>``."""
    source = f"./{file_name}|layername="
    groups = _project_layers(layers)
    root = ET.Element("qgis", {"projectname": DATASET_TITLE, "version": "3.22.0-Białowieża"})
    ET.SubElement(root, "homePath", {"path": ""})
    ET.SubElement(root, "title").text = DATASET_TITLE
    _srs(root, "projectCrs")
    tree = ET.SubElement(root, "layer-tree-group")
    order = []
    for title, members in groups:
        group = ET.SubElement(tree, "layer-tree-group", {"name": title, "checked": "Qt::Checked", "expanded": "1"})
        for member in members:
            order.append(member)
            ET.SubElement(group, "layer-tree-layer", {
                "id": member.layer_id, "name": member.title, "providerKey": "ogr", "checked": "Qt::Checked",
                "expanded": "0" if member.table == COUNTRIES_TABLE else "1", "source": source + member.table,
            })
    citations = _ProjectLayer("corridors_citations", "citations", TITLES["citations"]) if has_citations else None
    if citations:
        ET.SubElement(tree, "layer-tree-layer", {
            "id": citations.layer_id, "name": citations.title, "providerKey": "ogr", "checked": "Qt::Checked",
            "expanded": "0", "source": source + "citations",
        })
    relations = ET.SubElement(root, "relations")
    if citations:
        for member in order:
            if member.table in ("routes", "segments", "places", "airports"):
                relation = ET.SubElement(relations, "relation", {
                    "id": f"citations_of_{member.layer_id}", "name": f"Citations of {member.title}",
                    "referencingLayer": citations.layer_id, "referencedLayer": member.layer_id,
                    "strength": "Association",
                })
                ET.SubElement(relation, "fieldRef", {"referencingField": "feature_id", "referencedField": "id"})
    view = _view(layers)
    canvas = ET.SubElement(root, "mapcanvas", {"name": "theMapCanvas", "annotationsVisible": "1"})
    ET.SubElement(canvas, "units").text = "degrees"
    extent = ET.SubElement(canvas, "extent")
    for key, value in zip(("xmin", "ymin", "xmax", "ymax"), view):
        ET.SubElement(extent, key).text = f"{value:g}"
    ET.SubElement(canvas, "rotation").text = "0"
    _srs(canvas, "destinationsrs")
    settings = ET.SubElement(root, "ProjectViewSettings", {"UseProjectScales": "0"})
    default = ET.SubElement(settings, "DefaultViewExtent", dict(zip(("xmin", "ymin", "xmax", "ymax"),
                                                                    (f"{v:g}" for v in view))))
    _srs(default, "crs")
    project_layers = ET.SubElement(root, "projectlayers")
    for member in [*order, *([citations] if citations else [])]:
        frame = _CITATION_FRAME if member.table == "citations" else layers[member.table]
        if member.corridor:
            frame = frame[frame["layer"] == member.corridor]
        project_layers.append(_map_layer(member.layer_id, member.table, frame, source + member.table, member.title,
                                         member.subset))
    metadata = ET.SubElement(root, "projectMetadata")
    ET.SubElement(metadata, "title").text = DATASET_TITLE
    ET.SubElement(metadata, "abstract").text = DATASET_DESCRIPTION
    properties = ET.SubElement(root, "properties")
    paths = ET.SubElement(properties, "Paths")
    ET.SubElement(paths, "Absolute", {"type": "bool"}).text = "false"
    ET.indent(root)
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + ET.tostring(root, encoding="unicode") + "\n"


_CITATION_FRAME = pd.DataFrame(columns=["fid", "feature_id", "kind", "attribute", "value", "document",
                                        "document_title", "quote"])


def _view(layers: dict[str, gpd.GeoDataFrame]) -> tuple[float, float, float, float]:
    """The South Caucasus where the features reach it, else the features' extent."""
    frames = [frame for name, frame in layers.items() if name != COUNTRIES_TABLE]
    minx, miny, maxx, maxy = pd.concat(frames).total_bounds
    west, south, east, north = SOUTH_CAUCASUS
    if minx <= east and maxx >= west and miny <= north and maxy >= south:
        return SOUTH_CAUCASUS
    pad = max(maxx - minx, maxy - miny, 0.5) * 0.05
    return (minx - pad, miny - pad, maxx + pad, maxy + pad)


def _add_project(db: sqlite3.Connection, layers: dict[str, gpd.GeoDataFrame], has_citations: bool,
                 file_name: str) -> None:
    """Store the project as QGIS does: a zipped .qgs, hex-encoded, in ``qgis_projects``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{PROJECT_NAME}.qgs", project_xml(layers, has_citations, file_name))
    db.execute("CREATE TABLE qgis_projects (name TEXT PRIMARY KEY, metadata BLOB, content BLOB)")
    metadata = {"last_modified_time": dt.datetime.now().replace(microsecond=0).isoformat(),
                "last_modified_user": "corridors"}
    db.execute("INSERT INTO qgis_projects VALUES (?, ?, ?)",
               (PROJECT_NAME, json.dumps(metadata), buffer.getvalue().hex()))
