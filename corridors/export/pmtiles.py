"""PMTiles: every feature as Mapbox vector tiles in one file, for web maps (MapLibre, OpenLayers, Leaflet plugins).

Written with GDAL's PMTiles driver (GDAL 3.8 and later) through pyogrio. The driver builds the tiles
when the file is closed and cannot add a layer to a file, so the tiles hold one layer, ``corridors``,
with a ``kind`` column (route, segment, place, airport, crossing) to style and filter by, as the
FlatGeobuf and GeoParquet exports do. Coordinates are Web Mercator inside the tiles, as the format
requires.
"""

from __future__ import annotations

from pathlib import Path

import pyogrio

from ..errors import UsageError
from ..io import atomic_path
from .tables import DATASET_DESCRIPTION, DATASET_TITLE, ExportTables
from .written import check_complete

DRIVER = "PMTiles"
LAYER = "corridors"
#: Zoom 0 (the world) to 8 (about 600 m a pixel): enough for corridors thousands of km long.
MIN_ZOOM, MAX_ZOOM = 0, 8


def write_pmtiles(tables: ExportTables, target: str | Path) -> Path:
    """Write every feature as vector tiles to ``target`` (a ``.pmtiles`` file).

    Parameters
    ----------
    tables
        The tables to write (see :func:`export_tables`).
    target
        The file to write.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    UsageError
        If the GDAL bundled with pyogrio has no PMTiles driver (it came with GDAL 3.8).
    """
    if DRIVER not in pyogrio.list_drivers(write=True):
        raise UsageError(f"this GDAL ({pyogrio.__gdal_version_string__}) cannot write PMTiles (GDAL 3.8 or later can)")
    with atomic_path(target) as temporary:
        pyogrio.write_dataframe(
            tables.combined(), temporary, driver=DRIVER, layer=LAYER, use_arrow=True,
            dataset_options={"MINZOOM": str(MIN_ZOOM), "MAXZOOM": str(MAX_ZOOM), "NAME": DATASET_TITLE,
                             "DESCRIPTION": DATASET_DESCRIPTION},
        )
        check_complete(temporary, {}, target)  # tiles split features, so only check that it opens
    return Path(target)
