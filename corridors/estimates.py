"""Days, transshipments, customs borders and CO₂ of a route or path, from cited factors.

Kilometres are half of a corridor comparison; the studies compare corridors on days, borders,
transshipments and emissions. This module estimates those from the legs of an analysed line and the
factors in ``geo/factors.csv``, each factor cited (outlet, title, date, URL, quote) and dated. Nothing
is a constant in code: a factor the table lacks is reported as missing (``transit_days: null`` with
``missing_factors``), never filled in.

The rules, each in one place:

* **Legs** are the segments in travel order, each with its mode and its km per country
  (:func:`legs_for_lines`); water counts as ``sea``.
* **Customs borders.** A political border between two countries that share a customs union on the date
  (the EAEU, the EU) is not a customs border; a partial union (EU–Türkiye, industrial goods only) leaves
  the customs controls, so its border counts, marked ``partial_union``. A sea leg that only passes a
  country (the Suez Canal) does not enter its customs territory: the cargo enters the territory of the
  next country the route stops in.
* **Gauge breaks**: a land crossing on a rail leg between two countries whose networks have different
  track gauges (1520 / 1435 mm). The break is placed at the border (the BTK's is at Akhalkalaki, 30 km
  inside Georgia).
* **Transshipments**: every change of mode between consecutive legs (loading on and off a ferry counts
  twice) and every gauge break.
* **Transit days** (low–high) = moving time (km per country / speed of the mode there) + dwell at
  every customs border, gauge break and transshipment. A ferry leg takes its crossing time, which the
  source gives with berth waits and inspections included, so the customs border and the loading at its
  two ends add nothing. A border dwell from the CAREC measurements includes unloading and loading, so a
  gauge break at that border adds nothing. Clearance at the destination port, after the last sea leg,
  is outside transit time, as in published port-to-port times.
* **CO₂** per tonne of cargo = Σ leg km × emission intensity of the mode (per tonne-km).
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .crossings import SEA, Crossing
from .errors import InvalidData, UsageError
from .timeline import parse_date
from .vocab import SEA_MODES, positive_number

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
        """Whether the factor applies on ``date``."""
        return (self.valid_from is None or self.valid_from <= date) and (self.valid_to is None or date <= self.valid_to)

    def to_dict(self) -> dict[str, Any]:
        """The factor as JSON."""
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
    """How a border is written in ``scope``: the two ISO3 codes sorted, ``AZE-KAZ``."""
    return "-".join(sorted((a, b)))


class FactorTable:
    """The factors, with the lookups the estimates make; every lookup is for a date."""

    def __init__(self, factors: Iterable[Factor]) -> None:
        self.factors = list(factors)
        self.by_id = {f.id: f for f in self.factors}

    def _rows(self, kind: str, date: dt.date, mode: str | None = None) -> list[Factor]:
        return [f for f in self.factors if f.factor == kind and f.valid_on(date) and (mode is None or f.mode == mode)]

    def gauge(self, country: str, date: dt.date) -> Factor | None:
        """The track gauge of ``country``'s railway network."""
        return next((f for f in self._rows("track_gauge_mm", date) if country in f.countries), None)

    def shared_union(self, a: str, b: str, date: dt.date) -> tuple[str | None, Factor | None, Factor | None]:
        """The customs union ``a`` and ``b`` both belong to on the date, and the rows saying so.

        A partial union (``customs_union_partial``) counts when one side is a full member of it and the
        other a partial one; the first element is then ``None`` and the partial union is in the name
        returned by :meth:`partial_union`.
        """
        members = self._rows("customs_union_member", date)
        for fa in (f for f in members if a in f.countries):
            for fb in (f for f in members if b in f.countries and f.union == fa.union):
                return fa.union, fa, fb
        return None, None, None

    def partial_union(self, a: str, b: str, date: dt.date) -> Factor | None:
        """The partial customs union linking ``a`` and ``b`` (EU–Türkiye), if any."""
        full = self._rows("customs_union_member", date)
        for partial in self._rows("customs_union_partial", date):
            for inside, other in ((a, b), (b, a)):
                if inside in partial.countries and any(other in f.countries and f.union == partial.union for f in full):
                    return partial
        return None

    def speed(self, mode: str, country: str | None, date: dt.date) -> Factor | None:
        """The speed of ``mode`` in ``country`` (a country row first, then one for the whole mode)."""
        rows = self._rows("speed", date, mode)
        found = next((f for f in rows if f.scope_type == "country" and country in f.countries), None)
        return found or next((f for f in rows if f.scope_type == "mode"), None)

    def customs_dwell(self, mode: str, a: str, b: str, date: dt.date) -> Factor | None:
        """Time to clear the border between ``a`` and ``b`` by ``mode``: that border's row, else a region's."""
        rows = self._rows("customs_dwell", date, mode)
        found = next((f for f in rows if f.scope_type == "border" and f.scope == border_key(a, b)), None)
        return found or next((f for f in rows if f.scope_type == "region" and {a, b} & f.countries), None)

    def ferry_crossing(self, a: str, b: str, date: dt.date) -> Factor | None:
        """The crossing time of the ferry between ``a`` and ``b``, if cited."""
        return next((f for f in self._rows("ferry_crossing", date) if f.scope == border_key(a, b)), None)

    def emission(self, mode: str, date: dt.date) -> Factor | None:
        """The CO₂ intensity of a mode on ``date``, if cited."""
        return next(iter(self._rows("emission_intensity", date, mode)), None)


def load_factors(path: Path | str) -> FactorTable:
    """Read and validate ``geo/factors.csv``; a table that does not exist is empty (every factor missing).

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


# --------------------------------------------------------------------------- legs and estimates


@dataclass(frozen=True)
class Leg:
    """One segment of a line in travel order: its mode, end places and km per country (``sea`` for water)."""

    segment: str
    mode: str
    start: str
    end: str
    start_country: str
    end_country: str
    length_km: float
    km_by_country: dict[str, float]


@dataclass(frozen=True)
class Range:
    """A low–high pair; the estimates carry every figure as one."""

    low: float
    high: float

    def __add__(self, other: Range) -> Range:
        return Range(self.low + other.low, self.high + other.high)

    @property
    def mid(self) -> float:
        """The middle of the range."""
        return (self.low + self.high) / 2

    def to_dict(self, digits: int = 1, scale: float = 1.0) -> dict[str, float]:
        """The range as JSON, scaled and rounded."""
        return {"low": round(self.low * scale, digits), "high": round(self.high * scale, digits)}


ZERO = Range(0.0, 0.0)


@dataclass
class Stop:
    """Where cargo waits: a customs border, a gauge break or a transshipment (or a border it just passes)."""

    kind: str
    at_km: float
    origin: str
    destination: str
    dwell_hours: Range | None
    factors: list[str] = field(default_factory=list)
    place: str | None = None
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The stop as JSON."""
        return {
            "kind": self.kind,
            "at_km": round(self.at_km, 1),
            "from": self.origin,
            "to": self.destination,
            "place": self.place,
            "dwell_hours": self.dwell_hours.to_dict() if self.dwell_hours else None,
            "factors": self.factors,
            "note": self.note,
        }


@dataclass
class Estimate:
    """Transit days, transshipments, customs borders and CO₂ of one line, with the breakdown by leg."""

    as_of: dt.date
    legs: list[dict[str, Any]]
    stops: list[Stop]
    transit_hours: Range | None
    co2_kg_per_tonne: Range | None
    missing_factors: list[str]
    factors_used: list[str]

    @property
    def transit_days(self) -> Range | None:
        """Moving and dwell time in days (low–high), None where a factor is missing."""
        return Range(self.transit_hours.low / 24, self.transit_hours.high / 24) if self.transit_hours else None

    @property
    def transshipments(self) -> int:
        """Gauge breaks and transshipments on the way."""
        return sum(1 for s in self.stops if s.kind in ("transshipment", "gauge_break"))

    @property
    def customs_borders(self) -> int:
        """Customs borders on the way."""
        return sum(1 for s in self.stops if s.kind == "customs_border")

    def measure(self, name: str, length_km: float) -> float:
        """The value ``--minimize NAME`` ranks by (midpoint of a range; infinite when a factor is missing)."""
        if name == "km":
            return length_km
        if name == "customs":
            return self.customs_borders
        chosen = self.transit_days if name == "days" else self.co2_kg_per_tonne
        return chosen.mid if chosen else math.inf

    def to_dict(self) -> dict[str, Any]:
        """The keys ``compare`` and ``route`` add to a line's JSON."""
        days = self.transit_days
        return {
            "transit_days": days.to_dict() if days else None,
            "transshipments": self.transshipments,
            "customs_borders": self.customs_borders,
            "co2_kg_per_tonne": self.co2_kg_per_tonne.to_dict() if self.co2_kg_per_tonne else None,
            "estimates": {
                "as_of": self.as_of.isoformat(),
                "co2_unit": CO2_UNIT,
                "missing_factors": self.missing_factors,
                "legs": self.legs,
                "stops": [s.to_dict() for s in self.stops],
                "factors": self.factors_used,
            },
        }


def estimate(legs: Sequence[Leg], crossings: Sequence[Crossing], factors: FactorTable, as_of: dt.date) -> Estimate:
    """Estimate a line from its legs and the border crossings of its whole analysis.

    Parameters
    ----------
    legs
        The segments in travel order (:func:`legs_for_lines`); their lengths add up to the line's.
    crossings
        The political border crossings of the whole line, as :func:`corridors.crossings.analyze_tracks`
        finds them (``at_km`` from the start).
    factors
        The cited factors (:func:`load_factors`).
    as_of
        The date customs unions, and the factors themselves, are taken on.

    Returns
    -------
    Estimate
        ``transit_hours`` and ``co2_kg_per_tonne`` are None when a factor they need is missing; the
        missing ones are listed, and the rest of the breakdown is still given.
    """
    builder = _Builder(list(legs), factors, as_of)
    builder.borders(crossings)
    builder.transshipments()
    return builder.result()


class _Builder:
    """The bookkeeping of :func:`estimate`: stops, missing and used factors, as the legs are walked."""

    def __init__(self, legs: list[Leg], factors: FactorTable, as_of: dt.date) -> None:
        self.legs, self.factors, self.as_of = legs, factors, as_of
        self.starts = [sum(leg.length_km for leg in legs[:i]) for i in range(len(legs))]
        self.stops: list[Stop] = []
        self.missing: list[str] = []
        self.used: list[str] = []
        self.stop_countries = {c for leg in legs for c in (leg.start_country, leg.end_country)}

    def use(self, factor: Factor | None, missing: str) -> Factor | None:
        if factor is None:
            if missing not in self.missing:
                self.missing.append(missing)
        elif factor.id not in self.used:
            self.used.append(factor.id)
        return factor

    def leg_at(self, km: float, by_sea: bool) -> int:
        """The leg a crossing at ``km`` lies on; at a junction, the water leg for a sea crossing, else the land one."""
        near = [
            i
            for i, (start, leg) in enumerate(zip(self.starts, self.legs))
            if start - 1e-6 <= km <= start + leg.length_km + 1e-6
        ] or [len(self.legs) - 1]
        preferred = [i for i in near if (self.legs[i].mode in SEA_MODES) == by_sea]
        return (preferred or near)[0]

    # ----------------------------------------------------------------- borders

    def borders(self, crossings: Sequence[Crossing]) -> None:
        territory = self.legs[0].start_country if self.legs else None
        for crossing in crossings:
            index = self.leg_at(crossing.at_km, crossing.by_sea)
            leg = self.legs[index]
            self._gauge_break(crossing, leg)
            if crossing.by_sea and crossing.destination not in self.stop_countries:
                self.stops.append(
                    Stop(
                        "transit",
                        crossing.at_km,
                        crossing.origin,
                        crossing.destination,
                        None,
                        note="passed by sea without calling: not a customs entry",
                    )
                )
                continue
            origin = territory or crossing.origin
            territory = crossing.destination
            if origin == crossing.destination:
                continue
            self._border(origin, crossing, index)

    def _border(self, origin: str, crossing: Crossing, index: int) -> None:
        leg, destination, at_km = self.legs[index], crossing.destination, crossing.at_km
        union, fa, fb = self.factors.shared_union(origin, destination, self.as_of)
        if union and fa and fb:
            self.use(fa, "")
            self.use(fb, "")
            self.stops.append(
                Stop(
                    "union_border",
                    at_km,
                    origin,
                    destination,
                    ZERO,
                    list(dict.fromkeys([fa.id, fb.id])),
                    note=f"inside the {union} customs union: no customs control",
                )
            )
            return
        partial = self.factors.partial_union(origin, destination, self.as_of)
        stop = Stop("customs_border", at_km, origin, destination, None)
        if partial:
            self.use(partial, "")
            stop.factors.append(partial.id)
            stop.note = f"partial customs union ({partial.union}): controls remain. "
        if leg.mode == "ferry":
            stop.dwell_hours, stop.note = ZERO, stop.note + "cleared within the ferry crossing"
        elif leg.mode == "sea" and index == len(self.legs) - 1:
            stop.dwell_hours, stop.note = ZERO, stop.note + "cleared at the destination port, outside transit time"
        elif leg.mode == "sea":
            self.use(None, f"port_dwell: {leg.end}")
        else:
            dwell = self.use(
                self.factors.customs_dwell(leg.mode, origin, destination, self.as_of),
                f"customs_dwell: {leg.mode} {border_key(origin, destination)}",
            )
            if dwell:
                stop.dwell_hours = Range(dwell.low, dwell.high)
                stop.factors.append(dwell.id)
        self.stops.append(stop)

    def _gauge_break(self, crossing: Crossing, leg: Leg) -> None:
        if crossing.by_sea or leg.mode != "rail":
            return
        a, b = crossing.origin, crossing.destination
        ga = self.use(self.factors.gauge(a, self.as_of), f"track_gauge_mm: {a}")
        gb = self.use(self.factors.gauge(b, self.as_of), f"track_gauge_mm: {b}")
        if not (ga and gb) or ga.value == gb.value:
            return
        self.stops.append(
            Stop("gauge_break", crossing.at_km, a, b, None, [ga.id, gb.id], note=f"{ga.value:g} mm to {gb.value:g} mm")
        )

    # ----------------------------------------------------------------- transshipments

    def transshipments(self) -> None:
        for i in range(1, len(self.legs)):
            before, after = self.legs[i - 1], self.legs[i]
            if before.mode == after.mode:
                continue
            stop = Stop("transshipment", self.starts[i], before.mode, after.mode, None, place=after.start)
            if "ferry" in (before.mode, after.mode):
                stop.dwell_hours, stop.note = ZERO, "loading on or off the ferry, within the ferry crossing"
            else:
                self.use(None, f"transshipment_dwell: {before.mode} to {after.mode} at {after.start}")
            self.stops.append(stop)
        self.stops.sort(key=lambda s: s.at_km)
        for stop in self.stops:
            if stop.kind == "gauge_break":
                self._gauge_dwell(stop)

    def _gauge_dwell(self, stop: Stop) -> None:
        """A gauge break at a customs border waits within its clearance time (the sources include loading)."""
        border = next((s for s in self.stops if s.kind == "customs_border" and abs(s.at_km - stop.at_km) < 1e-6), None)
        if border is None:
            self.use(None, f"gauge_break_dwell: {border_key(stop.origin, stop.destination)}")
        elif border.dwell_hours is not None:
            stop.dwell_hours, stop.note = ZERO, stop.note + "; transloading within the border clearance time"

    # ----------------------------------------------------------------- result

    def result(self) -> Estimate:
        leg_rows: list[dict[str, Any]] = []
        moving, co2 = ZERO, ZERO
        moving_known = co2_known = True
        for leg in self.legs:
            hours = self._moving_hours(leg)
            emitted = self._co2(leg)
            moving_known &= hours is not None
            co2_known &= emitted is not None
            moving = moving + (hours or ZERO)
            co2 = co2 + (emitted or ZERO)
            leg_rows.append(
                {
                    "segment": leg.segment,
                    "mode": leg.mode,
                    "from": leg.start,
                    "to": leg.end,
                    "length_km": round(leg.length_km, 3),
                    "km_by_country": {c: round(km, 3) for c, km in leg.km_by_country.items()},
                    "moving_hours": hours.to_dict() if hours else None,
                    "co2_kg_per_tonne": emitted.to_dict(2) if emitted else None,
                }
            )
        dwell_known = all(s.dwell_hours is not None for s in self.stops if s.kind != "transit")
        dwell = sum((s.dwell_hours or ZERO for s in self.stops), ZERO)
        transit = moving + dwell if moving_known and dwell_known and self.legs else None
        return Estimate(
            as_of=self.as_of,
            legs=leg_rows,
            stops=self.stops,
            transit_hours=transit,
            co2_kg_per_tonne=co2 if co2_known and self.legs else None,
            missing_factors=self.missing,
            factors_used=self.used,
        )

    def _moving_hours(self, leg: Leg) -> Range | None:
        if leg.mode == "ferry":
            crossing = self.use(
                self.factors.ferry_crossing(leg.start_country, leg.end_country, self.as_of),
                f"ferry_crossing: {border_key(leg.start_country, leg.end_country)}",
            )
            return Range(crossing.low, crossing.high) if crossing else None
        total: Range | None = ZERO
        for country, km in leg.km_by_country.items():
            if km <= 0:
                continue
            where = None if leg.mode in SEA_MODES else (leg.start_country if country == SEA else country)
            speed = self.use(
                self.factors.speed(leg.mode, where, self.as_of),
                f"speed: {leg.mode}" + (f" in {where}" if where else ""),
            )
            if speed is None:
                total = None
            elif total is not None:
                total = total + Range(km / speed.high, km / speed.low)
        return total

    def _co2(self, leg: Leg) -> Range | None:
        intensity = self.use(self.factors.emission(leg.mode, self.as_of), f"emission_intensity: {leg.mode}")
        if intensity is None:
            return None
        return Range(leg.length_km * intensity.low / 1000, leg.length_km * intensity.high / 1000)


# --------------------------------------------------------------------------- from the dataset


def factors_path(root: Path | str | None = None) -> Path:
    """``geo/factors.csv`` of the data directory (this checkout by default)."""
    from .paths import data_dir, geo_dir

    return geo_dir(data_dir(root)) / "factors.csv"


def legs_for_lines(
    data: Any,
    lines: Sequence[Sequence[tuple[str, bool]]],
    boundaries: Any,
    min_excursion_km: float,
) -> list[list[Leg]]:
    """The legs of several lines, each given as oriented segments ``(segment id, forward)``.

    Each segment is analysed alone, with the tolerance of the whole line, for its km per country;
    a segment used by several lines is analysed once.
    """
    from .analysis import clip_to
    from .crossings import analyze_tracks
    from .tracks import segments_track

    steps = list(dict.fromkeys(step for line in lines for step in line))
    if not steps:
        return [[] for _ in lines]
    tracks = [segments_track(data.segments, [step]) for step in steps]
    results = dict(zip(steps, analyze_tracks(tracks, clip_to(boundaries, tracks), min_excursion_km)))
    places = data.places["country"]

    def leg(step: tuple[str, bool]) -> Leg:
        segment_id, forward = step
        row = data.segments.loc[segment_id]
        start, end = (row["from"], row["to"]) if forward else (row["to"], row["from"])
        result = results[step]
        return Leg(
            segment=segment_id,
            mode=row["mode"],
            start=start,
            end=end,
            start_country=places[start],
            end_country=places[end],
            length_km=result.length_km,
            km_by_country=dict(result.length_by_country_km),
        )

    return [[leg(step) for step in line] for line in lines]


def estimate_routes(
    data: Any,
    analyses: Sequence[Any],
    factors: FactorTable,
    as_of: dt.date,
    *,
    boundaries: Any,
) -> list[Estimate]:
    """Estimates for analysed routes (:class:`corridors.analysis.RouteAnalysis`), in their order."""
    from .analysis import route_steps

    if not analyses:
        return []
    tolerance = analyses[0].tolerance_km
    lines = legs_for_lines(data, [route_steps(data, a.id) for a in analyses], boundaries, tolerance)
    return [estimate(legs, a.border_crossings, factors, as_of) for legs, a in zip(lines, analyses)]


#: Search weight of a segment whose estimate lacks a factor: after every segment whose estimate is known.
UNKNOWN_WEIGHT = 1e7


def segment_weights(network: Any, factors: FactorTable, measure: str, as_of: dt.date) -> dict[str, float] | None:
    """A weight per segment of a routing network for ``measure``, to search paths with (None for ``km``).

    ``days``: hours to travel the segment and clear the borders inside it (middle of the range);
    ``co2``: kg per tonne; ``customs``: 1000 per customs border plus the km, so that fewer borders win
    and length breaks ties. A segment whose estimate lacks a factor weighs :data:`UNKNOWN_WEIGHT` plus
    its km. Mode changes at places are not in these weights; the paths found are ranked again by their
    whole estimate (:class:`PathEstimates`).

    Raises
    ------
    UsageError
        For a measure not in :data:`MEASURES`.
    """
    if measure not in MEASURES:
        raise UsageError(f"unknown measure {measure!r}; measures are {', '.join(MEASURES)}")
    if measure == "km":
        return None
    ids = list(network.data.segments.index)
    lines = legs_for_lines(network.data, [[(s, True)] for s in ids], network.boundaries, network.min_excursion_km)
    weights = {}
    for segment_id, legs in zip(ids, lines):
        [leg] = legs
        countries = network.segment_countries[segment_id]
        passes = [
            Crossing(a, b, 0.0, 0.0, leg.length_km / 2, by_sea=leg.mode in SEA_MODES)
            for a, b in zip(countries, countries[1:])
            if a != b
        ]
        found = estimate([leg], passes, factors, as_of)
        if measure == "customs":
            weights[segment_id] = 1000.0 * found.customs_borders + leg.length_km
        else:
            value = found.measure(measure, leg.length_km)
            weights[segment_id] = value if math.isfinite(value) else UNKNOWN_WEIGHT + leg.length_km
    return weights


class PathEstimates:
    """The estimate of each routing path, computed once; called with a path, the value to rank it by."""

    def __init__(self, network: Any, factors: FactorTable, measure: str, as_of: dt.date) -> None:
        if measure not in MEASURES:
            raise UsageError(f"unknown measure {measure!r}; measures are {', '.join(MEASURES)}")
        self.network, self.factors, self.measure, self.as_of = network, factors, measure, as_of
        self._cache: dict[tuple[tuple[str, bool], ...], Estimate] = {}

    def of(self, path: Any) -> Estimate:
        """The estimate of a :class:`corridors.routing.RoutePath`."""
        key = tuple(path.steps)
        if key not in self._cache:
            [legs] = legs_for_lines(
                self.network.data, [path.steps], self.network.boundaries, self.network.min_excursion_km
            )
            self._cache[key] = estimate(legs, path.analysis.border_crossings, self.factors, self.as_of)
        return self._cache[key]

    def __call__(self, path: Any) -> float:
        """The measure being minimised, for a path (``find_routes(rank=...)``)."""
        return self.of(path).measure(self.measure, path.analysis.length_km)
