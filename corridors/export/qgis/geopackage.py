"""Adding the countries layer, ``layer_styles``, relations and project to a written GeoPackage."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from ..tables import TABLE_DESCRIPTIONS, ExportTables
from .legend import (
    COUNTRIES_TABLE,
    TITLES,
)
from .project import add_project
from .qml import qml_style
from .relations import add_relations
from .sld import sld_style

#: Simplification of the countries context layer (degrees, about 1 km): it is drawn, never measured.
COUNTRIES_TOLERANCE_DEG = 0.01


def add_to_geopackage(path: str | Path, tables: ExportTables, file_name: str) -> None:
    """Add the countries layer, relations, styles and project to the GeoPackage at ``path``.

    ``file_name`` is the name the file will have once written (the project refers to it by that name,
    relative to its own directory, so the file can move but not be renamed).

    Parameters
    ----------
    path : str or Path
        A GeoPackage already holding the export's tables.
    tables : ExportTables
        The tables written to it.
    file_name : str
        The GeoPackage's final file name.
    """
    countries = _countries(tables)
    if len(countries):
        pyogrio.write_dataframe(
            countries, path, driver="GPKG", layer=COUNTRIES_TABLE, promote_to_multi=True,
            layer_options={"DESCRIPTION": "Natural Earth 10m admin-0 countries around the features (context)"},
        )
    layers = {**tables.layers, **({COUNTRIES_TABLE: countries} if len(countries) else {})}
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        if len(tables.citations):
            add_relations(db, [name for name in ("routes", "segments", "places", "airports") if name in layers])
        _add_styles(db, layers)
        add_project(db, layers, has_citations=bool(len(tables.citations)), file_name=file_name)


# --- countries ------------------------------------------------------------------------------------


def _countries(tables: ExportTables) -> gpd.GeoDataFrame:
    from ...boundaries import default_boundaries

    bounds = tables.combined().total_bounds
    if not all(map(pd.notna, bounds)):
        return gpd.GeoDataFrame({"iso3": []}, geometry=[], crs="EPSG:4326")
    frame = default_boundaries().clipped(tuple(bounds)).to_geodataframe()
    frame["geometry"] = shapely.simplify(frame.geometry.values, COUNTRIES_TOLERANCE_DEG, preserve_topology=True)
    frame = frame[~frame.geometry.is_empty]
    return frame.dissolve("iso3", as_index=False)[["iso3", "geometry"]]


# --- layer_styles ---------------------------------------------------------------------------------


def _add_styles(db: sqlite3.Connection, layers: dict[str, gpd.GeoDataFrame]) -> None:
    """Create ``layer_styles`` as QGIS does and store a default QML and SLD per table."""
    db.execute(
        "CREATE TABLE layer_styles ("
        "id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, f_table_catalog TEXT(256), f_table_schema TEXT(256), "
        "f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT, styleSLD TEXT, "
        "useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30), "
        "update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))"
    )
    db.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, srs_id) "
        "VALUES (?, 'attributes', ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ','now'), 0)",
        ("layer_styles", "layer_styles", "QGIS default styles (QML) and SLD, one per layer"),
    )
    for name, frame in layers.items():
        (column,) = db.execute("SELECT column_name FROM gpkg_geometry_columns WHERE table_name = ?", (name,)).fetchone()
        db.execute(
            "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, "
            "styleName, styleQML, styleSLD, useAsDefault, description, owner, ui) "
            "VALUES ('', '', ?, ?, ?, ?, ?, 1, ?, '', NULL)",
            (name, column, name, qml_style(name, frame), sld_style(name, frame),
             TABLE_DESCRIPTIONS.get(name, TITLES[name])),
        )


