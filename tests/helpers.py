"""Helpers shared by the tests: the repository, a tiny synthetic data directory, JSON edits.

An ordinary module (``from tests.helpers import ...``), not conftest: conftest holds only fixtures.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import numpy as np
import shapely
from hypothesis import HealthCheck, settings
from shapely.geometry import box

from corridors.boundaries import Boundaries

REPO = Path(__file__).resolve().parent.parent

SYNTHETIC_TEXT = (
    "The Test Road opened on 2 May 2021. It is a dual-purpose road.\nThe old Test Road bridge no longer exists.\n"
)


def feature(kind: str, fid: str, geometry: dict, **props) -> dict:
    return {
        "type": "Feature",
        "properties": {"id": fid, "kind": kind, "name": fid.title(), **props},
        "geometry": geometry,
    }


def collection(*features: dict) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def make_synthetic(tmp_path: Path) -> Path:
    """A data directory with one document, two places, one segment, one route and one airport.

    Tests corrupt one file of it to check that the loader names the file and the feature.
    """
    seeds = tmp_path / "seeds"
    geo = tmp_path / "geo"
    seeds.mkdir()
    geo.mkdir()
    (seeds / "doc1.txt").write_text(SYNTHETIC_TEXT, encoding="utf-8")
    digest = hashlib.sha256(SYNTHETIC_TEXT.encode()).hexdigest()
    (seeds / "documents.toml").write_text(
        f'[[document]]\nid = "doc1"\nfile = "doc1.txt"\ntitle = "A test"\nsha256 = "{digest}"\n', encoding="utf-8"
    )
    place = dict(place_type="town", geonameid=None, source="synthetic", aliases=[])
    places = collection(
        feature("place", "west", {"type": "Point", "coordinates": [0.5, 0.5]}, country="AAA", **place),
        feature("place", "east", {"type": "Point", "coordinates": [1.5, 0.5]}, country="BBB", **place),
    )
    line = {"type": "LineString", "coordinates": [[0.5, 0.5], [1.0, 0.5], [1.5, 0.5]]}
    common = dict(layer="lachin-road", status="operational", opened="2021-05-02", closed=None)
    corridor = collection(
        feature(
            "route",
            "test-road",
            line,
            segments=["test-road-1"],
            countries=["AAA", "BBB"],
            aliases=["Test Road"],
            **common,
        ),
        feature(
            "segment",
            "test-road-1",
            line,
            mode="road",
            geometry_quality="schematic",
            source="synthetic",
            **{"from": "west", "to": "east"},
            **common,
        ),
    )
    airports = collection(
        feature(
            "airport",
            "XXXX",
            {"type": "Point", "coordinates": [0.6, 0.6]},
            iata="XXX",
            country="AAA",
            serves="west",
            source="synthetic",
        ),
    )
    for name, content in {
        "places": places,
        "lachin-road": corridor,
        "airports": airports,
        "middle-corridor": collection(),
        "tripp-zangezur": collection(),
        "north-south": collection(),
    }.items():
        (geo / f"{name}.geojson").write_text(json.dumps(content), encoding="utf-8")
    (geo / "attributes.csv").write_text(
        "feature_id,attribute,value,qualifier,refers_to,stated_by,document,prefix,quote,suffix\n"
        'test-road,opened_date,2021-05-02,,,,doc1,,"The Test Road opened on 2 May 2021.",\n'
        "test-road,purpose,dual-purpose road,,,,doc1,,It is a dual-purpose road.,\n",
        encoding="utf-8",
    )
    return tmp_path


def edit_json(path: Path, change) -> None:
    """Apply ``change`` to the parsed JSON in ``path`` and write it back."""
    content = json.loads(path.read_text(encoding="utf-8"))
    change(content)
    path.write_text(json.dumps(content), encoding="utf-8")


# --- maps ---------------------------------------------------------------------------------------------

#: Two squares either side of lon 1: the synthetic road crosses from AAA to BBB half way.
SQUARES = Boundaries(
    np.array(["AAA", "BBB"]), np.array([shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)]), "two squares"
)


#: Document text that would run if it reached the page as markup or inside a JavaScript template literal.
PAYLOADS = (
    '<script>window.__pwned = "script"</script>',
    "<img src=x onerror=\"window.__pwned = 'img'\">",
    '`${window.__pwned = "template"}`',
    r"C:\temp\new \u0041 \\ end\\",
)


HOSTILE = " ".join(PAYLOADS)


MAX_OVERVIEW_BYTES = 1_500_000


def make_hostile(root: Path) -> Path:
    """Turn the synthetic data directory into one whose texts hold every payload.

    The payloads go into a document (quoted by two citations), its title, and the names of the
    route, the segment and the airport.
    """
    text = SYNTHETIC_TEXT + f"Its sign reads {HOSTILE} today.\n"
    (root / "seeds" / "doc1.txt").write_text(text, encoding="utf-8")
    digest = hashlib.sha256(text.encode()).hexdigest()
    title = json.dumps("Report " + HOSTILE)  # a JSON string is a TOML basic string
    (root / "seeds" / "documents.toml").write_text(
        f'[[document]]\nid = "doc1"\nfile = "doc1.txt"\ntitle = {title}\nsha256 = "{digest}"\n', encoding="utf-8"
    )
    quote = f"Its sign reads {HOSTILE} today."
    with (root / "geo" / "attributes.csv").open("a", encoding="utf-8", newline="") as table:
        for name, value in (("sign", HOSTILE), ("motto", PAYLOADS[2])):
            table.write(",".join(["test-road", name, _csv(value), "", "", "", "doc1", "", _csv(quote), ""]) + "\n")

    def rename(collection: dict) -> None:
        for feature in collection["features"]:
            feature["properties"]["name"] = f"{feature['properties']['id']} {HOSTILE}"

    edit_json(root / "geo" / "lachin-road.geojson", rename)
    edit_json(root / "geo" / "airports.geojson", rename)
    return root


def _csv(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def payload(page: str) -> dict:
    """The JSON document the page's script draws."""
    return json.loads(re.search(r"corridors\.draw\([^,]+, (\{.*\})\);", page).group(1))


def of_kind(page_or_payload, kind: str) -> list[dict]:
    data = payload(page_or_payload) if isinstance(page_or_payload, str) else page_or_payload
    return [f for f in data["features"] if f["kind"] == kind]


def map_script(page: str) -> str:
    """The page's last script: the one folium writes (Leaflet and our script sit in the head)."""
    return page.rsplit("<script>", 1)[1]


def render(fmap) -> str:
    return fmap.get_root().render()


# --- exports ------------------------------------------------------------------------------------------

FEATURE_TABLES = ["routes", "segments", "places", "airports", "crossings"]


QUOTE = "The Test Road opened on 2 May 2021."


def decimals(geometry: dict) -> int:
    """The most decimals any coordinate of a GeoJSON geometry has."""
    return max(len(d) for d in re.findall(r"\.(\d+)", json.dumps(geometry["coordinates"])))


# --- user lines ---------------------------------------------------------------------------------------

#: Square countries on the equator (one degree of longitude is 111.319 491 km there), and two at the antimeridian.
EQUATOR_SQUARES = {
    "AAA": box(0, -1, 1, 1),
    "BBB": box(1, -1, 2, 1),
    "CCC": box(2, -1, 3, 1),
    "EEE": box(179, -1, 180, 1),
    "WWW": box(-180, -1, -179, 1),
}
PROPERTY_SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
