"""KML for Google Earth: placemarks named, described with their citations, styled by mode or corridor."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio

from ..geojson import plain
from ..io import atomic_path
from ..style import (
    LAND_CROSSING_COLOUR,
    LAYER_COLOURS,
    MARKER_COLOURS,
    MODE_COLOURS,
    NOT_BUILT_YET,
    line_colour,
    status_group,
)
from .tables import ExportTables

_KML_ICONS = {
    "places": "https://maps.google.com/mapfiles/kml/shapes/placemark_circle.png",
    "airports": "https://maps.google.com/mapfiles/kml/shapes/airports.png",
    "crossings": "https://maps.google.com/mapfiles/kml/shapes/placemark_square.png",
}
#: KML line width (px), opacity, and opacity while planned or under construction (KML cannot dash).
_KML_LINES = {"routes": (6, "99", "4D"), "segments": (3, "FF", "80")}


def kml_driver() -> str:
    """The GDAL driver KML is written with: LIBKML where GDAL has it, else the built-in KML driver."""
    return "LIBKML" if "LIBKML" in pyogrio.list_drivers(write=True) else "KML"


def write_kml(tables: ExportTables, target: str | Path, driver: str | None = None) -> Path:
    """KML for Google Earth: each placemark named, described with its citations, styled by mode.

    With LIBKML each table is a folder; the KML driver cannot add layers to a file, so it writes a
    single folder ``corridors`` with every feature and their ``kind``. KML has no dashed lines:
    segments not built yet are drawn half transparent instead.
    """
    driver = driver or kml_driver()
    frames = {name: _kml_frame(name, frame, tables.citations) for name, frame in tables.layers.items()}
    with atomic_path(target) as temporary:
        if driver == "LIBKML":
            for name, frame in frames.items():
                pyogrio.write_dataframe(frame, temporary, driver=driver, layer=name, layer_options={"FOLDER": "YES"})
        else:
            combined = gpd.GeoDataFrame(pd.concat(frames.values(), ignore_index=True), crs="EPSG:4326")
            pyogrio.write_dataframe(combined, temporary, driver=driver, layer="corridors")
    return Path(target)


def _kml_frame(table: str, frame: gpd.GeoDataFrame, citations: pd.DataFrame) -> gpd.GeoDataFrame:
    """The table with ``description`` (HTML, with the citations) and ``OGR_STYLE`` (GDAL's style field)."""
    sources = {fid: rows for fid, rows in citations.groupby("feature_id")}
    frame = frame.drop(columns="citations_text", errors="ignore")
    rows = frame.drop(columns="geometry").to_dict("records")
    return frame.assign(
        description=[_kml_description(row, sources.get(row["id"])) for row in rows],
        OGR_STYLE=[_kml_style(table, row) for row in rows],
    )


def _kml_description(row: dict[str, Any], sources: pd.DataFrame | None) -> str:
    facts = [str(row[key]) for key in ("kind", "layer", "mode", "status") if plain(row.get(key)) is not None]
    text = f"<p>{html.escape(' · '.join(facts))}</p>"
    if sources is not None:
        items = "".join(
            f"<li><b>{html.escape(c.attribute)}</b>: {html.escape(c.value)} — “{html.escape(c.quote)}” "
            f"<i>({html.escape(c.document_title)})</i></li>"
            for c in sources.itertuples()
        )
        text += f"<p>Sources:</p><ul>{items}</ul>"
    return text


def _kml_style(table: str, row: dict[str, Any]) -> str:
    """An OGR feature style string, which GDAL's KML drivers turn into the placemark's <Style>."""
    if table in _KML_LINES:
        width, opacity, faint = _KML_LINES[table]
        own = LAYER_COLOURS[row["layer"]] if table == "routes" else MODE_COLOURS[row["mode"]]
        colour = line_colour(row["status"], own)
        alpha = faint if status_group(row["status"]) == NOT_BUILT_YET else opacity
        return f"PEN(c:{colour.upper()}{alpha},w:{width}px)"
    return f'SYMBOL(id:"{_KML_ICONS[table]}",c:{_marker_colour(table, row).upper()}FF)'


def _marker_colour(table: str, row: dict[str, Any]) -> str:
    if table == "crossings":
        return MODE_COLOURS["sea"] if row["by_sea"] else LAND_CROSSING_COLOUR
    return MARKER_COLOURS[table]
