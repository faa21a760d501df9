"""``corridors layers``: what each layer holds."""

from __future__ import annotations

import dataclasses

import click

from .helpers import dataset, echo_json, layers_table
from .options import format_option


@click.command()
@format_option("table", "json")
@click.pass_context
def layers(ctx: click.Context, fmt: str) -> None:
    """List the layers with their feature, citation and mention counts.

    \b
    Examples:
      corridors layers
      corridors layers -f json
    """
    data = dataset(ctx)
    if fmt == "json":
        echo_json([dataclasses.asdict(s) | {"features": s.features} for s in data.summary()])
        return
    click.echo(layers_table(data))
