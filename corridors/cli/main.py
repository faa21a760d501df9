"""The ``corridors`` click group: shared options, lazy subcommands, errors as one-line messages."""

from __future__ import annotations

import importlib
import logging
import os
import sys

import click

from ..errors import CorridorsError, UsageError
from ..paths import DATA_DIR_ENV

#: Subcommand name -> "module:function"; modules are imported only when their command runs.
COMMANDS = {
    "analyze": "corridors.cli.analyze:analyze",
    "build": "corridors.cli.build:build",
    "compare": "corridors.cli.compare:compare",
    "export": "corridors.cli.export:export",
    "layers": "corridors.cli.layers:layers",
    "list": "corridors.cli.list:list_command",
    "map": "corridors.cli.map:map_command",
    "route": "corridors.cli.route:route",
    "show": "corridors.cli.show:show",
}


class BadInput(click.ClickException):
    """A one-line ``Error: ...`` with exit status 2, for bad ids, options and input data."""

    exit_code = 2


class CorridorsGroup(click.Group):
    """Loads subcommands lazily and turns library errors into clean exits without tracebacks."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, attribute = target.split(":")
        return getattr(importlib.import_module(module), attribute)

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            # The reader went away (``corridors compare --all | head``): stop quietly, as cat does.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(1)
        except UsageError as exc:
            raise BadInput(str(exc)) from None
        except CorridorsError as exc:
            raise click.ClickException(str(exc)) from None
        except OSError as exc:
            raise click.ClickException(f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": ")) from None


@click.group(cls=CorridorsGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="corridors")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, exists=True),
    envvar=DATA_DIR_ENV,
    help=f"Directory holding seeds/ and geo/ [default: this checkout, else the copy installed with the package; "
    f"env: {DATA_DIR_ENV}].",
)
@click.option("-v", "--verbose", count=True, help="More log messages on stderr.")
@click.option("-q", "--quiet", count=True, help="Fewer log messages on stderr.")
@click.pass_context
def cli(ctx: click.Context, data_dir: str | None, verbose: int, quiet: int) -> None:
    """Explore South Caucasus transport corridors: cited layers, geodesic lengths, border crossings.

    \b
    Examples:
      corridors list routes
      corridors compare tripp btk-railway
      corridors route Baku Kars --avoid ARM
      corridors export -f gpkg -o corridors.gpkg

    Shell completion (ids included): eval "$(_CORRIDORS_COMPLETE=bash_source corridors)"
    """
    level = max(logging.DEBUG, logging.WARNING - 10 * (verbose - quiet))
    logging.basicConfig(level=level, format="%(levelname)s: %(message)s")
    ctx.obj = {"data_dir": data_dir}


if __name__ == "__main__":
    cli()
