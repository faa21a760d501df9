"""``corridors layers``: what each layer holds."""

from __future__ import annotations

import dataclasses

import click

from .options import dataset, echo_json, format_option, render_table


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
    summary = dataset(ctx).summary()
    if fmt == "json":
        echo_json([dataclasses.asdict(s) | {"features": s.features} for s in summary])
        return
    headers = ["layer", "title", "routes", "segments", "airports", "cited", "mentions"]
    rows = [[s.name, s.title, s.routes, s.segments, s.airports, s.cited_attributes, s.mentions] for s in summary]
    click.echo(render_table(headers, rows))
