"""Runs of one label along a line and their cleaning: slivers, landfalls, run starts, crossings, the result."""


from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import shapely

from ..boundaries import Boundaries
from ..geodesy import edge_lengths_m
from .index import _NO_COUNTRY, _outlines, _ranges
from .results import GAP, SEA, SLIVER, Absorbed, Crossing, LineAnalysis


class _Runs:
    """Maximal stretches of one label within one track, over all tracks, as arrays."""

    def __init__(self, labels: np.ndarray, piece_track: np.ndarray, cum: np.ndarray) -> None:
        change = (labels[1:] != labels[:-1]) | (piece_track[1:] != piece_track[:-1])
        self.first = np.flatnonzero(np.concatenate([[True], change])) if len(labels) else np.zeros(0, dtype=int)
        self.end = np.append(self.first[1:], len(labels))
        self.track = piece_track[self.first]
        self.label = labels[self.first]
        self.start_km, self.end_km = cum[self.first + self.track], cum[self.end + self.track]

    def pieces(self, mask: np.ndarray) -> np.ndarray:
        """Indices of the pieces of the runs selected by ``mask``."""
        return _ranges(self.first[mask], self.end[mask] - self.first[mask])


def _by_mode(lengths: np.ndarray, modes: np.ndarray) -> dict[str, float]:
    """Length per mode of one track's pieces, in order of first use."""
    return {mode: float(lengths[modes == mode].sum()) for mode in dict.fromkeys(m for m in modes if m is not None)}


def _run_start(
    runs: list[list[Any]],
    known: dict[float, tuple[float, float]],
    cum: np.ndarray,
    lengths: np.ndarray,
    p0: np.ndarray,
    p1: np.ndarray,
) -> Callable[[int], tuple[float, float]]:
    """Where run j of one track starts: a run start found before cleaning, else searched along its pieces."""

    def run_start(j: int) -> tuple[float, float]:
        km = runs[j][1]
        return known[km] if km in known else _point_at(cum, lengths, p0, p1, km)

    return run_start


def _point_at(cum: np.ndarray, lengths: np.ndarray, p0: np.ndarray, p1: np.ndarray, km: float) -> tuple[float, float]:
    """The point ``km`` along one track, given its cumulative km and pieces."""
    i = min(max(int(np.searchsorted(cum, km, side="right")) - 1, 0), len(lengths) - 1)
    frac = 0.0 if lengths[i] == 0 else (km - cum[i]) / lengths[i]
    x, y = p0[i] + (p1[i] - p0[i]) * min(max(float(frac), 0.0), 1.0)
    return float(x), float(y)


def _line_analysis(
    runs: list[list[Any]],
    length_km: float,
    by_mode: dict[str, float],
    run_start: Callable[[int], tuple[float, float]],
    tolerance: float,
    absorbed: list[Absorbed],
) -> LineAnalysis:
    """The analysis of one track from its final runs; ``run_start(j)`` is where run j starts."""
    by_country: dict[str, float] = {}
    for label, start, end in runs:
        by_country[label] = by_country.get(label, 0.0) + (end - start)
    countries = [label for label in (r[0] for r in runs) if label != SEA]
    countries = [c for i, c in enumerate(countries) if i == 0 or c != countries[i - 1]]
    return LineAnalysis(
        length_km=float(length_km),
        length_by_mode_km=by_mode,
        length_by_country_km=by_country,
        countries=countries,
        crossings=_crossings(runs, run_start),
        tolerance_km=tolerance,
        absorbed=absorbed,
    )


def _drop_excursions(runs: list[list[Any]], tolerance: float) -> list[list[Any]]:
    """Give runs into a country shorter than the tolerance, between two other runs, to those, shortest first.

    Between two runs of one label the short run merges into them; between two different labels it
    is split at its middle. The first and last runs stay: a line that ends in a country reaches it.
    """
    while len(runs) > 2:
        candidates = [
            i
            for i, (label, start, end) in enumerate(runs[1:-1], start=1)
            if label != SEA and end - start < tolerance
        ]
        if not candidates:
            break
        i = min(candidates, key=lambda k: runs[k][2] - runs[k][1])
        _, start, end = runs[i]
        middle = (start + end) / 2.0
        runs[i - 1][2] = middle
        runs[i + 1][1] = middle
        del runs[i]
        merged: list[list[Any]] = []
        for run in runs:
            if merged and merged[-1][0] == run[0]:
                merged[-1][2] = run[2]
            else:
                merged.append(run)
        runs = merged
    return runs


def _absorbed(raw: list[tuple[Any, float, float]], runs: list[list[Any]]) -> list[Absorbed]:
    """Where the final runs of one track count km differently from its raw runs.

    ``raw`` holds the (label, start_km, end_km) runs of its pieces' labels before cleaning
    (``_NO_COUNTRY`` outside every polygon); ``runs`` are the final [label, start_km, end_km].
    """
    found: list[Absorbed] = []
    j = 0
    for label, start, end in raw:
        while j < len(runs) and runs[j][2] <= start:
            j += 1
        r = j
        while r < len(runs) and runs[r][1] < end:
            overlap = min(end, runs[r][2]) - max(start, runs[r][1])
            water = label == _NO_COUNTRY and runs[r][0] == SEA  # a gap is water unless cleaning gave it a country
            if runs[r][0] != label and overlap > 0 and not water:
                kind, country = (GAP, None) if label == _NO_COUNTRY else (SLIVER, str(label))
                found.append(Absorbed(kind, country, str(runs[r][0]), overlap, max(start, runs[r][1])))
            r += 1
    return found


def _offshore_landfalls(points: np.ndarray, boundaries: Boundaries, tolerance: float) -> np.ndarray:
    """(country, km offshore) of the coast within the tolerance of each point at sea, else None.

    Generalised coastlines leave some ports offshore (Constanța in Natural Earth 10m): a line that
    starts or ends there still makes landfall, recorded as a zero-length run in the nearest country.
    """
    found = np.full(len(points), None, dtype=object)
    if not len(points) or not len(boundaries.codes):
        return found
    # At sea, the nearest coast is on the nearest outline chunk: far cheaper than whole polygons.
    outlines = _outlines(boundaries)
    at = shapely.points(points)
    chunk = outlines.tree.query_nearest(at, all_matches=False)[1]
    coast = shapely.get_coordinates(shapely.shortest_line(at, outlines.chunks[chunk]))[1::2]
    offshore_km = edge_lengths_m(points[:, 0], points[:, 1], coast[:, 0], coast[:, 1]) / 1000.0
    for i in np.flatnonzero(offshore_km <= tolerance):
        found[i] = (boundaries.codes[outlines.owner[chunk[i]]], float(offshore_km[i]))  # np.str_, as a run's
    return found


def _crossings(runs: list[list[Any]], run_start: Callable[[int], tuple[float, float]]) -> list[Crossing]:
    """One crossing per change of country; a sea passage between two countries is one crossing.

    Runs are contiguous (each ends where the next starts), so a crossing is where the next run starts.
    """
    crossings: list[Crossing] = []
    for i in range(len(runs) - 1):
        label, _, end = runs[i]
        following = runs[i + 1][0]
        if label == SEA:
            continue
        if following != SEA:
            lon, lat = run_start(i + 1)
            crossings.append(Crossing(label, following, lon, lat, end))
            continue
        if i + 2 < len(runs) and runs[i + 2][0] != label:
            landfall = runs[i + 2][1]
            lon, lat = run_start(i + 1)
            land_lon, land_lat = run_start(i + 2)
            crossings.append(Crossing(label, runs[i + 2][0], lon, lat, end, True, land_lon, land_lat, landfall))
    return crossings


