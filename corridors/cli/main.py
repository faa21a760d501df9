"""The ``corridors`` click group: shared options, lazy subcommands, errors as one-line messages."""

from __future__ import annotations

import codecs
import contextlib
import errno
import importlib
import io
import logging
import os
import sys
from typing import Any

import click

from ..errors import BadParameter, CorridorsError, UsageError, excerpt, printable
from ..paths import DATA_DIR_ENV

log = logging.getLogger(__name__)

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
        """Every subcommand, by name.

        Parameters
        ----------
        ctx
            The click context.

        Returns
        -------
        list of str
            The names, sorted.
        """
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The subcommand, its module imported only now.

        Parameters
        ----------
        ctx
            The click context.
        cmd_name
            The name typed.

        Returns
        -------
        click.Command or None
            The subcommand, or None for an unknown name.
        """
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, attribute = target.split(":")
        return getattr(importlib.import_module(module), attribute)

    def invoke(self, ctx: click.Context) -> Any:
        """Run the subcommand; library errors become one-line messages and exit codes.

        Parameters
        ----------
        ctx
            The click context.

        Returns
        -------
        Any
            What the subcommand returns.

        Raises
        ------
        BadInput
            For a usage error or a library parameter error (exit 2).
        click.ClickException
            For any other error, including a bug (exit 1).
        """
        try:
            result = super().invoke(ctx)
            _flush_stdout()  # a full disk or closed pipe behind stdout surfaces here, not at exit
            return result
        except click.UsageError as exc:  # a bad option or argument: one line naming it, not the usage text
            raise BadInput(printable(exc.format_message())) from None
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except BrokenPipeError:
            # The reader went away (``corridors compare --all | head``): stop quietly, as cat does.
            _silence_stdout()
            ctx.exit(1)
        except BadParameter as exc:  # the library names its parameter; the command line names the flag
            raise BadInput(printable(exc.naming("--" + exc.parameter.replace("_", "-")))) from None
        except UsageError as exc:
            raise BadInput(printable(exc)) from None
        except CorridorsError as exc:
            raise click.ClickException(printable(exc)) from None
        except OSError as exc:
            if exc.filename is None:  # a write to standard output (closed, full disk)
                _silence_stdout()
                raise click.ClickException(f"standard output: {exc.strerror or exc}") from None
            raise click.ClickException(printable(f"{exc.filename}: {exc.strerror or exc}")) from None
        except MemoryError:
            raise click.ClickException("out of memory") from None
        except Exception as exc:  # a bug: still one line for the user, the traceback with -vv
            log.debug("internal error", exc_info=True)
            message = f"internal error ({type(exc).__name__}: {excerpt(exc)}); run with -vv for details"
            raise click.ClickException(message) from None


def _flush_stdout() -> None:
    if sys.stdout is not None:
        sys.stdout.flush()


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so Python's flush at exit does not fail a second time."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


class _ClosedStdout(io.TextIOBase):
    """Stands in for a closed standard output (``>&-``): writing to it is an error, not silence."""

    encoding = "utf-8"

    def write(self, text: str) -> int:
        """Refuse the write, as a closed file descriptor does.

        Parameters
        ----------
        text
            The text not written.

        Raises
        ------
        OSError
            Always (``EBADF``).
        """
        raise OSError(errno.EBADF, "closed (bad file descriptor)")

    def fileno(self) -> int:
        raise OSError(errno.EBADF, "closed (bad file descriptor)")


def _escape_unencodable(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: characters stdout's encoding lacks become JSON-compatible \\uXXXX escapes."""
    assert isinstance(error, UnicodeEncodeError)
    text = error.object[error.start : error.end]
    units = text.encode("utf-16-be")
    escaped = "".join(f"\\u{int.from_bytes(units[i : i + 2], 'big'):04x}" for i in range(0, len(units), 2))
    return escaped, error.end


def _prepare_stdout() -> None:
    """A closed stdout raises on write; one that cannot encode UTF-8 writes escapes instead of failing."""
    if sys.stdout is None:
        sys.stdout = _ClosedStdout()
        return
    encoding = (getattr(sys.stdout, "encoding", None) or "").lower().replace("_", "-")
    if not encoding.startswith("utf") and hasattr(sys.stdout, "reconfigure"):
        codecs.register_error(_ESCAPE, _escape_unencodable)
        sys.stdout.reconfigure(errors=_ESCAPE)


_ESCAPE = "corridors-json-escape"


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
    _prepare_stdout()
    from ..io import protect_data_dir

    protect_data_dir(data_dir)  # outputs never overwrite geo/ or seeds/, checked before any work
    level = max(logging.DEBUG, logging.WARNING - 10 * (verbose - quiet))
    logging.basicConfig(level=level, format="%(levelname)s: %(message)s")
    ctx.obj = {"data_dir": data_dir}


if __name__ == "__main__":
    cli()
