"""The project's vocabulary, each word declared once: statuses, modes, layers, codes and defaults.

Stdlib only and importing nothing else from the package, so that ``corridors --help`` and
``corridors <command> --help`` can use it without loading geopandas. Every other module takes
these words from here.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

# --- statuses --------------------------------------------------------------------------------------

#: Statuses of routes and segments, from in service to furthest from it; the order is their rank.
STATUSES = ("operational", "under_construction", "planned", "historical")
#: Statuses of lines that are not built yet: they exist on a date only from a known opening date.
NOT_BUILT = ("planned", "under_construction")


def status_rank(status: str) -> int:
    """How far from service a status is: 0 for operational, up to 3 for historical.

    Parameters
    ----------
    status
        One of :data:`STATUSES`.

    Returns
    -------
    int
        Its position in :data:`STATUSES`.

    Raises
    ------
    ValueError
        For a word that is not a status.
    """
    return STATUSES.index(status)


def furthest_from_service(statuses: Iterable[str]) -> str:
    """The status of a chain of lines: the one of its lines that is furthest from service.

    Parameters
    ----------
    statuses
        The statuses of the lines, at least one.

    Returns
    -------
    str
        The highest-ranked of them (a path over a planned segment is planned).
    """
    return max(statuses, key=status_rank)


# --- modes, places, geometry -----------------------------------------------------------------------

#: Transport modes of segments, in the order tables list them.
MODES = ("rail", "road", "sea", "ferry")
#: Modes that travel on water: pieces outside every country on them are sea, not a gap on land.
SEA_MODES = frozenset({"sea", "ferry"})
#: How closely a segment's line follows the real one, with what each quality means.
GEOMETRY_QUALITY_MEANINGS = {
    "traced": "follows the real line within about 1 km",
    "schematic": "drawn through its known towns only",
}
GEOMETRY_QUALITIES = tuple(GEOMETRY_QUALITY_MEANINGS)


def line_geometry_quality(qualities: Iterable[str]) -> str | None:
    """A line's quality from its segments': ``traced`` only when every segment is, else ``schematic``.

    Parameters
    ----------
    qualities
        The geometry quality of each of its segments.

    Returns
    -------
    str or None
        None for a line of no segments.
    """
    qualities = list(qualities)
    if not qualities:
        return None
    return "traced" if all(q == "traced" for q in qualities) else "schematic"
#: Kinds of named points.
PLACE_TYPES = frozenset({"city", "town", "village", "port", "checkpoint", "junction", "station"})

# --- layers ----------------------------------------------------------------------------------------

#: The corridor layers, in display order, with their titles.
CORRIDOR_LAYERS = {
    "middle-corridor": "Middle Corridor (Trans-Caspian route)",
    "tripp-zangezur": "TRIPP / Zangezur route",
    "lachin-road": "Lachin corridor and roads",
    "north-south": "International North–South Transport Corridor",
}
AIRPORTS_LAYER = "airports"
PLACES_LAYER = "places"
#: Every layer a user can choose, with its title: the corridor layers, then the airports.
LAYERS = {**CORRIDOR_LAYERS, AIRPORTS_LAYER: "Airports"}

# --- codes -----------------------------------------------------------------------------------------

_ISO3 = re.compile(r"^[A-Z]{3}$")
_ICAO = re.compile(r"^[A-Z]{4}$")


def is_iso3(value: object) -> bool:
    """True for a three-capital-letter country code such as ``ARM``.

    Parameters
    ----------
    value
        Anything; only a string can be a code.

    Returns
    -------
    bool
        Whether it has the shape of an ISO 3166-1 alpha-3 code.
    """
    return isinstance(value, str) and bool(_ISO3.match(value))


def is_icao(value: object) -> bool:
    """True for a four-capital-letter airport code such as ``UBBB`` (anything else is not one).

    Parameters
    ----------
    value
        Anything.

    Returns
    -------
    bool
        Whether it is an ICAO-shaped code.
    """
    return isinstance(value, str) and bool(_ICAO.match(value))


def positive_number(text: str, column: str) -> float:
    """The finite number above zero that a table cell holds (published lengths, estimate factors).

    Parameters
    ----------
    text
        The cell, stripped.
    column
        Its column, named in the error.

    Returns
    -------
    float
        The number.

    Raises
    ------
    ValueError
        For text that is not a number, or a number that is not finite and above zero.
    """
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{column} {text!r} is not a number") from None
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{column} {text!r} must be a finite number above zero")
    return value


# --- numbers and defaults --------------------------------------------------------------------------

#: Passages into a third country, and gaps between countries, shorter than this (km) are ignored.
#: Natural Earth 10m puts Julfa and Agarak a few km inside Iran and leaves the Astara and Batumi
#: waterfronts outside every polygon; along our routes the longest such artefact is about 5 km. The
#: shortest real passage we must keep, TRIPP through Armenia, is over 30 km. 10 km sits between them.
DEFAULT_MIN_EXCURSION_KM = 1.0
#: Country code field of the Natural Earth admin-0 boundaries (and the ``--iso-field`` default).
NATURAL_EARTH_ISO_FIELD = "ADM0_A3"
#: Most paths ``corridors route -k`` lists: each costs a k-shortest-paths search.
MAX_ALTERNATIVES = 100
#: Decimals of km in JSON output: metres.
KM_DECIMALS = 3
#: Decimals of coordinates in GeoJSON output (about 1 cm).
COORDINATE_DECIMALS = 7
#: Formats ``corridors export`` writes, and the target that means standard output (GeoJSON only).
EXPORT_FORMATS = ("gpkg", "geojson", "kml", "fgb", "parquet", "pmtiles", "annotations")
STDOUT = "-"
#: Joins list values (countries, segments, aliases) in CSV output and in every export: ``AZE;ARM;AZE``.
LIST_SEPARATOR = ";"
