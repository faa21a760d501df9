"""The offline basemap: countries as one simplified coverage, with country, sea and place names by zoom.

Countries are simplified together (shapely's ``coverage_simplify``), so neighbours share every
simplified edge and never gap; the South Caucasus (the region of the OpenStreetMap borders extract,
:data:`corridors.boundaries.REGION`) is simplified down to DETAIL_TOLERANCE_DEG only, the rest to a
fraction of the map's extent.

Labels (places, every visible part of a country by name, seas) get the zoom from which they show:
zoom by zoom, in order of importance, a label shows once it overlaps no label already shown
(:func:`label_zooms`). The page's script only compares that zoom with the map's.

Online, tile layers (from ``xyzservices``, with their attributions) are offered besides this basemap.
"""

from __future__ import annotations

import importlib.resources
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache, partial
from typing import Any

import numpy as np
import pyogrio
import shapely
import xyzservices.providers as providers
from shapely.ops import polylabel
from shapely.strtree import STRtree

from .. import cache
from ..boundaries import NATURAL_EARTH_FILE, NATURAL_EARTH_PACKAGE, REGION, Boundaries
from ..dataset import Dataset
from ..vocab import NATURAL_EARTH_ISO_FIELD

Bounds = tuple[float, float, float, float]  # minx, miny, maxx, maxy (lon/lat)

#: Decimals kept in the countries' coordinates (3 ≈ 100 m).
COUNTRY_DECIMALS = 3
#: Outside the detailed region, simplification tolerance is this fraction of the map's extent.
COUNTRY_DETAIL = 1500
#: Simplification tolerance (degrees, ≈ 500 m) in the detailed region.
DETAIL_TOLERANCE_DEG = 0.005
#: The detailed region is the OpenStreetMap extract's, when the data have places of these countries.
DETAIL_COUNTRIES = ("ARM", "AZE", "GEO")
#: Seas named on the map, with the countries on their shores. A sea is named at the pole of
#: inaccessibility of the water body whose shores are mostly those countries' (straits narrower than
#: SEA_STRAIT_DEG are closed first, so the Black Sea is apart from the Mediterranean).
SEAS = {
    "Caspian Sea": ("AZE", "IRN", "KAZ", "RUS", "TKM"),
    "Black Sea": ("BGR", "GEO", "ROU", "RUS", "TUR", "UKR"),
    "Sea of Azov": ("RUS", "UKR"),
    "Mediterranean Sea": ("CYP", "DZA", "EGY", "ESP", "FRA", "GRC", "ISR", "ITA", "LBN", "LBY", "SYR", "TUN", "TUR"),
    "Baltic Sea": ("DEU", "DNK", "EST", "FIN", "LTU", "LVA", "POL", "RUS", "SWE"),
}
SEA_STRAIT_DEG = 0.2
SHORE_DEG = 0.3
#: Seas and country parts too small to name before these zooms are not named.
SEA_MAX_MIN_ZOOM = 7
COUNTRY_MAX_MIN_ZOOM = 10
#: In the detailed region, a country is named again in every cell of this size (degrees) it mostly
#: fills (GRID_FILL), from GRID_MIN_ZOOM.
GRID_DEG = 0.5
GRID_FILL = 0.4
GRID_MIN_ZOOM = 10
#: Place types from most to least important; a type shows from the zoom beside it at the earliest.
PLACE_TYPES = {"city": 4, "port": 5, "town": 6, "station": 7, "checkpoint": 7, "village": 8, "junction": 8}
#: Labels are placed for these zooms; one that never fits shows from the last.
LABEL_ZOOMS = range(2, 14)
#: Approximate label sizes in CSS pixels: width per character and height, by kind.
LABEL_CHAR_PX = {"place": 6.6, "country": 8.8, "sea": 7.0}
LABEL_HEIGHT_PX = 15
LABEL_PADDING_PX = 4
#: A country part is named once it is at least this many times as wide as its name on screen.
COUNTRY_LABEL_FIT = 1.1
#: Online tile layers: (name, provider, whether it serves a page opened from a file). OpenStreetMap's
#: tile servers refuse requests without a Referer, which a page opened from a file cannot send.
TILE_PROVIDERS = (
    ("OpenStreetMap", providers.OpenStreetMap.Mapnik, False),
    ("Esri light grey", providers.Esri.WorldGrayCanvas, True),
    ("Esri topographic", providers.Esri.WorldTopoMap, True),
    ("Esri imagery", providers.Esri.WorldImagery, True),
)


@dataclass
class Label:
    """A name on the map: its kind (place, country, sea), position and the zoom from which it shows."""

    text: str
    kind: str
    lon: float
    lat: float
    min_zoom: int
    #: Where the text sits: centred on the point, or beside it (places: right, left, above, below their dot).
    anchor: str = "centre"
    #: Other positions to try, in order, when this one overlaps: (lon, lat, anchor).
    others: list[tuple[float, float, str]] = field(default_factory=list)
    #: A country part whose other poles are the other positions, found only when the first is taken.
    part: Any = field(default=None, repr=False)

    @property
    def alternatives(self) -> list[tuple[float, float, str]]:
        """Other places the label may stand (poles of the part's other pieces), worked out on first use."""
        if self.part is not None:
            self.others, self.part = [*self.others, *_other_poles(self.part)], None
        return self.others

    def to_dict(self) -> dict[str, Any]:
        """The label as the page's script reads it.

        Returns
        -------
        dict
            The label's JSON-ready fields.
        """
        return {"text": self.text, "kind": self.kind, "lat": round(self.lat, 4), "lon": round(self.lon, 4),
                "anchor": self.anchor, "minZoom": self.min_zoom}


@lru_cache(maxsize=1)
def natural_earth_names() -> dict[str, str]:
    """English country names by Natural Earth's ADM0_A3 code, from the pip-installed file.

    Returns
    -------
    dict
        Country name by ADM0_A3 code.
    """
    path = importlib.resources.files(NATURAL_EARTH_PACKAGE) / NATURAL_EARTH_FILE
    with importlib.resources.as_file(path) as local:
        frame = pyogrio.read_dataframe(local, columns=[NATURAL_EARTH_ISO_FIELD, "NAME_EN"], read_geometry=False)
    return dict(zip(frame[NATURAL_EARTH_ISO_FIELD].astype(str), frame["NAME_EN"].astype(str)))


def detail_region(data: Dataset) -> Bounds | None:
    """Where countries keep more detail: the region of the OpenStreetMap extract (the South Caucasus)
    when the data have places there, so the cut between the levels of detail is the seam between
    the sources.

    Parameters
    ----------
    data
        The dataset.

    Returns
    -------
    Bounds or None
        The extract's region, or ``None`` when no place lies in it.
    """
    places = data.places[data.places["country"].isin(DETAIL_COUNTRIES)]
    if places.empty:
        return None
    minx, miny, maxx, maxy = REGION.bounds
    return (float(minx), float(miny), float(maxx), float(maxy))


def _rounded(geometry: Any) -> Any:
    return shapely.transform(geometry, lambda xy: np.round(xy, COUNTRY_DECIMALS))


def _pieces(polygons: np.ndarray, clip: Bounds, inner: Bounds) -> tuple[np.ndarray, np.ndarray]:
    """Each polygon cut into its part inside ``inner`` and its parts in four strips around it.

    Returns the pieces and, for each, the index of its polygon; the first ``len(polygons)`` are the
    inner parts. Pieces of neighbours meet with identical vertices, so they still form a coverage.
    """
    x0, y0, x1, y1 = inner
    left, bottom, right, top = clip
    rects = [inner, (left, bottom, x0, top), (x1, bottom, right, top), (x0, bottom, x1, y0), (x0, y1, x1, top)]
    rects = [inner] + [r for r in rects[1:] if r[2] > r[0] and r[3] > r[1]]  # strips of no width are left out
    pieces = np.concatenate([shapely.clip_by_rect(polygons, *rect) for rect in rects])
    owners = np.tile(np.arange(len(polygons)), len(rects))
    return pieces, owners


def simplified_countries(boundaries: Boundaries, clip: Bounds, detail: Bounds | None) -> tuple[np.ndarray, np.ndarray]:
    """The countries inside ``clip`` simplified as coverages, ``detail`` kept finer; one shape per country.

    The countries are cut at the edges of ``detail``; the pieces inside are simplified together
    finely, those around coarsely. Where a border meets the cut, its vertex is a node of both
    coverages, so it stays and the two sides still join. When ``detail`` is the region of the
    OpenStreetMap extract (:data:`corridors.boundaries.REGION`), the cut is the seam between the
    two sources, so each source is simplified on its own. A country's pieces (both sides, both
    sources) are then merged into one shape, so no seam is drawn.

    Parameters
    ----------
    boundaries
        The country polygons to simplify.
    clip
        The box the map draws; countries outside it are dropped.
    detail
        The box kept finer, or ``None`` for one coarse level.

    Returns
    -------
    codes, polygons
        One (Multi)Polygon per country kept.
    """
    hits = np.sort(boundaries.polygon_tree.query(shapely.box(*clip), predicate="intersects"))
    polygons = shapely.clip_by_rect(boundaries.polygons[hits], *clip)  # much faster than an intersection
    codes = boundaries.codes[hits]
    coarse = max(clip[2] - clip[0], clip[3] - clip[1]) / COUNTRY_DETAIL
    apart = detail is None or not shapely.intersects(shapely.box(*detail), shapely.box(*clip))
    if apart or coarse <= DETAIL_TOLERANCE_DEG:
        pieces, owners = shapely.coverage_simplify(polygons, coarse), np.arange(len(polygons))
    else:
        assert detail is not None  # not apart
        inner = (max(detail[0], clip[0]), max(detail[1], clip[1]), min(detail[2], clip[2]), min(detail[3], clip[3]))
        pieces, owners = _pieces(polygons, clip, inner)
        present = ~shapely.is_empty(pieces)
        pieces, owners = pieces[present], owners[present]
        inside = int(present[: len(polygons)].sum())  # the inner pieces come first
        pieces = np.concatenate([
            shapely.coverage_simplify(pieces[:inside], DETAIL_TOLERANCE_DEG),
            shapely.coverage_simplify(pieces[inside:], coarse),
        ])
    names, country_of = np.unique(codes[owners], return_inverse=True)
    simple = np.array([shapely.union_all(pieces[country_of == i]) for i in range(len(names))], dtype=object)
    keep = ~shapely.is_empty(simple) & (shapely.get_type_id(simple) >= 3)
    return names[keep], simple[keep]


def cached_simplified_countries(
    boundaries: Boundaries, clip: Bounds, detail: Bounds | None
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`simplified_countries`, kept in the disk cache (:mod:`corridors.cache`) keyed by the
    boundaries' content, both boxes and the code: the slowest part of a map that data do not change.

    Parameters
    ----------
    boundaries
        The country polygons to simplify.
    clip
        The box the map draws.
    detail
        The box kept finer, or ``None``.

    Returns
    -------
    codes, polygons
        As :func:`simplified_countries`.
    """
    if boundaries.content_key is None:
        return simplified_countries(boundaries, clip, detail)
    entry = cache.key("basemap", boundaries.content_key, clip, detail, cache.code_digest())
    return cache.cached(
        "basemap", entry, partial(simplified_countries, boundaries, clip, detail), cache.save_pickle, cache.load_pickle
    )


def countries_geojson(codes: np.ndarray, polygons: np.ndarray, names: Mapping[str, str]) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of the countries with their codes and names, coordinates rounded.

    Rounding may make a shape invalid where two vertices meet; drawing does not mind, so only the
    output is rounded.

    Parameters
    ----------
    codes
        ISO3 code of each country.
    polygons
        Its shape, in the same order.
    names
        Country names by code (default: Natural Earth's).

    Returns
    -------
    dict
        The GeoJSON FeatureCollection.
    """
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"iso3": str(code), "name": names.get(str(code), str(code))},
                "geometry": shapely.geometry.mapping(shape),
            }
            for code, shape in zip(codes, _rounded(polygons))
        ],
    }


def _fit_zoom(width_px_at_zero: float, text_px: float) -> int:
    """The first zoom at which something ``width_px_at_zero`` wide at zoom 0 is ``text_px`` wide."""
    return math.ceil(math.log2(max(text_px * COUNTRY_LABEL_FIT, 1) / max(width_px_at_zero, 1e-9)))


def _part_label(name: str, part: Any) -> Label | None:
    """A country's name at the pole of inaccessibility of one part, from the zoom at which the part holds it."""
    minx, _, maxx, _ = part.bounds
    min_zoom = _fit_zoom((maxx - minx) * 256 / 360, len(name) * LABEL_CHAR_PX["country"])
    if min_zoom > COUNTRY_MAX_MIN_ZOOM:
        return None
    point = polylabel(part, tolerance=max(part.length / 500, 1e-3))
    return Label(name, "country", point.x, point.y, max(min_zoom, LABEL_ZOOMS[0]), part=part)


def _other_poles(part: Any) -> list[tuple[float, float, str]]:
    """Other places for a name inside a part: the poles of inaccessibility of its four halves."""
    minx, miny, maxx, maxy = part.bounds
    midx, midy = (minx + maxx) / 2, (miny + maxy) / 2
    poles = []
    halves = ((minx, midy, maxx, maxy), (minx, miny, maxx, midy), (minx, miny, midx, maxy), (midx, miny, maxx, maxy))
    for half in halves:
        pieces = _polygons(shapely.clip_by_rect(part, *half))
        if len(pieces):
            largest = pieces[np.argmax(shapely.area(pieces))]
            point = polylabel(largest, tolerance=max(largest.length / 200, 1e-3))
            poles.append((point.x, point.y, "centre"))
    return poles


def _polygons(shape: Any) -> np.ndarray:
    parts = shapely.get_parts(shapely.get_parts(shape))
    return parts[shapely.get_type_id(parts) == 3]


def _grid_labels(name: str, shape: Any, region: Bounds) -> list[Label]:
    """The name again in each GRID_DEG cell of ``region`` the country mostly fills, from GRID_MIN_ZOOM:
    zoomed in on a valley, a reader still sees whose side of the border is whose.
    """
    minx, miny, maxx, maxy = region
    xs, ys = np.arange(minx, maxx, GRID_DEG), np.arange(miny, maxy, GRID_DEG)
    cells = shapely.box(*np.meshgrid(xs, ys), *np.meshgrid(xs + GRID_DEG, ys + GRID_DEG)).ravel()
    cells = cells[shapely.intersects(cells, shape)]
    labels = []
    for cell in cells:
        pieces = _polygons(shapely.clip_by_rect(shape, *cell.bounds))
        if not len(pieces):
            continue
        piece = pieces[np.argmax(shapely.area(pieces))]
        if shapely.area(piece) >= GRID_FILL * cell.area:
            point = polylabel(piece, tolerance=GRID_DEG / 50)
            labels.append(Label(name, "country", point.x, point.y, GRID_MIN_ZOOM))
    return labels


def country_labels(
    codes: np.ndarray, polygons: np.ndarray, names: Mapping[str, str], view: Bounds, detail: Bounds | None = None
) -> list[Label]:
    """A name for every part of a country big enough to hold it, Nakhchivan as much as the mainland.

    A part shows from the zoom at which its width on screen holds its name; parts outside ``view``
    (the map's content plus a margin) are named only when their country has no part inside. Within
    ``detail`` each country is named again where it lies there, so a Caucasus view names its
    neighbours too (Russia's name at its pole of inaccessibility lies far away).

    Parameters
    ----------
    codes
        ISO3 code of each country.
    polygons
        Its shape, in the same order.
    names
        Country names by code (default: Natural Earth's).
    view
        The map's content plus a margin.
    detail
        The region where countries are named again, or ``None``.

    Returns
    -------
    list of Label
        The labels, each with the zoom it shows from.
    """
    labels = []
    area_box = shapely.box(*view)
    detail_box = shapely.box(*detail) if detail is not None else None
    for code, shape in zip(codes, polygons):
        name = names.get(str(code), str(code))
        parts = _polygons(shape)
        if not len(parts):
            continue
        near = parts[shapely.intersects(parts, area_box)]
        chosen = list(near if len(near) else parts[[np.argmax(shapely.area(parts))]])
        named = [label for label in map(partial(_part_label, name), chosen) if label]
        labels.extend(named)
        if detail is not None and detail_box is not None and shapely.intersects(shape, detail_box):
            for piece in _polygons(shapely.clip_by_rect(shape, *detail)):
                if not any(piece.contains(shapely.Point(label.lon, label.lat)) for label in named):
                    labels.extend(label for label in [_part_label(name, piece)] if label)
            labels.extend(_grid_labels(name, shape, detail))
    labels.sort(key=lambda label: label.min_zoom)
    return labels


def sea_labels(codes: np.ndarray, polygons: np.ndarray, clip: Bounds) -> list[Label]:
    """The names of the seas in :data:`SEAS` whose water is on the map, at its pole of inaccessibility.

    Parameters
    ----------
    codes
        ISO3 code of each country.
    polygons
        Its shape, in the same order (the land the seas are not).
    clip
        The box the map draws.

    Returns
    -------
    list of Label
        One label per sea on the map.
    """
    water = shapely.difference(shapely.box(*clip), shapely.coverage_union_all(polygons))
    if shapely.is_empty(water):
        return []
    coarse_water = shapely.simplify(water, SEA_STRAIT_DEG / 4)  # the names need no detail, only the straits closed
    bodies = shapely.get_parts(shapely.buffer(coarse_water, -SEA_STRAIT_DEG / 2, quad_segs=2))
    bodies = bodies[~shapely.is_empty(bodies)]
    if not len(bodies):
        return []
    tree = STRtree(polygons)
    shores = []
    for body in bodies:
        hits = tree.query(body, predicate="dwithin", distance=SHORE_DEG + SEA_STRAIT_DEG)
        shores.append(set(codes[hits].tolist()))
    labels, used = [], set()
    for name, countries in SEAS.items():
        matches = [len(shore & set(countries)) for shore in shores]
        scores = [
            (matched, index)
            for index, (matched, shore) in enumerate(zip(matches, shores))
            if matched >= min(2, len(countries)) and matched * 2 >= len(shore)  # mostly this sea's shores
        ]
        if not scores:
            continue
        _, index = max(scores)
        if index in used or shapely.area(bodies[index]) < 1.0:  # a lake or a gap between polygons, not a sea
            continue
        used.add(index)
        body = bodies[index]
        point = polylabel(body, tolerance=max(body.length / 1000, 1e-2))
        minx, _, maxx, _ = body.bounds
        min_zoom = _fit_zoom((maxx - minx) * 256 / 360, len(name) * LABEL_CHAR_PX["sea"])
        if min_zoom <= SEA_MAX_MIN_ZOOM:
            labels.append(Label(name, "sea", point.x, point.y, max(min_zoom, LABEL_ZOOMS[0])))
    return labels


def place_labels(data: Dataset, clip: Bounds) -> list[Label]:
    """The data's places inside ``clip``, most important first: by type, then by the lines that end there.

    Parameters
    ----------
    data
        The dataset.
    clip
        The box the map draws.

    Returns
    -------
    list of Label
        The labels, most important first.
    """
    ends: dict[str, int] = {}
    for column in ("from", "to"):
        for place in data.segments[column]:
            ends[place] = ends.get(place, 0) + 1
    rank = {kind: position for position, kind in enumerate(PLACE_TYPES)}
    labels = []
    for place_id, row in data.places.iterrows():
        lon, lat = row.geometry.x, row.geometry.y
        if not (clip[0] <= lon <= clip[2] and clip[1] <= lat <= clip[3]):
            continue
        kind = str(row["place_type"])
        label = Label(
            str(row["name"]), "place", lon, lat, PLACE_TYPES.get(kind, LABEL_ZOOMS[-1]), "right",
            others=[(lon, lat, side) for side in ("left", "above", "below")],
        )
        labels.append((rank.get(kind, len(rank)), -ends.get(str(place_id), 0), str(row["name"]), label))
    return [label for *_, label in sorted(labels, key=lambda item: item[:3])]


def _pixel_xy(lon: float, lat: float, zoom: int) -> tuple[float, float]:
    """Web Mercator pixel coordinates at a zoom (as Leaflet's)."""
    scale = 256 * 2**zoom
    phi = math.radians(max(min(lat, 85.0), -85.0))
    return (lon + 180) / 360 * scale, (1 - math.log(math.tan(phi) + 1 / math.cos(phi)) / math.pi) / 2 * scale


def _pixel_box(label: Label, zoom: int) -> tuple[float, float, float, float]:
    """The label's box on screen at a zoom, with its dot (for a place) and padding."""
    x, y = _pixel_xy(label.lon, label.lat, zoom)
    width = len(label.text) * LABEL_CHAR_PX[label.kind] + 2 * LABEL_PADDING_PX
    height = LABEL_HEIGHT_PX + LABEL_PADDING_PX
    if label.anchor == "right":
        return (x - 4, y - height / 2, x + width, y + height / 2)
    if label.anchor == "left":
        return (x - width, y - height / 2, x + 4, y + height / 2)
    if label.anchor == "above":
        return (x - width / 2, y - height - 4, x + width / 2, y - 1)
    if label.anchor == "below":
        return (x - width / 2, y + 1, x + width / 2, y + height + 4)
    return (x - width / 2, y - height / 2, x + width / 2, y + height / 2)


def _marker_box(lon: float, lat: float, width: float, height: float, zoom: int) -> tuple[float, float, float, float]:
    x, y = _pixel_xy(lon, lat, zoom)
    return (x - width / 2, y - height / 2, x + width / 2, y + height / 2)


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


class _Boxes:
    """Boxes on screen at one zoom, bucketed by BUCKET_PX squares so a new box meets only its neighbours."""

    BUCKET_PX = 256

    def __init__(self) -> None:
        self.buckets: dict[tuple[int, int], list[tuple[float, float, float, float]]] = {}

    def _keys(self, box: tuple[float, float, float, float]) -> list[tuple[int, int]]:
        size = self.BUCKET_PX
        return [
            (i, j)
            for i in range(int(box[0] // size), int(box[2] // size) + 1)
            for j in range(int(box[1] // size), int(box[3] // size) + 1)
        ]

    def add(self, box: tuple[float, float, float, float]) -> None:
        """Record a box as taken.

        Parameters
        ----------
        box
            (minx, miny, maxx, maxy) in pixels.
        """
        for key in self._keys(box):
            self.buckets.setdefault(key, []).append(box)

    def hits(self, box: tuple[float, float, float, float]) -> bool:
        """Whether a box overlaps one already taken.

        Parameters
        ----------
        box
            (minx, miny, maxx, maxy) in pixels.

        Returns
        -------
        bool
            Whether it overlaps a box already added.
        """
        return any(_overlap(box, other) for key in self._keys(box) for other in self.buckets.get(key, ()))


def label_zooms(labels: Sequence[Label], obstacles: Sequence[tuple[float, float, float, float]] = ()) -> list[Label]:
    """Give each label the first zoom from which it overlaps no label already shown (most important first).

    ``labels`` come in order of importance, each with the earliest zoom it may show from; a label
    shown at one zoom stays at every greater zoom (labels only move apart). A label with other
    positions (``alternatives``) takes the first that fits. ``obstacles`` are markers no label may
    cover: (lon, lat, width px, height px), centred. Labels that never fit get the greatest zoom of
    :data:`LABEL_ZOOMS` plus one: they never show.

    Parameters
    ----------
    labels
        The labels, most important first.
    obstacles
        Markers no label may cover.

    Returns
    -------
    list of Label
        The labels, each with its first zoom (and position) that fits.
    """
    pending = list(labels)
    shown: list[Label] = []
    for zoom in LABEL_ZOOMS:
        boxes = _Boxes()
        for label in shown:
            boxes.add(_pixel_box(label, zoom))
        for marker in obstacles:
            boxes.add(_marker_box(*marker, zoom))
        waiting = []
        for label in pending:
            fitted = None
            if label.min_zoom <= zoom:
                for lon, lat, anchor in [(label.lon, label.lat, label.anchor), *label.alternatives]:
                    box = _pixel_box(Label(label.text, label.kind, lon, lat, zoom, anchor), zoom)
                    if not boxes.hits(box):
                        fitted = (lon, lat, anchor, box)
                        break
            if fitted:
                label.lon, label.lat, label.anchor, label.min_zoom = *fitted[:3], zoom
                shown.append(label)
                boxes.add(fitted[3])
            else:
                waiting.append(label)
        pending = waiting
    for label in pending:
        label.min_zoom = LABEL_ZOOMS[-1] + 1
    return shown + pending


def tile_layers() -> list[dict[str, Any]]:
    """The online tile layers offered: name, URL template, attribution (HTML), maximum zoom, subdomains, and
    whether it serves pages opened from a file (the page picks the first that does, then, served, the first).

    Returns
    -------
    list of dict
        One entry per tile layer, in order of preference.
    """
    layers = []
    for name, provider, from_file in TILE_PROVIDERS:
        url = provider.build_url(fill_subdomain=False)
        layers.append({
            "name": name,
            "url": url,
            "attribution": provider.html_attribution,
            "maxZoom": int(provider.get("max_zoom") or 18),
            "subdomains": provider.get("subdomains", "abc"),
            "fromFile": from_file,
        })
    return layers
