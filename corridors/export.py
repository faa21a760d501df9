"""GIS exports that QGIS, Google Earth and GDAL open as they are.

Every export holds the same tables, in WGS84 longitude/latitude:

``routes``
    the routes with their analysis: ``length_km`` and ``<mode>_km`` (geodesic), ``countries`` (the
    sequence the analysis finds; ``declared_countries`` is the one in ``geo/``) and ``crossings_count``;
    the estimates of ``corridors compare``: ``customs_borders``, ``transshipments``,
    ``transit_days_low``/``_high`` and ``co2_kg_per_tonne_low``/``_high`` (empty where a factor is
    missing), as of ``estimates_as_of``;
``segments``, ``places``, ``airports``
    the features of ``geo/``;
``crossings``
    a point per border crossing of the routes;
``citations``
    (GeoPackage only) one row per cited attribute, keyed by ``feature_id``: the claim (value,
    qualifier, refers_to, stated_by), who says it (``source``: "according to <outlet or author>,
    <date>"), the document and its quote selector (prefix, quote, suffix).

Every feature also carries ``citations`` (how many) and ``citations_text`` (readable, grouped by quote).
``annotations`` writes the citations alone, as W3C Web Annotations in JSON-LD
(:mod:`corridors.provenance`).
List-valued properties (``segments``, ``countries``, ``declared_countries``, ``aliases``) are written
as text joined with ``;``, e.g. ``AZE;ARM;AZE``.

The GeoPackage has one table per kind, plus a countries context layer, QGIS and SLD styles in
``layer_styles``, citation relations and a QGIS project (:mod:`corridors.qgis_project`). GeoJSON, FlatGeobuf and
GeoParquet hold every feature in one layer, told apart by the ``kind`` column (route, segment, place,
airport, crossing). KML (:mod:`corridors.kml`) has a folder per table.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pyogrio
import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.polygon import orient

from .analysis import analyze_routes, crossing_points, default_boundaries
from .attributes import Citation, according_to, claim_label, quote_offset
from .boundaries import Boundaries
from .crossings import KM_DECIMALS, Track
from .defaults import DEFAULT_MIN_EXCURSION_KM, EXPORT_FORMATS, GEOMETRY_QUALITIES, LIST_SEPARATOR, STDOUT
from .documents import Document
from .errors import InvalidData, UsageError, excerpt
from .estimates import FactorTable, estimate_routes, factors_path, load_factors
from .io import OutputError, atomic_path, check_writable, to_json, write_text_atomic
from .layers import (
    AIRPORTS_LAYER,
    MAX_DECIMALS,
    MODES,
    Dataset,
    check_layers,
)
from .published import source_text
from .timeline import NOT_BUILT, parse_date

FORMATS = EXPORT_FORMATS
#: File name suffix each GDAL driver needs: without it, LIBKML and FlatGeobuf write a directory.
REQUIRED_SUFFIX = {"gpkg": ".gpkg", "kml": ".kml", "fgb": ".fgb", "pmtiles": ".pmtiles"}
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

#: Colours shared by the QGIS and KML styles.
MODE_COLOURS = {"rail": "#b2182b", "road": "#e08214", "sea": "#2166ac", "ferry": "#1b9e77"}
MARKER_COLOURS = {"places": "#ffffff", "airports": "#253494"}
LAND_CROSSING_COLOUR = "#d7191c"
#: Statuses drawn alike: solid, dashed (not built yet) and grey (gone).
STATUS_GROUPS = {
    "operational": ("operational",),
    "planned or under construction": NOT_BUILT,
    "historical": ("historical",),
}
#: GeoPackage 1.2, which GDAL 3.x and every QGIS 3 release read without a version warning.
_GPKG_VERSION = {"VERSION": "1.2"}


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
        """Every feature in one frame, for the single-layer formats; ``kind`` tells them apart."""
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


def export(
    data: Dataset,
    fmt: str,
    target: str | Path,
    layers: Sequence[str] | None = None,
    *,
    boundaries: Boundaries | None = None,
    min_excursion_km: float = DEFAULT_MIN_EXCURSION_KM,
    factors: FactorTable | None = None,
) -> Path | None:
    """Export the dataset (or some corridor layers) to a GIS file.

    Parameters
    ----------
    fmt
        One of :data:`FORMATS`.
    target
        The file to write, or ``"-"`` for standard output (GeoJSON only).
    layers
        Layer names (:data:`corridors.layers.LAYERS`); None exports everything.

    Returns
    -------
    The path written, or None for standard output.

    Raises
    ------
    UsageError
        For an unknown format or layer, a bad target, or layers holding nothing.
    """
    check_target(fmt, target)
    if str(target) != STDOUT:
        check_writable(target)
    tables = export_tables(data, layers, boundaries=boundaries, min_excursion_km=min_excursion_km, factors=factors)
    return _WRITERS[fmt](tables, target)


def check_target(fmt: str, target: str | Path) -> None:
    """Fail early on a format and target that cannot go together.

    Raises
    ------
    UsageError
        For an unknown format, standard output with a format other than GeoJSON, or a file name
        without the suffix the GDAL driver needs (see :data:`REQUIRED_SUFFIX`).
    """
    if fmt not in FORMATS:
        raise UsageError(f"unknown export format {fmt!r} (choose from {', '.join(FORMATS)})")
    if str(target) == STDOUT:
        if fmt != "geojson":
            raise UsageError(f"only geojson can be written to standard output, not {fmt}")
        return
    suffix = REQUIRED_SUFFIX.get(fmt)
    if suffix and Path(target).suffix.lower() != suffix:
        raise UsageError(f"{target}: a {fmt} file name must end in {suffix}")


def write(tables: ExportTables, fmt: str, target: str | Path) -> Path | None:
    """Write the tables in one of :data:`FORMATS`; None when GeoJSON went to standard output.

    Raises
    ------
    UsageError
        For a format and target that cannot go together (:func:`check_target`), or a target that
        cannot be written (checked by :func:`corridors.io.atomic_path` before anything is written).
    """
    check_target(fmt, target)
    return _WRITERS[fmt](tables, target)


# --- what goes in ---------------------------------------------------------------------------------


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
    """``opened`` and ``closed`` as written, plus ``<column>_date`` (a date, when the full day is known) and
    ``<column>_year`` (always, when there is a date), so GIS clients can filter and animate by time."""
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
    layers = check_layers(layers)
    routes = data.routes[data.routes["layer"].isin(layers)]
    used = {s for ids in routes["segments"] for s in ids}
    segments = data.segments[data.segments["layer"].isin(layers) | data.segments.index.isin(used)]
    airports = data.airports if AIRPORTS_LAYER in layers else data.airports.iloc[:0]
    wanted = {*segments["from"], *segments["to"], *airports["serves"]}
    places = data.places[data.places.index.isin(wanted)]
    if not (len(routes) or len(segments) or len(airports)):
        raise UsageError(f"nothing to export: {', '.join(layers)} hold(s) no features")
    return routes, segments, places, airports


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


# --- GeoPackage -----------------------------------------------------------------------------------


def write_gpkg(tables: ExportTables, target: str | Path) -> Path:
    """A GeoPackage: a table per kind, the citations table, and a default QGIS style per layer."""
    with atomic_path(target) as temporary:
        for name, frame in tables.layers.items():
            pyogrio.write_dataframe(
                frame, temporary, driver="GPKG", layer=name, promote_to_multi=name == "routes",
                dataset_options=_GPKG_VERSION, layer_options={"DESCRIPTION": TABLE_DESCRIPTIONS[name]},
                use_arrow=True,  # dates as DATE columns
            )
        if len(tables.citations):
            pyogrio.write_dataframe(
                tables.citations, temporary, driver="GPKG", layer="citations", dataset_options=_GPKG_VERSION,
                layer_options={"DESCRIPTION": TABLE_DESCRIPTIONS["citations"]},
            )
        with contextlib.closing(sqlite3.connect(temporary)) as db, db:
            if len(tables.citations):
                db.execute("CREATE INDEX citations_feature_id ON citations (feature_id)")
        add_qgis_extras(temporary, tables, Path(target).name)
        expected = {name: len(frame) for name, frame in tables.layers.items()}
        if len(tables.citations):
            expected["citations"] = len(tables.citations)
        check_complete(temporary, expected, target)
    return Path(target)


def add_qgis_extras(path: Path, tables: ExportTables, file_name: str) -> None:
    """Countries, styles (QML and SLD), citation relations and the QGIS project: see :mod:`corridors.qgis_project`."""
    from .qgis_project import add_to_geopackage

    add_to_geopackage(path, tables, file_name)


# --- GeoJSON --------------------------------------------------------------------------------------


def write_geojson(tables: ExportTables, target: str | Path) -> Path | None:
    """Every feature as RFC 7946 GeoJSON (see :func:`geojson_text`), to a file or to standard output (``"-"``).

    Each feature has its own table's properties, and ``kind`` says which table that is.
    """
    text = geojson_text(tables.layers.values())
    write_text_atomic(target, text)
    return None if str(target) == STDOUT else Path(target)


def geojson_text(frames: Iterable[gpd.GeoDataFrame]) -> str:
    """The frames' features as one RFC 7946 FeatureCollection, one feature per line.

    Coordinates are CRS84 longitude/latitude with at most 7 decimals, there is no ``crs`` member,
    polygon exterior rings run counter-clockwise, and lines crossing the antimeridian (an edge
    spanning more than 180° of longitude) are split there into a MultiLineString.
    """
    return feature_collection_text(feature for frame in frames for feature in _features(frame))


def feature_collection_text(features: Iterable[dict[str, Any]]) -> str:
    """GeoJSON features (already in RFC 7946 form) as one compact FeatureCollection, one feature per line."""
    lines = [to_json(feature, ensure_ascii=False, separators=(",", ":")) for feature in features]
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"


def _features(frame: gpd.GeoDataFrame) -> Iterator[dict[str, Any]]:
    frame = frame.to_crs("OGC:CRS84")
    columns = [c for c in frame.columns if c != frame.geometry.name]
    for values, geometry in zip(frame[columns].itertuples(index=False, name=None), frame.geometry):
        properties = {column: _json_value(value) for column, value in zip(columns, values)}
        identifier = {"id": properties["id"]} if properties.get("id") is not None else {}
        yield {"type": "Feature", **identifier, "geometry": _rfc7946_geometry(geometry), "properties": properties}


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def _rfc7946_geometry(geometry: Any) -> dict[str, Any] | None:
    if geometry is None or geometry.is_empty:
        return None
    if geometry.geom_type in ("LineString", "MultiLineString"):
        parts = [_rounded(part.tolist()) for part in Track.from_geometry(geometry).parts]
        if len(parts) == 1:
            return {"type": "LineString", "coordinates": parts[0]}
        return {"type": "MultiLineString", "coordinates": parts}
    if isinstance(geometry, Polygon):
        geometry = orient(geometry, 1.0)
    elif isinstance(geometry, MultiPolygon):
        geometry = MultiPolygon([orient(polygon, 1.0) for polygon in geometry.geoms])
    mapping = shapely.geometry.mapping(geometry)
    return {"type": mapping["type"], "coordinates": _rounded(mapping["coordinates"])}


def _rounded(coordinates: Any) -> Any:
    """Nested coordinate sequences as lists, every number rounded to 7 decimals."""
    if isinstance(coordinates[0], (int, float)):
        return [round(float(c), MAX_DECIMALS) for c in coordinates]
    return [_rounded(c) for c in coordinates]


# --- KML ------------------------------------------------------------------------------------------


def write_kml(tables: ExportTables, target: str | Path) -> Path:
    """KML 2.2 for Google Earth: see :mod:`corridors.kml`."""
    from .kml import write_kml as write

    return write(tables, target)


# --- FlatGeobuf and GeoParquet --------------------------------------------------------------------


def write_fgb(tables: ExportTables, target: str | Path) -> Path:
    """One FlatGeobuf layer with every feature (``kind`` column), promoted to Multi types.

    Points become MultiPoint and lines MultiLineString, so the file holds exactly two geometry types
    (QGIS offers them as two sublayers); it has a spatial index, so features come back in index order.

    Raises
    ------
    InvalidData
        If a feature has no geometry (FlatGeobuf cannot store one).
    """
    frame = tables.combined()
    missing = frame.geometry.isna() | frame.geometry.is_empty
    if missing.any():
        first = frame["id"][missing].iloc[0]
        raise InvalidData(target, "FlatGeobuf cannot store a feature without geometry", feature=first)
    with atomic_path(target) as temporary:  # GDAL names the layer from the header, not the (temporary) file
        pyogrio.write_dataframe(
            frame, temporary, driver="FlatGeobuf", layer=Path(target).stem, promote_to_multi=True, use_arrow=True,
            layer_options={"TITLE": DATASET_TITLE, "DESCRIPTION": DATASET_DESCRIPTION},
        )
        check_complete(temporary, {Path(target).stem: len(frame)}, target)
    return Path(target)


def write_parquet(tables: ExportTables, target: str | Path) -> Path:
    """One GeoParquet 1.x file with every feature (``kind`` column); its CRS is stored as PROJJSON.

    The file's key-value metadata also holds ``title`` and ``description`` (:data:`DATASET_TITLE`).
    """
    frame = tables.combined()
    with atomic_path(target) as temporary:
        frame.to_parquet(temporary, index=False)
        table = pq.read_table(temporary)
        described = {b"title": DATASET_TITLE.encode(), b"description": DATASET_DESCRIPTION.encode()}
        metadata = {**table.schema.metadata, **described}
        pq.write_table(table.replace_schema_metadata(metadata), temporary)
        rows = pq.ParquetFile(temporary).metadata.num_rows
        if rows != len(frame):
            raise OutputError(f"cannot write {target}: {rows} of {len(frame)} features written")
    return Path(target)


def check_complete(path: Path, expected: dict[str, int], target: str | Path) -> None:
    """Open the file written and read back each layer's feature count: not every GDAL driver reports a
    failed write.

    Raises
    ------
    OutputError
        If the file cannot be opened, or a layer is missing or holds another number of features.
    """
    try:
        pyogrio.list_layers(path)
        found = {
            name: pyogrio.read_info(path, layer=name, force_feature_count=True)["features"]
            for name in expected
        }
    except Exception as exc:  # pyogrio raises several types for a truncated or missing layer
        reason = excerpt(str(exc).replace(str(path), str(target)).splitlines()[0])
        raise OutputError(f"cannot write {target}: the file written is incomplete ({reason})") from None
    for name, count in expected.items():
        if found[name] != count:
            raise OutputError(f"cannot write {target}: layer {name} has {found[name]} of {count} features")


# --- PMTiles --------------------------------------------------------------------------------------


def write_pmtiles(tables: ExportTables, target: str | Path) -> Path:
    """Vector tiles for web maps: see :mod:`corridors.pmtiles`."""
    from .pmtiles import write_pmtiles as write

    return write(tables, target)


def write_annotations(tables: ExportTables, target: str | Path) -> Path:
    """The citations as W3C Web Annotations, one JSON-LD AnnotationCollection (see :mod:`corridors.provenance`)."""
    from .provenance import annotations_text

    write_text_atomic(target, annotations_text(tables.claims, tables.documents))
    return Path(target)


_WRITERS = {
    "gpkg": write_gpkg, "geojson": write_geojson, "kml": write_kml, "fgb": write_fgb, "parquet": write_parquet,
    "pmtiles": write_pmtiles, "annotations": write_annotations,
}
