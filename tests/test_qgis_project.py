"""The GeoPackage opens ready-made in QGIS: project, styles, labels, countries, related tables, typed dates."""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pyogrio
import pytest
from conftest import REPO

from corridors import export as ex
from corridors import qgis_project as qp

SYSTEM_PYTHON = Path("/usr/bin/python3")
SLD = "{http://www.opengis.net/se}"


def _pyqgis_missing() -> str | None:
    """Why the PyQGIS test cannot run here, or None when Debian's qgis and python3-qgis are installed."""
    if not SYSTEM_PYTHON.exists() or shutil.which("qgis") is None:
        return "Debian's qgis is not installed (apt-get install qgis python3-qgis)"
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import qgis.core"], capture_output=True, timeout=120)
    return None if probe.returncode == 0 else "python3-qgis is not installed for /usr/bin/python3"


@pytest.fixture(scope="module")
def gpkg(data, tmp_path_factory) -> Path:
    return ex.write(ex.export_tables(data), "gpkg", tmp_path_factory.mktemp("gpkg") / "corridors.gpkg")


def styles(gpkg: Path) -> dict[str, tuple[ET.Element, ET.Element]]:
    with sqlite3.connect(gpkg) as db:
        rows = db.execute("SELECT f_table_name, styleQML, styleSLD, useAsDefault FROM layer_styles").fetchall()
    assert all(row[3] == 1 for row in rows)
    return {name: (ET.fromstring(qml.split("\n", 1)[1]), ET.fromstring(sld.split("\n", 1)[1]))
            for name, qml, sld, _ in rows}


def symbol_options(qml: ET.Element, label: str) -> list[dict[str, str]]:
    """The options of each symbol layer drawing the rule with this legend label."""
    rule = next(r for r in qml.iter("rule") if r.get("label") == label)
    symbol = next(s for s in qml.find("renderer-v2/symbols") if s.get("name") == rule.get("symbol"))
    return [{"class": layer.get("class"), "alpha": symbol.get("alpha"),
             **{o.get("name"): o.get("value") for o in layer.find("Option")}} for layer in symbol.iter("layer")]


def test_mode_is_in_the_symbol_and_status_never_double_dashes(gpkg):
    segments, _ = styles(gpkg)["segments"]
    rail = symbol_options(segments, "Rail")
    assert [layer["class"] for layer in rail] == ["SimpleLine", "HashLine", "SimpleLine"]  # a line with ties
    assert symbol_options(segments, "Rail — planned or under construction")[0]["line_style"] == "dash"
    sea = symbol_options(segments, "Sea")[0]
    assert sea["line_style"] == "dot" and symbol_options(segments, "Ferry")[0]["line_style"] == "dot"
    assert symbol_options(segments, "Road — historical")[0]["line_color"] == "140,140,140,255"
    routes, _ = styles(gpkg)["routes"]
    assert {o.get("value") for o in routes.iter("Option") if o.get("name") == "line_style"} == {"solid"}


def test_the_legend_has_no_empty_entry(gpkg, data):
    segments, _ = styles(gpkg)["segments"]
    labels = [r.get("label") for r in segments.iter("rule")]
    present = {(mode, qp._status_group(status)) for mode, status in zip(data.segments["mode"], data.segments["status"])}
    assert len(labels) == len(present) < len(ex.MODE_COLOURS) * len(ex.STATUS_GROUPS)
    frame = pyogrio.read_dataframe(gpkg, layer="segments", read_geometry=False)
    for rule in qp.rules("segments", frame):
        matches = frame
        for field, values in rule.where:
            matches = matches[matches[field].isin(values)]
        assert len(matches), rule.label


def test_labels_are_scale_dependent_and_fields_have_units(gpkg):
    for table, (qml, _) in styles(gpkg).items():
        rendering = qml.find("labeling/settings/rendering")
        assert rendering is not None and rendering.get("scaleVisibility") == "1", table
        assert int(rendering.get("scaleMax")) == qp.LABELS[table].max_denominator
    routes, _ = styles(gpkg)["routes"]
    aliases = {a.get("field"): a.get("name") for a in routes.iter("alias")}
    assert aliases["length_km"] == "Length (km, geodesic)" and aliases["rail_km"] == "By rail (km)"
    multiline = [f.get("name") for f in routes.iter("field")
                 if any(o.get("name") == "IsMultiline" and o.get("value") == "true" for o in f.iter("Option"))]
    assert multiline == ["citations_text"]


def test_sld_holds_the_same_rules_with_filters_and_labels(gpkg):
    for table, (qml, sld) in styles(gpkg).items():
        sld_rules = [r.findtext(f"{SLD}Name") for r in sld.iter(f"{SLD}Rule")]
        assert sld_rules == [r.get("label") for r in qml.iter("rule")] + ["labels"], table
    _, crossings = styles(gpkg)["crossings"]
    assert crossings.tag.endswith("StyledLayerDescriptor")
    literals = [e.text for e in crossings.iter("{http://www.opengis.net/ogc}Literal")]
    assert literals == ["false", "true"]


def test_citations_are_related_to_features_with_the_related_tables_extension(gpkg, data):
    with sqlite3.connect(gpkg) as db:
        relations = db.execute("SELECT base_table_name, base_primary_column, related_table_name, "
                               "related_primary_column, relation_name, mapping_table_name FROM gpkgext_relations"
                               ).fetchall()
        extensions = {row[0] for row in db.execute(
            "SELECT table_name FROM gpkg_extensions WHERE extension_name = 'related_tables'")}
        mapped = {table: db.execute(f'SELECT count(*) FROM "{table}_citations"').fetchone()[0]
                  for table, *_ in relations}
        joined = db.execute("SELECT r.id, c.feature_id FROM routes_citations m JOIN routes r ON r.fid = m.base_id "
                            "JOIN citations c ON c.fid = m.related_id").fetchall()
    assert [r[0] for r in relations] == ["routes", "segments", "places", "airports"]
    assert {r[1:5] for r in relations} == {("fid", "citations", "fid", "attributes")}
    assert extensions == {"gpkgext_relations", *(f"{t}_citations" for t, *_ in relations)}
    citations = pyogrio.read_dataframe(gpkg, layer="citations", read_geometry=False)
    # Every citation of a feature with a geometry is related to it; a concept's (no geometry) to none.
    assert sum(mapped.values()) == (citations["kind"] != "concept").sum()
    assert (citations["kind"] == "concept").any()
    assert joined and all(route == feature for route, feature in joined)


def test_dates_are_dates_where_the_day_is_known_and_years_always(gpkg):
    info = pyogrio.read_info(gpkg, layer="segments")
    types = dict(zip(info["fields"], info["ogr_types"]))
    assert types["opened_date"] == "OFTDate" and types["opened_year"].startswith("OFTInteger")
    frame = pyogrio.read_dataframe(gpkg, layer="segments", read_geometry=False)
    full = frame[frame["opened"] == "2017-10-30"]
    assert len(full) and (full["opened_date"].astype(str).str[:10] == "2017-10-30").all()
    partial = frame[frame["opened"] == "1992-05"]
    assert len(partial)
    assert partial["opened_date"].isna().all() and (partial["opened_year"] == 1992).all()


def test_the_project_is_stored_as_qgis_stores_it_grouped_by_corridor(gpkg):
    with sqlite3.connect(gpkg) as db:
        name, metadata, content = db.execute("SELECT name, metadata, content FROM qgis_projects").fetchone()
    assert name == "corridors" and "last_modified_time" in json.loads(metadata)
    archive = zipfile.ZipFile(io.BytesIO(bytes.fromhex(content)))
    project = ET.fromstring(archive.read("corridors.qgs").decode().split("\n", 1)[1])
    groups = [g.get("name") for g in project.find("layer-tree-group").findall("layer-tree-group")]
    assert groups[0] == "Border crossings, airports and places" and groups[-1] == "Context"
    assert groups[1:-1] == list(qp.CORRIDOR_LAYERS.values())
    sources = {e.text for e in project.iter("datasource")}
    assert "./corridors.gpkg|layername=segments|subset=\"layer\" = 'tripp-zangezur'" in sources
    assert all(len(e.text) > 10 for e in project.iter("id"))  # QGIS replaces shorter layer ids
    assert len(project.findall("relations/relation")) == 4 + 4 + 2  # routes, segments per corridor; places, airports


@pytest.mark.skipif(_pyqgis_missing() is not None, reason=str(_pyqgis_missing()))
def test_qgis_opens_the_project_and_renders_the_caucasus(gpkg, tmp_path):
    png = tmp_path / "caucasus.png"
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": str(tmp_path)}
    environment.pop("PYTHONPATH", None)  # the system python must not see this interpreter's packages
    result = subprocess.run([SYSTEM_PYTHON, REPO / "tests" / "qgis_open_project.py", gpkg, png], capture_output=True,
                            text=True, timeout=300, env=environment, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["opened"] and report["title"] == ex.DATASET_TITLE
    layers = report["layers"]
    assert len(layers) == 13
    for layer in layers.values():
        assert layer["valid"] and layer["features"] > 0, layer["name"]
        if layer["spatial"]:
            assert layer["renderer"] == "RuleRenderer" and layer["legend"] and layer["labels"], layer["name"]
            assert layer["empty_rules"] == [], layer["name"]
    citations = next(layer for layer in layers.values() if layer["name"] == "Citations")
    assert set(citations["widgets"]) == {"quote", "value"} and citations["aliases"]["quote"] == "Quote (verbatim)"
    assert all(layer["temporal"] for layer in layers.values() if layer["name"].startswith(("Routes", "Segments")))
    relations = report["relations"]
    assert len(relations) == 10 and all(r["valid"] for r in relations.values())
    tripp = relations["citations_of_corridors_routes_tripp-zangezur"]
    assert tripp["first"] == "tripp" and len(tripp["related"]) > 5
    assert "Relation defined for layer" not in result.stderr
    assert png.stat().st_size > 50_000 and report["distinct_colours"] > 100  # not blank
