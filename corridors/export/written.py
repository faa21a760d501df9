"""Read back what a GDAL driver wrote: not every driver reports a failed or partial write."""

from __future__ import annotations

from pathlib import Path

import pyogrio

from ..errors import excerpt
from ..io import OutputError


def check_complete(path: Path, expected: dict[str, int], target: str | Path) -> None:
    """Open the file written and read back each layer's feature count.

    Not every GDAL driver reports a failed write.

    Parameters
    ----------
    path
        The file written (a temporary one, before it replaces the target).
    expected
        Each layer's feature count; an empty mapping only checks that the file opens.
    target
        The file the user asked for, named in messages.

    Raises
    ------
    OutputError
        If the file cannot be opened, or a layer is missing or holds another number of features.
    """
    try:
        pyogrio.list_layers(path)
        found = {
            name: pyogrio.read_info(path, layer=name, force_feature_count=True)["features"]
            for name in expected
        }
    except Exception as exc:  # pyogrio raises several types for a truncated or missing layer
        reason = excerpt(str(exc).replace(str(path), str(target)).splitlines()[0])
        raise OutputError(f"cannot write {target}: the file written is incomplete ({reason})") from None
    for name, count in expected.items():
        if found[name] != count:
            raise OutputError(f"cannot write {target}: layer {name} has {found[name]} of {count} features")
