"""The network: places as nodes, segments as edges, each with the countries it passes; constraints.

Each edge carries its segment's id, mode, geodesic length, status, dates, layer and the countries
it passes: those the crossing analysis finds along the segment (with the same tolerance as
``corridors compare``) plus the countries of its two end places.
"""

from __future__ import annotations

import datetime as dt
import difflib
import itertools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import networkx as nx
import pandas as pd
import shapely

from ..analysis import clip_to
from ..boundaries import Boundaries, default_boundaries
from ..crossings import analyze_tracks, check_tolerance
from ..dataset import Dataset
from ..errors import BadParameter, UsageError
from ..geodesy import GEOD, path_length_km
from ..timeline import active_on
from ..tracks import Step, segments_track
from ..vocab import DEFAULT_MIN_EXCURSION_KM, MODES, is_iso3
from .names import PlaceIndex

#: A place that no segment touches is served by a port, station, junction or checkpoint of the
#: same country at most this far away (a city and its port: Aktau and the Port of Aktau).
ACCESS_KM = 25.0
ACCESS_TYPES = ("port", "station", "junction", "checkpoint")


@dataclass(frozen=True)
class Constraints:
    """What a path must satisfy. Empty values mean no constraint."""

    avoid: tuple[str, ...] = ()
    modes: tuple[str, ...] = ()
    as_of: dt.date | None = None
    via: tuple[str, ...] = ()

    def describe(self, names: dict[str, str] | None = None) -> str:
        """The constraints in words: ``avoiding ARM, IRN by rail as of 2025-01-01 via Julfa``.

        Parameters
        ----------
        names
            Country names by code, or ``None`` to keep the codes.

        Returns
        -------
        str
            The constraints in words; empty when there are none.
        """
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
        """The country polygons the network was built with (Natural Earth unless others were given)."""
        return default_boundaries() if self._boundaries is None else self._boundaries

    @cached_property
    def segment_countries(self) -> dict[str, tuple[str, ...]]:
        """Each segment's countries from ``from`` to ``to``: its start place's, the analysed ones, its end place's.

        The end places count even where the analysis drops them: a border bridge of 2 km (Jolfa–Julfa)
        is shorter than the tolerance, yet it does leave one country for the other.
        """
        ids = list(self.data.segments.index)
        tracks = [segments_track(self.data.segments, [(i, True)]) for i in ids]
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
        """Every code the boundaries or the segments know."""
        return set(self.boundaries.codes) | {c for cs in self.segment_countries.values() for c in cs}

    # ----------------------------------------------------------------- places

    def place(self, text: str) -> str:
        """The place id named by ``text`` (see :meth:`PlaceIndex.resolve`).

        Parameters
        ----------
        text
            A place id, name or alias.

        Returns
        -------
        str
            The place id.

        Raises
        ------
        UsageError
            See :meth:`PlaceIndex.resolve`.
        """
        return self.places.resolve(text)

    def node_for(self, place_id: str) -> tuple[str, float | None]:
        """The network node that serves a place: itself, or the port or station it is served by.

        Returns the node and, when it is another place, the distance to it in km.

        Parameters
        ----------
        place_id
            The place's id.

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

        Parameters
        ----------
        constraints
            The constraints as given.

        Returns
        -------
        Constraints
            The constraints normalised.

        Raises
        ------
        UsageError
            For a malformed or unknown country code, an unknown mode or an unknown via place.
        """
        avoid = tuple(dict.fromkeys(c.strip().upper() for c in constraints.avoid if c.strip()))
        known = self.country_codes
        for code in avoid:
            if not is_iso3(code):
                raise BadParameter(
                    "avoid", f"{{parameter}}: {code!r} is not an ISO3 country code (three letters, e.g. ARM)"
                )
            if code not in known:
                used = sorted({c for cs in self.segment_countries.values() for c in cs})
                close = list(
                    dict.fromkeys(
                        difflib.get_close_matches(code, used, n=3) + difflib.get_close_matches(code, sorted(known), n=3)
                    )
                )[:3]
                hint = f"; did you mean {', '.join(close)}?" if close else ""
                raise BadParameter("avoid", f"{{parameter}}: unknown country code {code!r}{hint}")
        modes = tuple(dict.fromkeys(m.strip().lower() for m in constraints.modes if m.strip()))
        for mode in modes:
            if mode not in MODES:
                raise BadParameter("modes", f"{{parameter}}: unknown mode {mode!r}; modes are {', '.join(MODES)}")
        via = tuple(self.place(v) for v in constraints.via)
        return Constraints(avoid=avoid, modes=modes, as_of=constraints.as_of, via=via)

    def allowed(self, constraints: Constraints) -> set[str]:
        """The ids of the segments the constraints leave.

        Parameters
        ----------
        constraints
            Checked constraints (see :meth:`check`).

        Returns
        -------
        set of str
            The segment ids.
        """
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

        Parameters
        ----------
        segment_ids
            The segments to include.
        weights
            A weight per segment id instead of its km.

        Returns
        -------
        networkx.Graph
            The graph of segments.
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
    ) -> Iterator[list[Step]]:
        """Simple paths from ``origin`` to ``destination``, lightest first, as ``(segment id, forward)``.

        Parameters
        ----------
        origin, destination
            Node place ids.
        segment_ids
            The segments the path may use.
        weights
            A weight per segment id instead of its km.

        Yields
        ------
        list of Step
            One path, as ``(segment id, forward)`` steps.
        """
        graph = self.search_graph(segment_ids, weights)
        try:
            for nodes in nx.shortest_simple_paths(graph, ("place", origin), ("place", destination), weight="weight"):
                yield self._steps(nodes)
        except nx.NetworkXNoPath:
            return

    def has_path(self, stops: Sequence[str], segment_ids: set[str]) -> bool:
        """Whether the segments connect each stop to the next.

        Parameters
        ----------
        stops
            Place ids in travel order.
        segment_ids
            The segments the path may use.

        Returns
        -------
        bool
            ``True`` when every leg has a path.
        """
        graph = self.search_graph(segment_ids)
        return all(nx.has_path(graph, ("place", a), ("place", b)) for a, b in itertools.pairwise(stops))

    def _steps(self, nodes: Sequence[tuple[str, str]]) -> list[Step]:
        """The segments of a path through the search graph, each travelled from the place before it."""
        ends = self.data.segment_ends
        return [Step(nodes[i][1], ends[nodes[i][1]][0] == nodes[i - 1][1]) for i in range(1, len(nodes) - 1, 2)]

    def shortest_paths(
        self, stops: Sequence[str], allowed: set[str], wanted: int, weights: Mapping[str, float] | None = None
    ) -> list[list[Step]]:
        """Up to a few more than ``wanted`` lightest paths through the stops, lightest first, distinct by segments.

        Parameters
        ----------
        stops
            Place ids the path passes, in order (origin, via places, destination).
        allowed
            Ids of the segments it may use.
        wanted
            How many paths the caller wants; two spare ones are kept for paths the whole-path
            analysis rejects.
        weights
            A search weight per segment instead of its km (see :func:`corridors.routing.find_routes`).

        Returns
        -------
        list of list of Step
            Possibly empty.
        """
        room = wanted + 2
        legs = [list(itertools.islice(self.paths(a, b, allowed, weights), room)) for a, b in itertools.pairwise(stops)]
        if not all(legs):
            return []
        lengths = weights or {s: self.edge(s)["length_km"] for s in allowed}
        combined = sorted(
            (sum(lengths[s] for s, _ in steps), steps)
            for steps in ([step for leg in choice for step in leg] for choice in itertools.product(*legs))
        )
        unique: dict[tuple[str, ...], list[Step]] = {}
        for _, steps in combined:
            unique.setdefault(tuple(s for s, _ in steps), steps)
        return list(unique.values())[:room]

    def edge(self, segment_id: str) -> dict[str, Any]:
        """The attributes of a segment's edge (``length_km``, ``countries``, ``opened``, ...).

        Parameters
        ----------
        segment_id
            The segment's id.

        Returns
        -------
        dict
            The edge's attributes.
        """
        start, finish = self.data.segment_ends[segment_id]
        return self.graph.edges[start, finish, segment_id]


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None
