"""Reading a user's line file: any OGR format, GeoParquet or CSV with WKT; ids; the checks in order."""

from __future__ import annotations

import difflib
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..errors import BadParameter, UsageError, excerpt
from ..geojson import plain
from ..io import protect
from .checks import Checks, check_geometry, check_ids, check_range, check_validity, to_lonlat

WKT_COLUMNS = ("wkt", "geometry")
PARQUET_SUFFIXES = (".parquet", ".geoparquet")
#: CSV limits, checked before parsing: a line (a WKT of about 2 million vertices) and the columns.
MAX_CSV_LINE_BYTES = 64 * 2**20
MAX_CSV_COLUMNS = 10_000
#: Curved WKT, which shapely cannot read: such features are reported, not guessed at.
_CURVE = re.compile(r"\b(CIRCULARSTRING|COMPOUNDCURVE|CURVEPOLYGON|MULTICURVE|MULTISURFACE)\b", re.IGNORECASE)
NO_GEOMETRY = "has no geometry, or one that cannot be read"


@dataclass(frozen=True)
class UserLines:
    """Valid lines in EPSG:4326 ready for analysis, in file order (or the order asked).

    ``frame`` keeps the file's attributes; ``keys`` holds each feature's id (the id field's value,
    or its 1-based position in the file when there is no id field).
    """

    path: str
    frame: gpd.GeoDataFrame
    keys: list[Any]

    @property
    def total_bounds(self) -> tuple[float, float, float, float]:
        """The lines' extent in lon/lat: (minx, miny, maxx, maxy)."""
        minx, miny, maxx, maxy = (float(v) for v in self.frame.total_bounds)
        return minx, miny, maxx, maxy


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

    Returns
    -------
    UserLines
        The lines kept, in EPSG:4326, with their attributes and ids.

    Raises
    ------
    UsageError
        For an unreadable file or bad option, or an unrepairable feature without ``skip_invalid``.
    """
    name = str(path)
    protect(path)  # never an output of this run
    _check_declared_crs(Path(path), name)
    frame, unreadable = _read(Path(path), layer)
    if frame.empty:
        raise UsageError(f"{name}: no features")
    frame = frame.reset_index(drop=True)
    spatial = isinstance(frame, gpd.GeoDataFrame)  # pyogrio gives a DataFrame for a table without geometry
    source_crs = frame.crs if spatial else None
    attributes = frame.drop(columns=frame.geometry.name) if spatial else frame
    geometries = np.asarray(frame.geometry.values, dtype=object) if spatial else np.full(len(frame), None, dtype=object)
    field = id_field_of(attributes, id_field, name)
    keys = keys_of(attributes[field]) if field else list(range(1, len(frame) + 1))
    rows = np.arange(len(frame)) if select is None else selected_rows(keys, select, name)
    checks = Checks(name, [keys[r] if field else None for r in rows], rows + 1)
    geometries = geometries[rows]
    checks.problem(
        np.isin(rows, list(unreadable)) | shapely.is_missing(geometries),
        [unreadable.get(int(r), NO_GEOMETRY) for r in rows],
    )
    if field:
        check_ids(checks, [keys[r] for r in rows])
    geometries = check_geometry(checks, geometries)
    geometries = to_lonlat(checks, geometries, source_crs, crs, name)
    geometries = check_range_and_validity(checks, geometries)

    keep = checks.finish(skip_invalid)
    kept_rows = rows[keep]
    result = gpd.GeoDataFrame(
        attributes.iloc[kept_rows].reset_index(drop=True), geometry=list(geometries[keep]), crs="EPSG:4326"
    )
    if result.empty:
        raise UsageError(f"{name}: no line features to analyse ({int((~keep).sum())} skipped)")
    return UserLines(name, result, [keys[r] for r in kept_rows])


def check_range_and_validity(checks: Checks, geometries: np.ndarray) -> np.ndarray:
    """The checks of lines in lon/lat: coordinate ranges (wrapping past ±180°), then validity.

    Parameters
    ----------
    checks
        Where problems and repairs are recorded.
    geometries
        One geometry per feature, in lon/lat.

    Returns
    -------
    numpy.ndarray
        The geometries, repaired ones replaced.
    """
    return check_validity(checks, check_range(checks, geometries))


def is_parquet(path: str | Path) -> bool:
    """Whether ``path`` is GeoParquet: a ``.parquet`` (``.geoparquet``) file, or a directory of them.

    Parameters
    ----------
    path
        The input named by the user.

    Returns
    -------
    bool
        True for a Parquet suffix or a directory.
    """
    return Path(path).suffix.lower() in PARQUET_SUFFIXES or Path(path).is_dir()


#: How much of a GeoJSON file is searched for its (old-style, top-level) ``crs`` member.
_CRS_MEMBER_SEARCH_BYTES = 1 << 16
_CRS_MEMBER = re.compile(
    r'"crs"\s*:\s*\{\s*"type"\s*:\s*"name"\s*,\s*"properties"\s*:\s*\{\s*"name"\s*:\s*"([^"]{0,200})"'
)


def _check_declared_crs(path: Path, name: str) -> None:
    """Refuse a GeoJSON file whose ``crs`` member names a CRS nobody knows.

    GDAL reads such a file as longitude/latitude without a word, so a file in, say, a national grid
    with a mistyped code would be measured as if its metres were degrees.
    """
    if path.suffix.lower() not in (".geojson", ".json"):
        return
    try:
        with path.open("rb") as stream:
            head = stream.read(_CRS_MEMBER_SEARCH_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return  # the reader reports an unreadable file
    match = _CRS_MEMBER.search(head)
    if match is None:
        return
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    try:
        CRS.from_user_input(match.group(1))
    except CRSError:
        raise UsageError(f"{name}: unknown CRS {excerpt(repr(match.group(1)))} in its 'crs' member") from None


def _read(path: Path, layer: str | None) -> tuple[pd.DataFrame, dict[int, str]]:
    """The raw table (geometry may be None) and, per row, why its geometry could not be read."""
    if not path.is_file() and not path.is_dir():
        raise UsageError(f"{path}: no such file")
    suffix = ".parquet" if path.is_dir() else path.suffix.lower()
    if suffix in (".csv", *PARQUET_SUFFIXES) and layer is not None:
        raise BadParameter("layer", f"{path}: {{parameter}} does not apply to {suffix[1:].upper()} files")
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
        raise UsageError(f"{path}: cannot read ({first_line(exc, path)})") from None


def _read_csv(path: Path) -> tuple[pd.DataFrame, dict[int, str]]:
    _check_csv_text(path)
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except Exception as exc:  # parser, decoding and empty-file errors
        raise UsageError(f"{path}: cannot read ({first_line(exc, path)})") from None
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
        found = _CURVE.search(text[row])
        kind = found.group(0).upper() if found else "curve"
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
        listed = ", ".join(names)
        raise BadParameter("layer", f"{path}: has {len(names)} layers ({listed}); choose one with {{parameter}}")
    return None


def first_line(exc: Exception, path: Path) -> str:
    """The first line of a library's error about ``path``, without the path, shortened for a message.

    Parameters
    ----------
    exc
        The error raised by the reader.
    path
        The file read.

    Returns
    -------
    str
        Printable text of at most 80 characters.
    """
    lines = str(exc).strip().splitlines() or [type(exc).__name__]
    return excerpt(
        lines[0]
        .split("; It might help")[0]
        .replace(f"'{path}' ", "")
        .replace(f"{path}: ", "")
        .replace(str(path), "the file")
    )


def id_field_of(attributes: pd.DataFrame, id_field: str | None, path: str) -> str | None:
    """The field that identifies features: ``id_field``, else ``id`` when present, else None (row numbers).

    Parameters
    ----------
    attributes
        The features' attributes (only the columns are used).
    id_field
        The field asked for, or None.
    path
        The file, named in messages.

    Returns
    -------
    str or None
        The field's name, or None for row numbers.

    Raises
    ------
    UsageError
        For an ``id_field`` the file lacks.
    """
    fields = [str(c) for c in attributes.columns]
    if id_field is None:
        return "id" if "id" in fields else None
    if id_field not in fields:
        close = difflib.get_close_matches(id_field, fields, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else f" (fields: {', '.join(fields) or 'none'})"
        raise UsageError(f"{path}: no field {excerpt(repr(id_field))}{hint}")
    return id_field


def keys_of(values: pd.Series) -> list[Any]:
    """Ids as plain JSON values: integers stay integers (also when read as floats), None when missing.

    Parameters
    ----------
    values
        The id field's values.

    Returns
    -------
    list
        One id per feature.
    """

    def key(value: Any) -> Any:
        """One id as a plain JSON value.

        Parameters
        ----------
        value
            One id as read.

        Returns
        -------
        Any
            The id as a plain JSON value, or None.
        """
        value = plain(value)
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str):
            return value if value.strip() else None
        return value if value is None or isinstance(value, (int, float)) else str(value)

    return [key(v) for v in values.to_numpy(dtype=object)]


def selected_rows(keys: list[Any], select: Sequence[str], path: str) -> np.ndarray:
    """The rows of the ids in ``select`` (compared as text), in that order; an id named twice once.

    Parameters
    ----------
    keys
        Every feature's id, in file order.
    select
        The ids asked for.
    path
        The file, named in messages.

    Returns
    -------
    numpy.ndarray
        0-based rows.

    Raises
    ------
    UsageError
        For an id no feature has.
    """
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
