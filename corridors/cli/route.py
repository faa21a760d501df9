"""``corridors route``: the shortest multimodal path between two places, with its borders."""

from __future__ import annotations

import click

from ..defaults import MAX_ALTERNATIVES, MODES
from .compare import comparison_table, crossings_table
from .options import (
    ARROW,
    boundaries_from,
    boundary_options,
    dataset,
    echo_json,
    format_option,
    render_table,
    tolerance_note,
)


def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    """``--avoid ARM,IRN --avoid TUR`` and ``--avoid "ARM, IRN"`` alike."""
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


@click.command()
@click.argument("origin", metavar="FROM")
@click.argument("destination", metavar="TO")
@click.option("--via", multiple=True, metavar="PLACE", help="Pass this place (repeatable, in order).")
@click.option(
    "--avoid",
    multiple=True,
    metavar="ISO3,...",
    help="Countries the path must not enter; a sea leg counts as its ports' countries.",
)
@click.option(
    "--modes", multiple=True, metavar="MODE,...", help=f"Modes allowed: {', '.join(MODES)} (default: all)."
)
@click.option(
    "--as-of",
    "as_of",
    metavar="DATE",
    help="Use only segments open on DATE (YYYY[-MM[-DD]]); planned lines count only from a known opening date.",
)
@click.option(
    "--alternatives",
    "-k",
    type=click.IntRange(min=1, max=MAX_ALTERNATIVES),
    default=1,
    show_default=True,
    help="Show up to K shortest paths, distinct by their segments.",
)
@format_option("table", "json", "geojson")
@boundary_options
@click.pass_context
def route(
    ctx, origin, destination, via, avoid, modes, as_of, alternatives, fmt, boundaries_path, iso_field, min_excursion_km
) -> None:
    """Shortest path from FROM to TO over every corridor layer, changing mode at shared places.

    FROM, TO and --via take place ids or names, in any case, with or without diacritics, aliases
    included (Stepanakert = Khankendi, Culfa = Julfa). The path is analysed like a route in
    `corridors compare`: length per mode and per country, countries, border crossings. Without
    --as-of every segment counts, planned and under construction ones included. A constraint
    that leaves no path is an error naming it (exit status 1).
    """
    from ..routing import Constraints, Network, find_routes, to_geojson
    from ..timeline import parse_date

    data = dataset(ctx)
    network = Network(data, boundaries=boundaries_from(boundaries_path, iso_field), min_excursion_km=min_excursion_km)
    constraints = Constraints(
        avoid=_split(avoid),
        modes=_split(modes),
        as_of=parse_date(as_of, "--as-of") if as_of is not None else None,
        via=tuple(via),
    )
    answer = find_routes(network, origin, destination, constraints, alternatives=alternatives)
    if fmt == "table":
        click.echo(route_report(answer, network, alternatives))
        return
    if fmt == "json":
        echo_json([p.to_dict() for p in answer.paths])
    else:  # RFC 7946, one feature per line, as `corridors export -f geojson` writes it
        from ..export import feature_collection_text

        click.echo(feature_collection_text(to_geojson(answer, data)["features"]), nl=False)
    for note in answer.notes:  # stdout holds only the JSON
        click.echo(f"Note: {note}.", err=True)


def route_report(answer, network, wanted: int) -> str:
    """The table form: per path, its legs, then the compare row and its crossings."""
    names = network.places.names
    described = answer.constraints.describe(names)
    blocks = [f"{names[answer.origin]} → {names[answer.destination]}" + (f" ({described})" if described else "")]
    blocks += [f"Note: {note}." for note in answer.notes]
    for path in answer.paths:
        if wanted > 1:
            blocks.append(f"\nPath {path.rank} of {len(answer.paths)}: {path.analysis.length_km:.1f} km")
        rows = [
            [
                n,
                leg["segment"],
                leg["mode"],
                names[leg["from"]],
                names[leg["to"]],
                f"{leg['length_km']:.1f}",
                leg["status"],
                ARROW.join(leg["countries"]),
            ]
            for n, leg in enumerate(path.legs, start=1)
        ]
        headers = ["#", "segment", "mode", "from", "to", "km", "status", "countries"]
        blocks.append("\n" + render_table(headers, rows, [True, False, False, False, False, True, False, False]))
        blocks.append("\n" + comparison_table([path.analysis]))
        if path.analysis.border_crossings:
            blocks.append("\n" + crossings_table([path.analysis]))
    if wanted > len(answer.paths):
        blocks.append(f"\nOnly {len(answer.paths)} path(s) satisfy the constraints.")
    tolerance = answer.paths[0].analysis.tolerance_km
    blocks.append("\n" + tolerance_note(tolerance))
    return "\n".join(blocks)
