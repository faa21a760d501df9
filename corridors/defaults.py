"""Constants the command line needs before any command runs (option defaults, help texts).

Stdlib only and importing nothing else from the package, so that ``corridors --help`` and
``corridors <command> --help`` do not load geopandas. The library modules take these from here.
"""

from __future__ import annotations

#: Passages into a third country, and gaps between countries, shorter than this (km) are ignored.
DEFAULT_MIN_EXCURSION_KM = 1.0
#: Country code field of the Natural Earth admin-0 boundaries (and the ``--iso-field`` default).
NATURAL_EARTH_ISO_FIELD = "ADM0_A3"
#: Most paths ``corridors route -k`` lists: each costs a k-shortest-paths search.
MAX_ALTERNATIVES = 100
#: Transport modes of segments, in the order tables list them.
MODES = ("rail", "road", "sea", "ferry")
#: How closely a segment's line follows the real one, with what each quality means.
GEOMETRY_QUALITY_MEANINGS = {
    "traced": "follows the real line within about 1 km",
    "schematic": "drawn through its known towns only",
}
GEOMETRY_QUALITIES = tuple(GEOMETRY_QUALITY_MEANINGS)
#: Formats ``corridors export`` writes, and the target that means standard output (GeoJSON only).
EXPORT_FORMATS = ("gpkg", "geojson", "kml", "fgb", "parquet", "pmtiles", "annotations")
STDOUT = "-"
#: Joins list values (countries, segments, aliases) in CSV output and in every export: ``AZE;ARM;AZE``.
LIST_SEPARATOR = ";"
