"""``corridors build``: the main job, run by the README's first command."""

from __future__ import annotations

import click

from .layers import layers


@click.command()
@click.pass_context
def build(ctx: click.Context) -> None:
    """Validate every layer and citation, then print the layers summary."""
    ctx.invoke(layers, fmt="table")
