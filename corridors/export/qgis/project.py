"""The QGIS project stored in the GeoPackage: layers grouped by corridor over the countries, relations, view."""

from __future__ import annotations

import datetime as dt
import io
import json
import sqlite3
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from ...vocab import CORRIDOR_LAYERS
from ..tables import DATASET_DESCRIPTION, DATASET_TITLE, TABLE_DESCRIPTIONS
from .legend import (
    COUNTRIES_TABLE,
    LABELS,
    TITLES,
)
from .qml import field_elements, style_elements

PROJECT_NAME = "corridors"
#: The view the project opens on when the export reaches it: the South Caucasus (lon/lat bounds).
SOUTH_CAUCASUS = (38.5, 37.5, 51.5, 44.0)


# --- the project ----------------------------------------------------------------------------------


def _srs(parent: ET.Element, tag: str = "srs") -> None:
    reference = ET.SubElement(ET.SubElement(parent, tag), "spatialrefsys")
    for key, value in (("proj4", "+proj=longlat +datum=WGS84 +no_defs"), ("srid", "4326"), ("authid", "EPSG:4326"),
                       ("description", "WGS 84"), ("projectionacronym", "longlat"),
                       ("ellipsoidacronym", "EPSG:7030"), ("geographicflag", "true")):
        ET.SubElement(reference, key).text = value


def _map_layer(layer_id: str, table: str, frame: pd.DataFrame, source: str, title: str, subset: str) -> ET.Element:
    geometry = {"routes": "Line", "segments": "Line", COUNTRIES_TABLE: "Polygon"}.get(table, "Point")
    spatial = "geometry" in frame.columns
    attributes = {"type": "vector", "labelsEnabled": "1" if table in LABELS else "0", "readOnly": "0",
                  "styleCategories": "AllStyleCategories", "hasScaleBasedVisibilityFlag": "0",
                  "geometry": geometry if spatial else "No geometry"}
    layer = ET.Element("maplayer", attributes)
    ET.SubElement(layer, "id").text = layer_id
    ET.SubElement(layer, "datasource").text = source + (f"|subset={subset}" if subset else "")
    ET.SubElement(layer, "layername").text = title
    if spatial:
        _srs(layer)
    metadata = ET.SubElement(layer, "resourceMetadata")
    ET.SubElement(metadata, "title").text = title
    ET.SubElement(metadata, "abstract").text = TABLE_DESCRIPTIONS.get(table, TITLES.get(table, table))
    ET.SubElement(layer, "provider", {"encoding": "UTF-8"}).text = "ogr"
    layer.extend(style_elements(table, frame) if spatial else field_elements(frame.columns))
    if table == "citations":
        ET.SubElement(layer, "previewExpression").text = '"attribute" || \': \' || "value"'
    return layer


@dataclass(frozen=True)
class _ProjectLayer:
    layer_id: str  # QGIS replaces ids of 10 characters or fewer
    table: str
    title: str
    corridor: str = ""  # the corridor layer it shows, or "" for the whole table

    @property
    def subset(self) -> str:
        return f"\"layer\" = '{self.corridor}'" if self.corridor else ""


def _project_layers(layers: dict[str, gpd.GeoDataFrame]) -> list[tuple[str, list[_ProjectLayer]]]:
    """The layer tree, top (drawn last) first: the points, a group per corridor (segments over routes), countries."""
    groups = []
    points = [_ProjectLayer(f"corridors_{t}", t, TITLES[t]) for t in ("crossings", "airports", "places") if t in layers]
    if points:
        groups.append(("Border crossings, airports and places", points))
    for corridor, title in CORRIDOR_LAYERS.items():
        members = [
            _ProjectLayer(f"corridors_{table}_{corridor}", table, f"{TITLES[table]} — {title}", corridor)
            for table in ("segments", "routes")
            if table in layers and (layers[table]["layer"] == corridor).any()
        ]
        if members:
            groups.append((title, members))
    if COUNTRIES_TABLE in layers:
        countries = _ProjectLayer(f"corridors_{COUNTRIES_TABLE}", COUNTRIES_TABLE, TITLES[COUNTRIES_TABLE])
        groups.append(("Context", [countries]))
    return groups


def project_xml(layers: dict[str, gpd.GeoDataFrame], has_citations: bool, file_name: str) -> str:
    """The QGIS project (.qgs) for the tables, reading them from ``./<file_name>``.

    Parameters
    ----------
    layers : dict of str to geopandas.GeoDataFrame
        The GeoPackage's feature tables by name, in drawing order.
    has_citations : bool
        Whether to add the ``citations`` table, related to every feature layer.
    file_name : str
        The GeoPackage's final file name, which the layers' sources refer to.

    Returns
    -------
    str
        The project document.
    """
    source = f"./{file_name}|layername="
    groups = _project_layers(layers)
    root = ET.Element("qgis", {"projectname": DATASET_TITLE, "version": "3.22.0-Białowieża"})
    ET.SubElement(root, "homePath", {"path": ""})
    ET.SubElement(root, "title").text = DATASET_TITLE
    _srs(root, "projectCrs")
    tree = ET.SubElement(root, "layer-tree-group")
    order = []
    for title, members in groups:
        group = ET.SubElement(tree, "layer-tree-group", {"name": title, "checked": "Qt::Checked", "expanded": "1"})
        for member in members:
            order.append(member)
            ET.SubElement(group, "layer-tree-layer", {
                "id": member.layer_id, "name": member.title, "providerKey": "ogr", "checked": "Qt::Checked",
                "expanded": "0" if member.table == COUNTRIES_TABLE else "1", "source": source + member.table,
            })
    citations = _ProjectLayer("corridors_citations", "citations", TITLES["citations"]) if has_citations else None
    if citations:
        ET.SubElement(tree, "layer-tree-layer", {
            "id": citations.layer_id, "name": citations.title, "providerKey": "ogr", "checked": "Qt::Checked",
            "expanded": "0", "source": source + "citations",
        })
    relations = ET.SubElement(root, "relations")
    if citations:
        for member in order:
            if member.table in ("routes", "segments", "places", "airports"):
                relation = ET.SubElement(relations, "relation", {
                    "id": f"citations_of_{member.layer_id}", "name": f"Citations of {member.title}",
                    "referencingLayer": citations.layer_id, "referencedLayer": member.layer_id,
                    "strength": "Association",
                })
                ET.SubElement(relation, "fieldRef", {"referencingField": "feature_id", "referencedField": "id"})
    view = _view(layers)
    canvas = ET.SubElement(root, "mapcanvas", {"name": "theMapCanvas", "annotationsVisible": "1"})
    ET.SubElement(canvas, "units").text = "degrees"
    extent = ET.SubElement(canvas, "extent")
    for key, value in zip(("xmin", "ymin", "xmax", "ymax"), view):
        ET.SubElement(extent, key).text = f"{value:g}"
    ET.SubElement(canvas, "rotation").text = "0"
    _srs(canvas, "destinationsrs")
    settings = ET.SubElement(root, "ProjectViewSettings", {"UseProjectScales": "0"})
    default = ET.SubElement(settings, "DefaultViewExtent", dict(zip(("xmin", "ymin", "xmax", "ymax"),
                                                                    (f"{v:g}" for v in view))))
    _srs(default, "crs")
    project_layers = ET.SubElement(root, "projectlayers")
    for member in [*order, *([citations] if citations else [])]:
        frame = _CITATION_FRAME if member.table == "citations" else layers[member.table]
        if member.corridor:
            frame = frame[frame["layer"] == member.corridor]
        project_layers.append(_map_layer(member.layer_id, member.table, frame, source + member.table, member.title,
                                         member.subset))
    metadata = ET.SubElement(root, "projectMetadata")
    ET.SubElement(metadata, "title").text = DATASET_TITLE
    ET.SubElement(metadata, "abstract").text = DATASET_DESCRIPTION
    properties = ET.SubElement(root, "properties")
    paths = ET.SubElement(properties, "Paths")
    ET.SubElement(paths, "Absolute", {"type": "bool"}).text = "false"
    ET.indent(root)
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + ET.tostring(root, encoding="unicode") + "\n"


_CITATION_FRAME = pd.DataFrame(columns=["fid", "feature_id", "kind", "attribute", "value", "document",
                                        "document_title", "quote"])


def _view(layers: dict[str, gpd.GeoDataFrame]) -> tuple[float, float, float, float]:
    """The South Caucasus where the features reach it, else the features' extent."""
    frames = [frame for name, frame in layers.items() if name != COUNTRIES_TABLE]
    minx, miny, maxx, maxy = pd.concat(frames).total_bounds
    west, south, east, north = SOUTH_CAUCASUS
    if minx <= east and maxx >= west and miny <= north and maxy >= south:
        return SOUTH_CAUCASUS
    pad = max(maxx - minx, maxy - miny, 0.5) * 0.05
    return (minx - pad, miny - pad, maxx + pad, maxy + pad)


def add_project(db: sqlite3.Connection, layers: dict[str, gpd.GeoDataFrame], has_citations: bool,
                 file_name: str) -> None:
    """Store the project as QGIS does: a zipped .qgs, hex-encoded, in ``qgis_projects``.

    Parameters
    ----------
    db : sqlite3.Connection
        The open GeoPackage.
    layers : dict of str to geopandas.GeoDataFrame
        The GeoPackage's feature tables by name, in drawing order.
    has_citations : bool
        Whether the GeoPackage holds a ``citations`` table to add and relate.
    file_name : str
        The GeoPackage's final file name, which the project's layers refer to.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{PROJECT_NAME}.qgs", project_xml(layers, has_citations, file_name))
    db.execute("CREATE TABLE qgis_projects (name TEXT PRIMARY KEY, metadata BLOB, content BLOB)")
    metadata = {"last_modified_time": dt.datetime.now().replace(microsecond=0).isoformat(),
                "last_modified_user": "corridors"}
    db.execute("INSERT INTO qgis_projects VALUES (?, ?, ?)",
               (PROJECT_NAME, json.dumps(metadata), buffer.getvalue().hex()))
