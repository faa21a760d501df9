"""What makes the GeoPackage open ready-made in QGIS: a project, styles, a countries layer and declared links.

Added to a GeoPackage holding the export's tables:

``countries``
    Natural Earth 10m admin-0 polygons around the features, simplified, as context under the lines;
``layer_styles``
    per table a QGIS style (QML: symbols, labels, field aliases with units, widgets) and the same
    symbols as SLD 1.1 for other clients;
``gpkgext_relations``
    the GeoPackage Related Tables Extension: citations → routes, segments, places and airports;
``qgis_projects``
    a project QGIS lists under "Open from GeoPackage": layers grouped by corridor over the countries,
    the citations table related to every feature layer, time-aware lines for the temporal controller.

Symbols follow the web map: the mode shows in the line (rail with ties, road solid, sea and ferry
dotted), the status in a dash (planned or under construction) or, where the line is dotted already, in
transparency, and grey once historical. Routes are broad, translucent bands under their segments and are
never dashed, so nothing double-dashes. Only the combinations present in the data get a rule, so the
legend holds no empty entries. The XML is written here, so the package needs no QGIS at run time.
"""

from ...vocab import CORRIDOR_LAYERS
from .geopackage import COUNTRIES_TOLERANCE_DEG, add_to_geopackage
from .legend import (
    COUNTRIES_TABLE,
    FIELD_ALIASES,
    LABELS,
    MULTILINE_FIELDS,
    TITLES,
    Fill,
    Label,
    Marker,
    Rule,
    Stroke,
    expression,
    rules,
)
from .project import PROJECT_NAME, SOUTH_CAUCASUS, add_project, project_xml
from .qml import qml_style
from .relations import RELATED_TABLES_EXTENSION, add_relations
from .sld import sld_style

__all__ = [
    "CORRIDOR_LAYERS",
    "COUNTRIES_TABLE",
    "COUNTRIES_TOLERANCE_DEG",
    "FIELD_ALIASES",
    "LABELS",
    "MULTILINE_FIELDS",
    "PROJECT_NAME",
    "RELATED_TABLES_EXTENSION",
    "SOUTH_CAUCASUS",
    "TITLES",
    "Fill",
    "Label",
    "Marker",
    "Rule",
    "Stroke",
    "add_project",
    "add_relations",
    "add_to_geopackage",
    "expression",
    "project_xml",
    "qml_style",
    "rules",
    "sld_style",
]
