"""The cited factors of ``geo/factors.csv``: reading and checking the table, and the factor of a scope on a date."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InvalidData, UsageError
from ..timeline import parse_date
from ..vocab import positive_number

#: Columns of ``geo/factors.csv``, in order.
FACTOR_COLUMNS = (
    "id",
    "factor",
    "scope_type",
    "scope",
    "mode",
    "value",
    "value_high",
    "unit",
    "valid_from",
    "valid_to",
    "note",
    "source_outlet",
    "source_title",
    "source_date",
    "source_url",
    "quote",
)
#: Each kind of factor with the units it may be written in and the factor that turns them into the
#: unit the estimates use (km/h, hours, g per tonne-km; gauge in mm; membership as 1).
FACTOR_UNITS: dict[str, dict[str, float]] = {
    "track_gauge_mm": {"mm": 1.0},
    "customs_union_member": {"member": 1.0},
    "customs_union_partial": {"member": 1.0},
    "speed": {"km/h": 1.0, "km/day": 1 / 24, "knots": 1.852},
    "ferry_crossing": {"hours": 1.0, "days": 24.0},
    "customs_dwell": {"hours": 1.0, "days": 24.0},
    "emission_intensity": {"g CO2/t-km": 1.0, "g CO2/t-nm": 1 / 1.852, "kg CO2e/t-km": 1000.0},
}
#: What a factor's ``scope`` names: countries (ISO3, ``;``-separated), a union (``EAEU:ARM;KAZ``), a
#: region whose borders it covers when either side is a member, a border (``AZE-KAZ``, sorted), or a
#: whole mode (``*``).
SCOPE_TYPES = ("country", "union", "region", "border", "mode")
#: Measures ``corridors route --minimize`` ranks paths by.
MEASURES = ("km", "days", "co2", "customs")
#: Publication dates may be unknown: written ``n.d.``.
UNDATED = "n.d."
#: The unit of the CO₂ figures.
CO2_UNIT = "kg CO2 per tonne of cargo"


# --------------------------------------------------------------------------- factors


@dataclass(frozen=True)
class Factor:
    """One row of ``geo/factors.csv``: a value (or low–high range) with its scope, dates and source."""

    id: str
    factor: str
    scope_type: str
    scope: str
    mode: str
    value: float
    value_high: float | None
    unit: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    note: str
    source_outlet: str
    source_title: str
    source_date: str
    source_url: str
    quote: str

    @property
    def low(self) -> float:
        """The low end in the estimates' unit (km/h, hours, g per tonne-km)."""
        return self.value * FACTOR_UNITS[self.factor][self.unit]

    @property
    def high(self) -> float:
        """The high end in the estimates' unit; the value itself when the source gives one figure."""
        return (self.value_high if self.value_high is not None else self.value) * FACTOR_UNITS[self.factor][self.unit]

    @property
    def countries(self) -> frozenset[str]:
        """The ISO3 codes the scope names (members, for a union; both sides, for a border)."""
        if self.scope_type == "union":
            return frozenset(self.scope.split(":", 1)[1].split(";"))
        if self.scope_type == "border":
            return frozenset(self.scope.split("-"))
        if self.scope_type == "mode":
            return frozenset()
        return frozenset(self.scope.split(";"))

    @property
    def union(self) -> str | None:
        """The customs union a ``union`` scope names, else None."""
        return self.scope.split(":", 1)[0] if self.scope_type == "union" else None

    def valid_on(self, date: dt.date) -> bool:
        """Whether the factor applies on ``date``.

        Parameters
        ----------
        date : datetime.date
            The day asked about.

        Returns
        -------
        bool
            True when ``date`` is within the factor's validity (open ends count).
        """
        return (self.valid_from is None or self.valid_from <= date) and (self.valid_to is None or date <= self.valid_to)

    def to_dict(self) -> dict[str, Any]:
        """The factor as JSON.

        Returns
        -------
        dict
            Its columns, dates as ISO strings.
        """
        return {
            "id": self.id,
            "factor": self.factor,
            "scope": self.scope,
            "mode": self.mode or None,
            "value": self.value,
            "value_high": self.value_high,
            "unit": self.unit,
            "source": f"{self.source_outlet}, {self.source_title} ({self.source_date}), {self.source_url}",
        }


def border_key(a: str, b: str) -> str:
    """How a border is written in ``scope``: the two ISO3 codes sorted, ``AZE-KAZ``.

    Parameters
    ----------
    a, b : str
        ISO3 codes of the two countries, in either order.

    Returns
    -------
    str
        The codes sorted and joined by ``-``.
    """
    return "-".join(sorted((a, b)))


class FactorTable:
    """The factors, with the lookups the estimates make; every lookup is for a date."""

    def __init__(self, factors: Iterable[Factor]) -> None:
        self.factors = list(factors)
        self.by_id = {f.id: f for f in self.factors}

    def _rows(self, kind: str, date: dt.date, mode: str | None = None) -> list[Factor]:
        return [f for f in self.factors if f.factor == kind and f.valid_on(date) and (mode is None or f.mode == mode)]

    def gauge(self, country: str, date: dt.date) -> Factor | None:
        """The track gauge of ``country``'s railway network.

        Parameters
        ----------
        country : str
            ISO3 code.
        date : datetime.date
            The date the factor must be valid on.

        Returns
        -------
        Factor or None
            The row, or None when the table has none (the figure is then missing).
        """
        return next((f for f in self._rows("track_gauge_mm", date) if country in f.countries), None)

    def shared_union(self, a: str, b: str, date: dt.date) -> tuple[str | None, Factor | None, Factor | None]:
        """The customs union ``a`` and ``b`` both belong to on the date, and the rows saying so.

        A partial union (``customs_union_partial``) counts when one side is a full member of it and the
        other a partial one; the first element is then ``None`` and the partial union is in the name
        returned by :meth:`partial_union`.

        Parameters
        ----------
        a, b : str
            ISO3 codes of the two countries, in either order.
        date : datetime.date
            The date the membership must be valid on.

        Returns
        -------
        tuple of (str or None, Factor or None, Factor or None)
            The union's name and the membership rows of ``a`` and ``b``; all None when they share none.
        """
        members = self._rows("customs_union_member", date)
        for fa in (f for f in members if a in f.countries):
            for fb in (f for f in members if b in f.countries and f.union == fa.union):
                return fa.union, fa, fb
        return None, None, None

    def partial_union(self, a: str, b: str, date: dt.date) -> Factor | None:
        """The partial customs union linking ``a`` and ``b`` (EU–Türkiye), if any.

        Parameters
        ----------
        a, b : str
            ISO3 codes of the two countries, in either order.
        date : datetime.date
            The date the factor must be valid on.

        Returns
        -------
        Factor or None
            The row, or None when the table has none (the figure is then missing).
        """
        full = self._rows("customs_union_member", date)
        for partial in self._rows("customs_union_partial", date):
            for inside, other in ((a, b), (b, a)):
                if inside in partial.countries and any(other in f.countries and f.union == partial.union for f in full):
                    return partial
        return None

    def speed(self, mode: str, country: str | None, date: dt.date) -> Factor | None:
        """The speed of ``mode`` in ``country`` (a country row first, then one for the whole mode).

        Parameters
        ----------
        mode : str
            A mode of transport.
        country : str or None
            ISO3 code; None for the mode's own row only.
        date : datetime.date
            The date the factor must be valid on.

        Returns
        -------
        Factor or None
            The row, or None when the table has none (the figure is then missing).
        """
        rows = self._rows("speed", date, mode)
        found = next((f for f in rows if f.scope_type == "country" and country in f.countries), None)
        return found or next((f for f in rows if f.scope_type == "mode"), None)

    def customs_dwell(self, mode: str, a: str, b: str, date: dt.date) -> Factor | None:
        """Time to clear the border between ``a`` and ``b`` by ``mode``: that border's row, else a region's.

        Parameters
        ----------
        mode : str
            A mode of transport.
        a, b : str
            ISO3 codes of the two countries, in either order.
        date : datetime.date
            The date the factor must be valid on.

        Returns
        -------
        Factor or None
            The row, or None when the table has none (the figure is then missing).
        """
        rows = self._rows("customs_dwell", date, mode)
        found = next((f for f in rows if f.scope_type == "border" and f.scope == border_key(a, b)), None)
        return found or next((f for f in rows if f.scope_type == "region" and {a, b} & f.countries), None)

    def ferry_crossing(self, a: str, b: str, date: dt.date) -> Factor | None:
        """The crossing time of the ferry between ``a`` and ``b``, if cited.

        Parameters
        ----------
        a, b : str
            ISO3 codes of the two countries, in either order.
        date : datetime.date
            The date the factor must be valid on.

        Returns
        -------
        Factor or None
            The row, or None when the table has none (the figure is then missing).
        """
        return next((f for f in self._rows("ferry_crossing", date) if f.scope == border_key(a, b)), None)

    def emission(self, mode: str, date: dt.date) -> Factor | None:
        """The CO₂ intensity of a mode on ``date``, if cited.

        Parameters
        ----------
        mode : str
            A mode of transport.
        date : datetime.date
            The date the factor must be valid on.

        Returns
        -------
        Factor or None
            The row, or None when the table has none (the figure is then missing).
        """
        return next(iter(self._rows("emission_intensity", date, mode)), None)


def load_factors(path: Path | str) -> FactorTable:
    """Read and validate ``geo/factors.csv``; a table that does not exist is empty (every factor missing).

    Parameters
    ----------
    path : Path or str
        The factors CSV.

    Returns
    -------
    FactorTable
        Every row as a :class:`Factor`.

    Raises
    ------
    InvalidData
        Naming the file and the row for a missing column, an unknown factor, scope type or unit, a value
        that is not a finite number, a malformed date, or a row without its source or quote.
    """
    path = Path(path)
    if not path.exists():
        return FactorTable([])
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in FACTOR_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise InvalidData(path, f"missing column(s) {', '.join(missing)}")
        factors = [_factor(path, row) for row in reader]
    seen: set[str] = set()
    for f in factors:
        if f.id in seen:
            raise InvalidData(path, "duplicate id", f.id)
        seen.add(f.id)
    return FactorTable(factors)


def _factor(path: Path, row: dict[str, str]) -> Factor:
    fid = (row["id"] or "").strip()

    def bad(message: str) -> InvalidData:
        return InvalidData(path, message, fid or "?")

    if not fid:
        raise bad("empty id")
    kind, unit, scope_type = row["factor"].strip(), row["unit"].strip(), row["scope_type"].strip()
    if kind not in FACTOR_UNITS:
        raise bad(f"unknown factor {kind!r}; factors are {', '.join(FACTOR_UNITS)}")
    if unit not in FACTOR_UNITS[kind]:
        raise bad(f"unit {unit!r} is not one of {', '.join(FACTOR_UNITS[kind])} for {kind}")
    if scope_type not in SCOPE_TYPES:
        raise bad(f"unknown scope_type {scope_type!r}; scope types are {', '.join(SCOPE_TYPES)}")
    if scope_type == "union" and ":" not in row["scope"]:
        raise bad("a union scope is written UNION:ISO3;ISO3")
    for column in ("source_outlet", "source_title", "source_date", "source_url", "quote"):
        if not row[column].strip():
            raise bad(f"empty {column}: every factor cites its source")

    def number(column: str) -> float:
        try:
            return positive_number(row[column].strip(), column)
        except ValueError as exc:
            raise bad(str(exc)) from None

    value = number("value")
    value_high = number("value_high") if row["value_high"].strip() else None
    if value_high is not None and value_high < value:
        raise bad("value_high is below value")
    dates = []
    for column in ("valid_from", "valid_to"):
        text = row[column].strip()
        try:
            dates.append(parse_date(text, column) if text else None)
        except UsageError as exc:
            raise bad(str(exc)) from None
    return Factor(
        id=fid,
        factor=kind,
        scope_type=scope_type,
        scope=row["scope"].strip(),
        mode=row["mode"].strip(),
        value=value,
        value_high=value_high,
        unit=unit,
        valid_from=dates[0],
        valid_to=dates[1],
        note=row["note"].strip(),
        source_outlet=row["source_outlet"].strip(),
        source_title=row["source_title"].strip(),
        source_date=row["source_date"].strip(),
        source_url=row["source_url"].strip(),
        quote=row["quote"].strip(),
    )


def factors_path(root: Path | str | None = None) -> Path:
    """``geo/factors.csv`` of the data directory (this checkout by default).

    Parameters
    ----------
    root : Path or str, optional
        The data directory; None for this checkout's.

    Returns
    -------
    Path
        The path of the factors table (which may not exist).
    """
    from ..paths import data_dir, geo_dir

    return geo_dir(data_dir(root)) / "factors.csv"
