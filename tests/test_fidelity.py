"""The traced rule: a segment within 1 km of its reference track both ways, measured in metres."""

from __future__ import annotations

import json

import numpy as np
import pytest
import shapely

from corridors.authoring.reference_tracks import (
    REFERENCE_DIR,
    TRACKS_FILE,
    build_reference,
    chain_ways,
    read_transcription,
    relation_features,
    stretch_waypoints,
)
from corridors.authoring.sources import check_land_waypoint
from corridors.errors import AuthoringError, InvalidData
from corridors.fidelity import TRACED_TOLERANCE_M, deviation, load_reference_tracks
from corridors.geodesy import path_length_km
from tests.helpers import REPO

# about 1 km of longitude and of latitude at 41.5° N
KM_LON, KM_LAT = 1 / 83.4, 1 / 111.1


@pytest.fixture(scope="module")
def reference():
    return load_reference_tracks(REPO)


def _shifted(line: shapely.LineString, east_km: float) -> shapely.LineString:
    return shapely.transform(line, lambda xy: xy + np.array([east_km * KM_LON, 0.0]))


def test_every_traced_segment_keeps_within_a_kilometre_of_the_track_it_covers_both_ways(data, reference):
    traced = data.segments[data.segments["geometry_quality"] == "traced"]
    assert len(traced) >= 4, "the Georgian lines along OpenStreetMap tracks are traced"
    for segment_id, row in traced.iterrows():
        result = deviation(row.geometry, reference)
        assert result.within(), (segment_id, result)
        assert result.covered_track_km > 0.9 * path_length_km(shapely.get_coordinates(row.geometry)), segment_id


def test_a_traced_segment_displaced_by_two_kilometres_fails_the_rule(data, reference):
    line = data.segments.at["tbilisi-samtredia-rail", "geometry"]
    assert deviation(line, reference).within()
    displaced = deviation(_shifted(line, 2.0), reference)
    assert not displaced.within()
    assert displaced.segment_to_track_m > TRACED_TOLERANCE_M


def test_a_segment_cutting_across_a_spike_of_the_track_fails_on_the_track_side():
    tip = (44.2 + 0.1 * KM_LON, 41.5 + 1.5 * KM_LAT)  # 1.5 km north, 200 m wide at its base
    track = shapely.LineString([(44.0, 41.5), (44.2, 41.5), tip, (44.2 + 0.2 * KM_LON, 41.5), (44.4, 41.5)])
    straight = shapely.LineString([(44.0, 41.5), (44.4, 41.5)])
    result = deviation(straight, [track])
    assert result.segment_to_track_m < 100
    assert 1400 < result.track_to_segment_m < 1600
    assert not result.within()


def test_a_segment_near_no_track_covers_none_and_is_not_traced(reference):
    far = deviation(shapely.LineString([(50.0, 40.0), (50.5, 40.2)]), reference)
    assert far.covered_track_km == 0 and not far.within()


def test_distances_are_metres_not_degrees():
    track = shapely.LineString([(44.0, 41.5), (44.5, 41.5)])
    north = deviation(shapely.LineString([(44.1, 41.5 + 0.9 * KM_LAT), (44.4, 41.5 + 0.9 * KM_LAT)]), [track])
    assert 880 < north.segment_to_track_m < 920 and north.within()


def test_the_committed_reference_is_what_the_transcriptions_give():
    committed = json.loads(TRACKS_FILE.read_text(encoding="utf-8"))
    assert committed == json.loads(json.dumps(build_reference()))
    assert TRACKS_FILE.stat().st_size < 1_000_000
    tracks = [f for f in committed["features"] if f["properties"]["kind"] == "track"]
    assert {f["properties"]["relation"] for f in tracks} == {14669015, 15664273, 15683666, 16011186}
    assert all(len(f["geometry"]["coordinates"]) == 1 for f in tracks), "each relation chains into one line"


def test_ways_stored_backwards_are_turned_round_when_chained():
    a = np.array([[0.0, 0.0], [1.0, 0.0]])
    b = np.array([[2.0, 0.0], [1.0, 0.0]])  # stored backwards
    c = np.array([[2.0, 0.0], [3.0, 0.0]])
    assert chain_ways([a, b, c])[0].tolist() == [[0, 0], [1, 0], [2, 0], [3, 0]]
    assert chain_ways([a[::-1], b[::-1], c])[0].tolist() == [[0, 0], [1, 0], [2, 0], [3, 0]]
    assert len(chain_ways([a, c])) == 2, "a way that meets neither end starts a new part"


def test_a_mistyped_coordinate_in_a_transcription_is_caught(tmp_path):
    source = (REFERENCE_DIR / "source" / "15683666.txt").read_text(encoding="utf-8")
    slipped = source.replace("42.20433 42.20209\n42.20600", "42.20433 42.20209\n42.26600", 1)
    assert slipped != source
    path = tmp_path / "15683666.txt"
    path.write_text(slipped, encoding="utf-8")
    with pytest.raises(AuthoringError, match="spike"):
        relation_features(read_transcription(path))


def test_a_line_that_is_not_an_item_names_its_file_and_line(tmp_path):
    path = tmp_path / "123.txt"
    path.write_text("way 1\n41.0 44.0\n41.1 x\n", encoding="utf-8")
    with pytest.raises(AuthoringError, match=r"123.txt:3"):
        read_transcription(path)


def test_waypoints_along_a_relation_follow_the_track_and_name_its_stops():
    relation = read_transcription(REFERENCE_DIR / "source" / "15683666.txt")
    waypoints = stretch_waypoints(relation, (42.33517, 42.1537), (41.67384, 42.14272))
    stations = [note.split(" station")[0] for *_, note in waypoints if "station" in note]
    assert stations == ["Abasha", "Senaki", "Kvaloni", "Chaladidi"]
    line = shapely.LineString([(lon, lat) for lon, lat, _ in waypoints])
    track = shapely.LineString(chain_ways([way for _, way in relation.ways])[0])
    assert deviation(line, [track]).hausdorff_m < 400
    for lon, lat, note in waypoints:  # every note is one the generator's waypoint rule accepts
        check_land_waypoint((lon, lat), note, "segments.toml", "via")


def test_a_missing_reference_file_is_one_clear_error(tmp_path):
    with pytest.raises(InvalidData, match="reference tracks"):
        load_reference_tracks(tmp_path)
