"""What an export holds: the chosen layers' features with their analysis and estimates, crossings, citations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from ..analysis import analyze_routes, crossing_points
from ..attributes import Citation, according_to, claim_label, quote_offset
from ..boundaries import Boundaries, default_boundaries
from ..dataset import Dataset, select
from ..documents import Document
from ..errors import InvalidData
from ..estimates import FactorTable, estimate_routes, factors_path, load_factors
from ..published import source_text
from ..timeline import parse_date
from ..vocab import DEFAULT_MIN_EXCURSION_KM, GEOMETRY_QUALITIES, KM_DECIMALS, LIST_SEPARATOR, MODES

#: Typed companions of ``opened`` and ``closed`` (text at the precision the sources give).
DATE_COLUMNS = ("opened_date", "opened_year", "closed_date", "closed_year")
DATASET_TITLE = "South Caucasus transport corridors"
DATASET_DESCRIPTION = (
    "Routes with geodesic lengths (km, per mode) and border crossings, their segments, places, airports and "
    "crossings, every cited attribute with its source (corridors package). WGS84 longitude/latitude."
)
TABLES = ("routes", "segments", "places", "airports", "crossings")
TABLE_DESCRIPTIONS = {
    "routes": "Routes in travel order, with geodesic lengths (km, total and per mode), countries and border crossings",
    "segments": "One leg each: mode, status, dates, end places",
    "places": "Towns, ports, checkpoints, junctions and stations",
    "airports": "Airports by ICAO code, with the place each serves",
    "crossings": "Where each route leaves one country for the next (at sea: where it leaves the first coast)",
    "citations": "Cited attributes: the claim, who states it and when, the document and the anchored quote, "
    "keyed by feature_id",
}


@dataclass(frozen=True)
class ExportTables:
    """What an export holds: the feature tables (EPSG:4326) and the citations."""

    routes: gpd.GeoDataFrame
    segments: gpd.GeoDataFrame
    places: gpd.GeoDataFrame
    airports: gpd.GeoDataFrame
    crossings: gpd.GeoDataFrame
    citations: pd.DataFrame
    claims: tuple[Citation, ...] = ()
    documents: Mapping[str, Document] = field(default_factory=dict)

    @property
    def layers(self) -> dict[str, gpd.GeoDataFrame]:
        """The feature tables that hold features, by table name, in :data:`TABLES` order."""
        tables = {name: getattr(self, name) for name in TABLES}
        return {name: frame for name, frame in tables.items() if len(frame)}

    def combined(self) -> gpd.GeoDataFrame:
        """Every feature in one frame, for the single-layer formats; ``kind`` tells them apart.

        Returns
        -------
        geopandas.GeoDataFrame
            The features of every table, in EPSG:4326.
        """
        frame = pd.concat(list(self.layers.values()), ignore_index=True)
        return gpd.GeoDataFrame(frame, geometry="geometry", crs="EPSG:4326")


#: The route columns of the estimates (corridors.estimates), empty where a factor is missing.
ESTIMATE_COLUMNS = (
    "customs_borders",
    "transshipments",
    "transit_days_low",
    "transit_days_high",
    "co2_kg_per_tonne_low",
    "co2_kg_per_tonne_high",
    "estimates_as_of",
)


def export_tables(
    data: Dataset,
    layers: Sequence[str] | None = None,
    *,
    boundaries: Boundaries | None = None,
    min_excursion_km: float = DEFAULT_MIN_EXCURSION_KM,
    factors: FactorTable | None = None,
) -> ExportTables:
    """The tables to export: the chosen layers' features, their analysis, crossings and citations.

    A corridor layer brings its routes and segments (and the segments its routes are made of, from
    any layer); ``airports`` brings the airports; the places are those the segments start or end at
    and the airports serve. Without ``layers``, everything is exported.

    Parameters
    ----------
    data
        The dataset.
    layers
        Layer names to export (corridor layers and ``airports``); ``None`` for all.
    boundaries
        Country polygons for the analysis (default: Natural Earth).
    min_excursion_km
        Tolerance for generalised borders (see :mod:`corridors.crossings`); 0 keeps every sliver.
    factors
        The cited factors of the route estimates (default: ``geo/factors.csv``).

    Returns
    -------
    ExportTables
        The tables, ready for any writer.

    Raises
    ------
    UnknownLayer
        With the closest names as suggestions.
    UsageError
        If the chosen layers hold no features.
    """
    routes, segments, places, airports = _selection(data, layers)
    analyses = analyze_routes(
        data, list(routes.index), boundaries=boundaries, min_excursion_km=min_excursion_km
    )
    by_id = {a.id: a for a in analyses}
    today = dt.date.today()
    found = estimate_routes(
        data,
        analyses,
        factors if factors is not None else load_factors(factors_path()),
        today,
        boundaries=boundaries or default_boundaries(),
    )
    estimated = {a.id: e for a, e in zip(analyses, found)}

    def bound(route_id: str, measure: str, end: str) -> float | None:
        """One end of a route's estimated range.

        Parameters
        ----------
        route_id
            The route.
        measure
            ``transit_days`` or ``co2_kg_per_tonne``.
        end
            ``low`` or ``high``.

        Returns
        -------
        float or None
            The bound, rounded, or None where a factor is missing.
        """
        value = getattr(estimated[route_id], measure)  # transit_days or co2_kg_per_tonne
        return round(getattr(value, end), 2) if value is not None else None

    routes = routes.assign(
        declared_countries=routes["countries"],
        countries=[by_id[i].countries for i in routes.index],
        length_km=[round(by_id[i].length_km, KM_DECIMALS) for i in routes.index],
        **{
            f"{mode}_km": [round(by_id[i].length_by_mode_km.get(mode, 0.0), KM_DECIMALS) for i in routes.index]
            for mode in MODES
        },
        crossings_count=[by_id[i].crossings_count for i in routes.index],
        geometry_quality=[by_id[i].geometry_quality for i in routes.index],
        **{
            f"segments_{quality}": [by_id[i].segments_by_geometry_quality[quality] for i in routes.index]
            for quality in GEOMETRY_QUALITIES
        },
        **_published_columns([by_id[i] for i in routes.index]),
        customs_borders=[estimated[i].customs_borders for i in routes.index],
        transshipments=[estimated[i].transshipments for i in routes.index],
        **{
            f"{column}_{end}": pd.array([bound(i, column, end) for i in routes.index], dtype="Float64")
            for column in ("transit_days", "co2_kg_per_tonne")
            for end in ("low", "high")
        },
        estimates_as_of=today.isoformat(),
    )
    kinds = {fid: kind for kind, frame in (("route", routes), ("segment", segments), ("place", places),
                                           ("airport", airports)) for fid in frame.index}
    if layers is None:  # concepts belong to no layer: they come with everything
        kinds |= {concept_id: "concept" for concept_id in data.concepts.concepts}
    claims = tuple(c for c in data.citations if c.feature_id in kinds)
    citations = pd.DataFrame(
        [
            {
                "feature_id": c.feature_id,
                "kind": kinds[c.feature_id],
                "attribute": c.name,
                "value": c.value,
                "qualifier": c.qualifier or None,
                "refers_to": c.refers_to or None,
                "stated_by": c.stated_by or None,
                "claim": claim_label(c),
                "source": according_to(data.documents[c.document], quote_offset(data.documents[c.document], c)),
                "document": c.document,
                "document_title": data.documents[c.document].title,
                "document_url": data.documents[c.document].url,
                "prefix": c.prefix,
                "quote": c.quote,
                "suffix": c.suffix,
            }
            for c in claims
        ],
        columns=["feature_id", "kind", "attribute", "value", "qualifier", "refers_to", "stated_by", "claim", "source",
                 "document", "document_title", "document_url", "prefix", "quote", "suffix"],
    )
    routes, segments = _with_dates(routes), _with_dates(segments)
    return ExportTables(
        routes=_table(routes, ["id", "kind", "name", "layer", "status", "opened", "closed", "segments", "countries",
                               "declared_countries", "length_km", *(f"{m}_km" for m in MODES), "crossings_count",
                               "geometry_quality", *(f"segments_{q}" for q in GEOMETRY_QUALITIES), *PUBLISHED_COLUMNS,
                               *ESTIMATE_COLUMNS, *DATE_COLUMNS]),
        segments=_table(segments, ["id", "kind", "name", "layer", "mode", "status", "geometry_quality", "opened",
                                   "closed", "from", "to", *DATE_COLUMNS]),
        places=_table(  # pandas reads integers with nulls as floats
            places.astype({"geonameid": "Int64"}), ["id", "kind", "name", "place_type", "country", "geonameid"]
        ),
        airports=_table(airports, ["id", "kind", "name", "iata", "country", "serves", "opened", "opened_source"]),
        crossings=_crossings_table(crossing_points(analyses)),
        citations=citations,
        claims=claims,
        documents=data.documents,
    )


def _with_dates(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The frame with typed companions of ``opened`` and ``closed``, for GIS clients to filter by time.

    ``<column>_date`` is a date when the full day is known, ``<column>_year`` the year whenever there
    is a date; ``opened`` and ``closed`` stay as written.
    """
    columns = {}
    for column in ("opened", "closed"):
        values = frame[column] if column in frame.columns else pd.Series(None, index=frame.index, dtype=object)
        written = [None if pd.isna(v) else str(v) for v in values]
        columns[f"{column}_date"] = pd.Series(
            [parse_date(v) if v and len(v) == len("YYYY-MM-DD") else None for v in written], index=frame.index,
            dtype=object,
        )
        columns[f"{column}_year"] = pd.array([parse_date(v).year if v else None for v in written], dtype="Int32")
    return frame.assign(**columns)


#: Route columns holding the published length beside ours (empty where none is published).
PUBLISHED_COLUMNS = ("published_km", "published_source", "deviation_pct")


def _published_columns(analyses: Sequence[Any]) -> dict[str, list[Any]]:
    """``published_km``, ``published_source`` (outlet, date, URL) and ``deviation_pct`` per route."""
    figures = [a.to_dict() for a in analyses]
    return {
        "published_km": [f["published_km"] for f in figures],
        "published_source": [source_text(f["published_source"]) or None for f in figures],
        "deviation_pct": [f["deviation_pct"] for f in figures],
    }


def _selection(
    data: Dataset, layers: Sequence[str] | None
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame]:
    if not layers:
        return data.routes, data.segments, data.places, data.airports
    chosen = select(data, layers=layers, purpose="export")
    return (
        data.routes.loc[chosen.routes],
        data.segments[data.segments.index.isin(chosen.segments)],
        data.places.loc[chosen.places],
        data.airports.loc[chosen.airports],
    )


def _table(frame: gpd.GeoDataFrame, first: list[str]) -> gpd.GeoDataFrame:
    """Columns in a stable order (``first``, then any others, then the citations), lists as text."""
    last = ["citations", "citations_text", "geometry"]
    middle = [c for c in frame.columns if c not in first and c not in last]
    frame = frame[[c for c in first if c in frame.columns] + middle + last].reset_index(drop=True)
    for column in frame.columns:
        if frame[column].map(lambda v: isinstance(v, list)).any():
            frame[column] = [_joined(values, fid, column) for fid, values in zip(frame["id"], frame[column])]
    return _nullable(gpd.GeoDataFrame(frame, geometry="geometry", crs="EPSG:4326"))


def _joined(values: Any, feature_id: str, column: str) -> str | None:
    if not isinstance(values, list):
        return None
    for value in values:
        if LIST_SEPARATOR in str(value):
            message = f"{column} item {value!r} contains {LIST_SEPARATOR!r}, which exports use to join lists"
            raise InvalidData("geo", message, feature=feature_id)
    return LIST_SEPARATOR.join(map(str, values))


def _crossings_table(points: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    columns = ["route", "sequence", "from", "to", "at_km", "by_sea", "lon", "lat", "landfall_lon", "landfall_lat",
               "landfall_km"]
    frame = points.reindex(columns=[*columns, "geometry"])
    frame.insert(0, "id", [f"{r}-crossing-{n}" for r, n in zip(frame["route"], frame["sequence"])])
    frame.insert(1, "kind", "crossing")
    frame.insert(2, "name", [f"{a} → {b}" for a, b in zip(frame["from"], frame["to"])])
    for column in ("landfall_lon", "landfall_lat", "landfall_km"):
        frame[column] = frame[column].astype(float)
    return _nullable(gpd.GeoDataFrame(frame, geometry="geometry", crs="EPSG:4326"))


def _nullable(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Integer and boolean columns as nullable types, so they stay typed where other kinds leave gaps."""
    for column in frame.columns:
        values = frame[column].dropna()
        if column == frame.geometry.name or not len(values):
            continue
        if all(isinstance(v, (bool, np.bool_)) for v in values):
            frame[column] = frame[column].astype("boolean")
        elif all(isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_)) for v in values):
            frame[column] = frame[column].astype("Int64")
    return frame
