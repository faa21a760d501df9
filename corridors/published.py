"""Published lengths of the routes (``geo/published.csv``), and how ours compare with them.

Every number we compute can be checked against what the press and the operators publish. The table
holds one row per published length: of a whole route (``section`` and ``country`` empty), of a named
section, or of the part of a route in one country (``country`` = ISO3), each with its source
(outlet, title, date, URL), the verbatim quote where the source gives one, and the tolerance within
which ours should agree (``tolerance_pct``).

For a route, the first whole-route row listed is the reference: ``published_km``,
``published_source`` and ``deviation_pct`` ((ours − published) / published × 100). Per-country rows
give ``published_by_country_km`` and ``deviation_by_country_pct`` the same way.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import InvalidData
from .timeline import is_iso_date
from .vocab import positive_number

PUBLISHED_FILE = "published.csv"
COLUMNS = (
    "route_id",
    "section",
    "country",
    "km",
    "source_outlet",
    "source_title",
    "source_date",
    "source_url",
    "quote",
    "tolerance_pct",
)
#: Decimals of a deviation in percent.
DEVIATION_DECIMALS = 1
_ISO3 = re.compile(r"^[A-Z]{3}$")
_URL = re.compile(r"^https?://[^\s/]+\S*$")


@dataclass(frozen=True)
class PublishedLength:
    """One published length: of a whole route, a named section, or the route's part in one country."""

    route_id: str
    section: str | None
    country: str | None
    km: float
    outlet: str
    title: str
    date: str
    url: str
    quote: str | None
    tolerance_pct: float | None

    @property
    def whole_route(self) -> bool:
        """True when the figure is for the whole route, not a section or one country."""
        return self.section is None and self.country is None

    @property
    def source(self) -> dict[str, str]:
        """Where the figure comes from: outlet, title, date and URL."""
        return {"outlet": self.outlet, "title": self.title, "date": self.date, "url": self.url}


def load_published(path: Path | str, route_ids: Iterable[str] | None = None) -> list[PublishedLength]:
    """Read and validate the published lengths; a missing file means no published figures.

    Parameters
    ----------
    path
        The CSV file (``geo/published.csv``).
    route_ids
        The routes of the dataset: a row naming another route is an error. None skips that check.

    Returns
    -------
    list of PublishedLength
        The rows, in file order.

    Raises
    ------
    InvalidData
        Naming the file and the row (``row 3``, counting the header as row 1) and what is wrong.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except UnicodeDecodeError as exc:
        raise InvalidData(path, f"not UTF-8 text ({exc.reason})") from None
    reader = csv.DictReader(text.splitlines())
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise InvalidData(path, f"columns must be {', '.join(COLUMNS)}; found {', '.join(reader.fieldnames or [])}")
    known = set(route_ids) if route_ids is not None else None
    rows = []
    for number, row in enumerate(reader, start=2):
        try:
            rows.append(_published_length(row, known))
        except ValueError as exc:
            raise InvalidData(path, f"row {number}: {exc}") from None
    return rows


def _published_length(row: dict[str, str | None], known: set[str] | None) -> PublishedLength:
    if None in row or any(v is None for v in row.values()):
        raise ValueError(f"needs exactly {len(COLUMNS)} fields")
    cells = {k: (v or "").strip() for k, v in row.items()}
    route_id = cells["route_id"]
    if not route_id:
        raise ValueError("route_id is empty")
    if known is not None and route_id not in known:
        raise ValueError(f"route_id {route_id!r} is not a route")
    km = _number(cells["km"], "km")
    if km is None:
        raise ValueError("km is empty")
    country = cells["country"] or None
    if country is not None and not _ISO3.match(country):
        raise ValueError(f"country {country!r} is not an ISO3 code (or empty)")
    for column in ("source_outlet", "source_title"):
        if not cells[column]:
            raise ValueError(f"{column} is empty")
    if not is_iso_date(cells["source_date"]):
        raise ValueError(f"source_date {cells['source_date']!r} is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)")
    if not _URL.match(cells["source_url"]):
        raise ValueError(f"source_url {cells['source_url']!r} is not an http(s) URL")
    return PublishedLength(
        route_id=route_id,
        section=cells["section"] or None,
        country=country,
        km=km,
        outlet=cells["source_outlet"],
        title=cells["source_title"],
        date=cells["source_date"],
        url=cells["source_url"],
        quote=cells["quote"] or None,
        tolerance_pct=_number(cells["tolerance_pct"], "tolerance_pct"),
    )


def _number(text: str, column: str) -> float | None:
    """A positive finite number, or None for an empty cell."""
    return positive_number(text, column) if text else None


def deviation_pct(ours_km: float, published_km: float) -> float:
    """(ours − published) / published × 100, to :data:`DEVIATION_DECIMALS` decimals.

    Parameters
    ----------
    ours_km
        Our length.
    published_km
        The published length (above zero).

    Returns
    -------
    float
        Signed deviation in per cent.
    """
    return round((ours_km - published_km) / published_km * 100, DEVIATION_DECIMALS)


@dataclass(frozen=True)
class PublishedComparison:
    """A route's lengths beside the published ones: the whole route and its parts per country."""

    reference: PublishedLength | None
    deviation_pct: float | None
    by_country: dict[str, PublishedLength]
    deviation_by_country_pct: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        """The keys ``compare`` adds; null where nothing is published (never NaN).

        Returns
        -------
        dict
            Published length, source, deviation and tolerance, whole route and by country.
        """
        reference = self.reference
        return {
            "published_km": reference.km if reference else None,
            "published_source": reference.source if reference else None,
            "deviation_pct": self.deviation_pct,
            "published_tolerance_pct": reference.tolerance_pct if reference else None,
            "published_by_country_km": {c: p.km for c, p in self.by_country.items()} or None,
            "deviation_by_country_pct": self.deviation_by_country_pct or None,
        }


def compare_with_published(
    route_id: str,
    length_km: float,
    length_by_country_km: dict[str, float],
    figures: Sequence[PublishedLength],
) -> PublishedComparison:
    """Our lengths of a route beside its published figures (the first listed of each kind).

    Parameters
    ----------
    route_id
        Id of the route.
    length_km
        Our length of the whole route.
    length_by_country_km
        Our length in each country, by ISO3 code.
    figures
        Every published figure (of any route).

    Returns
    -------
    PublishedComparison
        The reference figure, per-country figures and deviations; empty when nothing is published.
    """
    mine = [f for f in figures if f.route_id == route_id]
    reference = next((f for f in mine if f.whole_route), None)
    by_country: dict[str, PublishedLength] = {}
    for figure in mine:
        if figure.section is None and figure.country is not None:
            by_country.setdefault(figure.country, figure)
    return PublishedComparison(
        reference=reference,
        deviation_pct=deviation_pct(length_km, reference.km) if reference else None,
        by_country=by_country,
        deviation_by_country_pct={
            c: deviation_pct(length_by_country_km.get(c, 0.0), p.km) for c, p in by_country.items()
        },
    )


def source_text(source: dict[str, str] | None) -> str:
    """``Outlet, YYYY-MM-DD, URL``: a published figure's source on one line (empty when none).

    Parameters
    ----------
    source
        ``outlet``, ``date`` and ``url`` of a figure, or None.

    Returns
    -------
    str
        The one-line source.
    """
    return ", ".join(source[k] for k in ("outlet", "date", "url")) if source else ""
