"""The analysis of a user's lines at scale (chunks, or dask partitions on threads) and its output forms."""

from __future__ import annotations

import contextlib
import logging
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..boundaries import Boundaries
from ..crossings import LineAnalysis, analyze_line_geometries, check_tolerance, prepare
from ..errors import BadParameter, CorridorsError, UsageError
from ..geojson import geometry as rfc7946_geometry
from ..geojson import plain
from ..io import to_json
from ..memory import freed_memory_kept
from ..vocab import DEFAULT_MIN_EXCURSION_KM
from .read import UserLines

log = logging.getLogger(__name__)

ENGINES = ("single", "dask")
#: Vertices analysed per chunk (single engine) or partition (dask): bounds memory, paces progress.
CHUNK_VERTICES = 200_000
#: Seconds to wait for a dask.distributed scheduler before giving up.
_CONNECT_TIMEOUT_S = 10


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
    (e.g. ``tcp://10.0.0.5:8786``); the results are identical. It needs the ``dask`` extra. These
    lines are already in memory here; GeoParquet can stay in its row groups on the workers instead
    (:func:`~corridors.userdata.read_partitioned`).

    Parameters
    ----------
    lines
        The lines read (see :func:`corridors.userdata.read.read_lines`).
    boundaries
        The country polygons.
    min_excursion_km
        Tolerance for generalised borders (see :mod:`corridors.crossings`); 0 keeps every sliver.
    engine
        One of :data:`ENGINES`.
    progress
        Called with the number of lines done after each chunk.
    scheduler
        Address of a dask.distributed scheduler; only with ``engine="dask"``.

    Returns
    -------
    list of LineAnalysis
        One analysis per line, in order.

    Raises
    ------
    BadParameter
        For an unknown ``engine``.
    UsageError
        For a ``scheduler`` without the dask engine.
    """
    if engine not in ENGINES:
        raise BadParameter("engine", f"unknown {{parameter}} {engine!r} (choose from {', '.join(ENGINES)})")
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
    return _analyze_chunks(geometries, bounds, area, min_excursion_km, progress)


def analyze_geometries(
    geometries: Sequence[Any] | np.ndarray, boundaries: Boundaries, min_excursion_km: float
) -> list[LineAnalysis]:
    """Lengths and crossings of valid (Multi)LineStrings in lon/lat, in one vectorised pass.

    Parameters
    ----------
    geometries
        Valid (Multi)LineStrings in lon/lat.
    boundaries
        The country polygons.
    min_excursion_km
        Tolerance for generalised borders (see :mod:`corridors.crossings`); 0 keeps every sliver.

    Returns
    -------
    list of LineAnalysis
        One analysis per geometry, in order.
    """
    return analyze_line_geometries(geometries, boundaries, min_excursion_km)


def _analyze_chunks(
    geometries: np.ndarray,
    bounds: list[int],
    area: Boundaries,
    min_excursion_km: float,
    progress: Callable[[int], None] | None = None,
) -> list[LineAnalysis]:
    """The analyses of the chunks ``bounds`` marks (see :func:`_chunk_bounds`), freed memory kept between them."""
    results: list[LineAnalysis] = []
    with freed_memory_kept():
        for lo, hi in zip(bounds[:-1], bounds[1:]):
            results.extend(analyze_geometries(geometries[lo:hi], area, min_excursion_km))
            if progress is not None:
                progress(hi - lo)
    return results


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
        raise BadParameter("engine", "{parameter} dask needs dask-geopandas: pip install 'corridors[dask]'") from None
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
    """Dask settings for threads on this machine, or a client of the cluster at ``address``."""
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
        with freed_memory_kept():
            geometries = np.asarray(partition.geometry.values, dtype=object)
            results = analyze_geometries(geometries, self.area, self.tolerance)
        if self.progress is not None and len(partition):
            with self.lock:
                self.progress(len(partition))
        return pd.DataFrame({"analysis": pd.Series(results, index=partition.index, dtype=object)})


def analysis_record(key: Any, result: LineAnalysis) -> dict[str, Any]:
    """One line's analysis as JSON, shaped like ``corridors compare``.

    Without name, layer, status and modes: a user's line has no segments to carry them.

    Parameters
    ----------
    key
        The line's id.
    result
        The line's analysis.

    Returns
    -------
    dict
        The JSON-ready record.
    """
    record = {"id": key} | result.to_dict()
    del record["length_by_mode_km"]
    return record


def feature_collection(lines: UserLines, results: Sequence[LineAnalysis]) -> dict[str, Any]:
    """The input lines (EPSG:4326, 7 decimals) with their analysis as properties: RFC 7946 GeoJSON.

    Parameters
    ----------
    lines
        The lines read.
    results
        Their analyses, in the same order.

    Returns
    -------
    dict
        The GeoJSON FeatureCollection.
    """
    warn_replaced_properties(lines.path, lines.frame.columns.drop(lines.frame.geometry.name), results)
    return {"type": "FeatureCollection", "features": list(_features(lines, results))}


def features_text(lines: UserLines, results: Sequence[LineAnalysis]) -> list[str]:
    """Each feature of :func:`feature_collection` as JSON text, for a collection assembled from parts.

    Parameters
    ----------
    lines
        The lines read.
    results
        Their analyses, in the same order.

    Returns
    -------
    list of str
        One JSON object per line.
    """
    return [to_json(feature, ensure_ascii=False) for feature in _features(lines, results)]


def records_text(keys: Sequence[Any], results: Sequence[LineAnalysis]) -> list[str]:
    """Each line's :func:`analysis_record` as JSON text (one line each), for ``-f json``.

    Parameters
    ----------
    keys
        The lines' ids.
    results
        Their analyses, in the same order.

    Returns
    -------
    list of str
        One JSON object per line.
    """
    return [to_json(analysis_record(key, result), ensure_ascii=False) for key, result in zip(keys, results)]


def records_list_text(records: Sequence[str]) -> str:
    """The JSON array of records' texts, one record per line, ending with a newline.

    Parameters
    ----------
    records
        The records, from :func:`records_text`.

    Returns
    -------
    str
        ``[``, the records separated by ``,`` and newlines, ``]``.
    """
    return "[\n" + ",\n".join(records) + "\n]\n"


def collection_text(features: Sequence[str]) -> str:
    """The text ``to_json(feature_collection(...))`` gives, from its features' texts.

    Parameters
    ----------
    features
        The features, from :func:`features_text`.

    Returns
    -------
    str
        The GeoJSON FeatureCollection, without a final newline.
    """
    return '{"type": "FeatureCollection", "features": [' + ", ".join(features) + "]}"


def warn_replaced_properties(path: str, columns: Sequence[Any], results: Sequence[LineAnalysis]) -> None:
    """Warn once when attribute columns share a name with the analysis, which replaces them in GeoJSON.

    Parameters
    ----------
    path
        The file, named in the warning.
    columns
        Its attribute columns.
    results
        The analyses (only the first one's fields are used).
    """
    clashes = sorted(set(map(str, columns)) & (set(analysis_record(None, results[0])) - {"id"})) if results else []
    if clashes:
        log.warning("%s: properties %s replaced by the analysis", path, ", ".join(clashes))


def _features(lines: UserLines, results: Sequence[LineAnalysis]) -> Iterator[dict[str, Any]]:
    attributes = lines.frame.drop(columns=lines.frame.geometry.name)
    rows = zip(lines.keys, attributes.itertuples(index=False), lines.frame.geometry, results)
    for key, values, shape, result in rows:
        record = analysis_record(key, result)
        del record["id"]
        properties = {str(name): plain(v) for name, v in zip(attributes.columns, values)} | record
        geometry = rfc7946_geometry(shape, split_antimeridian=False)
        yield {"type": "Feature", "id": key, "properties": properties, "geometry": geometry}
