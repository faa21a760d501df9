"""Estimates of the dataset's routes and paths, and the segment weights that rank paths by a measure."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

from ..crossings import Crossing
from ..errors import UsageError
from ..vocab import SEA_MODES
from .estimate import Estimate, Leg, estimate
from .factors import (
    MEASURES,
    FactorTable,
)


def legs_for_lines(
    data: Any,
    lines: Sequence[Sequence[tuple[str, bool]]],
    boundaries: Any,
    min_excursion_km: float,
) -> list[list[Leg]]:
    """The legs of several lines, each given as oriented segments ``(segment id, forward)``.

    Each segment is analysed alone, with the tolerance of the whole line, for its km per country;
    a segment used by several lines is analysed once, and kept in the disk cache with the analyses
    of routes (:func:`corridors.analysis.analyze_tracks_cached`).

    Parameters
    ----------
    data : Dataset
        The dataset whose ``segments`` and ``places`` the lines use.
    lines : sequence of sequences of (str, bool)
        Each line as ``(segment id, forward)`` steps in travel order.
    boundaries : Boundaries
        Country boundaries to measure km per country against.
    min_excursion_km : float
        Tolerance of the crossing analysis (see :func:`corridors.crossings.check_tolerance`).

    Returns
    -------
    list of list of Leg
        The legs of each line, in the order of ``lines``.
    """
    from ..analysis import analyze_tracks_cached
    from ..tracks import segments_track

    steps = list(dict.fromkeys(step for line in lines for step in line))
    if not steps:
        return [[] for _ in lines]
    tracks = [segments_track(data.segments, [step]) for step in steps]
    results = dict(zip(steps, analyze_tracks_cached(tracks, boundaries, min_excursion_km)))
    places = data.places["country"]

    def leg(step: tuple[str, bool]) -> Leg:
        segment_id, forward = step
        row = data.segments.loc[segment_id]
        start, end = (row["from"], row["to"]) if forward else (row["to"], row["from"])
        result = results[step]
        return Leg(
            segment=segment_id,
            mode=row["mode"],
            start=start,
            end=end,
            start_country=places[start],
            end_country=places[end],
            length_km=result.length_km,
            km_by_country=dict(result.length_by_country_km),
        )

    return [[leg(step) for step in line] for line in lines]


def estimate_routes(
    data: Any,
    analyses: Sequence[Any],
    factors: FactorTable,
    as_of: dt.date,
    *,
    boundaries: Any,
) -> list[Estimate]:
    """Estimates for analysed routes (:class:`corridors.analysis.RouteAnalysis`), in their order.

    Parameters
    ----------
    data : Dataset
        The dataset the routes were analysed from.
    analyses : sequence of RouteAnalysis
        The analysed routes; their legs use the tolerance of the first.
    factors : FactorTable
        The cited factors.
    as_of : datetime.date
        The date whose factors and customs unions apply.
    boundaries : Boundaries
        Country boundaries to measure each leg's km per country against.

    Returns
    -------
    list of Estimate
        One estimate per analysis, in their order.
    """
    from ..analysis import route_steps

    if not analyses:
        return []
    tolerance = analyses[0].tolerance_km
    lines = legs_for_lines(data, [route_steps(data, a.id) for a in analyses], boundaries, tolerance)
    return [estimate(legs, a.border_crossings, factors, as_of) for legs, a in zip(lines, analyses)]


#: Search weight of a segment whose estimate lacks a factor: after every segment whose estimate is known.
UNKNOWN_WEIGHT = 1e7


def segment_weights(network: Any, factors: FactorTable, measure: str, as_of: dt.date) -> dict[str, float] | None:
    """A weight per segment of a routing network for ``measure``, to search paths with (None for ``km``).

    ``days``: hours to travel the segment and clear the borders inside it (middle of the range);
    ``co2``: kg per tonne; ``customs``: 1000 per customs border plus the km, so that fewer borders win
    and length breaks ties. A segment whose estimate lacks a factor weighs :data:`UNKNOWN_WEIGHT` plus
    its km. Mode changes at places are not in these weights; the paths found are ranked again by their
    whole estimate (:class:`PathEstimates`).

    Parameters
    ----------
    network : Network
        The network whose segments to weigh (its data, boundaries, tolerance and segment countries).
    factors : FactorTable
        The cited factors.
    measure : str
        One of :data:`MEASURES`.
    as_of : datetime.date
        The date whose factors and customs unions apply.

    Returns
    -------
    dict of str to float, or None
        The weight of each segment id; None for ``km``, which the search weighs by length itself.

    Raises
    ------
    UsageError
        For a measure not in :data:`MEASURES`.
    """
    if measure not in MEASURES:
        raise UsageError(f"unknown measure {measure!r}; measures are {', '.join(MEASURES)}")
    if measure == "km":
        return None
    ids = list(network.data.segments.index)
    lines = legs_for_lines(network.data, [[(s, True)] for s in ids], network.boundaries, network.min_excursion_km)
    weights = {}
    for segment_id, legs in zip(ids, lines):
        [leg] = legs
        countries = network.segment_countries[segment_id]
        passes = [
            Crossing(a, b, 0.0, 0.0, leg.length_km / 2, by_sea=leg.mode in SEA_MODES)
            for a, b in zip(countries, countries[1:])
            if a != b
        ]
        found = estimate([leg], passes, factors, as_of)
        if measure == "customs":
            weights[segment_id] = 1000.0 * found.customs_borders + leg.length_km
        else:
            value = found.measure(measure, leg.length_km)
            weights[segment_id] = value if math.isfinite(value) else UNKNOWN_WEIGHT + leg.length_km
    return weights


class PathEstimates:
    """The estimate of each routing path, computed once; called with a path, the value to rank it by."""

    def __init__(self, network: Any, factors: FactorTable, measure: str, as_of: dt.date) -> None:
        if measure not in MEASURES:
            raise UsageError(f"unknown measure {measure!r}; measures are {', '.join(MEASURES)}")
        self.network, self.factors, self.measure, self.as_of = network, factors, measure, as_of
        self._cache: dict[tuple[tuple[str, bool], ...], Estimate] = {}

    def of(self, path: Any) -> Estimate:
        """The estimate of a :class:`corridors.routing.RoutePath`.

        Parameters
        ----------
        path : RoutePath
            A path found by :func:`corridors.routing.find_routes`.

        Returns
        -------
        Estimate
            Computed once per path's steps.
        """
        key = tuple(path.steps)
        if key not in self._cache:
            [legs] = legs_for_lines(
                self.network.data, [path.steps], self.network.boundaries, self.network.min_excursion_km
            )
            self._cache[key] = estimate(legs, path.analysis.border_crossings, self.factors, self.as_of)
        return self._cache[key]

    def __call__(self, path: Any) -> float:
        """The measure being minimised, for a path (``find_routes(rank=...)``)."""
        return self.of(path).measure(self.measure, path.analysis.length_km)
