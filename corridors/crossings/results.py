"""What the analysis of a line gives: its border crossings, the changes made by cleaning, lengths per country."""


from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from ..errors import BadParameter
from ..vocab import KM_DECIMALS

SEA = "sea"
#: Kinds of ``Absorbed`` records.
SLIVER, GAP, LANDFALL = "sliver", "gap", "landfall"


@dataclass(frozen=True)
class Crossing:
    """A border crossing: where the line leaves one country for the next.

    For a sea passage, ``lon``/``lat``/``at_km`` are where it leaves the first coast and
    ``landfall_*`` where it reaches the next.
    """

    origin: str
    destination: str
    lon: float
    lat: float
    at_km: float
    by_sea: bool = False
    landfall_lon: float | None = None
    landfall_lat: float | None = None
    landfall_km: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """The crossing as JSON: degrees to 6 decimals, km to metres.

        Returns
        -------
        dict
            The crossing's countries, position, km along the line and, at sea, its landfall.
        """
        record: dict[str, Any] = {
            "from": self.origin,
            "to": self.destination,
            "lon": round(self.lon, 6),
            "lat": round(self.lat, 6),
            "at_km": round(self.at_km, 3),
            "by_sea": self.by_sea,
        }
        if self.by_sea:  # a sea passage always has its landfall
            record |= {
                "landfall_lon": round(float(self.landfall_lon or 0.0), 6),
                "landfall_lat": round(float(self.landfall_lat or 0.0), 6),
                "landfall_km": round(float(self.landfall_km or 0.0), 3),
            }
        return record


def _crossings_from_columns(
    origin: list[str],
    destination: list[str],
    lon: list[float],
    lat: list[float],
    at_km: list[float],
    by_sea: list[bool],
    landfall_lon: list[float],
    landfall_lat: list[float],
    landfall_km: list[float],
) -> list[Crossing]:
    """``Crossing(*row)`` for every row of these columns, the landfall only where ``by_sea``.

    Twice as fast as calling the class: a frozen dataclass sets its nine fields one call at a time,
    and an analysis of 10 000 routes makes some 30 000 crossings. The objects are the same (equal,
    hashable, picklable, frozen).
    """
    new = object.__new__
    crossings = []
    for a, b, x, y, at, sea, lx, ly, land_km in zip(
        origin, destination, lon, lat, at_km, by_sea, landfall_lon, landfall_lat, landfall_km
    ):
        crossing = new(Crossing)
        if sea:
            crossing.__dict__.update(
                origin=a, destination=b, lon=x, lat=y, at_km=at, by_sea=True,
                landfall_lon=lx, landfall_lat=ly, landfall_km=land_km,
            )  # fmt: skip
        else:
            crossing.__dict__.update(
                origin=a, destination=b, lon=x, lat=y, at_km=at, by_sea=False,
                landfall_lon=None, landfall_lat=None, landfall_km=None,
            )  # fmt: skip
        crossings.append(crossing)
    return crossings


@dataclass(frozen=True)
class Absorbed:
    """Km the cleaning counted differently from what the borders alone say (see :mod:`corridors.crossings`).

    ``kind`` is ``sliver`` (a short run into ``country``), ``gap`` (outside every polygon:
    ``country`` is None) or ``landfall`` (a line end at sea, ``km`` from the coast of
    ``counted_as``; those km stay at sea). ``at_km`` is where it starts along the line.
    """

    kind: str
    country: str | None
    counted_as: str
    km: float
    at_km: float

    def to_dict(self) -> dict[str, Any]:
        """The record as JSON, km rounded to metres.

        Returns
        -------
        dict
            Its kind, countries, km and where along the line.
        """
        return {
            "kind": self.kind,
            "country": self.country,
            "counted_as": self.counted_as,
            "km": round(self.km, KM_DECIMALS),
            "at_km": round(self.at_km, KM_DECIMALS),
        }


@dataclass(frozen=True)
class LineAnalysis:
    """Lengths (km, on the ellipsoid) and crossings of one line."""

    length_km: float
    length_by_mode_km: dict[str, float]
    length_by_country_km: dict[str, float]
    countries: list[str]
    crossings: list[Crossing]
    tolerance_km: float
    absorbed: list[Absorbed]

    @property
    def absorbed_km(self) -> float:
        """Km counted in another country (or sea) than the borders alone say; landfalls move none."""
        return sum(a.km for a in self.absorbed if a.kind != LANDFALL)

    def to_dict(self) -> dict[str, Any]:
        """The analysis as JSON, km rounded to metres: the keys ``compare``, ``route`` and ``analyze`` print.

        Returns
        -------
        dict
            Lengths by mode and country, countries, crossings, tolerance and absorbed records.
        """
        return {
            "length_km": round(self.length_km, KM_DECIMALS),
            "length_by_mode_km": _rounded(self.length_by_mode_km),
            "length_by_country_km": _rounded(self.length_by_country_km),
            "countries": self.countries,
            "border_crossings": [c.to_dict() for c in self.crossings],
            "crossings_count": len(self.crossings),
            "tolerance_km": self.tolerance_km,
            "absorbed": [a.to_dict() for a in self.absorbed],
        }


def _rounded(lengths: dict[str, float]) -> dict[str, float]:
    return {key: round(value, KM_DECIMALS) for key, value in lengths.items()}


def check_tolerance(min_excursion_km: float) -> None:
    """Refuse a tolerance that is not a finite number of km, zero or more: the one check of it.

    NaN would silently drop every comparison with it.

    Parameters
    ----------
    min_excursion_km
        The tolerance asked for.

    Raises
    ------
    BadParameter
        Naming ``min_excursion_km`` (the command line names ``--min-excursion-km``).
    """
    try:
        valid = math.isfinite(min_excursion_km) and min_excursion_km >= 0
    except TypeError:
        valid = False
    if not valid:
        message = f"{{parameter}} must be a finite number, zero or more, not {min_excursion_km!r}"
        raise BadParameter("min_excursion_km", message)


