"""Style: modes told apart without colour, statuses by dashes and grey."""

from __future__ import annotations

from corridors.style import HISTORICAL_COLOUR, route_band, segment_strokes


def test_modes_differ_without_colour_and_statuses_by_dash_or_grey():
    def shape(strokes):
        return [(s["weight"], s.get("dash_array"), s.get("line_cap")) for s in strokes]

    modes = [shape(segment_strokes(mode, "operational", "#000")) for mode in ("rail", "road", "sea")]
    assert len({repr(m) for m in modes}) == 3
    assert segment_strokes("sea", "operational", "#000") == segment_strokes("ferry", "operational", "#000")
    for mode in ("rail", "road"):
        assert segment_strokes(mode, "operational", "#123456")[0]["dash_array"] is None
        assert segment_strokes(mode, "planned", "#123456")[0]["dash_array"]
        assert segment_strokes(mode, "under_construction", "#123456")[0]["dash_array"]
        assert segment_strokes(mode, "historical", "#123456")[0]["color"] == HISTORICAL_COLOUR
    assert route_band("operational", "#123456")["dash_array"] is None and route_band("planned", "#123456")["dash_array"]
    assert route_band("historical", "#123456")["color"] == HISTORICAL_COLOUR
