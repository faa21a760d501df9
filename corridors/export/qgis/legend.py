"""The legend of each exported table: layer titles, field aliases, labels and the rule (symbol) per look present."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ...style import (
    HISTORICAL_COLOUR,
    LAND_CROSSING_COLOUR,
    LAYER_COLOURS,
    MARKER_COLOURS,
    MODE_COLOURS,
    STATUS_GROUPS,
    status_group,
)
from ...vocab import CORRIDOR_LAYERS

COUNTRIES_TABLE = "countries"
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
    """A polygon symbol: fill and outline colours."""

    colour: str
    outline: str


@dataclass(frozen=True)
class Rule:
    """A legend entry: its label, the features it draws (field → accepted values; empty: all) and its symbol."""

    label: str
    where: tuple[tuple[str, tuple[object, ...]], ...]
    symbol: Stroke | Marker | Fill


# --- rules ----------------------------------------------------------------------------------------


def rules(table: str, frame: pd.DataFrame) -> list[Rule]:
    """The legend entries of a table: one per look present in ``frame`` (so none is empty).

    Parameters
    ----------
    table : str
        Name of the exported table (``routes``, ``segments``, ``places``, ``airports``, ``crossings``,
        ``countries``).
    frame : pandas.DataFrame
        Its rows, whose values decide which rules exist.

    Returns
    -------
    list of Rule
        In legend order.
    """
    if table in ("segments", "routes"):
        key = "mode" if table == "segments" else "layer"
        present = sorted(
            {(k, status_group(s)) for k, s in zip(frame[key], frame["status"])},
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
    """The rule's filter as a QGIS expression ("" for every feature).

    Parameters
    ----------
    rule : Rule
        A legend entry.

    Returns
    -------
    str
        The filter, each field's accepted values joined by ``AND``.
    """
    terms = []
    for field, values in rule.where:
        if values in ((True,), (False,)):  # a boolean field is a condition in itself
            terms.append(f'"{field}"' if values[0] else f'NOT "{field}"')
            continue
        literals = [str(v) if isinstance(v, int) else "'" + str(v).replace("'", "''") + "'" for v in values]
        terms.append(f'"{field}" = {literals[0]}' if len(literals) == 1 else f'"{field}" IN ({", ".join(literals)})')
    return " AND ".join(terms)


