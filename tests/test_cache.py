"""The disk cache: a repeated analysis of unchanged data reads no boundaries; files are known by their content."""

from __future__ import annotations

import hashlib
import os

import pytest

from corridors import analysis
from corridors import cache as cache_module
from corridors.analysis import analyze_routes
from corridors.cache import CACHE_ENV, file_digest

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


def test_a_file_is_known_by_the_sha256_of_its_content_hashed_once_per_version(cache, tmp_path, monkeypatch):
    path = tmp_path / "borders.geojson"
    path.write_bytes(b"x" * 3_000_000)  # more than one chunk
    digest = file_digest(path)
    assert digest == hashlib.sha256(path.read_bytes()).hexdigest()
    with monkeypatch.context() as patch:  # the same version of the file: not hashed again
        patch.setattr(cache_module, "_sha256", lambda p: pytest.fail("hashed again"))
        assert file_digest(path) == digest
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # touched: same content, same digest
    assert file_digest(path) == digest
    path.write_bytes(b"x" * 2_999_999 + b"y")  # one byte changed, same size
    assert file_digest(path) == hashlib.sha256(path.read_bytes()).hexdigest() != digest


def test_a_damaged_digest_entry_is_hashed_again(cache, tmp_path):
    path = tmp_path / "borders.geojson"
    path.write_bytes(b"borders")
    digest = file_digest(path)
    [entry] = (cache / "digests").iterdir()
    entry.write_text("not a digest")
    assert file_digest(path) == digest


def write_entry(kind: str, name: str, size: int, age_s: int = 0) -> None:
    """Put an entry of ``size`` bytes in the cache through ``cached``, then make it ``age_s`` old."""
    cache_module.cached(kind, name, lambda: b"x" * size, lambda v, p: p.write_bytes(v), lambda p: p.read_bytes())
    path = cache_module.cache_dir() / kind / name
    then = path.stat().st_mtime - age_s
    os.utime(path, (then, then))


def entries(cache) -> list[str]:
    return sorted(f"{p.parent.name}/{p.name}" for p in cache.glob("*/*"))


def test_the_cache_stays_within_its_bound_deleting_the_least_recently_used(cache, monkeypatch):
    monkeypatch.setenv(cache_module.MAX_MB_ENV, str(2500 / 2**20))  # 2 500 bytes
    write_entry("datasets", "old", 1000, age_s=300)
    write_entry("indexes", "older", 1000, age_s=400)
    assert entries(cache) == ["datasets/old", "indexes/older"]
    # Reading "older" makes it the most recently used: "old" goes when a third entry needs room.
    assert cache_module.cached("indexes", "older", pytest.fail, pytest.fail, lambda p: p.read_bytes()) == b"x" * 1000
    write_entry("clipped", "new", 1000)
    assert entries(cache) == ["clipped/new", "indexes/older"]


def test_an_entry_just_written_is_kept_even_when_it_alone_is_over_the_bound(cache, monkeypatch):
    monkeypatch.setenv(cache_module.MAX_MB_ENV, "0")
    write_entry("datasets", "first", 10)
    (cache / "datasets" / ".tmp-being-written").write_bytes(b"y" * 100)  # another process's write
    write_entry("datasets", "second", 10)
    assert entries(cache) == ["datasets/.tmp-being-written", "datasets/second"]


@pytest.mark.parametrize("setting", ["lots", "-1", "nan", "inf"])
def test_a_bound_that_is_not_a_size_warns_and_keeps_the_default(cache, monkeypatch, caplog, setting):
    monkeypatch.setenv(cache_module.MAX_MB_ENV, setting)
    cache_module._bound_from.cache_clear()
    write_entry("datasets", "one", 10)
    write_entry("datasets", "two", 10)
    assert entries(cache) == ["datasets/one", "datasets/two"]
    assert caplog.text.count(f"CORRIDORS_CACHE_MAX_MB={setting!r} is not a size in MB") == 1
    assert cache_module._max_bytes() == cache_module.DEFAULT_MAX_MB * 2**20
