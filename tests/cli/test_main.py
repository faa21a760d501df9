"""The command line stays light: help, and importing the commands, load no geospatial library."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("geopandas", "pyogrio", "folium", "networkx", "shapely", "pandas")

CHECK = f"""
import sys
import corridors.cli.main as main
HEAVY = {HEAVY!r}
main.cli(["--help"], standalone_mode=False)
for name in sorted(main.COMMANDS):
    command = main.cli.get_command(None, name)
    try:
        command.main(["--help"], prog_name=name, standalone_mode=False)
    except SystemExit:
        pass
print("LOADED:", *(m for m in HEAVY if m in sys.modules))
"""


def test_help_and_command_imports_load_no_geospatial_library():
    """`corridors --help` and `corridors <command> --help` import every command module, and no heavy library."""
    result = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, check=True)
    assert result.stdout.splitlines()[-1] == "LOADED:"


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


def test_python_m_corridors_and_dash_h_show_the_commands():
    """``python -m corridors -h`` is ``corridors --help``: every command listed, exit 0."""
    import subprocess
    import sys

    from corridors.cli.main import COMMANDS

    result = subprocess.run([sys.executable, "-m", "corridors", "-h"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("Usage: corridors ")
    assert all(name in result.stdout for name in COMMANDS)
