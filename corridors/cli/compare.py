"""``corridors compare``: lengths, countries and border crossings of routes side by side."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

import click

from .helpers import (
    boundaries_from,
    comparison_table,
    crossings_table,
    dataset,
    echo_json,
    estimates_note,
    factor_table,
    lengths_csv,
    tolerance_note,
)
from .options import WrittenDate, as_of_option, boundary_options, complete_ids, format_option

if TYPE_CHECKING:  # the library loads geopandas: imported inside the command, when it runs
    from ..analysis import RouteAnalysis
    from ..estimates import Estimate



@click.command()
@click.argument("route_ids", nargs=-1, shell_complete=complete_ids("route"))
@click.option("--all", "all_routes", is_flag=True, help="Compare every route.")
@click.option("--crossings", "show_crossings", is_flag=True, help="Also print a table of border crossings.")
@as_of_option("Only routes open on DATE (YYYY[-MM[-DD]]); planned ones count only from a known opening date.")
@click.option(
    "--published",
    "show_published",
    is_flag=True,
    help="Add the published length, our deviation from it and its source to the table.",
)
@click.option(
    "--estimates",
    "show_estimates",
    is_flag=True,
    help="Add customs borders, transshipments, transit days and CO2 per tonne to the table or CSV "
    "(JSON always has them).",
)
@format_option("table", "json", "csv")
@boundary_options
@click.pass_context
def compare(
    ctx: click.Context,
    route_ids: tuple[str, ...],
    all_routes: bool,
    show_crossings: bool,
    as_of: WrittenDate | None,
    show_published: bool,
    show_estimates: bool,
    fmt: str,
    boundaries_path: str | None,
    iso_field: str,
    min_excursion_km: float,
) -> None:
    """Compare routes: geodesic length per mode and country, country sequence, crossings.

    ROUTE_IDS are ids, names or aliases of routes (`corridors list routes`). JSON and CSV also give
    each route's geometry quality and, where a length is published (geo/published.csv), that length,
    its source and our deviation from it. With --estimates (and always in JSON): transit days,
    transshipments, customs borders and CO2 per tonne, from the cited factors in geo/factors.csv, as
    of --as-of or today.

    \b
    Examples:
      corridors compare tripp btk-railway
      corridors compare --all --crossings --estimates
      corridors compare --all --as-of 2020 -f csv > routes.csv
    """
    from ..analysis import analyze_routes
    from ..boundaries import default_boundaries
    from ..dataset import routes_on
    from ..lookup import resolve_feature
    from ..timeline import undated_segments

    if bool(route_ids) == all_routes:
        raise click.UsageError("give route ids or --all (not both)")
    data = dataset(ctx)
    ids = None if all_routes else [resolve_feature(data, route_id, ["route"]) for route_id in route_ids]
    left_out = 0
    date = as_of
    written = as_of.written if as_of is not None else ""
    if date is not None:
        ids, left_out = routes_on(data, ids, date)
    boundaries = None
    if boundaries_path is not None:  # read near these routes only
        chosen = data.routes if ids is None else data.routes.loc[ids]
        area = data.segments.loc[[s for segments in chosen["segments"] for s in segments]].total_bounds
        boundaries = boundaries_from(boundaries_path, iso_field, area)
    analyses = analyze_routes(data, ids, boundaries=boundaries, min_excursion_km=min_excursion_km, as_of=date)
    estimates = None
    if fmt == "json" or show_estimates:
        from ..estimates import estimate_routes  # only here: a table without estimates starts faster

        bounds = boundaries or default_boundaries()
        estimates = estimate_routes(data, analyses, factor_table(ctx), date or dt.date.today(), boundaries=bounds)
    undated = [a.id for a in analyses if undated_segments(data.routes.loc[a.id], data.segments)] if date else []
    if fmt == "json":
        echo_json([a.to_dict() | e.to_dict() for a, e in zip(analyses, estimates or [])])
    elif fmt == "csv":
        write_csv(analyses, estimates)
    else:
        click.echo(comparison_table(analyses, show_published, estimates))
        if show_crossings:
            click.echo("\n" + crossings_table(analyses))
        if analyses:
            click.echo("\n" + tolerance_note(analyses))
        if estimates:
            click.echo(estimates_note(estimates, [a.id for a in analyses]))
        if left_out:
            click.echo(
                f"As of {written}: {left_out} route(s) not open on that date left out; status is as on that date."
            )
    if undated:
        click.echo(
            f"Note: as of {written}, {', '.join(undated)} counted open although some of their segments have no "
            "opening date (a built line without one counts as open on any date).",
            err=fmt != "table",
        )


def write_csv(analyses: Sequence[RouteAnalysis], estimates: Sequence[Estimate] | None = None) -> None:
    """Write CSV, one row per route, per-mode and per-country lengths flattened into columns.

    Then the geometry quality, the published figures (empty where none) and, with ``estimates``,
    their columns (empty where a factor is missing).

    Parameters
    ----------
    analyses
        The analysed routes.
    estimates
        One estimate per route, or None for no estimate columns.
    """
    from ..published import source_text

    rows = [([a.id, a.name, a.layer, a.status], a) for a in analyses]
    trailing = []
    for n, a in enumerate(analyses):
        figures = a.to_dict()
        trailing.append(
            {
                "geometry_quality": a.geometry_quality,
                **{f"segments_{q}": n for q, n in a.segments_by_geometry_quality.items()},
                "published_km": figures["published_km"],
                "published_source": source_text(figures["published_source"]),
                "deviation_pct": figures["deviation_pct"],
                "published_tolerance_pct": figures["published_tolerance_pct"],
                **{f"published_{c}_km": km for c, km in (figures["published_by_country_km"] or {}).items()},
                **{f"deviation_{c}_pct": p for c, p in (figures["deviation_by_country_pct"] or {}).items()},
                **(estimate_cells(estimates[n]) if estimates is not None else {}),
            }
        )
    sys.stdout.write(lengths_csv(rows, ["id", "name", "layer", "status"], trailing))


def estimate_cells(found: Estimate) -> dict[str, object]:
    """The CSV cells of one estimate: counts, then low and high days and CO2 (None where unknown).

    Parameters
    ----------
    found
        The estimate of one route.

    Returns
    -------
    dict
        Cells by column name.
    """
    days, co2 = found.transit_days, found.co2_kg_per_tonne
    return {
        "customs_borders": found.customs_borders,
        "transshipments": found.transshipments,
        "transit_days_low": round(days.low, 2) if days else None,
        "transit_days_high": round(days.high, 2) if days else None,
        "co2_kg_per_tonne_low": round(co2.low, 2) if co2 else None,
        "co2_kg_per_tonne_high": round(co2.high, 2) if co2 else None,
    }
