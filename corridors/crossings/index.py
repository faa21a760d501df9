"""Cutting many lines at once at the country outlines: the edges, the chunked outlines, the grid, the labels."""


from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import shapely

from .. import cache
from ..boundaries import Boundaries
from ..geodesy import short_edge_lengths_m
from ..tracks import Track
from ..vocab import SEA_MODES
from .results import SEA

#: Vertices per chunk of country outline in the spatial index.
_OUTLINE_CHUNK = 32
#: Consecutive edges of a line queried together: one STRtree query and no shapely geometry per edge.
_EDGE_CHUNK = 16
#: Pairs (edge chunk and outline chunk, edge and segment block, edge and segment) built at once, to bound memory.
_PAIR_BATCH = 1 << 20
#: Outline segments per bounding box in the numpy test, so an edge meets few segments it cannot cross.
_SEGMENT_BLOCK = 8
#: Slack on the segment parameters, so a line touching an outline at a vertex is still cut there.
_T_EPS = 1e-12
_NO_COUNTRY = ""
#: Points as (x, y) columns: 1-d arrays, or the rows of a transposed n x 2 array.
_Columns = tuple[np.ndarray, np.ndarray] | np.ndarray
#: Cells along the longer side of the grid that spares edges far from borders the segment test.
_GRID_CELLS = 512
#: Grid cells under an edge's bounding box beyond which its outline segments are found by the STRtree.
_MAX_EDGE_CELLS = 64
#: Edges analysed at once from which building the grid (once per boundaries) pays off.
_GRID_MIN_EDGES = 20_000
#: Distance from an edge's line (about 0.1 mm) within which an outline block's box is still tested.
_LINE_SLACK_DEG = 1e-9
#: A piece whose midpoint is this close to a polygon (about 0.1 mm) lies on its outline.
_ON_OUTLINE_DEG = 1e-9

_Index = TypeVar("_Index")


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
        self.owner = np.asarray(owners, dtype=int)
        # Flat segments, chunk c owning seg0[seg_start[c]:seg_start[c + 1]], for numpy intersection tests.
        self.seg_start = np.concatenate([[0], np.cumsum(np.asarray(sizes, dtype=int) - 1)])
        self.seg0 = np.concatenate([chunk[:-1] for chunk in chunks]) if chunks else np.zeros((0, 2))
        self.seg1 = np.concatenate([chunk[1:] for chunk in chunks]) if chunks else np.zeros((0, 2))
        self._index_chunks()
        self.box = shapely.bounds(self.chunks).reshape(-1, 4)
        # Blocks of _SEGMENT_BLOCK segments of one chunk, chunk c owning blocks block_start[c]:block_start[c + 1].
        per_chunk = -(-np.diff(self.seg_start) // _SEGMENT_BLOCK)
        self.block_start = np.concatenate([[0], np.cumsum(per_chunk)])
        block_chunk = np.repeat(np.arange(len(per_chunk)), per_chunk)
        rank = np.arange(len(block_chunk)) - self.block_start[block_chunk]
        self.block_seg = self.seg_start[block_chunk] + rank * _SEGMENT_BLOCK
        self.block_size = np.minimum(self.block_seg + _SEGMENT_BLOCK, self.seg_start[block_chunk + 1]) - self.block_seg
        self.seg_block = np.repeat(np.arange(len(block_chunk)), self.block_size)
        lo, hi = np.minimum(self.seg0, self.seg1), np.maximum(self.seg0, self.seg1)
        self.block_box = (
            np.hstack([np.minimum.reduceat(lo, self.block_seg), np.maximum.reduceat(hi, self.block_seg)])
            if len(block_chunk) else np.zeros((0, 4))
        )


    def _index_chunks(self) -> None:
        """The chunks as linestrings, from the flat segments, and their STRtree."""
        n_chunks = len(self.seg_start) - 1
        n_segments = np.diff(self.seg_start)
        coords = np.empty((len(self.seg0) + n_chunks, 2))  # chunk c: its segments' starts, then its last end
        chunk_of = np.repeat(np.arange(n_chunks), n_segments)
        coords[np.arange(len(self.seg0)) + chunk_of] = self.seg0
        coords[self.seg_start[1:] + np.arange(n_chunks)] = self.seg1[self.seg_start[1:] - 1]
        self.chunks = (  # chunks differ in length, so build them from flat coordinates and indices
            shapely.linestrings(coords, indices=np.repeat(np.arange(n_chunks), n_segments + 1))
            if n_chunks else np.zeros(0, dtype=object)
        )
        self.tree = shapely.STRtree(self.chunks)

    def __getstate__(self) -> dict[str, Any]:
        """Arrays only (for the disk cache): rebuilding the chunks is faster than unpickling geometries."""
        return {name: value for name, value in self.__dict__.items() if name not in ("chunks", "tree")}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._index_chunks()


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
        a, b = coords[edge], coords[edge + 1]
        if (np.abs(b[:, 0] - a[:, 0]) > 180).any():  # rare: split by Track's rule
            return cls.from_tracks([Track.from_geometry(g) for g in geometries])
        edge_part = vertex_part[edge]
        part_start = np.searchsorted(vertex_part, np.arange(len(parts)))
        no_modes = np.full(len(edge), None, dtype=object)
        return cls(a, b, part_track[edge_part], no_modes, edge == part_start[edge_part], len(geometries))


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
        cut_edge, cut_t = _cell_cuts(a[near], b[near], grid, outlines)
        cut_edge = near[cut_edge]

    # 2. Pieces: consecutive breakpoints (0, cuts..., 1) of each edge, in travel order. Only the
    #    cuts are sorted; each edge's slots are laid out 0, its cuts, 1.
    order = np.lexsort((cut_t, cut_edge))
    cut_edge, cut_t = cut_edge[order], cut_t[order]
    cut_count = np.bincount(cut_edge, minlength=n_edges)
    slots = cut_count + 2
    slot_end = np.cumsum(slots)
    all_t = np.zeros(int(slot_end[-1]))
    all_t[slot_end - 1] = 1.0
    cut_slot = (slot_end - slots + 1 - (np.cumsum(cut_count) - cut_count))[cut_edge] + np.arange(len(cut_edge))
    all_t[cut_slot] = cut_t
    is_cut = np.zeros(len(all_t), dtype=bool)
    is_cut[cut_slot] = True
    cuts_so_far = np.cumsum(is_cut)
    all_edge = np.repeat(np.arange(n_edges), slots)
    same_edge = all_edge[1:] == all_edge[:-1]
    t0, t1, piece_edge = all_t[:-1][same_edge], all_t[1:][same_edge], all_edge[:-1][same_edge]
    stretch = cuts_so_far[:-1][same_edge]
    keep = (t1 - t0) > 1e-12
    t0, t1, piece_edge, stretch = t0[keep], t1[keep], piece_edge[keep], stretch[keep]
    start = a[piece_edge]
    d = b[piece_edge] - start
    p0 = start + d * t0[:, None]
    p1 = start + d * t1[:, None]

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
    # polygon: it belongs to the first of them, never to the sea. Only midpoints the grid could
    # not place can lie on an outline; the short outline chunks are far cheaper to measure
    # against than whole polygons.
    on_border = unknown[owner[unknown] == len(boundaries.codes)]
    if len(on_border):
        point_idx, chunk_idx = outlines.tree.query(
            shapely.points(mid[on_border]), predicate="dwithin", distance=_ON_OUTLINE_DEG
        )
        country_idx = outlines.owner[chunk_idx]
        order = np.lexsort((country_idx, point_idx))
        point_idx, country_idx = point_idx[order], country_idx[order]
        firsts: np.ndarray | list[int] = (
            np.flatnonzero(np.concatenate([[True], point_idx[1:] != point_idx[:-1]])) if len(point_idx) else []
        )
        owner[on_border[point_idx[firsts]]] = country_idx[firsts]
    piece_owner = owner[np.cumsum(first) - 1]
    label = np.append(boundaries.codes.astype(object), _NO_COUNTRY)[piece_owner]
    piece_mode = edge_mode[piece_edge]
    outside = np.flatnonzero(piece_owner == len(boundaries.codes))
    label[outside[np.isin(piece_mode[outside], list(SEA_MODES))]] = SEA

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
    """Index of the first polygon holding each point, or ``len(boundaries.codes)`` (a gap) for none.

    Each polygon (one per country) is tried, in order, on the points in its bounding box not yet
    placed (found by a binary search on the points sorted by x), so where polygons overlap the first
    one wins.
    """
    gap = len(boundaries.codes)
    owner = np.full(len(xy), gap)
    boundaries.polygon_tree  # noqa: B018 - built once, and the polygons prepared for contains_xy
    by_x = np.argsort(xy[:, 0], kind="stable")
    x, y = xy[by_x, 0], xy[by_x, 1]
    for country, (minx, miny, maxx, maxy) in enumerate(shapely.bounds(boundaries.polygons).tolist()):
        lo, hi = int(np.searchsorted(x, minx, side="left")), int(np.searchsorted(x, maxx, side="right"))
        in_box = lo + np.flatnonzero((y[lo:hi] >= miny) & (y[lo:hi] <= maxy))
        candidates = by_x[in_box[owner[by_x[in_box]] == gap]]
        if len(candidates):
            inside = shapely.contains_xy(boundaries.polygons[country], xy[candidates, 0], xy[candidates, 1])
            owner[candidates[inside]] = country
    return owner


class _Grid:
    """A regular lon/lat grid over the boundaries: each cell either touched by an outline (-1) or
    wholly inside one polygon, or outside all, given as its :func:`_owners` index.

    An edge whose bounding box lies in cells of one owner meets no outline and has that owner, so
    only edges near borders need the segment test, and only against the outline segments of the
    cells under them; a point in such a cell needs no polygon lookup. Cells are tested slightly
    enlarged, so rounding in a point's cell index cannot misplace it.
    """

    def __init__(self, boundaries: Boundaries, outlines: _Outlines) -> None:
        minx, miny, maxx, maxy = shapely.total_bounds(boundaries.polygons)
        self.size = max(maxx - minx, maxy - miny, 1e-9) / _GRID_CELLS
        self.origin = np.array([minx, miny])
        self.nx, self.ny = int((maxx - minx) // self.size) + 1, int((maxy - miny) // self.size) + 1
        iy, ix = np.divmod(np.arange(self.nx * self.ny), self.nx)
        x0, y0 = minx + ix * self.size, miny + iy * self.size
        cell, segment = self._touched(outlines.seg0, outlines.seg1)
        touched = np.zeros(self.nx * self.ny, dtype=bool)
        touched[cell] = True
        # The outline segments under each cell, in groups of one segment block each: cell c holds the
        # groups cell_group[c]:cell_group[c + 1], group g the entries group_start[g]:group_start[g + 1].
        n_segments = max(len(outlines.seg0), 1)
        pairs = np.unique(cell * n_segments + segment)
        entry_cell, entry_seg = np.divmod(pairs, n_segments)
        entry_block = outlines.seg_block[entry_seg]
        changes = (entry_cell[1:] != entry_cell[:-1]) | (entry_block[1:] != entry_block[:-1])
        new_group = np.concatenate([[True], changes])
        self.group_start = np.append(np.flatnonzero(new_group), len(pairs))
        self.cell_group = np.searchsorted(entry_cell[new_group], np.arange(self.nx * self.ny + 1))
        self.group_box = tuple(outlines.block_box[entry_block[new_group], k].copy() for k in range(4))
        # Each entry's segment, as contiguous columns for the segment test.
        self.entry_q0 = (outlines.seg0[entry_seg, 0].copy(), outlines.seg0[entry_seg, 1].copy())
        self.entry_s = (outlines.seg1[entry_seg, 0] - self.entry_q0[0], outlines.seg1[entry_seg, 1] - self.entry_q0[1])
        self.owner = np.full(self.nx * self.ny, -1)
        # No outline crosses a row's run of free cells, so they all have the owner of the run's first.
        free = np.flatnonzero(~touched)
        run_first = np.concatenate([[True], np.diff(free) != 1]) | (free % self.nx == 0)
        first = free[run_first]
        run_owner = _owners(np.column_stack([x0[first], y0[first]]) + self.size / 2.0, boundaries)
        self.owner[free] = run_owner[np.cumsum(run_first) - 1]

    def _touched(self, seg0: np.ndarray, seg1: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every (cell, segment) whose enlarged box meets the segment's, or a little more: no geometry is built.

        Segments are cut into parts no longer than a cell along either axis, so each part's box, and
        the cells it meets, span at most two cells each way.
        """
        parts = (np.ceil(np.abs(seg1 - seg0).max(axis=1, initial=0.0) / self.size).astype(np.int64)).clip(1)
        segment = np.repeat(np.arange(len(seg0)), parts)
        step = np.arange(len(segment)) - np.repeat(np.cumsum(parts) - parts, parts)
        delta = (seg1 - seg0)[segment] / parts[segment][:, None]
        a = seg0[segment] + delta * step[:, None]
        b = np.where((step + 1 == parts[segment])[:, None], seg1[segment], a + delta)
        pad = self.size * 1e-5  # wider than the 1e-6 of a cell the grid promises, so rounding is covered
        low = np.floor((np.minimum(a, b) - pad - self.origin) / self.size).astype(np.int64)
        high = np.floor((np.maximum(a, b) + pad - self.origin) / self.size).astype(np.int64)
        limit = np.array([self.nx - 1, self.ny - 1])
        low, high = low.clip(0, limit), high.clip(0, limit)
        cells = np.concatenate([y[:, 1] * self.nx + x[:, 0] for x in (low, high) for y in (low, high)])
        return cells, np.tile(segment, 4)

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

    For a few edges (many go by :func:`_cell_cuts`, with the grid). Runs of _EDGE_CHUNK consecutive
    edges are queried as one linestring (by bounding box: cheaper than GEOS predicates), so GEOS
    builds and indexes ~16x fewer geometries; the edges whose boxes meet an outline block's are then
    cut by a numpy segment test. Every stage goes in batches of about _PAIR_BATCH pairs, so memory
    stays bounded even for long edges whose boxes meet thousands of outline chunks.
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
    first_edge = np.concatenate([[0], last[:-1] + 1])
    edges_per_chunk = last - first_edge + 1
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    blocks_per_outline = np.diff(outlines.block_start)
    edges_out, ts_out = [empty[0]], [empty[1]]
    # A chunk's box meets at most every outline chunk, so a query of this many chunks returns at
    # most about _PAIR_BATCH pairs, however long the edges.
    per_query = max(1, _PAIR_BATCH // len(outlines.owner))
    for query_start in range(0, n_chunks, per_query):
        hit_chunk, hit_outline = outlines.tree.query(chunks[query_start : query_start + per_query])
        hit_chunk += query_start
        # (edge, segment block) pairs these hits expand to, at most: expand them in batches.
        expansion = np.cumsum(edges_per_chunk[hit_chunk] * blocks_per_outline[hit_outline])
        start = 0
        while start < len(hit_chunk):
            stop = max(int(np.searchsorted(expansion, expansion[start] + _PAIR_BATCH, side="right")), start + 1)
            pair_edge, pair_block = _block_pairs(
                hit_chunk[start:stop], hit_outline[start:stop], first_edge, edges_per_chunk, (a, b, lo, hi), outlines
            )
            edge, t = _block_cuts(pair_edge, pair_block, a, b, outlines)
            edges_out.append(edge)
            ts_out.append(t)
            start = stop
    return np.concatenate(edges_out), np.concatenate(ts_out)


def _block_pairs(
    hit_chunk: np.ndarray,
    hit_outline: np.ndarray,
    first_edge: np.ndarray,
    edges_per_chunk: np.ndarray,
    ends_and_box: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    outlines: _Outlines,
) -> tuple[np.ndarray, np.ndarray]:
    """The (edge, segment block) pairs of (edge chunk, outline chunk) hits where the edge may meet the block.

    ``ends_and_box`` is each edge's start a, end b and box corners lo, hi.
    """
    a, b, lo, hi = ends_and_box
    # (edge, outline chunk) pairs for the edges of hit chunks whose boxes overlap the outline chunk's ...
    sizes = edges_per_chunk[hit_chunk]
    pair_outline = np.repeat(hit_outline, sizes)
    pair_edge = _ranges(first_edge[hit_chunk], sizes)
    near = _overlap(lo[pair_edge], hi[pair_edge], outlines.box[pair_outline])
    pair_edge, pair_outline = pair_edge[near], pair_outline[near]
    # ... then (edge, segment block) pairs, likewise.
    blocks = np.diff(outlines.block_start)[pair_outline]
    pair_edge, pair_block = np.repeat(pair_edge, blocks), _ranges(outlines.block_start[pair_outline], blocks)
    near = _overlap(lo[pair_edge], hi[pair_edge], outlines.block_box[pair_block])
    pair_edge, pair_block = pair_edge[near], pair_block[near]
    # A long diagonal edge's box holds many blocks its line passes far from: keep the blocks whose
    # box has corners on both sides of the line, or within _LINE_SLACK_DEG of it.
    start, r = a[pair_edge], b[pair_edge] - a[pair_edge]
    box = outlines.block_box[pair_block]
    slack = _LINE_SLACK_DEG * np.hypot(r[:, 0], r[:, 1])
    corners = ((0, 1), (0, 3), (2, 1), (2, 3))
    side = [r[:, 0] * (box[:, y] - start[:, 1]) - r[:, 1] * (box[:, x] - start[:, 0]) for x, y in corners]
    above, below = np.minimum.reduce(side) > slack, np.maximum.reduce(side) < -slack
    near = ~(above | below)
    return pair_edge[near], pair_block[near]


def _block_cuts(
    pair_edge: np.ndarray, pair_block: np.ndarray, a: np.ndarray, b: np.ndarray, outlines: _Outlines
) -> tuple[np.ndarray, np.ndarray]:
    """Cuts of each edge by its paired block's segments, in batches of about _PAIR_BATCH segment pairs."""
    seg_count = outlines.block_size[pair_block]
    batch_end = np.cumsum(seg_count)
    edges_out, ts_out = [np.zeros(0, dtype=int)], [np.zeros(0)]
    start = 0
    while start < len(pair_edge):
        stop = max(int(np.searchsorted(batch_end, batch_end[start] - seg_count[start] + _PAIR_BATCH)), start + 1)
        counts = seg_count[start:stop]
        edge = np.repeat(pair_edge[start:stop], counts)
        seg = _ranges(outlines.block_seg[pair_block[start:stop]], counts)
        q0 = outlines.seg0[seg]
        edge, t = _segment_cuts(a[edge].T, (b[edge] - a[edge]).T, q0.T, (outlines.seg1[seg] - q0).T, edge)
        edges_out.append(edge)
        ts_out.append(t)
        start = stop
    return np.concatenate(edges_out), np.concatenate(ts_out)


def _cell_cuts(a: np.ndarray, b: np.ndarray, grid: _Grid, outlines: _Outlines) -> tuple[np.ndarray, np.ndarray]:
    """As :func:`_cuts`, but each edge is tested only against the outline segments of the grid cells
    under its bounding box: no geometry is built and no tree queried (but for edges over more than
    _MAX_EDGE_CELLS cells, which :func:`_cuts` takes, so memory stays bounded).

    Of those, only the segments whose block's box meets the edge's are tested, exactly the pairs
    :func:`_cuts` can test, so both find the same cuts.
    """
    empty = np.zeros(0, dtype=int), np.zeros(0)
    if len(a) == 0 or len(grid.entry_q0[0]) == 0:
        return empty
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    limit = np.array([grid.nx - 1, grid.ny - 1])
    low = np.floor((lo - grid.origin) / grid.size).clip(-1, limit + 1).astype(np.int64).clip(0, limit)
    high = np.floor((hi - grid.origin) / grid.size).clip(-1, limit + 1).astype(np.int64).clip(0, limit)
    width = high[:, 0] - low[:, 0] + 1
    n_cells = width * (high[:, 1] - low[:, 1] + 1)
    # A long edge over many cells (a straight line across a country) goes by the STRtree instead.
    wide = np.flatnonzero(n_cells > _MAX_EDGE_CELLS)
    wide_edge, wide_t = _cuts(a[wide], b[wide], np.ones(len(wide), dtype=bool), outlines)
    n_cells[wide] = 0
    pair_edge = np.repeat(np.arange(len(a)), n_cells)
    row, column = np.divmod(_ranges(np.zeros(len(a), dtype=np.int64), n_cells), width[pair_edge])
    cell = (low[pair_edge, 1] + row) * grid.nx + low[pair_edge, 0] + column
    group_count = grid.cell_group[cell + 1] - grid.cell_group[cell]
    pair_edge = np.repeat(pair_edge, group_count)
    group = _ranges(grid.cell_group[cell], group_count)
    lox, loy, hix, hiy, ax, ay, rx, ry = (np.ascontiguousarray(v) for v in (*lo.T, *hi.T, *a.T, *(b - a).T))
    minx, miny, maxx, maxy = (v[group] for v in grid.group_box)
    near = (lox[pair_edge] <= maxx) & (hix[pair_edge] >= minx) & (loy[pair_edge] <= maxy) & (hiy[pair_edge] >= miny)
    pair_edge, group = pair_edge[near], group[near]
    seg_count = grid.group_start[group + 1] - grid.group_start[group]
    batch_end = np.cumsum(seg_count)
    edges_out, ts_out = [wide[wide_edge]], [wide_t]
    start = 0
    while start < len(group):  # in batches of about _PAIR_BATCH (edge, segment) pairs, to bound memory
        stop = max(int(np.searchsorted(batch_end, batch_end[start] - seg_count[start] + _PAIR_BATCH)), start + 1)
        counts = seg_count[start:stop]
        edge = np.repeat(pair_edge[start:stop], counts)
        entry = _ranges(grid.group_start[group[start:stop]], counts)
        q0 = (grid.entry_q0[0][entry], grid.entry_q0[1][entry])
        s = (grid.entry_s[0][entry], grid.entry_s[1][entry])
        edge, t = _segment_cuts((ax[edge], ay[edge]), (rx[edge], ry[edge]), q0, s, edge)
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
    a: _Columns, r: _Columns, q0: _Columns, s: _Columns, edge: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Parameters t along each edge a -> a + r where it meets the segment q0 -> q0 + s, with its edge index.

    Each point or vector is a pair (x, y) of 1-d arrays (or the columns of an n x 2 array):
    contiguous columns make the arithmetic over millions of pairs about twice as fast.
    """
    rx, ry, sx, sy = r[0], r[1], s[0], s[1]
    qax, qay = q0[0] - a[0], q0[1] - a[1]
    denom = rx * sy - ry * sx
    qa_s = qax * sy - qay * sx
    qa_r = qax * ry - qay * rx
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # near-parallel: inf, out of range
        t, u = qa_s / denom, qa_r / denom
    crossing = (denom != 0) & (t >= -_T_EPS) & (t <= 1 + _T_EPS) & (u >= -_T_EPS) & (u <= 1 + _T_EPS)
    # Collinear segments meet along their overlap, if any: cut at both of its ends.
    collinear = np.flatnonzero((denom == 0) & (qa_r == 0))
    rxc, ryc = rx[collinear], ry[collinear]
    rr = np.maximum(rxc * rxc + ryc * ryc, 1e-30)
    s0 = (qax[collinear] * rxc + qay[collinear] * ryc) / rr
    s1 = s0 + (sx[collinear] * rxc + sy[collinear] * ryc) / rr
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


def _outlines(boundaries: Boundaries) -> _Outlines:
    """The chunked outlines of these boundaries, built once per Boundaries object."""
    return boundaries.derived(_outlines_of)


def _outlines_of(boundaries: Boundaries) -> _Outlines:
    return _kept_on_disk(boundaries, _Outlines, _Outlines)


def prepare(boundaries: Boundaries, edges: int) -> None:
    """Build the indexes an analysis of about ``edges`` edges uses, so threads then share them.

    Parameters
    ----------
    boundaries
        The country polygons the analysis will use.
    edges
        About how many edges will be analysed at once (the grid is built only for many).
    """
    boundaries.polygon_tree  # noqa: B018 - built, and its polygons prepared
    _outlines(boundaries)
    if edges >= _GRID_MIN_EDGES and len(boundaries.codes):
        _grid(boundaries)


def _grid(boundaries: Boundaries) -> _Grid:
    """The grid of these boundaries, built once per Boundaries object."""
    return boundaries.derived(_grid_of)


def _grid_of(boundaries: Boundaries) -> _Grid:
    return _kept_on_disk(boundaries, lambda b: _Grid(b, _outlines(b)), _Grid)


def _kept_on_disk(boundaries: Boundaries, build: Callable[[Boundaries], _Index], kind: type[_Index]) -> _Index:
    """``build(boundaries)``, kept in the disk cache when their content is known (:attr:`Boundaries.content_key`).

    A fresh process then loads the index (a pickle of numpy arrays, the STRtree rebuilt from its
    chunks) instead of building it: about 5x faster for the grid of 10,000 routes' borders.
    """
    if boundaries.content_key is None:
        return build(boundaries)
    entry = cache.key("crossings-index", kind.__name__, boundaries.content_key, cache.code_digest())
    return cache.cached("indexes", entry, lambda: build(boundaries), cache.save_pickle, partial(_load_index, kind))


def _load_index(kind: type[_Index], path: Path) -> _Index:
    """An index :func:`_kept_on_disk` stored; anything else raises, so it is built again."""
    index = cache.load_pickle(path)
    if not isinstance(index, kind):
        raise TypeError(f"not a {kind.__name__}")
    return index
