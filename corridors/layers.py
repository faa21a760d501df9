"""Read and validate the layers in geo/, and join the cited attributes to them in a :class:`Dataset`.

Everything downstream (analysis, maps, exports, routing) starts from the dataset :func:`load_dataset`
returns.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from . import cache
from .attributes import load_citations
from .concepts import CONCEPTS_FILE, load_concepts
from .dataset import Dataset
from .documents import load_documents
from .errors import InvalidData
from .io import protect_data_dir
from .paths import data_dir, geo_dir, seeds_dir
from .published import PUBLISHED_FILE, load_published
from .timeline import closing_problem, is_iso_date
from .vocab import (
    AIRPORTS_LAYER,
    CORRIDOR_LAYERS,
    GEOMETRY_QUALITIES,
    MODES,
    PLACES_LAYER,
    STATUSES,
    is_icao,
    is_iso3,
)

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


def load_dataset(root: Path | str | None = None) -> Dataset:
    """Load and validate the documents, every layer in geo/ and the cited attributes.

    A dataset validated before from the same files (every file under ``seeds/`` and ``geo/``, by
    path and SHA-256 of its content) and the same code is read back from the disk cache
    (:mod:`corridors.cache`) instead.

    Parameters
    ----------
    root
        Directory holding ``seeds/`` and ``geo/``; defaults to :func:`corridors.paths.data_dir`.

    Returns
    -------
    Dataset
        The validated layers, documents, citations and concepts.

    Raises
    ------
    InvalidData
        Naming the file, the feature and what is wrong.
    """
    base = data_dir(root)
    protect_data_dir(base)  # no output of this process may overwrite the data it loaded
    try:
        folders = (seeds_dir(base), geo_dir(base))
        files = sorted((str(p), cache.file_digest(p)) for folder in folders for p in folder.rglob("*") if p.is_file())
    except OSError:  # unreadable: load it (and report what is wrong) without the cache
        return _load_dataset(base)
    entry = cache.key("dataset", files, cache.code_digest())  # paths too: documents keep theirs
    load = cache.load_pickle
    return cache.cached("datasets", entry, lambda: _load_dataset(base), cache.save_pickle, load)


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
    """What is wrong with one feature of a layer file, or None: its kind, name and geometry, then its properties."""
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
    if kind in ("segment", "route"):
        return _line_problem(props, layer)
    return _date_problem(props) or _point_problem(props)


def _date_problem(props: dict[str, Any]) -> str | None:
    """What is wrong with the ``opened`` and ``closed`` dates, or None."""
    for key in ("opened", "closed"):
        if props.get(key) is not None and not is_iso_date(props[key]):
            return f"{key} {props[key]!r} is not an ISO date string (YYYY, YYYY-MM or YYYY-MM-DD)"
    return None


def _line_problem(props: dict[str, Any], layer: str) -> str | None:
    """What is wrong with the properties of a segment or route, or None."""
    if props.get("layer") != layer:
        return f"layer property {props.get('layer')!r} does not match the file's layer {layer!r}"
    if props.get("status") not in STATUSES:
        return f"status {props.get('status')!r} is not one of {', '.join(STATUSES)}"
    if _date_problem(props):
        return _date_problem(props)
    if props.get("status") == "historical" and not props.get("closed"):
        return "a historical line needs its 'closed' date"
    if props["kind"] == "segment" and props.get("mode") not in MODES:
        return f"mode {props.get('mode')!r} is not one of {', '.join(MODES)}"
    if props["kind"] == "segment" and props.get("geometry_quality") not in GEOMETRY_QUALITIES:
        return f"geometry_quality {props.get('geometry_quality')!r} is not one of {', '.join(GEOMETRY_QUALITIES)}"
    if props["kind"] == "route":
        if not props.get("segments") or not isinstance(props["segments"], list):
            return "route lists no segments"
        if not props.get("countries") or not all(is_iso3(c) for c in props["countries"]):
            return f"countries {props.get('countries')!r} must be a list of ISO3 codes"
    return None


def _point_problem(props: dict[str, Any]) -> str | None:
    """What is wrong with the properties of a place or airport, or None."""
    if not is_iso3(props.get("country")):
        return f"country {props.get('country')!r} is not an ISO3 code"
    if props["kind"] == "place" and props.get("geonameid") is None and not props.get("source"):
        return "a place without a GeoNames id needs a 'source' for its coordinates"
    if props["kind"] == "airport" and not is_icao(props["id"]):
        return "airport id must be its four-letter ICAO code"
    if props["kind"] == "airport" and bool(props.get("opened")) != bool(props.get("opened_source")):
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
