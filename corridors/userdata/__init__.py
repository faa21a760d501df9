"""Bring your own routes: read any line layer, validate and repair it, and analyse it at scale.

Formats: whatever OGR reads (GeoJSON, GeoPackage, FlatGeobuf, Shapefile, ...), GeoParquet
(``.parquet``) and CSV with a WKT column (``wkt`` or ``geometry``). Any CRS is reprojected to
EPSG:4326; a file without one is taken as lon/lat when its coordinates fit, with a warning.

Every feature is checked. Problems that have one safe fix are repaired with a warning (see
:func:`read_lines`); the rest stop the run with a one-line message naming the file and the feature,
or are skipped with a warning when ``skip_invalid`` is set.

With the dask engine, GeoParquet is read row group by row group on the workers
(:func:`read_partitioned`, :func:`analyze_partitioned`); other formats are read here whole.
"""

from .engine import (
    CHUNK_VERTICES,
    ENGINES,
    analysis_record,
    analyze_geometries,
    analyze_lines,
    collection_text,
    feature_collection,
)
from .partitions import PartitionedAnalysis, PartitionedLines, analyze_partitioned, read_partitioned
from .read import PARQUET_SUFFIXES, WKT_COLUMNS, UserLines, is_parquet, read_lines

__all__ = [
    "CHUNK_VERTICES",
    "ENGINES",
    "PARQUET_SUFFIXES",
    "WKT_COLUMNS",
    "PartitionedAnalysis",
    "PartitionedLines",
    "UserLines",
    "analysis_record",
    "analyze_geometries",
    "analyze_lines",
    "analyze_partitioned",
    "collection_text",
    "feature_collection",
    "is_parquet",
    "read_lines",
    "read_partitioned",
]
