"""Citations related to every feature table, declared in the GeoPackage Related Tables Extension."""

from __future__ import annotations

import sqlite3

RELATED_TABLES_EXTENSION = "http://www.geopackage.org/18-000.html"


# --- Related Tables Extension ---------------------------------------------------------------------


def add_relations(db: sqlite3.Connection, feature_tables: list[str]) -> None:
    """Register citations → each feature table in ``gpkgext_relations``, with a mapping table of fids.

    Parameters
    ----------
    db : sqlite3.Connection
        The open GeoPackage, holding a ``citations`` table.
    feature_tables : list of str
        The feature tables whose ``id`` the citations' ``feature_id`` refers to.
    """
    db.execute(
        "CREATE TABLE IF NOT EXISTS gpkg_extensions (table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL, "
        "definition TEXT NOT NULL, scope TEXT NOT NULL, CONSTRAINT ge_tce UNIQUE (table_name, column_name, "
        "extension_name))"
    )
    db.execute(
        "CREATE TABLE gpkgext_relations (id INTEGER PRIMARY KEY AUTOINCREMENT, base_table_name TEXT NOT NULL, "
        "base_primary_column TEXT NOT NULL DEFAULT 'id', related_table_name TEXT NOT NULL, "
        "related_primary_column TEXT NOT NULL DEFAULT 'id', relation_name TEXT NOT NULL, "
        "mapping_table_name TEXT NOT NULL UNIQUE)"
    )
    db.execute(
        "INSERT INTO gpkg_extensions VALUES ('gpkgext_relations', NULL, 'related_tables', ?, 'read-write')",
        (RELATED_TABLES_EXTENSION,),
    )
    for table in feature_tables:
        mapping = f"{table}_citations"
        db.execute(f'CREATE TABLE "{mapping}" (base_id INTEGER NOT NULL, related_id INTEGER NOT NULL)')
        db.execute(
            f'INSERT INTO "{mapping}" SELECT f.fid, c.fid FROM "{table}" f JOIN citations c ON c.feature_id = f.id'
        )
        db.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change) "
            "VALUES (?, 'attributes', ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ','now'))",
            (mapping, mapping, f"Which citations back which {table} (Related Tables Extension)"),
        )
        db.execute(
            "INSERT INTO gpkgext_relations (base_table_name, base_primary_column, related_table_name, "
            "related_primary_column, relation_name, mapping_table_name) VALUES (?, 'fid', 'citations', 'fid', "
            "'attributes', ?)",
            (table, mapping),
        )
        db.execute(
            "INSERT INTO gpkg_extensions VALUES (?, NULL, 'related_tables', ?, 'read-write')",
            (mapping, RELATED_TABLES_EXTENSION),
        )


