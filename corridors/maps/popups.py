"""Popup HTML of routes, segments, airports and border crossings; every data-derived text is escaped."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import shapely

from ..analysis import RouteAnalysis
from ..crossings import Crossing
from ..dataset import Dataset
from ..geodesy import path_length_km
from ..vocab import LAYERS, NOT_BUILT


@dataclass(frozen=True)
class CrossingSite:
    """Where one or more shown routes cross a border: the point and each route's passage."""

    lon: float
    lat: float
    countries: tuple[str, str]
    passages: tuple[tuple[str, Crossing], ...]  # (route name, crossing)


def crossing_sites(analyses: Sequence[RouteAnalysis]) -> list[CrossingSite]:
    """The crossings of the routes, merged where several routes cross at one point (≈ 100 m)."""
    sites: dict[tuple, list] = {}
    for analysis in analyses:
        for crossing in analysis.border_crossings:
            key = (round(crossing.lon, 3), round(crossing.lat, 3), frozenset((crossing.origin, crossing.destination)))
            sites.setdefault(key, []).append((analysis.name, crossing))
    merged = []
    for passages in sites.values():
        first = passages[0][1]
        merged.append(CrossingSite(first.lon, first.lat, (first.origin, first.destination), tuple(passages)))
    return merged


def _e(value: Any) -> str:
    return html.escape(str(value))


def _km(value: float) -> str:
    return f"{value:,.1f} km"


def _rows(rows: Iterable[tuple[str, str]]) -> str:
    """A two-column table; the cells are HTML already."""
    return "<table>" + "".join(f"<tr><th>{label}</th><td>{cell}</td></tr>" for label, cell in rows) + "</table>"


def status_text(status: str, opened: Any, closed: Any) -> str:
    """``operational, opened 2017-10-30`` / ``historical, opened 1992, closed 2023-04-23`` (plain text)."""
    parts = [str(status).replace("_", " ")]
    if given(opened):
        parts.append(f"{'opening' if status in NOT_BUILT else 'opened'} {opened}")
    if given(closed):
        parts.append(f"closed {closed}")
    return ", ".join(parts)


def status_of(row: pd.Series) -> str:
    """The status with dates of a route or segment row."""
    return status_text(row["status"], row["opened"], row["closed"])


def given(value: Any) -> bool:
    return value is not None and value == value  # NaN is not equal to itself


def citations_html(data: Dataset, feature_id: str) -> str:
    """The cited attributes: name, value, the quote and the document's title (escaped)."""
    citations = data.citations_for(feature_id)
    if not citations:
        return '<p class="none">No cited attributes.</p>'
    items = []
    for cite in citations:
        document = data.documents[cite.document]
        source = _e(document.title) + (f", {_e(document.date)}" if document.date else "")
        items.append(
            f'<li class="corridors-citation"><b>{_e(cite.name.replace("_", " "))}</b>: {_e(cite.value)}'
            f"<blockquote>“{_e(cite.quote)}”</blockquote><cite>{source}</cite></li>"
        )
    return f"<h4>Cited attributes ({len(citations)})</h4><ul class=\"citations\">{''.join(items)}</ul>"


def _header(name: str, what: str) -> str:
    return f"<h3>{_e(name)}</h3><p class=\"meta\">{_e(what)}</p>"


def route_popup(data: Dataset, route_id: str, analysis: RouteAnalysis) -> str:
    """Popup HTML of a route: status, lengths, countries, crossings, legs and citations."""
    row = data.routes.loc[route_id]
    by_mode = " · ".join(f"{_e(mode)} {_km(km)}" for mode, km in analysis.length_by_mode_km.items())
    summary = _rows([
        ("Status", _e(status_of(row))),
        ("Length", _km(analysis.length_km) + (f" ({by_mode})" if len(analysis.length_by_mode_km) > 1 else "")),
        ("Countries", " → ".join(_e(c) for c in analysis.countries)),
    ])
    per_country = "<h4>Km per country</h4><table class=\"km\">" + "".join(
        f"<tr><td>{_e('at sea' if code == 'sea' else code)}</td><td class=\"num\">{_km(km)}</td></tr>"
        for code, km in analysis.length_by_country_km.items()
    ) + "</table>"
    crossings = "".join(f"<li>{_crossing_text(c)}</li>" for c in analysis.border_crossings)
    crossings_block = f"<h4>Border crossings ({analysis.crossings_count})</h4>" + (
        f"<ol>{crossings}</ol>" if crossings else "<p class=\"none\">None.</p>"
    )
    legs = "".join(
        f"<li>{_e(leg['name'])} ({_e(leg['mode'])}, {_e(status_of(leg))})</li>"
        for _, leg in data.segments.loc[row["segments"]].iterrows()
    )
    return (
        f"{_header(row['name'], 'Route · ' + LAYERS[row['layer']])}{summary}{per_country}{crossings_block}"
        f"<h4>Legs</h4><ol>{legs}</ol>{citations_html(data, route_id)}"
    )


def _crossing_text(crossing: Crossing) -> str:
    text = f"{_e(crossing.origin)} → {_e(crossing.destination)} at km {crossing.at_km:,.1f}"
    if crossing.by_sea:
        text += f" (by sea, landfall at km {crossing.landfall_km:,.1f})"
    return text


def segment_popup(data: Dataset, segment_id: str) -> str:
    """Popup HTML of a segment: mode, status, ends, geodesic length and citations."""
    row = data.segments.loc[segment_id]
    length = sum(path_length_km(shapely.get_coordinates(part)) for part in shapely.get_parts(row.geometry))
    ends = " → ".join(_e(data.places.at[p, "name"]) for p in (row["from"], row["to"]))
    summary = _rows([
        ("Mode", _e(row["mode"])),
        ("Status", _e(status_of(row))),
        ("From → to", ends),
        ("Length", _km(length)),
    ])
    return f"{_header(row['name'], 'Segment · ' + LAYERS[row['layer']])}{summary}{citations_html(data, segment_id)}"


def airport_popup(data: Dataset, airport_id: str) -> str:
    """Popup HTML of an airport: codes, country, the place it serves and citations."""
    row = data.airports.loc[airport_id]
    serves = row.get("serves")
    summary = _rows([
        ("ICAO / IATA", f"{_e(airport_id)} / {_e(row['iata'] if given(row.get('iata')) else '—')}"),
        ("Country", _e(row["country"])),
        ("Serves", _e(data.places.at[serves, "name"] if serves in data.places.index else "—")),
    ])
    return f"{_header(row['name'], 'Airport')}{summary}{citations_html(data, airport_id)}"


def crossing_popup(site: CrossingSite) -> str:
    """Popup HTML of a border crossing: each route passing there, with its direction and km."""
    passages = "".join(f"<li>{_e(name)}: {_crossing_text(c)}</li>" for name, c in site.passages)
    return (
        f"{_header('Border crossing ' + ' – '.join(site.countries), f'{site.lat:.4f}, {site.lon:.4f}')}"
        f"<ul>{passages}</ul><p class=\"note\">Where the route leaves the first country.</p>"
    )
