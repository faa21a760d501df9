"""``corridors show``: output forms, exit codes, errors without tracebacks."""

from __future__ import annotations

import json

from tests.helpers import edit_json


def test_show_json_has_the_documented_shape(invoke, synthetic):
    result = invoke("--data-dir", str(synthetic), "show", "test-road", "--format", "json")
    assert result.exit_code == 0
    shown = json.loads(result.output)
    assert {"id", "name", "layer", "kind", "attributes", "mentions"} <= set(shown)
    assert shown["kind"] == "route" and shown["layer"] == "lachin-road"
    assert shown["attributes"][0] == {
        "name": "opened_date",
        "value": "2021-05-02",
        "qualifier": None,
        "refers_to": None,
        "stated_by": None,
        "document": "doc1",
        "quote": "The Test Road opened on 2 May 2021.",
        "selector": {
            "type": "TextQuoteSelector", "exact": "The Test Road opened on 2 May 2021.", "prefix": "", "suffix": "",
        },
    }
    assert shown["mentions"][0]["document"] == "doc1"


def test_show_unknown_id_exits_2_with_suggestions_and_no_traceback(invoke, synthetic):
    result = invoke("--data-dir", str(synthetic), "show", "test-raod")
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "Error: unknown feature id 'test-raod'; did you mean test-road, test-road-1?"
    ]


def test_show_table_prints_quotes(invoke, synthetic):
    result = invoke("--data-dir", str(synthetic), "show", "test-road")
    assert result.exit_code == 0
    assert "dual-purpose road" in result.output and "A test" in result.output


def test_control_characters_in_names_are_shown_escaped(invoke, synthetic):
    def rename(content):
        content["features"][0]["properties"]["name"] = "Test\x1b[31m Road\nfake line"

    edit_json(synthetic / "geo" / "lachin-road.geojson", rename)
    result = invoke("--data-dir", str(synthetic), "show", "test-road")
    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[0]
    assert "\x1b" not in result.output and first.startswith("Test\\x1b[31m Road\\nfake line  [test-road]")
