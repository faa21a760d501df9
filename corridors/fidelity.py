"""The rule for ``traced``: a line that keeps within a tolerance of a real track geometry, both ways.

A segment may be called ``traced`` only when every point of it lies within :data:`TRACED_TOLERANCE_M`
of a reference track and every point of the stretch of track it covers lies within that distance of
the segment (a Hausdorff distance, measured in metres in an azimuthal equidistant projection centred
on the segment, never in degrees). The stretch covered is, on each reference line the segment comes
within the tolerance of, the part between the first and last points the segment reaches: a detour of
the track that the segment cuts across stays in it and is measured. The reference tracks are the
OpenStreetMap route relations of ``geo/reference/`` (see its README).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
import shapely.ops
from pyproj import Transformer

from .errors import InvalidData
from .paths import data_dir

#: How far (m) a traced segment may stray from its reference track, and the track from it.
TRACED_TOLERANCE_M = 1000.0
#: Spacing (m) at which both lines are sampled for the distances.
SAMPLE_SPACING_M = 50.0
#: The reference tracks inside a data directory.
REFERENCE_TRACKS = Path("geo") / "reference" / "georgian-railway-tracks.geojson"


@dataclass(frozen=True)
class Deviation:
    """The two directed distances between a segment and the stretch of reference track it covers."""

    segment_to_track_m: float
    track_to_segment_m: float
    covered_track_km: float

    @property
    def hausdorff_m(self) -> float:
        """The larger of the two: the Hausdorff distance between segment and covered track."""
        return max(self.segment_to_track_m, self.track_to_segment_m)

    def within(self, tolerance_m: float = TRACED_TOLERANCE_M) -> bool:
        """Whether both directions keep within ``tolerance_m`` (and the segment covers any track at all).

        Parameters
        ----------
        tolerance_m
            The tolerance in metres.

        Returns
        -------
        bool
            True when the segment may be called traced.
        """
        return self.covered_track_km > 0 and self.hausdorff_m <= tolerance_m


def load_reference_tracks(root: Path | None = None) -> list[shapely.LineString]:
    """The reference track lines (lon/lat), one per part of each relation.

    Parameters
    ----------
    root
        A data directory (default: :func:`corridors.paths.data_dir`).

    Returns
    -------
    list of shapely.LineString
        Every part of every ``track`` feature of the reference file.

    Raises
    ------
    InvalidData
        Naming the file when it is missing or not a FeatureCollection of tracks.
    """
    path = (root or data_dir()) / REFERENCE_TRACKS
    try:
        collection = json.loads(path.read_text(encoding="utf-8"))
        lines = [
            shapely.LineString(part)
            for feature in collection["features"]
            if feature["properties"]["kind"] == "track"
            for part in feature["geometry"]["coordinates"]
        ]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise InvalidData(path, f"cannot read the reference tracks ({error})") from None
    if not lines:
        raise InvalidData(path, "no track in the reference file")
    return lines


def deviation(line: shapely.LineString, reference: Sequence[shapely.LineString]) -> Deviation:
    """How far a line and the stretch of reference track it covers lie from each other.

    Parameters
    ----------
    line
        The segment, lon/lat.
    reference
        Reference track lines, lon/lat.

    Returns
    -------
    Deviation
        Both directed distances in metres, and the km of track covered (0 when the line comes within
        :data:`TRACED_TOLERANCE_M` of no reference line).
    """
    centre = line.interpolate(0.5, normalized=True)
    to_metres = Transformer.from_crs(
        "EPSG:4326", f"+proj=aeqd +lat_0={centre.y} +lon_0={centre.x} +datum=WGS84 +units=m", always_xy=True
    )
    segment = _sampled(_project(line, to_metres))
    points = shapely.points(shapely.get_coordinates(segment))
    covered: list[shapely.LineString] = []
    for track in (_project(track, to_metres) for track in reference):
        near = points[shapely.distance(points, track) <= TRACED_TOLERANCE_M]
        if len(near) == 0:
            continue
        positions = shapely.line_locate_point(track, near)
        stretch = shapely.ops.substring(track, positions.min(), positions.max())
        if stretch.geom_type == "LineString" and stretch.length > 0:
            covered.append(stretch)
    if not covered:
        return Deviation(float("inf"), float("inf"), 0.0)
    tracks = shapely.MultiLineString(covered)
    track_points = shapely.points(shapely.get_coordinates(_sampled(tracks)))
    return Deviation(
        segment_to_track_m=float(shapely.distance(points, tracks).max()),
        track_to_segment_m=float(shapely.distance(track_points, segment).max()),
        covered_track_km=sum(stretch.length for stretch in covered) / 1000,
    )


def _project(geometry: shapely.Geometry, transformer: Transformer) -> shapely.Geometry:
    return shapely.transform(geometry, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))


def _sampled(geometry: shapely.Geometry) -> shapely.Geometry:
    return shapely.segmentize(geometry, SAMPLE_SPACING_M)
