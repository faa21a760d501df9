"""The popups of the maps: a summary first, then the sources, every data-derived text escaped.

A summary says what a reader asks first (status on the map's date, length, km per country by
country name, border crossings with the place nearest each); the cited attributes follow, grouped by
the quote that states them and folded (``<details>``), so no popup repeats a quote.

:func:`citations_html` is the one place that lays out citations (their wording, "according to
<source>, <date>", is :func:`corridors.attributes.according_to`'s); the popup builders only assemble.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import shapely

from ..analysis import RouteAnalysis
from ..attributes import claim_label, grouped_by_quote
from ..crossings import Crossing, LineAnalysis
from ..dataset import Dataset
from ..estimates import Estimate
from ..geodesy import GEOD, path_length_km
from ..timeline import route_status_on, status_on
from ..vocab import GEOMETRY_QUALITY_MEANINGS, LAYERS, NOT_BUILT

#: A crossing names the nearest place when one lies within this distance.
NEAREST_PLACE_MAX_KM = 150.0


@dataclass(frozen=True)
class CrossingSite:
    """Where one or more shown routes or segments cross a border: the point and each line's passage."""

    lon: float
    lat: float
    countries: tuple[str, str]
    passages: tuple[tuple[str, Crossing], ...]  # (route or segment name, crossing)


def _e(value: Any) -> str:
    return html.escape(str(value))


def _km(value: float) -> str:
    return f"{value:,.1f} km"


def _given(value: Any) -> bool:
    return value is not None and value == value  # NaN is not equal to itself


def _rows(rows: Iterable[tuple[str, str]]) -> str:
    """A two-column table; the cells are HTML already."""
    return "<table>" + "".join(f"<tr><th>{label}</th><td>{cell}</td></tr>" for label, cell in rows) + "</table>"


def _header(name: str, what: str) -> str:
    return f"<h3>{_e(name)}</h3><p class=\"meta\">{_e(what)}</p>"


def country_name(code: str, names: Mapping[str, str]) -> str:
    """A country's name (``sea`` is "at sea"), its code when the names do not know it (plain text).

    Parameters
    ----------
    code
        ISO3 code, or ``sea``.
    names
        Country names by code (default: Natural Earth's).

    Returns
    -------
    str
        The name, in plain text.
    """
    return "at sea" if code == "sea" else names.get(code, code)


def status_text(status: str, opened: Any, closed: Any) -> str:
    """``operational, opened 2017-10-30`` / ``historical, opened 1992, closed 2023-04-23`` (plain text).

    Parameters
    ----------
    status
        The status (``operational``, ``historical``, ...).
    opened
        The opening date or year, if known.
    closed
        The closing date or year, if any.

    Returns
    -------
    str
        The status with its dates, in plain text.
    """
    parts = [str(status).replace("_", " ")]
    if _given(opened):
        parts.append(f"{'opening' if status in NOT_BUILT else 'opened'} {opened}")
    if _given(closed):
        parts.append(f"closed {closed}")
    return ", ".join(parts)


def status_of(row: pd.Series, as_of: dt.date | None = None, status_then: str | None = None) -> str:
    """The status with dates of a route or segment row; with ``as_of``, first its status on that day.

    ``status_then`` is the status on ``as_of`` when the caller knows better than the row alone (a
    route, whose segments count too); by default :func:`corridors.timeline.status_on` of the row.

    Parameters
    ----------
    row
        The route or segment row.
    as_of
        The day to give the status on, or ``None`` for the row's own.
    status_then
        The status on ``as_of`` when the caller knows it.

    Returns
    -------
    str
        The status with its dates, in plain text.
    """
    text = status_text(row["status"], row["opened"], row["closed"])
    if as_of is None:
        return text
    then = status_then or status_on(row, as_of)
    return f"{then.replace('_', ' ')} on {as_of.isoformat()} (now {text})"


def _status_cell(feature_id: str, row: pd.Series, as_of: dt.date | None, then: str | None = None) -> str:
    """The status, in a span the map's time slider rewrites for the day it shows."""
    now = status_text(row["status"], row["opened"], row["closed"])
    return f'<span data-status-of="{_e(feature_id)}" data-now="{_e(now)}">{_e(status_of(row, as_of, then))}</span>'


def quality_text(quality: str) -> str:
    """``schematic: drawn through its known towns only`` (plain text).

    Parameters
    ----------
    quality
        The geometry quality (``schematic``, ...).

    Returns
    -------
    str
        The quality and what it means, in plain text.
    """
    return f"{quality}: {GEOMETRY_QUALITY_MEANINGS[quality]}"


def nearest_place(data: Dataset, lon: float, lat: float) -> tuple[str, float] | None:
    """The name of the place nearest a point and its distance in km (geodesic), if within NEAREST_PLACE_MAX_KM.

    Parameters
    ----------
    data
        The dataset.
    lon, lat
        The point, in degrees.

    Returns
    -------
    tuple or None
        ``(name, km)``, or ``None`` when no place is near enough.
    """
    if data.places.empty:
        return None
    xy = shapely.get_coordinates(data.places.geometry.to_numpy())
    _, _, metres = GEOD.inv(np.full(len(xy), lon), np.full(len(xy), lat), xy[:, 0], xy[:, 1])
    best = int(np.argmin(metres))
    km = float(metres[best]) / 1000
    return (str(data.places["name"].iloc[best]), km) if km <= NEAREST_PLACE_MAX_KM else None


def crossing_text(data: Dataset, crossing: Crossing, names: Mapping[str, str]) -> str:
    """``Azerbaijan → Georgia at km 512.3, 4 km from Böyük Kəsik`` (HTML, escaped).

    Parameters
    ----------
    data
        The dataset.
    crossing
        The border crossing.
    names
        Country names by code (default: Natural Earth's).

    Returns
    -------
    str
        The crossing in words, as escaped HTML.
    """
    text = (
        f"{_e(country_name(crossing.origin, names))} → {_e(country_name(crossing.destination, names))}"
        f" at km {crossing.at_km:,.1f}"
    )
    if crossing.by_sea:
        text += f" (by sea, landfall at km {crossing.landfall_km:,.1f})"
    near = nearest_place(data, crossing.lon, crossing.lat)
    if near:
        text += f", {near[1]:,.0f} km from {_e(near[0])}"
    return text


def _line_summary(
    data: Dataset,
    line: LineAnalysis,
    names: Mapping[str, str],
    passages: Sequence[tuple[str, Crossing]] | None = None,
) -> str:
    """Km per country (by name) and the border crossings of a line: its own, or ``passages`` (the
    crossings of the routes through it, each with the route's name, its km counted along that route).
    """
    per_country = "<table class=\"km\">" + "".join(
        f"<tr><td>{_e(country_name(code, names))}</td><td class=\"num\">{_km(km)}</td></tr>"
        for code, km in line.length_by_country_km.items()
    ) + "</table>"
    if passages is None:
        items = [crossing_text(data, c, names) for c in line.crossings]
    else:
        items = [f"{_e(route)}: {crossing_text(data, c, names)}" for route, c in passages]
    crossings = "".join(f"<li>{item}</li>" for item in items)
    return (
        f"<h4>Km per country</h4>{per_country}<h4>Border crossings ({len(items)})</h4>"
        + (f"<ol>{crossings}</ol>" if crossings else "<p class=\"none\">None.</p>")
    )


def published_html(analysis: RouteAnalysis, names: Mapping[str, str] | None = None) -> str:
    """The published length beside ours, with its source linked (escaped); empty when none is published.

    Parameters
    ----------
    analysis
        The route's analysis.
    names
        Country names by code (default: Natural Earth's).

    Returns
    -------
    str
        Escaped HTML, or ``""``.
    """
    figures = analysis.to_dict()
    source = figures["published_source"]
    if source is None:
        return ""
    link = (
        f'<a href="{_e(source["url"])}" target="_blank" rel="noopener">'
        f'{_e(source["outlet"])}, {_e(source["date"])}</a>'
    )
    text = f"{figures['published_km']:,.0f} km, ours {figures['deviation_pct']:+.1f} % ({link})"
    parts = [("Published", text)]
    for code, km in (figures["published_by_country_km"] or {}).items():
        deviation = figures["deviation_by_country_pct"][code]
        where = country_name(code, names or {})
        parts.append((f"Published in {_e(where)}", f"{km:,.0f} km, ours {deviation:+.1f} %"))
    return _rows(parts)


def citations_html(data: Dataset, feature_id: str) -> str:
    """The cited attributes, one folded block per quote (:func:`corridors.attributes.grouped_by_quote`):
    the values it supports ``— according to <source>, <date>``, unfolding to the quote (escaped).

    Parameters
    ----------
    data
        The dataset.
    feature_id
        The route, segment or airport id.

    Returns
    -------
    str
        Escaped HTML, one block per quote.
    """
    citations = data.citations_for(feature_id)
    if not citations:
        return '<p class="none">No cited attributes.</p>'
    groups = grouped_by_quote(citations, data.documents)
    items = []
    for group in groups:
        stated = "; ".join(_e(claim_label(cite)) for cite in group.claims)
        items.append(
            f'<details class="corridors-citation"><summary>{stated} — <cite>{_e(group.source)}</cite></summary>'
            f"<blockquote>“{_e(group.quote)}”</blockquote></details>"
        )
    return (
        f"<h4>Sources ({len(citations)} attributes, {len(groups)} quotes)</h4>"
        f"<div class=\"citations\">{''.join(items)}</div>"
    )


def estimates_html(found: Estimate, crossings: int) -> str:
    """The estimates block of a route popup: days, customs borders, transshipments, CO₂, missing factors.

    Parameters
    ----------
    found
        The route's estimate.
    crossings
        The number of border crossings of the route.

    Returns
    -------
    str
        Escaped HTML.
    """

    def span(value: Any, unit: str, digits: int) -> str:
        """A range as HTML.

        Parameters
        ----------
        value
            A low–high range, or None when a factor is missing.
        unit
            The unit shown after it.
        digits
            Decimals shown.

        Returns
        -------
        str
            HTML for the range.
        """
        if value is None:
            return '<span class="none">unknown (missing factor)</span>'
        low, high = f"{value.low:,.{digits}f}", f"{value.high:,.{digits}f}"
        return f"{low} {unit}" if low == high else f"{low}–{high} {unit}"

    rows = _rows([
        ("Transit", span(found.transit_days, "days", 1)),
        ("Customs borders", f"{found.customs_borders} of {crossings} border crossings"),
        ("Transshipments", str(found.transshipments)),
        ("CO₂", span(found.co2_kg_per_tonne, "kg per tonne", 0)),
    ])
    missing = "; ".join(found.missing_factors)
    missing = f"<p class=\"note\">Missing factors: {_e(missing)}</p>" if missing else ""
    return f"<h4>Estimates (as of {found.as_of.isoformat()}; geo/factors.csv)</h4>{rows}{missing}"


def route_popup(
    data: Dataset,
    route_id: str,
    analysis: RouteAnalysis,
    as_of: dt.date | None = None,
    found: Estimate | None = None,
    names: Mapping[str, str] | None = None,
) -> str:
    """Popup HTML of a route: summary (status on ``as_of`` when given, lengths, published length, geometry
    quality, km per country, crossings), the estimates (``found``), then the legs folded, then the
    citations grouped by quote.

    Parameters
    ----------
    data
        The dataset.
    route_id
        The route's id.
    analysis
        The route's analysis.
    as_of
        The day of the map, or ``None``.
    found
        The route's estimate, or ``None`` for no estimates block.
    names
        Country names by code (default: Natural Earth's).

    Returns
    -------
    str
        Escaped HTML.
    """
    names = names or {}
    row = data.routes.loc[route_id]
    by_mode = " · ".join(f"{_e(mode)} {_km(km)}" for mode, km in analysis.length_by_mode_km.items())
    counts = analysis.segments_by_geometry_quality
    then = route_status_on(row, data.segments, as_of) if as_of else None
    summary = _rows([
        ("Status", _status_cell(route_id, row, as_of, then)),
        ("Length", _km(analysis.length_km) + (f" ({by_mode})" if len(analysis.length_by_mode_km) > 1 else "")),
        ("Geometry", _e(f"{analysis.geometry_quality} ({counts['traced']} of {sum(counts.values())} legs traced)")),
        ("Countries", " → ".join(_e(country_name(c, names)) for c in analysis.countries)),
    ]) + published_html(analysis, names)
    legs = "".join(
        f"<li>{_e(leg['name'])} ({_e(leg['mode'])}, {_e(status_of(leg, as_of))}; {_e(leg['geometry_quality'])})</li>"
        for _, leg in data.segments.loc[row["segments"]].iterrows()
    )
    return (
        f"{_header(row['name'], 'Route · ' + LAYERS[row['layer']])}{summary}{_line_summary(data, analysis.line, names)}"
        f"{estimates_html(found, analysis.crossings_count) if found else ''}"
        f"<details class=\"legs\"><summary>Legs ({len(row['segments'])})</summary><ol>{legs}</ol></details>"
        f"{citations_html(data, route_id)}"
    )


def segment_popup(
    data: Dataset,
    segment_id: str,
    as_of: dt.date | None = None,
    line: LineAnalysis | None = None,
    names: Mapping[str, str] | None = None,
    passages: Sequence[tuple[str, Crossing]] | None = None,
) -> str:
    """Popup HTML of a segment: status (on ``as_of`` when given), mode, geometry quality, ends, geodesic
    length, km per country and crossings (with ``line``, its analysis; ``passages``, the crossings of the
    routes through it, when a route uses it), then the citations.

    Parameters
    ----------
    data
        The dataset.
    segment_id
        The segment's id.
    as_of
        The day of the map, or ``None``.
    line
        The segment's analysis, or ``None`` for no lengths per country.
    names
        Country names by code (default: Natural Earth's).
    passages
        ``(route id, crossing)`` of the routes crossing a border on it.

    Returns
    -------
    str
        Escaped HTML.
    """
    names = names or {}
    row = data.segments.loc[segment_id]
    length = sum(path_length_km(shapely.get_coordinates(part)) for part in shapely.get_parts(row.geometry))
    ends = " → ".join(_e(data.places.at[p, "name"]) for p in (row["from"], row["to"]))
    summary = _rows([
        ("Status", _status_cell(segment_id, row, as_of)),
        ("Mode", _e(row["mode"])),
        ("Length", _km(length)),
        ("From → to", ends),
        ("Geometry", _e(quality_text(row["geometry_quality"]))),
    ])
    lines = _line_summary(data, line, names, passages) if line is not None else ""
    return (
        f"{_header(row['name'], 'Segment · ' + LAYERS[row['layer']])}{summary}{lines}"
        f"{citations_html(data, segment_id)}"
    )


def airport_popup(data: Dataset, airport_id: str, names: Mapping[str, str] | None = None) -> str:
    """Popup HTML of an airport: codes, country, the place it serves, its opening with the source, citations.

    Parameters
    ----------
    data
        The dataset.
    airport_id
        The airport's id.
    names
        Country names by code (default: Natural Earth's).

    Returns
    -------
    str
        Escaped HTML.
    """
    row = data.airports.loc[airport_id]
    serves = row.get("serves")
    opened = row.get("opened")
    summary = _rows([
        ("ICAO / IATA", f"{_e(airport_id)} / {_e(row['iata'] if _given(row.get('iata')) else '—')}"),
        ("Country", _e(country_name(str(row["country"]), names or {}))),
        ("Serves", _e(data.places.at[serves, "name"] if serves in data.places.index else "—")),
        *([("Opened", f"{_e(opened)}<br><cite>{_e(row['opened_source'])}</cite>")] if _given(opened) else []),
    ])
    return f"{_header(row['name'], 'Airport')}{summary}{citations_html(data, airport_id)}"


def crossing_popup(data: Dataset, site: CrossingSite, names: Mapping[str, str] | None = None) -> str:
    """Popup HTML of a border crossing: each route or segment passing there, with its direction and km.

    Parameters
    ----------
    data
        The dataset.
    site
        The crossing site and what passes there.
    names
        Country names by code (default: Natural Earth's).

    Returns
    -------
    str
        Escaped HTML.
    """
    names = names or {}
    passages = "".join(f"<li>{_e(name)}: {crossing_text(data, c, names)}</li>" for name, c in site.passages)
    countries = " – ".join(country_name(c, names) for c in site.countries)
    return (
        f"{_header('Border crossing ' + countries, f'{site.lat:.4f}, {site.lon:.4f}')}"
        f"<ul>{passages}</ul><p class=\"note\">Where the line leaves the first country; km from the line's start.</p>"
    )
