"""The loader rejects broken data with an error naming the file, the feature and the fault."""

from __future__ import annotations

import pytest
from conftest import edit_json

import corridors
from corridors.errors import CitationError, InvalidData


def test_synthetic_dataset_loads_with_citations_joined(synthetic):
    data = corridors.load_dataset(synthetic)
    assert list(data.routes.index) == ["test-road"]
    assert data.routes.loc["test-road", "citations"] == 2
    assert "dual-purpose road" in data.routes.loc["test-road", "citations_text"]
    assert data.feature("test-road").mentions[0].sentence == "The Test Road opened on 2 May 2021."


def _expect(synthetic, fragment_in_message: list[str], error=InvalidData):
    with pytest.raises(error) as caught:
        corridors.load_dataset(synthetic)
    for fragment in fragment_in_message:
        assert fragment in str(caught.value)
    return caught.value


def _edit_first(synthetic, layer: str, **props):
    def change(content):
        content["features"][0]["properties"].update(props)

    edit_json(synthetic / "geo" / f"{layer}.geojson", change)


def test_checksum_mismatch_names_the_document(synthetic):
    (synthetic / "seeds" / "doc1.txt").write_text("tampered", encoding="utf-8")
    _expect(synthetic, ["doc1.txt", "sha256"])


def test_missing_document_is_reported(synthetic):
    (synthetic / "seeds" / "doc1.txt").unlink()
    _expect(synthetic, ["doc1.txt", "missing"])


def test_crs_member_is_rejected_as_not_rfc7946(synthetic):
    edit_json(synthetic / "geo" / "lachin-road.geojson", lambda c: c.update(crs={"type": "name"}))
    _expect(synthetic, ["lachin-road.geojson", "crs"])


def test_bad_status_names_file_and_feature(synthetic):
    _edit_first(synthetic, "lachin-road", status="open")
    _expect(synthetic, ["lachin-road.geojson", "'test-road'", "status 'open'"])


def test_bad_date_is_rejected(synthetic):
    _edit_first(synthetic, "lachin-road", opened="2021-13-01")
    _expect(synthetic, ["'test-road'", "not an ISO date"])


def test_route_with_unknown_segment_is_rejected(synthetic):
    _edit_first(synthetic, "lachin-road", segments=["nowhere"])
    _expect(synthetic, ["'test-road'", "unknown segment 'nowhere'"])


def test_segment_without_a_known_geometry_quality_is_rejected(synthetic):
    def change(content):
        content["features"][1]["properties"]["geometry_quality"] = "exact"

    edit_json(synthetic / "geo" / "lachin-road.geojson", change)
    _expect(synthetic, ["'test-road-1'", "geometry_quality 'exact'"])


def test_segment_with_unknown_place_is_rejected(synthetic):
    def change(content):
        content["features"][1]["properties"]["to"] = "atlantis"

    edit_json(synthetic / "geo" / "lachin-road.geojson", change)
    _expect(synthetic, ["'test-road-1'", "to place 'atlantis'"])


def test_out_of_range_coordinate_is_rejected(synthetic):
    def change(content):
        content["features"][0]["geometry"]["coordinates"] = [200.0, 10.0]

    edit_json(synthetic / "geo" / "places.geojson", change)
    _expect(synthetic, ["places.geojson", "'west'", "outside lon"])


def test_wrong_geometry_type_for_kind_is_rejected(synthetic):
    def change(content):
        content["features"][1]["geometry"] = {"type": "Point", "coordinates": [1, 1]}

    edit_json(synthetic / "geo" / "lachin-road.geojson", change)
    _expect(synthetic, ["'test-road-1'", "must be LineString"])


def test_duplicate_id_across_layers_is_rejected(synthetic):
    _edit_first(synthetic, "airports", id="WEST")
    _edit_first(synthetic, "places", id="WEST")
    _expect(synthetic, ["used by more than one feature", "'WEST'"])


def test_place_without_geonameid_needs_a_source(synthetic):
    _edit_first(synthetic, "places", source=None)
    _expect(synthetic, ["'west'", "needs a 'source'"])


def test_invalid_json_names_the_file(synthetic):
    (synthetic / "geo" / "north-south.geojson").write_text("{not json", encoding="utf-8")
    _expect(synthetic, ["north-south.geojson", "not valid JSON"])


def test_quote_not_in_document_is_a_citation_error(synthetic):
    path = synthetic / "geo" / "attributes.csv"
    path.write_text(path.read_text().replace("It is a dual-purpose road.", "It is a triple-purpose road."))
    _expect(synthetic, ["attributes.csv:3", "'test-road'", "not found verbatim"], CitationError)


def test_value_the_quote_does_not_state_is_a_citation_error(synthetic):
    path = synthetic / "geo" / "attributes.csv"
    path.write_text(path.read_text().replace("opened_date,2021-05-02", "opened_date,2021-05-03"))
    _expect(synthetic, ["attributes.csv:2", "does not write the date 2021-05-03"], CitationError)


def test_citation_of_unknown_feature_is_rejected(synthetic):
    path = synthetic / "geo" / "attributes.csv"
    path.write_text(path.read_text().replace("test-road,purpose", "ghost-road,purpose"))
    _expect(synthetic, ["'ghost-road'", "no layer has this feature"], CitationError)


def test_nan_and_ragged_positions_are_rejected(synthetic):
    def change(content):
        content["features"][1]["geometry"]["coordinates"] = [[0.5, 0.5], [1.0, "x"]]

    edit_json(synthetic / "geo" / "lachin-road.geojson", change)
    _expect(synthetic, ["'test-road-1'", "not pairs of numbers"])


def test_a_one_point_line_is_rejected(synthetic):
    def change(content):
        content["features"][1]["geometry"]["coordinates"] = [[0.5, 0.5]]

    edit_json(synthetic / "geo" / "lachin-road.geojson", change)
    _expect(synthetic, ["'test-road-1'", "do not make a LineString"])


def test_an_impossible_date_is_rejected_at_load(synthetic):
    _edit_first(synthetic, "lachin-road", opened="2023-02-30")
    _expect(synthetic, ["'test-road'", "not an ISO date"])


def test_a_numeric_date_is_rejected_at_load(synthetic):
    _edit_first(synthetic, "lachin-road", opened=2017)
    _expect(synthetic, ["'test-road'", "not an ISO date string"])


def test_a_historical_line_needs_its_closing_date(synthetic):
    _edit_first(synthetic, "lachin-road", status="historical")
    _expect(synthetic, ["'test-road'", "needs its 'closed' date"])


def test_optional_properties_become_empty_columns(synthetic):
    def drop(content):
        for feature in content["features"]:
            feature["properties"].pop("aliases", None)
            feature["properties"].pop("opened", None)

    edit_json(synthetic / "geo" / "places.geojson", drop)
    edit_json(synthetic / "geo" / "lachin-road.geojson", drop)
    data = corridors.load_dataset(synthetic)
    assert data.places["aliases"].isna().all() and data.segments["opened"].isna().all()


def test_a_short_attribute_row_is_a_citation_error(synthetic):
    path = synthetic / "geo" / "attributes.csv"
    path.write_text(path.read_text() + "test-road,purpose,road\n")
    _expect(synthetic, ["attributes.csv:4", "does not have the 10 columns"], CitationError)


def test_attribute_table_that_is_not_utf8_is_reported(synthetic):
    (synthetic / "geo" / "attributes.csv").write_bytes(b"feature_id,attribute\n\xff\xfe\n")
    _expect(synthetic, ["attributes.csv", "not a UTF-8 CSV"])


def test_document_metadata_must_list_tables(synthetic):
    (synthetic / "seeds" / "documents.toml").write_text('document = "doc1"\n', encoding="utf-8")
    _expect(synthetic, ["documents.toml", "list of [[document]] tables"])


def test_imports_for_the_cli_do_not_load_geopandas():
    import subprocess
    import sys

    code = "import sys, corridors, corridors.cli.main; print('geopandas' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"
