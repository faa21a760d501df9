"""``corridors list``: the ids, names and aliases to give other commands."""

from __future__ import annotations

import click

from .options import dataset, echo_json, format_option, render_table

#: What ``corridors list`` takes, and the feature kind each stands for.
LISTS = {"routes": "route", "segments": "segment", "places": "place", "airports": "airport", "concepts": "concept"}


@click.command("list")
@click.argument("what", required=False, type=click.Choice(list(LISTS)))
@format_option("table", "json")
@click.pass_context
def list_command(ctx: click.Context, what: str | None, fmt: str) -> None:
    """List routes, segments, places, airports or concepts (default: all) with their ids, names and aliases.

    Any id, name or alias listed here names the feature in other commands, in any case and with or
    without diacritics.

    \b
    Examples:
      corridors list routes
      corridors list places -f json | jq -r '.[].id'
      corridors show BTK
    """
    from ..lookup import KINDS, entries

    found = entries(dataset(ctx), [LISTS[what]] if what else KINDS)
    if fmt == "json":
        echo_json([{"id": e.id, "kind": e.kind, "name": e.name, "layer_or_country": e.group,
                    "aliases": list(e.aliases)} for e in found])
        return
    rows = [[e.id, e.kind, e.group, e.name, "; ".join(e.aliases)] for e in found]
    click.echo(render_table(["id", "kind", "layer/country", "name", "aliases"], rows))
