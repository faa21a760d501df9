"""Published lengths: the table in geo/ is checked at load, and compare puts them beside ours."""

from __future__ import annotations

import csv
import io
import json
import math
import re

import pytest
import shapely

import corridors
from corridors.errors import InvalidData
from corridors.published import COLUMNS, compare_with_published, deviation_pct, load_published
from tests.helpers import REPO

HEADER = ",".join(COLUMNS)
GOOD_ROW = "test-road,,,100,Outlet,A title,2020-05-01,https://example.org/a,The road is 100 km long.,15"


def _write(synthetic, *rows: str, header: str = HEADER):
    (synthetic / "geo" / "published.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")


def test_the_real_table_loads_sorted_by_route_with_each_source_complete():
    figures = load_published(REPO / "geo" / "published.csv")
    assert [f.route_id for f in figures] == sorted(f.route_id for f in figures)
    btk = next(f for f in figures if f.route_id == "btk-railway" and f.whole_route)
    assert btk.km == 826 and btk.quote and btk.url.startswith("https://")
    assert all(f.outlet and f.title and f.date and f.url for f in figures)


def test_a_missing_table_means_no_published_figures(synthetic):
    assert corridors.load_dataset(synthetic).published == []


def test_a_good_row_is_read_as_a_whole_route_figure(synthetic):
    _write(synthetic, GOOD_ROW)
    [figure] = corridors.load_dataset(synthetic).published
    assert (figure.route_id, figure.km, figure.whole_route, figure.tolerance_pct) == ("test-road", 100, True, 15)
    assert figure.source == {"outlet": "Outlet", "title": "A title", "date": "2020-05-01", "url": "https://example.org/a"}


@pytest.mark.parametrize(
    ("row", "fragment"),
    [
        (GOOD_ROW.replace(",100,", ",0,"), "km '0' must be a finite number above zero"),
        (GOOD_ROW.replace(",100,", ",-3,"), "km '-3' must be a finite number above zero"),
        (GOOD_ROW.replace(",100,", ",nan,"), "km 'nan' must be a finite number above zero"),
        (GOOD_ROW.replace(",100,", ",inf,"), "km 'inf' must be a finite number above zero"),
        (GOOD_ROW.replace(",100,", ",about 100,"), "km 'about 100' is not a number"),
        (GOOD_ROW.replace(",100,", ",,"), "km is empty"),
        (GOOD_ROW.replace("test-road,,,", "test-road,,Az,"), "country 'Az' is not an ISO3 code"),
        (GOOD_ROW.replace("2020-05-01", "2020-13-01"), "source_date '2020-13-01' is not an ISO date"),
        (GOOD_ROW.replace("2020-05-01", "May 2020"), "source_date 'May 2020' is not an ISO date"),
        (GOOD_ROW.replace("https://example.org/a", "ftp://example.org/a"), "source_url 'ftp://example.org/a'"),
        (GOOD_ROW.replace("https://example.org/a", "javascript:alert(1)"), "is not an http(s) URL"),
        (GOOD_ROW.replace(",Outlet,", ",,"), "source_outlet is empty"),
        (GOOD_ROW.replace("test-road,", "no-such-route,", 1), "route_id 'no-such-route' is not a route"),
        (GOOD_ROW + ",extra", "needs exactly 10 fields"),
        (GOOD_ROW.replace(",15", ",-1"), "tolerance_pct '-1' must be a finite number above zero"),
    ],
)
def test_a_bad_row_is_an_error_naming_file_and_row(synthetic, row, fragment):
    _write(synthetic, GOOD_ROW, row)
    with pytest.raises(InvalidData) as caught:
        corridors.load_dataset(synthetic)
    message = str(caught.value)
    assert "published.csv" in message and "row 3" in message and fragment in message


def test_wrong_columns_are_an_error(synthetic):
    _write(synthetic, GOOD_ROW, header=HEADER.replace("km", "length"))
    with pytest.raises(InvalidData, match="columns must be route_id, section"):
        corridors.load_dataset(synthetic)


def test_a_bad_table_is_one_line_and_exit_1_on_the_command_line(synthetic, invoke):
    _write(synthetic, GOOD_ROW.replace(",100,", ",nan,"))
    result = invoke("--data-dir", str(synthetic), "compare", "--all")
    assert result.exit_code == 1  # bad data, as for every file in geo/
    assert result.output.count("\n") == 1 and "published.csv: row 2" in result.output


def test_deviation_is_ours_minus_published_over_published_in_percent():
    assert deviation_pct(755.734, 826) == -8.5
    assert deviation_pct(110, 100) == 10.0
    nothing = compare_with_published("x", 10.0, {}, [])
    assert nothing.to_dict() == dict.fromkeys(
        ["published_km", "published_source", "deviation_pct", "published_tolerance_pct",
         "published_by_country_km", "deviation_by_country_pct"]
    )


def test_compare_json_puts_the_published_length_and_its_source_beside_ours(invoke, data):
    result = invoke("compare", "btk-railway", "tripp", "-f", "json")
    assert result.exit_code == 0
    btk, tripp = json.loads(result.output)
    reference = next(f for f in data.published if f.route_id == "btk-railway" and f.whole_route)
    assert btk["published_km"] == reference.km == 826
    assert btk["published_source"] == reference.source
    assert btk["deviation_pct"] == round((btk["length_km"] - 826) / 826 * 100, 1)
    assert -15 < btk["deviation_pct"] < 0  # the schematic line is shorter than the real railway
    assert btk["published_by_country_km"] == {"AZE": 503, "GEO": 259, "TUR": 76}
    assert btk["deviation_by_country_pct"]["TUR"] == deviation_pct(btk["length_by_country_km"]["TUR"], 76)
    for key in ("published_km", "published_source", "deviation_pct"):
        assert tripp[key] is None  # only its part through Armenia is published
    assert tripp["published_by_country_km"] == {"ARM": 42}
    assert "NaN" not in result.output


def test_compare_csv_has_published_columns_empty_where_nothing_is_published(invoke):
    result = invoke("compare", "--all", "-f", "csv")
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(result.output))}
    assert float(rows["qazvin-rasht-railway"]["published_km"]) == 164
    ours = float(rows["qazvin-rasht-railway"]["length_km"])
    assert float(rows["qazvin-rasht-railway"]["deviation_pct"]) == round((ours - 164) / 164 * 100, 1)
    assert rows["qazvin-rasht-railway"]["published_source"].startswith("Trend, 2018-11-22, https://")
    assert float(rows["btk-railway"]["published_TUR_km"]) == 76
    assert rows["tripp"]["published_km"] == rows["tripp"]["deviation_pct"] == rows["tripp"]["published_source"] == ""
    assert not any("nan" in v.lower() for r in rows.values() for v in r.values() if v != r["name"])


def test_compare_published_adds_the_figures_to_the_table(invoke):
    figures = {r["id"]: r for r in json.loads(invoke("compare", "--all", "-f", "json").output)}
    plain = invoke("compare", "btk-railway", "tripp").output
    table = invoke("compare", "btk-railway", "tripp", "--published").output
    assert "published km" not in plain
    header, _, btk, tripp = table.splitlines()[:4]
    assert header.split()[-5:] == ["published", "km", "deviation", "%", "source"]
    assert f"{figures['btk-railway']['deviation_pct']:+.1f}" in btk and " 826 " in btk
    assert "2024-04" in btk and not math.isnan(figures["btk-railway"]["deviation_pct"])
    assert tripp.rstrip().endswith(str(figures["tripp"]["crossings_count"]))  # crossings last: no published columns


# --------------------------------------------------------------------------- the real figures


@pytest.fixture(scope="module")
def real_analyses(data):
    from corridors.analysis import analyze_routes

    return {a.id: a for a in analyze_routes(data)}


def _section_km(data, section: str) -> float:
    """A section is written as the ids of its segments joined by ' + '."""
    from corridors.geodesy import path_length_km

    return sum(path_length_km(shapely.get_coordinates(data.segments.at[s, "geometry"])) for s in section.split(" + "))


def test_every_published_row_names_a_route_and_its_own_segments_with_a_dated_url(data):
    assert data.published, "geo/published.csv holds the published figures"
    for figure in data.published:
        assert figure.route_id in data.routes.index
        if figure.section:
            assert set(figure.section.split(" + ")) <= set(data.routes.at[figure.route_id, "segments"])
        assert re.fullmatch(r"https?://[^\s/]+\.[a-z]{2,}(/\S*)?", figure.url), figure.url
        assert re.fullmatch(r"\d{4}(-\d{2}){0,2}", figure.date), figure.date
        assert figure.quote is None or len(figure.quote) > 20


def test_tolerance_is_five_percent_where_all_the_rows_segments_are_traced_and_fifteen_otherwise(data):
    for figure in data.published:
        segments = figure.section.split(" + ") if figure.section else list(data.routes.at[figure.route_id, "segments"])
        qualities = set(data.segments.loc[segments, "geometry_quality"])
        assert figure.tolerance_pct == (5 if qualities == {"traced"} else 15), figure


def test_our_lengths_agree_with_every_published_figure_within_its_tolerance(data, real_analyses):
    for figure in data.published:
        analysis = real_analyses[figure.route_id]
        if figure.section:
            ours = _section_km(data, figure.section)
        elif figure.country:
            ours = analysis.length_by_country_km.get(figure.country, 0.0)
        else:
            ours = analysis.length_km
        deviation = abs(ours - figure.km) / figure.km * 100
        assert deviation <= figure.tolerance_pct, (figure.route_id, figure.section, figure.country, ours, figure.km)
