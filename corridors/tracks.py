"""Tracks: the lines the crossings engine measures, and the one way to put segments in travel order.

A route lists its segments in travel order, but each segment is stored in one direction and may be
travelled either way (and reused by several routes). :func:`orient` gives each segment its direction
from the place it shares with its neighbours; :func:`segments_track` joins oriented segments into one
:class:`Track`, each edge carrying its segment's mode.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import shapely


class Step(NamedTuple):
    """One segment of a chain, travelled as stored (``from`` to ``to``) when ``forward``."""

    segment: str
    forward: bool


#: Each segment's two places, ``(from, to)``, by segment id.
Ends = Mapping[str, tuple[str, str]]


def orient(segment_ids: Sequence[str], ends: Ends) -> list[Step]:
    """Put a chain of segments in travel order: each one leaves from where the previous one arrived.

    The first segment's direction comes from the place it shares with the second.

    Parameters
    ----------
    segment_ids
        The segments in travel order.
    ends
        Each segment's ``(from, to)`` places.

    Returns
    -------
    list of Step
        The segments with their direction.

    Raises
    ------
    ValueError
        Naming the first segment that does not join the previous one.
    """
    if len(segment_ids) < 2:
        return [Step(sid, True) for sid in segment_ids]
    first, second = segment_ids[0], segment_ids[1]
    start, finish = ends[first]
    if finish in ends[second]:
        at, steps = finish, [Step(first, True)]
    elif start in ends[second]:
        at, steps = start, [Step(first, False)]
    else:
        raise ValueError(f"{first!r} and {second!r} share no place")
    for segment_id in segment_ids[1:]:
        start, finish = ends[segment_id]
        if start == at:
            steps.append(Step(segment_id, True))
            at = finish
        elif finish == at:
            steps.append(Step(segment_id, False))
            at = start
        else:
            raise ValueError(f"segment {segment_id!r} does not start at {at!r}")
    return steps


def step_ends(step: Step, ends: Ends) -> tuple[str, str]:
    """Where a step starts and where it arrives.

    Parameters
    ----------
    step
        A segment with its direction.
    ends
        Each segment's ``(from, to)`` places.

    Returns
    -------
    tuple of str
        ``(start, arrival)`` place ids.
    """
    start, finish = ends[step.segment]
    return (start, finish) if step.forward else (finish, start)


def places_passed(steps: Sequence[Step], ends: Ends) -> list[str]:
    """The places a chain passes, in order: where it starts, then where each step arrives.

    Parameters
    ----------
    steps
        Oriented segments, at least one.
    ends
        Each segment's ``(from, to)`` places.

    Returns
    -------
    list of str
        One place more than there are steps.
    """
    return [step_ends(steps[0], ends)[0], *(step_ends(step, ends)[1] for step in steps)]


def segments_track(segments: pd.DataFrame, steps: Sequence[tuple[str, bool]]) -> Track:
    """Oriented segments joined into one track in travel order, each edge carrying its segment's mode.

    Consecutive segments that meet at the same vertex are merged into one part; a gap starts a new part.

    Parameters
    ----------
    segments
        The segments frame (``geometry`` and ``mode``), indexed by id.
    steps
        Segment ids with their direction (see :class:`Step`).

    Returns
    -------
    Track
        Split at the antimeridian.
    """
    parts: list[np.ndarray] = []
    modes: list[np.ndarray] = []
    for segment_id, forward in steps:
        # .at, not a row by .loc: a pandas row is a Series to build, ten times slower (compare's start).
        coords = shapely.get_coordinates(segments.at[segment_id, "geometry"])
        mode = segments.at[segment_id, "mode"]
        if not forward:
            coords = coords[::-1]
        if parts and np.allclose(parts[-1][-1], coords[0]):
            parts[-1] = np.concatenate([parts[-1], coords[1:]])
            modes[-1] = np.concatenate([modes[-1], np.full(len(coords) - 1, mode, dtype=object)])
        else:
            parts.append(coords)
            modes.append(np.full(len(coords) - 1, mode, dtype=object))
    return Track(parts, modes).split_at_antimeridian()


@dataclass
class Track:
    """A line to analyse: parts of (n, 2) lon/lat arrays in travel order, with optional edge modes."""

    parts: list[np.ndarray]
    modes: list[np.ndarray] | None = None

    @classmethod
    def from_geometry(cls, geometry: Any, modes: Sequence[str] | None = None) -> Track:
        """A track from a (Multi)LineString; ``modes`` gives one mode per edge, over all parts.

        Parameters
        ----------
        geometry
            A shapely LineString or MultiLineString in lon/lat.
        modes
            One mode per edge; None when unknown.

        Returns
        -------
        Track
            The track, split at the antimeridian.

        Raises
        ------
        ValueError
            If ``modes`` does not have one entry per edge.
        """
        lines = list(shapely.get_parts(geometry)) if geometry.geom_type == "MultiLineString" else [geometry]
        parts = [shapely.get_coordinates(line) for line in lines]
        mode_parts = None
        if modes is not None:
            mode_array = np.asarray(modes, dtype=object)
            sizes = [len(p) - 1 for p in parts]
            if sum(sizes) != len(mode_array):
                raise ValueError(f"{len(mode_array)} modes for {sum(sizes)} edges")
            mode_parts = np.split(mode_array, np.cumsum(sizes)[:-1])
        return cls(parts, mode_parts).split_at_antimeridian()

    def split_at_antimeridian(self) -> Track:
        """Cut edges that jump more than 180° of longitude at ±180°, so each part is planar-safe.

        Returns
        -------
        Track
            Itself when no edge crosses, else a new track with modes kept per edge.
        """
        if not any((np.abs(np.diff(coords[:, 0])) > 180).any() for coords in self.parts):
            return self
        parts: list[np.ndarray] = []
        modes: list[np.ndarray] = []
        for index, coords in enumerate(self.parts):
            edge_modes = self.modes[index] if self.modes is not None else np.full(len(coords) - 1, None, dtype=object)
            start = 0
            current = [coords[0]]
            for i in range(len(coords) - 1):
                (x0, y0), (x1, y1) = coords[i], coords[i + 1]
                if abs(x1 - x0) > 180:
                    side = 180.0 if x0 > 0 else -180.0
                    x1_unwrapped = x1 + 2 * side
                    # From +180 to -180 (or back) is no move at all in longitude: cut at the start.
                    lat = y0 if x1_unwrapped == x0 else y0 + (side - x0) / (x1_unwrapped - x0) * (y1 - y0)
                    current.append(np.array([side, lat]))
                    parts.append(np.array(current))
                    modes.append(edge_modes[start : i + 1])
                    current = [np.array([-side, lat]), coords[i + 1]]
                    start = i
                else:
                    current.append(coords[i + 1])
            parts.append(np.array(current))
            modes.append(edge_modes[start:])
        return Track(parts, modes if self.modes is not None else None)
