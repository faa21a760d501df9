"""Which countries a line passes, where it crosses their borders, and how far it runs in each.

The method is exact and vectorised over many lines at once:

1. every edge of every line is split where it meets a country outline (outlines are cut into short
   chunks in an STRtree, so an edge is only tested against the few chunks near it);
2. each piece is labelled by the polygon containing its midpoint, or ``sea`` on a sea or ferry leg;
3. consecutive pieces with one label form *runs*, measured on the WGS84 ellipsoid.

The runs are then cleaned, and every change is reported in the result's ``absorbed`` list, so
nothing disappears silently:

* a gap outside every polygon on a rail or road leg (a lagoon, a border reservoir, a waterfront left
  out of the land polygons) takes, piece by piece, the nearest country: a train is not at sea. On a
  line without modes, only a gap shorter than ``min_excursion_km`` does; a longer one is water;
* a run into a country shorter than ``min_excursion_km`` between two other runs (a river-border
  town drawn on the wrong bank) is given to its neighbours;
* a line that starts or ends at sea within ``min_excursion_km`` of a coast makes landfall there.

A line's first and last runs are never given away: a line that ends inside a country reaches that
country. Sea runs are never dropped either: a short ferry is still a ferry.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import shapely

from ..boundaries import Boundaries
from ..tracks import Track
from ..vocab import DEFAULT_MIN_EXCURSION_KM
from .index import _NO_COUNTRY, _Edges, _outlines, _split_and_label, prepare
from .results import GAP, LANDFALL, SEA, SLIVER, Absorbed, Crossing, LineAnalysis, check_tolerance
from .runs import (
    _absorbed,
    _by_mode,
    _drop_excursions,
    _offshore_landfalls,
    _Pieces,
    _results,
    _run_starts,
    _Runs,
    _RunTable,
    _with_landfalls,
)

__all__ = [
    "GAP",
    "LANDFALL",
    "SEA",
    "SLIVER",
    "Absorbed",
    "Crossing",
    "LineAnalysis",
    "Track",
    "analyze_line_geometries",
    "analyze_tracks",
    "check_tolerance",
    "prepare",
]


def analyze_tracks(
    tracks: Sequence[Track], boundaries: Boundaries, min_excursion_km: float = DEFAULT_MIN_EXCURSION_KM
) -> list[LineAnalysis]:
    """Lengths per mode and country, country sequence and crossings of each track.

    Parameters
    ----------
    tracks
        Lines in lon/lat (see :meth:`Track.from_geometry`).
    boundaries
        Country polygons; clip them to the area in use first for speed.
    min_excursion_km
        Tolerance for generalised borders (see the package docstring); 0 keeps every sliver.

    Returns
    -------
    list of LineAnalysis
        One per track, in their order.

    Raises
    ------
    BadParameter
        For a tolerance that is not a finite number of km, zero or more (:func:`check_tolerance`).
    """
    check_tolerance(min_excursion_km)
    return _analyze(_Edges.from_tracks(tracks), boundaries, min_excursion_km)


def analyze_line_geometries(
    geometries: Sequence[Any] | np.ndarray,
    boundaries: Boundaries,
    min_excursion_km: float = DEFAULT_MIN_EXCURSION_KM,
) -> list[LineAnalysis]:
    """:func:`analyze_tracks` of valid (Multi)LineStrings in lon/lat, without a Track per line.

    The same analysis as ``analyze_tracks([Track.from_geometry(g) for g in geometries], ...)``; the
    edges are taken from all the lines at once, which matters with many short lines.

    Parameters
    ----------
    geometries
        LineStrings and MultiLineStrings in lon/lat.
    boundaries
        Country polygons; clip them to the area in use first for speed.
    min_excursion_km
        Tolerance for generalised borders (see the package docstring); 0 keeps every sliver.

    Returns
    -------
    list of LineAnalysis
        One per geometry, in their order.

    Raises
    ------
    BadParameter
        For a tolerance that is not a finite number of km, zero or more (:func:`check_tolerance`).
    """
    check_tolerance(min_excursion_km)
    return _analyze(_Edges.from_geometries(geometries), boundaries, min_excursion_km)


def _analyze(edges: _Edges, boundaries: Boundaries, min_excursion_km: float) -> list[LineAnalysis]:
    if not edges.n_tracks:
        return []
    pieces = _split_and_label(edges, boundaries)
    track_start, lengths, labels = pieces["track_start"], pieces["length_km"], pieces["label"]
    p0, p1, modes = pieces["p0"], pieces["p1"], pieces["mode"]
    n_tracks = edges.n_tracks
    # Cumulative km along each track; track k's piece boundary j (a global piece index) is at cum[j + k].
    cum = _cumulative_by_track(lengths, track_start)
    piece_track = np.repeat(np.arange(n_tracks), np.diff(track_start))

    # Gaps on rail and road legs, and short gaps, take piece by piece the nearest country; others are water.
    runs = raw = _Runs(labels, piece_track, cum)  # raw: what the borders alone say, for ``absorbed``
    gap = runs.label == _NO_COUNTRY
    fillable = (runs.end_km - runs.start_km < min_excursion_km) | np.asarray(modes[runs.first] != None)  # noqa: E711
    if len(boundaries.codes):  # with no country near, a gap is water
        fill = runs.pieces(gap & fillable)
        if len(fill):
            # Outside every polygon, the nearest polygon is the owner of the nearest outline chunk.
            outlines = _outlines(boundaries)
            mid = (p0[fill] + p1[fill]) / 2.0
            nearest = outlines.tree.query_nearest(shapely.points(mid), all_matches=False)[1]
            labels[fill] = boundaries.codes[outlines.owner[nearest]]
        labels[runs.pieces(gap & ~fillable)] = SEA
    else:
        labels[runs.pieces(gap)] = SEA
    if gap.any():
        runs = _Runs(labels, piece_track, cum)

    # A line starting or ending at sea makes landfall on a coast within the tolerance (sea runs are
    # never dropped, so it still starts or ends at sea after cleaning).
    at_sea = runs.label == SEA
    track_runs = np.searchsorted(runs.track, np.arange(n_tracks + 1))
    with_runs = np.flatnonzero(np.diff(track_runs) > 0)
    ends_of_tracks = ((track_runs[:-1], p0, track_start[:-1]), (track_runs[1:] - 1, p1, track_start[1:] - 1))
    landfalls = []
    for run, xy, piece in ends_of_tracks:
        sea_end = with_runs[at_sea[run[with_runs]]]
        made, country, offshore_km = _offshore_landfalls(xy[piece[sea_end]], boundaries, min_excursion_km)
        landfalls.append((sea_end[made], country, offshore_km))

    # Where each run starts: the start of its first piece, unless zero-length pieces follow it.
    along = _Pieces(track_start, cum, lengths, p0, p1)
    start_xy = p0[runs.first]
    zero = np.flatnonzero(cum[runs.first + runs.track + 1] == runs.start_km)
    start_xy[zero] = along.points_at(runs.track[zero], runs.start_km[zero])

    vocab = np.array(sorted({str(c) for c in boundaries.codes} | {SEA, _NO_COUNTRY}), dtype=object)
    raw_table, table = (
        _RunTable(r.track, np.searchsorted(vocab, r.label), r.start_km, r.end_km) for r in (raw, runs)
    )
    sea = int(np.searchsorted(vocab, SEA))
    final = _drop_excursions(table, sea, min_excursion_km)
    final, landfall_records = _with_landfalls(final, landfalls, vocab)
    absorbed = _absorbed(raw_table, final, vocab, landfall_records)
    run_xy = _run_starts(final, table, start_xy, along)

    moded = np.flatnonzero(np.bincount(piece_track[np.asarray(modes != None)], minlength=n_tracks))  # noqa: E711
    by_mode = {
        k: _by_mode(lengths[lo:hi], modes[lo:hi])
        for k, lo, hi in zip(moded.tolist(), track_start[moded].tolist(), track_start[moded + 1].tolist())
    }
    length_km = cum[track_start[1:] + np.arange(n_tracks)]
    return _results(final, vocab, n_tracks, length_km, by_mode, run_xy, absorbed, min_excursion_km)


def _cumulative_by_track(lengths: np.ndarray, track_start: np.ndarray) -> np.ndarray:
    """Each track's cumulative km from 0, its pieces summed in order, all tracks end to end.

    Summed per track, so a track's km do not depend on the lines analysed with it (a chunk or a dask
    partition): tracks of similar piece counts are padded with zeros to one row each and summed along
    the rows, which adds in the same order as a cumulative sum of each track alone.
    """
    counts = np.diff(track_start)
    cum = np.zeros(len(lengths) + len(counts))
    by_count = np.argsort(counts, kind="stable")
    sorted_counts = counts[by_count]
    lo = int(np.searchsorted(sorted_counts, 1))  # tracks without pieces keep their single 0
    while lo < len(by_count):
        widest = int(sorted_counts[lo]) * 5 // 4 + 8
        hi = int(np.searchsorted(sorted_counts, widest, side="right"))
        tracks, width = by_count[lo:hi], int(sorted_counts[hi - 1])
        column = np.arange(width)
        inside = column < counts[tracks][:, None]
        piece = track_start[tracks][:, None] + column
        rows = np.cumsum(np.where(inside, lengths[np.where(inside, piece, 0)], 0.0), axis=1)
        cum[(piece + tracks[:, None] + 1)[inside]] = rows[inside]
        lo = hi
    return cum
