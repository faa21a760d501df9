"""The real layers export to every format with every table."""

from __future__ import annotations

import pyogrio
import pytest

from corridors import export as ex
from tests.helpers import REPO


@pytest.mark.skipif(not (REPO / "geo" / "places.geojson").exists(), reason="geo/ layers not generated yet")
def test_full_dataset_exports_to_every_format(data, tmp_path):
    tables = ex.export_tables(data)
    counts = {name: len(frame) for name, frame in tables.layers.items()}
    assert counts["routes"] == len(data.routes) and counts["airports"] == len(data.airports)
    assert counts["crossings"] == int(tables.routes["crossings_count"].sum())
    for fmt in ex.FORMATS:
        target = ex.write(tables, fmt, tmp_path / f"corridors.{fmt}")
        assert target.stat().st_size > 0
    layers = [name for name, _ in pyogrio.list_layers(tmp_path / "corridors.gpkg")]
    assert layers[: len(counts) + 2] == [*counts, "countries", "citations"] and layers[-1] == "layer_styles"
    places = pyogrio.read_info(tmp_path / "corridors.gpkg", layer="places")
    assert dict(zip(places["fields"], places["ogr_types"]))["geonameid"] == "OFTInteger64"
    assert tables.crossings["by_sea"].any() and tables.crossings["landfall_km"].notna().any()
    assert pyogrio.read_info(tmp_path / "corridors.fgb")["features"] == sum(counts.values())
