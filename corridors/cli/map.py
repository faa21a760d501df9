"""``corridors map``: write a Leaflet map of some features, some layers or everything as one HTML file (or PNG)."""

from __future__ import annotations

import click

from ..errors import UsageError
from .options import complete_ids, dataset, factor_table


def human_size(size: int) -> str:
    """``1.2 MB`` / ``340.5 kB`` (decimal units, as browsers and file managers show them)."""
    return f"{size / 1e6:.2f} MB" if size >= 1e6 else f"{size / 1e3:.1f} kB"


@click.command("map")
@click.argument("feature_ids", nargs=-1, shell_complete=complete_ids("route", "segment", "airport"))
@click.option("--layer", "layer_names", multiple=True, help="A layer to map (repeatable): lachin-road, airports...")
@click.option("--all", "all_layers", is_flag=True, help="Map every layer.")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), required=True,
    help="File to write: HTML, or PNG (rendered by headless Chromium; always from the offline map).",
)
@click.option("--offline", is_flag=True, help="Inline Leaflet and every asset, draw no tiles: opens with no network.")
@click.option(
    "--as-of", "as_of", metavar="DATE",
    help="Show what existed on DATE (YYYY[-MM[-DD]]), styled by its status then, the date on the map.",
)
@click.option("--title", help="The map's title (default: what it shows).")
@click.option("--subtitle", help="A line under the title.")
@click.pass_context
def map_command(ctx, feature_ids, layer_names, all_layers, output, offline, as_of, title, subtitle) -> None:
    """Write a map of route, segment or airport IDs (or names, aliases), of --layer L ..., or of --all layers.

    \b
    Examples:
      corridors map tripp BTK -o south-caucasus.html
      corridors map --layer lachin-road --as-of 2022 -o lachin-2022.html --title "The Lachin road in 2022"
      corridors map --all --offline -o corridors.html
      corridors map --all -o corridors.png
    """
    from ..io import check_writable
    from ..lookup import resolve_feature
    from ..maps import corridor_map, save_map
    from ..timeline import parse_date

    if sum(map(bool, (feature_ids, layer_names, all_layers))) != 1:
        raise UsageError("give feature ids, --layer or --all (exactly one of them)")
    check_writable(output)
    date = parse_date(as_of, "--as-of") if as_of is not None else None
    picture = output.lower().endswith(".png")
    if picture:
        from ..maps.png import check_renderer

        check_renderer()
    data = dataset(ctx)
    feature_ids = [resolve_feature(data, f, ["route", "segment", "airport"]) for f in feature_ids]
    fmap = corridor_map(
        data,
        feature_ids or None,
        layers=layer_names or None,
        as_of=date,
        offline=offline or picture,
        factors=factor_table(ctx),
        title=title,
        subtitle=subtitle,
    )
    size = save_map(fmap, output)
    click.echo(f"Wrote {output}: {human_size(size)}{' (offline)' if offline or picture else ''}.", err=True)
