"""The crossings engine's run cleaning and results as they were before they were vectorised: one track at a time.

A frozen reference for ``test_vectorised_runs.py``, which checks that the vectorised engine gives the
same results (issue #14). The cutting and labelling stages are shared with the engine.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import shapely

from corridors.boundaries import Boundaries
from corridors.crossings.index import _NO_COUNTRY, _Edges, _outlines, _ranges, _split_and_label
from corridors.crossings.results import GAP, LANDFALL, SEA, SLIVER, Absorbed, Crossing, LineAnalysis
from corridors.geodesy import edge_lengths_m


def analyze_line_geometries(geometries: Any, boundaries: Boundaries, min_excursion_km: float) -> list[LineAnalysis]:
    """The analysis of (Multi)LineStrings as the per-track engine gave it."""
    return _analyze(_Edges.from_geometries(geometries), boundaries, min_excursion_km)


def _analyze(edges: _Edges, boundaries: Boundaries, min_excursion_km: float) -> list[LineAnalysis]:
    if not edges.n_tracks:
        return []
    pieces = _split_and_label(edges, boundaries)
    track_start, lengths, labels = pieces["track_start"], pieces["length_km"], pieces["label"]
    p0, p1, modes = pieces["p0"], pieces["p1"], pieces["mode"]
    n_tracks = edges.n_tracks
    # Cumulative km along each track, summed per track (so each track's sums do not depend on the
    # others); track k's piece boundary j (a global piece index) is at cum[j + k].
    cum = np.concatenate(
        [np.concatenate([[0.0], np.cumsum(lengths[lo:hi])]) for lo, hi in zip(track_start[:-1], track_start[1:])]
    )
    piece_track = np.repeat(np.arange(n_tracks), np.diff(track_start))

    # Gaps on rail and road legs, and short gaps, take piece by piece the nearest country; others are water.
    runs = raw = _Runs(labels, piece_track, cum)  # raw: what the borders alone say, for ``absorbed``
    gap = runs.label == _NO_COUNTRY
    fillable = (runs.end_km - runs.start_km < min_excursion_km) | np.asarray(modes[runs.first] != None)  # noqa: E711
    filled = np.zeros(n_tracks, dtype=bool)
    if len(boundaries.codes):  # with no country near, a gap is water
        fill = runs.pieces(gap & fillable)
        if len(fill):
            # Outside every polygon, the nearest polygon is the owner of the nearest outline chunk.
            outlines = _outlines(boundaries)
            mid = (p0[fill] + p1[fill]) / 2.0
            nearest = outlines.tree.query_nearest(shapely.points(mid), all_matches=False)[1]
            labels[fill] = boundaries.codes[outlines.owner[nearest]]
            filled[piece_track[fill]] = True
        labels[runs.pieces(gap & ~fillable)] = SEA
    else:
        labels[runs.pieces(gap)] = SEA
    if gap.any():
        runs = _Runs(labels, piece_track, cum)

    # Only tracks with a country run shorter than the tolerance or a sea end need further cleaning.
    at_sea = runs.label == SEA
    dirty = ~at_sea & (runs.end_km - runs.start_km < min_excursion_km)
    track_runs = np.searchsorted(runs.track, np.arange(n_tracks + 1))
    has_runs = np.diff(track_runs) > 0
    ends = np.concatenate([track_runs[:-1][has_runs], track_runs[1:][has_runs] - 1])
    dirty[ends] |= at_sea[ends]
    cleaning = np.bincount(runs.track[dirty], minlength=n_tracks) > 0
    # A line starting or ending at sea still does after cleaning (sea runs are never dropped).
    landfall = [np.full(n_tracks, None, dtype=object) for _ in range(2)]
    with_runs = np.flatnonzero(has_runs)
    ends_of_tracks = ((0, track_runs[:-1], p0, track_start[:-1]), (1, track_runs[1:] - 1, p1, track_start[1:] - 1))
    for side, run, xy, piece in ends_of_tracks:
        sea_end = with_runs[at_sea[run[with_runs]]]
        landfall[side][sea_end] = _offshore_landfalls(xy[piece[sea_end]], boundaries, min_excursion_km)

    # Where each run starts: the start of its first piece, unless zero-length pieces follow it.
    start_xy = p0[runs.first]
    for r in np.flatnonzero(cum[runs.first + runs.track + 1] == runs.start_km):
        k = runs.track[r]
        lo, hi = track_start[k], track_start[k + 1]
        start_xy[r] = _point_at(cum[lo + k : hi + k + 1], lengths[lo:hi], p0[lo:hi], p1[lo:hi], runs.start_km[r])
    run_x, run_y = start_xy[:, 0].tolist(), start_xy[:, 1].tolist()
    run_label, start_km, end_km = runs.label.tolist(), runs.start_km.tolist(), runs.end_km.tolist()
    raw_track_runs = np.searchsorted(raw.track, np.arange(n_tracks + 1)).tolist()
    raw_runs = list(zip(raw.label.tolist(), raw.start_km.tolist(), raw.end_km.tolist()))

    moded = np.bincount(piece_track[np.asarray(modes != None)], minlength=n_tracks)  # noqa: E711 > 0
    results = []
    for k in range(n_tracks):
        lo, hi = track_start[k], track_start[k + 1]
        track_runs_k = [[run_label[r], start_km[r], end_km[r]] for r in range(track_runs[k], track_runs[k + 1])]
        known = {start_km[r]: (run_x[r], run_y[r]) for r in range(track_runs[k], track_runs[k + 1])}
        absorbed: list[Absorbed] = []
        if cleaning[k]:
            track_runs_k = _drop_excursions(track_runs_k, min_excursion_km)
        if cleaning[k] or filled[k]:
            absorbed = _absorbed(raw_runs[raw_track_runs[k] : raw_track_runs[k + 1]], track_runs_k)
        if cleaning[k]:
            for side, end_run in ((0, 0), (1, -1)):
                if landfall[side][k] is not None:
                    country, offshore_km = landfall[side][k]
                    at = track_runs_k[end_run][1] if side == 0 else track_runs_k[end_run][2]
                    track_runs_k.insert(len(track_runs_k) if side else 0, [country, at, at])
                    absorbed.append(Absorbed(LANDFALL, None, country, offshore_km, at))

        run_start = _run_start(track_runs_k, known, cum[lo + k : hi + k + 1], lengths[lo:hi], p0[lo:hi], p1[lo:hi])
        by_mode = _by_mode(lengths[lo:hi], modes[lo:hi]) if moded[k] else {}
        results.append(_line_analysis(track_runs_k, cum[hi + k], by_mode, run_start, min_excursion_km, absorbed))
    return results



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




def analyze_tracks(tracks: Any, boundaries: Boundaries, min_excursion_km: float) -> list[LineAnalysis]:
    """The analysis of Tracks (with their modes) as the per-track engine gave it."""
    return _analyze(_Edges.from_tracks(tracks), boundaries, min_excursion_km)
