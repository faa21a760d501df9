"""Estimates: customs borders by date, gauge breaks, transshipments, transit days and CO₂ from cited factors."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re

import pandas as pd
import pytest

from corridors.analysis import analyze_routes, default_boundaries
from corridors.crossings import Crossing
from corridors.errors import InvalidData
from corridors.estimates import (
    FACTOR_COLUMNS,
    Factor,
    FactorTable,
    Leg,
    estimate,
    estimate_routes,
    factors_path,
    load_factors,
)

DAY = dt.date(2025, 6, 1)


def factor(
    fid: str,
    kind: str,
    scope_type: str,
    scope: str,
    value: float,
    unit: str,
    *,
    mode: str = "",
    high: float | None = None,
    valid_from: dt.date | None = None,
) -> Factor:
    return Factor(
        fid,
        kind,
        scope_type,
        scope,
        mode,
        value,
        high,
        unit,
        valid_from,
        None,
        "",
        "Outlet",
        "Title",
        "n.d.",
        "https://example.org",
        "quote",
    )


def leg(segment: str, mode: str, start: str, end: str, a: str, b: str, km: dict[str, float]) -> Leg:
    return Leg(segment, mode, start, end, a, b, sum(km.values()), km)


def land(a: str, b: str, at_km: float) -> Crossing:
    return Crossing(a, b, 0.0, 0.0, at_km)


def by_sea(a: str, b: str, at_km: float) -> Crossing:
    return Crossing(a, b, 0.0, 0.0, at_km, by_sea=True)


BROAD = factor("broad", "track_gauge_mm", "country", "AAA;CCC", 1520, "mm")
STANDARD = factor("standard", "track_gauge_mm", "country", "BBB", 1435, "mm")
RAIL_SPEED = factor("rail-speed", "speed", "country", "AAA;BBB;CCC", 20, "km/h", mode="rail", high=40)
RAIL_BORDER = factor("rail-border", "customs_dwell", "region", "AAA", 24, "hours", mode="rail", high=48)
RAIL_CO2 = factor("rail-co2", "emission_intensity", "mode", "*", 10, "g CO2/t-km", mode="rail")
BASE = [BROAD, STANDARD, RAIL_SPEED, RAIL_BORDER, RAIL_CO2]
RAIL_AB = [
    leg("a-x", "rail", "a", "x", "AAA", "AAA", {"AAA": 400.0}),
    leg("x-b", "rail", "x", "b", "AAA", "BBB", {"AAA": 100.0, "BBB": 300.0}),
]


# --------------------------------------------------------------------------- synthetic, exact


def test_a_rail_border_between_gauges_is_a_customs_border_and_a_gauge_break_waiting_within_clearance():
    result = estimate(RAIL_AB, [land("AAA", "BBB", 500.0)], FactorTable(BASE), DAY)
    assert result.customs_borders == 1 and result.transshipments == 1
    kinds = {s.kind: s for s in result.stops}
    assert kinds["gauge_break"].note.startswith("1520 mm to 1435 mm") and kinds["gauge_break"].dwell_hours.high == 0
    # moving 800 km at 40 (low) to 20 (high) km/h, plus 24–48 h at the border
    assert result.transit_hours.low == pytest.approx(800 / 40 + 24)
    assert result.transit_hours.high == pytest.approx(800 / 20 + 48)
    assert result.transit_days.low == pytest.approx((800 / 40 + 24) / 24)
    assert result.co2_kg_per_tonne.low == pytest.approx(800 * 10 / 1000) == result.co2_kg_per_tonne.high
    assert result.missing_factors == [] and set(result.factors_used) == {f.id for f in BASE}


def test_a_border_inside_a_customs_union_is_not_a_customs_border_from_the_day_it_is_joined():
    union = factor("u", "customs_union_member", "union", "UNION:AAA;BBB", 1, "member", valid_from=dt.date(2015, 1, 2))
    table = FactorTable([*BASE, union])
    before = estimate(RAIL_AB, [land("AAA", "BBB", 500.0)], table, dt.date(2015, 1, 1))
    after = estimate(RAIL_AB, [land("AAA", "BBB", 500.0)], table, dt.date(2015, 1, 2))
    assert before.customs_borders == 1 and after.customs_borders == 0
    assert [s.kind for s in after.stops] == ["gauge_break", "union_border"]
    # inside the union the gauge break has no border clearance to wait within: its own dwell is missing
    assert after.transit_hours is None and after.missing_factors == ["gauge_break_dwell: AAA-BBB"]


def test_a_partial_customs_union_keeps_the_border_a_customs_border_and_says_so():
    full = factor("eu", "customs_union_member", "union", "EU:BBB", 1, "member")
    partial = factor("eu-tr", "customs_union_partial", "union", "EU:CCC", 1, "member")
    legs = [leg("c-b", "rail", "c", "b", "CCC", "BBB", {"CCC": 50.0, "BBB": 50.0})]
    result = estimate(legs, [land("CCC", "BBB", 50.0)], FactorTable([*BASE, full, partial]), DAY)
    [border] = [s for s in result.stops if s.kind == "customs_border"]
    assert result.customs_borders == 1 and "partial customs union (EU)" in border.note and "eu-tr" in border.factors


def test_a_missing_speed_leaves_days_unknown_and_names_the_factor_but_keeps_co2():
    legs = [*RAIL_AB, leg("b-d", "rail", "b", "d", "BBB", "DDD", {"BBB": 10.0, "DDD": 90.0})]
    result = estimate(legs, [land("AAA", "BBB", 500.0), land("BBB", "DDD", 810.0)], FactorTable(BASE), DAY)
    assert result.transit_hours is None and result.transit_days is None
    assert "speed: rail in DDD" in result.missing_factors and "track_gauge_mm: DDD" in result.missing_factors
    assert result.co2_kg_per_tonne.low == pytest.approx(900 * 10 / 1000)
    assert result.to_dict()["transit_days"] is None and result.measure("days", 900.0) == math.inf


def test_a_ferry_counts_two_transshipments_and_its_crossing_time_covers_customs_and_loading():
    ferry = factor("ferry", "ferry_crossing", "border", "AAA-CCC", 1, "days", mode="ferry", high=4)
    legs = [
        leg("a-p", "rail", "a", "p", "AAA", "AAA", {"AAA": 200.0}),
        leg("p-q", "ferry", "p", "q", "AAA", "CCC", {"sea": 300.0}),
        leg("q-c", "rail", "q", "c", "CCC", "CCC", {"CCC": 100.0}),
    ]
    result = estimate(legs, [by_sea("AAA", "CCC", 200.0)], FactorTable([*BASE, ferry]), DAY)
    assert result.transshipments == 2 and result.customs_borders == 1
    assert all(s.dwell_hours.high == 0 for s in result.stops)
    assert result.transit_hours.low == pytest.approx(300 / 40 + 24) and result.transit_hours.high == pytest.approx(
        300 / 20 + 96
    )
    assert result.co2_kg_per_tonne is None and result.missing_factors == ["emission_intensity: ferry"]


def test_a_sea_leg_passing_a_country_does_not_enter_it_and_clears_customs_at_the_destination():
    sea_speed = factor("sea", "speed", "mode", "*", 10, "knots", mode="sea")
    legs = [leg("s", "sea", "port-a", "port-c", "AAA", "CCC", {"AAA": 0.0, "sea": 1800.0, "BBB": 52.0})]
    crossings = [by_sea("AAA", "BBB", 0.0), by_sea("BBB", "CCC", 1000.0)]
    result = estimate(legs, crossings, FactorTable([sea_speed]), DAY)
    assert [(s.kind, s.origin, s.destination) for s in result.stops] == [
        ("transit", "AAA", "BBB"),
        ("customs_border", "AAA", "CCC"),
    ]
    assert result.customs_borders == 1 and result.transshipments == 0
    assert result.transit_hours.low == pytest.approx(1852 / 18.52)


def test_a_change_of_mode_away_from_a_ferry_needs_a_transshipment_dwell():
    legs = [
        leg("a-x", "rail", "a", "x", "AAA", "AAA", {"AAA": 100.0}),
        leg("x-y", "road", "x", "y", "AAA", "AAA", {"AAA": 10.0}),
    ]
    result = estimate(legs, [], FactorTable(BASE), DAY)
    assert result.transshipments == 1 and result.transit_hours is None
    assert "transshipment_dwell: rail to road at x" in result.missing_factors


# --------------------------------------------------------------------------- the factor table


def write_factors(tmp_path, **changes):
    row = (
        {c: "" for c in FACTOR_COLUMNS}
        | {
            "id": "x",
            "factor": "speed",
            "scope_type": "mode",
            "scope": "*",
            "mode": "rail",
            "value": "10",
            "unit": "km/h",
            "source_outlet": "O",
            "source_title": "T",
            "source_date": "n.d.",
            "source_url": "https://example.org",
            "quote": "q",
        }
        | changes
    )
    path = tmp_path / "factors.csv"
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=FACTOR_COLUMNS)
        writer.writeheader()
        writer.writerow(row)
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"unit": "mph"}, "unit 'mph' is not one of"),
        ({"factor": "toll"}, "unknown factor 'toll'"),
        ({"value": "fast"}, "value 'fast' is not a number"),
        ({"value": "nan"}, "must be a finite number above zero"),
        ({"value_high": "5"}, "value_high is below value"),
        ({"quote": ""}, "empty quote"),
        ({"valid_from": "2015-13-01"}, "not a valid date"),
        ({"scope_type": "union", "scope": "EAEU"}, "UNION:ISO3"),
    ],
)
def test_a_broken_factor_row_is_an_error_naming_file_and_row(tmp_path, change, message):
    with pytest.raises(InvalidData, match=re.escape(message)) as caught:
        load_factors(write_factors(tmp_path, **change))
    assert "factors.csv: feature 'x'" in str(caught.value)


def test_without_a_factor_table_every_factor_is_missing(tmp_path):
    assert load_factors(tmp_path / "absent.csv").factors == []


NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8}


def numbers_in(text: str) -> set[float]:
    """The numbers a quote writes, in digits (``1,058``, ``0.1248``) or in words (``two``)."""
    found = {float(n.replace(",", "")) for n in re.findall(r"\d[\d,]*(?:\.\d+)?", text)}
    return found | {float(v) for w, v in NUMBER_WORDS.items() if re.search(rf"\b{w}\b", text, re.I)}


def test_every_real_factor_cites_a_source_whose_quote_writes_its_value():
    table = load_factors(factors_path())
    assert len(table.factors) >= 20
    for f in table.factors:
        assert f.source_url.startswith("http") and f.source_outlet and f.source_title, f.id
        assert f.source_date == "n.d." or re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", f.source_date), f.id
        if f.factor in ("speed", "ferry_crossing", "customs_dwell", "emission_intensity") or " mm" in f.quote:
            written = numbers_in(f.quote)
            assert f.value in written and (f.value_high is None or f.value_high in written), f.id


def test_the_real_table_knows_armenia_joined_the_eaeu_on_2_january_2015():
    table = load_factors(factors_path())
    assert table.shared_union("ARM", "RUS", dt.date(2015, 1, 1))[0] is None
    assert table.shared_union("ARM", "RUS", dt.date(2015, 1, 2))[0] == "EAEU"
    assert table.shared_union("POL", "NLD", dt.date(2004, 4, 30))[0] is None
    assert table.shared_union("POL", "NLD", dt.date(2004, 5, 1))[0] == "EU"
    assert table.partial_union("TUR", "ROU", DAY).id == "union-eu-turkey"


# --------------------------------------------------------------------------- the real competitors


@pytest.fixture(scope="module")
def competitors(data):
    analyses = analyze_routes(data, ["middle-corridor", "northern-route", "suez-sea-route"])
    table = load_factors(factors_path())
    found = estimate_routes(data, analyses, table, DAY, boundaries=default_boundaries())
    return {a.id: (a, e) for a, e in zip(analyses, found)}, table


def test_middle_corridor_has_four_customs_borders_a_ferry_and_the_khorgos_and_akhalkalaki_gauge_breaks(competitors):
    analysis, result = competitors[0]["middle-corridor"]
    assert result.customs_borders == analysis.crossings_count == 4  # from Khorgos in China
    breaks = [(s.origin, s.destination) for s in result.stops if s.kind == "gauge_break"]
    assert breaks == [("CHN", "KAZ"), ("GEO", "TUR")]
    assert [s.place for s in result.stops if s.kind == "transshipment"] == ["aktau-port", "alat"]
    assert result.transit_days is not None and result.missing_factors == []


def test_northern_route_crosses_three_borders_but_one_customs_border_at_brest(competitors):
    analysis, result = competitors[0]["northern-route"]
    assert analysis.crossings_count == 3 and result.customs_borders == 1
    [border] = [s for s in result.stops if s.kind == "customs_border"]
    assert (border.origin, border.destination, border.factors) == ("BLR", "POL", ["customs-rail-brest"])
    assert [s.kind for s in result.stops].count("union_border") == 2 and result.transshipments == 1


def test_northern_route_before_the_eaeu_counts_every_border_as_customs(data, competitors):
    analysis, _ = competitors[0]["northern-route"]
    [before] = estimate_routes(data, [analysis], competitors[1], dt.date(2014, 12, 31), boundaries=default_boundaries())
    assert before.customs_borders == 3


def test_suez_route_days_are_its_sea_km_at_the_cited_speed(competitors):
    (analysis, result), table = competitors[0]["suez-sea-route"], competitors[1]
    speed = table.by_id["speed-sea-container"]
    assert result.customs_borders == 1 and analysis.crossings_count == 2 and result.transshipments == 0
    assert result.transit_days.low == pytest.approx(analysis.length_km / speed.low / 24, rel=1e-6)
    intensity = table.by_id["co2-sea-container"]
    assert result.co2_kg_per_tonne.high == pytest.approx(analysis.length_km * intensity.high / 1000, rel=1e-6)


def test_the_corridors_rank_as_the_factors_say(competitors):
    found = {k: e for k, (_, e) in competitors[0].items()}
    assert found["northern-route"].transit_days.high < found["middle-corridor"].transit_days.high
    assert found["middle-corridor"].transit_days.high < found["suez-sea-route"].transit_days.low
    assert found["northern-route"].co2_kg_per_tonne.high < found["middle-corridor"].co2_kg_per_tonne.low


# --------------------------------------------------------------------------- command line


def test_compare_json_carries_estimates_broken_down_by_leg(invoke):
    result = invoke("compare", "middle-corridor", "-f", "json", "--as-of", "2025-06-01")
    [row] = json.loads(result.stdout)
    assert row["customs_borders"] == 4 and row["transshipments"] == 4
    assert set(row["transit_days"]) == {"low", "high"} and row["estimates"]["as_of"] == "2025-06-01"
    legs = row["estimates"]["legs"]
    first = ["horgos-khorgos-rail", "khorgos-almaty-rail", "almaty-mangyshlak-rail"]
    assert [leg["segment"] for leg in legs][:3] == first
    assert sum(leg["length_km"] for leg in legs) == pytest.approx(row["length_km"], rel=1e-3)
    assert sum(leg["co2_kg_per_tonne"]["low"] for leg in legs) == pytest.approx(row["co2_kg_per_tonne"]["low"], abs=0.1)
    assert row["estimates"]["co2_unit"] == "kg CO2 per tonne of cargo"


def test_compare_estimates_table_and_csv_add_the_four_measures(invoke):
    table = invoke("compare", "northern-route", "tripp", "--estimates").output
    assert "customs  transship" in table and "days" in table and "CO2 kg/t" in table
    assert "tripp: missing factors: speed: rail in ARM" in table
    rows = list(csv.DictReader(io.StringIO(invoke("compare", "northern-route", "-f", "csv", "--estimates").output)))
    assert rows[0]["customs_borders"] == "1" and float(rows[0]["transit_days_low"]) > 0


def test_route_minimize_days_picks_a_path_whose_days_are_known_over_a_shorter_unknown_one(invoke):
    by_km = json.loads(invoke("route", "Baku", "Nakhchivan", "-f", "json").output)[0]
    by_days = json.loads(invoke("route", "Baku", "Nakhchivan", "--minimize", "days", "-f", "json").output)[0]
    assert by_km["transit_days"] is None and by_km["countries"][0] == by_km["countries"][-1] == "AZE"
    assert by_days["transit_days"] is not None and by_days["length_km"] > by_km["length_km"]
    assert by_days["minimize"] == "days"


def test_route_alternatives_show_the_trade_off_in_one_table(invoke):
    output = invoke("route", "Aktau", "Kars", "-k", "3", "--minimize", "customs").output
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("path "))
    assert lines[start].split()[:4] == ["path", "km", "countries", "crossings"] and "days" in lines[start]
    rows = lines[start + 2 : lines.index("", start)]
    customs = [int(row.split()[-4]) for row in rows]
    assert len(rows) == 3 and customs == sorted(customs)


def test_route_rejects_an_unknown_measure(runner):
    from corridors.cli.main import cli

    result = runner.invoke(cli, ["route", "Baku", "Kars", "--minimize", "hours"])
    assert result.exit_code == 2 and "hours" in result.output


# --------------------------------------------------------------------------- maps and exports


def test_exported_routes_carry_the_estimates_and_leave_unknown_days_empty(data):
    from corridors.export import export_tables

    routes = export_tables(data, ["middle-corridor", "tripp-zangezur"]).routes.set_index("id")
    middle, tripp = routes.loc["middle-corridor"], routes.loc["tripp"]
    assert middle["customs_borders"] == 4 and middle["transshipments"] == 4
    assert 0 < middle["transit_days_low"] <= middle["transit_days_high"]
    assert tripp["customs_borders"] == 2 and tripp["transit_days_low"] is pd.NA and tripp["co2_kg_per_tonne_low"] > 0


def test_a_route_popup_shows_the_estimates_and_escapes_missing_factor_names(data, competitors):
    from corridors.maps import estimates_html, route_popup

    analysis, found = competitors[0]["northern-route"]
    popup = route_popup(data, "northern-route", analysis, found=found)
    assert "<th>Customs borders</th><td>1 of 3 border crossings</td>" in popup and "kg per tonne" in popup
    found.missing_factors.append("speed: rail in <b>X</b>")
    try:
        assert "speed: rail in &lt;b&gt;X&lt;/b&gt;" in estimates_html(found, 3)
    finally:
        found.missing_factors.pop()
