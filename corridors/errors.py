"""Errors raised by the library; the CLI turns them into one-line messages and exit codes."""

from __future__ import annotations

#: Longest excerpt of user text (an id, a value, a library's message) quoted in an error line.
EXCERPT_CHARS = 80


def printable(value: object) -> str:
    """Text safe for a terminal: control characters (newlines, escape sequences) shown escaped.

    Parameters
    ----------
    value
        Anything; its ``str`` is used.

    Returns
    -------
    str
        The text, unchanged when already printable.
    """
    text = str(value)
    return text if text.isprintable() else "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def excerpt(value: object, limit: int = EXCERPT_CHARS) -> str:
    """At most ``limit`` characters of printable text, with ``...`` where it was cut.

    Parameters
    ----------
    value
        Anything; its ``str`` is used.
    limit
        Longest result, in characters.

    Returns
    -------
    str
        The printable, possibly shortened text.
    """
    text = printable(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class CorridorsError(Exception):
    """Base class for every error the library raises on purpose."""


class UsageError(CorridorsError):
    """The caller asked for something that cannot be (bad id, option or input): exit 2."""


class BadParameter(UsageError):
    """A parameter given a value that cannot be; the message names the parameter, as the caller wrote it.

    The message is written with ``{parameter}`` where the parameter's name goes, so that the command
    line can name its flag instead (:meth:`naming`): the library says ``min_excursion_km``, the CLI
    ``--min-excursion-km``.
    """

    def __init__(self, parameter: str, message: str) -> None:
        self.parameter = parameter
        self.template = message
        super().__init__(self.naming(parameter))

    def naming(self, name: str) -> str:
        """The message with the parameter called ``name``.

        Parameters
        ----------
        name
            How the caller knows the parameter (a flag, for the command line).

        Returns
        -------
        str
            The message.
        """
        return self.template.replace("{parameter}", name)


class UnknownName(UsageError):
    """A name the data does not hold, with the closest names as did-you-mean suggestions."""

    what = "name"

    def __init__(self, name: str, suggestions: list[str]) -> None:
        self.name = name
        self.suggestions = suggestions
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"unknown {self.what} {name!r}{hint}")


class UnknownFeature(UnknownName):
    """An id that no layer holds."""

    what = "feature id"


class InvalidData(CorridorsError):
    """A data file (document, layer, attribute table) breaks its contract: names file and feature."""

    def __init__(self, path: object, message: str, feature: str | None = None) -> None:
        self.path = str(path)
        self.feature = feature
        where = f"{self.path}: feature {feature!r}" if feature else self.path
        super().__init__(f"{where}: {message}")


class CitationError(InvalidData):
    """A cited attribute whose quote is not in its document, or whose value the quote does not support."""


class UnknownLayer(UnknownName):
    """A layer name that does not exist."""

    what = "layer"


class NoRoute(CorridorsError):
    """No path satisfies the request; the message names the constraints that removed every path (exit 1)."""


class AuthoringError(CorridorsError):
    """A source file in ``geo/source/`` is inconsistent; the message names the file and the feature."""
