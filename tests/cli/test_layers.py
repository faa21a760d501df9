"""``corridors layers``: output forms, exit codes, errors without tracebacks."""

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


def test_broken_data_exits_1_with_one_line(invoke, synthetic):
    (synthetic / "seeds" / "doc1.txt").write_text("tampered", encoding="utf-8")
    result = invoke("--data-dir", str(synthetic), "layers")
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1 and "sha256" in result.output
