"""Dates of the layers: which routes and segments exist on a given day.

The layers write ``opened`` and ``closed`` at the precision the sources give (``YYYY``, ``YYYY-MM`` or
``YYYY-MM-DD``). A partial date stands for the first day of its period, as in ISO 8601 reduced
precision: ``2017`` is 1 January 2017 and ``2023-04`` is 1 April 2023.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from .errors import UsageError

_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


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
    """Which rows exist on ``date``: opened on or before it (or never dated), and not closed by then.

    A row whose ``opened`` is null counts as open (its ``status`` says whether it is built); a
    planned or under-construction line with an opening date after ``date`` is therefore hidden, and
    one closed on ``date`` itself is gone. Frames without ``opened``/``closed`` columns (airports,
    places) are active throughout.

    Returns
    -------
    pandas.Series
        Booleans indexed like ``frame``.
    """
    opened = _dates(frame, "opened")
    closed = _dates(frame, "closed")
    return pd.Series(
        [(o is None or o <= date) and (c is None or c > date) for o, c in zip(opened, closed)],
        index=frame.index,
        dtype=bool,
    )


def _dates(frame: pd.DataFrame, column: str) -> list[dt.date | None]:
    if column not in frame.columns:
        return [None] * len(frame)
    return [None if pd.isna(v) else parse_date(str(v), f"{column} date") for v in frame[column]]
