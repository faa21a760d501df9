"""GeoParquet read and analysed row group by row group on dask workers: the client never holds the lines.

``corridors analyze FILE.parquet --engine dask`` (a file, or a directory of Parquet files) makes one
dask-geopandas partition per row group and passes over them twice:

1. *survey*: each task reads its row group and runs the checks of :func:`~corridors.userdata.read_lines`
   on it, returning per feature only its id, its first problem and the stage that found it, its
   repairs and its bounds. The client merges them (ids repeated across row groups, the ids selected,
   ``skip_invalid``), so it reports exactly what the single process reports, and learns the lines'
   extent, which decides the boundaries;
2. *analysis*: each task reads its row group again, repeats the (deterministic) checks and analyses
   the features kept, in chunks of :data:`~corridors.userdata.engine.CHUNK_VERTICES` vertices, with
   the boundaries shipped once to each worker, and returns their analyses (and, when asked, their
   output as text: JSON records or GeoJSON features, so the client only joins them).

Reading twice, rather than keeping the partitions in the workers' memory, bounds a worker's memory
by one row group and one chunk's analysis, whatever the size of the file.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..boundaries import Boundaries
from ..crossings import LineAnalysis, check_tolerance, prepare
from ..errors import BadParameter, CorridorsError, UsageError
from ..vocab import DEFAULT_MIN_EXCURSION_KM
from .checks import Checks, check_geometry, check_ids, not_lonlat, not_lonlat_error, reproject, source_crs
from .engine import (
    CHUNK_VERTICES,
    _analyze_chunks,
    _chunk_bounds,
    _dask_scheduler,
    _PartitionJob,
    features_text,
    records_text,
)
from .read import NO_GEOMETRY, UserLines, check_range_and_validity, first_line, id_field_of, keys_of, selected_rows

log = logging.getLogger(__name__)

#: The output texts a worker can make: JSON records, GeoJSON features.
TEXTS = ("json", "geojson")
#: The stages of the checks, in the order :func:`~corridors.userdata.read_lines` runs them; the ids
#: are checked between the first and the second, the lon/lat fit of a file without CRS before the last.
_MISSING, _GEOMETRY, _LONLAT = 0, 1, 2


@dataclass(frozen=True)
class PartitionedLines:
    """Lines left in their GeoParquet row groups, surveyed: their ids, extent and where each one is.

    ``keys`` holds the id of every line kept, in output order (file order, or the order asked);
    ``total_bounds`` their extent in lon/lat; ``columns`` the file's attribute columns.
    """

    path: str
    keys: list[Any]
    total_bounds: tuple[float, float, float, float]
    columns: list[str]
    partitions: list[Any] = field(repr=False)  # one dask Delayed per row group
    source: Any = field(repr=False)  # the CRS lines are read in, None for lon/lat
    id_field: str | None = field(repr=False)
    offsets: np.ndarray = field(repr=False)  # first row of each partition, then the row count
    kept: np.ndarray = field(repr=False)  # 0-based rows of the lines kept, in output order


@dataclass(frozen=True)
class PartitionedAnalysis:
    """The analyses of :class:`PartitionedLines`, in their order, and their output texts if asked."""

    results: list[LineAnalysis]
    texts: list[str] | None


@dataclass
class _Survey:
    """What a worker reports of one row group: per feature, its id, problem, stage, bounds; repairs."""

    keys: list[Any] | None
    problems: np.ndarray
    stages: np.ndarray
    repairs: dict[int, list[str]]
    bounds: np.ndarray
    outside: tuple[np.ndarray, np.ndarray, np.ndarray] | None  # not lon/lat (no CRS): mask, x, y


def read_partitioned(
    path: str | Path,
    *,
    layer: str | None = None,
    id_field: str | None = None,
    crs: str | None = None,
    select: Sequence[str] | None = None,
    skip_invalid: bool = False,
    scheduler: str | None = None,
) -> PartitionedLines:
    """Survey a GeoParquet file (or directory) row group by row group, with the checks of ``read_lines``.

    The row groups are read by dask tasks (on threads, or on the cluster at ``scheduler``); only the
    ids, problems, repairs and bounds of the features come back. Warnings and errors are those of
    :func:`~corridors.userdata.read_lines` on the same file.

    Parameters
    ----------
    path
        A GeoParquet file, or a directory of them.
    layer
        Must be None: Parquet has one layer.
    id_field
        Field identifying features; default ``id`` when present, else the 1-based row number.
    crs
        CRS of a file that declares none; default: EPSG:4326 if the coordinates fit.
    select
        Only these ids (as strings), in this order.
    skip_invalid
        Skip, with a warning, the features that cannot be repaired, instead of failing.
    scheduler
        Address of a dask.distributed scheduler; None for threads here.

    Returns
    -------
    PartitionedLines
        The surveyed lines, ready for :func:`analyze_partitioned`.

    Raises
    ------
    UsageError
        For an unreadable file or bad option, or an unrepairable feature without ``skip_invalid``.
    CorridorsError
        When a dask worker fails.
    """
    name = str(path)
    if layer is not None:
        raise BadParameter("layer", f"{name}: {{parameter}} does not apply to PARQUET files")
    frame = _open(Path(path))
    columns = [str(c) for c in frame.columns if c != frame.geometry.name]
    id_name = id_field_of(pd.DataFrame(columns=columns), id_field, name)
    source = source_crs(frame.crs, crs, name)
    partitions = list(frame.to_delayed())
    import dask

    tasks = [dask.delayed(_survey)(part, name, id_name, source) for part in partitions]
    with _errors(name, reading=True), _dask_scheduler(scheduler) as settings, dask.config.set(settings):
        surveys: list[_Survey] = list(dask.compute(*tasks))
    counts = [len(s.problems) for s in surveys]
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(int)
    if offsets[-1] == 0:
        raise UsageError(f"{name}: no features")
    kept, keys = _merge(surveys, name, id_name, source, select, skip_invalid, int(offsets[-1]))
    bounds = np.concatenate([s.bounds for s in surveys])[kept]
    extent = (
        float(np.nanmin(bounds[:, 0])),
        float(np.nanmin(bounds[:, 1])),
        float(np.nanmax(bounds[:, 2])),
        float(np.nanmax(bounds[:, 3])),
    )
    return PartitionedLines(name, keys, extent, columns, partitions, source, id_name, offsets, kept)


def _open(path: Path) -> Any:
    """The file as a dask-geopandas frame of one partition per row group (only its metadata is read)."""
    if not path.exists():
        raise UsageError(f"{path}: no such file")
    try:
        import dask_geopandas
    except ImportError:
        raise BadParameter("engine", "{parameter} dask needs dask-geopandas: pip install 'corridors[dask]'") from None
    try:
        return dask_geopandas.read_parquet(str(path), split_row_groups=True)
    except Exception as exc:  # pyarrow, dask and geopandas raise many types for unreadable files
        raise UsageError(f"{path}: cannot read ({first_line(exc, path)})") from None


def _checked(
    frame: gpd.GeoDataFrame, path: str, id_name: str | None, source: Any
) -> tuple[Checks, np.ndarray, np.ndarray, list[Any] | None, tuple[np.ndarray, np.ndarray, np.ndarray] | None]:
    """In a worker: the checks of ``read_lines`` on one row group, but the ids; the stage of each problem."""
    frame = frame.reset_index(drop=True)
    geometries = np.asarray(frame.geometry.values, dtype=object)
    keys = keys_of(frame[id_name]) if id_name else None
    checks = Checks(path, [None] * len(frame), np.arange(1, len(frame) + 1))
    stages = np.full(len(frame), -1, dtype=np.int8)

    def stage(number: int) -> None:
        stages[(stages < 0) & ~checks.open] = number

    checks.problem(shapely.is_missing(geometries), NO_GEOMETRY)
    stage(_MISSING)
    geometries = check_geometry(checks, geometries)
    stage(_GEOMETRY)
    outside = None
    if source is None:
        outside = not_lonlat(geometries)
    else:
        geometries = reproject(checks, geometries, source, path)
    geometries = check_range_and_validity(checks, geometries)
    stage(_LONLAT)
    return checks, geometries, stages, keys, outside


def _survey(frame: gpd.GeoDataFrame, path: str, id_name: str | None, source: Any) -> _Survey:
    checks, geometries, stages, keys, outside = _checked(frame, path, id_name, source)
    bounds = shapely.bounds(geometries).reshape(-1, 4)
    return _Survey(keys, checks.problems, stages, checks.repairs, bounds, outside)


def _merge(
    surveys: list[_Survey],
    path: str,
    id_name: str | None,
    source: Any,
    select: Sequence[str] | None,
    skip_invalid: bool,
    total: int,
) -> tuple[np.ndarray, list[Any]]:
    """The rows kept, in output order, and their ids: the checks of all row groups, as ``read_lines`` orders them."""
    keys = [k for s in surveys for k in (s.keys or [])] if id_name else list(range(1, total + 1))
    rows = np.arange(total) if select is None else selected_rows(keys, select, path)
    problems = np.concatenate([s.problems for s in surveys])[rows].tolist()
    stages = np.concatenate([s.stages for s in surveys])[rows]
    checks = Checks(path, [keys[r] if id_name else None for r in rows], rows + 1)
    checks.problem(stages == _MISSING, problems)
    if id_name:
        check_ids(checks, [keys[r] for r in rows])
    checks.problem(stages == _GEOMETRY, problems)
    if source is None:
        outside, x, y = (
            np.concatenate([s.outside[i] for s in surveys if s.outside is not None])[rows] for i in range(3)
        )
        first = np.flatnonzero(outside & checks.open)
        if len(first):
            raise not_lonlat_error(checks.where(int(first[0])), x[first[0]], y[first[0]])
        log.warning("%s: no CRS; coordinates taken as lon/lat (EPSG:4326)", path)
    checks.problem(stages == _LONLAT, problems)
    offset, repairs = 0, {}
    for survey in surveys:
        repairs.update({offset + local: notes for local, notes in survey.repairs.items()})
        offset += len(survey.problems)
    checks.repairs = {index: repairs[int(row)] for index, row in enumerate(rows) if int(row) in repairs}
    keep = checks.finish(skip_invalid)
    if not keep.any():
        raise UsageError(f"{path}: no line features to analyse ({int((~keep).sum())} skipped)")
    kept = rows[keep]
    return kept, [keys[r] for r in kept]


def analyze_partitioned(
    lines: PartitionedLines,
    boundaries: Boundaries,
    *,
    min_excursion_km: float = DEFAULT_MIN_EXCURSION_KM,
    progress: Callable[[int], None] | None = None,
    scheduler: str | None = None,
    texts: str | None = None,
) -> PartitionedAnalysis:
    """Lengths and crossings of surveyed lines, each row group analysed by the dask task that reads it.

    The boundaries, clipped to the lines' extent, go to each worker once (scattered to the cluster,
    or shared by the threads here), where their indexes are built once. Results are identical to
    :func:`~corridors.userdata.analyze_lines` on the same file.

    Parameters
    ----------
    lines
        The lines surveyed by :func:`read_partitioned`.
    boundaries
        The country polygons.
    min_excursion_km
        Tolerance for generalised borders (see :mod:`corridors.crossings`); 0 keeps every sliver.
    progress
        Called with the number of lines done after each row group.
    scheduler
        Address of a dask.distributed scheduler; None for threads here.
    texts
        Also return each line's output as text, made on the workers: ``"json"`` its record (as
        ``-f json`` writes it), ``"geojson"`` its GeoJSON feature (as ``-f geojson`` does).

    Returns
    -------
    PartitionedAnalysis
        One analysis per line, in the order of ``lines.keys``, and the texts if asked.

    Raises
    ------
    BadParameter
        For ``texts`` other than None, ``"json"`` and ``"geojson"``.
    CorridorsError
        When a dask worker fails.
    """
    check_tolerance(min_excursion_km)
    if texts not in (None, *TEXTS):
        raise BadParameter("texts", f"unknown {{parameter}} {texts!r} (choose from {', '.join(TEXTS)}, or None)")
    import dask

    area = boundaries.clipped(lines.total_bounds)
    with _errors(lines.path, reading=False), _dask_scheduler(scheduler) as settings, dask.config.set(settings):
        client = settings["scheduler"] if scheduler is not None else None
        with client.as_current() if client is not None else contextlib.nullcontext():  # futures in the graph
            if client is None:
                prepare(area, CHUNK_VERTICES)  # here, before the threads share the indexes
                job: Any = _PartitionJob(area, min_excursion_km, progress)
            else:  # once to each worker, which builds the indexes once (see _PartitionJob.__setstate__)
                job = client.scatter(_PartitionJob(area, min_excursion_km, None), broadcast=True, hash=False)
            tasks, sizes = _tasks(lines, job, texts)
            done = _compute(tasks, sizes, client, progress)
    results = [r for part_results, _ in done for r in part_results]
    order = np.searchsorted(np.sort(lines.kept), lines.kept)
    made = [t for _, part_texts in done for t in (part_texts or [])] if texts else None
    return PartitionedAnalysis([results[i] for i in order], [made[i] for i in order] if made is not None else None)


def _tasks(lines: PartitionedLines, job: Any, texts: str | None) -> tuple[list[Any], list[int]]:
    """One analysis task per row group holding lines kept, and how many lines each analyses."""
    import dask

    ordered = np.sort(lines.kept)
    starts = np.searchsorted(ordered, lines.offsets)
    key_of = dict(zip(lines.kept.tolist(), lines.keys)) if texts else {}
    tasks, sizes = [], []
    for index, part in enumerate(lines.partitions):
        rows = ordered[starts[index] : starts[index + 1]]
        if not len(rows):
            continue
        # An array, not a list: dask would walk a list's every item looking for collections.
        keys = np.array([key_of[int(r)] for r in rows] + [None], dtype=object)[:-1] if texts else None
        local = rows - lines.offsets[index]
        tasks.append(dask.delayed(_analyze)(part, job, lines.path, lines.id_field, lines.source, local, keys, texts))
        sizes.append(len(rows))
    return tasks, sizes


def _compute(
    tasks: list[Any], sizes: list[int], client: Any, progress: Callable[[int], None] | None
) -> list[tuple[list[LineAnalysis], list[str] | None]]:
    """The tasks' results in order; on a cluster, progress as each row group comes back."""
    import dask

    if client is None:
        return list(dask.compute(*tasks))
    from distributed import as_completed

    futures = client.compute(tasks)
    size_of = {future.key: size for future, size in zip(futures, sizes)}
    for future in as_completed(futures):
        if future.status == "error":
            future.result()  # raises the task's error
        if progress is not None:
            progress(size_of[future.key])
    return list(client.gather(futures))


def _analyze(
    frame: gpd.GeoDataFrame,
    job: _PartitionJob,
    path: str,
    id_name: str | None,
    source: Any,
    rows: np.ndarray,
    keys: np.ndarray | None,
    texts: str | None,
) -> tuple[list[LineAnalysis], list[str] | None]:
    """In a worker: the analyses of one row group's kept lines (``rows``), in chunks; their ``texts`` if asked."""
    _, geometries, _, _, _ = _checked(frame, path, id_name, source)
    chosen = geometries[rows]
    results = _analyze_chunks(chosen, _chunk_bounds(shapely.get_num_coordinates(chosen)), job.area, job.tolerance)
    if job.progress is not None:
        with job.lock:
            job.progress(len(rows))
    if keys is None or texts is None:
        return results, None
    if texts == "json":
        return results, records_text(keys.tolist(), results)
    attributes = frame.reset_index(drop=True).drop(columns=frame.geometry.name).iloc[rows].reset_index(drop=True)
    lines = UserLines(path, gpd.GeoDataFrame(attributes, geometry=list(chosen), crs="EPSG:4326"), keys.tolist())
    return results, features_text(lines, results)


@contextlib.contextmanager
def _errors(path: str, *, reading: bool) -> Iterator[None]:
    """A failed task as one line: a row group that cannot be read (exit 2), or a worker that failed (exit 1)."""
    try:
        yield
    except CorridorsError:
        raise
    except Exception as exc:
        import pyarrow

        if reading and isinstance(exc, (ValueError, TypeError, shapely.errors.ShapelyError, pyarrow.ArrowException)):
            raise UsageError(f"{path}: cannot read ({first_line(exc, Path(path))})") from None
        raise CorridorsError(f"dask engine failed: {type(exc).__name__}: {exc}") from exc
