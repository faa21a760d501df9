"""Legs, stops and the estimate of a line: customs borders, gauge breaks, transshipments, days and CO₂."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..crossings import SEA, Crossing
from ..vocab import SEA_MODES
from .factors import (
    CO2_UNIT,
    Factor,
    FactorTable,
    border_key,
)


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
        """The range as JSON, scaled and rounded.

        Parameters
        ----------
        digits : int
            Decimals to round to.
        scale : float
            Factor to multiply both ends by.

        Returns
        -------
        dict of str to float
            ``low`` and ``high``.
        """
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
        """The stop as JSON.

        Returns
        -------
        dict
            Its kind, place, countries, days and the factors used.
        """
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
        """The value ``--minimize NAME`` ranks by (midpoint of a range; infinite when a factor is missing).

        Parameters
        ----------
        name : str
            One of :data:`MEASURES`.
        length_km : float
            The line's length, for ``km``.

        Returns
        -------
        float
            The value; infinite when a factor it needs is missing.
        """
        if name == "km":
            return length_km
        if name == "customs":
            return self.customs_borders
        chosen = self.transit_days if name == "days" else self.co2_kg_per_tonne
        return chosen.mid if chosen else math.inf

    def to_dict(self) -> dict[str, Any]:
        """The keys ``compare`` and ``route`` add to a line's JSON.

        Returns
        -------
        dict
            Transit days, transshipments, customs borders, CO₂ and the ``estimates`` breakdown.
        """
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
