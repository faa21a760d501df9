"""``corridors map``: the file written, its size, bad input in one line, PNG needs."""

from __future__ import annotations

import pytest


def test_map_command_writes_the_file_and_reports_its_size(invoke, synthetic, tmp_path):
    out = tmp_path / "road.html"
    result = invoke("--data-dir", str(synthetic), "map", "test-road", "-o", str(out), "--offline", "--as-of", "2022")
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and result.stderr.startswith(f"Wrote {out}: ") and "kB" in result.stderr
    assert "Leaflet 1.9.4" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "args, message",
    [
        (("-o", "{out}"), "give feature ids, --layer or --all"),
        (("--all", "test-road", "-o", "{out}"), "give feature ids, --layer or --all"),
        (("--all", "--as-of", "2023-02-30", "-o", "{out}"), "--as-of '2023-02-30' is not a valid date"),
        (("test-road", "--as-of", "2020", "-o", "{out}"), "nothing to map as of 2020-01-01"),
        (("--layer", "airport", "-o", "{out}"), "unknown layer 'airport'; did you mean airports?"),
        (("XXXX", "-o", "{missing}"), "does not exist"),
    ],
)
def test_map_command_bad_input_exits_2_with_one_line(invoke, synthetic, tmp_path, args, message):
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "map.html"
    out.write_text("before", encoding="utf-8")
    filled = [a.format(out=out, missing=folder / "nowhere" / "map.html") for a in args]
    result = invoke("--data-dir", str(synthetic), "map", *filled)
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]
    assert out.read_text(encoding="utf-8") == "before" and [p.name for p in folder.iterdir()] == ["map.html"]


def test_map_command_requires_an_output_file(invoke, synthetic):
    result = invoke("--data-dir", str(synthetic), "map", "--all")
    assert result.exit_code == 2 and "Missing option '-o' / '--output'" in result.output


def test_map_command_checks_the_output_before_any_work(invoke, synthetic, tmp_path, monkeypatch):
    import corridors.maps

    def no_work(*args, **kwargs):
        raise AssertionError("the map was made before the output was checked")

    monkeypatch.setattr(corridors.maps, "corridor_map", no_work)
    result = invoke("--data-dir", str(synthetic), "map", "--all", "-o", str(tmp_path / "nowhere" / "map.html"))
    assert result.exit_code == 2 and "does not exist" in result.output


def test_png_output_names_what_to_install_when_chromium_is_missing(invoke, synthetic, tmp_path, monkeypatch):
    from corridors.maps import png

    monkeypatch.setattr(png, "CHROMIUM", tmp_path / "no-chromium")
    result = invoke("--data-dir", str(synthetic), "map", "--all", "-o", str(tmp_path / "map.png"))
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "apt install chromium" in lines[0] and not (tmp_path / "map.png").exists()
