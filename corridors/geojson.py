"""The one GeoJSON serialiser: plain JSON values, RFC 7946 geometries, feature collections.

RFC 7946: WGS84 longitude/latitude, no ``crs`` member, coordinates with at most
:data:`~corridors.vocab.COORDINATE_DECIMALS` decimals, polygon exterior rings counter-clockwise,
lines crossing the antimeridian split there. Collections are written one feature per line, so that
they stay readable and diff well, and compose in pipes (``jq``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.polygon import orient

from .io import to_json
from .tracks import Track
from .vocab import COORDINATE_DECIMALS


def plain(value: Any) -> Any:
    """A table cell as a plain JSON value: numpy scalars unwrapped, missing or non-finite as null.

    Parameters
    ----------
    value
        A cell of a pandas frame (or a numpy value).

    Returns
    -------
    object
        ``None``, ``str``, ``int``, ``float`` (finite), ``bool``, ``list`` or ``dict``; arrays become
        lists, dates ISO text, anything else its text.
    """
    if isinstance(value, np.ndarray):
        return [plain(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (str, int, bool, list, dict)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def rounded(coordinates: Any, decimals: int = COORDINATE_DECIMALS) -> Any:
    """Nested coordinate sequences as lists, every number rounded.

    Parameters
    ----------
    coordinates
        A position, or nested sequences of positions (any depth).
    decimals
        Decimals kept.

    Returns
    -------
    list
        The same nesting, as lists of floats.
    """
    if isinstance(coordinates[0], (int, float, np.number)):
        return [round(float(c), decimals) for c in coordinates]
    return [rounded(c, decimals) for c in coordinates]


def line_geometry(parts: Sequence[Any]) -> dict[str, Any]:
    """A LineString (one part) or MultiLineString of rounded lon/lat parts, such as a Track's.

    Parameters
    ----------
    parts
        Arrays or lists of positions, in order.

    Returns
    -------
    dict
        The GeoJSON geometry.
    """
    lines = [rounded(np.asarray(part).tolist()) for part in parts]
    if len(lines) == 1:
        return {"type": "LineString", "coordinates": lines[0]}
    return {"type": "MultiLineString", "coordinates": lines}


def geometry(shape: Any, *, split_antimeridian: bool = True) -> dict[str, Any] | None:
    """A shapely geometry in RFC 7946 form.

    Parameters
    ----------
    shape
        A geometry in lon/lat, or None.
    split_antimeridian
        Split lines at ±180° (see :meth:`corridors.tracks.Track.split_at_antimeridian`); lines are
        then written in two dimensions. Without it lines are written as they are, Z included.

    Returns
    -------
    dict or None
        The GeoJSON geometry; None for a missing or empty one.
    """
    if shape is None or shape.is_empty:
        return None
    if split_antimeridian and shape.geom_type in ("LineString", "MultiLineString"):
        return line_geometry(Track.from_geometry(shape).parts)
    if isinstance(shape, Polygon):
        shape = orient(shape, 1.0)
    elif isinstance(shape, MultiPolygon):
        shape = MultiPolygon([orient(polygon, 1.0) for polygon in shape.geoms])
    mapping = shapely.geometry.mapping(shape)
    return {"type": mapping["type"], "coordinates": rounded(mapping["coordinates"])}


def frame_features(frame: gpd.GeoDataFrame) -> Iterator[dict[str, Any]]:
    """The rows of a frame as GeoJSON features, their columns as properties and ``id`` as the feature id.

    Parameters
    ----------
    frame
        Any GeoDataFrame with a CRS; it is reprojected to CRS84.

    Yields
    ------
    dict
        One feature per row.
    """
    frame = frame.to_crs("OGC:CRS84")
    columns = [c for c in frame.columns if c != frame.geometry.name]
    for values, shape in zip(frame[columns].itertuples(index=False, name=None), frame.geometry):
        properties = {column: plain(value) for column, value in zip(columns, values)}
        identifier = {"id": properties["id"]} if properties.get("id") is not None else {}
        yield {"type": "Feature", **identifier, "geometry": geometry(shape), "properties": properties}


def collection_text(features: Iterable[dict[str, Any]]) -> str:
    """GeoJSON features as one compact FeatureCollection, one feature per line.

    Parameters
    ----------
    features
        Features already in RFC 7946 form.

    Returns
    -------
    str
        The text, ending with a newline.
    """
    lines = [to_json(feature, ensure_ascii=False, separators=(",", ":")) for feature in features]
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"


def frames_text(frames: Iterable[gpd.GeoDataFrame]) -> str:
    """The frames' features as one RFC 7946 FeatureCollection, one feature per line.

    Parameters
    ----------
    frames
        GeoDataFrames (see :func:`frame_features`).

    Returns
    -------
    str
        See :func:`collection_text`.
    """
    return collection_text(feature for frame in frames for feature in frame_features(frame))
