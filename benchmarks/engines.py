"""The three ways to get lengths per route and country that the benchmark compares.

Each engine has an in-process form (inputs already in memory, only the analysis timed) and a
whole-process form (``python benchmarks/engines.py ENGINE ROUTES COUNTRIES OUT``: read the
GeoParquet files, analyse, write a CSV of ``id,iso3,km``), which is what an analyst would run.

- **ours**: :func:`corridors.userdata.analyze_lines` (what ``corridors analyze`` runs), which also
  gives the country sequence, crossings and tolerance cleaning; its whole process is the CLI itself.
- **overlay**: ``geopandas.overlay`` of the routes with the countries, ``dissolve`` by route and
  country, ``pyproj.Geod.geometry_length`` of each.
- **duckdb**: DuckDB spatial SQL: a join on ``ST_Intersects``, ``ST_Intersection``,
  ``ST_Length_Spheroid`` and ``GROUP BY``. The extension is loaded from the
  ``duckdb-extension-spatial`` wheel, so nothing is downloaded (``pip install -e ".[bench]"``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
from pyproj import Geod

GEOD = Geod(ellps="WGS84")

# ST_Length_Spheroid reads coordinates as (lat, lon), hence ST_FlipCoordinates; ST_Intersection of a
# line and a polygon can hold points where they only touch, which ST_CollectionExtract(…, 2) drops.
DUCKDB_QUERY = """
SELECT r.id, c.iso3,
       sum(ST_Length_Spheroid(ST_FlipCoordinates(ST_CollectionExtract(ST_Intersection(r.geom, c.geom), 2))))
         / 1000.0 AS km
FROM routes r JOIN countries c ON ST_Intersects(r.geom, c.geom)
GROUP BY r.id, c.iso3
"""


def ours(routes: gpd.GeoDataFrame, boundaries, min_excursion_km: float | None = None):
    """``corridors analyze``'s analysis of the routes, at its default tolerance unless given."""
    from corridors.userdata import UserLines, analyze_lines
    from corridors.vocab import DEFAULT_MIN_EXCURSION_KM

    lines = UserLines("synthetic", routes, list(routes["id"]))
    tolerance = DEFAULT_MIN_EXCURSION_KM if min_excursion_km is None else min_excursion_km
    return analyze_lines(lines, boundaries, min_excursion_km=tolerance)


def ours_streamed(routes_path: str, boundaries, out_path: str) -> int:
    """Ours over a GeoParquet file read in batches, writing ``id,iso3,km`` as it goes; the crossings count.

    The boundaries are clipped once to the file's extent (from its GeoParquet metadata) and each
    batch of about ``CHUNK_VERTICES`` vertices is analysed as ``corridors analyze`` analyses a chunk,
    so only one batch of routes and its results are held at a time, whatever the size of the file.
    """
    import pyarrow.parquet as pq
    import shapely
    from synthetic import VERTICES

    from corridors.crossings import prepare
    from corridors.memory import freed_memory_kept
    from corridors.userdata.engine import CHUNK_VERTICES, analyze_geometries
    from corridors.vocab import DEFAULT_MIN_EXCURSION_KM

    source = pq.ParquetFile(routes_path)
    bbox = json.loads(source.schema_arrow.metadata[b"geo"])["columns"]["geometry"]["bbox"]
    area = boundaries.clipped(tuple(bbox))
    prepare(area, CHUNK_VERTICES)
    crossings = 0
    with open(out_path, "w") as out, freed_memory_kept():
        out.write("id,iso3,km\n")
        # Row group by row group: iter_batches keeps what it has read until it ends (pyarrow 26).
        batches = (
            batch
            for group in range(source.num_row_groups)
            for batch in source.read_row_group(group, columns=["id", "geometry"]).to_batches(
                max_chunksize=CHUNK_VERTICES // VERTICES
            )
        )
        for batch in batches:
            geometries = shapely.from_wkb(batch.column("geometry").to_numpy(zero_copy_only=False))
            results = analyze_geometries(geometries, area, DEFAULT_MIN_EXCURSION_KM)
            crossings += sum(len(r.crossings) for r in results)
            ids = pd.Series(batch.column("id").to_pylist())
            ours_pairs(pd.DataFrame({"id": ids}), results).to_csv(out, header=False, index=False)
    return crossings


def ours_pairs(routes: gpd.GeoDataFrame, results) -> pd.DataFrame:
    """Our results as (id, iso3, km) rows, land only (the other engines have no notion of sea)."""
    rows = [
        (rid, iso3, km)
        for rid, result in zip(routes["id"], results)
        for iso3, km in result.length_by_country_km.items()
        if iso3 != "sea"
    ]
    return pd.DataFrame(rows, columns=["id", "iso3", "km"])


def overlay(routes: gpd.GeoDataFrame, countries: gpd.GeoDataFrame) -> pd.DataFrame:
    pieces = gpd.overlay(routes, countries, how="intersection", keep_geom_type=True)
    by_country = pieces.dissolve(by=["id", "iso3"], as_index=False)
    by_country["km"] = by_country.geometry.apply(GEOD.geometry_length) / 1000.0
    return pd.DataFrame(by_country[["id", "iso3", "km"]])


def duckdb_connection():
    """A DuckDB connection with the spatial extension loaded from its pip package (offline)."""
    import duckdb
    import duckdb_extension_spatial

    extension = (
        Path(duckdb_extension_spatial.__file__).parent
        / "extensions"
        / f"v{duckdb.__version__}"
        / "spatial.duckdb_extension"
    )
    if not extension.exists():
        sys.exit(f"{extension} missing: duckdb-extension-spatial must have duckdb's version ({duckdb.__version__})")
    connection = duckdb.connect()
    connection.execute(f"LOAD '{extension}'")
    return connection


def duckdb_load(connection, routes: gpd.GeoDataFrame, countries: gpd.GeoDataFrame) -> None:
    """Routes and countries as DuckDB tables with GEOMETRY columns (not timed in-process)."""
    route_wkb = pd.DataFrame({"id": routes["id"], "wkb": routes.geometry.to_wkb()})
    country_wkb = pd.DataFrame({"iso3": countries["iso3"], "wkb": countries.geometry.to_wkb()})
    connection.register("route_wkb", route_wkb)
    connection.register("country_wkb", country_wkb)
    connection.execute("CREATE OR REPLACE TABLE routes AS SELECT id, ST_GeomFromWKB(wkb) AS geom FROM route_wkb")
    connection.execute("CREATE OR REPLACE TABLE countries AS SELECT iso3, ST_GeomFromWKB(wkb) AS geom FROM country_wkb")
    connection.unregister("route_wkb")
    connection.unregister("country_wkb")


def duckdb_run(connection) -> pd.DataFrame:
    return connection.execute(DUCKDB_QUERY).df()


def whole_process(engine: str, routes_path: str, countries_path: str, out_path: str) -> None:
    """Read the GeoParquet inputs, analyse, write ``id,iso3,km`` as CSV: the analyst's whole run."""
    if engine == "overlay":
        routes = gpd.read_parquet(routes_path)
        countries = gpd.read_parquet(countries_path)
        overlay(routes, countries).to_csv(out_path, index=False)
    elif engine == "duckdb":
        connection = duckdb_connection()
        connection.execute(f"CREATE TABLE routes AS SELECT id, geometry AS geom FROM read_parquet('{routes_path}')")
        connection.execute(
            f"CREATE TABLE countries AS SELECT iso3, geometry AS geom FROM read_parquet('{countries_path}')"
        )
        connection.execute(f"COPY ({DUCKDB_QUERY}) TO '{out_path}' (HEADER, DELIMITER ',')")
    else:
        sys.exit(f"unknown engine {engine!r}: overlay or duckdb (ours is `corridors analyze`)")


if __name__ == "__main__":
    whole_process(*sys.argv[1:])
