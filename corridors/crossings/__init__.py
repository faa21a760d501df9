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
    _line_analysis,
    _offshore_landfalls,
    _point_at,
    _run_start,
    _Runs,
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

