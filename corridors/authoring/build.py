"""The generated layers: segment lines densified along geodesics, routes joined in travel order, features.

Every line is densified along the WGS84 geodesic and rounded to :data:`DECIMALS`, so that the
committed GeoJSON is reproducible byte for byte.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..geodesy import densify
from ..geojson import collection_text
from ..io import write_text_atomic
from ..tracks import orient
from .sources import LAYERS, SOURCE_DIR, Coord, Place, Route, Segment, Sources, fail, iso3_by_iso2, load_sources

#: Largest geodesic gap between consecutive vertices. Kept below the 2 km contract so that rounding
#: to 6 decimals (about 0.1 m) can never push a gap over it.
MAX_SPACING_M = 1990.0
DECIMALS = 6


def _rounded(points: Iterable[Coord]) -> list[list[float]]:
    """Round to the output precision and drop vertices that rounding made identical."""
    out: list[list[float]] = []
    for lon, lat in points:
        vertex = [round(lon, DECIMALS), round(lat, DECIMALS)]
        if not out or out[-1] != vertex:
            out.append(vertex)
    return out


def _sea_lane(start: Coord, end: Coord) -> list[Coord]:
    """Intermediate vertices of the shortest sea lane between two points at sea."""
    import searoute

    feature = searoute.searoute(list(start), list(end), append_orig_dest=False)
    return [(float(lon), float(lat)) for lon, lat in feature["geometry"]["coordinates"]]


def segment_line(segment: Segment, places: dict[str, Place]) -> list[list[float]]:
    """The segment's vertices from its start place through its waypoints to its end place.

    Parameters
    ----------
    segment
        The segment.
    places
        Places by id.

    Returns
    -------
    list
        ``[lon, lat]`` vertices, densified and rounded.
    """
    anchors: list[Coord | None] = [places[segment.start].lonlat]
    for point in segment.via:
        anchors.append(None if point.get("searoute") else tuple(point["at"]))
    anchors.append(places[segment.end].lonlat)
    points: list[Coord] = []
    for i, anchor in enumerate(anchors):
        if anchor is None:
            following = anchors[i + 1]
            assert following is not None, "load_segments rejects two searoute waypoints in a row"
            points.extend(_sea_lane(points[-1], following))
        else:
            points.append(anchor)
    return _rounded(map(tuple, densify(points, MAX_SPACING_M / 1000.0)))


def orient_route(route: Route, segments: dict[str, Segment]) -> list[tuple[str, bool]]:
    """Return ``(segment id, reversed)`` in travel order, or raise if the chain is broken.

    Parameters
    ----------
    route
        The route.
    segments
        Segments by id.

    Returns
    -------
    list of tuple
        ``(segment id, reversed)`` in travel order.

    Raises
    ------
    AuthoringError
        Naming the route and the segment that does not join the previous one.
    """
    ends = {sid: (segments[sid].start, segments[sid].end) for sid in route.segments}
    try:
        return [(step.segment, not step.forward) for step in orient(route.segments, ends)]
    except ValueError as exc:
        raise fail("routes.toml", f"route {route.id!r}", str(exc)) from None


def route_line(route: Route, segments: dict[str, Segment], lines: dict[str, list[list[float]]]) -> list[list[float]]:
    """Concatenate the oriented segment lines, merging the shared joint vertices.

    Parameters
    ----------
    route
        The route.
    segments
        Segments by id.
    lines
        Line coordinates by segment id (see :func:`segment_line`).

    Returns
    -------
    list
        The route's ``[lon, lat]`` vertices in travel order.
    """
    out: list[list[float]] = []
    for sid, backwards in orient_route(route, segments):
        line = lines[sid][::-1] if backwards else lines[sid]
        out.extend(line[1:] if out and out[-1] == line[0] else line)
    return out


# --------------------------------------------------------------------------- features


def _feature(properties: dict[str, Any], geometry: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def _point(lonlat: Coord) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [round(lonlat[0], DECIMALS), round(lonlat[1], DECIMALS)]}


def place_features(places: dict[str, Place]) -> list[dict[str, Any]]:
    """Point features for the places, in source order.

    Parameters
    ----------
    places
        Places by id.

    Returns
    -------
    list of dict
        GeoJSON Point features.
    """
    return [
        _feature(
            {
                "id": p.id,
                "kind": "place",
                "name": p.name,
                "place_type": p.place_type,
                "country": p.country,
                "geonameid": p.geonameid,
                "source": p.source,
                "aliases": list(p.aliases),
            },
            _point(p.lonlat),
        )
        for p in places.values()
    ]


def layer_features(layer: str, src: Sources, lines: dict[str, list[list[float]]]) -> list[dict[str, Any]]:
    """The layer's segments then its routes, each in source order.

    Parameters
    ----------
    layer
        The layer's name.
    src
        The checked sources.
    lines
        Line coordinates by segment id (see :func:`segment_line`).

    Returns
    -------
    list of dict
        GeoJSON LineString features.
    """
    features = [
        _feature(
            {
                "id": s.id,
                "kind": "segment",
                "name": s.name,
                "layer": s.layer,
                "mode": s.mode,
                "status": s.status,
                "geometry_quality": s.geometry_quality,
                "opened": s.opened,
                "closed": s.closed,
                "from": s.start,
                "to": s.end,
                "source": s.source,
            },
            {"type": "LineString", "coordinates": lines[s.id]},
        )
        for s in src.segments.values()
        if s.layer == layer
    ]
    for r in src.routes.values():
        if r.layer != layer:
            continue
        features.append(
            _feature(
                {
                    "id": r.id,
                    "kind": "route",
                    "name": r.name,
                    "layer": r.layer,
                    "segments": list(r.segments),
                    "countries": list(r.countries),
                    "status": r.status,
                    "opened": r.opened,
                    "closed": r.closed,
                    "aliases": list(r.aliases),
                },
                {"type": "LineString", "coordinates": route_line(r, src.segments, lines)},
            )
        )
    return features


def airport_features(src: Sources) -> list[dict[str, Any]]:
    """Point features for the airports, with name, IATA, position and country from airports-py.

    Parameters
    ----------
    src
        The checked sources.

    Returns
    -------
    list of dict
        GeoJSON Point features.

    Raises
    ------
    AuthoringError
        For an airport that airports-py does not know.
    """
    from airports import airport_data

    iso3 = iso3_by_iso2()
    features = []
    for row in src.airports:
        found = airport_data.get_airport_by_icao(row["icao"])
        if not found:
            raise fail("airports.toml", f"airport {row['icao']!r}", "not known to airports-py")
        info = found[0]
        features.append(
            _feature(
                {
                    "id": row["icao"],
                    "kind": "airport",
                    "name": info["airport"],
                    "iata": info["iata"] or None,
                    "country": iso3[info["country_code"]],
                    "serves": row["serves"],
                    "opened": row.get("opened"),
                    "opened_source": row.get("opened_source"),
                    "source": row["source"],
                },
                _point((float(info["longitude"]), float(info["latitude"]))),
            )
        )
    return features


def build(source_dir: Path = SOURCE_DIR) -> dict[str, str]:
    """Return the text of every generated file, keyed by file name.

    Parameters
    ----------
    source_dir
        The folder of the source TOML files.

    Returns
    -------
    dict
        File text by file name.
    """
    src = load_sources(source_dir)
    lines = {sid: segment_line(seg, src.places) for sid, seg in src.segments.items()}
    files = {"places.geojson": collection_text(place_features(src.places))}
    for layer in LAYERS:
        files[f"{layer}.geojson"] = collection_text(layer_features(layer, src, lines))
    files["airports.geojson"] = collection_text(airport_features(src))
    return files


def write(out_dir: Path, source_dir: Path = SOURCE_DIR) -> list[Path]:
    """Generate every file into ``out_dir`` and return the paths written.

    Parameters
    ----------
    out_dir
        The folder to write into; created if needed.
    source_dir
        The folder of the source TOML files.

    Returns
    -------
    list of Path
        The files written.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in build(source_dir).items():
        path = out_dir / name
        write_text_atomic(path, text)
        written.append(path)
    return written
