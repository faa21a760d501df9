"""Helpers shared by the commands: the dataset of an invocation, tables, CSV, notes (no click options here).

Commands import from here and from :mod:`corridors.cli.options`, never from each other.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import click

from ..errors import printable
from ..vocab import LIST_SEPARATOR

if TYPE_CHECKING:  # importing the library loads geopandas: done inside the commands, when they run
    from ..boundaries import Boundaries
    from ..dataset import Dataset
    from ..estimates import FactorTable

#: Joins the countries a line passes through.
ARROW = " → "


def dataset(ctx: click.Context) -> Dataset:
    """The dataset for this invocation, loaded once from ``--data-dir``.

    Parameters
    ----------
    ctx
        The click context of the command.

    Returns
    -------
    Dataset
        The loaded dataset.
    """
    from ..layers import load_dataset

    obj = ctx.find_root().obj
    if "dataset" not in obj:
        obj["dataset"] = load_dataset(obj["data_dir"])
    return obj["dataset"]


def factor_table(ctx: click.Context) -> FactorTable:
    """The cited factors of the estimates (``geo/factors.csv`` of ``--data-dir``), loaded once.

    Parameters
    ----------
    ctx
        The click context of the command.

    Returns
    -------
    FactorTable
        The factors.
    """
    from ..estimates import factors_path, load_factors

    obj = ctx.find_root().obj
    if "factors" not in obj:
        obj["factors"] = load_factors(factors_path(obj["data_dir"]))
    return obj["factors"]


def echo_json(value: Any) -> None:
    """Print a value as indented, strict JSON (no NaN) on standard output.

    Parameters
    ----------
    value
        Any value :func:`corridors.io.to_json` accepts.
    """
    from ..io import to_json

    click.echo(to_json(value, ensure_ascii=False, indent=2))


def human_size(size: int) -> str:
    """``1.2 MB`` / ``340.5 kB`` (decimal units, as browsers and file managers show them).

    Parameters
    ----------
    size
        A size in bytes.

    Returns
    -------
    str
        The size in MB or kB.
    """
    return f"{size / 1e6:.2f} MB" if size >= 1e6 else f"{size / 1e3:.1f} kB"


def render_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], numeric: Sequence[bool] | None = None) -> str:
    """A plain text table: numbers right-aligned, everything else left-aligned.

    Parameters
    ----------
    headers
        The column headers.
    rows
        The rows, one value per column (None is an empty cell).
    numeric
        Which columns are right-aligned (default: those holding only numbers).

    Returns
    -------
    str
        The table, without a trailing newline.
    """
    cells = [[("" if v is None else printable(v)) for v in row] for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(headers)]
    numeric = numeric or [all(isinstance(r[i], (int, float)) for r in rows) and bool(rows) for i in range(len(headers))]

    def line(values: Sequence[str]) -> str:
        """One row, each cell padded to its column's width.

        Parameters
        ----------
        values
            One cell per column.

        Returns
        -------
        str
            The padded row.
        """
        return "  ".join(v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric)).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in cells)])


def layers_table(data: Dataset) -> str:
    """The table ``corridors layers`` prints: each layer with its feature, citation and mention counts.

    Parameters
    ----------
    data
        The dataset.

    Returns
    -------
    str
        The table.
    """
    headers = ["layer", "title", "routes", "segments", "airports", "cited", "mentions"]
    rows = [[s.name, s.title, s.routes, s.segments, s.airports, s.cited_attributes, s.mentions] for s in data.summary()]
    return render_table(headers, rows)


def comparison_table(analyses: Sequence[Any], published: bool = False, estimates: Sequence[Any] | None = None) -> str:
    """The table form of ``compare`` (and of a path in ``route``).

    With ``published``, the published length, our deviation and the source; with ``estimates`` (one
    per analysis), customs borders, transshipments, days and CO2.

    Parameters
    ----------
    analyses
        The analysed routes or paths.
    published
        Whether to add the published-length columns.
    estimates
        One estimate per analysis, or None for no estimate columns.

    Returns
    -------
    str
        The table.
    """
    modes = sorted({m for a in analyses for m in a.length_by_mode_km})
    headers = ["route", "layer", "status", "km", *(f"{m} km" for m in modes), "countries", "crossings"]
    numeric = [False, False, False, True, *([True] * len(modes)), False, True]
    if published:
        headers += ["published km", "deviation %", "source"]
        numeric += [True, True, False]
    rows = []
    for a in analyses:
        row = [
            a.id,
            a.layer,
            a.status,
            f"{a.length_km:.1f}",
            *(f"{a.length_by_mode_km.get(m, 0):.1f}" for m in modes),
            ARROW.join(a.countries),
            a.crossings_count,
        ]
        if published:
            figures = a.to_dict()
            row += [
                "" if figures["published_km"] is None else f"{figures['published_km']:g}",
                "" if figures["deviation_pct"] is None else f"{figures['deviation_pct']:+.1f}",
                _short_source(figures["published_source"]),
            ]
        rows.append(row)
    if estimates is not None:
        extra_headers, extra_rows = estimate_columns(estimates)
        headers += extra_headers
        rows = [row + extra for row, extra in zip(rows, extra_rows)]
        numeric += [True] * len(extra_headers)
    return render_table(headers, rows, numeric)


def _short_source(source: dict[str, Any] | None) -> str:
    return f"{source['outlet']}, {source['date']}" if source else ""


def crossings_table(analyses: Sequence[Any]) -> str:
    """Every border crossing of the analyses, one row each, in order along each line.

    Parameters
    ----------
    analyses
        The analysed routes or paths.

    Returns
    -------
    str
        The table.
    """
    headers = ["route", "#", "from", "to", "lon", "lat", "at km", "by sea"]
    rows = [
        [a.id, n, c.origin, c.destination, f"{c.lon:.4f}", f"{c.lat:.4f}", f"{c.at_km:.1f}", "yes" if c.by_sea else ""]
        for a in analyses
        for n, c in enumerate(a.border_crossings, start=1)
    ]
    return render_table(headers, rows, [False, True, False, False, True, True, True, False])


def estimate_columns(estimates: Sequence[Any]) -> tuple[list[str], list[list[str]]]:
    """Table columns for estimates: customs borders, transshipments, days (low–high), CO₂ kg per tonne.

    Parameters
    ----------
    estimates
        The estimates, one per row.

    Returns
    -------
    tuple of (list of str, list of list of str)
        The headers, and the cells of each row.
    """
    headers = ["customs", "transship", "days", "CO2 kg/t"]

    def span(value: Any, digits: int) -> str:
        """A range as text.

        Parameters
        ----------
        value
            A low–high range, or None when a factor is missing.
        digits
            Decimals shown.

        Returns
        -------
        str
            ``low``, ``low–high`` or ``?``.
        """
        if value is None:
            return "?"
        low, high = round(value.low, digits), round(value.high, digits)
        return f"{low:.{digits}f}" if low == high else f"{low:.{digits}f}–{high:.{digits}f}"

    rows = [
        [e.customs_borders, e.transshipments, span(e.transit_days, 1), span(e.co2_kg_per_tonne, 0)] for e in estimates
    ]
    return headers, rows


def estimates_note(estimates: Sequence[Any], ids: Sequence[str]) -> str:
    """The footnote under estimate columns: what they are, and the factors a ``?`` lacks.

    Parameters
    ----------
    estimates
        The estimates, one per line.
    ids
        The ids of those lines, in the same order.

    Returns
    -------
    str
        The note, one or more lines.
    """
    lines = [
        "Days: moving time plus dwell at customs borders, gauge breaks and transshipments (low–high); "
        "CO2: kg per tonne of cargo; factors and sources in geo/factors.csv."
    ]
    for line_id, e in zip(ids, estimates):
        if e.missing_factors:
            lines.append(f"{line_id}: missing factors: {'; '.join(e.missing_factors)}")
    return "\n".join(lines)


def boundaries_from(path: str | None, iso_field: str, area: Sequence[float] | None = None) -> Boundaries | None:
    """The boundaries named on the command line, or None for the default ones.

    ``area`` (minx, miny, maxx, maxy) is where the lines are: only boundaries near it are read (and
    cached prepared, see :func:`corridors.boundaries.from_file`).

    Parameters
    ----------
    path
        The ``--boundaries`` file, or None.
    iso_field
        Its country code field.
    area
        The bounding box of the lines, or None.

    Returns
    -------
    Boundaries or None
        The boundaries read, or None for the default ones.
    """
    if path is None:
        return None
    from ..boundaries import from_file

    if area is None or not all(math.isfinite(v) for v in area):  # no lines: no area
        return from_file(path, iso_field, None)
    minx, miny, maxx, maxy = (float(v) for v in area)
    return from_file(path, iso_field, (minx, miny, maxx, maxy))


def tolerance_note(analyses: Sequence[Any]) -> str:
    """The footnote under a table of lengths: the ellipsoid, the tolerance used and what it absorbed.

    ``analyses`` are :class:`~corridors.analysis.RouteAnalysis` or
    :class:`~corridors.crossings.LineAnalysis` objects, all with the same tolerance.

    Parameters
    ----------
    analyses
        The analyses, at least one.

    Returns
    -------
    str
        The note.
    """
    absorbed = [record for a in analyses for record in a.absorbed]
    moved_km = sum(a.absorbed_km for a in analyses)
    return (
        f"Lengths in km on the WGS84 ellipsoid. Tolerance {analyses[0].tolerance_km:g} km (--min-excursion-km): "
        f"{len(absorbed)} slivers, gaps and landfalls absorbed, {moved_km:.1f} km moved to a neighbour "
        "(each listed under \"absorbed\" with -f json)."
    )


def lengths_csv(
    rows: Iterable[tuple[Sequence[Any], Any]],
    leading: Sequence[str],
    trailing: Sequence[dict[str, Any]] | None = None,
) -> str:
    """CSV text with one row per analysed line, per-mode and per-country lengths flattened into columns.

    ``rows`` holds, per line, the values of the ``leading`` columns and its analysis (a
    :class:`~corridors.analysis.RouteAnalysis` or a :class:`~corridors.crossings.LineAnalysis`).
    The columns are the leading ones, ``length_km``, ``mode_<m>_km``, ``country_<c>_km``,
    ``countries``, ``crossings_count`` and ``tolerance_km``, then the keys of ``trailing`` (one
    mapping per line; a missing key or None is an empty cell).

    Parameters
    ----------
    rows
        Per line, the values of the leading columns and its analysis.
    leading
        The names of the leading columns.
    trailing
        Per line, a mapping of extra columns, or None for none.

    Returns
    -------
    str
        The CSV text, header first.
    """
    rows = list(rows)
    extra = list(trailing) if trailing is not None else [{} for _ in rows]
    extra_columns = list(dict.fromkeys(k for e in extra for k in e))
    modes = sorted({m for _, a in rows for m in a.length_by_mode_km})
    places = sorted({c for _, a in rows for c in a.length_by_country_km})
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        [
            *leading,
            "length_km",
            *(f"mode_{m}_km" for m in modes),
            *(f"country_{c}_km" for c in places),
            "countries",
            "crossings_count",
            "tolerance_km",
            *extra_columns,
        ]
    )
    for (values, a), more in zip(rows, extra):
        crossings = a.border_crossings if hasattr(a, "border_crossings") else a.crossings
        writer.writerow(
            [
                *values,
                f"{a.length_km:.3f}",
                *(f"{a.length_by_mode_km.get(m, 0.0):.3f}" for m in modes),
                *(f"{a.length_by_country_km.get(c, 0.0):.3f}" for c in places),
                LIST_SEPARATOR.join(a.countries),
                len(crossings),
                a.tolerance_km,
                *("" if more.get(k) is None else more[k] for k in extra_columns),
            ]
        )
    return buffer.getvalue()
