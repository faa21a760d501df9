"""Generate the GeoJSON layers in ``geo/`` from the hand-written sources in ``geo/source/``.

Run as ``python -m corridors.authoring [--out DIR]``. The sources hold only what a person can check
(GeoNames ids, ICAO codes, waypoints with a note on what each one represents); coordinates of
gazetteer places and airports are looked up here, and every line is densified along the WGS84
geodesic, so that the committed GeoJSON is reproducible byte for byte.
"""

from ..errors import AuthoringError
from .build import DECIMALS, MAX_SPACING_M, build, orient_route, route_line, segment_line, write
from .sources import (
    GEO_DIR,
    LAYERS,
    SOURCE_DIR,
    Place,
    Route,
    Segment,
    Sources,
    load_airports,
    load_places,
    load_routes,
    load_segments,
    load_sources,
)

__all__ = [
    "DECIMALS",
    "GEO_DIR",
    "LAYERS",
    "MAX_SPACING_M",
    "SOURCE_DIR",
    "AuthoringError",
    "Place",
    "Route",
    "Segment",
    "Sources",
    "build",
    "load_airports",
    "load_places",
    "load_routes",
    "load_segments",
    "load_sources",
    "orient_route",
    "route_line",
    "segment_line",
    "write",
]
