"""Dates of the layers: which routes and segments exist on a given day.

The layers write ``opened`` and ``closed`` at the precision the sources give (``YYYY``, ``YYYY-MM`` or
``YYYY-MM-DD``). A partial date stands for the first day of its period, as in ISO 8601 reduced
precision: ``2017`` is 1 January 2017 and ``2023-04`` is 1 April 2023.

One rule, used by ``map``, ``compare`` and ``route`` alike, gives each line its status on a day
(:func:`status_on`):

* closed on or before the day: ``historical``;
* a known opening date after the day: not built yet, ``under_construction`` if that is its status
  today, else ``planned`` (the data do not say when building began);
* otherwise ``operational``, except a planned or under-construction line with no opening date,
  which keeps that status;
* a built line with no opening date counts as open on any day: the data know no better. Outputs for
  a date name the routes that rely on this (:func:`undated_segments`).

A line exists on the day when its status then is ``operational`` (:func:`active_on`). A route is no
more in service than its least-served segment (:func:`corridors.vocab.furthest_from_service`), so it
exists on a day only
when it and all its segments do, and a route and its segments must close together
(:func:`closing_problem`, checked when the layers load).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from .errors import UsageError
from .vocab import NOT_BUILT, furthest_from_service

_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def is_iso_date(value: object) -> bool:
    """True for a string ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` naming a real date.

    Parameters
    ----------
    value
        Anything.

    Returns
    -------
    bool
        Whether it is such a date.
    """
    if not isinstance(value, str):
        return False
    try:
        parse_date(value)
    except UsageError:
        return False
    return True


def parse_date(text: str, what: str = "date") -> dt.date:
    """The first day of an ISO date written ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.

    Parameters
    ----------
    text
        The date as written, e.g. the value of a ``--as-of`` option.
    what
        What the date is, for the error message (``"--as-of"``).

    Returns
    -------
    datetime.date
        The first day the text names.

    Raises
    ------
    UsageError
        If the text is not such a date, or names a day the calendar does not have.
    """
    match = _ISO_DATE.match(text.strip())
    try:
        if not match:
            raise ValueError(text)
        year, month, day = match.groups()
        return dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        raise UsageError(f"{what} {text!r} is not a valid date (YYYY, YYYY-MM or YYYY-MM-DD)") from None


OPEN = "operational"


def status_on(feature: Mapping[str, Any], date: dt.date) -> str:
    """The status a route or segment had on ``date`` (see the module docstring for the rule).

    Parameters
    ----------
    feature
        A row or mapping with ``status`` and, where known, ``opened`` and ``closed``.
    date
        The day asked about.

    Returns
    -------
    str
        One of the statuses of :data:`corridors.vocab.STATUSES`.

    Examples
    --------
    The Lachin corridor (``historical``, opened 1992-05, closed 2022-08) on 2022-06-01 is
    ``operational``; the Qazvin–Rasht railway (opened 2019) on 2018-01-01 is ``planned``.
    """
    status = feature.get("status")
    opened, closed = (_date_of(feature.get(key), key) for key in ("opened", "closed"))
    if closed is not None and closed <= date:
        return "historical"
    if opened is not None and opened > date:
        return "under_construction" if status == "under_construction" else "planned"
    if status in NOT_BUILT and opened is None:
        return str(status)
    return OPEN


def route_status_on(route: Mapping[str, Any], segments: pd.DataFrame, date: dt.date) -> str:
    """A route's status on ``date``: its own or its least-served segment's, whichever is further from service.

    Parameters
    ----------
    route
        A route row (``status``, ``opened``, ``closed``, ``segments``).
    segments
        The segments frame, indexed by id.
    date
        The day asked about.

    Returns
    -------
    str
        One of the statuses of :data:`corridors.vocab.STATUSES`.
    """
    statuses = [status_on(route, date), *(status_on(segments.loc[s], date) for s in route["segments"])]
    return furthest_from_service(statuses)


def active_on(frame: pd.DataFrame, date: dt.date, segments: pd.DataFrame | None = None) -> pd.Series:
    """Which rows exist on ``date``: those whose status then is ``operational``.

    Rows without a status exist between their dates (an airport from its opening); frames without
    dates either (places) exist throughout. With ``segments``, ``frame`` holds routes, and a route
    exists only when all its segments do.

    Parameters
    ----------
    frame
        Routes, segments, airports or places.
    date
        The day asked about.
    segments
        The segments frame when ``frame`` holds routes, else None.

    Returns
    -------
    pandas.Series
        Booleans indexed like ``frame``.
    """
    if segments is None:
        statuses = [status_on(row, date) for _, row in frame.iterrows()]
    else:
        statuses = [route_status_on(row, segments, date) for _, row in frame.iterrows()]
    return pd.Series([s == OPEN for s in statuses], index=frame.index, dtype=bool)


def undated_segments(route: Mapping[str, Any], segments: pd.DataFrame) -> list[str]:
    """The built segments of a route that have no opening date: counted as open on any day asked about.

    Parameters
    ----------
    route
        A route row (``segments``).
    segments
        The segments frame, indexed by id.

    Returns
    -------
    list of str
        Segment ids, in travel order.
    """
    return [
        s
        for s in route["segments"]
        if segments.at[s, "status"] not in NOT_BUILT and not isinstance(segments.at[s, "opened"], str)
    ]


def closing_problem(route: Mapping[str, Any], segment_closings: Mapping[str, str | None]) -> str | None:
    """Why a route's ``closed`` date disagrees with its segments', or None when they agree.

    A route closes when its first segment closes: its ``closed`` must be the earliest ``closed`` of
    its segments, and a route none of whose segments closes has no ``closed`` date.

    Parameters
    ----------
    route
        The route's properties (``closed``).
    segment_closings
        Each of its segments' ``closed`` date (None when open).

    Returns
    -------
    str or None
        The disagreement, for an error message.
    """
    dated = {s: _date_of(c, "closed") for s, c in segment_closings.items()}
    closings = {s: d for s, d in dated.items() if d is not None}
    closed = _date_of(route.get("closed"), "closed")
    if closed is None and closings:
        first = min(closings, key=lambda s: closings[s])
        return f"has no 'closed' date but its segment {first!r} closed {segment_closings[first]}"
    if closed is not None and not closings:
        return f"closed {route['closed']} but none of its segments closes"
    if closed is not None:
        first = min(closings, key=lambda s: closings[s])
        if closings[first] != closed:
            return f"closed {route['closed']} but its segment {first!r} closed {segment_closings[first]}"
    return None


def why_not_on(row: Mapping[str, Any], date: dt.date, segments: pd.DataFrame | None = None) -> str:
    """Why a route or segment does not exist on ``date``.

    For example ``historical, closed 2022-08``, ``planned, no opening date`` or, for a route whose
    segment is the reason, ``segment 'qazvin-rasht-rail': planned, opens 2019``.

    Parameters
    ----------
    row
        A route or segment row.
    date
        The day asked about.
    segments
        The segments frame when ``row`` is a route, else None.

    Returns
    -------
    str
        The reason, for a message.
    """
    if segments is not None and status_on(row, date) == OPEN:
        for segment_id in row["segments"]:
            if status_on(segments.loc[segment_id], date) != OPEN:
                return f"segment {segment_id!r}: {why_not_on(segments.loc[segment_id], date)}"
    status = str(row.get("status", "")).replace("_", " ")
    opened, closed = (row.get(k) if isinstance(row.get(k), str) else None for k in ("opened", "closed"))
    if closed and parse_date(closed) <= date:
        return f"{status}, closed {closed}"
    if opened and parse_date(opened) > date:
        return f"{status}, opens {opened}"
    if row.get("status") in NOT_BUILT:
        return f"{status}, no opening date"
    return status


def _date_of(value: object, what: str) -> dt.date | None:
    return parse_date(value, f"{what} date") if isinstance(value, str) else None
