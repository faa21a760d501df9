"""corridors: South Caucasus transport corridors as cited GeoJSON layers, with geodesic analysis.

The public API returns GeoDataFrames and plain dataclasses::

    >>> import corridors
    >>> data = corridors.load_dataset()
    >>> data.routes.loc["tripp", "countries"]
    ['AZE', 'ARM', 'AZE']

Importing the package is cheap: the names below load their modules (and geopandas) on first use,
so ``corridors --help`` does not pay for them.
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from .errors import CitationError, CorridorsError, InvalidData, UnknownFeature, UnknownLayer, UsageError

try:
    __version__ = version("corridors")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

_LAZY = {"Dataset": "dataset", "FeatureInfo": "dataset", "LayerSummary": "dataset", "load_dataset": "layers"}

__all__ = [
    "CitationError",
    "CorridorsError",
    "Dataset",
    "FeatureInfo",
    "InvalidData",
    "LayerSummary",
    "UnknownFeature",
    "UnknownLayer",
    "UsageError",
    "load_dataset",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
