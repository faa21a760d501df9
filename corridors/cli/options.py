"""Options shared by the commands, as decorators; their callbacks return typed values (as rasterio's rio does).

Help must never load geopandas, so nothing here imports the library at module level.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any, TypeVar

import click
import click.shell_completion

from ..vocab import DEFAULT_MIN_EXCURSION_KM, NATURAL_EARTH_ISO_FIELD

Command = TypeVar("Command", bound=Callable[..., Any])

#: Largest --min-excursion-km accepted: half the Earth's circumference, beyond which it means nothing.
MAX_EXCURSION_KM = 20_000.0


class FiniteFloat(click.ParamType):
    """A finite number, at least ``minimum``: ``nan``, ``inf`` and absurd values are refused."""

    name = "float"

    def __init__(self, minimum: float = 0.0, maximum: float = 1e6) -> None:
        self.minimum = minimum
        self.maximum = maximum

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        """The number, or a usage error naming the option.

        Parameters
        ----------
        value
            The value given.
        param
            The option, for the message.
        ctx
            The click context, for the message.

        Returns
        -------
        float
            The number.

        Raises
        ------
        click.BadParameter
            If it is not a finite number between the bounds.
        """
        from ..errors import excerpt

        try:
            number = float(value)
        except (TypeError, ValueError):
            self.fail(f"{excerpt(value)!r} is not a number", param, ctx)
        if not math.isfinite(number):
            self.fail(f"{excerpt(value)!r} is not a finite number", param, ctx)
        if not self.minimum <= number <= self.maximum:
            self.fail(f"{number:g} is not between {self.minimum:g} and {self.maximum:g}", param, ctx)
        return number


class WrittenDate(dt.date):
    """A date that remembers how it was written (``2020`` stands for 1 January 2020), for messages."""

    written: str


def cb_date(ctx: click.Context, param: click.Parameter, value: str | None) -> WrittenDate | None:
    """``--as-of`` as a date; a bad one is a one-line usage error naming the flag.

    Parameters
    ----------
    ctx
        The click context.
    param
        The option, named in errors.
    value
        The date as written, or None.

    Returns
    -------
    WrittenDate or None
        The date, or None when the option is not given.
    """
    if value is None:
        return None
    from ..timeline import parse_date

    day = parse_date(value, param.opts[0])
    written = WrittenDate(day.year, day.month, day.day)
    written.written = value
    return written


def cb_split(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> tuple[str, ...]:
    """``--avoid ARM,IRN --avoid TUR`` and ``--avoid "ARM, IRN"`` alike, as one tuple.

    Parameters
    ----------
    ctx
        The click context.
    param
        The option.
    values
        Each occurrence of the option.

    Returns
    -------
    tuple of str
        The parts, stripped, empty ones dropped.
    """
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def format_option(*choices: str, default: str | None = "table") -> Callable[[Command], Command]:
    """``--format/-f`` limited to the given output formats.

    Parameters
    ----------
    *choices
        The formats allowed.
    default
        The default format, or None for none.

    Returns
    -------
    callable
        The click option decorator.
    """
    return click.option(
        "--format",
        "-f",
        "fmt",
        type=click.Choice(choices),
        default=default,
        show_default=default is not None,
        help="Output format.",
    )


def as_of_option(help: str) -> Callable[[Command], Command]:
    """``--as-of DATE`` (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``), given to the command as a date.

    Parameters
    ----------
    help
        The option's help text.

    Returns
    -------
    callable
        The click option decorator.
    """
    return click.option("--as-of", "as_of", metavar="DATE", callback=cb_date, help=help)


def boundary_options(command: Command) -> Command:
    """``--boundaries FILE``, ``--iso-field`` and ``--min-excursion-km``, shared by analysis commands.

    Parameters
    ----------
    command
        The command to decorate.

    Returns
    -------
    click.Command
        The command with the three options.
    """
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


def complete_ids(
    *kinds: str,
) -> Callable[[click.Context, click.Parameter, str], list[click.shell_completion.CompletionItem]]:
    """Shell completion of feature ids (of these kinds, or every kind), shown with their names.

    Parameters
    ----------
    *kinds
        The kinds of feature to complete (none: every kind).

    Returns
    -------
    callable
        A click ``shell_complete`` callback.
    """

    def complete(
        ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[click.shell_completion.CompletionItem]:
        """The ids starting with what has been typed.

        Parameters
        ----------
        ctx
            The click context (its root holds ``--data-dir``).
        param
            The parameter being completed.
        incomplete
            What has been typed so far.

        Returns
        -------
        list of click.shell_completion.CompletionItem
            The matching ids with their names; none if the dataset cannot be loaded.
        """
        from ..layers import load_dataset
        from ..lookup import KINDS, entries

        try:
            data = load_dataset(ctx.find_root().params.get("data_dir"))
        except Exception:  # completion must never print a traceback into the shell
            return []
        return [click.shell_completion.CompletionItem(e.id, help=e.name)
                for e in entries(data, kinds or KINDS) if e.id.startswith(incomplete)]

    return complete
