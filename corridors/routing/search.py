"""Finding paths: the shortest ones through the stops, analysed as a whole like a route in ``compare``."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ..analysis import RouteAnalysis, clip_to
from ..crossings import analyze_tracks
from ..dataset import Dataset
from ..errors import BadParameter, NoRoute, UsageError
from ..geojson import line_geometry
from ..timeline import status_on
from ..tracks import Step, places_passed, segments_track, step_ends
from ..vocab import KM_DECIMALS, MAX_ALTERNATIVES, furthest_from_service
from .explain import explain
from .network import Constraints, Network

#: Extra candidate paths searched when the paths are ranked by a whole-path value (``rank``).
RERANK_SPARES = 6


@dataclass(frozen=True)
class RoutePath:
    """One answer: the oriented segments, the places passed and the analysis of the whole path."""

    rank: int
    steps: list[Step]
    places: list[str]
    analysis: RouteAnalysis
    legs: list[dict[str, Any]]
    constraints: Constraints
    requested: dict[str, str] = field(default_factory=dict)

    @property
    def segments(self) -> list[str]:
        """The path's segment ids, in travel order."""
        return [s for s, _ in self.steps]

    def to_dict(self) -> dict[str, Any]:
        """``corridors compare``'s keys for the path, plus its segments, places, legs and constraints.

        Returns
        -------
        dict
            The JSON-ready path.
        """
        return {
            **self.analysis.to_dict(),
            "rank": self.rank,
            "segments": self.segments,
            "places": self.places,
            "legs": self.legs,
            "requested": self.requested,
            "constraints": {
                "avoid": list(self.constraints.avoid),
                "modes": list(self.constraints.modes),
                "as_of": self.constraints.as_of.isoformat() if self.constraints.as_of else None,
                "via": list(self.constraints.via),
            },
        }


@dataclass(frozen=True)
class RouteAnswer:
    """The paths found for a request, best first, with how the request's places were reached."""

    origin: str
    destination: str
    constraints: Constraints
    paths: list[RoutePath]
    notes: list[str]


def find_routes(
    network: Network,
    origin: str,
    destination: str,
    constraints: Constraints | None = None,
    *,
    alternatives: int = 1,
    weights: Mapping[str, float] | None = None,
    rank: Callable[[RoutePath], float] | None = None,
) -> RouteAnswer:
    """The shortest path (or the ``alternatives`` shortest ones) between two places, by name or id.

    Parameters
    ----------
    network
        The graph (see :class:`Network`).
    origin, destination
        Place ids or names, matched without regard to case or diacritics, aliases included.
    constraints
        Countries to avoid, modes allowed, date, places to pass (see the module docstring).
    alternatives
        How many paths to return at most: the K shortest simple paths, distinct by their segments.
    weights
        A search weight per segment id instead of its km (e.g. hours or CO₂ from
        :func:`corridors.estimates.segment_weights`).
    rank
        The value to order the paths found by, lowest first (ties by km); the search then keeps a few
        more candidates, since a path's whole value (mode changes, borders) is not the sum of its
        segments' weights.

    Returns
    -------
    RouteAnswer
        The paths found, best first, with the places resolved, the constraints checked and notes.

    Raises
    ------
    UsageError
        Unknown or ambiguous place, malformed constraint, a place not on the network.
    NoRoute
        No path satisfies the constraints; the message names the constraints that removed the paths.
    """
    if not 1 <= alternatives <= MAX_ALTERNATIVES:
        raise BadParameter("alternatives", f"{{parameter}} must be between 1 and {MAX_ALTERNATIVES}")
    constraints = network.check(constraints or Constraints())
    requested = {"from": network.place(origin), "to": network.place(destination)}
    notes = []
    stops = []
    for role, place_id in (
        ("from", requested["from"]),
        *(("via", v) for v in constraints.via),
        ("to", requested["to"]),
    ):
        node, km = network.node_for(place_id)
        if km is not None:
            notes.append(
                f"{network.places.names[place_id]} is not on the network: "
                f"{'starting from' if role == 'from' else 'ending at' if role == 'to' else 'passing'} "
                f"{network.places.names[node]} ({node}), {km:.1f} km away"
            )
        stops.append(node)
    for a, b in itertools.pairwise(stops):
        if a == b:
            raise UsageError(f"the route starts and ends at {network.places.names[a]} ({a}): nothing to find")
    allowed = network.allowed(constraints)
    if rank is None:
        candidates = network.shortest_paths(stops, allowed, alternatives, weights)
        paths = _analyse(network, candidates, constraints, alternatives, stops, requested)
    else:
        candidates = network.shortest_paths(stops, allowed, alternatives + RERANK_SPARES, weights)
        found = _analyse(network, candidates, constraints, len(candidates), stops, requested)
        ordered = sorted(found, key=lambda p: (rank(p), p.analysis.length_km))[:alternatives]
        paths = [
            replace(p, rank=n, analysis=replace(p.analysis, id=f"path-{n}")) for n, p in enumerate(ordered, start=1)
        ]
    if not paths:
        raise NoRoute(explain(network, stops, constraints, rejected=len(candidates)))
    return RouteAnswer(stops[0], stops[-1], constraints, paths, notes)


def _analyse(
    network: Network,
    candidates: list[list[Step]],
    constraints: Constraints,
    wanted: int,
    stops: Sequence[str],
    requested: dict[str, str],
) -> list[RoutePath]:
    """Analyse each candidate as one track; keep those whose countries avoid what is avoided."""
    if not candidates:
        return []
    data = network.data
    tracks = [segments_track(data.segments, steps) for steps in candidates]
    results = analyze_tracks(tracks, clip_to(network.boundaries, tracks), network.min_excursion_km)
    paths: list[RoutePath] = []
    for steps, result in zip(candidates, results):
        if set(constraints.avoid) & set(result.countries):
            continue
        rank = len(paths) + 1
        legs = [_leg(network, step, constraints.as_of) for step in steps]
        layers = {leg["layer"] for leg in legs}
        analysis = RouteAnalysis(
            id=f"path-{rank}",
            name=" → ".join(network.places.names[s] for s in stops),
            layer=layers.pop() if len(layers) == 1 else None,
            status=furthest_from_service(leg["status"] for leg in legs),
            line=result,
            segment_qualities=tuple(leg["geometry_quality"] for leg in legs),
        )
        places = places_passed(steps, data.segment_ends)
        paths.append(RoutePath(rank, steps, places, analysis, legs, constraints, dict(requested)))
        if len(paths) == wanted:
            break
    return paths


def _leg(network: Network, step: Step, as_of: dt.date | None) -> dict[str, Any]:
    """One segment of a path as JSON, in the direction travelled, with its status on ``as_of`` if given."""
    row = network.data.segments.loc[step.segment]
    edge = network.edge(step.segment)
    start, end = step_ends(step, network.data.segment_ends)
    return {
        "segment": step.segment,
        "name": row["name"],
        "layer": row["layer"],
        "mode": row["mode"],
        "geometry_quality": row["geometry_quality"],
        "status": status_on(row, as_of) if as_of else row["status"],
        "opened": edge["opened"],
        "closed": edge["closed"],
        "from": start,
        "to": end,
        "forward": step.forward,
        "length_km": round(edge["length_km"], KM_DECIMALS),
        "countries": list(edge["countries"] if step.forward else edge["countries"][::-1]),
    }


def to_geojson(answer: RouteAnswer, data: Dataset) -> dict[str, Any]:
    """The paths as an RFC 7946 FeatureCollection: one (Multi)LineString feature per path, in WGS84.

    Parameters
    ----------
    answer
        The search's answer.
    data
        The dataset.

    Returns
    -------
    dict
        The GeoJSON FeatureCollection.
    """
    features = [
        {
            "type": "Feature",
            "properties": path.to_dict(),
            "geometry": line_geometry(segments_track(data.segments, path.steps).parts),
        }
        for path in answer.paths
    ]
    return {"type": "FeatureCollection", "features": features}
