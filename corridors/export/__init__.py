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
``layer_styles``, citation relations and a QGIS project (:mod:`corridors.export.qgis`). GeoJSON, FlatGeobuf and
GeoParquet hold every feature in one layer, told apart by the ``kind`` column (route, segment, place,
airport, crossing). KML (:mod:`corridors.export.kml`) has a folder per table.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pyarrow.parquet as pq
import pyogrio

from ..boundaries import Boundaries
from ..dataset import Dataset
from ..errors import InvalidData, UsageError
from ..estimates import FactorTable
from ..geojson import frames_text
from ..io import OutputError, atomic_path, check_writable, write_text_atomic
from ..vocab import DEFAULT_MIN_EXCURSION_KM, EXPORT_FORMATS, LIST_SEPARATOR, STDOUT
from .gpkg import write_gpkg
from .kml import write_kml
from .pmtiles import write_pmtiles
from .tables import DATASET_DESCRIPTION, DATASET_TITLE, TABLE_DESCRIPTIONS, TABLES, ExportTables, export_tables
from .written import check_complete

__all__ = [
    "DATASET_DESCRIPTION",
    "DATASET_TITLE",
    "FORMATS",
    "LIST_SEPARATOR",
    "REQUIRED_SUFFIX",
    "TABLES",
    "TABLE_DESCRIPTIONS",
    "ExportTables",
    "check_target",
    "export",
    "export_tables",
    "write",
    "write_fgb",
    "write_geojson",
    "write_gpkg",
    "write_kml",
    "write_parquet",
    "write_pmtiles",
]

FORMATS = EXPORT_FORMATS
#: File name suffix each GDAL driver needs: without it, LIBKML and FlatGeobuf write a directory.
REQUIRED_SUFFIX = {"gpkg": ".gpkg", "kml": ".kml", "fgb": ".fgb", "pmtiles": ".pmtiles"}


def export(
    data: Dataset,
    fmt: str,
    target: str | Path,
    layers: Sequence[str] | None = None,
    *,
    boundaries: Boundaries | None = None,
    min_excursion_km: float = DEFAULT_MIN_EXCURSION_KM,
    factors: FactorTable | None = None,
) -> ExportTables:
    """Export the dataset (or some corridor layers) to a GIS file.

    The format and the target are checked before any work, so a bad one fails fast.

    Parameters
    ----------
    data
        The dataset.
    fmt
        One of :data:`FORMATS`.
    target
        The file to write, or ``"-"`` for standard output (GeoJSON only).
    layers
        Layer names (:data:`corridors.vocab.LAYERS`); None exports everything.
    boundaries
        Country polygons for the analysis (default: Natural Earth).
    min_excursion_km
        Tolerance of the crossing analysis.
    factors
        The estimate factors (default: ``geo/factors.csv``).

    Returns
    -------
    ExportTables
        What was written.

    Raises
    ------
    UsageError
        For an unknown format or layer, a bad target, or layers holding nothing.
    """
    check_target(fmt, target)
    if str(target) != STDOUT:
        check_writable(target)
    tables = export_tables(data, layers, boundaries=boundaries, min_excursion_km=min_excursion_km, factors=factors)
    _WRITERS[fmt](tables, target)
    return tables


def check_target(fmt: str, target: str | Path) -> None:
    """Fail early on a format and target that cannot go together.

    Parameters
    ----------
    fmt
        The format name, one of :data:`FORMATS`.
    target
        The file to write, or ``"-"`` for standard output.

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

    Parameters
    ----------
    tables
        The tables to write (see :func:`export_tables`).
    fmt
        The format name, one of :data:`FORMATS`.
    target
        The file to write, or ``"-"`` for standard output (GeoJSON only).

    Returns
    -------
    Path or None
        The file written, or ``None`` for standard output.

    Raises
    ------
    UsageError
        For a format and target that cannot go together (:func:`check_target`), or a target that
        cannot be written (checked by :func:`corridors.io.atomic_path` before anything is written).
    """
    check_target(fmt, target)
    return _WRITERS[fmt](tables, target)


# --- GeoJSON, FlatGeobuf and GeoParquet ----------------------------------------------------------


def write_geojson(tables: ExportTables, target: str | Path) -> Path | None:
    """Every feature as RFC 7946 GeoJSON (:func:`corridors.geojson.frames_text`), to a file or standard output.

    Each feature has its own table's properties, and ``kind`` says which table that is; the target
    ``"-"`` is standard output.

    Parameters
    ----------
    tables
        The tables to write (see :func:`export_tables`).
    target
        The file to write, or ``"-"`` for standard output.

    Returns
    -------
    Path or None
        The file written, or ``None`` for standard output.
    """
    text = frames_text(tables.layers.values())
    write_text_atomic(target, text)
    return None if str(target) == STDOUT else Path(target)


def write_fgb(tables: ExportTables, target: str | Path) -> Path:
    """One FlatGeobuf layer with every feature (``kind`` column), promoted to Multi types.

    Points become MultiPoint and lines MultiLineString, so the file holds exactly two geometry types
    (QGIS offers them as two sublayers); it has a spatial index, so features come back in index order.

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

    Raises
    ------
    OutputError
        If the file read back holds another number of features.
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


def write_annotations(tables: ExportTables, target: str | Path) -> Path:
    """The citations as W3C Web Annotations, one JSON-LD AnnotationCollection (see :mod:`corridors.provenance`).

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
    from ..provenance import annotations_text

    write_text_atomic(target, annotations_text(tables.claims, tables.documents))
    return Path(target)


_WRITERS = {
    "gpkg": write_gpkg, "geojson": write_geojson, "kml": write_kml, "fgb": write_fgb, "parquet": write_parquet,
    "pmtiles": write_pmtiles, "annotations": write_annotations,
}
