"""Options and helpers shared by the subcommands."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import click
import click.shell_completion

from ..defaults import DEFAULT_MIN_EXCURSION_KM, LIST_SEPARATOR, NATURAL_EARTH_ISO_FIELD
from ..errors import excerpt, printable

if TYPE_CHECKING:  # importing the library loads geopandas: done inside the commands, when they run
    from ..layers import Dataset

#: Largest --min-excursion-km accepted: half the Earth's circumference, beyond which it means nothing.
MAX_EXCURSION_KM = 20_000.0
#: Joins the countries a line passes through.
ARROW = " → "


def format_option(*choices: str, default: str = "table"):
    """``--format/-f`` limited to the given output formats."""
    return click.option(
        "--format",
        "-f",
        "fmt",
        type=click.Choice(choices),
        default=default,
        show_default=True,
        help="Output format.",
    )


def dataset(ctx: click.Context) -> Dataset:
    """The dataset for this invocation, loaded once from ``--data-dir``."""
    from ..layers import load_dataset

    obj = ctx.find_root().obj
    if "dataset" not in obj:
        obj["dataset"] = load_dataset(obj["data_dir"])
    return obj["dataset"]


def complete_ids(*kinds: str):
    """Shell completion of feature ids (of these kinds, or every kind), shown with their names."""

    def complete(
        ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[click.shell_completion.CompletionItem]:
        from ..layers import load_dataset
        from ..lookup import KINDS, entries

        try:
            data = load_dataset(ctx.find_root().params.get("data_dir"))
        except Exception:  # completion must never print a traceback into the shell
            return []
        return [click.shell_completion.CompletionItem(e.id, help=e.name)
                for e in entries(data, kinds or KINDS) if e.id.startswith(incomplete)]

    return complete


def factor_table(ctx: click.Context):
    """The cited factors of the estimates (``geo/factors.csv`` of ``--data-dir``), loaded once."""
    from ..estimates import factors_path, load_factors

    obj = ctx.find_root().obj
    if "factors" not in obj:
        obj["factors"] = load_factors(factors_path(obj["data_dir"]))
    return obj["factors"]


def estimate_columns(estimates: Sequence[Any]) -> tuple[list[str], list[list[str]]]:
    """Table columns for estimates: customs borders, transshipments, days (low–high), CO₂ kg per tonne."""
    headers = ["customs", "transship", "days", "CO2 kg/t"]

    def span(value: Any, digits: int) -> str:
        if value is None:
            return "?"
        low, high = round(value.low, digits), round(value.high, digits)
        return f"{low:.{digits}f}" if low == high else f"{low:.{digits}f}–{high:.{digits}f}"

    rows = [
        [e.customs_borders, e.transshipments, span(e.transit_days, 1), span(e.co2_kg_per_tonne, 0)] for e in estimates
    ]
    return headers, rows


def estimates_note(estimates: Sequence[Any], ids: Sequence[str]) -> str:
    """The footnote under estimate columns: what they are, and the factors a ``?`` lacks."""
    lines = [
        "Days: moving time plus dwell at customs borders, gauge breaks and transshipments (low–high); "
        "CO2: kg per tonne of cargo; factors and sources in geo/factors.csv."
    ]
    for line_id, e in zip(ids, estimates):
        if e.missing_factors:
            lines.append(f"{line_id}: missing factors: {'; '.join(e.missing_factors)}")
    return "\n".join(lines)


def echo_json(value: Any) -> None:
    """Strict JSON (no NaN) on stdout."""
    from ..io import to_json

    click.echo(to_json(value, ensure_ascii=False, indent=2))


class FiniteFloat(click.ParamType):
    """A finite number, at least ``minimum``: ``nan``, ``inf`` and absurd values are refused."""

    name = "float"

    def __init__(self, minimum: float = 0.0, maximum: float = 1e6) -> None:
        self.minimum = minimum
        self.maximum = maximum

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        try:
            number = float(value)
        except (TypeError, ValueError):
            self.fail(f"{excerpt(value)!r} is not a number", param, ctx)
        if not math.isfinite(number):
            self.fail(f"{excerpt(value)!r} is not a finite number", param, ctx)
        if not self.minimum <= number <= self.maximum:
            self.fail(f"{number:g} is not between {self.minimum:g} and {self.maximum:g}", param, ctx)
        return number


def render_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], numeric: Sequence[bool] | None = None) -> str:
    """A plain text table: numbers right-aligned, everything else left-aligned."""
    cells = [[("" if v is None else printable(v)) for v in row] for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(headers)]
    numeric = numeric or [all(isinstance(r[i], (int, float)) for r in rows) and bool(rows) for i in range(len(headers))]

    def line(values: Sequence[str]) -> str:
        return "  ".join(v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric)).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in cells)])


def boundary_options(command):
    """``--boundaries FILE``, ``--iso-field`` and ``--min-excursion-km``, shared by analysis commands."""
    command = click.option(
        "--min-excursion-km",
        type=FiniteFloat(0.0, MAX_EXCURSION_KM),
        default=DEFAULT_MIN_EXCURSION_KM,
        show_default=True,
        help="Give passages into a third country, and gaps between countries, shorter than this to their "
        "neighbours (each one is listed under \"absorbed\" in JSON).",
    )(command)
    command = click.option(
        "--iso-field",
        default=NATURAL_EARTH_ISO_FIELD,
        show_default=True,
        help="Country code field of --boundaries.",
    )(command)
    return click.option(
        "--boundaries",
        "boundaries_path",
        type=click.Path(dir_okay=False, exists=True),
        help="Country polygons to use instead of the default ones (OpenStreetMap in the South Caucasus, "
        "Natural Earth 10m elsewhere); any OGR polygon layer.",
    )(command)


def boundaries_from(path: str | None, iso_field: str, area: Sequence[float] | None = None):
    """The boundaries named on the command line, or None for the default ones.

    ``area`` (minx, miny, maxx, maxy) is where the lines are: only boundaries near it are read (and
    cached prepared, see :func:`corridors.boundaries.from_file`)."""
    if path is None:
        return None
    from ..boundaries import from_file

    finite = area is not None and all(math.isfinite(v) for v in area)  # no lines: no area
    return from_file(path, iso_field, tuple(float(v) for v in area) if finite else None)  # type: ignore[union-attr]


def tolerance_note(analyses: Sequence[Any]) -> str:
    """The footnote under a table of lengths: the ellipsoid, the tolerance used and what it absorbed.

    ``analyses`` are :class:`~corridors.analysis.RouteAnalysis` or
    :class:`~corridors.crossings.LineAnalysis` objects, all with the same tolerance.
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
