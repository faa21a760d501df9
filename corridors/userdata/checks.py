"""Checks of a user's lines, feature by feature: problems (the first one wins) and safe repairs.

Problems that have one safe fix are repaired with a warning naming the file and the feature; the
rest stop the run, or are skipped with a warning when ``skip_invalid`` is set.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import LineString, MultiLineString

from ..errors import BadParameter, UsageError, excerpt

log = logging.getLogger(__name__)

#: Problems listed one by one on stderr before the rest are counted.
MAX_LISTED = 20

_LINE_TYPES = (1, 2, 5)  # LineString, LinearRing, MultiLineString
_COLLECTION = 7


class Checks:
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
        return np.asarray(self.problems == None)  # noqa: E711 - elementwise over an object array

    def problem(self, mask: np.ndarray, messages: str | Sequence[str]) -> None:
        """Record a problem for the masked features that have none yet.

        Parameters
        ----------
        mask
            Which features have the problem.
        messages
            The problem, or one message per feature.
        """
        mask = np.asarray(mask, dtype=bool) & self.open
        for index in np.flatnonzero(mask):
            self.problems[index] = messages if isinstance(messages, str) else messages[int(index)]

    def repair(self, mask: np.ndarray, notes: str | Sequence[str]) -> None:
        """Record a repair for the masked features that have no problem.

        Parameters
        ----------
        mask
            Which features were repaired.
        notes
            The repair, or one note per feature.
        """
        for index in np.flatnonzero(np.asarray(mask, dtype=bool) & self.open):
            self.repairs.setdefault(int(index), []).append(notes if isinstance(notes, str) else notes[int(index)])

    def where(self, index: int) -> str:
        """``FILE: feature 'ID' (#ROW)``, how messages name a feature.

        Parameters
        ----------
        index
            The feature's position in the checked arrays.

        Returns
        -------
        str
            The feature's name in messages.
        """
        row = int(self.rows[index])
        key = self.ids[index]
        if key is None:
            return f"{self.path}: feature #{row}"
        return f"{self.path}: feature {excerpt(repr(key))} (#{row})"

    def finish(self, skip_invalid: bool) -> np.ndarray:
        """Report repairs and problems; the mask of features to keep.

        Parameters
        ----------
        skip_invalid
            Whether features with a problem are skipped (with a warning) rather than fatal.

        Returns
        -------
        numpy.ndarray
            Boolean mask of the features to keep.

        Raises
        ------
        BadParameter
            For the first problem, unless ``skip_invalid``.
        """
        bad = np.flatnonzero(~self.open)
        if len(bad) and not skip_invalid:
            more = f" (and {len(bad) - 1} more)" if len(bad) > 1 else ""
            raise BadParameter(
                "skip_invalid",
                f"{self.where(int(bad[0]))}: {self.problems[bad[0]]}{more}; fix it or use {{parameter}}",
            )
        repaired = [i for i in sorted(self.repairs) if self.problems[i] is None]
        _report([f"{self.where(i)}: repaired: {'; '.join(self.repairs[i])}" for i in repaired], "repaired")
        _report([f"{self.where(int(i))}: skipped: {self.problems[i]}" for i in bad], "skipped")
        return self.open


def _report(lines: list[str], verb: str) -> None:
    for line in lines[:MAX_LISTED]:
        log.warning("%s", line)
    if len(lines) > MAX_LISTED:
        log.warning("... and %d more features %s", len(lines) - MAX_LISTED, verb)


def check_ids(checks: Checks, keys: list[Any]) -> None:
    """Features without an id, and every repeat of an id, are problems.

    Parameters
    ----------
    checks
        Where problems and repairs are recorded.
    keys
        Each feature's id, ``None`` when missing.
    """
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


def check_geometry(checks: Checks, geometries: np.ndarray) -> np.ndarray:
    """Lines only: collections reduced to their lines, empty parts dropped, rings made lines.

    Parameters
    ----------
    checks
        Where problems and repairs are recorded.
    geometries
        One geometry per feature, in file order.

    Returns
    -------
    numpy.ndarray
        The geometries, repaired ones replaced.
    """
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


def to_lonlat(checks: Checks, geometries: np.ndarray, source: Any, crs: str | None, path: str) -> np.ndarray:
    """Reproject to EPSG:4326; a file without a CRS is taken as lon/lat if its coordinates fit.

    Parameters
    ----------
    checks
        Where problems and repairs are recorded.
    geometries
        One geometry per feature, in file order.
    source
        The file's CRS, or ``None`` when it declares none.
    crs
        The CRS the user gave for a file without one.
    path
        The file, named in messages.

    Returns
    -------
    numpy.ndarray
        The geometries in EPSG:4326.

    Raises
    ------
    BadParameter
        For ``crs`` given to a file that has one, an unknown ``crs``, or no CRS and coordinates that are not lon/lat.
    UsageError
        When the file's CRS cannot be transformed to lon/lat.
    """
    source = source_crs(source, crs, path)
    if source is None:
        outside, x, y = not_lonlat(geometries)
        first = np.flatnonzero(outside & checks.open)
        if len(first):
            raise not_lonlat_error(checks.where(int(first[0])), x[first[0]], y[first[0]])
        log.warning("%s: no CRS; coordinates taken as lon/lat (EPSG:4326)", path)
        return geometries
    return reproject(checks, geometries, source, path)


def source_crs(source: Any, crs: str | None, path: str) -> Any:
    """The CRS lines are measured from: the file's, or ``crs`` for a file without one; None for lon/lat.

    Parameters
    ----------
    source
        The file's CRS, or ``None`` when it declares none.
    crs
        The CRS the user gave for a file without one.
    path
        The file, named in messages.

    Returns
    -------
    pyproj.CRS or None
        The horizontal CRS, or None when neither the file nor ``crs`` gives one.

    Raises
    ------
    BadParameter
        For ``crs`` given to a file that has one, or an unknown ``crs``.
    UsageError
        For a CRS with no lon/lat meaning (geocentric, vertical, engineering).
    """
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    if crs is not None:
        if source is not None:
            raise BadParameter(
                "crs", f"{path}: {{parameter}} is only for files without a CRS; this one is in {source.to_string()}"
            )
        try:
            source = CRS.from_user_input(crs)
        except CRSError:
            raise BadParameter("crs", f"{{parameter}}: unknown CRS {excerpt(repr(crs))}") from None
    return None if source is None else _horizontal(CRS.from_user_input(source), path)


def not_lonlat(geometries: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per geometry, whether a finite vertex lies beyond lon ±360°, lat ±90°, and the first such vertex.

    Parameters
    ----------
    geometries
        One geometry per feature, in a file without a CRS.

    Returns
    -------
    tuple of numpy.ndarray
        The mask, and the x and y of each flagged geometry's first such vertex (NaN elsewhere).
    """
    coords, owner = shapely.get_coordinates(geometries, return_index=True)
    outside = ~((np.abs(coords[:, 0]) <= 360) & (np.abs(coords[:, 1]) <= 90)) & np.isfinite(coords).all(axis=1)
    x = np.full(len(geometries), np.nan)
    y = np.full(len(geometries), np.nan)
    flagged = np.flatnonzero(outside)
    owners, first = np.unique(owner[flagged], return_index=True)  # owners ascend with the vertices
    x[owners], y[owners] = coords[flagged[first], 0], coords[flagged[first], 1]
    return _any_vertex(outside, owner, len(geometries)), x, y


def not_lonlat_error(where: str, x: float, y: float) -> BadParameter:
    """The error for a file without a CRS whose coordinates are not lon/lat.

    Parameters
    ----------
    where
        The feature, as :meth:`Checks.where` names it.
    x, y
        Its first vertex that is not lon/lat.

    Returns
    -------
    BadParameter
        The error, naming the ``crs`` parameter.
    """
    return BadParameter(
        "crs", f"{where}: the file has no CRS and ({x:g}, {y:g}) is not lon/lat; give its CRS with {{parameter}}"
    )


def reproject(checks: Checks, geometries: np.ndarray, source: Any, path: str) -> np.ndarray:
    """The geometries from ``source`` to EPSG:4326; features whose vertices fail are problems.

    Parameters
    ----------
    checks
        Where problems and repairs are recorded.
    geometries
        One geometry per feature, in ``source``.
    source
        A horizontal CRS (see :func:`source_crs`).
    path
        The file, named in messages.

    Returns
    -------
    numpy.ndarray
        The geometries in EPSG:4326.

    Raises
    ------
    UsageError
        When ``source`` cannot be transformed to lon/lat.
    """
    from pyproj import CRS

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


def check_range(checks: Checks, geometries: np.ndarray) -> np.ndarray:
    """Latitudes beyond ±90° and longitudes beyond ±360° are problems; past ±180° is wrapped.

    Parameters
    ----------
    checks
        Where problems and repairs are recorded.
    geometries
        One geometry per feature, in lon/lat.

    Returns
    -------
    numpy.ndarray
        The geometries, wrapped ones replaced.
    """
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


def check_validity(checks: Checks, geometries: np.ndarray) -> np.ndarray:
    """Invalid lines are repaired with ``make_valid`` where that leaves a line; zero-length ones are problems.

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
