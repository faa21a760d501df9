"""Dates that agree: one status-on-a-date rule for compare, route and map; routes and segments close together."""

from __future__ import annotations

import datetime as dt
import json
import re

import numpy as np
import pandas as pd
import pytest

import corridors
from corridors.dataset import select
from corridors.errors import InvalidData, UsageError
from corridors.maps import corridor_map
from corridors.routing import Constraints, Network, find_routes
from corridors.timeline import (
    active_on,
    closing_problem,
    parse_date,
    route_status_on,
    status_on,
    undated_segments,
)
from tests.helpers import edit_json

JUNE_2022 = dt.date(2022, 6, 1)


@pytest.mark.parametrize(
    ("feature", "day", "expected"),
    [
        ({"status": "historical", "opened": "1992-05", "closed": "2022-08"}, "2022-06-01", "operational"),
        ({"status": "historical", "opened": "1992-05", "closed": "2022-08"}, "2022-08-01", "historical"),
        ({"status": "historical", "opened": "1992-05", "closed": "2022-08"}, "1990", "planned"),
        ({"status": "operational", "opened": "2019"}, "2018-12-31", "planned"),
        ({"status": "under_construction", "opened": "2030"}, "2026", "under_construction"),
        ({"status": "planned", "opened": "2030"}, "2031", "operational"),
        ({"status": "planned"}, "2031", "planned"),
        ({"status": "operational"}, "1900", "operational"),
        ({"opened": "2025-05-28"}, "2025-05-27", "planned"),  # an airport, before its opening
    ],
)
def test_status_on_a_date(feature, day, expected):
    assert status_on(feature, parse_date(day)) == expected


def test_the_lachin_corridor_was_in_use_on_1_june_2022(data, invoke):
    route = data.routes.loc["lachin-corridor"]
    assert route["status"] == "historical"
    assert route_status_on(route, data.segments, JUNE_2022) == "operational"
    [row] = json.loads(invoke("compare", "lachin-corridor", "--as-of", "2022-06-01", "-f", "json").output)
    assert row["status"] == "operational"
    table = invoke("compare", "--all", "--as-of", "2022-06-01").output
    assert next(line for line in table.splitlines() if line.startswith("lachin-corridor")).split()[2] == "operational"


def test_a_route_exists_only_when_all_its_segments_do(data, invoke):
    # instc-west has no date of its own, but its Qazvin–Rasht railway opened in 2019.
    assert not isinstance(data.routes.loc["instc-west", "opened"], str)
    assert data.segments.loc["qazvin-rasht-rail", "opened"] == "2019"
    assert not active_on(data.routes, dt.date(2018, 6, 1), data.segments)["instc-west"]
    assert route_status_on(data.routes.loc["instc-west"], data.segments, dt.date(2018, 6, 1)) == "planned"
    result = invoke("compare", "instc-west", "--as-of", "2018-06")
    assert result.exit_code == 2
    assert "segment 'qazvin-rasht-rail': operational, opens 2019" in result.output


def test_compare_as_of_1900_lists_nothing_that_opened_later(data, invoke):
    result = invoke("compare", "--all", "--as-of", "1900", "-f", "json")
    assert result.exit_code == 0
    listed = [r["id"] for r in json.loads(result.stdout)]
    year = dt.date(1900, 1, 1)
    for route_id in listed:
        route = data.routes.loc[route_id]
        # Every line of a route listed on that day has a known opening date on or before it: none is
        # counted open on the strength of a missing date.
        assert not undated_segments(route, data.segments), route_id
        for row in [route, *(data.segments.loc[s] for s in route["segments"])]:
            opened = row["opened"]
            assert not isinstance(opened, str) or parse_date(opened) <= year, (route_id, row["id"], opened)
    dated_later = [r for r in data.routes.index if isinstance(data.routes.at[r, "opened"], str)]
    assert dated_later and not set(dated_later) & set(listed)
    # The Suez route is dated from 1869 and really existed; the Black Sea route, once listed because
    # its Poti port line and its sea leg had no date, is dated now (1905 and 2001).
    assert listed == ["suez-sea-route"]
    assert "counted open although" not in result.stderr


def test_a_route_counted_open_on_an_undated_segment_is_named(synthetic, invoke):
    def undate(content):
        for feature in content["features"]:
            feature["properties"]["opened"] = None

    edit_json(synthetic / "geo" / "lachin-road.geojson", undate)
    result = invoke("--data-dir", str(synthetic), "compare", "--all", "--as-of", "1900", "-f", "json")
    assert result.exit_code == 0
    assert [r["id"] for r in json.loads(result.stdout)] == ["test-road"]
    assert "as of 1900, test-road counted open although some of their segments have no opening date" in result.stderr


def test_route_legs_give_their_status_on_the_date(data):
    network = Network(data)
    answer = find_routes(network, "Goris", "Stepanakert", Constraints(as_of=dt.date(2022, 1, 1)))
    legs = answer.paths[0].legs
    assert [leg["status"] for leg in legs] == ["operational", "operational"]
    assert answer.paths[0].analysis.status == "operational"
    assert all(leg["geometry_quality"] in ("traced", "schematic") for leg in legs)


def test_map_styles_by_the_status_on_the_date(data):
    chosen = select(data, ["lachin-corridor"], as_of=JUNE_2022)
    assert chosen.status(data, "route", "lachin-corridor") == "operational"
    assert {chosen.status(data, "segment", s) for s in chosen.segments} == {"operational"}
    today = select(data, ["lachin-corridor"])
    assert today.status(data, "route", "lachin-corridor") == "historical"
    page = corridor_map(data, ["lachin-corridor"], as_of=JUNE_2022).get_root().render()
    assert "operational on 2022-06-01 (now historical" in page
    drawn = json.loads(re.search(r"corridors\.draw\([^,]+, (\{.*\})\);", page).group(1))
    assert {f["statusThen"] for f in drawn["features"] if f["kind"] in ("route", "segment")} == {"operational"}


def test_map_as_of_shows_only_the_airports_open_then(data):
    before = select(data, layers=["airports"], as_of=dt.date(2022, 1, 1)).airports
    assert "UBBF" in before and "UBBZ" not in before and "UBLC" not in before
    assert "UBLC" in select(data, layers=["airports"], as_of=dt.date(2025, 6, 1)).airports


@pytest.mark.parametrize(
    ("route", "segments", "fragment"),
    [
        ({"closed": "2023-04-23"}, {"a": "2022-08", "b": "2022-08"}, "2023-04-23 but its segment 'a' closed 2022-08"),
        ({"closed": "2020"}, {"a": None}, "closed 2020 but none of its segments closes"),
        ({"closed": None}, {"a": None, "b": "2021"}, "has no 'closed' date but its segment 'b' closed 2021"),
    ],
)
def test_closing_problems_are_named(route, segments, fragment):
    assert fragment in closing_problem(route, segments)


def test_a_route_closing_with_its_first_segment_agrees():
    assert closing_problem({"closed": "2022-08"}, {"a": "2022-08", "b": "2023"}) is None
    assert closing_problem({"closed": "2022-08"}, {"a": "2022-08-01"}) is None
    assert closing_problem({"closed": None}, {"a": None}) is None


def test_the_loader_rejects_a_route_that_outlives_its_segment(synthetic):
    def change(content):
        for feature in content["features"]:
            props = feature["properties"]
            props.update(status="historical", closed="2023-04-23" if props["kind"] == "route" else "2022-08")

    edit_json(synthetic / "geo" / "lachin-road.geojson", change)
    with pytest.raises(InvalidData) as caught:
        corridors.load_dataset(synthetic)
    assert "lachin-road.geojson: feature 'test-road'" in str(caught.value)
    assert "closed 2023-04-23 but its segment 'test-road-1' closed 2022-08" in str(caught.value)


def test_every_route_closes_with_its_segments_in_the_real_data(data):
    for route_id, route in data.routes.iterrows():
        closings = {s: data.segments.at[s, "closed"] for s in route["segments"]}
        closings = {s: c if isinstance(c, str) else None for s, c in closings.items()}
        assert closing_problem(route, closings) is None, route_id


def test_airport_openings_are_typed_and_sourced(data, invoke):
    openings = {i: data.airports.at[i, "opened"] for i in ("UBBF", "UBBZ", "UBLC")}
    assert openings == {"UBBF": "2021-10-26", "UBBZ": "2022-10-20", "UBLC": "2025-05-28"}
    for airport_id in openings:
        assert "https://" in data.airports.at[airport_id, "opened_source"]
    shown = json.loads(invoke("show", "UBLC", "-f", "json").output)["properties"]
    assert shown["opened"] == "2025-05-28" and "trtworld.com" in shown["opened_source"]
    text = invoke("show", "UBBZ").output
    assert "2022-10-20" in text and "https://www.azernews.az/nation/201238.html" in text


def test_an_airport_opening_without_its_source_is_rejected(synthetic):
    def change(content):
        content["features"][0]["properties"]["opened"] = "2021-10-26"

    edit_json(synthetic / "geo" / "airports.geojson", change)
    with pytest.raises(InvalidData, match="'opened' date and its 'opened_source' go together"):
        corridors.load_dataset(synthetic)


def test_an_airport_opening_must_be_an_iso_date(synthetic):
    def change(content):
        content["features"][0]["properties"].update(opened="26 October 2021", opened_source="somewhere")

    edit_json(synthetic / "geo" / "airports.geojson", change)
    with pytest.raises(InvalidData, match="opened '26 October 2021' is not an ISO date"):
        corridors.load_dataset(synthetic)


def test_parse_date_takes_iso_dates_at_any_precision():
    assert parse_date("2023") == dt.date(2023, 1, 1)
    assert parse_date("2023-04") == dt.date(2023, 4, 1)
    assert parse_date("2023-04-23") == dt.date(2023, 4, 23)
    for bad in ("23", "2023-13", "2023-02-30", "2023/04/01", "April 2023", "2023-4"):
        with pytest.raises(UsageError, match="--as-of"):
            parse_date(bad, "--as-of")


def test_active_on_compares_opened_and_closed():
    frame = pd.DataFrame(
        {"opened": ["2017", None, "2030", "2020-01"], "closed": [None, "2023-04-23", None, "2023-04"]},
        index=["open", "closed-later", "planned", "closed-month"],
    )
    assert active_on(frame, dt.date(2023, 4, 22)).to_dict() == {
        "open": True, "closed-later": True, "planned": False, "closed-month": False,
    }
    assert active_on(frame, dt.date(2023, 4, 23))["closed-later"] is np.False_
    assert active_on(pd.DataFrame(index=["a"]), dt.date(2000, 1, 1)).tolist() == [True]
