"""Read and validate the layers in geo/, and join the cited attributes and mentions to them.

Everything downstream (analysis, maps, exports, routing) starts from a :class:`Dataset`.
"""

from __future__ import annotations

import difflib
import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from . import cache
from .attributes import (
    STATUSES,
    Citation,
    Mention,
    claim_label,
    grouped_by_quote,
    in_lifetime,
    load_citations,
    mention_index,
)
from .concepts import CONCEPTS_FILE, CONCEPTS_LAYER, Concepts, load_concepts
from .defaults import GEOMETRY_QUALITIES, MODES
from .documents import Document, load_documents
from .errors import InvalidData, UnknownFeature, UnknownLayer
from .io import protect_data_dir
from .paths import data_dir, geo_dir, seeds_dir
from .published import PUBLISHED_FILE, PublishedLength, load_published
from .timeline import closing_problem, is_iso_date

#: The corridor layers, in display order, with their titles.
CORRIDOR_LAYERS = {
    "middle-corridor": "Middle Corridor (Trans-Caspian route)",
    "tripp-zangezur": "TRIPP / Zangezur route",
    "lachin-road": "Lachin corridor and roads",
    "north-south": "International North–South Transport Corridor",
}
#: One colour per corridor layer, shared by maps and exports; historical lines are grey in every layer.
LAYER_COLOURS = {
    "middle-corridor": "#1f5aa6",
    "tripp-zangezur": "#b8322a",
    "lachin-road": "#7b3f9e",
    "north-south": "#b86200",
}
HISTORICAL_COLOUR = "#8c8c8c"
AIRPORTS_LAYER = "airports"
PLACES_LAYER = "places"
LAYERS = {**CORRIDOR_LAYERS, AIRPORTS_LAYER: "Airports"}
MAX_DECIMALS = 7

ISO3 = re.compile(r"^[A-Z]{3}$")
ICAO = re.compile(r"^[A-Z]{4}$")
#: Properties each kind of feature has, None where the data leave them out.
COLUMNS = {
    "place": ("place_type", "country", "geonameid", "source", "aliases"),
    "segment": ("layer", "mode", "status", "geometry_quality", "opened", "closed", "from", "to", "source"),
    "route": ("layer", "segments", "countries", "status", "opened", "closed", "aliases"),
    "airport": ("iata", "country", "serves", "opened", "opened_source", "source", "aliases"),
}
_GEOMETRY_FOR_KIND = {
    "place": ("Point",),
    "airport": ("Point",),
    "segment": ("LineString",),
    "route": ("LineString", "MultiLineString"),
}


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
        """The JSON form ``corridors show`` prints."""
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
    name: str
    title: str
    routes: int
    segments: int
    airports: int
    cited_attributes: int
    mentions: int

    @property
    def features(self) -> int:
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
        return {"place": self.places, "segment": self.segments, "route": self.routes, "airport": self.airports}

    def citations_for(self, feature_id: str) -> list[Citation]:
        return list(self._citations_by_feature.get(feature_id, ()))

    def citations_text(self, feature_id: str) -> str:
        """The feature's citations, one paragraph per quote: ``according to <source>, <date>: “quote”``
        then a line per value it supports."""
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

    @property
    def ids(self) -> list[str]:
        return [i for frame in self.frames.values() for i in frame.index] + list(self.concepts.concepts)

    def kind_of(self, feature_id: str) -> str:
        for kind, frame in self.frames.items():
            if feature_id in frame.index:
                return kind
        if feature_id in self.concepts.concepts:
            return "concept"
        raise self.unknown(feature_id)

    def unknown(self, feature_id: str) -> UnknownFeature:
        """The error for an id no layer holds, with up to three close ids as suggestions."""
        ids = self.ids
        lowered = {i.lower(): i for i in ids}
        close = difflib.get_close_matches(feature_id.lower(), list(lowered), n=3, cutoff=0.6)
        return UnknownFeature(feature_id, [lowered[c] for c in close])

    def feature(self, feature_id: str) -> FeatureInfo:
        """Look a feature up by id (any layer).

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
            k: _plain(v)
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
        """The features of one layer: routes and segments of a corridor layer, or the airports."""
        if name == AIRPORTS_LAYER:
            return self.airports
        if name == PLACES_LAYER:
            return self.places
        if name not in CORRIDOR_LAYERS:
            raise UnknownLayer(name, difflib.get_close_matches(name, [*LAYERS, PLACES_LAYER], n=3))
        parts = [self.routes[self.routes["layer"] == name], self.segments[self.segments["layer"] == name]]
        return gpd.GeoDataFrame(pd.concat(parts), geometry="geometry", crs=self.routes.crs)

    def summary(self) -> list[LayerSummary]:
        """Counts per layer, for ``corridors layers``."""
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


def line_geometry_quality(qualities: Sequence[str]) -> str | None:
    """A line's quality from its segments': ``traced`` only when every segment is, else ``schematic``."""
    if not qualities:
        return None
    return "traced" if all(q == "traced" for q in qualities) else "schematic"


def _plain(value: Any) -> Any:
    """Make a pandas cell JSON-friendly (NaN and None become None)."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def check_layers(names: Iterable[str]) -> list[str]:
    """The layer names, deduplicated in order, each one of :data:`LAYERS`.

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


def load_dataset(root: Path | str | None = None) -> Dataset:
    """Load and validate the documents, every layer in geo/ and the cited attributes.

    A dataset validated before from the same files (every file under ``seeds/`` and ``geo/``, by
    path, size and modification time) and the same code is read back from the disk cache
    (:mod:`corridors.cache`) instead.

    Parameters
    ----------
    root
        Directory holding ``seeds/`` and ``geo/``; defaults to :func:`corridors.paths.data_dir`.

    Raises
    ------
    InvalidData
        Naming the file, the feature and what is wrong.
    """
    base = data_dir(root)
    protect_data_dir(base)  # no output of this process may overwrite the data it loaded
    try:
        folders = (seeds_dir(base), geo_dir(base))
        files = sorted(cache.file_fingerprint(p) for folder in folders for p in folder.rglob("*") if p.is_file())
    except OSError:  # unreadable: load it (and report what is wrong) without the cache
        return _load_dataset(base)
    entry = cache.key("dataset", files, cache.code_digest())
    load = cache.load_pickle
    return cache.cached("datasets", entry, lambda: _load_dataset(base), cache.save_pickle, load)  # type: ignore[arg-type]


def _load_dataset(base: Path) -> Dataset:
    folder = geo_dir(base)
    documents = load_documents(base)
    places = _read_layer(folder / f"{PLACES_LAYER}.geojson", PLACES_LAYER, {"place"})
    airports = _read_layer(folder / f"{AIRPORTS_LAYER}.geojson", AIRPORTS_LAYER, {"airport"})
    corridor_features = [
        feature
        for name in CORRIDOR_LAYERS
        for feature in _read_layer(folder / f"{name}.geojson", name, {"segment", "route"})
    ]
    all_features = places + airports + corridor_features
    duplicates = [i for i, n in Counter(f["properties"]["id"] for f in all_features).items() if n > 1]
    if duplicates:
        raise InvalidData(folder, "id used by more than one feature", feature=duplicates[0])
    _check_references(folder, places, corridor_features)
    frames = {
        kind: _frame(kind, [f for f in all_features if f["properties"]["kind"] == kind])
        for kind in ("place", "segment", "route", "airport")
    }
    concepts = load_concepts(folder / CONCEPTS_FILE)
    ids = [f["properties"]["id"] for f in all_features]
    clashing = sorted(set(ids) & set(concepts.concepts))
    if clashing:
        raise InvalidData(folder / CONCEPTS_FILE, "concept id is also a layer feature", feature=clashing[0])
    unknown = sorted(set(concepts.lifetimes) - set(ids) - set(concepts.concepts))
    if unknown:
        raise InvalidData(folder / CONCEPTS_FILE, "lifetime of a feature no layer has", feature=unknown[0])
    citations = load_citations(
        documents, ids + list(concepts.concepts), folder / "attributes.csv", lifetimes=concepts.lifetimes
    )
    published = load_published(folder / PUBLISHED_FILE, frames["route"].index)
    return Dataset(
        documents, frames["place"], frames["segment"], frames["route"], frames["airport"], citations, published,
        concepts,
    )


def _read_layer(path: Path, layer: str, kinds: set[str]) -> list[dict[str, Any]]:
    """Parse one GeoJSON layer and validate each feature's properties and geometry."""
    try:
        collection = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidData(path, "layer file is missing") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidData(path, f"not valid JSON ({exc})") from None
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise InvalidData(path, "not a GeoJSON FeatureCollection")
    if "crs" in collection:
        raise InvalidData(path, "has a 'crs' member, which RFC 7946 removed (coordinates are WGS84)")
    features = collection.get("features")
    if not isinstance(features, list):
        raise InvalidData(path, "'features' is not a list")
    for position, feature in enumerate(features):
        props = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(props, dict) or not props.get("id"):
            raise InvalidData(path, "feature has no id", feature=f"#{position}")
        problem = _feature_problem(feature, layer, kinds)
        if problem:
            raise InvalidData(path, problem, feature=str(props["id"]))
    return features


def _feature_problem(feature: dict[str, Any], layer: str, kinds: set[str]) -> str | None:
    props = feature["properties"]
    kind = props.get("kind")
    if kind not in kinds:
        return f"kind {kind!r} does not belong in this layer (expected {' or '.join(sorted(kinds))})"
    if not props.get("name"):
        return "has no name"
    geometry = feature.get("geometry")
    if not isinstance(geometry, dict) or geometry.get("type") not in _GEOMETRY_FOR_KIND[kind]:
        got = geometry.get("type") if isinstance(geometry, dict) else geometry
        return f"{kind} geometry must be {' or '.join(_GEOMETRY_FOR_KIND[kind])}, not {got}"
    try:
        feature["_shape"] = _parse_geometry(geometry)
    except ValueError as exc:
        return str(exc)
    if kind in ("segment", "route") and props.get("layer") != layer:
        return f"layer property {props.get('layer')!r} does not match the file's layer {layer!r}"
    if kind in ("segment", "route") and props.get("status") not in STATUSES:
        return f"status {props.get('status')!r} is not one of {', '.join(STATUSES)}"
    for key in ("opened", "closed"):
        if props.get(key) is not None and not is_iso_date(props[key]):
            return f"{key} {props[key]!r} is not an ISO date string (YYYY, YYYY-MM or YYYY-MM-DD)"
    if kind in ("segment", "route") and props.get("status") == "historical" and not props.get("closed"):
        return "a historical line needs its 'closed' date"
    if kind == "segment" and props.get("mode") not in MODES:
        return f"mode {props.get('mode')!r} is not one of {', '.join(MODES)}"
    if kind == "segment" and props.get("geometry_quality") not in GEOMETRY_QUALITIES:
        return f"geometry_quality {props.get('geometry_quality')!r} is not one of {', '.join(GEOMETRY_QUALITIES)}"
    if kind == "route":
        if not props.get("segments") or not isinstance(props["segments"], list):
            return "route lists no segments"
        if not props.get("countries") or not all(ISO3.match(str(c)) for c in props["countries"]):
            return f"countries {props.get('countries')!r} must be a list of ISO3 codes"
    if kind in ("place", "airport") and not ISO3.match(str(props.get("country", ""))):
        return f"country {props.get('country')!r} is not an ISO3 code"
    if kind == "place" and props.get("geonameid") is None and not props.get("source"):
        return "a place without a GeoNames id needs a 'source' for its coordinates"
    if kind == "airport" and not ICAO.match(str(props["id"])):
        return "airport id must be its four-letter ICAO code"
    if kind == "airport" and bool(props.get("opened")) != bool(props.get("opened_source")):
        return "an airport's 'opened' date and its 'opened_source' go together"
    return None


def _parse_geometry(geometry: dict[str, Any]) -> Any:
    """The shapely geometry of a GeoJSON Point, LineString or MultiLineString, checked as whole arrays.

    Raises
    ------
    ValueError
        Describing the first position that is not a finite lon/lat in range.
    """
    kind = geometry["type"]
    coordinates = geometry.get("coordinates")
    parts = coordinates if kind == "MultiLineString" else [coordinates]
    if not isinstance(parts, list) or not parts:
        raise ValueError("geometry has no coordinates")
    arrays = []
    for part in parts:
        try:
            xy = np.asarray(part, dtype=float)
        except (TypeError, ValueError):
            raise ValueError(f"positions {str(part)[:60]} are not pairs of numbers") from None
        positions = xy.reshape(1, -1) if kind == "Point" else xy
        if positions.ndim != 2 or positions.shape[1] not in (2, 3) or (kind != "Point" and len(positions) < 2):
            raise ValueError(f"positions {str(part)[:60]} do not make a {kind}")
        lon, lat = positions[:, 0], positions[:, 1]
        bad = ~(np.isfinite(positions).all(axis=1) & (np.abs(lon) <= 180) & (np.abs(lat) <= 90))
        if bad.any():
            first = positions[np.argmax(bad)].tolist()
            raise ValueError(f"position {first} is not finite or is outside lon -180..180, lat -90..90")
        arrays.append(positions)
    if kind == "Point":
        return shapely.points(arrays[0][0])
    lines = [shapely.linestrings(a) for a in arrays]
    return lines[0] if kind == "LineString" else shapely.multilinestrings(lines)


def _check_references(folder: Path, places: list[dict], corridor_features: list[dict]) -> None:
    place_ids = {p["properties"]["id"] for p in places}
    segments = {
        f["properties"]["id"]: f["properties"] for f in corridor_features if f["properties"]["kind"] == "segment"
    }
    for feature in corridor_features:
        props = feature["properties"]
        path = folder / f"{props['layer']}.geojson"
        if props["kind"] == "segment":
            for end in ("from", "to"):
                if props.get(end) not in place_ids:
                    raise InvalidData(path, f"{end} place {props.get(end)!r} is not in places.geojson", props["id"])
        else:
            missing = [s for s in props["segments"] if s not in segments]
            if missing:
                raise InvalidData(path, f"unknown segment {missing[0]!r}", feature=props["id"])
            problem = closing_problem(props, {s: segments[s].get("closed") for s in props["segments"]})
            if problem:
                raise InvalidData(path, problem, feature=props["id"])


def _frame(kind: str, features: list[dict[str, Any]]) -> gpd.GeoDataFrame:
    """The features of one kind, with every column of that kind even where the data leave it out."""
    columns = ["id", "kind", "name", *COLUMNS[kind]]
    records = [dict.fromkeys(columns) | dict(f["properties"]) for f in features]
    frame = gpd.GeoDataFrame(
        pd.DataFrame(records, columns=list(dict.fromkeys(columns + [k for r in records for k in r]))),
        geometry=[f["_shape"] for f in features],
        crs="EPSG:4326",
    )
    return frame.set_index("id", drop=False).rename_axis(None)
