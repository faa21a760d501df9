"""``corridors build``: the main job, run by the README's first command."""

from __future__ import annotations

from pathlib import Path

import click

from ..paths import data_dir, maps_dir
from .layers import layers
from .map import human_size
from .options import dataset, factor_table, render_table


@click.command()
@click.option(
    "-o", "--output-dir", type=click.Path(file_okay=False), help="Where to write the maps (default: maps/ beside geo/)",
)
@click.option("--offline", is_flag=True, help="Write self-contained maps that open with no network.")
@click.pass_context
def build(ctx: click.Context, output_dir: str | None, offline: bool) -> None:
    """Validate every layer and citation, write the maps, and print the layers and routes.

    \b
    Examples:
      corridors build
      corridors build --offline -o /tmp/maps
    """
    from ..analysis import analyze_routes
    from ..maps import write_maps
    from .compare import comparison_table

    ctx.invoke(layers, fmt="table")
    data = dataset(ctx)
    analyses = analyze_routes(data)
    folder = Path(output_dir) if output_dir else maps_dir(data_dir(ctx.find_root().obj["data_dir"]))
    written = write_maps(data, folder, offline=offline, analyses=analyses, factors=factor_table(ctx))
    sizes = [[str(path), human_size(size)] for path, size in written]
    click.echo("\n" + render_table(["map", "size"], sizes, [False, True]))
    click.echo("\n" + comparison_table(analyses))
