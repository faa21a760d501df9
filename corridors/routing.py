"""Border-aware multimodal routing over the segments of every corridor layer.

The network is a graph whose nodes are places and whose edges are segments, in both directions.
Each edge carries its segment's id, mode, geodesic length, status, dates, layer and the countries
it passes: those the crossing analysis finds along the segment (with the same tolerance as
``corridors compare``) plus the countries of its two end places. A route changes mode wherever two
segments meet at a place (a port, a junction, a border station).

Constraints, each of which removes edges before the search:

* ``avoid``: no edge whose countries include an avoided ISO3 code. A sea or ferry leg counts as the
  countries of its two ports and of any land it crosses on the way (the Suez Canal is Egypt);
  territorial waters are not counted. The path found is analysed again as a whole and rejected if
  its own countries include an avoided code.
* ``modes``: only edges of those modes.
* ``as_of``: only segments that exist on that day (:func:`usable_on`). Without it every segment
  counts, planned and under construction ones included: the network as the data stand.
* ``via``: the path passes these places, in order.

The answer is analysed exactly like a route in ``corridors compare`` (one track through the
oriented segments), so its lengths, countries and crossings read the same. A request that no path
satisfies raises :class:`NoRoute`, whose message names the constraints that removed the paths.
"""

from __future__ import annotations

import datetime as dt
import difflib
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import shapely

from .analysis import RouteAnalysis, clip_to, default_boundaries, segments_track
from .boundaries import Boundaries
from .crossings import DEFAULT_MIN_EXCURSION_KM, KM_DECIMALS, analyze_tracks, check_tolerance
from .defaults import MAX_ALTERNATIVES
from .errors import CorridorsError, UsageError
from .geodesy import GEOD, path_length_km
from .layers import ISO3, MODES, Dataset
from .timeline import STATUS_ORDER, active_on, status_on, why_not_on

#: A place that no segment touches is served by a port, station, junction or checkpoint of the
#: same country at most this far away (a city and its port: Aktau and the Port of Aktau).
ACCESS_KM = 25.0
ACCESS_TYPES = ("port", "station", "junction", "checkpoint")
#: Extra candidate paths searched when the paths are ranked by a whole-path value (``rank``).
RERANK_SPARES = 6

#: Letters that Unicode decomposition leaves alone but a keyboard writes without their mark.
_FOLD = str.maketrans(
    {
        "ı": "i",
        "ə": "e",
        "Ə": "e",
        "ł": "l",
        "Ł": "l",
        "ø": "o",
        "Ø": "o",
        "đ": "d",
        "Đ": "d",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "þ": "th",
        "ʻ": "",
        "ʼ": "",
        "’": "",
        "'": "",
    }
)
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—_/,.()]+")


class NoRoute(CorridorsError):
    """No path satisfies the request; the message names the constraints that removed every path (exit 1)."""


# --------------------------------------------------------------------------- names


def normalize_name(text: str) -> str:
    """Fold a place name for matching: no case, no diacritics, dashes and spaces unified.

    ``"Laçın"``, ``"LACIN"`` and ``"lacin"`` all give ``"lacin"``; ``"Naxçıvan"`` gives ``"naxcivan"``.
    """
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_FOLD).casefold()
    return _SEPARATORS.sub(" ", bare).strip()


@dataclass(frozen=True)
class PlaceIndex:
    """Every way of naming a place: its id, its name and its aliases, exact and folded."""

    names: dict[str, str]
    exact: dict[str, set[str]]
    folded: dict[str, set[str]]

    @classmethod
    def of(cls, data: Dataset) -> PlaceIndex:
        exact: dict[str, set[str]] = {}
        folded: dict[str, set[str]] = {}
        names: dict[str, str] = {}
        for place_id, row in data.places.iterrows():
            names[place_id] = row["name"]
            aliases = row["aliases"] if isinstance(row["aliases"], list) else []
            for label in (place_id, row["name"], *aliases):
                exact.setdefault(label.casefold(), set()).add(place_id)
                folded.setdefault(normalize_name(label), set()).add(place_id)
        return cls(names, exact, folded)

    def resolve(self, text: str) -> str:
        """The id of the place ``text`` names: an id, a name or an alias, in any case, with or without diacritics.

        An exact match (ignoring case) wins over one that needs diacritics folded, so ``Astara``
        (an alias of the Azerbaijani town) is not confused with ``Āstārā`` (the Iranian one).

        Raises
        ------
        UsageError
            For a name no place has (with suggestions) or one that several places share (listing them).
        """
        query = text.strip()
        if query in self.names:
            return query
        for table, key in ((self.exact, query.casefold()), (self.folded, normalize_name(query))):
            found = sorted(table.get(key, ()))
            if len(found) == 1:
                return found[0]
            if found:
                listed = ", ".join(f"{i} ({self.names[i]})" for i in found)
                raise UsageError(f"place {text!r} is ambiguous: {listed}; give one of these ids")
        close = difflib.get_close_matches(normalize_name(query), list(self.folded), n=5, cutoff=0.6)
        suggestions = list(dict.fromkeys(i for c in close for i in sorted(self.folded[c])))[:3]
        hint = "; did you mean " + ", ".join(f"{self.names[i]} ({i})" for i in suggestions) + "?" if suggestions else ""
        raise UsageError(f"unknown place {text!r}{hint}")


# --------------------------------------------------------------------------- the network


@dataclass(frozen=True)
class Constraints:
    """What a path must satisfy. Empty values mean no constraint."""

    avoid: tuple[str, ...] = ()
    modes: tuple[str, ...] = ()
    as_of: dt.date | None = None
    via: tuple[str, ...] = ()

    def describe(self, names: dict[str, str] | None = None) -> str:
        """The constraints in words: ``avoiding ARM, IRN by rail as of 2025-01-01 via Julfa``."""
        words = []
        if self.avoid:
            words.append("avoiding " + ", ".join(self.avoid))
        if self.modes:
            words.append("by " + " or ".join(self.modes))
        if self.as_of:
            words.append(f"as of {self.as_of.isoformat()}")
        if self.via:
            words.append("via " + ", ".join((names or {}).get(v, v) for v in self.via))
        return " ".join(words)


class Network:
    """Places and segments as a graph, with the crossing analysis of every segment.

    ``graph`` is an undirected :class:`networkx.MultiGraph`: nodes are place ids (with ``name``,
    ``country`` and ``place_type``), edges are segments keyed by segment id, with ``id``, ``mode``,
    ``length_km``, ``status``, ``opened``, ``closed``, ``layer`` and ``countries``.
    """

    def __init__(
        self,
        data: Dataset,
        *,
        boundaries: Boundaries | None = None,
        min_excursion_km: float = DEFAULT_MIN_EXCURSION_KM,
    ) -> None:
        check_tolerance(min_excursion_km)
        self.data = data
        self.min_excursion_km = min_excursion_km
        self._boundaries = boundaries
        self.places = PlaceIndex.of(data)
        self.graph = nx.MultiGraph()
        for place_id, row in data.places.iterrows():
            self.graph.add_node(place_id, name=row["name"], country=row["country"], place_type=row["place_type"])
        for segment_id, row in data.segments.iterrows():
            self.graph.add_edge(
                row["from"],
                row["to"],
                key=segment_id,
                id=segment_id,
                mode=row["mode"],
                length_km=path_length_km(shapely.get_coordinates(row.geometry)),
                status=row["status"],
                opened=_text(row.get("opened")),
                closed=_text(row.get("closed")),
                layer=row["layer"],
                countries=self.segment_countries[segment_id],
            )

    @property
    def boundaries(self) -> Boundaries:
        if self._boundaries is None:
            self._boundaries = default_boundaries()
        return self._boundaries

    @cached_property
    def segment_countries(self) -> dict[str, tuple[str, ...]]:
        """Each segment's countries from ``from`` to ``to``: its start place's, the analysed ones, its end place's.

        The end places count even where the analysis drops them: a border bridge of 2 km (Jolfa–Julfa)
        is shorter than the tolerance, yet it does leave one country for the other.
        """
        ids = list(self.data.segments.index)
        tracks = [segments_track(self.data, [(i, True)]) for i in ids]
        results = analyze_tracks(tracks, clip_to(self.boundaries, tracks), self.min_excursion_km)
        countries = {}
        for segment_id, result in zip(ids, results):
            row = self.data.segments.loc[segment_id]
            first, last = (self.data.places.at[row[end], "country"] for end in ("from", "to"))
            sequence = list(result.countries)
            if not sequence or sequence[0] != first:
                sequence.insert(0, first)
            if sequence[-1] != last:
                sequence.append(last)
            countries[segment_id] = tuple(sequence)
        return countries

    @property
    def country_codes(self) -> set[str]:
        return set(self.boundaries.codes) | {c for cs in self.segment_countries.values() for c in cs}

    # ----------------------------------------------------------------- places

    def place(self, text: str) -> str:
        """The place id named by ``text`` (see :meth:`PlaceIndex.resolve`)."""
        return self.places.resolve(text)

    def node_for(self, place_id: str) -> tuple[str, float | None]:
        """The network node that serves a place: itself, or the port or station it is served by.

        Returns the node and, when it is another place, the distance to it in km.

        Raises
        ------
        UsageError
            When no segment touches the place and no port, station, junction or checkpoint of its
            country lies within :data:`ACCESS_KM`; the message lists the nearest places on the network.
        """
        if self.graph.degree(place_id):
            return place_id, None
        here = self.data.places.loc[place_id]
        nearby = sorted(
            (self._distance_km(place_id, other), other)
            for other in self.graph.nodes
            if other != place_id and self.graph.degree(other)
        )
        for km, other in nearby:
            if km > ACCESS_KM:
                break
            node = self.graph.nodes[other]
            if node["country"] == here["country"] and node["place_type"] in ACCESS_TYPES:
                return other, km
        nearest = ", ".join(f"{self.graph.nodes[o]['name']} ({o}, {km:.0f} km)" for km, o in nearby[:3])
        raise UsageError(
            f"{here['name']} ({place_id}) is not on the network: no segment starts or ends there; "
            f"nearest places on it: {nearest}"
        )

    def _distance_km(self, a: str, b: str) -> float:
        pa, pb = self.data.places.at[a, "geometry"], self.data.places.at[b, "geometry"]
        return float(GEOD.inv(pa.x, pa.y, pb.x, pb.y)[2]) / 1000.0

    # ----------------------------------------------------------------- constraints

    def check(self, constraints: Constraints) -> Constraints:
        """Validate and normalise constraints given as text: ISO3 codes, modes, via places.

        Raises
        ------
        UsageError
            For a malformed or unknown country code, an unknown mode or an unknown via place.
        """
        avoid = tuple(dict.fromkeys(c.strip().upper() for c in constraints.avoid if c.strip()))
        known = self.country_codes
        for code in avoid:
            if not ISO3.match(code):
                raise UsageError(f"--avoid: {code!r} is not an ISO3 country code (three letters, e.g. ARM)")
            if code not in known:
                used = sorted({c for cs in self.segment_countries.values() for c in cs})
                close = list(
                    dict.fromkeys(
                        difflib.get_close_matches(code, used, n=3) + difflib.get_close_matches(code, sorted(known), n=3)
                    )
                )[:3]
                hint = f"; did you mean {', '.join(close)}?" if close else ""
                raise UsageError(f"--avoid: unknown country code {code!r}{hint}")
        modes = tuple(dict.fromkeys(m.strip().lower() for m in constraints.modes if m.strip()))
        for mode in modes:
            if mode not in MODES:
                raise UsageError(f"--modes: unknown mode {mode!r}; modes are {', '.join(MODES)}")
        via = tuple(self.place(v) for v in constraints.via)
        return Constraints(avoid=avoid, modes=modes, as_of=constraints.as_of, via=via)

    def allowed(self, constraints: Constraints) -> set[str]:
        """The ids of the segments the constraints leave."""
        frame = self.data.segments
        keep = pd.Series(True, index=frame.index)
        if constraints.modes:
            keep &= frame["mode"].isin(constraints.modes)
        if constraints.as_of:
            keep &= active_on(frame, constraints.as_of)
        if constraints.avoid:
            avoided = set(constraints.avoid)
            keep &= pd.Series([not avoided & set(self.segment_countries[i]) for i in frame.index], index=frame.index)
        return set(frame.index[keep])

    # ----------------------------------------------------------------- search

    def search_graph(self, segment_ids: Iterable[str], weights: Mapping[str, float] | None = None) -> nx.Graph:
        """A simple graph in which each segment is a node between its two places.

        Paths in it are distinct exactly when their segments differ, even where two segments join
        the same places (a road and a railway bridge), which a graph of places alone would merge.
        Each segment weighs its km, or its value in ``weights``.
        """
        graph = nx.Graph()
        graph.add_nodes_from(("place", p) for p in self.graph.nodes)
        for u, v, key, attrs in self.graph.edges(keys=True, data=True):
            if key in segment_ids:
                half = (weights[key] if weights is not None else attrs["length_km"]) / 2.0
                graph.add_edge(("place", u), ("segment", key), weight=half)
                graph.add_edge(("segment", key), ("place", v), weight=half)
        return graph

    def paths(
        self, origin: str, destination: str, segment_ids: set[str], weights: Mapping[str, float] | None = None
    ) -> Iterator[list[tuple[str, bool]]]:
        """Simple paths from ``origin`` to ``destination``, lightest first, as ``(segment id, forward)``."""
        graph = self.search_graph(segment_ids, weights)
        try:
            for nodes in nx.shortest_simple_paths(graph, ("place", origin), ("place", destination), weight="weight"):
                yield self._steps(nodes)
        except nx.NetworkXNoPath:
            return

    def has_path(self, stops: Sequence[str], segment_ids: set[str]) -> bool:
        graph = self.search_graph(segment_ids)
        return all(nx.has_path(graph, ("place", a), ("place", b)) for a, b in itertools.pairwise(stops))

    def _steps(self, nodes: Sequence[tuple[str, str]]) -> list[tuple[str, bool]]:
        steps = []
        for i in range(1, len(nodes) - 1, 2):
            segment_id = nodes[i][1]
            steps.append((segment_id, self.data.segments.at[segment_id, "from"] == nodes[i - 1][1]))
        return steps


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class RoutePath:
    """One answer: the oriented segments, the places passed and the analysis of the whole path."""

    rank: int
    steps: list[tuple[str, bool]]
    places: list[str]
    analysis: RouteAnalysis
    legs: list[dict[str, Any]]
    constraints: Constraints
    requested: dict[str, str] = field(default_factory=dict)

    @property
    def segments(self) -> list[str]:
        return [s for s, _ in self.steps]

    def to_dict(self) -> dict[str, Any]:
        """``corridors compare``'s keys for the path, plus its segments, places, legs and constraints."""
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

    Raises
    ------
    UsageError
        Unknown or ambiguous place, malformed constraint, a place not on the network.
    NoRoute
        No path satisfies the constraints; the message names the constraints that removed the paths.
    """
    if not 1 <= alternatives <= MAX_ALTERNATIVES:
        raise UsageError(f"alternatives must be between 1 and {MAX_ALTERNATIVES}")
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
        candidates = _candidates(network, stops, allowed, alternatives, weights)
        paths = _analyse(network, candidates, constraints, alternatives, stops, requested)
    else:
        candidates = _candidates(network, stops, allowed, alternatives + RERANK_SPARES, weights)
        found = _analyse(network, candidates, constraints, len(candidates), stops, requested)
        ordered = sorted(found, key=lambda p: (rank(p), p.analysis.length_km))[:alternatives]
        paths = [
            replace(p, rank=n, analysis=replace(p.analysis, id=f"path-{n}")) for n, p in enumerate(ordered, start=1)
        ]
    if not paths:
        raise NoRoute(_explain(network, stops, constraints, rejected=len(candidates)))
    return RouteAnswer(stops[0], stops[-1], constraints, paths, notes)


def _candidates(
    network: Network,
    stops: Sequence[str],
    allowed: set[str],
    wanted: int,
    weights: Mapping[str, float] | None = None,
) -> list[list[tuple[str, bool]]]:
    """Up to a few more than ``wanted`` lightest paths through the stops, lightest first, distinct by segments."""
    room = wanted + 2  # spares for paths the whole-path analysis rejects
    legs = [list(itertools.islice(network.paths(a, b, allowed, weights), room)) for a, b in itertools.pairwise(stops)]
    if not all(legs):
        return []
    lengths = weights or {
        s: network.graph.edges[network.data.segments.at[s, "from"], network.data.segments.at[s, "to"], s]["length_km"]
        for s in allowed
    }
    combined = sorted(
        (sum(lengths[s] for s, _ in steps), steps)
        for steps in ([step for leg in choice for step in leg] for choice in itertools.product(*legs))
    )
    unique: dict[tuple[str, ...], list[tuple[str, bool]]] = {}
    for _, steps in combined:
        unique.setdefault(tuple(s for s, _ in steps), steps)
    return list(unique.values())[:room]


def _analyse(
    network: Network,
    candidates: list[list[tuple[str, bool]]],
    constraints: Constraints,
    wanted: int,
    stops: Sequence[str],
    requested: dict[str, str],
) -> list[RoutePath]:
    """Analyse each candidate as one track; keep those whose countries avoid what is avoided."""
    if not candidates:
        return []
    data = network.data
    tracks = [segments_track(data, steps) for steps in candidates]
    results = analyze_tracks(tracks, clip_to(network.boundaries, tracks), network.min_excursion_km)
    paths: list[RoutePath] = []
    for steps, result in zip(candidates, results):
        if set(constraints.avoid) & set(result.countries):
            continue
        rank = len(paths) + 1
        places = [data.segments.at[steps[0][0], "from" if steps[0][1] else "to"]]
        legs = []
        for segment_id, forward in steps:
            row = data.segments.loc[segment_id]
            start, end = (row["from"], row["to"]) if forward else (row["to"], row["from"])
            places.append(end)
            edge = network.graph.edges[row["from"], row["to"], segment_id]
            legs.append(
                {
                    "segment": segment_id,
                    "name": row["name"],
                    "layer": row["layer"],
                    "mode": row["mode"],
                    "geometry_quality": row["geometry_quality"],
                    "status": status_on(row, constraints.as_of) if constraints.as_of else row["status"],
                    "opened": edge["opened"],
                    "closed": edge["closed"],
                    "from": start,
                    "to": end,
                    "forward": forward,
                    "length_km": round(edge["length_km"], KM_DECIMALS),
                    "countries": list(edge["countries"] if forward else edge["countries"][::-1]),
                }
            )
        layers = {leg["layer"] for leg in legs}
        names = network.places.names
        analysis = RouteAnalysis(
            id=f"path-{rank}",
            name=" → ".join(names[s] for s in stops),
            layer=layers.pop() if len(layers) == 1 else None,
            status=max((leg["status"] for leg in legs), key=STATUS_ORDER.index),
            line=result,
            segment_qualities=tuple(leg["geometry_quality"] for leg in legs),
        )
        paths.append(RoutePath(rank, steps, places, analysis, legs, constraints, dict(requested)))
        if len(paths) == wanted:
            break
    return paths


# --------------------------------------------------------------------------- explaining a failure


def _explain(network: Network, stops: Sequence[str], constraints: Constraints, rejected: int = 0) -> str:
    """Say which constraints removed every path, in one line.

    ``rejected`` counts the paths whose segments each avoid the avoided countries but which, analysed
    as a whole, still enter one of them.
    """
    names = network.places.names
    request = f"no route from {names[stops[0]]} to {names[stops[-1]]}"
    described = constraints.describe(names)
    if described:
        request += " " + described
    if rejected:
        return (
            f"{request}: the {rejected} shortest path(s) left each enter {', '.join(constraints.avoid)} "
            "when analysed as a whole"
        )
    everything = set(network.data.segments.index)
    for a, b in itertools.pairwise(stops):
        if not network.has_path([a, b], everything):
            return f"{request}: {names[a]} and {names[b]} are not connected by any segment of the network"
    single = {
        "avoid": Constraints(avoid=constraints.avoid),
        "modes": Constraints(modes=constraints.modes),
        "as_of": Constraints(as_of=constraints.as_of),
    }
    active = {k: c for k, c in single.items() if getattr(constraints, k)}
    blocking = [k for k, c in active.items() if not network.has_path(stops, network.allowed(c))]
    if not blocking:
        return f"{request}: each of these constraints alone leaves a path, but no path meets them all together"
    reasons = [_reason(network, stops, kind, constraints) for kind in blocking]
    return f"{request}: " + "; ".join(reasons)


def _reason(network: Network, stops: Sequence[str], kind: str, constraints: Constraints) -> str:
    names = network.places.names
    if kind == "avoid":
        codes = list(constraints.avoid)
        listed = codes[0] if len(codes) == 1 else ", ".join(codes[:-1]) + " or " + codes[-1]
        inside = [s for s in (stops[0], stops[-1]) if network.graph.nodes[s]["country"] in codes]
        reason = f"every path crosses {listed}"
        if inside:
            reason += " (" + " and ".join(f"{names[s]} is in {network.graph.nodes[s]['country']}" for s in inside) + ")"
        return reason
    shortest = next(iter(_candidates(network, stops, set(network.data.segments.index), 1)), [])
    if kind == "modes":
        needed = sorted({network.data.segments.at[s, "mode"] for s, _ in shortest} - set(constraints.modes))
        allowed = " or ".join(constraints.modes)
        return f"every path needs another mode than {allowed} (the shortest uses {', '.join(needed)})"
    date = constraints.as_of
    assert date is not None
    closed = [s for s, _ in shortest if not active_on(network.data.segments.loc[[s]], date).iloc[0]]
    shown = ", ".join(f"{s} ({why_not_on(network.data.segments.loc[s], date)})" for s in closed[:4])
    more = f" and {len(closed) - 4} more" if len(closed) > 4 else ""
    return f"every path uses a segment that does not exist on {date.isoformat()} (the shortest: {shown}{more})"


# --------------------------------------------------------------------------- GeoJSON


def to_geojson(answer: RouteAnswer, data: Dataset) -> dict[str, Any]:
    """The paths as an RFC 7946 FeatureCollection: one (Multi)LineString feature per path, in WGS84."""
    features = []
    for path in answer.paths:
        track = segments_track(data, path.steps)
        parts = [np.round(p, 7).tolist() for p in track.parts]
        geometry = (
            {"type": "LineString", "coordinates": parts[0]}
            if len(parts) == 1
            else {"type": "MultiLineString", "coordinates": parts}
        )
        features.append({"type": "Feature", "properties": path.to_dict(), "geometry": geometry})
    return {"type": "FeatureCollection", "features": features}
