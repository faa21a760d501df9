"""Habits of good geo CLIs: -h, examples in every help, `list` to discover ids, names and aliases
everywhere, one list separator, -o reporting on stderr, and completion of ids."""

from __future__ import annotations

import json

import pytest

from corridors.cli.main import COMMANDS, cli


@pytest.mark.parametrize("command", [[], *([name] for name in COMMANDS)])
def test_every_command_takes_dash_h_and_shows_an_example(invoke, command):
    short, long = invoke(*command, "-h"), invoke(*command, "--help")
    assert short.exit_code == 0 and short.output == long.output
    assert "Examples:" in short.output and "\n    corridors " in short.output


def test_list_shows_ids_names_and_aliases_by_kind(invoke, data):
    routes = json.loads(invoke("list", "routes", "-f", "json").output)
    assert [r["id"] for r in routes] == list(data.routes.index)
    btk = next(r for r in routes if r["id"] == "btk-railway")
    assert "BTK" in btk["aliases"] and btk["layer_or_country"] == "middle-corridor"
    everything = json.loads(invoke("list", "-f", "json").output)
    features = len(data.routes) + len(data.segments) + len(data.places) + len(data.airports)
    assert len(everything) == features + len(data.concepts.concepts)
    concepts = json.loads(invoke("list", "concepts", "-f", "json").output)
    assert [c["id"] for c in concepts] == ["zangezur-corridor"]
    table = invoke("list", "airports").output
    assert "UBBB" in table and "Heydar Aliyev International Airport" in table
    assert invoke("list", "rivers").exit_code == 2


def test_features_are_named_by_alias_and_name_in_any_case(invoke):
    assert invoke("show", "BTK").output.startswith("Baku–Tbilisi–Kars railway  [btk-railway]")
    assert "[btk-railway]" in invoke("show", "baku-tbilisi-kars RAILWAY").output.splitlines()[0]
    compared = json.loads(invoke("compare", "Zangezur corridor", "BTK", "-f", "json").output)
    assert [r["id"] for r in compared] == ["tripp", "btk-railway"]
    unknown = invoke("show", "btk-raliway")
    assert unknown.exit_code == 2 and "did you mean btk-railway" in unknown.output


def test_csv_and_exports_join_lists_with_one_separator(invoke):
    from corridors.defaults import LIST_SEPARATOR
    from corridors.export import LIST_SEPARATOR as EXPORT_SEPARATOR

    row = invoke("compare", "tripp", "-f", "csv").output.splitlines()[1]
    assert f"AZE{LIST_SEPARATOR}ARM{LIST_SEPARATOR}AZE" in row and EXPORT_SEPARATOR == LIST_SEPARATOR


def test_output_files_are_reported_on_stderr(invoke, tmp_path):
    lines = tmp_path / "lines.geojson"
    lines.write_text(json.dumps({"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"id": "a"},
        "geometry": {"type": "LineString", "coordinates": [[44.5, 40.2], [45.0, 40.3]]}}]}), encoding="utf-8")
    target = tmp_path / "lengths.csv"
    result = invoke("analyze", str(lines), "-o", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    assert result.stderr.strip() == f"Wrote {target}: 1 line(s), csv."
    assert target.read_text(encoding="utf-8").startswith("id,length_km")


def test_shell_completion_offers_feature_ids(runner):
    def complete(words: str) -> list[str]:
        environment = {"_CORRIDORS_COMPLETE": "bash_complete", "COMP_WORDS": words,
                       "COMP_CWORD": str(len(words.split()) - 1)}
        result = runner.invoke(cli, [], prog_name="corridors", env=environment)
        return [line.split(",", 1)[1] for line in result.output.splitlines() if line]

    assert complete("corridors show btk") == ["btk-railway"]
    assert "tripp" in complete("corridors compare tr") and "tbilisi" not in complete("corridors compare tb")
    assert "tbilisi" in complete("corridors route tb")
