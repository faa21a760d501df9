"""GeoPackage: a table per kind, the citations table, and the QGIS extras (styles, relations, project)."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import pyogrio

from ..io import atomic_path
from .qgis import add_to_geopackage
from .tables import TABLE_DESCRIPTIONS, ExportTables
from .written import check_complete

#: GeoPackage 1.2, which GDAL 3.x and every QGIS 3 release read without a version warning.
_GPKG_VERSION = {"VERSION": "1.2"}


def write_gpkg(tables: ExportTables, target: str | Path) -> Path:
    """A GeoPackage: a table per kind, the citations table, and a default QGIS style per layer.

    Parameters
    ----------
    tables
        The tables to write (see :func:`export_tables`).
    target
        The file to write.

    Returns
    -------
    Path
        The file written.
    """
    with atomic_path(target) as temporary:
        for name, frame in tables.layers.items():
            pyogrio.write_dataframe(
                frame, temporary, driver="GPKG", layer=name, promote_to_multi=name == "routes",
                dataset_options=_GPKG_VERSION, layer_options={"DESCRIPTION": TABLE_DESCRIPTIONS[name]},
                use_arrow=True,  # dates as DATE columns
            )
        if len(tables.citations):
            pyogrio.write_dataframe(
                tables.citations, temporary, driver="GPKG", layer="citations", dataset_options=_GPKG_VERSION,
                layer_options={"DESCRIPTION": TABLE_DESCRIPTIONS["citations"]},
            )
        with contextlib.closing(sqlite3.connect(temporary)) as db, db:
            if len(tables.citations):
                db.execute("CREATE INDEX citations_feature_id ON citations (feature_id)")
        add_qgis_extras(temporary, tables, Path(target).name)
        expected = {name: len(frame) for name, frame in tables.layers.items()}
        if len(tables.citations):
            expected["citations"] = len(tables.citations)
        check_complete(temporary, expected, target)
    return Path(target)


def add_qgis_extras(path: Path, tables: ExportTables, file_name: str) -> None:
    """Countries, styles (QML and SLD), citation relations and the QGIS project: see :mod:`corridors.export.qgis`.

    Parameters
    ----------
    path
        The GeoPackage being written (the temporary file).
    tables
        The tables to write (see :func:`export_tables`).
    file_name
        The name the file will have, for the QGIS project's paths.
    """
    add_to_geopackage(path, tables, file_name)
