"""Where the data lives: a directory the user names, the checkout's seeds/ and geo/, or the copy in the package."""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

#: Environment variable naming a data directory holding seeds/ and geo/ (for tests and forks).
DATA_DIR_ENV = "CORRIDORS_DATA_DIR"
#: Where a built wheel carries geo/ and seeds/ inside the package (copied there by setup.py).
PACKAGED_DATA = "_data"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """Return the directory that holds ``seeds/`` and ``geo/``.

    The argument wins, then ``$CORRIDORS_DATA_DIR``, then the checkout this package sits in, then the
    copy installed inside the package (``pip install .``, a wheel, pipx).

    Parameters
    ----------
    override
        A directory given by the caller; None or empty to look further.

    Returns
    -------
    pathlib.Path
        The data directory (not checked to exist).
    """
    chosen = override or os.environ.get(DATA_DIR_ENV)
    if chosen:
        return Path(chosen)
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "geo").is_dir() and (checkout / "seeds").is_dir():
        return checkout
    return Path(str(files(__package__).joinpath(PACKAGED_DATA)))


def is_packaged(root: Path) -> bool:
    """Whether ``root`` is the data installed inside the package (read-only for users).

    Parameters
    ----------
    root
        A data directory.

    Returns
    -------
    bool
        True for the package's own copy.
    """
    return root.resolve() == Path(str(files(__package__).joinpath(PACKAGED_DATA))).resolve()


def seeds_dir(root: Path | None = None) -> Path:
    """The folder of the seed documents.

    Parameters
    ----------
    root
        Data directory; None for :func:`data_dir`.

    Returns
    -------
    pathlib.Path
        ``<root>/seeds``.
    """
    return (root or data_dir()) / "seeds"


def geo_dir(root: Path | None = None) -> Path:
    """The folder of the layers.

    Parameters
    ----------
    root
        Data directory; None for :func:`data_dir`.

    Returns
    -------
    pathlib.Path
        ``<root>/geo``.
    """
    return (root or data_dir()) / "geo"


def maps_dir(root: Path | None = None) -> Path:
    """``maps/`` beside ``geo/``; for the installed data (not a place to write), ``maps/`` in the working directory.

    Parameters
    ----------
    root
        Data directory; None for :func:`data_dir`.

    Returns
    -------
    pathlib.Path
        Where maps are written.
    """
    root = root or data_dir()
    return Path.cwd() / "maps" if is_packaged(root) else root / "maps"
