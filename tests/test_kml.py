"""KML for Google Earth: valid KML 2.2, typed data GDAL 3.6 reads, draped lines, shared styles, rich balloons."""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pyogrio
import pytest
from shapely.geometry import box

import corridors
from corridors import export as ex
from corridors.boundaries import Boundaries

KML = "{http://www.opengis.net/kml/2.2}"
QUOTE = "The Test Road opened on 2 May 2021."
XMLLINT = shutil.which("xmllint")
OGRINFO = shutil.which("ogrinfo")


def kml_schema() -> Path | None:
    """The OGC KML 2.2 schema the pykml package ships, if it is installed."""
    try:
        import pykml
    except ImportError:
        return None
    path = Path(pykml.__file__).parent / "schemas" / "ogckml22.xsd"
    return path if path.exists() else None


@pytest.fixture
def tables(synthetic) -> ex.ExportTables:
    """The synthetic data, with two test countries meeting under its road at lon 1."""
    boundaries = Boundaries(np.array(["AAA", "BBB"]), np.array([box(0, 0, 1, 1), box(1, 0, 2, 1)]), "test")
    return ex.export_tables(corridors.load_dataset(synthetic), boundaries=boundaries)


def placemarks(path: Path) -> dict[str, ET.Element]:
    return {p.findtext(f"{KML}name"): p for p in ET.parse(path).iter(f"{KML}Placemark")}


def test_kml_is_a_named_document_with_plain_word_folders(tables, tmp_path):
    target = ex.write(tables, "kml", tmp_path / "corridors.kml")
    document = ET.parse(target).getroot().find(f"{KML}Document")
    assert document.findtext(f"{KML}name") == "South Caucasus transport corridors"
    folders = [f.findtext(f"{KML}name") for f in document.findall(f"{KML}Folder")]
    assert folders == ["Routes", "Segments", "Places", "Airports", "Border crossings"]
    assert [name for name, _ in pyogrio.list_layers(target)] == folders


def test_kml_lines_are_draped_and_styles_shared_with_a_highlight(tables, tmp_path):
    target = ex.write(tables, "kml", tmp_path / "corridors.kml")
    road = placemarks(target)["Test-Road-1"]
    line = road.find(f"{KML}LineString")
    assert line.findtext(f"{KML}tessellate") == "1" and line.findtext(f"{KML}altitudeMode") == "clampToGround"
    assert road.find(f"{KML}Style") is None  # shared, not inline
    style_id = road.findtext(f"{KML}styleUrl").lstrip("#")
    root = ET.parse(target).getroot()
    style_map = root.find(f".//{KML}StyleMap[@id='{style_id}']")
    pairs = {p.findtext(f"{KML}key"): p.findtext(f"{KML}styleUrl") for p in style_map.iter(f"{KML}Pair")}
    assert set(pairs) == {"normal", "highlight"}
    normal = root.find(f".//{KML}Style[@id='{pairs['normal'].lstrip('#')}']")
    highlight = root.find(f".//{KML}Style[@id='{pairs['highlight'].lstrip('#')}']")
    assert normal.findtext(f"{KML}LineStyle/{KML}color") == "ff1482e0"  # road orange, aabbggrr
    width = f"{KML}LineStyle/{KML}width"
    assert float(highlight.findtext(width)) > float(normal.findtext(width))
    airport = placemarks(target)["Xxxx"]
    airport_style = root.find(f".//{KML}Style[@id='{airport.findtext(f'{KML}styleUrl').lstrip('#')}-normal']")
    assert airport_style.findtext(f"{KML}IconStyle/{KML}Icon/{KML}href").endswith("airports.png")


def test_kml_descriptions_give_length_countries_crossings_and_citations(tables, tmp_path):
    target = ex.write(tables, "kml", tmp_path / "corridors.kml")
    route = placemarks(target)["Test-Road"].findtext(f"{KML}description")
    assert "Length: 111.3 km" in route and "Countries: AAA → BBB" in route
    assert "Border crossings (1)" in route and "AAA → BBB at km" in route
    assert QUOTE in route and "A test" in route
    assert "Length: 111.3 km" in placemarks(target)["Test-Road-1"].findtext(f"{KML}description")


def test_gdal_reads_kml_integers_and_booleans_typed_without_a_style_attribute(tables, tmp_path):
    target = ex.write(tables, "kml", tmp_path / "corridors.kml")
    crossings = pyogrio.read_dataframe(target, layer="Border crossings")
    assert crossings.loc[0, "by_sea"] == 0 and crossings.loc[0, "sequence"] == 1
    info = pyogrio.read_info(target, layer="Border crossings")
    types = dict(zip(info["fields"], info["ogr_types"]))
    assert types["by_sea"].startswith("OFTInteger") and types["sequence"].startswith("OFTInteger")
    assert types["at_km"] == "OFTReal"
    routes = pyogrio.read_info(target, layer="Routes")
    assert dict(zip(routes["fields"], routes["ogr_types"]))["crossings_count"].startswith("OFTInteger")
    assert not any(f.upper() == "OGR_STYLE" for f in [*info["fields"], *routes["fields"]])


@pytest.mark.skipif(OGRINFO is None, reason="ogrinfo (Debian gdal-bin) is not installed")
def test_debian_gdal_reads_sea_crossings_as_1(data, tmp_path):
    target = ex.write(ex.export_tables(data, ["middle-corridor"]), "kml", tmp_path / "corridors.kml")
    result = subprocess.run([OGRINFO, "-ro", "-al", "-q", str(target), "Border crossings"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "by_sea (Integer) = 1" in result.stdout and "by_sea (Integer) = 0" in result.stdout
    assert "OGR_STYLE" not in result.stdout


@pytest.mark.skipif(XMLLINT is None, reason="xmllint (Debian libxml2-utils) is not installed")
@pytest.mark.skipif(kml_schema() is None, reason="pykml, which ships the OGC KML 2.2 schema, is not installed")
def test_kml_validates_against_the_ogc_kml_22_schema(data, tmp_path):
    target = ex.write(ex.export_tables(data), "kml", tmp_path / "corridors.kml")
    result = subprocess.run([XMLLINT, "--noout", "--schema", str(kml_schema()), str(target)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().endswith("validates")
