"""What one map shows: feature ids or layers resolved to routes, segments and airports, and the day shown."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from ..errors import UsageError
from ..layers import AIRPORTS_LAYER, CORRIDOR_LAYERS, LAYERS, Dataset, check_layers
from ..timeline import active_on, route_status_on, status_on


@dataclass
class Selection:
    """What one map shows: ids in display order, the layer group each segment is drawn in, and the day shown."""

    routes: list[str]
    segments: dict[str, str]
    airports: list[str]
    groups: list[str]
    as_of: dt.date | None = None

    def status(self, data: Dataset, kind: str, feature_id: str) -> str:
        """A route's or segment's status on the day shown (:func:`corridors.timeline.status_on`), else today's."""
        if kind == "route":
            row = data.routes.loc[feature_id]
            return route_status_on(row, data.segments, self.as_of) if self.as_of else row["status"]
        row = data.segments.loc[feature_id]
        return status_on(row, self.as_of) if self.as_of else row["status"]

    @property
    def empty(self) -> bool:
        return not (self.routes or self.segments or self.airports)


def select(
    data: Dataset,
    ids: Sequence[str] | None = None,
    layers: Sequence[str] | None = None,
    as_of: dt.date | None = None,
) -> Selection:
    """Resolve feature ids or layer names (everything when neither is given) to what a map shows.

    A route brings its segments, whatever their layer; each segment is drawn in its own layer's group
    when that layer is shown, else in the group of the first route using it.

    Raises
    ------
    UsageError
        For unknown ids or layers (with suggestions), places, both ids and layers, or nothing left
        to show on ``as_of``.
    """
    if ids and layers:
        raise UsageError("give feature ids or layers, not both")
    if ids:
        kinds = {i: data.kind_of(i) for i in dict.fromkeys(ids)}
        places = [i for i, kind in kinds.items() if kind == "place"]
        if places:
            raise UsageError(f"{places[0]!r} is a place; map routes, segments or airports")
        routes = [i for i, k in kinds.items() if k == "route"]
        chosen_segments = [i for i, k in kinds.items() if k == "segment"]
        airports = [i for i, k in kinds.items() if k == "airport"]
    else:
        names = check_layers(layers or LAYERS)
        routes = list(data.routes.index[data.routes["layer"].isin(names)])
        chosen_segments = list(data.segments.index[data.segments["layer"].isin(names)])
        airports = list(data.airports.index) if AIRPORTS_LAYER in names else []
    if as_of is not None:
        routes = _active(data.routes, routes, as_of, data.segments)
        chosen_segments = _active(data.segments, chosen_segments, as_of)
        airports = _active(data.airports, airports, as_of)
    needed = list(dict.fromkeys([*chosen_segments, *(s for r in routes for s in data.routes.at[r, "segments"])]))
    if as_of is not None:
        needed = _active(data.segments, needed, as_of)
    groups = {data.routes.at[r, "layer"] for r in routes} | {data.segments.at[s, "layer"] for s in chosen_segments}
    segments: dict[str, str] = {}
    for segment in needed:
        own = data.segments.at[segment, "layer"]
        segments[segment] = own if own in groups else next(
            data.routes.at[r, "layer"] for r in routes if segment in data.routes.at[r, "segments"]
        )
    ordered = [name for name in CORRIDOR_LAYERS if name in groups] + ([AIRPORTS_LAYER] if airports else [])
    selection = Selection(routes, segments, airports, ordered, as_of)
    if selection.empty:
        raise UsageError("nothing to map" + (f" as of {as_of.isoformat()}" if as_of else ""))
    return selection


def _active(frame: pd.DataFrame, ids: list[str], as_of: dt.date, segments: pd.DataFrame | None = None) -> list[str]:
    if not ids:
        return []
    active = active_on(frame.loc[ids], as_of, segments)
    return [i for i in ids if active[i]]
