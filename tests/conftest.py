"""Shared fixtures: the real dataset, a CLI runner, and a tiny synthetic data directory."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

import corridors
from corridors.cache import CACHE_ENV
from corridors.cli.main import cli

REPO = Path(__file__).resolve().parent.parent

SYNTHETIC_TEXT = (
    "The Test Road opened on 2 May 2021. It is a dual-purpose road.\nThe old Test Road bridge no longer exists.\n"
)


@pytest.fixture(autouse=True, scope="session")
def private_cache(tmp_path_factory):
    """Tests never read or fill the user's cache of prepared boundaries and analyses."""
    os.environ[CACHE_ENV] = str(tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="session")
def data() -> corridors.Dataset:
    return corridors.load_dataset(REPO)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def invoke(runner):
    """Run the CLI with arguments; returns click's Result."""

    def run(*args: str, **kwargs):
        return runner.invoke(cli, list(args), catch_exceptions=False, **kwargs)

    return run


def feature(kind: str, fid: str, geometry: dict, **props) -> dict:
    return {
        "type": "Feature",
        "properties": {"id": fid, "kind": kind, "name": fid.title(), **props},
        "geometry": geometry,
    }


def collection(*features: dict) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


@pytest.fixture
def synthetic(tmp_path: Path) -> Path:
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


@pytest.fixture
def shared_seeds() -> Path:
    folder = REPO.parent / "shared" / "seeds"
    if not folder.is_dir():
        pytest.skip("../shared/seeds is not beside this checkout")
    return folder
