"""Runs of one label along the lines and their cleaning, over all lines at once: slivers, landfalls,
what the cleaning absorbed, run starts, crossings and lengths per country, as flat arrays.

Every stage works on the runs of all tracks together, sorted by track then position along it, so
the work per line in Python is only building its result objects (:func:`_results`).
"""


from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from ..boundaries import Boundaries
from ..geodesy import edge_lengths_m
from .index import _NO_COUNTRY, _outlines, _ranges
from .results import GAP, LANDFALL, SEA, SLIVER, Absorbed, Crossing, LineAnalysis


def _starts(*keys: np.ndarray) -> np.ndarray:
    """Whether each element starts a new stretch: the first, or any of ``keys`` differs from the one before."""
    start = np.ones(len(keys[0]), dtype=bool)
    for key in keys:
        start[1:] &= key[1:] == key[:-1]
    start[1:] = ~start[1:]
    return start


class _Runs:
    """Maximal stretches of one label within one track, over all tracks, as arrays."""

    def __init__(self, labels: np.ndarray, piece_track: np.ndarray, cum: np.ndarray) -> None:
        self.first = np.flatnonzero(_starts(labels, piece_track))
        self.end = np.append(self.first[1:], len(labels))
        self.track = piece_track[self.first]
        self.label = labels[self.first]
        self.start_km, self.end_km = cum[self.first + self.track], cum[self.end + self.track]

    def pieces(self, mask: np.ndarray) -> np.ndarray:
        """Indices of the pieces of the runs selected by ``mask``."""
        return _ranges(self.first[mask], self.end[mask] - self.first[mask])


@dataclass
class _Pieces:
    """The pieces of all tracks, to find a point by its km along its track.

    Track k owns pieces lo:hi (``start[k]``, ``start[k + 1]``) and the cumulative km
    ``cum[lo + k : hi + k + 1]`` (each track's from 0).
    """

    start: np.ndarray
    cum: np.ndarray
    lengths: np.ndarray
    p0: np.ndarray
    p1: np.ndarray

    def points_at(self, track: np.ndarray, km: np.ndarray) -> np.ndarray:
        """The point ``km`` along each ``track``: on the last piece starting at or before it."""
        n_pieces = np.diff(self.start)
        first = self.start[track] + track  # where the track's cumulative km begin
        i = _search(self.cum, first, first + n_pieces[track] + 1, km, side="right") - 1 - first
        piece = self.start[track] + np.clip(i, 0, n_pieces[track] - 1)
        length = self.lengths[piece]
        with np.errstate(divide="ignore", invalid="ignore"):
            frac = np.where(length == 0, 0.0, (km - self.cum[piece + track]) / length)
        return self.p0[piece] + (self.p1[piece] - self.p0[piece]) * np.clip(frac, 0.0, 1.0)[:, None]


def _search(values: np.ndarray, lo: np.ndarray, hi: np.ndarray, queries: np.ndarray, side: str) -> np.ndarray:
    """``np.searchsorted(values[lo[i]:hi[i]], queries[i], side) + lo[i]`` for every i, without a loop.

    Each ``values[lo[i]:hi[i]]`` is sorted (the runs or cumulative km of one track): a binary search
    of all the queries at once, one step for each halving of the longest range.
    """
    lo, hi = lo.copy(), hi.copy()
    active = np.flatnonzero(lo < hi)
    while len(active):
        mid = (lo[active] + hi[active]) // 2
        after = values[mid] <= queries[active] if side == "right" else values[mid] < queries[active]
        lo[active[after]] = mid[after] + 1
        hi[active[~after]] = mid[~after]
        active = active[lo[active] < hi[active]]
    return lo


@dataclass
class _RunTable:
    """Runs of all tracks as arrays, sorted by track then along it; labels as indices into ``vocab``."""

    track: np.ndarray
    label: np.ndarray
    start_km: np.ndarray
    end_km: np.ndarray

    def take(self, index: np.ndarray) -> _RunTable:
        return _RunTable(self.track[index], self.label[index], self.start_km[index], self.end_km[index])

    @staticmethod
    def concat(tables: list[_RunTable]) -> _RunTable:
        fields = ("track", "label", "start_km", "end_km")
        return _RunTable(*(np.concatenate([getattr(table, field) for table in tables]) for field in fields))

    def merged(self) -> _RunTable:
        """Consecutive runs of one label in one track as one run."""
        first = np.flatnonzero(_starts(self.label, self.track))
        last = np.append(first[1:], len(self.track)) - 1
        return _RunTable(self.track[first], self.label[first], self.start_km[first], self.end_km[last])


def _drop_excursions(runs: _RunTable, sea: int, tolerance: float) -> _RunTable:
    """Give runs into a country shorter than the tolerance, between two other runs, to those, shortest first.

    Between two runs of one label the short run merges into them; between two different labels it
    is split at its middle. The first and last runs of a track stay: a line that ends in a country
    reaches it. Each round drops the shortest such run of every track that still has one, then
    merges; only those tracks go on to the next round.
    """
    done: list[_RunTable] = []
    while len(runs.track):
        first = _starts(runs.track)
        last = np.append(first[1:], True)
        length = runs.end_km - runs.start_km
        candidate = np.flatnonzero(~first & ~last & (runs.label != sea) & (length < tolerance))
        active = np.zeros(len(runs.track), dtype=bool)
        active[np.isin(runs.track, runs.track[candidate])] = True
        done.append(runs.take(np.flatnonzero(~active)))
        if not len(candidate):
            break
        # The shortest candidate of each track; the first of equals, as ``min`` picks.
        order = np.lexsort((candidate, length[candidate], runs.track[candidate]))
        ranked = candidate[order]
        chosen = ranked[_starts(runs.track[ranked])]
        middle = (runs.start_km[chosen] + runs.end_km[chosen]) / 2.0
        end_km, start_km = runs.end_km.copy(), runs.start_km.copy()
        end_km[chosen - 1] = middle
        start_km[chosen + 1] = middle
        keep = active.copy()
        keep[chosen] = False
        runs = _RunTable(runs.track, runs.label, start_km, end_km).take(np.flatnonzero(keep)).merged()
    table = _RunTable.concat(done)
    return table.take(np.argsort(table.track, kind="stable"))


def _absorbed_records(raw: _RunTable, final: _RunTable, gap: int, sea: int) -> tuple[np.ndarray, ...]:
    """Where the final runs count km differently from the raw runs: (raw run, final run, km, at_km).

    ``raw`` holds the runs of the pieces' labels before cleaning (``gap`` outside every polygon);
    a gap that stays water (counted as ``sea``) is no change.
    """
    track_runs = np.searchsorted(final.track, np.arange(raw.track.max(initial=-1) + 2))
    first, end = track_runs[raw.track], track_runs[raw.track + 1]
    lo = _search(final.end_km, first, end, raw.start_km, side="right")
    hi = _search(final.start_km, first, end, raw.end_km, side="left")
    count = np.maximum(hi - lo, 0)
    raw_run, final_run = np.repeat(np.arange(len(raw.track)), count), _ranges(lo, count)
    at_km = np.maximum(raw.start_km[raw_run], final.start_km[final_run])
    overlap = np.minimum(raw.end_km[raw_run], final.end_km[final_run]) - at_km
    raw_label, final_label = raw.label[raw_run], final.label[final_run]
    water = (raw_label == gap) & (final_label == sea)
    changed = np.flatnonzero((raw_label != final_label) & (overlap > 0) & ~water)
    return raw_run[changed], final_run[changed], overlap[changed], at_km[changed]


#: Landfalls at one end of the tracks: the tracks, the coasts' countries, km offshore, km along the track.
Landfalls = tuple[np.ndarray, list[str], np.ndarray, np.ndarray]


def _absorbed(
    raw: _RunTable, final: _RunTable, vocab: np.ndarray, landfalls: list[Landfalls]
) -> tuple[np.ndarray, list[Absorbed]]:
    """Every Absorbed record and its track, in order within each track: slivers and gaps along it,
    then the landfalls at its start and at its end (``landfalls``: track, country, km offshore, at_km).
    """
    labels = vocab.tolist()
    gap, sea = (int(np.searchsorted(vocab, label)) for label in (_NO_COUNTRY, SEA))
    raw_run, final_run, km, at_km = _absorbed_records(raw, final, gap, sea)
    records = [
        Absorbed(GAP, None, labels[to], k, at) if was == gap else Absorbed(SLIVER, labels[was], labels[to], k, at)
        for was, to, k, at in zip(
            raw.label[raw_run].tolist(), final.label[final_run].tolist(), km.tolist(), at_km.tolist()
        )
    ]
    tracks, kinds = [raw.track[raw_run]], [np.zeros(len(raw_run), dtype=int)]
    for side, (track, country, offshore_km, at) in enumerate(landfalls, start=1):
        records += [Absorbed(LANDFALL, None, c, k, a) for c, k, a in zip(country, offshore_km.tolist(), at.tolist())]
        tracks.append(track)
        kinds.append(np.full(len(track), side))
    track = np.concatenate(tracks)
    order = np.lexsort((np.arange(len(track)), np.concatenate(kinds), track))
    return track[order], [records[i] for i in order.tolist()]


def _with_landfalls(
    runs: _RunTable, landfalls: list[tuple[np.ndarray, list[str], np.ndarray]], vocab: np.ndarray
) -> tuple[_RunTable, list[Landfalls]]:
    """The runs with each landfall as a zero-length run before the track's first run (``landfalls[0]``:
    tracks, countries, km offshore) or after its last (``landfalls[1]``), and the landfalls with where.
    """
    track_runs = np.searchsorted(runs.track, np.arange(runs.track.max(initial=-1) + 2))
    added: list[_RunTable] = []
    records: list[Landfalls] = []
    for side, (track, country, offshore_km) in enumerate(landfalls):
        at = runs.start_km[track_runs[track]] if side == 0 else runs.end_km[track_runs[track + 1] - 1]
        added.append(_RunTable(track, np.searchsorted(vocab, np.array(country, dtype=object)), at, at))
        records.append((track, country, offshore_km, at))
    place = np.repeat([0, 1, 2], [len(added[0].track), len(runs.track), len(added[1].track)])
    both = _RunTable.concat([added[0], runs, added[1]])
    return both.take(np.lexsort((np.arange(len(place)), place, both.track))), records


def _run_starts(runs: _RunTable, before: _RunTable, before_xy: np.ndarray, along: _Pieces) -> np.ndarray:
    """Where each run starts: where a run before cleaning (``before``, starting at ``before_xy``)
    started at the same km of the same track, else found along the track's pieces.
    """
    track_runs = np.searchsorted(before.track, np.arange(runs.track.max(initial=-1) + 2))
    first, end = track_runs[runs.track], track_runs[runs.track + 1]
    known = _search(before.start_km, first, end, runs.start_km, side="right") - 1
    found = known >= first
    found[found] = before.start_km[known[found]] == runs.start_km[found]
    xy = np.empty((len(runs.track), 2))
    xy[found] = before_xy[known[found]]
    xy[~found] = along.points_at(runs.track[~found], runs.start_km[~found])
    return xy


def _offshore_landfalls(
    points: np.ndarray, boundaries: Boundaries, tolerance: float
) -> tuple[np.ndarray, list[str], np.ndarray]:
    """The points at sea within the tolerance of a coast: their indices, the coast's country, km offshore.

    Generalised coastlines leave some ports offshore (Constanța in Natural Earth 10m): a line that
    starts or ends there still makes landfall, recorded as a zero-length run in the nearest country.
    """
    if not len(points) or not len(boundaries.codes):
        return np.zeros(0, dtype=int), [], np.zeros(0)
    # At sea, the nearest coast is on the nearest outline chunk: far cheaper than whole polygons.
    outlines = _outlines(boundaries)
    at = shapely.points(points)
    chunk = outlines.tree.query_nearest(at, all_matches=False)[1]
    coast = shapely.get_coordinates(shapely.shortest_line(at, outlines.chunks[chunk]))[1::2]
    offshore_km = edge_lengths_m(points[:, 0], points[:, 1], coast[:, 0], coast[:, 1]) / 1000.0
    near = np.flatnonzero(offshore_km <= tolerance)
    return near, [str(c) for c in boundaries.codes[outlines.owner[chunk[near]]]], offshore_km[near]


def _crossing_runs(runs: _RunTable, sea: int) -> tuple[np.ndarray, np.ndarray]:
    """Run i of each crossing (it ends at the crossing) and the run after it that is the destination.

    One crossing per change of country; a sea passage between two countries is one crossing, to
    the run after the sea. Runs are contiguous, so a crossing is where the next run starts.
    """
    n = len(runs.track)
    i = np.arange(n - 1)
    same = runs.track[1:] == runs.track[:-1]
    land = runs.label[:-1] != sea
    direct = same & land & (runs.label[1:] != sea)
    over = np.zeros(n - 1 if n else 0, dtype=bool)
    if n > 2:
        over[:-1] = (
            same[:-1] & same[1:] & land[:-1] & (runs.label[1:-1] == sea) & (runs.label[2:] != runs.label[:-2])
        )
    origin = np.flatnonzero(direct | over)
    return i[origin], np.where(over[origin], origin + 2, origin + 1)


def _by_mode(lengths: np.ndarray, modes: np.ndarray) -> dict[str, float]:
    """Length per mode of one track's pieces, in order of first use."""
    return {mode: float(lengths[modes == mode].sum()) for mode in dict.fromkeys(m for m in modes if m is not None)}


def _results(
    runs: _RunTable,
    vocab: np.ndarray,
    n_tracks: int,
    length_km: np.ndarray,
    by_mode: dict[int, dict[str, float]],
    run_xy: np.ndarray,
    absorbed: tuple[np.ndarray, list[Absorbed]],
    tolerance: float,
) -> list[LineAnalysis]:
    """One LineAnalysis per track from its final runs; ``run_xy[r]`` is where run r starts.

    ``absorbed`` gives the track of each record and the records, in order within each track.
    """
    sea = int(np.searchsorted(vocab, SEA))
    labels = vocab.tolist()

    # Km per country, summed run by run in order (as a dict would), keys in order of first run.
    key = runs.track * len(vocab) + runs.label
    keys, first_run, group = np.unique(key, return_index=True, return_inverse=True)
    km = np.bincount(group, weights=runs.end_km - runs.start_km, minlength=len(keys))
    order = np.lexsort((first_run, keys // len(vocab)))
    country_keys = [labels[c] for c in (keys[order] % len(vocab)).tolist()]
    country_km = km[order].tolist()
    track_countries = np.searchsorted(keys[order] // len(vocab), np.arange(n_tracks + 1))

    # The country sequence: land runs, without repeats (a sea round trip to one country).
    land = np.flatnonzero(runs.label != sea)
    sequence = land[_starts(runs.label[land], runs.track[land])]
    sequence_labels = [labels[c] for c in runs.label[sequence].tolist()]
    track_sequence = np.searchsorted(runs.track[sequence], np.arange(n_tracks + 1))

    origin, destination = _crossing_runs(runs, sea)
    by_sea = (destination - origin) == 2
    coast_xy, landfall_xy = run_xy[origin + 1].tolist(), run_xy[destination].tolist()
    crossings = [
        Crossing(labels[a], labels[b], x, y, at, True, lx, ly, land_km)
        if over
        else Crossing(labels[a], labels[b], x, y, at)
        for a, b, (x, y), at, over, (lx, ly), land_km in zip(
            runs.label[origin].tolist(),
            runs.label[destination].tolist(),
            coast_xy,
            runs.end_km[origin].tolist(),
            by_sea.tolist(),
            landfall_xy,
            runs.start_km[destination].tolist(),
        )
    ]
    track_crossings = np.searchsorted(runs.track[origin], np.arange(n_tracks + 1))
    absorbed_track, records = absorbed
    track_absorbed = np.searchsorted(absorbed_track, np.arange(n_tracks + 1))

    bounds = zip(
        track_countries.tolist(),
        track_sequence.tolist(),
        track_crossings.tolist(),
        track_absorbed.tolist(),
    )
    results = []
    lengths = length_km.tolist()
    previous = next(bounds)
    for k, current in enumerate(bounds):
        (c0, s0, x0, a0), (c1, s1, x1, a1) = previous, current
        results.append(
            LineAnalysis(
                length_km=lengths[k],
                length_by_mode_km=by_mode.get(k, {}),
                length_by_country_km=dict(zip(country_keys[c0:c1], country_km[c0:c1])),
                countries=sequence_labels[s0:s1],
                crossings=crossings[x0:x1],
                tolerance_km=tolerance,
                absorbed=records[a0:a1],
            )
        )
        previous = current
    return results
