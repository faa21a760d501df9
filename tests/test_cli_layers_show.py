"""``corridors layers`` and ``corridors show``: output forms, exit codes, errors without tracebacks."""

from __future__ import annotations

import json


def test_layers_json_counts_match_the_dataset(invoke, synthetic):
    result = invoke("--data-dir", str(synthetic), "layers", "--format", "json")
    assert result.exit_code == 0
    rows = {r["name"]: r for r in json.loads(result.output)}
    assert rows["lachin-road"]["routes"] == 1 and rows["lachin-road"]["segments"] == 1
    assert rows["lachin-road"]["cited_attributes"] == 2
    assert rows["airports"]["airports"] == 1


def test_layers_table_lists_every_layer(invoke, synthetic):
    result = invoke("--data-dir", str(synthetic), "layers")
    assert result.exit_code == 0
    for name in ("middle-corridor", "tripp-zangezur", "lachin-road", "north-south", "airports"):
        assert name in result.output


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


def test_broken_data_exits_1_with_one_line(invoke, synthetic):
    (synthetic / "seeds" / "doc1.txt").write_text("tampered", encoding="utf-8")
    result = invoke("--data-dir", str(synthetic), "layers")
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1 and "sha256" in result.output


def test_show_table_prints_quotes(invoke, synthetic):
    result = invoke("--data-dir", str(synthetic), "show", "test-road")
    assert result.exit_code == 0
    assert "dual-purpose road" in result.output and "A test" in result.output


def test_a_closed_pipe_ends_the_command_quietly():
    """``corridors show tripp | head -1``: the reader is gone before the writer starts writing."""
    import subprocess
    import sys

    reader = subprocess.Popen([sys.executable, "-c", "pass"], stdin=subprocess.PIPE)
    reader.wait()
    writer = subprocess.run(
        [sys.executable, "-m", "corridors.cli.main", "show", "tripp", "--format", "json"],
        stdout=reader.stdin,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert writer.returncode == 1
    assert writer.stderr == ""
