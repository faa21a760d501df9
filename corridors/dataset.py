"""The dataset: validated layers with their citations, and what a choice of ids, layers and date selects.

:class:`Dataset` holds the places, segments, routes and airports as GeoDataFrames with their cited
attributes joined; :func:`select` answers "what does ``--layer X`` (or these ids) on this date show"
for maps and exports, and :func:`routes_on` which routes ``compare`` takes on a date.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import geopandas as gpd
import pandas as pd

from .attributes import Citation, Mention, claim_label, grouped_by_quote, in_lifetime, mention_index
from .concepts import CONCEPTS_LAYER, Concepts
from .documents import Document
from .errors import UnknownFeature, UnknownLayer, UsageError
from .geojson import plain
from .published import PublishedLength
from .timeline import active_on, route_status_on, status_on, why_not_on
from .vocab import (
    AIRPORTS_LAYER,
    CORRIDOR_LAYERS,
    GEOMETRY_QUALITIES,
    LAYERS,
    PLACES_LAYER,
    line_geometry_quality,
)


@dataclass(frozen=True)
class FeatureInfo:
    """Everything known about one feature: its properties, citations and mentions."""

    id: str
    name: str
    layer: str
    kind: str
    properties: dict[str, Any]
    attributes: list[Citation] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form ``corridors show`` prints.

        Returns
        -------
        dict
            JSON-ready id, name, layer, kind, properties, attributes and mentions.
        """
        return {
            "id": self.id,
            "name": self.name,
            "layer": self.layer,
            "kind": self.kind,
            "properties": self.properties,
            "attributes": [
                {
                    "name": c.name, "value": c.value, "qualifier": c.qualifier or None,
                    "refers_to": c.refers_to or None, "stated_by": c.stated_by or None,
                    "document": c.document, "quote": c.quote, "selector": c.selector,
                }
                for c in self.attributes
            ],
            "mentions": [{"document": m.document, "sentence": m.sentence} for m in self.mentions],
        }


@dataclass(frozen=True)
class LayerSummary:
    """What one layer holds: counts of features, cited attributes and mentions."""

    name: str
    title: str
    routes: int
    segments: int
    airports: int
    cited_attributes: int
    mentions: int

    @property
    def features(self) -> int:
        """Routes, segments and airports together."""
        return self.routes + self.segments + self.airports


class Dataset:
    """The validated layers with their citations: places, segments, routes and airports.

    Each GeoDataFrame is indexed by feature id, in EPSG:4326, and carries ``citations`` (how many cited
    attributes the feature has) and ``citations_text`` (them, readable, grouped by quote). ``published``
    holds the published lengths of the routes (:mod:`corridors.published`). The concepts (features
    without geometry, see :mod:`corridors.concepts`) are looked up like features.
    """

    def __init__(
        self,
        documents: dict[str, Document],
        places: gpd.GeoDataFrame,
        segments: gpd.GeoDataFrame,
        routes: gpd.GeoDataFrame,
        airports: gpd.GeoDataFrame,
        citations: list[Citation],
        published: list[PublishedLength] | None = None,
        concepts: Concepts | None = None,
    ) -> None:
        self.documents = documents
        self.citations = citations
        self.published = list(published or [])
        self.concepts = concepts or Concepts()
        by_feature: dict[str, list[Citation]] = {}
        for cite in citations:
            by_feature.setdefault(cite.feature_id, []).append(cite)
        self._citations_by_feature = by_feature
        self.places, self.segments, self.routes, self.airports = (
            self._with_citations(frame) for frame in (places, segments, routes, airports)
        )

    def _with_citations(self, frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        frame = frame.copy()
        frame["citations"] = [len(self._citations_by_feature.get(i, ())) for i in frame.index]
        frame["citations_text"] = [self.citations_text(i) for i in frame.index]
        return frame

    @property
    def frames(self) -> dict[str, gpd.GeoDataFrame]:
        """The four frames by feature kind."""
        return {"place": self.places, "segment": self.segments, "route": self.routes, "airport": self.airports}

    def citations_for(self, feature_id: str) -> list[Citation]:
        """The cited attributes of one feature, in table order.

        Parameters
        ----------
        feature_id
            Id of the feature.

        Returns
        -------
        list of Citation
            Empty for a feature without cited attributes.
        """
        return list(self._citations_by_feature.get(feature_id, ()))

    def citations_text(self, feature_id: str) -> str:
        """The feature's citations, one paragraph per quote.

        Each paragraph is ``according to <source>, <date>: “quote”``, then a line per value it supports.

        Parameters
        ----------
        feature_id
            Id of the feature.

        Returns
        -------
        str
            The paragraphs, empty when there are none.
        """
        return "\n".join(
            "\n".join([group.text, *(f"  {claim_label(c)}" for c in group.claims)])
            for group in grouped_by_quote(self.citations_for(feature_id), self.documents)
        )

    @cached_property
    def mentions(self) -> dict[str, list[Mention]]:
        """The sentences naming each feature, by name or alias, in documents dated inside its lifetime.

        A document dated before TRIPP existed that says "Zangezur corridor" mentions the concept, not
        TRIPP; an undated document mentions both.
        """
        aliases: dict[str, list[str]] = {}
        for frame in self.frames.values():
            for feature_id, row in frame.iterrows():
                extra = row.get("aliases")
                aliases[feature_id] = [row["name"], *(extra if isinstance(extra, list) else ())]
        for concept in self.concepts.concepts.values():
            aliases[concept.id] = [concept.name, *concept.aliases]
        index = mention_index(aliases, self.documents)
        lifetimes = self.concepts.lifetimes
        return {
            feature_id: [m for m in found if in_lifetime(self.documents[m.document].date, lifetimes.get(feature_id))]
            for feature_id, found in index.items()
        }

    @cached_property
    def segment_ends(self) -> dict[str, tuple[str, str]]:
        """Each segment's ``(from, to)`` places, by segment id (see :func:`corridors.tracks.orient`)."""
        return dict(zip(self.segments.index, zip(self.segments["from"], self.segments["to"])))

    @property
    def ids(self) -> list[str]:
        """Every feature id: places, segments, routes, airports, then concepts."""
        return [i for frame in self.frames.values() for i in frame.index] + list(self.concepts.concepts)

    def kind_of(self, feature_id: str) -> str:
        """The kind of a feature (``place``, ``segment``, ``route``, ``airport`` or ``concept``).

        Parameters
        ----------
        feature_id
            Id of the feature.

        Returns
        -------
        str
            The kind.

        Raises
        ------
        UnknownFeature
            If no layer or concept has the id.
        """
        for kind, frame in self.frames.items():
            if feature_id in frame.index:
                return kind
        if feature_id in self.concepts.concepts:
            return "concept"
        raise self.unknown(feature_id)

    def unknown(self, feature_id: str) -> UnknownFeature:
        """The error for an id no layer holds, with up to three close ids as suggestions.

        Parameters
        ----------
        feature_id
            The id not found.

        Returns
        -------
        UnknownFeature
            The error, for the caller to raise.
        """
        ids = self.ids
        lowered = {i.lower(): i for i in ids}
        close = difflib.get_close_matches(feature_id.lower(), list(lowered), n=3, cutoff=0.6)
        return UnknownFeature(feature_id, [lowered[c] for c in close])

    def feature(self, feature_id: str) -> FeatureInfo:
        """Look a feature up by id (any layer).

        Parameters
        ----------
        feature_id
            Id of a place, segment, route, airport or concept.

        Returns
        -------
        FeatureInfo
            Its name, layer, kind, properties, cited attributes and mentions.

        Raises
        ------
        UnknownFeature
            With did-you-mean suggestions.
        """
        kind = self.kind_of(feature_id)
        if kind == "concept":
            concept = self.concepts.concepts[feature_id]
            return FeatureInfo(
                id=feature_id,
                name=concept.name,
                layer=CONCEPTS_LAYER,
                kind=kind,
                properties=concept.properties(),
                attributes=self.citations_for(feature_id),
                mentions=self.mentions.get(feature_id, []),
            )
        row = self.frames[kind].loc[feature_id]
        properties = {
            k: plain(v)
            for k, v in row.items()
            if k not in ("id", "geometry", "citations", "citations_text", "name", "kind", "layer")
        }
        if kind == "route":  # derived from its segments', so that show, compare and exports agree
            qualities = list(self.segments.loc[row["segments"], "geometry_quality"])
            properties["geometry_quality"] = line_geometry_quality(qualities)
            properties["segments_by_geometry_quality"] = {q: qualities.count(q) for q in GEOMETRY_QUALITIES}
        layer = PLACES_LAYER if kind == "place" else AIRPORTS_LAYER if kind == "airport" else row["layer"]
        return FeatureInfo(
            id=feature_id,
            name=row["name"],
            layer=layer,
            kind=kind,
            properties=properties,
            attributes=self.citations_for(feature_id),
            mentions=self.mentions.get(feature_id, []),
        )

    def layer(self, name: str) -> gpd.GeoDataFrame:
        """The features of one layer: routes and segments of a corridor layer, or the airports.

        Parameters
        ----------
        name
            A layer of :data:`LAYERS`, or the places layer.

        Returns
        -------
        geopandas.GeoDataFrame
            The layer's features, indexed by id.

        Raises
        ------
        UnknownLayer
            If there is no such layer, with the closest names.
        """
        if name == AIRPORTS_LAYER:
            return self.airports
        if name == PLACES_LAYER:
            return self.places
        if name not in CORRIDOR_LAYERS:
            raise UnknownLayer(name, difflib.get_close_matches(name, [*LAYERS, PLACES_LAYER], n=3))
        parts = [self.routes[self.routes["layer"] == name], self.segments[self.segments["layer"] == name]]
        return gpd.GeoDataFrame(pd.concat(parts), geometry="geometry", crs=self.routes.crs)

    def summary(self) -> list[LayerSummary]:
        """Counts per layer, for ``corridors layers``.

        Returns
        -------
        list of LayerSummary
            One per layer of :data:`LAYERS`, in order.
        """
        mentions = self.mentions
        rows = []
        for name, title in LAYERS.items():
            frame = self.layer(name)
            kinds = Counter(frame["kind"])
            rows.append(
                LayerSummary(
                    name=name,
                    title=title,
                    routes=kinds["route"],
                    segments=kinds["segment"],
                    airports=kinds["airport"],
                    cited_attributes=int(frame["citations"].sum()),
                    mentions=sum(len(mentions.get(i, ())) for i in frame.index),
                )
            )
        return rows


def check_layers(names: Iterable[str]) -> list[str]:
    """The layer names, deduplicated in order, each one of :data:`LAYERS`.

    Parameters
    ----------
    names
        Layer names, as the user gave them.

    Returns
    -------
    list of str
        The names, without repeats.

    Raises
    ------
    UnknownLayer
        For the first name that is not a layer, with the closest names (``tripp`` suggests
        ``tripp-zangezur``).
    """
    chosen = list(dict.fromkeys(names))
    for name in chosen:
        if name not in LAYERS:
            containing = [layer for layer in LAYERS if name and name in layer]
            close = containing + difflib.get_close_matches(name, list(LAYERS))
            raise UnknownLayer(name, list(dict.fromkeys(close))[:3])
    return chosen


@dataclass
class Selection:
    """What a choice of ids or layers holds: ids in display order, the layer group of each segment, the day."""

    routes: list[str]
    segments: dict[str, str]
    airports: list[str]
    places: list[str]
    groups: list[str]
    as_of: dt.date | None = None

    def status(self, data: Dataset, kind: str, feature_id: str) -> str:
        """A route's or segment's status on the day chosen (:func:`corridors.timeline.status_on`), else today's.

        Parameters
        ----------
        data
            The dataset the selection was made from.
        kind
            ``route`` or ``segment``.
        feature_id
            Its id.

        Returns
        -------
        str
            One of :data:`corridors.vocab.STATUSES`.
        """
        if kind == "route":
            row = data.routes.loc[feature_id]
            return route_status_on(row, data.segments, self.as_of) if self.as_of else row["status"]
        row = data.segments.loc[feature_id]
        return status_on(row, self.as_of) if self.as_of else row["status"]

    @property
    def empty(self) -> bool:
        """True when no route, segment or airport was chosen (:func:`select` refuses that)."""
        return not (self.routes or self.segments or self.airports)


def select(
    data: Dataset,
    ids: Sequence[str] | None = None,
    layers: Sequence[str] | None = None,
    as_of: dt.date | None = None,
    *,
    purpose: str = "map",
) -> Selection:
    """Resolve feature ids or layer names (everything when neither is given) to the features they hold.

    A route brings its segments, whatever their layer; each segment belongs to its own layer's group
    when that layer is chosen, else to the group of the first route using it. The places are those
    the segments start or end at and the airports serve.

    Parameters
    ----------
    data
        The dataset.
    ids
        Route, segment or airport ids.
    layers
        Layer names (:data:`corridors.vocab.LAYERS`); not with ``ids``.
    as_of
        Keep only the routes and segments that exist on this date (:func:`corridors.timeline.active_on`).
    purpose
        What the selection is for, in the message when it holds nothing (``"nothing to map"``).

    Returns
    -------
    Selection
        At least one route, segment or airport.

    Raises
    ------
    UsageError
        For unknown ids or layers (with suggestions), places, both ids and layers, or nothing chosen.
    """
    if ids and layers:
        raise UsageError("give feature ids or layers, not both")
    if ids:
        kinds = {i: data.kind_of(i) for i in dict.fromkeys(ids)}
        places = [i for i, kind in kinds.items() if kind == "place"]
        if places:
            raise UsageError(f"{places[0]!r} is a place; choose routes, segments or airports")
        routes = [i for i, k in kinds.items() if k == "route"]
        chosen_segments = [i for i, k in kinds.items() if k == "segment"]
        airports = [i for i, k in kinds.items() if k == "airport"]
    else:
        names = check_layers(layers or LAYERS)
        routes = list(data.routes.index[data.routes["layer"].isin(names)])
        chosen_segments = list(data.segments.index[data.segments["layer"].isin(names)])
        airports = list(data.airports.index) if AIRPORTS_LAYER in names else []
    if as_of is not None:
        routes = _existing(data.routes, routes, as_of, data.segments)
        chosen_segments = _existing(data.segments, chosen_segments, as_of)
        airports = _existing(data.airports, airports, as_of)
    needed = list(dict.fromkeys([*chosen_segments, *(s for r in routes for s in data.routes.at[r, "segments"])]))
    if as_of is not None:
        needed = _existing(data.segments, needed, as_of)
    groups = {data.routes.at[r, "layer"] for r in routes} | {data.segments.at[s, "layer"] for s in chosen_segments}
    segments: dict[str, str] = {}
    for segment in needed:
        own = data.segments.at[segment, "layer"]
        segments[segment] = own if own in groups else next(
            data.routes.at[r, "layer"] for r in routes if segment in data.routes.at[r, "segments"]
        )
    used = {*data.segments.loc[list(segments), "from"], *data.segments.loc[list(segments), "to"]}
    used |= set(data.airports.loc[airports, "serves"])
    ordered = [name for name in CORRIDOR_LAYERS if name in groups] + ([AIRPORTS_LAYER] if airports else [])
    chosen = Selection(routes, segments, airports, [p for p in data.places.index if p in used], ordered, as_of)
    if chosen.empty:
        what = f" as of {as_of.isoformat()}" if as_of else f": {', '.join(names)} hold(s) no features" if layers else ""
        raise UsageError(f"nothing to {purpose}{what}")
    return chosen


def routes_on(data: Dataset, ids: Sequence[str] | None, as_of: dt.date) -> tuple[list[str], int]:
    """The routes among ``ids`` (every route when None) that exist on ``as_of``, and how many were left out.

    A route exists when it and all its segments do (:func:`corridors.timeline.active_on`).

    Parameters
    ----------
    data
        The dataset.
    ids
        Route ids asked for by name, or None for every route.
    as_of
        The date.

    Returns
    -------
    tuple of (list of str, int)
        The routes to compare, and how many routes were left out (none when they were named).

    Raises
    ------
    UsageError
        For a route asked for by name that does not exist on that date, or when no route does.
    """
    if ids is None:
        chosen = _existing(data.routes, list(data.routes.index), as_of, data.segments)
        if not chosen:
            raise UsageError(f"no route is open on {as_of.isoformat()}")
        return chosen, len(data.routes) - len(chosen)
    is_open = active_on(data.routes, as_of, data.segments)
    for route_id in ids:
        if route_id in data.routes.index and not is_open[route_id]:
            why = why_not_on(data.routes.loc[route_id], as_of, data.segments)
            raise UsageError(f"route {route_id!r} does not exist on {as_of.isoformat()} ({why})")
    return list(ids), 0


def _existing(frame: pd.DataFrame, ids: list[str], as_of: dt.date, segments: pd.DataFrame | None = None) -> list[str]:
    """The ids, in order, of the rows that exist on ``as_of`` (routes: with all their ``segments``)."""
    if not ids:
        return []
    active = active_on(frame.loc[ids], as_of, segments)
    return [i for i in ids if active[i]]
