"""Which countries a line passes, where it crosses their borders, and how far it runs in each.

The method is exact and vectorised over many lines at once:

1. every edge of every line is split where it meets a country outline (outlines are cut into short
   chunks in an STRtree, so an edge is only tested against the few chunks near it);
2. each piece is labelled by the polygon containing its midpoint, or ``sea`` on a sea or ferry leg;
3. consecutive pieces with one label form *runs*, measured on the WGS84 ellipsoid.

Natural Earth 10m borders are generalised, so the runs are then cleaned with one tolerance,
``min_excursion_km``: a gap on land shorter than it (a coastal town outside every polygon) takes the
nearest country, and a run into a country shorter than it, between two other runs (a river-border
town drawn on the wrong bank), is given to its neighbours. Sea runs are never dropped: a short ferry
is still a ferry.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely

from .boundaries import Boundaries
from .geodesy import edge_lengths_m

SEA = "sea"
SEA_MODES = frozenset({"sea", "ferry"})
#: Default tolerance. Natural Earth 10m puts Julfa and Agarak a few km inside Iran, and leaves the
#: Astara and Batumi waterfronts outside every polygon; measured along our routes the longest such
#: artefact is under 8 km. The shortest real passage we must keep, TRIPP through Armenia, is over
#: 30 km. 10 km sits between them.
DEFAULT_MIN_EXCURSION_KM = 10.0
_OUTLINE_CHUNK = 32
_GAP = ""


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
        record: dict[str, Any] = {
            "from": self.origin,
            "to": self.destination,
            "lon": round(self.lon, 6),
            "lat": round(self.lat, 6),
            "at_km": round(self.at_km, 3),
            "by_sea": self.by_sea,
        }
        if self.by_sea:
            record |= {
                "landfall_lon": round(self.landfall_lon, 6),
                "landfall_lat": round(self.landfall_lat, 6),
                "landfall_km": round(self.landfall_km, 3),
            }
        return record


@dataclass(frozen=True)
class LineAnalysis:
    """Lengths (km, on the ellipsoid) and crossings of one line."""

    length_km: float
    length_by_mode_km: dict[str, float]
    length_by_country_km: dict[str, float]
    countries: list[str]
    crossings: list[Crossing]
    tolerance_km: float


@dataclass
class Track:
    """A line to analyse: parts of (n, 2) lon/lat arrays in travel order, with optional edge modes."""

    parts: list[np.ndarray]
    modes: list[np.ndarray] | None = None

    @classmethod
    def from_geometry(cls, geometry: Any, modes: Sequence[str] | None = None) -> Track:
        """A track from a (Multi)LineString; ``modes`` gives one mode per edge, over all parts."""
        lines = list(shapely.get_parts(geometry)) if geometry.geom_type == "MultiLineString" else [geometry]
        parts = [shapely.get_coordinates(line) for line in lines]
        mode_parts = None
        if modes is not None:
            mode_array = np.asarray(modes, dtype=object)
            sizes = [len(p) - 1 for p in parts]
            if sum(sizes) != len(mode_array):
                raise ValueError(f"{len(mode_array)} modes for {sum(sizes)} edges")
            mode_parts = np.split(mode_array, np.cumsum(sizes)[:-1])
        return cls(parts, mode_parts).split_at_antimeridian()

    def split_at_antimeridian(self) -> Track:
        """Cut edges that jump more than 180° of longitude at ±180°, so each part is planar-safe."""
        if not any((np.abs(np.diff(coords[:, 0])) > 180).any() for coords in self.parts):
            return self
        parts: list[np.ndarray] = []
        modes: list[np.ndarray] = []
        for index, coords in enumerate(self.parts):
            edge_modes = self.modes[index] if self.modes is not None else np.full(len(coords) - 1, None, dtype=object)
            start = 0
            current = [coords[0]]
            for i in range(len(coords) - 1):
                (x0, y0), (x1, y1) = coords[i], coords[i + 1]
                if abs(x1 - x0) > 180:
                    side = 180.0 if x0 > 0 else -180.0
                    x1_unwrapped = x1 + 2 * side
                    lat = y0 + (side - x0) / (x1_unwrapped - x0) * (y1 - y0)
                    current.append(np.array([side, lat]))
                    parts.append(np.array(current))
                    modes.append(edge_modes[start : i + 1])
                    current = [np.array([-side, lat]), coords[i + 1]]
                    start = i
                else:
                    current.append(coords[i + 1])
            parts.append(np.array(current))
            modes.append(edge_modes[start:])
        return Track(parts, modes if self.modes is not None else None)


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
    if min_excursion_km < 0:
        raise ValueError("min_excursion_km must be >= 0")
    pieces = _split_and_label(tracks, boundaries)
    results = []
    for index in range(len(tracks)):
        lo, hi = pieces["track_start"][index], pieces["track_start"][index + 1]
        results.append(_analyze_one(pieces, lo, hi, boundaries, min_excursion_km))
    return results


def _split_and_label(tracks: Sequence[Track], boundaries: Boundaries) -> dict[str, np.ndarray]:
    """Cut every edge at the country outlines it meets and label each piece (vectorised)."""
    starts, ends, track_of, modes, part_first = [], [], [], [], []
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
    if not starts:
        return _empty_pieces(len(tracks))
    a = np.concatenate(starts)
    b = np.concatenate(ends)
    edge_track = np.concatenate(track_of)
    edge_mode = np.concatenate(modes)
    edge_first = np.concatenate(part_first)
    n_edges = len(a)

    # 1. Where each edge meets an outline chunk, as a fraction t along the edge.
    outlines = _outlines(boundaries)
    edges = shapely.linestrings(np.stack([a, b], axis=1))
    edge_idx, chunk_idx = outlines.tree.query(edges, predicate="intersects")
    cut_edge, cut_t = np.zeros(0, dtype=int), np.zeros(0)
    if len(edge_idx):
        hits = shapely.intersection(edges[edge_idx], outlines.chunks[chunk_idx])
        points, which = shapely.get_coordinates(hits, return_index=True)
        cut_edge = edge_idx[which]
        d = b[cut_edge] - a[cut_edge]
        denom = np.maximum((d**2).sum(axis=1), 1e-30)
        cut_t = np.clip(((points - a[cut_edge]) * d).sum(axis=1) / denom, 0.0, 1.0)

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
    found = np.full(len(mid), _GAP, dtype=object)
    point_idx, country_idx = boundaries.polygon_tree.query(shapely.points(mid))
    for country in np.unique(country_idx):
        candidates = point_idx[country_idx == country]
        inside = shapely.contains_xy(boundaries.polygons[country], mid[candidates, 0], mid[candidates, 1])
        chosen = candidates[inside]
        found[chosen[found[chosen] == _GAP]] = boundaries.codes[country]
    label = found[np.cumsum(first) - 1]
    piece_mode = edge_mode[piece_edge]
    at_sea = (label == _GAP) & np.isin(piece_mode, list(SEA_MODES))
    label[at_sea] = SEA

    piece_track = edge_track[piece_edge]
    length_km = edge_lengths_m(p0[:, 0], p0[:, 1], p1[:, 0], p1[:, 1]) / 1000.0
    track_start = np.searchsorted(piece_track, np.arange(len(tracks) + 1))
    return {
        "p0": p0,
        "p1": p1,
        "mode": piece_mode,
        "label": label,
        "length_km": length_km,
        "track_start": track_start,
    }


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


def _analyze_one(
    pieces: dict[str, np.ndarray], lo: int, hi: int, boundaries: Boundaries, tolerance: float
) -> LineAnalysis:
    p0, p1 = pieces["p0"][lo:hi], pieces["p1"][lo:hi]
    lengths = pieces["length_km"][lo:hi]
    labels = pieces["label"][lo:hi].copy()
    modes = pieces["mode"][lo:hi]
    cum = np.concatenate([[0.0], np.cumsum(lengths)])

    by_mode: dict[str, float] = {}
    for mode in dict.fromkeys(m for m in modes if m is not None):
        by_mode[mode] = float(lengths[modes == mode].sum())

    runs = _runs(labels, cum)
    # Short gaps on land take, piece by piece, the nearest country; long ones are water.
    for label, start, end, first, last in runs:
        if label != _GAP:
            continue
        if end - start < tolerance and len(boundaries.codes):  # with no country near, a gap is water
            mid = (p0[first:last] + p1[first:last]) / 2.0
            # Outside every polygon, the nearest polygon is the owner of the nearest outline chunk.
            outlines = _outlines(boundaries)
            nearest = outlines.tree.query_nearest(shapely.points(mid), all_matches=False)[1]
            labels[first:last] = boundaries.codes[outlines.owner[nearest]]
        else:
            labels[first:last] = SEA
    runs = [[label, start, end] for label, start, end, _, _ in _runs(labels, cum)]
    runs = _drop_excursions(runs, tolerance)
    _add_offshore_landfalls(runs, p0[0] if len(p0) else None, p1[-1] if len(p1) else None, boundaries, tolerance)

    def point_at(km: float) -> tuple[float, float]:
        i = min(max(int(np.searchsorted(cum, km, side="right")) - 1, 0), len(lengths) - 1)
        frac = 0.0 if lengths[i] == 0 else (km - cum[i]) / lengths[i]
        x, y = p0[i] + (p1[i] - p0[i]) * min(max(float(frac), 0.0), 1.0)
        return float(x), float(y)

    by_country: dict[str, float] = {}
    for label, start, end in runs:
        by_country[label] = by_country.get(label, 0.0) + (end - start)
    countries = [label for label in (r[0] for r in runs) if label != SEA]
    countries = [c for i, c in enumerate(countries) if i == 0 or c != countries[i - 1]]
    return LineAnalysis(
        length_km=float(cum[-1]),
        length_by_mode_km=by_mode,
        length_by_country_km=by_country,
        countries=countries,
        crossings=_crossings(runs, point_at),
        tolerance_km=tolerance,
    )


def _runs(labels: np.ndarray, cum: np.ndarray) -> list[tuple[str, float, float, int, int]]:
    """Maximal stretches of one label: (label, start km, end km, first piece, end piece)."""
    if len(labels) == 0:
        return []
    change = np.flatnonzero(labels[1:] != labels[:-1]) + 1
    bounds = np.concatenate([[0], change, [len(labels)]])
    return [(labels[s], float(cum[s]), float(cum[e]), int(s), int(e)) for s, e in zip(bounds[:-1], bounds[1:])]


def _drop_excursions(runs: list[list[Any]], tolerance: float) -> list[list[Any]]:
    """Give runs into a country shorter than the tolerance to their neighbours, shortest first.

    Between two runs of one label the short run merges into them; between two different labels
    it is split at its middle; at either end of the line it joins its only neighbour, unless that
    neighbour is the sea: a port reached by sea is a landfall, however short the last stretch.
    """

    def landfall(i: int) -> bool:
        return (i == 0 and runs[1][0] == SEA) or (i == len(runs) - 1 and runs[-2][0] == SEA)

    while len(runs) > 1:
        candidates = [
            i for i, (label, start, end) in enumerate(runs) if label != SEA and end - start < tolerance and not landfall(i)
        ]
        if not candidates:
            break
        i = min(candidates, key=lambda k: runs[k][2] - runs[k][1])
        _, start, end = runs[i]
        if i == 0:
            runs[1][1] = start
        elif i == len(runs) - 1:
            runs[-2][2] = end
        else:
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


def _add_offshore_landfalls(runs: list[list[Any]], first, last, boundaries: Boundaries, tolerance: float) -> None:
    """A line that starts or ends at sea within the tolerance of a coast starts or ends in that country.

    Generalised coastlines leave some ports offshore (Constanța in Natural Earth 10m): the port is
    still a landfall, recorded as a zero-length run in the nearest country.
    """
    if not runs or not len(boundaries.codes):
        return
    for end, point in ((0, first), (-1, last)):
        if runs[end][0] != SEA or point is None:
            continue
        # At sea, the nearest coast is on the nearest outline chunk: far cheaper than whole polygons.
        outlines = _outlines(boundaries)
        chunk = int(outlines.tree.query_nearest(shapely.points([point]), all_matches=False)[1][0])
        country = outlines.owner[chunk]
        coast = shapely.get_coordinates(shapely.shortest_line(shapely.points(point), outlines.chunks[chunk]))[-1]
        if edge_lengths_m(point[0], point[1], coast[0], coast[1]) / 1000.0 <= tolerance:
            km = runs[end][1] if end == 0 else runs[end][2]
            landfall = [boundaries.codes[country], km, km]
            if end == 0:
                runs.insert(0, landfall)
            else:
                runs.append(landfall)


def _crossings(runs: list[list[Any]], point_at) -> list[Crossing]:
    """One crossing per change of country; a sea passage between two countries is one crossing."""
    crossings: list[Crossing] = []
    for i in range(len(runs) - 1):
        label, _, end = runs[i]
        following = runs[i + 1][0]
        if label == SEA:
            continue
        if following != SEA:
            lon, lat = point_at(end)
            crossings.append(Crossing(label, following, lon, lat, end))
            continue
        if i + 2 < len(runs) and runs[i + 2][0] != label:
            landfall = runs[i + 2][1]
            lon, lat = point_at(end)
            land_lon, land_lat = point_at(landfall)
            crossings.append(Crossing(label, runs[i + 2][0], lon, lat, end, True, land_lon, land_lat, landfall))
    return crossings


_OUTLINE_CACHE: dict[int, tuple[Boundaries, _Outlines]] = {}


def _outlines(boundaries: Boundaries) -> _Outlines:
    """The chunked outlines of these boundaries, built once per Boundaries object."""
    cached = _OUTLINE_CACHE.get(id(boundaries))
    if cached is None or cached[0] is not boundaries:
        _OUTLINE_CACHE.clear()
        cached = _OUTLINE_CACHE[id(boundaries)] = (boundaries, _Outlines(boundaries))
    return cached[1]
