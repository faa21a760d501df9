"""The disk cache of analyses: a repeated analysis of unchanged data reads no boundaries and is identical."""

from __future__ import annotations

import pytest

from corridors import analysis
from corridors.analysis import analyze_routes
from corridors.cache import CACHE_ENV

ROUTES = ["btk-railway", "tripp"]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_a_repeated_analysis_comes_from_the_cache_without_boundaries(data, cache, monkeypatch):
    first = analyze_routes(data, ROUTES)

    def no_work(*args, **kwargs):
        raise AssertionError("analysed again")

    with monkeypatch.context() as patch:
        patch.setattr(analysis, "analyze_tracks", no_work)
        patch.setattr(analysis, "default_boundaries", no_work)
        again = analyze_routes(data, ROUTES)
    assert again == first
    with monkeypatch.context() as patch:  # another tolerance is another analysis
        patch.setattr(analysis, "analyze_tracks", no_work)
        with pytest.raises(AssertionError, match="analysed again"):
            analyze_routes(data, ROUTES, min_excursion_km=3.0)


def test_without_a_cache_directory_nothing_is_kept(data, monkeypatch, tmp_path):
    monkeypatch.setenv(CACHE_ENV, "")
    first = analyze_routes(data, ROUTES)
    calls = []
    real = analysis.analyze_tracks
    monkeypatch.setattr(analysis, "analyze_tracks", lambda *a, **k: calls.append(1) or real(*a, **k))
    assert analyze_routes(data, ROUTES) == first and calls == [1]
