"""GeoPackage: a table per kind, the citations table, and a default QGIS style per layer."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import pyogrio

from ..io import atomic_path
from .qml import qml_style
from .tables import TABLE_DESCRIPTIONS, ExportTables

#: GeoPackage 1.2, which GDAL 3.x and every QGIS 3 release read without a version warning.
_GPKG_VERSION = {"VERSION": "1.2"}


def write_gpkg(tables: ExportTables, target: str | Path) -> Path:
    """A GeoPackage: a table per kind, the citations table, and a default QGIS style per layer."""
    with atomic_path(target) as temporary:
        for name, frame in tables.layers.items():
            pyogrio.write_dataframe(
                frame, temporary, driver="GPKG", layer=name, promote_to_multi=name == "routes",
                dataset_options=_GPKG_VERSION, layer_options={"DESCRIPTION": TABLE_DESCRIPTIONS[name]},
            )
        if len(tables.citations):
            pyogrio.write_dataframe(
                tables.citations, temporary, driver="GPKG", layer="citations", dataset_options=_GPKG_VERSION,
                layer_options={"DESCRIPTION": TABLE_DESCRIPTIONS["citations"]},
            )
        with contextlib.closing(sqlite3.connect(temporary)) as db, db:
            if len(tables.citations):
                db.execute("CREATE INDEX citations_feature_id ON citations (feature_id)")
            _add_styles(db, list(tables.layers))
    return Path(target)


def _add_styles(db: sqlite3.Connection, layers: list[str]) -> None:
    """Create ``layer_styles`` as QGIS does, register it in ``gpkg_contents`` and store a QML per layer."""
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
        ("layer_styles", "layer_styles", "QGIS default styles, one per layer"),
    )
    for name in layers:
        (column,) = db.execute("SELECT column_name FROM gpkg_geometry_columns WHERE table_name = ?", (name,)).fetchone()
        db.execute(
            "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, "
            "styleName, styleQML, styleSLD, useAsDefault, description, owner, ui) "
            "VALUES ('', '', ?, ?, ?, ?, '', 1, ?, '', NULL)",
            (name, column, name, qml_style(name), TABLE_DESCRIPTIONS[name]),
        )
