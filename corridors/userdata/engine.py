"""The analysis of a user's lines at scale (chunks, or dask partitions on threads) and its output forms."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..boundaries import Boundaries
from ..crossings import LineAnalysis, analyze_tracks, check_tolerance
from ..errors import BadParameter, CorridorsError
from ..geojson import geometry as rfc7946_geometry
from ..geojson import plain
from ..tracks import Track
from ..vocab import DEFAULT_MIN_EXCURSION_KM
from .read import UserLines

log = logging.getLogger(__name__)

ENGINES = ("single", "dask")
#: Vertices analysed per chunk (single engine) or partition (dask): bounds memory, paces progress.
CHUNK_VERTICES = 200_000


def analyze_lines(
    lines: UserLines,
    boundaries: Boundaries,
    *,
    min_excursion_km: float = DEFAULT_MIN_EXCURSION_KM,
    engine: str = "single",
    progress: Callable[[int], None] | None = None,
) -> list[LineAnalysis]:
    """Lengths and crossings of every line, in order, with the vectorised crossings engine.

    Lines are analysed in chunks of about :data:`CHUNK_VERTICES` vertices; ``progress`` is called
    with the number of lines done after each. ``engine="dask"`` runs the chunks as dask-geopandas
    partitions on threads (the results are identical); it needs the ``dask`` extra.
    """
    if engine not in ENGINES:
        raise BadParameter("engine", f"unknown {{parameter}} {engine!r} (choose from {', '.join(ENGINES)})")
    check_tolerance(min_excursion_km)
    geometries = np.asarray(lines.frame.geometry.values, dtype=object)
    area = boundaries.clipped(tuple(lines.frame.total_bounds))
    area.polygon_tree  # noqa: B018 - built (and its polygons prepared) here, before any thread uses it
    bounds = _chunk_bounds(shapely.get_num_coordinates(geometries))
    if engine == "dask":
        return _analyze_dask(geometries, bounds, area, min_excursion_km, progress)
    results: list[LineAnalysis] = []
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        results.extend(analyze_geometries(geometries[lo:hi], area, min_excursion_km))
        if progress is not None:
            progress(hi - lo)
    return results


def analyze_geometries(
    geometries: Sequence[Any] | np.ndarray, boundaries: Boundaries, min_excursion_km: float
) -> list[LineAnalysis]:
    """Lengths and crossings of valid (Multi)LineStrings in lon/lat, in one vectorised pass."""
    return analyze_tracks([Track.from_geometry(g) for g in geometries], boundaries, min_excursion_km)


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
) -> list[LineAnalysis]:
    try:
        import dask
        import dask_geopandas
    except ImportError:
        raise BadParameter("engine", "{parameter} dask needs dask-geopandas: pip install 'corridors[dask]'") from None
    frame = gpd.GeoDataFrame(geometry=list(geometries), crs="EPSG:4326")
    partitions = dask_geopandas.from_geopandas(frame, npartitions=len(bounds) - 1, sort=False)
    meta = pd.DataFrame({"analysis": pd.Series(dtype=object)})
    job = _PartitionJob(area, tolerance, progress)
    try:
        with dask.config.set(scheduler="threads"):
            computed = partitions.map_partitions(job, meta=meta).compute()
    except CorridorsError:
        raise
    except Exception as exc:  # a worker failed: report it as a failed operation, not a traceback
        raise CorridorsError(f"dask engine failed: {type(exc).__name__}: {exc}") from exc
    return list(computed["analysis"])


class _PartitionJob:
    """The analysis of one dask partition; shares the (already indexed) boundaries across threads."""

    def __init__(self, area: Boundaries, tolerance: float, progress: Callable[[int], None] | None) -> None:
        self.area = area
        self.tolerance = tolerance
        self.progress = progress
        self.lock = threading.Lock()

    def __dask_tokenize__(self) -> tuple[str, int]:
        return ("corridors-analyze", id(self))  # the boundaries are too big to hash, and never change

    def __call__(self, partition: gpd.GeoDataFrame) -> pd.DataFrame:
        results = analyze_geometries(np.asarray(partition.geometry.values, dtype=object), self.area, self.tolerance)
        if self.progress is not None and len(partition):
            with self.lock:
                self.progress(len(partition))
        return pd.DataFrame({"analysis": pd.Series(results, index=partition.index, dtype=object)})


def analysis_record(key: Any, result: LineAnalysis) -> dict[str, Any]:
    """One line's analysis as JSON, shaped like ``corridors compare``.

    Without name, layer, status and modes: a user's line has no segments to carry them.
    """
    record = {"id": key} | result.to_dict()
    del record["length_by_mode_km"]
    return record


def feature_collection(lines: UserLines, results: Sequence[LineAnalysis]) -> dict[str, Any]:
    """The input lines (EPSG:4326, 7 decimals) with their analysis as properties: RFC 7946 GeoJSON."""
    attributes = lines.frame.drop(columns=lines.frame.geometry.name)
    clashes = sorted(set(attributes.columns) & (set(analysis_record(None, results[0])) - {"id"})) if results else []
    if clashes:
        log.warning("%s: properties %s replaced by the analysis", lines.path, ", ".join(clashes))
    features = []
    rows = zip(lines.keys, attributes.itertuples(index=False), lines.frame.geometry, results)
    for key, values, shape, result in rows:
        record = analysis_record(key, result)
        del record["id"]
        properties = {str(name): plain(v) for name, v in zip(attributes.columns, values)} | record
        geometry = rfc7946_geometry(shape, split_antimeridian=False)
        features.append({"type": "Feature", "id": key, "properties": properties, "geometry": geometry})
    return {"type": "FeatureCollection", "features": features}
