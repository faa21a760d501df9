"""Run by Debian's /usr/bin/python3 with PyQGIS: open the project stored in a GeoPackage and render it.

Usage: qgis_open_project.py GPKG PNG. Prints one JSON report on stdout (read by tests/test_qgis.py).
"""

import json
import sys

from qgis.core import (
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsMapRendererParallelJob,
    QgsMapSettings,
    QgsProject,
    QgsRectangle,
)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor

CAUCASUS = (40.0, 38.3, 50.5, 43.7)


def main(gpkg: str, png: str) -> dict:
    app = QgsApplication([], False)
    app.initQgis()
    project = QgsProject.instance()
    opened = project.read(f"geopackage:{gpkg}?projectName=corridors")
    layers = {}
    for layer in project.mapLayers().values():
        renderer = layer.renderer() if hasattr(layer, "renderer") else None
        rules = renderer.rootRule().children() if renderer is not None and renderer.type() == "RuleRenderer" else []
        layers[layer.id()] = {
            "name": layer.name(),
            "valid": layer.isValid(),
            "features": layer.featureCount(),
            "spatial": layer.isSpatial(),
            "renderer": renderer.type() if renderer is not None else None,
            "legend": [rule.label() for rule in rules],
            "empty_rules": [rule.label() for rule in rules if rule.filterExpression() and
                            layer.featureCount() and not any(True for _ in layer.getFeatures(rule.filterExpression()))],
            "labels": bool(layer.labelsEnabled()) if hasattr(layer, "labelsEnabled") else False,
            "aliases": {f.name(): f.alias() for f in layer.fields() if f.alias()},
            "widgets": {f.name(): layer.editorWidgetSetup(i).config() for i, f in enumerate(layer.fields())
                        if layer.editorWidgetSetup(i).config().get("IsMultiline")},
            "temporal": layer.temporalProperties().isActive() if hasattr(layer, "temporalProperties") else False,
        }
    relations = {}
    for relation in project.relationManager().relations().values():
        referenced = relation.referencedLayer()
        first = next(referenced.getFeatures(), None) if referenced else None
        related = [f["attribute"] for f in relation.getRelatedFeatures(first)] if first is not None else []
        relations[relation.id()] = {"valid": relation.isValid(), "first": first["id"] if first else None,
                                    "related": related}
    tree = [(group.name(), [child.name() for child in group.children()])
            for group in project.layerTreeRoot().children() if hasattr(group, "isExpanded") and group.children()]
    settings = QgsMapSettings()
    settings.setLayers([layer for layer in project.layerTreeRoot().layerOrder() if layer.isSpatial()])
    settings.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:4326"))
    settings.setExtent(QgsRectangle(*CAUCASUS))
    settings.setOutputSize(QSize(1400, 760))
    settings.setBackgroundColor(QColor("#cfe3f0"))
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    image.save(png, "PNG")
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
    report = {"opened": opened, "title": project.title(), "layers": layers, "relations": relations,
              "tree": [[name, children] for name, children in tree], "distinct_colours": len(colours),
              "scale": settings.scale()}
    app.exitQgis()
    return report


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2])))
