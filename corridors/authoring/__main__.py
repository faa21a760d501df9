"""``python -m corridors.authoring [--out DIR]``: generate ``geo/*.geojson`` from ``geo/source/``."""

from __future__ import annotations

import argparse
import tomllib
from collections.abc import Sequence
from pathlib import Path

from ..errors import CorridorsError
from .build import write
from .sources import GEO_DIR


def main(argv: Sequence[str] | None = None) -> None:
    """Write every generated file and print its path; errors end the run with one line.

    Parameters
    ----------
    argv
        The arguments (default: the command line's).

    Raises
    ------
    SystemExit
        With ``error: <message>`` for bad sources or a file that cannot be written.
    """
    parser = argparse.ArgumentParser(
        prog="python -m corridors.authoring", description="Generate geo/*.geojson from the sources in geo/source/."
    )
    parser.add_argument("--out", type=Path, default=GEO_DIR, help="output directory (default: geo/)")
    args = parser.parse_args(argv)
    try:
        paths = write(args.out)
    except (CorridorsError, OSError, tomllib.TOMLDecodeError) as exc:
        raise SystemExit(f"error: {exc}") from None
    for path in paths:
        print(path)


if __name__ == "__main__":
    main()
