"""``corridors build``: the maps of every layer, then the layers and the comparison."""

from __future__ import annotations


def test_build_writes_overview_and_each_layer_with_content(invoke, synthetic, tmp_path):
    result = invoke("--data-dir", str(synthetic), "build", "-o", str(tmp_path / "maps"))
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in (tmp_path / "maps").iterdir())
    assert written == ["airports.html", "lachin-road.html", "overview.html"]
    assert "lachin-road.html" in result.output and "kB" in result.output
    assert "test-road  lachin-road  operational" in result.output  # the comparison table
    assert "middle-corridor  Middle Corridor" in result.output  # the layers summary
