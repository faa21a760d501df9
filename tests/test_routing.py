"""Routing over the real network: the expected answers, constraints, dates, names, output forms."""

from __future__ import annotations

import datetime as dt
import json

import networkx as nx
import pandas as pd
import pytest

from corridors.analysis import analyze_routes
from corridors.errors import UsageError
from corridors.routing import Constraints, Network, NoRoute, find_routes, normalize_name, to_geojson
from corridors.timeline import active_on

NEW_ROUTES = ["northern-route", "suez-sea-route", "araz-corridor", "araz-railway"]


@pytest.fixture(scope="module")
def network(data) -> Network:
    return Network(data)


def route(network, origin, destination, **constraints):
    alternatives = constraints.pop("alternatives", 1)
    return find_routes(network, origin, destination, Constraints(**constraints), alternatives=alternatives)


# --- the graph ------------------------------------------------------------------------------------


def test_edges_are_segments_with_length_mode_countries_status_and_dates(network, data):
    graph = network.graph
    assert graph.number_of_edges() == len(data.segments) and set(graph.nodes) == set(data.places.index)
    ferry = graph.edges["aktau-port", "alat", "aktau-alat-ferry"]
    assert ferry["mode"] == "ferry" and ferry["countries"] == ("KAZ", "AZE")
    assert 450 < ferry["length_km"] < 550
    lachin = graph.edges["goris", "lachin", "goris-lachin-road"]
    assert (lachin["status"], lachin["opened"], lachin["closed"]) == ("historical", "1992-05", "2022-08")
    assert lachin["countries"] == ("ARM", "AZE")


def test_border_bridges_keep_both_countries_and_generalised_borders_add_none(network):
    countries = network.segment_countries
    assert countries["jolfa-julfa-rail"] == ("IRN", "AZE")  # 2.5 km, shorter than the tolerance
    assert countries["astara-rail-link"] == ("AZE", "IRN")
    assert countries["aghband-meghri-rail"] == ("AZE", "ARM")
    assert countries["meghri-ordubad-rail"] == ("ARM", "AZE")
    assert countries["julfa-nakhchivan-rail"] == ("AZE",)
    assert countries["shanghai-rotterdam-sea"] == ("CHN", "EGY", "NLD")  # the Suez Canal is Egypt


# --- the answers a user expects -------------------------------------------------------------------


def test_aktau_to_kars_avoiding_russia_crosses_the_caspian(network):
    answer = route(network, "Aktau", "Kars", avoid=("RUS",))
    [path] = answer.paths
    a = path.analysis
    assert a.countries == ["KAZ", "AZE", "GEO", "TUR"]
    assert [(c.origin, c.destination, c.by_sea) for c in a.border_crossings] == [
        ("KAZ", "AZE", True),
        ("AZE", "GEO", False),
        ("GEO", "TUR", False),
    ]
    assert path.segments[0] == "aktau-alat-ferry" and path.places[0] == "aktau-port"
    assert 1150 < a.length_km < 1300 and "RUS" not in a.length_by_country_km
    assert "baku" not in path.places  # the ferry lands at Alat and the train leaves from Ələt
    assert a.length_by_country_km["sea"] > 400
    assert answer.notes == ["Aktau is not on the network: starting from Port of Aktau (aktau-port), 6.0 km away"]


def test_baku_to_nakhchivan_by_rail_avoiding_iran_takes_tripp_through_armenia(network):
    # Along the Aras the north bank (TRIPP) and the south bank (the Araz railway) are within a few km.
    [path] = route(network, "Baku", "Nakhchivan", modes=("rail",), avoid=("IRN",)).paths
    assert path.analysis.countries == ["AZE", "ARM", "AZE"]
    assert "aghband-meghri-rail" in path.segments and path.analysis.status == "planned"
    assert 38 <= path.analysis.length_by_country_km["ARM"] <= 46
    assert set(path.analysis.length_by_mode_km) == {"rail"}


def test_avoiding_armenia_takes_the_araz_route_through_iran(network):
    [path] = route(network, "Baku", "Nakhchivan", modes=("rail",), avoid=("ARM",)).paths
    assert path.analysis.countries == ["AZE", "IRN", "AZE"]
    assert "aghband-jolfa-rail" in path.segments and "ARM" not in path.analysis.length_by_country_km
    assert 60 <= path.analysis.length_by_country_km["IRN"] <= 110


def test_avoiding_armenia_and_iran_leaves_only_the_line_through_turkey(network):
    # The Kars–Iğdır–Dilucu railway (under construction) is the one rail link left.
    [path] = route(network, "Baku", "Nakhchivan", modes=("rail",), avoid=("ARM", "IRN")).paths
    assert path.analysis.countries == ["AZE", "GEO", "TUR", "AZE"]
    assert {"kars-igdir-rail", "igdir-sadarak-rail"} <= set(path.segments)


def test_a_constraint_that_leaves_no_path_is_named(network):
    with pytest.raises(NoRoute) as err:
        route(network, "Baku", "Nakhchivan", modes=("rail",), avoid=("ARM", "IRN", "TUR"))
    assert str(err.value) == (
        "no route from Baku to Nakhchivan avoiding ARM, IRN, TUR by rail: every path crosses ARM, IRN or TUR"
    )
    with pytest.raises(NoRoute, match=r"by rail: every path needs another mode than rail \(the shortest uses sea\)"):
        route(network, "Tbilisi", "Constanța", modes=("rail",))
    with pytest.raises(NoRoute, match="as of 1850-01-01: every path uses a segment that does not exist"):
        route(network, "Lachin", "Nakhchivan", as_of=dt.date(1850, 1, 1))


# --- dates ----------------------------------------------------------------------------------------


def test_the_lachin_corridor_on_the_old_road_exists_until_the_august_2022_bypass(network, data):
    # The corridor moved to the bypass in late August 2022 (and ended on 23 April 2023); the route is
    # the old road, so it closes with its segments.
    assert active_on(data.routes, dt.date(2022, 1, 1), data.segments)["lachin-corridor"]
    assert active_on(data.routes, dt.date(2022, 7, 31), data.segments)["lachin-corridor"]
    assert not active_on(data.routes, dt.date(2022, 8, 1), data.segments)["lachin-corridor"]
    [path] = route(network, "Goris", "Stepanakert", as_of=dt.date(2022, 1, 1)).paths
    assert path.segments == ["goris-lachin-road", "lachin-khankendi-old-road"]
    assert path.analysis.countries == ["ARM", "AZE"]
    # After the corridor: the road over the Hakari bridge, through the Lachin–Goris checkpoint.
    [later] = route(network, "Goris", "Stepanakert", as_of=dt.date(2023, 5, 1)).paths
    assert later.segments == ["goris-kornidzor-road", "kornidzor-hakari-bridge-road", "lachin-khankendi-bypass"]
    assert later.places[2] == "lachin-goris-checkpoint"
    with pytest.raises(NoRoute, match=r"as of 1991-01-01: .*goris-lachin-road \(historical, opens 1992-05\)"):
        route(network, "Goris", "Stepanakert", as_of=dt.date(1991, 1, 1))


def test_planned_lines_are_hidden_before_they_open(network, data):
    frame = pd.DataFrame(
        {
            "status": ["planned", "planned", "under_construction", "operational"],
            "opened": ["2027-06", None, None, None],
            "closed": [None, None, None, None],
        },
        index=["dated", "undated", "building", "built"],
    )
    assert list(active_on(frame, dt.date(2027, 5, 31))) == [False, False, False, True]
    assert list(active_on(frame, dt.date(2027, 6, 1))) == [True, False, False, True]
    assert not active_on(data.routes, dt.date(2030, 1, 1))["tripp"]  # planned, no opening date
    unbuilt = r"as of 2025-01-01: .*mincivan-aghband-rail \(under construction, no opening date\)"
    with pytest.raises(NoRoute, match=unbuilt):
        route(network, "Baku", "Nakhchivan", modes=("rail",), as_of=dt.date(2025, 1, 1))
    # Without --as-of the data stand as they are: TRIPP routable although planned.
    assert route(network, "Baku", "Nakhchivan").paths[0].analysis.status == "planned"


# --- names ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Stepanakert", "khankendi"),
        ("Culfa", "julfa"),
        ("NAKHCHIVAN", "nakhchivan"),
        ("Laçın", "lachin"),
        ("lacin", "lachin"),
        ("Naxcivan", "nakhchivan"),
        ("ganja", "ganja"),
        ("Astara", "astara-aze"),  # an exact alias wins over Āstārā folded
        ("Āstārā", "astara-irn"),
        ("Malaszewicze", "malaszewicze"),
        ("port of aktau", "aktau-port"),
        ("khankendi", "khankendi"),
    ],
)
def test_places_match_without_case_or_diacritics_and_by_alias(network, text, place):
    assert network.place(text) == place


def test_names_fold_dotless_i_and_schwa():
    assert normalize_name("Gəncə") == "gence" and normalize_name("Şərur") == "serur"
    assert normalize_name("Lachin–Goris  checkpoint") == normalize_name("lachin-goris checkpoint")


def test_ambiguous_and_unknown_places_are_usage_errors(network):
    with pytest.raises(UsageError, match=r"'Astará' is ambiguous: astara-aze .*, astara-irn"):
        network.place("Astará")
    with pytest.raises(UsageError, match=r"unknown place 'Bakuu'; did you mean Baku \(baku\)"):
        network.place("Bakuu")


def test_bad_constraints_are_usage_errors(network):
    with pytest.raises(UsageError, match="unknown country code 'ARN'; did you mean .*ARM"):
        route(network, "Baku", "Kars", avoid=("ARN",))
    with pytest.raises(UsageError, match="not an ISO3"):
        route(network, "Baku", "Kars", avoid=("AM",))
    with pytest.raises(UsageError, match="unknown mode 'air'"):
        route(network, "Baku", "Kars", modes=("air",))


# --- one network ---------------------------------------------------------------------------------


def test_the_network_is_one_connected_graph_and_every_place_can_start_a_route(network, data):
    graph = network.graph
    on_lines = [n for n in graph.nodes if graph.degree(n)]
    assert nx.is_connected(graph.subgraph(on_lines))
    for place in data.places.index:
        network.node_for(place)  # a place off the lines is served by a station or port nearby, or this raises


def test_a_place_no_line_serves_is_a_usage_error_naming_the_nearest_places(data):
    network = Network(data)
    network.graph.remove_edges_from(list(network.graph.edges("meghri-station", keys=True)))
    with pytest.raises(UsageError, match=r"Meghri \(meghri\) is not on the network.*nearest places on it"):
        network.node_for("meghri")


def test_a_place_a_line_passes_is_a_node_of_that_line(network, data):
    graph = network.graph
    for place, row in data.places.iterrows():
        if graph.degree(place):
            continue
        near = [s for s, seg in data.segments.iterrows() if seg.geometry.distance(row.geometry) < 0.005]
        assert near == [], f"{place} lies on {near} but no segment ends there"


def test_ganja_and_lachin_are_reachable_from_baku(network):
    [ganja] = route(network, "Baku", "Ganja", modes=("rail",)).paths
    assert ganja.places[-1] == "ganja" and ganja.analysis.countries == ["AZE"]
    [lachin] = route(network, "Baku", "Lachin").paths
    assert lachin.places[-1] == "lachin" and "ARM" not in lachin.analysis.countries
    [gyumri] = route(network, "Tbilisi", "Yerevan", modes=("rail",)).paths
    assert {"ayrum", "gyumri"} <= set(gyumri.places) and gyumri.analysis.countries == ["GEO", "ARM"]


# --- alternatives, via, output --------------------------------------------------------------------


def test_alternatives_are_distinct_by_segments_and_shortest_first(network):
    paths = route(network, "Baku", "Nakhchivan", modes=("rail",), alternatives=3).paths
    assert len(paths) == 3 and [p.rank for p in paths] == [1, 2, 3]
    assert len({tuple(p.segments) for p in paths}) == 3
    lengths = [p.analysis.length_km for p in paths]
    assert lengths == sorted(lengths)
    assert {tuple(p.analysis.countries) for p in paths[:2]} == {("AZE", "ARM", "AZE"), ("AZE", "IRN", "AZE")}


def test_via_forces_a_waypoint(network):
    [path] = route(network, "Baku", "Nakhchivan", modes=("rail",), via=("Kars",)).paths
    assert "kars" in path.places and path.analysis.countries == ["AZE", "GEO", "TUR", "AZE"]


def test_json_has_compares_keys_plus_segments_and_places(network, data):
    [path] = route(network, "Baku", "Nakhchivan", modes=("rail",)).paths
    record = path.to_dict()
    [compared] = analyze_routes(data, ["tripp"])
    assert set(compared.to_dict()) | {"segments", "places"} <= set(record)
    assert record["places"][0] == "baku" and record["places"][-1] == "nakhchivan"
    assert len(record["places"]) == len(record["segments"]) + 1 == len(record["legs"]) + 1
    json.dumps(record)


def test_geojson_is_an_rfc7946_feature_collection(network, data):
    answer = route(network, "Baku", "Nakhchivan", modes=("rail",), avoid=("IRN",))
    collection = to_geojson(answer, data)
    assert collection["type"] == "FeatureCollection" and "crs" not in collection
    [feature] = collection["features"]
    assert feature["geometry"]["type"] == "LineString"
    baku = data.places.loc["baku"].geometry
    assert feature["geometry"]["coordinates"][0] == pytest.approx([baku.x, baku.y])
    assert feature["properties"]["countries"] == ["AZE", "ARM", "AZE"]


# --- the new layers' data -------------------------------------------------------------------------


def test_alternative_corridors_follow_the_countries_they_declare(data):
    analyses = {a.id: a for a in analyze_routes(data, NEW_ROUTES)}
    assert {i: a.countries for i, a in analyses.items()} == {i: a.declared_countries for i, a in analyses.items()}
    assert analyses["northern-route"].countries == ["KAZ", "RUS", "BLR", "POL"]
    assert analyses["araz-railway"].countries == ["AZE", "IRN", "AZE"]
    assert analyses["suez-sea-route"].length_by_mode_km == {"sea": pytest.approx(analyses["suez-sea-route"].length_km)}


def test_the_suez_route_names_the_passages_searoute_takes(data):
    searoute = pytest.importorskip("searoute")
    coords = data.segments.loc["shanghai-rotterdam-sea"].geometry.coords
    feature = searoute.searoute(list(coords[0]), list(coords[-1]), return_passages=True)
    source = data.segments.loc["shanghai-rotterdam-sea", "source"]
    passages = feature["properties"]["traversed_passages"]
    assert {"suez", "babalmandab", "malacca", "gibraltar"} <= set(passages)
    assert all(p in source for p in passages)
    for name in ("Strait of Malacca", "Bab-el-Mandeb", "Suez Canal", "Strait of Gibraltar"):
        assert name in source


# --- the command ----------------------------------------------------------------------------------


def test_route_command_table_and_json(invoke):
    table = invoke("route", "Aktau", "Kars", "--avoid", "RUS")
    assert table.exit_code == 0, table.output
    assert "KAZ → AZE → GEO → TUR" in table.output and "aktau-alat-ferry" in table.output
    assert "Aktau is not on the network" in table.output
    listed = invoke("route", "Baku", "Nakhchivan", "--modes", "rail", "--avoid", "ARM", "-k", "2", "-f", "json")
    assert listed.exit_code == 0
    records = json.loads(listed.stdout)
    assert [r["countries"] for r in records] == [["AZE", "IRN", "AZE"], ["AZE", "GEO", "TUR", "AZE"]]


def test_route_command_geojson_has_one_feature_per_line(invoke):
    result = invoke("route", "Baku", "Nakhchivan", "--modes", "rail", "--avoid", "ARM", "-k", "2", "-f", "geojson")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == '{"type":"FeatureCollection","features":[' and lines[-1] == "]}" and len(lines) == 4
    collection = json.loads(result.stdout)
    assert all(f["geometry"]["type"] in ("LineString", "MultiLineString") for f in collection["features"])


def test_route_command_errors_are_one_line_with_their_exit_status(invoke):
    none = invoke("route", "Baku", "Nakhchivan", "--modes", "rail", "--avoid", "ARM,IRN", "--avoid", "TUR")
    assert none.exit_code == 1
    assert none.output.strip() == (
        "Error: no route from Baku to Nakhchivan avoiding ARM, IRN, TUR by rail: every path crosses ARM, IRN or TUR"
    )
    unknown = invoke("route", "Bakuu", "Kars")
    assert unknown.exit_code == 2 and len(unknown.output.strip().splitlines()) == 1


def test_compare_as_of_lists_only_the_routes_of_that_day(invoke):
    before = invoke("compare", "--all", "--as-of", "2022-01-01", "-f", "json")
    assert before.exit_code == 0
    ids = {r["id"] for r in json.loads(before.stdout)}
    assert "lachin-corridor" in ids and "tripp" not in ids and "lachin-khankendi-road" not in ids
    after = invoke("compare", "lachin-corridor", "--as-of", "2023-05-01")
    assert after.exit_code == 2
    assert "does not exist on 2023-05-01 (historical, closed 2022-08)" in after.output
