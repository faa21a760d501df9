"""Web delivery: PMTiles vector tiles read back through GDAL; FlatGeobuf and GeoParquet say what they hold."""

from __future__ import annotations

import numpy as np
import pyarrow.parquet as pq
import pyogrio
import pytest
from shapely.geometry import box

import corridors
from corridors import export as ex
from corridors.boundaries import Boundaries
from corridors.errors import UsageError

WRITE_DRIVERS = pyogrio.list_drivers(write=True)


@pytest.fixture
def tables(synthetic) -> ex.ExportTables:
    boundaries = Boundaries(np.array(["AAA", "BBB"]), np.array([box(0, 0, 1, 1), box(1, 0, 2, 1)]), "test")
    return ex.export_tables(corridors.load_dataset(synthetic), boundaries=boundaries)


@pytest.mark.skipif("PMTiles" not in WRITE_DRIVERS, reason="pyogrio's GDAL has no PMTiles driver (GDAL < 3.8)")
def test_pmtiles_hold_every_feature_as_vector_tiles(tables, tmp_path):
    target = ex.write(tables, "pmtiles", tmp_path / "corridors.pmtiles")
    info = pyogrio.read_info(target)
    assert info["driver"] == "PMTiles" and info["dataset_metadata"]["name"] == ex.DATASET_TITLE
    assert info["dataset_metadata"]["maxzoom"] == "8"
    frame = pyogrio.read_dataframe(target)  # the most detailed zoom level
    assert set(frame["kind"]) == {"route", "segment", "place", "airport", "crossing"}
    route = frame[frame["kind"] == "route"]
    assert set(route["id"]) == {"test-road"} and route["crossings_count"].iloc[0] == 1
    tiled = frame.to_crs("EPSG:4326").total_bounds
    assert tiled == pytest.approx(tables.combined().total_bounds, abs=0.01)  # within a pixel at zoom 8


def test_pmtiles_need_their_suffix(tables, tmp_path):
    with pytest.raises(UsageError, match="must end in .pmtiles"):
        ex.write(tables, "pmtiles", tmp_path / "corridors.mbtiles")


def test_flatgeobuf_and_geoparquet_carry_a_title_and_description(tables, tmp_path):
    fgb = ex.write(tables, "fgb", tmp_path / "corridors.fgb")
    metadata = pyogrio.read_info(fgb)["layer_metadata"]
    assert metadata["TITLE"] == ex.DATASET_TITLE and metadata["DESCRIPTION"] == ex.DATASET_DESCRIPTION
    parquet = ex.write(tables, "parquet", tmp_path / "corridors.parquet")
    schema = pq.read_schema(parquet).metadata
    assert schema[b"title"].decode() == ex.DATASET_TITLE and schema[b"description"].decode() == ex.DATASET_DESCRIPTION
    assert b"geo" in schema  # still GeoParquet
