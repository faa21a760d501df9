"""Derive the reference tracks of ``geo/reference/`` from transcribed OpenStreetMap route relations.

``python -m corridors.authoring.reference_tracks`` reads ``geo/reference/source/<relation>.txt``
(the member ways of one OpenStreetMap route relation, transcribed from the stored copy of
``Argbjorn/georgian_railway_2025`` ``static/data/routes_geodata/<relation>.json``; nothing is fetched)
and writes ``geo/reference/georgian-railway-tracks.geojson``: one MultiLineString per relation, its
ways chained end to end (a way stored backwards is turned round; a way that meets neither end of the
chain starts a new part), and one Point per stop of the relation. The transcription format, one
item a line (``#`` starts a comment):

* ``way <id>`` starts a way, followed by its vertices, ``<lat> <lon>`` (as in the JSON: latitude first);
* ``stop <node id> <lat> <lon> <name>`` a stop node of the relation;
* ``name <text>`` the relation's name, ``commit <sha>`` the commit of the copy it was read from.

The chained line is checked for transcription slips: every edge under :data:`MAX_EDGE_M` and no
vertex making a detour of more than :data:`MAX_DETOUR_M` off the line through its neighbours.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely
import shapely.ops
from pyproj import Transformer

from ..errors import AuthoringError, CorridorsError
from ..geodesy import edge_lengths_m
from .sources import GEO_DIR

REFERENCE_DIR = GEO_DIR / "reference"
TRACKS_FILE = REFERENCE_DIR / "georgian-railway-tracks.geojson"
#: Two way ends closer than this (degrees, about 2 m) are the same OpenStreetMap node.
JOIN_TOLERANCE_DEG = 2e-5
#: Longest edge of a transcribed way; a longer one is a typing slip (OSM ways here have vertices every few hundred m).
MAX_EDGE_M = 4000.0
#: A vertex lying further than this off the chord of its neighbours, as a spike, is a typing slip.
MAX_DETOUR_M = 150.0
DECIMALS = 5


@dataclass
class Relation:
    """One transcribed route relation: its ways in member order and its stops."""

    relation_id: int
    name: str = ""
    commit: str = ""
    ways: list[tuple[int, np.ndarray]] = field(default_factory=list)
    stops: list[tuple[int, float, float, str]] = field(default_factory=list)


def read_transcription(path: Path) -> Relation:
    """Read one ``<relation>.txt`` transcription.

    Parameters
    ----------
    path
        The file; its stem is the relation id.

    Returns
    -------
    Relation
        Ways as (n, 2) lon/lat arrays.

    Raises
    ------
    AuthoringError
        Naming the file and line of anything that is not an item of the format.
    """
    relation = Relation(int(path.stem))
    way_id: int | None = None
    vertices: list[tuple[float, float]] = []

    def close_way() -> None:
        if way_id is not None:
            if len(vertices) < 2:
                raise AuthoringError(f"{path.name}: way {way_id} has fewer than 2 vertices")
            relation.ways.append((way_id, np.array(vertices, dtype=float)))

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        word, _, rest = line.partition(" ")
        try:
            if word == "way":
                close_way()
                way_id, vertices = int(rest), []
            elif word == "stop":
                node, stop_lat, stop_lon, *name = rest.split(" ")
                relation.stops.append((int(node), float(stop_lon), float(stop_lat), " ".join(name)))
            elif word == "name":
                relation.name = rest
            elif word == "commit":
                relation.commit = rest
            else:
                vertex_lat, vertex_lon = (float(value) for value in line.split())
                if way_id is None:
                    raise ValueError("vertex before any way")
                vertices.append((vertex_lon, vertex_lat))
        except ValueError as error:
            raise AuthoringError(f"{path.name}:{number}: cannot read {raw!r} ({error})") from None
    close_way()
    return relation


def chain_ways(ways: Sequence[np.ndarray]) -> list[np.ndarray]:
    """Join ways end to end in member order, turning round those stored backwards.

    Parameters
    ----------
    ways
        (n, 2) lon/lat arrays in the relation's member order.

    Returns
    -------
    list of numpy.ndarray
        The parts: a way meeting neither end of the current part starts a new one.
    """
    parts: list[np.ndarray] = []
    single_way = False
    for way in ways:
        if parts:
            current = parts[-1]
            if _same(current[-1], way[0]):
                parts[-1] = np.concatenate([current, way[1:]])
            elif _same(current[-1], way[-1]):
                parts[-1] = np.concatenate([current, way[::-1][1:]])
            elif single_way and _same(current[0], way[0]):
                parts[-1] = np.concatenate([current[::-1], way[1:]])
            elif single_way and _same(current[0], way[-1]):
                parts[-1] = np.concatenate([current[::-1], way[::-1][1:]])
            else:
                parts.append(way)
                single_way = True
                continue
            single_way = False
        else:
            parts.append(way)
            single_way = True
    return parts


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(np.all(np.abs(a - b) <= JOIN_TOLERANCE_DEG))


def transcription_slips(part: np.ndarray) -> list[str]:
    """Edges too long and vertices off the line: what a typing slip in a coordinate leaves.

    Parameters
    ----------
    part
        (n, 2) lon/lat vertices of one chained part.

    Returns
    -------
    list of str
        One line per suspect vertex (empty when none).
    """
    edges = edge_lengths_m(part[:-1, 0], part[:-1, 1], part[1:, 0], part[1:, 1])
    slips = [f"edge of {edge:.0f} m after {part[i].tolist()}" for i, edge in enumerate(edges) if edge > MAX_EDGE_M]
    if len(part) >= 3:
        chord = edge_lengths_m(part[:-2, 0], part[:-2, 1], part[2:, 0], part[2:, 1])
        detour = edges[:-1] + edges[1:] - chord
        # a spike: the vertex is far off the chord, and both its edges are longer than the chord
        spikes = (detour > 2 * MAX_DETOUR_M) & (np.minimum(edges[:-1], edges[1:]) > chord / 2)
        slips += [f"spike at {part[i + 1].tolist()} ({detour[i]:.0f} m detour)" for i in np.flatnonzero(spikes)]
    return slips


def stretch_waypoints(
    relation: Relation, start: tuple[float, float], end: tuple[float, float], tolerance_m: float = 150.0
) -> list[tuple[float, float, str]]:
    """The waypoints of a segment along one relation, from the track point nearest ``start`` to that nearest ``end``.

    The stretch of track is simplified (Douglas–Peucker, in metres) only as far as ``tolerance_m``; the
    relation's stops on it are added in order, each as itself.

    Parameters
    ----------
    relation
        A transcribed relation.
    start, end
        (lon, lat) of the segment's ends, or of where it joins and leaves this relation.
    tolerance_m
        How far the waypoints' line may stray from the track.

    Returns
    -------
    list of tuple
        ``(lon, lat, note)`` in travel order, rounded to 5 decimals.
    """
    parts = chain_ways([way for _, way in relation.ways])
    track = max(parts, key=len)
    lon0, lat0 = track[len(track) // 2]
    to_m = Transformer.from_crs("EPSG:4326", f"+proj=aeqd +lat_0={lat0} +lon_0={lon0} +datum=WGS84", always_xy=True)
    line = shapely.LineString(np.column_stack(to_m.transform(track[:, 0], track[:, 1])))
    a, b = (line.project(shapely.Point(to_m.transform(*point))) for point in (start, end))
    stretch = shapely.ops.substring(line, min(a, b), max(a, b))
    simple = shapely.get_coordinates(stretch.simplify(tolerance_m))
    positions = [line.project(shapely.Point(xy)) for xy in simple]
    note = f"track: OSM route relation {relation.relation_id} (ODbL)"
    items = [(position, xy, note) for position, xy in zip(positions, simple, strict=True)]
    for node, lon, lat, name in relation.stops:
        xy = to_m.transform(lon, lat)
        position = line.project(shapely.Point(xy))
        if min(a, b) < position < max(a, b) and line.distance(shapely.Point(xy)) < 50:
            stop_note = f"{name} station (source: stop node {node} of OSM route relation {relation.relation_id}, ODbL)"
            items = [item for item in items if abs(item[0] - position) > 300] + [(position, xy, stop_note)]
    items.sort(key=lambda item: item[0], reverse=a > b)
    back = Transformer.from_crs(to_m.target_crs, "EPSG:4326", always_xy=True)
    return [(*(round(v, DECIMALS) for v in back.transform(*xy)), note) for _, xy, note in items]


def relation_features(relation: Relation) -> list[dict]:
    """The GeoJSON features of one relation: its track, then its stops.

    Parameters
    ----------
    relation
        A transcribed relation.

    Returns
    -------
    list of dict
        A MultiLineString feature (``kind`` track) and a Point feature per stop (``kind`` stop).

    Raises
    ------
    AuthoringError
        When the chained track shows a transcription slip.
    """
    parts = chain_ways([way for _, way in relation.ways])
    slips = [slip for part in parts for slip in transcription_slips(part)]
    if slips:
        raise AuthoringError(f"relation {relation.relation_id}: " + "; ".join(slips))
    source = {
        "repository": "Argbjorn/georgian_railway_2025",
        "path": f"static/data/routes_geodata/{relation.relation_id}.json",
        "commit": relation.commit,
    }
    track = {
        "type": "Feature",
        "properties": {
            "kind": "track",
            "relation": relation.relation_id,
            "name": relation.name,
            "ways": len(relation.ways),
            **source,
            "license": "ODbL-1.0, © OpenStreetMap contributors",
        },
        "geometry": {
            "type": "MultiLineString",
            "coordinates": [np.round(part, DECIMALS).tolist() for part in parts],
        },
    }
    stops = [
        {
            "type": "Feature",
            "properties": {"kind": "stop", "relation": relation.relation_id, "node": node, "name": name},
            "geometry": {"type": "Point", "coordinates": [round(lon, DECIMALS), round(lat, DECIMALS)]},
        }
        for node, lon, lat, name in relation.stops
    ]
    return [track, *stops]


def build_reference(source_dir: Path = REFERENCE_DIR / "source") -> dict:
    """The reference-track FeatureCollection from every transcription in ``source_dir``.

    Parameters
    ----------
    source_dir
        Directory of ``<relation>.txt`` files.

    Returns
    -------
    dict
        An RFC 7946 FeatureCollection, relations in id order.
    """
    paths = sorted(source_dir.glob("*.txt"), key=lambda p: int(p.stem))
    if not paths:
        raise AuthoringError(f"no transcriptions in {source_dir}")
    features = [feature for path in paths for feature in relation_features(read_transcription(path))]
    return {"type": "FeatureCollection", "features": features}


def write_reference(out: Path = TRACKS_FILE, source_dir: Path = REFERENCE_DIR / "source") -> Path:
    """Write the reference tracks, one feature a line.

    Parameters
    ----------
    out
        The GeoJSON file to write.
    source_dir
        Directory of ``<relation>.txt`` transcriptions.

    Returns
    -------
    Path
        ``out``.
    """
    collection = build_reference(source_dir)
    features = collection["features"]
    lines = ",\n".join(json.dumps(feature, ensure_ascii=False, separators=(",", ":")) for feature in features)
    out.write_text('{"type":"FeatureCollection","features":[\n' + lines + "\n]}\n", encoding="utf-8")
    return out


def main(argv: Sequence[str] | None = None) -> None:
    """Write ``geo/reference/georgian-railway-tracks.geojson``; errors end the run with one line.

    Parameters
    ----------
    argv
        The arguments (default: the command line's).
    """
    parser = argparse.ArgumentParser(
        prog="python -m corridors.authoring.reference_tracks",
        description="Derive geo/reference/georgian-railway-tracks.geojson from geo/reference/source/*.txt.",
    )
    parser.add_argument("--out", type=Path, default=TRACKS_FILE, help="output file")
    parser.add_argument(
        "--via",
        nargs=3,
        metavar=("RELATION", "LON,LAT", "LON,LAT"),
        help="instead, print the segments.toml waypoints along RELATION between the track points nearest two places",
    )
    parser.add_argument("--tolerance-m", type=float, default=150.0, help="simplification of --via (default 150 m)")
    args = parser.parse_args(argv)
    try:
        if args.via:
            relation_id, start, end = args.via
            relation = read_transcription(REFERENCE_DIR / "source" / f"{int(relation_id)}.txt")
            ends = [tuple(float(v) for v in text.split(",")) for text in (start, end)]
            for lon, lat, note in stretch_waypoints(relation, ends[0], ends[1], args.tolerance_m):  # type: ignore[arg-type]
                print(f'  {{ at = [{lon}, {lat}], note = "{note}" }},')
        else:
            print(write_reference(args.out))
    except (CorridorsError, OSError, ValueError) as error:
        raise SystemExit(f"error: {error}") from None


if __name__ == "__main__":
    main()
