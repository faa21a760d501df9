"""Where the data lives: the repository's seeds/, geo/ and maps/, or a directory named by the user."""

from __future__ import annotations

import os
from pathlib import Path

#: Environment variable naming a data directory holding seeds/ and geo/ (for tests and forks).
DATA_DIR_ENV = "CORRIDORS_DATA_DIR"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """Return the directory that holds ``seeds/`` and ``geo/``.

    The argument wins, then ``$CORRIDORS_DATA_DIR``, then the checkout this package sits in.
    """
    chosen = override or os.environ.get(DATA_DIR_ENV)
    return Path(chosen) if chosen else Path(__file__).resolve().parent.parent


def seeds_dir(root: Path | None = None) -> Path:
    return (root or data_dir()) / "seeds"


def geo_dir(root: Path | None = None) -> Path:
    return (root or data_dir()) / "geo"


def maps_dir(root: Path | None = None) -> Path:
    return (root or data_dir()) / "maps"
