"""Options and helpers shared by the subcommands."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import click

from ..layers import Dataset, load_dataset


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
    obj = ctx.find_root().obj
    if "dataset" not in obj:
        obj["dataset"] = load_dataset(obj["data_dir"])
    return obj["dataset"]


def echo_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


def render_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], numeric: Sequence[bool] | None = None) -> str:
    """A plain text table: numbers right-aligned, everything else left-aligned."""
    cells = [[("" if v is None else str(v)) for v in row] for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(headers)]
    numeric = numeric or [all(isinstance(r[i], (int, float)) for r in rows) and bool(rows) for i in range(len(headers))]

    def line(values: Sequence[str]) -> str:
        return "  ".join(v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric)).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in cells)])


def boundary_options(command):
    """``--boundaries FILE``, ``--iso-field`` and ``--min-excursion-km``, shared by analysis commands."""
    from ..crossings import DEFAULT_MIN_EXCURSION_KM

    command = click.option(
        "--min-excursion-km",
        type=click.FloatRange(min=0),
        default=DEFAULT_MIN_EXCURSION_KM,
        show_default=True,
        help="Ignore passages into a third country, and gaps between countries, shorter than this "
        "(generalised borders put river towns on the wrong bank).",
    )(command)
    command = click.option(
        "--iso-field",
        default="ADM0_A3",
        show_default=True,
        help="Country code field of --boundaries.",
    )(command)
    return click.option(
        "--boundaries",
        "boundaries_path",
        type=click.Path(dir_okay=False, exists=True),
        help="Country polygons to use instead of Natural Earth 10m (any OGR polygon layer).",
    )(command)


def boundaries_from(path: str | None, iso_field: str):
    """The boundaries named on the command line, or None for the default Natural Earth ones."""
    if path is None:
        return None
    from ..boundaries import from_file

    return from_file(path, iso_field)
