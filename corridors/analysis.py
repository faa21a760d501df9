"""One place that assembles a route's full analysis (lengths, countries, crossings) for every output."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np

from . import cache
from .boundaries import Boundaries, default_boundaries, default_key
from .crossings import Absorbed, Crossing, LineAnalysis, analyze_tracks, check_tolerance
from .dataset import Dataset
from .errors import InvalidData, UsageError
from .published import PublishedComparison, compare_with_published
from .timeline import route_status_on
from .tracks import Step, Track, orient, segments_track
from .vocab import DEFAULT_MIN_EXCURSION_KM, GEOMETRY_QUALITIES, line_geometry_quality


@dataclass(frozen=True)
class RouteAnalysis:
    """A route (or a path found by routing) with the analysis of its line."""

    id: str
    name: str
    layer: str | None
    status: str
    line: LineAnalysis
    declared_countries: list[str] = field(default_factory=list)
    segment_qualities: tuple[str, ...] = ()
    published: PublishedComparison | None = None

    @property
    def geometry_quality(self) -> str | None:
        """``traced`` when every segment is traced, else ``schematic`` (None for no segments)."""
        return line_geometry_quality(self.segment_qualities)

    @property
    def segments_by_geometry_quality(self) -> dict[str, int]:
        """How many of the segments are of each quality, every quality listed."""
        return {q: self.segment_qualities.count(q) for q in GEOMETRY_QUALITIES}

    @property
    def length_km(self) -> float:
        """Total geodesic length, km."""
        return self.line.length_km

    @property
    def length_by_mode_km(self) -> dict[str, float]:
        """Km per transport mode, in order of first use."""
        return self.line.length_by_mode_km

    @property
    def length_by_country_km(self) -> dict[str, float]:
        """Km per country (``sea`` for water), in order along the line."""
        return self.line.length_by_country_km

    @property
    def countries(self) -> list[str]:
        """The country sequence the analysis finds, repeats merged, sea left out."""
        return self.line.countries

    @property
    def border_crossings(self) -> list[Crossing]:
        """Each change of country, in order along the line."""
        return self.line.crossings

    @property
    def tolerance_km(self) -> float:
        """The ``min_excursion_km`` the line was analysed with."""
        return self.line.tolerance_km

    @property
    def absorbed(self) -> list[Absorbed]:
        """The slivers, gaps and landfalls the tolerance gave to a neighbour."""
        return self.line.absorbed

    @property
    def absorbed_km(self) -> float:
        """How many km the tolerance moved to a neighbouring country."""
        return self.line.absorbed_km

    @property
    def crossings_count(self) -> int:
        """How many border crossings the line has."""
        return len(self.line.crossings)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form ``corridors compare`` prints: the line's analysis, geometry quality and published figures.

        Returns
        -------
        dict
            JSON-ready keys: id, name, layer, status, lengths, crossings, geometry quality, published figures.
        """
        published = self.published or compare_with_published(self.id, self.length_km, {}, ())
        return (
            {"id": self.id, "name": self.name, "layer": self.layer, "status": self.status}
            | self.line.to_dict()
            | {
                "geometry_quality": self.geometry_quality,
                "segments_by_geometry_quality": self.segments_by_geometry_quality,
            }
            | published.to_dict()
        )


def route_track(data: Dataset, route_id: str) -> Track:
    """The route as one track in travel order, each edge carrying its segment's mode.

    Its :func:`route_steps` joined by :func:`corridors.tracks.segments_track`; parameters and errors
    are those of :func:`route_steps`.

    Parameters
    ----------
    data
        The loaded dataset.
    route_id
        Id of the route.

    Returns
    -------
    Track
        The route's coordinates in travel order, with a mode per edge.
    """
    return segments_track(data.segments, route_steps(data, route_id))


def route_steps(data: Dataset, route_id: str) -> list[Step]:
    """The route's segments in travel order, each with its direction (:func:`corridors.tracks.orient`).

    Parameters
    ----------
    data
        The dataset.
    route_id
        A route id.

    Returns
    -------
    list of Step
        One per segment of the route.

    Raises
    ------
    InvalidData
        If a segment of the route does not start where the previous one ends.
    """
    route = data.routes.loc[route_id]
    try:
        return orient(route["segments"], data.segment_ends)
    except ValueError as exc:
        raise InvalidData(f"{route['layer']}.geojson", str(exc), route_id) from None


#: Clipping boxes snap outward to multiples of this many degrees, so that the analyses of one
#: command (a map's routes, segments and estimate legs) share one clipped set and its indexes.
CLIP_STEP_DEG = 10.0


def clip_to(boundaries: Boundaries, tracks: Iterable[Track]) -> Boundaries:
    """The boundaries clipped to the tracks' extent, snapped outward (plus a margin): fewer, smaller polygons.

    Parameters
    ----------
    boundaries
        The country polygons to clip.
    tracks
        The tracks whose extent is kept.

    Returns
    -------
    Boundaries
        The polygons inside the snapped extent.
    """
    points = np.concatenate([p for t in tracks for p in t.parts])
    low = np.floor(points.min(axis=0) / CLIP_STEP_DEG) * CLIP_STEP_DEG
    high = np.ceil(points.max(axis=0) / CLIP_STEP_DEG) * CLIP_STEP_DEG
    return boundaries.clipped((*low, *high))


def analyze_routes(
    data: Dataset,
    route_ids: Sequence[str] | None = None,
    *,
    boundaries: Boundaries | None = None,
    min_excursion_km: float = DEFAULT_MIN_EXCURSION_KM,
    as_of: dt.date | None = None,
) -> list[RouteAnalysis]:
    """Lengths and crossings for routes (all of them by default), in the order asked.

    Each analysis carries the route's segments' geometry qualities and its published figures; with
    ``as_of``, its ``status`` is the one it had on that day (:func:`corridors.timeline.route_status_on`).

    Parameters
    ----------
    data
        The loaded dataset.
    route_ids
        Ids of the routes to analyse; None for every route.
    boundaries
        Country polygons to measure against; None for the default ones.
    min_excursion_km
        Shortest stretch inside a country that counts as a crossing.
    as_of
        Day whose status each route gets; None for its recorded status.

    Returns
    -------
    list of RouteAnalysis
        One per route, in the order of ``route_ids``.

    Raises
    ------
    UnknownFeature
        For an id that is not a route.
    UsageError
        For an id that is a feature of another kind.
    """
    ids = list(route_ids) if route_ids is not None else list(data.routes.index)
    for route_id in ids:
        if route_id not in data.routes.index:
            if route_id in data.ids:
                raise UsageError(f"{route_id!r} is a {data.kind_of(route_id)}, not a route")
            raise data.unknown(route_id)
    check_tolerance(min_excursion_km)
    if not ids:
        return []
    tracks = [route_track(data, route_id) for route_id in ids]
    results = analyze_tracks_cached(tracks, boundaries, min_excursion_km)
    return [_route_analysis(data, route_id, result, as_of) for route_id, result in zip(ids, results)]


def analyze_tracks_cached(
    tracks: Sequence[Track], boundaries: Boundaries | None, min_excursion_km: float
) -> list[LineAnalysis]:
    """:func:`analyze_tracks` with the boundaries (default ones if None) clipped to the tracks, kept
    in the disk cache (:mod:`corridors.cache`) keyed by the tracks' coordinates and modes, the
    boundaries' content, the tolerance and the analysis code: a repeated ``compare`` of unchanged
    data then reads no boundaries at all.

    Parameters
    ----------
    tracks
        The lines to analyse.
    boundaries
        Country polygons; None for the default ones.
    min_excursion_km
        Shortest stretch inside a country that counts as a crossing.

    Returns
    -------
    list of LineAnalysis
        One per track, in order.
    """

    def compute() -> list[LineAnalysis]:
        return analyze_tracks(tracks, clip_to(boundaries or default_boundaries(), tracks), min_excursion_km)

    boundaries_key = boundaries.content_key if boundaries is not None else default_key()
    if boundaries_key is None:
        return compute()
    entry = cache.key("analyses", boundaries_key, min_excursion_km, cache.code_digest(), _tracks_digest(tracks))
    return cache.cached("analyses", entry, compute, cache.save_pickle, cache.load_pickle)


def _tracks_digest(tracks: Sequence[Track]) -> str:
    digest = hashlib.sha256()
    for track in tracks:
        digest.update(b"track")
        for index, part in enumerate(track.parts):
            digest.update(np.ascontiguousarray(part, dtype=float).tobytes() + b"part")
            if track.modes is not None:
                digest.update(repr(list(track.modes[index])).encode())
    return digest.hexdigest()


def _route_analysis(data: Dataset, route_id: str, result: LineAnalysis, as_of: dt.date | None) -> RouteAnalysis:
    route = data.routes.loc[route_id]
    return RouteAnalysis(
        id=route_id,
        name=route["name"],
        layer=route["layer"],
        status=route_status_on(route, data.segments, as_of) if as_of else route["status"],
        line=result,
        declared_countries=list(route["countries"]),
        segment_qualities=tuple(data.segments.at[s, "geometry_quality"] for s in route["segments"]),
        published=compare_with_published(route_id, result.length_km, result.length_by_country_km, data.published),
    )


def crossing_points(analyses: Sequence[RouteAnalysis]) -> gpd.GeoDataFrame:
    """Every border crossing as a point (where the route leaves the first country), in EPSG:4326.

    Parameters
    ----------
    analyses
        Analysed routes.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per crossing: route, sequence, from, to, lon, lat, at_km, by_sea and a point geometry.
    """
    records = [
        {"route": a.id, "sequence": n, **c.to_dict()}
        for a in analyses
        for n, c in enumerate(a.border_crossings, start=1)
    ]
    columns = ["route", "sequence", "from", "to", "lon", "lat", "at_km", "by_sea"]
    frame = gpd.GeoDataFrame(records, columns=list(dict.fromkeys(columns + [k for r in records for k in r])))
    return frame.set_geometry(gpd.points_from_xy(frame["lon"], frame["lat"]), crs="EPSG:4326")
