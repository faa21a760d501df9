"""Selection: what ids, layers and a date choose, for maps and exports."""

from __future__ import annotations

import datetime as dt

import pytest

from corridors.dataset import select
from corridors.errors import UnknownFeature, UnknownLayer, UsageError


def test_select_rejects_places_mixed_and_unknown_input(small):
    with pytest.raises(UnknownFeature, match="test-road"):
        select(small, ["test-raod"])
    with pytest.raises(UsageError, match="'west' is a place"):
        select(small, ["west"])
    with pytest.raises(UsageError, match="not both"):
        select(small, ["test-road"], ["lachin-road"])
    with pytest.raises(UnknownLayer, match="did you mean lachin-road"):
        select(small, layers=["lachin-raod"])


def test_a_route_brings_its_segments(small):
    chosen = select(small, ["test-road"])
    assert chosen.routes == ["test-road"] and chosen.segments == {"test-road-1": "lachin-road"}
    assert chosen.airports == [] and chosen.groups == ["lachin-road"]


def test_as_of_hides_what_is_not_open_yet(small):
    assert select(small, as_of=dt.date(2021, 5, 2)).routes == ["test-road"]
    before = select(small, as_of=dt.date(2021, 5, 1))
    assert before.routes == [] and before.segments == {} and before.airports == ["XXXX"]
    with pytest.raises(UsageError, match="nothing to map as of 2021-05-01"):
        select(small, ["test-road"], as_of=dt.date(2021, 5, 1))
