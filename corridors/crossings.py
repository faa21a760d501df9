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

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely

from .boundaries import Boundaries
from .errors import BadParameter
from .geodesy import edge_lengths_m, short_edge_lengths_m
from .tracks import Track
from .vocab import DEFAULT_MIN_EXCURSION_KM, KM_DECIMALS, SEA_MODES

SEA = "sea"
#: Kinds of ``Absorbed`` records.
SLIVER, GAP, LANDFALL = "sliver", "gap", "landfall"
#: Vertices per chunk of country outline in the spatial index.
_OUTLINE_CHUNK = 32
#: Consecutive edges of a line queried together: one STRtree query and no shapely geometry per edge.
_EDGE_CHUNK = 16
#: (edge, outline segment) pairs tested at once, to bound memory.
_PAIR_BATCH = 1 << 20
#: Outline segments per bounding box in the numpy test, so an edge meets few segments it cannot cross.
_SEGMENT_BLOCK = 8
#: Slack on the segment parameters, so a line touching an outline at a vertex is still cut there.
_T_EPS = 1e-12
_NO_COUNTRY = ""
#: Cells along the longer side of the grid that spares edges far from borders the segment test.
_GRID_CELLS = 512
#: Edges analysed at once from which building the grid (once per boundaries) pays off.
_GRID_MIN_EDGES = 20_000
#: A piece whose midpoint is this close to a polygon (about 0.1 mm) lies on its outline.
_ON_OUTLINE_DEG = 1e-9


@dataclass(frozen=True)
class Crossing:
    """A border crossing: where the line leaves one country for the next.

    For a sea passage, ``lon``/``lat``/``at_km`` are where it leaves the first coast and
    ``landfall_*`` where it reaches the next.
    """

    origin: str
    destination: str
    lon: float
    lat: float
    at_km: float
    by_sea: bool = False
    landfall_lon: float | None = None
    landfall_lat: float | None = None
    landfall_km: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """The crossing as JSON: degrees to 6 decimals, km to metres."""
        record: dict[str, Any] = {
            "from": self.origin,
            "to": self.destination,
            "lon": round(self.lon, 6),
            "lat": round(self.lat, 6),
            "at_km": round(self.at_km, 3),
            "by_sea": self.by_sea,
        }
        if self.by_sea:  # a sea passage always has its landfall
            record |= {
                "landfall_lon": round(float(self.landfall_lon or 0.0), 6),
                "landfall_lat": round(float(self.landfall_lat or 0.0), 6),
                "landfall_km": round(float(self.landfall_km or 0.0), 3),
            }
        return record


@dataclass(frozen=True)
class Absorbed:
    """Km the cleaning counted differently from what the borders alone say (see the module docstring).

    ``kind`` is ``sliver`` (a short run into ``country``), ``gap`` (outside every polygon:
    ``country`` is None) or ``landfall`` (a line end at sea, ``km`` from the coast of
    ``counted_as``; those km stay at sea). ``at_km`` is where it starts along the line.
    """

    kind: str
    country: str | None
    counted_as: str
    km: float
    at_km: float

    def to_dict(self) -> dict[str, Any]:
        """The record as JSON, km rounded to metres."""
        return {
            "kind": self.kind,
            "country": self.country,
            "counted_as": self.counted_as,
            "km": round(self.km, KM_DECIMALS),
            "at_km": round(self.at_km, KM_DECIMALS),
        }


@dataclass(frozen=True)
class LineAnalysis:
    """Lengths (km, on the ellipsoid) and crossings of one line."""

    length_km: float
    length_by_mode_km: dict[str, float]
    length_by_country_km: dict[str, float]
    countries: list[str]
    crossings: list[Crossing]
    tolerance_km: float
    absorbed: list[Absorbed]

    @property
    def absorbed_km(self) -> float:
        """Km counted in another country (or sea) than the borders alone say; landfalls move none."""
        return sum(a.km for a in self.absorbed if a.kind != LANDFALL)

    def to_dict(self) -> dict[str, Any]:
        """The analysis as JSON, km rounded to metres: the keys ``compare``, ``route`` and ``analyze`` print."""
        return {
            "length_km": round(self.length_km, KM_DECIMALS),
            "length_by_mode_km": _rounded(self.length_by_mode_km),
            "length_by_country_km": _rounded(self.length_by_country_km),
            "countries": self.countries,
            "border_crossings": [c.to_dict() for c in self.crossings],
            "crossings_count": len(self.crossings),
            "tolerance_km": self.tolerance_km,
            "absorbed": [a.to_dict() for a in self.absorbed],
        }


def _rounded(lengths: dict[str, float]) -> dict[str, float]:
    return {key: round(value, KM_DECIMALS) for key, value in lengths.items()}


def check_tolerance(min_excursion_km: float) -> None:
    """Refuse a tolerance that is not a finite number of km, zero or more: the one check of it.

    NaN would silently drop every comparison with it.

    Parameters
    ----------
    min_excursion_km
        The tolerance asked for.

    Raises
    ------
    BadParameter
        Naming ``min_excursion_km`` (the command line names ``--min-excursion-km``).
    """
    try:
        valid = math.isfinite(min_excursion_km) and min_excursion_km >= 0
    except TypeError:
        valid = False
    if not valid:
        message = f"{{parameter}} must be a finite number, zero or more, not {min_excursion_km!r}"
        raise BadParameter("min_excursion_km", message)


class _Outlines:
    """Country outlines cut into short chunks, each tagged with its country index, in an STRtree."""

    def __init__(self, boundaries: Boundaries) -> None:
        chunks: list[np.ndarray] = []
        owners: list[int] = []
        for country, outline in enumerate(boundaries.outlines):
            for ring in shapely.get_parts(outline):
                coords = shapely.get_coordinates(ring)
                for start in range(0, len(coords) - 1, _OUTLINE_CHUNK):
                    chunks.append(coords[start : start + _OUTLINE_CHUNK + 1])
                    owners.append(country)
        sizes = [len(chunk) for chunk in chunks]
        self.chunks = (  # chunks differ in length, so build them from flat coordinates and indices
            shapely.linestrings(np.concatenate(chunks), indices=np.repeat(np.arange(len(chunks)), sizes))
            if chunks else np.zeros(0, dtype=object)
        )
        self.owner = np.asarray(owners, dtype=int)
        self.tree = shapely.STRtree(self.chunks)
        # Flat segments, chunk c owning seg0[seg_start[c]:seg_start[c + 1]], for numpy intersection tests.
        self.seg_start = np.concatenate([[0], np.cumsum(np.asarray(sizes, dtype=int) - 1)])
        self.seg0 = np.concatenate([chunk[:-1] for chunk in chunks]) if chunks else np.zeros((0, 2))
        self.seg1 = np.concatenate([chunk[1:] for chunk in chunks]) if chunks else np.zeros((0, 2))
        self.box = shapely.bounds(self.chunks).reshape(-1, 4)
        # Blocks of _SEGMENT_BLOCK segments of one chunk, chunk c owning blocks block_start[c]:block_start[c + 1].
        per_chunk = -(-np.diff(self.seg_start) // _SEGMENT_BLOCK)
        self.block_start = np.concatenate([[0], np.cumsum(per_chunk)])
        block_chunk = np.repeat(np.arange(len(per_chunk)), per_chunk)
        rank = np.arange(len(block_chunk)) - self.block_start[block_chunk]
        self.block_seg = self.seg_start[block_chunk] + rank * _SEGMENT_BLOCK
        self.block_size = np.minimum(self.block_seg + _SEGMENT_BLOCK, self.seg_start[block_chunk + 1]) - self.block_seg
        lo, hi = np.minimum(self.seg0, self.seg1), np.maximum(self.seg0, self.seg1)
        self.block_box = (
            np.hstack([np.minimum.reduceat(lo, self.block_seg), np.maximum.reduceat(hi, self.block_seg)])
            if len(block_chunk) else np.zeros((0, 4))
        )


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
        Tolerance for generalised borders (see the module docstring); 0 keeps every sliver.
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


@dataclass
class _Edges:
    """The edges of many tracks, flat: edge i runs a[i] -> b[i] on track track[i] in mode mode[i];
    first[i] marks the first edge of a part.
    """

    a: np.ndarray
    b: np.ndarray
    track: np.ndarray
    mode: np.ndarray
    first: np.ndarray
    n_tracks: int

    @classmethod
    def from_tracks(cls, tracks: Sequence[Track]) -> _Edges:
        starts, ends, track_of, modes, part_first = [np.zeros((0, 2))], [np.zeros((0, 2))], [], [], []
        for index, track in enumerate(tracks):
            for part_no, coords in enumerate(track.parts):
                if len(coords) < 2:
                    continue
                starts.append(coords[:-1])
                ends.append(coords[1:])
                track_of.append(np.full(len(coords) - 1, index))
                part_first.append(np.arange(len(coords) - 1) == 0)
                part_modes = (
                    track.modes[part_no] if track.modes is not None else np.full(len(coords) - 1, None, dtype=object)
                )
                modes.append(np.asarray(part_modes, dtype=object))
        return cls(
            np.concatenate(starts),
            np.concatenate(ends),
            np.concatenate(track_of or [np.zeros(0, dtype=int)]),
            np.concatenate(modes or [np.zeros(0, dtype=object)]),
            np.concatenate(part_first or [np.zeros(0, dtype=bool)]),
            len(tracks),
        )

    @classmethod
    def from_geometries(cls, geometries: Sequence[Any] | np.ndarray) -> _Edges:
        """Edges of (Multi)LineStrings, by whole-array shapely calls; as ``from_tracks`` of their Tracks."""
        geometries = np.asarray(geometries, dtype=object)
        parts, part_track = shapely.get_parts(geometries, return_index=True)
        coords, vertex_part = shapely.get_coordinates(parts, return_index=True)
        edge = np.flatnonzero(vertex_part[1:] == vertex_part[:-1])  # edge i runs from vertex edge[i]
        if (np.abs(coords[edge + 1, 0] - coords[edge, 0]) > 180).any():  # rare: split by Track's rule
            return cls.from_tracks([Track.from_geometry(g) for g in geometries])
        part_start = np.searchsorted(vertex_part, np.arange(len(parts)))
        return cls(
            coords[edge],
            coords[edge + 1],
            part_track[vertex_part[edge]],
            np.full(len(edge), None, dtype=object),
            edge == part_start[vertex_part[edge]],
            len(geometries),
        )


def _split_and_label(edges: _Edges, boundaries: Boundaries) -> dict[str, np.ndarray]:
    """Cut every edge at the country outlines it meets and label each piece (vectorised)."""
    if not len(edges.a):
        return _empty_pieces(edges.n_tracks)
    a, b, edge_track, edge_mode, edge_first = edges.a, edges.b, edges.track, edges.mode, edges.first
    n_edges = len(a)

    # 1. Where each edge meets an outline, as a fraction t along the edge. With many edges, only
    #    those the grid cannot place wholly inside one country (or outside all) are tested.
    outlines = _outlines(boundaries)
    grid = _grid(boundaries) if n_edges >= _GRID_MIN_EDGES and len(boundaries.codes) else None
    if grid is None:
        cut_edge, cut_t = _cuts(a, b, edge_first, outlines)
    else:
        near = np.flatnonzero(grid.edge_cells(a, b) < 0)
        near_first = edge_first[near] | np.concatenate([[True], np.diff(near) != 1])
        cut_edge, cut_t = _cuts(a[near], b[near], near_first, outlines)
        cut_edge = near[cut_edge]

    # 2. Pieces: consecutive breakpoints (0, cuts..., 1) of each edge, in travel order.
    all_edge = np.concatenate([np.arange(n_edges), np.arange(n_edges), cut_edge])
    all_t = np.concatenate([np.zeros(n_edges), np.ones(n_edges), cut_t])
    order = np.lexsort((all_t, all_edge))
    all_edge, all_t = all_edge[order], all_t[order]
    cuts_so_far = np.cumsum(order >= 2 * n_edges)
    same_edge = all_edge[1:] == all_edge[:-1]
    t0, t1, piece_edge = all_t[:-1][same_edge], all_t[1:][same_edge], all_edge[:-1][same_edge]
    stretch = cuts_so_far[:-1][same_edge]
    keep = (t1 - t0) > 1e-12
    t0, t1, piece_edge, stretch = t0[keep], t1[keep], piece_edge[keep], stretch[keep]
    d = b[piece_edge] - a[piece_edge]
    p0 = a[piece_edge] + d * t0[:, None]
    p1 = a[piece_edge] + d * t1[:, None]

    # 3. Label each piece by the polygon holding its midpoint; sea legs outside polygons are sea.
    #    The label only changes where the line meets an outline, so only the first piece of each
    #    part and of each stretch between cuts is looked up; the pieces after it share its label.
    new_edge = np.concatenate([[True], piece_edge[1:] != piece_edge[:-1]])
    first = (new_edge & edge_first[piece_edge]) | np.concatenate([[True], stretch[1:] != stretch[:-1]])
    mid = (p0[first] + p1[first]) / 2.0
    owner = np.full(len(mid), -1)
    if grid is not None:
        owner = grid.point_cells(mid)
    unknown = np.flatnonzero(owner < 0)
    owner[unknown] = _owners(mid[unknown], boundaries)
    # A piece running along a land border has its midpoint on both outlines, inside neither
    # polygon: it belongs to the first of them, never to the sea.
    on_border = np.flatnonzero(owner == len(boundaries.codes))
    if len(on_border):
        point_idx, country_idx = boundaries.polygon_tree.query(
            shapely.points(mid[on_border]), predicate="dwithin", distance=_ON_OUTLINE_DEG
        )
        order = np.lexsort((country_idx, point_idx))
        point_idx, country_idx = point_idx[order], country_idx[order]
        firsts: np.ndarray | list[int] = (
            np.flatnonzero(np.concatenate([[True], point_idx[1:] != point_idx[:-1]])) if len(point_idx) else []
        )
        owner[on_border[point_idx[firsts]]] = country_idx[firsts]
    label = np.append(boundaries.codes.astype(object), _NO_COUNTRY)[owner][np.cumsum(first) - 1]
    piece_mode = edge_mode[piece_edge]
    at_sea = (label == _NO_COUNTRY) & np.isin(piece_mode, list(SEA_MODES))
    label[at_sea] = SEA

    piece_track = edge_track[piece_edge]
    length_km = short_edge_lengths_m(p0[:, 0], p0[:, 1], p1[:, 0], p1[:, 1]) / 1000.0
    track_start = np.searchsorted(piece_track, np.arange(edges.n_tracks + 1))
    return {
        "p0": p0,
        "p1": p1,
        "mode": piece_mode,
        "label": label,
        "length_km": length_km,
        "track_start": track_start,
    }


def _owners(xy: np.ndarray, boundaries: Boundaries) -> np.ndarray:
    """Index of the first polygon holding each point, or ``len(boundaries.codes)`` (a gap) for none."""
    owner = np.full(len(xy), len(boundaries.codes))
    point_idx, country_idx = boundaries.polygon_tree.query(shapely.points(xy))
    for country in np.unique(country_idx):  # ascending, so where polygons overlap the first one wins
        candidates = point_idx[country_idx == country]
        inside = shapely.contains_xy(boundaries.polygons[country], xy[candidates, 0], xy[candidates, 1])
        chosen = candidates[inside]
        owner[chosen[owner[chosen] == len(boundaries.codes)]] = country
    return owner


class _Grid:
    """A regular lon/lat grid over the boundaries: each cell either touched by an outline (-1) or
    wholly inside one polygon, or outside all, given as its :func:`_owners` index.

    An edge whose bounding box lies in cells of one owner meets no outline and has that owner, so
    only edges near borders need the segment test; a point in such a cell needs no polygon lookup.
    Cells are tested slightly enlarged, so rounding in a point's cell index cannot misplace it.
    """

    def __init__(self, boundaries: Boundaries, outlines: _Outlines) -> None:
        minx, miny, maxx, maxy = shapely.total_bounds(boundaries.polygons)
        self.size = max(maxx - minx, maxy - miny, 1e-9) / _GRID_CELLS
        self.origin = np.array([minx, miny])
        self.nx, self.ny = int((maxx - minx) // self.size) + 1, int((maxy - miny) // self.size) + 1
        iy, ix = np.divmod(np.arange(self.nx * self.ny), self.nx)
        x0, y0 = minx + ix * self.size, miny + iy * self.size
        pad = self.size * 1e-6
        boxes = shapely.box(x0 - pad, y0 - pad, x0 + self.size + pad, y0 + self.size + pad)
        touched = np.zeros(len(boxes), dtype=bool)
        touched[outlines.tree.query(boxes, predicate="intersects")[0]] = True
        self.owner = np.full(len(boxes), -1)
        free = np.flatnonzero(~touched)
        self.owner[free] = _owners(np.column_stack([x0[free], y0[free]]) + self.size / 2.0, boundaries)

    def _cell(self, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        ix, iy = np.floor((xy - self.origin) / self.size).astype(np.int64).T
        inside = (ix >= 0) & (ix < self.nx) & (iy >= 0) & (iy < self.ny)
        return ix, iy, inside

    def point_cells(self, xy: np.ndarray) -> np.ndarray:
        """The owner of each point's cell, or -1 where the grid cannot tell."""
        ix, iy, inside = self._cell(xy)
        return np.where(inside, self.owner[np.where(inside, iy * self.nx + ix, 0)], -1)

    def edge_cells(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """The one owner of the (at most 2 x 2) cells under each edge's bounding box, or -1."""
        lx, ly, lin = self._cell(np.minimum(a, b))
        hx, hy, hin = self._cell(np.maximum(a, b))
        ok = lin & hin & (hx - lx <= 1) & (hy - ly <= 1)
        lx, ly, hx, hy = (np.where(ok, v, 0) for v in (lx, ly, hx, hy))
        corners = [self.owner[y * self.nx + x] for x, y in ((lx, ly), (hx, ly), (lx, hy), (hx, hy))]
        same = ok & (corners[0] == corners[1]) & (corners[0] == corners[2]) & (corners[0] == corners[3])
        return np.where(same, corners[0], -1)


def _cuts(a: np.ndarray, b: np.ndarray, edge_first: np.ndarray, outlines: _Outlines) -> tuple[np.ndarray, np.ndarray]:
    """Every (edge, t) where edge a->b meets an outline segment; both ends of a collinear overlap.

    Runs of _EDGE_CHUNK consecutive edges are queried as one linestring (by bounding box: cheaper than
    GEOS predicates), so GEOS builds and indexes ~16x fewer geometries; the edges whose boxes meet an
    outline block's are then cut by a numpy segment test.
    """
    n_edges = len(a)
    empty = np.zeros(0, dtype=int), np.zeros(0)
    if n_edges == 0 or len(outlines.owner) == 0:
        return empty
    position = np.arange(n_edges) - np.maximum.accumulate(np.where(edge_first, np.arange(n_edges), 0))
    chunk_of = np.cumsum(edge_first | (position % _EDGE_CHUNK == 0)) - 1
    n_chunks = int(chunk_of[-1]) + 1
    # Chunk c's vertices: the start of each of its edges, then the end of its last edge.
    last = np.flatnonzero(np.concatenate([chunk_of[1:] != chunk_of[:-1], [True]]))
    coords = np.empty((n_edges + n_chunks, 2))
    coords[np.arange(n_edges) + chunk_of] = a
    coords[last + np.arange(n_chunks) + 1] = b[last]
    chunks = shapely.linestrings(coords, indices=np.repeat(np.arange(n_chunks), np.bincount(chunk_of) + 1))
    hit_chunk, hit_outline = outlines.tree.query(chunks)
    if len(hit_chunk) == 0:
        return empty

    # (edge, outline chunk) pairs for the edges of hit chunks whose boxes overlap the outline chunk's.
    first_edge = np.concatenate([[0], last[:-1] + 1])
    sizes = last[hit_chunk] - first_edge[hit_chunk] + 1
    pair_outline = np.repeat(hit_outline, sizes)
    pair_edge = _ranges(first_edge[hit_chunk], sizes)
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    near = _overlap(lo[pair_edge], hi[pair_edge], outlines.box[pair_outline])
    pair_edge, pair_outline = pair_edge[near], pair_outline[near]
    # ... then (edge, segment block) pairs, likewise.
    blocks = np.diff(outlines.block_start)[pair_outline]
    pair_edge, pair_block = np.repeat(pair_edge, blocks), _ranges(outlines.block_start[pair_outline], blocks)
    near = _overlap(lo[pair_edge], hi[pair_edge], outlines.block_box[pair_block])
    pair_edge, pair_block = pair_edge[near], pair_block[near]

    # Expand each pair to the block's segments, in batches of about _PAIR_BATCH segment pairs.
    seg_count = outlines.block_size[pair_block]
    batch_end = np.cumsum(seg_count)
    edges_out, ts_out = [empty[0]], [empty[1]]
    start = 0
    while start < len(pair_edge):
        stop = max(int(np.searchsorted(batch_end, batch_end[start] - seg_count[start] + _PAIR_BATCH)), start + 1)
        counts = seg_count[start:stop]
        edge = np.repeat(pair_edge[start:stop], counts)
        seg = _ranges(outlines.block_seg[pair_block[start:stop]], counts)
        edge, t = _segment_cuts(a[edge], b[edge], outlines.seg0[seg], outlines.seg1[seg], edge)
        edges_out.append(edge)
        ts_out.append(t)
        start = stop
    return np.concatenate(edges_out), np.concatenate(ts_out)


def _ranges(start: np.ndarray, count: np.ndarray) -> np.ndarray:
    """start[i], start[i] + 1, ..., start[i] + count[i] - 1 for every i, concatenated without a loop."""
    return np.repeat(start - np.cumsum(count) + count, count) + np.arange(count.sum())


def _overlap(lo: np.ndarray, hi: np.ndarray, box: np.ndarray) -> np.ndarray:
    """Whether each (lo, hi) corner pair's box overlaps the (minx, miny, maxx, maxy) box."""
    return (lo[:, 0] <= box[:, 2]) & (hi[:, 0] >= box[:, 0]) & (lo[:, 1] <= box[:, 3]) & (hi[:, 1] >= box[:, 1])


def _segment_cuts(
    a: np.ndarray, b: np.ndarray, q0: np.ndarray, q1: np.ndarray, edge: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Parameters t along a->b where it meets q0->q1, with the edge index of each."""
    r, s, qa = b - a, q1 - q0, q0 - a
    denom = r[:, 0] * s[:, 1] - r[:, 1] * s[:, 0]
    qa_s = qa[:, 0] * s[:, 1] - qa[:, 1] * s[:, 0]
    qa_r = qa[:, 0] * r[:, 1] - qa[:, 1] * r[:, 0]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # near-parallel: inf, out of range
        t, u = qa_s / denom, qa_r / denom
    crossing = (denom != 0) & (t >= -_T_EPS) & (t <= 1 + _T_EPS) & (u >= -_T_EPS) & (u <= 1 + _T_EPS)
    # Collinear segments meet along their overlap, if any: cut at both of its ends.
    rr = np.maximum((r**2).sum(axis=1), 1e-30)
    collinear = np.flatnonzero((denom == 0) & (qa_r == 0))
    s0 = (qa[collinear] * r[collinear]).sum(axis=1) / rr[collinear]
    s1 = s0 + (s[collinear] * r[collinear]).sum(axis=1) / rr[collinear]
    lo, hi = np.maximum(np.minimum(s0, s1), 0.0), np.minimum(np.maximum(s0, s1), 1.0)
    overlap = lo <= hi
    return (
        np.concatenate([edge[crossing], edge[collinear][overlap], edge[collinear][overlap]]),
        np.clip(np.concatenate([t[crossing], lo[overlap], hi[overlap]]), 0.0, 1.0),
    )


def _empty_pieces(n_tracks: int) -> dict[str, np.ndarray]:
    empty = np.zeros((0, 2))
    return {
        "p0": empty,
        "p1": empty,
        "mode": np.zeros(0, dtype=object),
        "label": np.zeros(0, dtype=object),
        "length_km": np.zeros(0),
        "track_start": np.zeros(n_tracks + 1, dtype=int),
    }


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


def _outlines(boundaries: Boundaries) -> _Outlines:
    """The chunked outlines of these boundaries, built once per Boundaries object."""
    return boundaries.derived(_Outlines)


def prepare(boundaries: Boundaries, edges: int) -> None:
    """Build the indexes an analysis of about ``edges`` edges uses, so threads then share them."""
    boundaries.polygon_tree  # noqa: B018 - built, and its polygons prepared
    _outlines(boundaries)
    if edges >= _GRID_MIN_EDGES and len(boundaries.codes):
        _grid(boundaries)


def _grid(boundaries: Boundaries) -> _Grid:
    """The grid of these boundaries, built once per Boundaries object."""
    return boundaries.derived(_grid_of)


def _grid_of(boundaries: Boundaries) -> _Grid:
    return _Grid(boundaries, _outlines(boundaries))
