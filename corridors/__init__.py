"""corridors: South Caucasus transport corridors as cited GeoJSON layers, with geodesic analysis.

The public API returns GeoDataFrames and plain dataclasses::

    >>> import corridors
    >>> data = corridors.load_dataset()
    >>> data.routes.loc["tripp", "countries"]
    ['AZE', 'ARM', 'AZE']
"""

from importlib.metadata import PackageNotFoundError, version

from .errors import CitationError, CorridorsError, InvalidData, UnknownFeature, UnknownLayer, UsageError
from .layers import Dataset, FeatureInfo, LayerSummary, load_dataset

try:
    __version__ = version("corridors")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

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
