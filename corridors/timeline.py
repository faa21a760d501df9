"""Dates of the layers: which routes and segments exist on a given day.

The layers write ``opened`` and ``closed`` at the precision the sources give (``YYYY``, ``YYYY-MM`` or
``YYYY-MM-DD``). A partial date stands for the first day of its period, as in ISO 8601 reduced
precision: ``2017`` is 1 January 2017 and ``2023-04`` is 1 April 2023.

One rule, used by ``map``, ``compare`` and ``route`` alike, decides what exists on a day: opened on or
before it and not closed by then; a planned or under-construction line only from a known opening
date; a built line with no opening date since before any date asked about.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from .errors import UsageError
from .vocab import NOT_BUILT

_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def is_iso_date(value: object) -> bool:
    """True for a string ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` naming a real date."""
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


def active_on(frame: pd.DataFrame, date: dt.date) -> pd.Series:
    """Which rows exist on ``date`` (see the module docstring for the rule).

    Frames without ``opened``/``closed``/``status`` columns (airports, places) exist throughout.

    Returns
    -------
    pandas.Series
        Booleans indexed like ``frame``.
    """
    opened = _dates(frame, "opened")
    closed = _dates(frame, "closed")
    statuses = frame["status"] if "status" in frame.columns else pd.Series(None, index=frame.index, dtype=object)
    return pd.Series(
        [
            (o is None or o <= date) and (c is None or c > date) and (o is not None or s not in NOT_BUILT)
            for o, c, s in zip(opened, closed, statuses)
        ],
        index=frame.index,
        dtype=bool,
    )


def why_not_on(row: pd.Series, date: dt.date) -> str:
    """Why a route or segment does not exist on ``date``.

    For example ``historical, closed 2022-08`` or ``planned, no opening date``.
    """
    status = str(row.get("status", "")).replace("_", " ")
    opened, closed = (row.get(k) if isinstance(row.get(k), str) else None for k in ("opened", "closed"))
    if closed and parse_date(closed) <= date:
        return f"{status}, closed {closed}"
    if opened and parse_date(opened) > date:
        return f"{status}, opens {opened}"
    if row.get("status") in NOT_BUILT:
        return f"{status}, no opening date"
    return status


def _dates(frame: pd.DataFrame, column: str) -> list[dt.date | None]:
    if column not in frame.columns:
        return [None] * len(frame)
    return [None if pd.isna(v) else parse_date(str(v), f"{column} date") for v in frame[column]]
