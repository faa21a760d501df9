"""Bring your own routes: read any line layer, validate and repair it, and analyse it at scale.

Formats: whatever OGR reads (GeoJSON, GeoPackage, FlatGeobuf, Shapefile, ...), GeoParquet
(``.parquet``) and CSV with a WKT column (``wkt`` or ``geometry``). Any CRS is reprojected to
EPSG:4326; a file without one is taken as lon/lat when its coordinates fit, with a warning.

Every feature is checked. Problems that have one safe fix are repaired with a warning (see
:func:`read_lines`); the rest stop the run with a one-line message naming the file and the feature,
or are skipped with a warning when ``skip_invalid`` is set.
"""

from __future__ import annotations

import contextlib
import difflib
import json
import logging
import math
import re
import threading
import uuid
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString, MultiLineString

from .boundaries import Boundaries
from .crossings import DEFAULT_MIN_EXCURSION_KM, LineAnalysis, analyze_line_geometries, check_tolerance, prepare
from .errors import CorridorsError, UsageError, excerpt
from .io import protect

log = logging.getLogger(__name__)

WKT_COLUMNS = ("wkt", "geometry")
PARQUET_SUFFIXES = (".parquet", ".geoparquet")
ENGINES = ("single", "dask")
#: Vertices analysed per chunk (single engine) or partition (dask): bounds memory, paces progress.
CHUNK_VERTICES = 200_000
#: Seconds to wait for a dask.distributed scheduler before giving up.
_CONNECT_TIMEOUT_S = 10
#: Problems listed one by one on stderr before the rest are counted.
MAX_LISTED = 20

#: CSV limits, checked before parsing: a line (a WKT of about 2 million vertices) and the columns.
MAX_CSV_LINE_BYTES = 64 * 2**20
MAX_CSV_COLUMNS = 10_000
#: Curved WKT, which shapely cannot read: such features are reported, not guessed at.
_CURVE = re.compile(r"\b(CIRCULARSTRING|COMPOUNDCURVE|CURVEPOLYGON|MULTICURVE|MULTISURFACE)\b", re.IGNORECASE)

_LINE_TYPES = (1, 2, 5)  # LineString, LinearRing, MultiLineString
_COLLECTION = 7
_NO_GEOMETRY = "has no geometry, or one that cannot be read"


@dataclass(frozen=True)
class UserLines:
    """Valid lines in EPSG:4326 ready for analysis, in file order (or the order asked).

    ``frame`` keeps the file's attributes; ``keys`` holds each feature's id (the id field's value,
    or its 1-based position in the file when there is no id field).
    """

    path: str
    frame: gpd.GeoDataFrame
    keys: list[Any]


def read_lines(
    path: str | Path,
    *,
    layer: str | None = None,
    id_field: str | None = None,
    crs: str | None = None,
    select: Sequence[str] | None = None,
    skip_invalid: bool = False,
) -> UserLines:
    """Read a line layer, check every feature, repair what is safe to repair.

    Repaired, with a warning: a GeometryCollection holding lines (its lines are kept), empty parts
    of a MultiLineString, longitudes within ±360° written past ±180° (wrapped), invalid lines that
    ``shapely.make_valid`` turns into lines (a degenerate part dropped). Self-intersecting lines
    are valid routes (a loop) and are analysed as drawn.

    Not repairable: no or unreadable geometry, a geometry that is not a line, an empty line, NaN or
    infinite coordinates, latitudes beyond ±90°, coordinates that cannot be reprojected, a missing
    or duplicate id.

    Parameters
    ----------
    path
        The file to read.
    layer
        Layer of a multi-layer source (GeoPackage, ...); required when there are several.
    id_field
        Field identifying features; default ``id`` when present, else the 1-based row number.
    crs
        CRS of a file that declares none (a CSV); default: EPSG:4326 if the coordinates fit.
    select
        Only these ids (as strings), in this order.
    skip_invalid
        Skip, with a warning, the features that cannot be repaired, instead of failing.

    Raises
    ------
    UsageError
        For an unreadable file or bad option, or an unrepairable feature without ``skip_invalid``.
    """
    name = str(path)
    protect(path)  # never an output of this run
    frame, unreadable = _read(Path(path), layer)
    if frame.empty:
        raise UsageError(f"{name}: no features")
    frame = frame.reset_index(drop=True)
    spatial = isinstance(frame, gpd.GeoDataFrame)  # pyogrio gives a DataFrame for a table without geometry
    source_crs = frame.crs if spatial else None
    attributes = frame.drop(columns=frame.geometry.name) if spatial else frame
    geometries = np.asarray(frame.geometry.values, dtype=object) if spatial else np.full(len(frame), None, dtype=object)
    field = _id_field(attributes, id_field, name)
    keys = _keys(attributes[field]) if field else list(range(1, len(frame) + 1))
    rows = np.arange(len(frame)) if select is None else _selected(keys, select, name)
    checks = _Checks(name, [keys[r] if field else None for r in rows], rows + 1)
    geometries = geometries[rows]
    checks.problem(
        np.isin(rows, list(unreadable)) | shapely.is_missing(geometries),
        [unreadable.get(int(r), _NO_GEOMETRY) for r in rows],
    )
    if field:
        _check_ids(checks, [keys[r] for r in rows])
    geometries = _check_geometry(checks, geometries)
    geometries = _to_lonlat(checks, geometries, source_crs, crs, name)
    geometries = _check_range(checks, geometries)
    geometries = _check_validity(checks, geometries)

    keep = checks.finish(skip_invalid)
    kept_rows = rows[keep]
    result = gpd.GeoDataFrame(
        attributes.iloc[kept_rows].reset_index(drop=True), geometry=list(geometries[keep]), crs="EPSG:4326"
    )
    if result.empty:
        raise UsageError(f"{name}: no line features to analyse ({int((~keep).sum())} skipped)")
    return UserLines(name, result, [keys[r] for r in kept_rows])


class _Checks:
    """Per-feature problems (the first one wins) and repairs, reported with the file and feature."""

    def __init__(self, path: str, ids: list[Any], rows: np.ndarray) -> None:
        self.path = path
        self.ids = ids
        self.rows = rows
        self.problems = np.full(len(rows), None, dtype=object)
        self.repairs: dict[int, list[str]] = {}

    @property
    def open(self) -> np.ndarray:
        """Features without a problem so far."""
        return np.equal(self.problems, None)

    def problem(self, mask: np.ndarray, messages: str | Sequence[str]) -> None:
        mask = np.asarray(mask, dtype=bool) & self.open
        for index in np.flatnonzero(mask):
            self.problems[index] = messages if isinstance(messages, str) else messages[index]

    def repair(self, mask: np.ndarray, notes: str | Sequence[str]) -> None:
        for index in np.flatnonzero(np.asarray(mask, dtype=bool) & self.open):
            self.repairs.setdefault(int(index), []).append(notes if isinstance(notes, str) else notes[index])

    def where(self, index: int) -> str:
        row = int(self.rows[index])
        key = self.ids[index]
        if key is None:
            return f"{self.path}: feature #{row}"
        return f"{self.path}: feature {excerpt(repr(key))} (#{row})"

    def finish(self, skip_invalid: bool) -> np.ndarray:
        """Report repairs and problems; the mask of features to keep."""
        bad = np.flatnonzero(~self.open)
        if len(bad) and not skip_invalid:
            more = f" (and {len(bad) - 1} more)" if len(bad) > 1 else ""
            raise UsageError(f"{self.where(bad[0])}: {self.problems[bad[0]]}{more}; fix it or use --skip-invalid")
        repaired = [i for i in sorted(self.repairs) if self.problems[i] is None]
        _report([f"{self.where(i)}: repaired: {'; '.join(self.repairs[i])}" for i in repaired], "repaired")
        _report([f"{self.where(i)}: skipped: {self.problems[i]}" for i in bad], "skipped")
        return self.open


def _report(lines: list[str], verb: str) -> None:
    for line in lines[:MAX_LISTED]:
        log.warning("%s", line)
    if len(lines) > MAX_LISTED:
        log.warning("... and %d more features %s", len(lines) - MAX_LISTED, verb)


# Reading -----------------------------------------------------------------------------------------


def _read(path: Path, layer: str | None) -> tuple[pd.DataFrame, dict[int, str]]:
    """The raw table (geometry may be None) and, per row, why its geometry could not be read."""
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix in (".csv", *PARQUET_SUFFIXES) and layer is not None:
        raise UsageError(f"{path}: --layer does not apply to {suffix[1:].upper()} files")
    if suffix == ".csv":
        return _read_csv(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # unreadable geometries are reported per feature below
            if suffix in PARQUET_SUFFIXES:
                return gpd.read_parquet(path), {}
            import pyogrio

            layer = _layer(path, layer, pyogrio.list_layers(path))
            return pyogrio.read_dataframe(path, layer=layer, on_invalid="ignore"), {}
    except UsageError:
        raise
    except Exception as exc:  # pyogrio, pyarrow and GEOS raise many types for unreadable files
        raise UsageError(f"{path}: cannot read ({_first_line(exc, path)})") from None


def _read_csv(path: Path) -> tuple[pd.DataFrame, dict[int, str]]:
    _check_csv_text(path)
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except Exception as exc:  # parser, decoding and empty-file errors
        raise UsageError(f"{path}: cannot read ({_first_line(exc, path)})") from None
    by_name = {str(c).strip().lower(): c for c in table.columns}
    column = next((by_name[n] for n in WKT_COLUMNS if n in by_name), None)
    if column is None:
        raise UsageError(f"{path}: no WKT column (wkt or geometry); columns: {', '.join(map(str, table.columns))}")
    text = table[column].to_numpy(dtype=object)
    curved = np.array([bool(_CURVE.search(t)) for t in text], dtype=bool)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        geometries = shapely.from_wkt(np.where(curved, None, text), on_invalid="ignore")
    unreadable = {
        int(row): "has no WKT geometry" if not str(text[row]).strip() else "has WKT that cannot be parsed"
        for row in np.flatnonzero(shapely.is_missing(geometries))
    }
    for row in np.flatnonzero(curved):
        kind = _CURVE.search(text[row]).group(0).upper()
        unreadable[int(row)] = f"is a curve ({kind}), which is not supported; convert it to a LINESTRING"
    return gpd.GeoDataFrame(table.drop(columns=[column]), geometry=geometries), unreadable


def _check_csv_text(path: Path) -> None:
    """Fail early, reading a block at a time, on what would cost memory out of proportion to the lines.

    Raises
    ------
    UsageError
        For a NUL byte (not a text file), a line over :data:`MAX_CSV_LINE_BYTES`, or a header of
        more than :data:`MAX_CSV_COLUMNS` columns.
    """
    with path.open("rb") as handle:
        if b"\0" in handle.read(2**16):
            raise UsageError(f"{path}: holds NUL bytes; not a text CSV file")
        handle.seek(0)
        header = handle.readline(MAX_CSV_LINE_BYTES + 1)
        if len(header) > MAX_CSV_LINE_BYTES:
            raise UsageError(f"{path}: line 1 is longer than {MAX_CSV_LINE_BYTES // 2**20} MiB; is this a CSV file?")
        if b"\0" in header:
            raise UsageError(f"{path}: line 1 holds a NUL byte; not a text CSV file")
        if header.count(b",") + 1 > MAX_CSV_COLUMNS:
            raise UsageError(f"{path}: more than {MAX_CSV_COLUMNS} columns in the header")
        number = 1
        for line in iter(lambda: handle.readline(MAX_CSV_LINE_BYTES + 1), b""):
            number += 1
            if len(line) > MAX_CSV_LINE_BYTES:
                raise UsageError(f"{path}: line {number} is longer than {MAX_CSV_LINE_BYTES // 2**20} MiB")
            if b"\0" in line:
                raise UsageError(f"{path}: line {number} holds a NUL byte; not a text CSV file")


def _layer(path: Path, layer: str | None, layers: np.ndarray) -> str | None:
    names = [str(n) for n in layers[:, 0]] if len(layers) else []
    if layer is not None:
        if layer not in names:
            close = difflib.get_close_matches(layer, names, n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else f" (layers: {', '.join(names)})"
            raise UsageError(f"{path}: no layer {excerpt(repr(layer))}{hint}")
        return layer
    if len(names) > 1:
        raise UsageError(f"{path}: has {len(names)} layers ({', '.join(names)}); choose one with --layer")
    return None


def _first_line(exc: Exception, path: Path) -> str:
    lines = str(exc).strip().splitlines() or [type(exc).__name__]
    return excerpt(
        lines[0]
        .split("; It might help")[0]
        .replace(f"'{path}' ", "")
        .replace(f"{path}: ", "")
        .replace(str(path), "the file")
    )


# Ids ---------------------------------------------------------------------------------------------


def _id_field(attributes: pd.DataFrame, id_field: str | None, path: str) -> str | None:
    fields = [str(c) for c in attributes.columns]
    if id_field is None:
        return "id" if "id" in fields else None
    if id_field not in fields:
        close = difflib.get_close_matches(id_field, fields, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else f" (fields: {', '.join(fields) or 'none'})"
        raise UsageError(f"{path}: no field {excerpt(repr(id_field))}{hint}")
    return id_field


def _keys(values: pd.Series) -> list[Any]:
    """Ids as plain JSON values: integers stay integers (also when read as floats), None when missing."""

    def key(value: Any) -> Any:
        if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
            return None
        if isinstance(value, np.generic):
            value = value.item()
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str):
            return value if value.strip() else None
        return value if isinstance(value, (int, float)) else str(value)

    return [key(v) for v in values.to_numpy(dtype=object)]


def _selected(keys: list[Any], select: Sequence[str], path: str) -> np.ndarray:
    by_text: dict[str, list[int]] = {}
    for row, key in enumerate(keys):
        by_text.setdefault(str(key), []).append(row)
    rows = []
    for wanted in dict.fromkeys(select):  # naming an id twice asks for it once
        if wanted not in by_text:
            close = difflib.get_close_matches(wanted, list(by_text), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise UsageError(f"{path}: unknown feature id {excerpt(repr(wanted))}{hint}")
        rows.extend(by_text[wanted])
    return np.asarray(rows, dtype=int)


def _check_ids(checks: _Checks, keys: list[Any]) -> None:
    checks.problem(np.array([k is None for k in keys], dtype=bool), "has no id")
    first: dict[Any, int] = {}
    messages = [""] * len(keys)
    duplicate = np.zeros(len(keys), dtype=bool)
    for index, key in enumerate(keys):
        if key is None:
            continue
        if key in first:
            duplicate[index] = True
            messages[index] = f"duplicate id (feature #{checks.rows[first[key]]} has it too)"
        else:
            first[key] = index
    checks.problem(duplicate, messages)


# Geometry ----------------------------------------------------------------------------------------


def _check_geometry(checks: _Checks, geometries: np.ndarray) -> np.ndarray:
    """Lines only: collections reduced to their lines, empty parts dropped, rings made lines."""
    geometries = geometries.copy()
    types = shapely.get_type_id(geometries)
    collection = (types == _COLLECTION) & checks.open
    for index in np.flatnonzero(collection):
        geometries[index] = _as_line(_line_parts(geometries[index]))
    checks.repair(collection & ~shapely.is_missing(geometries), "kept the lines of a GeometryCollection")
    checks.problem(
        ~np.isin(types, _LINE_TYPES) & ~collection,
        [f"is a {getattr(g, 'geom_type', None)}, not a line" for g in geometries],
    )
    checks.problem(collection & shapely.is_missing(geometries), "is a GeometryCollection without lines")
    checks.problem(shapely.is_empty(geometries), "has an empty geometry")

    multi = np.flatnonzero((types == 5) & checks.open)
    parts, owner = shapely.get_parts(geometries[multi], return_index=True)
    holey = np.unique(owner[shapely.is_empty(parts)])
    for index in multi[holey]:
        geometries[index] = _as_line(_line_parts(geometries[index]))
    checks.repair(np.isin(np.arange(len(geometries)), multi[holey]), "dropped the empty parts of a MultiLineString")
    for index in np.flatnonzero((types == 2) & checks.open):
        geometries[index] = LineString(geometries[index].coords)  # a ring is a closed line

    coords, owner = shapely.get_coordinates(geometries, return_index=True)
    checks.problem(
        _any_vertex(~np.isfinite(coords).all(axis=1), owner, len(geometries)), "has a NaN or infinite coordinate"
    )
    return geometries


def _any_vertex(flags: np.ndarray, owner: np.ndarray, count: int) -> np.ndarray:
    """Per geometry, whether any of its vertices is flagged (``owner`` from ``get_coordinates``)."""
    rows = np.zeros(count, dtype=bool)
    rows[owner[flags]] = True
    return rows


def _line_parts(geometry: Any) -> list[LineString]:
    """The non-empty lines inside any geometry, in order."""
    if geometry is None or geometry.is_empty:
        return []
    if geometry.geom_type in ("LineString", "LinearRing"):
        return [LineString(geometry.coords)]
    if geometry.geom_type in ("MultiLineString", "GeometryCollection"):
        return [line for part in geometry.geoms for line in _line_parts(part)]
    return []


def _as_line(parts: list[LineString]) -> Any:
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else MultiLineString(parts)


def _to_lonlat(checks: _Checks, geometries: np.ndarray, source: Any, crs: str | None, path: str) -> np.ndarray:
    """Reproject to EPSG:4326; a file without a CRS is taken as lon/lat if its coordinates fit."""
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    if crs is not None:
        if source is not None:
            raise UsageError(f"{path}: --crs is only for files without a CRS; this one is in {source.to_string()}")
        try:
            source = CRS.from_user_input(crs)
        except CRSError:
            raise UsageError(f"--crs: unknown CRS {excerpt(repr(crs))}") from None
    if source is not None:
        source = _horizontal(CRS.from_user_input(source), path)
    if source is None:
        coords, owner = shapely.get_coordinates(geometries, return_index=True)
        outside = ~((np.abs(coords[:, 0]) <= 360) & (np.abs(coords[:, 1]) <= 90)) & np.isfinite(coords).all(axis=1)
        outside &= checks.open[owner]
        if outside.any():
            index = int(owner[np.flatnonzero(outside)[0]])
            x, y = coords[np.flatnonzero(outside)[0]]
            raise UsageError(
                f"{checks.where(index)}: the file has no CRS and ({x:g}, {y:g}) is not lon/lat; give its CRS with --crs"
            )
        log.warning("%s: no CRS; coordinates taken as lon/lat (EPSG:4326)", path)
        return geometries
    if source.equals(CRS.from_epsg(4326), ignore_axis_order=True):
        return geometries
    series = gpd.GeoSeries(geometries, crs=source)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            projected = np.asarray(series.to_crs("EPSG:4326").values, dtype=object)
    except Exception as exc:  # pyproj raises several types when no transformation exists
        reason = excerpt(str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__)
        raise UsageError(f"{path}: cannot transform {excerpt(source.name)} to lon/lat ({reason})") from None
    coords, owner = shapely.get_coordinates(projected, return_index=True)
    failed = _any_vertex(~np.isfinite(coords).all(axis=1), owner, len(projected))
    checks.problem(failed, f"cannot be reprojected from {source.to_string()} to lon/lat")
    return projected


def _horizontal(crs: Any, path: str) -> Any:
    """The horizontal part of a CRS lines can be measured in: geographic or projected, 2D.

    Raises
    ------
    UsageError
        For a geocentric, vertical, engineering or other CRS with no lon/lat meaning.
    """
    if crs.is_compound:
        crs = next((sub for sub in crs.sub_crs_list if sub.is_geographic or sub.is_projected), crs)
    if crs.is_geocentric or crs.is_vertical or not (crs.is_geographic or crs.is_projected):
        raise UsageError(
            f"{path}: {excerpt(crs.name)} is a {crs.type_name}, not a geographic or projected CRS; "
            "lines need one that maps to lon/lat"
        )
    return crs


def _check_range(checks: _Checks, geometries: np.ndarray) -> np.ndarray:
    coords, owner = shapely.get_coordinates(geometries, return_index=True)
    checks.problem(_any_vertex(np.abs(coords[:, 1]) > 90, owner, len(geometries)), "has a latitude beyond ±90°")
    checks.problem(_any_vertex(np.abs(coords[:, 0]) > 360, owner, len(geometries)), "has a longitude beyond ±360°")
    past = _any_vertex(np.abs(coords[:, 0]) > 180, owner, len(geometries)) & checks.open
    if not past.any():
        return geometries
    checks.repair(past, "longitudes past ±180° wrapped (antimeridian)")
    geometries = geometries.copy()
    geometries[past] = shapely.transform(geometries[past], _wrap, include_z=None)
    return geometries


def _wrap(coords: np.ndarray) -> np.ndarray:
    coords = coords.copy()
    x = coords[:, 0]
    beyond = np.abs(x) > 180
    x[beyond] = (x[beyond] + 180.0) % 360.0 - 180.0
    return coords


def _check_validity(checks: _Checks, geometries: np.ndarray) -> np.ndarray:
    candidates = np.flatnonzero(checks.open)
    invalid = candidates[~shapely.is_valid(geometries[candidates])]
    if not len(invalid):
        return geometries
    geometries = geometries.copy()
    reasons = shapely.is_valid_reason(geometries[invalid])
    fixed = shapely.make_valid(geometries[invalid])
    unfixable = np.zeros(len(geometries), dtype=bool)
    repaired = np.zeros(len(geometries), dtype=bool)
    messages = [""] * len(geometries)
    for index, reason, geometry in zip(invalid, reasons, fixed):
        line = _as_line(_line_parts(geometry))
        if line is None:
            unfixable[index] = True
            messages[index] = f"has zero length, so cannot be repaired ({reason})"
        else:
            geometries[index] = line
            repaired[index] = True
            messages[index] = f"invalid ({reason}), fixed with make_valid"
    checks.problem(unfixable, messages)
    checks.repair(repaired, messages)
    return geometries


# Analysis ----------------------------------------------------------------------------------------


def analyze_lines(
    lines: UserLines,
    boundaries: Boundaries,
    *,
    min_excursion_km: float = DEFAULT_MIN_EXCURSION_KM,
    engine: str = "single",
    progress: Callable[[int], None] | None = None,
    scheduler: str | None = None,
) -> list[LineAnalysis]:
    """Lengths and crossings of every line, in order, with the vectorised crossings engine.

    Lines are analysed in chunks of about :data:`CHUNK_VERTICES` vertices; ``progress`` is called
    with the number of lines done after each. ``engine="dask"`` runs the chunks as dask-geopandas
    partitions, on threads, or on the dask.distributed cluster whose scheduler is at ``scheduler``
    (e.g. ``tcp://10.0.0.5:8786``); the results are identical. It needs the ``dask`` extra.
    """
    if engine not in ENGINES:
        raise UsageError(f"unknown engine {engine!r} (choose from {', '.join(ENGINES)})")
    if scheduler is not None and engine != "dask":
        raise UsageError("a dask scheduler needs the dask engine")
    check_tolerance(min_excursion_km)
    geometries = np.asarray(lines.frame.geometry.values, dtype=object)
    area = boundaries.clipped(tuple(lines.frame.total_bounds))
    vertices = shapely.get_num_coordinates(geometries)
    prepare(area, min(int(vertices.sum()), CHUNK_VERTICES))  # here, before any thread uses the indexes
    bounds = _chunk_bounds(vertices)
    if engine == "dask":
        return _analyze_dask(geometries, bounds, area, min_excursion_km, progress, scheduler)
    results: list[LineAnalysis] = []
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        results.extend(analyze_geometries(geometries[lo:hi], area, min_excursion_km))
        if progress is not None:
            progress(hi - lo)
    return results


def analyze_geometries(
    geometries: Sequence[Any], boundaries: Boundaries, min_excursion_km: float
) -> list[LineAnalysis]:
    """Lengths and crossings of valid (Multi)LineStrings in lon/lat, in one vectorised pass."""
    return analyze_line_geometries(geometries, boundaries, min_excursion_km)


def _chunk_bounds(vertices: np.ndarray) -> list[int]:
    """Start of each chunk of about CHUNK_VERTICES vertices (at least one line each), then the end."""
    total = np.cumsum(vertices)
    marks = np.searchsorted(total, np.arange(CHUNK_VERTICES, int(total[-1]), CHUNK_VERTICES), side="right")
    return sorted({0, *(int(m) for m in marks if 0 < m < len(vertices)), len(vertices)})


def _analyze_dask(
    geometries: np.ndarray,
    bounds: list[int],
    area: Boundaries,
    tolerance: float,
    progress: Callable[[int], None] | None,
    scheduler: str | None = None,
) -> list[LineAnalysis]:
    try:
        import dask
        import dask_geopandas
    except ImportError:
        raise UsageError("--engine dask needs dask-geopandas: pip install 'corridors[dask]'") from None
    frame = gpd.GeoDataFrame(geometry=list(geometries), crs="EPSG:4326")
    partitions = dask_geopandas.from_geopandas(frame, npartitions=len(bounds) - 1, sort=False)
    meta = pd.DataFrame({"analysis": pd.Series(dtype=object)})
    job = _PartitionJob(area, tolerance, progress if scheduler is None else None)
    with _dask_scheduler(scheduler) as settings:
        try:
            with dask.config.set(settings):
                computed = partitions.map_partitions(job, meta=meta).compute()
        except CorridorsError:
            raise
        except Exception as exc:  # a worker failed: report it as a failed operation, not a traceback
            raise CorridorsError(f"dask engine failed: {type(exc).__name__}: {exc}") from exc
    if scheduler is not None and progress is not None:
        progress(len(geometries))
    return list(computed["analysis"])


@contextlib.contextmanager
def _dask_scheduler(address: str | None) -> Iterator[dict[str, Any]]:
    """dask settings for threads on this machine, or a client of the cluster at ``address``."""
    if address is None:
        yield {"scheduler": "threads"}
        return
    try:
        from distributed import Client
    except ImportError:
        raise UsageError("a dask scheduler needs dask.distributed: pip install 'corridors[dask]'") from None
    try:
        client = Client(address, timeout=_CONNECT_TIMEOUT_S, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise CorridorsError(f"cannot reach the dask scheduler at {address}: {exc}") from None
    with client:
        yield {"scheduler": client}


#: In a dask worker process: the boundaries of the last few jobs, by job token.
_WORKER_AREAS: dict[str, Boundaries] = {}
_WORKER_LOCK = threading.Lock()


class _PartitionJob:
    """The analysis of one dask partition; shares the (already indexed) boundaries across threads."""

    def __init__(
        self, area: Boundaries, tolerance: float, progress: Callable[[int], None] | None, token: str | None = None
    ) -> None:
        self.area = area
        self.tolerance = tolerance
        self.progress = progress
        self.lock = threading.Lock()
        self.token = token or uuid.uuid4().hex

    def __getstate__(self) -> dict[str, Any]:
        """For a worker process: the polygons without their indexes (built there once) or progress."""
        area = Boundaries(self.area.codes, self.area.polygons, self.area.source)
        return {"area": area, "tolerance": self.tolerance, "token": self.token}

    def __setstate__(self, state: dict[str, Any]) -> None:
        # Every task unpickles the job anew: reuse this worker's copy, whose indexes are already built.
        with _WORKER_LOCK:
            area = _WORKER_AREAS.get(state["token"])
            if area is None:
                area = _WORKER_AREAS[state["token"]] = state["area"]
                prepare(area, CHUNK_VERTICES)  # once, before the worker's threads share it
                if len(_WORKER_AREAS) > 4:
                    _WORKER_AREAS.pop(next(iter(_WORKER_AREAS)))
        self.__init__(area, state["tolerance"], None, state["token"])  # type: ignore[misc]

    def __dask_tokenize__(self) -> tuple[str, int]:
        return ("corridors-analyze", id(self))  # the boundaries are too big to hash, and never change

    def __call__(self, partition: gpd.GeoDataFrame) -> pd.DataFrame:
        results = analyze_geometries(np.asarray(partition.geometry.values, dtype=object), self.area, self.tolerance)
        if self.progress is not None and len(partition):
            with self.lock:
                self.progress(len(partition))
        return pd.DataFrame({"analysis": pd.Series(results, index=partition.index, dtype=object)})


# Output ------------------------------------------------------------------------------------------


def analysis_record(key: Any, result: LineAnalysis) -> dict[str, Any]:
    """One line's analysis as JSON, shaped like ``corridors compare`` without name, layer, status and
    modes (a user's line has no segments to carry them)."""
    record = {"id": key} | result.to_dict()
    del record["length_by_mode_km"]
    return record


def feature_collection(lines: UserLines, results: Sequence[LineAnalysis]) -> dict[str, Any]:
    """The input lines (EPSG:4326, 7 decimals) with their analysis as properties: RFC 7946 GeoJSON."""
    rounded = shapely.transform(np.asarray(lines.frame.geometry.values, dtype=object), _round, include_z=None)
    attributes = lines.frame.drop(columns=lines.frame.geometry.name)
    clashes = sorted(set(attributes.columns) & (set(analysis_record(None, results[0])) - {"id"})) if results else []
    if clashes:
        log.warning("%s: properties %s replaced by the analysis", lines.path, ", ".join(clashes))
    features = []
    rows = zip(lines.keys, attributes.itertuples(index=False), shapely.to_geojson(rounded), results)
    for key, values, geometry, result in rows:
        record = analysis_record(key, result)
        del record["id"]
        properties = {str(name): _json_value(v) for name, v in zip(attributes.columns, values)} | record
        features.append({"type": "Feature", "id": key, "properties": properties, "geometry": json.loads(geometry)})
    return {"type": "FeatureCollection", "features": features}


def _round(coords: np.ndarray) -> np.ndarray:
    return np.round(coords, 7)


def _json_value(value: Any) -> Any:
    """A property value as JSON: numpy scalars unwrapped, NaN as null, dates as ISO text."""
    if isinstance(value, np.ndarray):
        return [_json_value(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (str, int, bool, list, dict)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
