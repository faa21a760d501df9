"""``corridors route``: the shortest multimodal path between two places, with its borders."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import click

from ..vocab import MAX_ALTERNATIVES, MODES
from .helpers import (
    ARROW,
    boundaries_from,
    comparison_table,
    crossings_table,
    dataset,
    echo_json,
    estimate_columns,
    estimates_note,
    factor_table,
    render_table,
    tolerance_note,
)
from .options import WrittenDate, as_of_option, boundary_options, cb_split, complete_ids, format_option

if TYPE_CHECKING:  # the library loads geopandas: imported inside the command, when it runs
    from ..estimates import PathEstimates
    from ..routing import Network, RouteAnswer, RoutePath


#: What ``--minimize`` may rank paths by (corridors.estimates.MEASURES; here so --help loads no library).
MEASURES = ("km", "days", "co2", "customs")


@click.command()
@click.argument("origin", metavar="FROM", shell_complete=complete_ids("place"))
@click.argument("destination", metavar="TO", shell_complete=complete_ids("place"))
@click.option("--via", multiple=True, metavar="PLACE", help="Pass this place (repeatable, in order).")
@click.option(
    "--avoid",
    multiple=True,
    callback=cb_split,
    metavar="ISO3,...",
    help="Countries the path must not enter; a sea leg counts as its ports' countries.",
)
@click.option(
    "--modes",
    multiple=True,
    callback=cb_split,
    metavar="MODE,...",
    help=f"Modes allowed: {', '.join(MODES)} (default: all).",
)
@as_of_option("Use only segments open on DATE (YYYY[-MM[-DD]]); planned lines count only from a known opening date.")
@click.option(
    "--alternatives",
    "-k",
    type=click.IntRange(min=1, max=MAX_ALTERNATIVES),
    default=1,
    show_default=True,
    help="Show up to K shortest paths, distinct by their segments.",
)
@click.option(
    "--minimize",
    type=click.Choice(MEASURES),
    default="km",
    show_default=True,
    help="Pick paths by geodesic km, transit days, CO2 per tonne or customs borders (estimates from geo/factors.csv).",
)
@format_option("table", "json", "geojson")
@boundary_options
@click.pass_context
def route(
    ctx: click.Context,
    origin: str,
    destination: str,
    via: tuple[str, ...],
    avoid: tuple[str, ...],
    modes: tuple[str, ...],
    as_of: WrittenDate | None,
    alternatives: int,
    minimize: str,
    fmt: str,
    boundaries_path: str | None,
    iso_field: str,
    min_excursion_km: float,
) -> None:
    """Shortest path from FROM to TO over every corridor layer, changing mode at shared places.

    FROM, TO and --via take place ids or names, in any case, with or without diacritics, aliases
    included (Stepanakert = Khankendi, Culfa = Julfa). The path is analysed like a route in
    `corridors compare`: length per mode and per country, countries, border crossings. Without
    --as-of every segment counts, planned and under construction ones included. A constraint
    that leaves no path is an error naming it (exit status 1).

    Each path also gets transit days (low–high), transshipments, customs borders and CO2 per tonne,
    estimated from the cited factors in geo/factors.csv as of --as-of or today; --minimize ranks the
    paths by one of them, and -k shows the trade-off in one table.

    \b
    Examples:
      corridors route Baku Kars
      corridors route Baku Nakhchivan --avoid ARM --minimize days
      corridors route Baku Astrakhan --as-of 2015 -k 3 -f geojson > paths.geojson
    """
    import datetime as dt

    from ..estimates import PathEstimates, segment_weights
    from ..routing import Constraints, Network, find_routes, to_geojson

    data = dataset(ctx)
    boundaries = boundaries_from(boundaries_path, iso_field, data.segments.total_bounds)
    network = Network(data, boundaries=boundaries, min_excursion_km=min_excursion_km)
    constraints = Constraints(
        avoid=avoid,
        modes=modes,
        as_of=as_of,
        via=tuple(via),
    )
    on = constraints.as_of or dt.date.today()
    estimates = PathEstimates(network, factor_table(ctx), minimize, on)
    ranked = minimize != "km"
    answer = find_routes(
        network,
        origin,
        destination,
        constraints,
        alternatives=alternatives,
        weights=segment_weights(network, estimates.factors, minimize, on) if ranked else None,
        rank=estimates if ranked else None,
    )
    if fmt == "table":
        click.echo(route_report(answer, network, alternatives, estimates))
        return
    if fmt == "json":
        echo_json([p.to_dict() | estimates.of(p).to_dict() | {"minimize": minimize} for p in answer.paths])
    else:  # RFC 7946, one feature per line, as `corridors export -f geojson` writes it
        from ..geojson import collection_text

        features = to_geojson(answer, data)["features"]
        for feature, path in zip(features, answer.paths):
            feature["properties"] |= estimates.of(path).to_dict() | {"minimize": minimize}
        click.echo(collection_text(features), nl=False)
    for note in answer.notes:  # stdout holds only the JSON
        click.echo(f"Note: {note}.", err=True)


def route_report(answer: RouteAnswer, network: Network, wanted: int, estimates: PathEstimates) -> str:
    """The table form of a route answer.

    The paths side by side when there are several, then per path its legs, the compare row with its
    estimates, and its crossings.

    Parameters
    ----------
    answer
        The route answer.
    network
        The network searched (for place names).
    wanted
        How many paths were asked for.
    estimates
        The estimates of the paths.

    Returns
    -------
    str
        The report.
    """
    names = network.places.names
    described = answer.constraints.describe(names)
    if estimates.measure != "km":
        described = (described + " " if described else "") + f"minimizing {estimates.measure}"
    blocks = [f"{names[answer.origin]} → {names[answer.destination]}" + (f" ({described})" if described else "")]
    blocks += [f"Note: {note}." for note in answer.notes]
    if wanted > 1:
        blocks.append("\n" + tradeoff_table(answer.paths, estimates))
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
        blocks.append("\n" + comparison_table([path.analysis], estimates=[estimates.of(path)]))
        if path.analysis.border_crossings:
            blocks.append("\n" + crossings_table([path.analysis]))
    if wanted > len(answer.paths):
        blocks.append(f"\nOnly {len(answer.paths)} path(s) satisfy the constraints.")
    blocks.append("\n" + tolerance_note([path.analysis for path in answer.paths]))
    blocks.append(estimates_note([estimates.of(p) for p in answer.paths], [p.analysis.id for p in answer.paths]))
    return "\n".join(blocks)


def tradeoff_table(paths: Sequence[RoutePath], estimates: PathEstimates) -> str:
    """The paths in one table: km, countries, crossings and the four estimates, to weigh one against another.

    Parameters
    ----------
    paths
        The paths found.
    estimates
        Their estimates.

    Returns
    -------
    str
        The table.
    """
    headers = ["path", "km", "countries", "crossings"]
    rows = [
        [p.analysis.id, f"{p.analysis.length_km:.1f}", ARROW.join(p.analysis.countries), p.analysis.crossings_count]
        for p in paths
    ]
    extra_headers, extra_rows = estimate_columns([estimates.of(p) for p in paths])
    numeric = [False, True, False, True] + [True] * len(extra_headers)
    return render_table(headers + extra_headers, [r + e for r, e in zip(rows, extra_rows)], numeric)
