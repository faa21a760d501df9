"""``corridors compare``: lengths, countries and border crossings of routes side by side."""

from __future__ import annotations

import csv
import datetime as dt
import io
import sys

import click

from .options import (
    ARROW,
    boundaries_from,
    boundary_options,
    dataset,
    echo_json,
    estimate_columns,
    estimates_note,
    factor_table,
    format_option,
    lengths_csv,
    render_table,
    tolerance_note,
)


@click.command()
@click.argument("route_ids", nargs=-1)
@click.option("--all", "all_routes", is_flag=True, help="Compare every route.")
@click.option("--crossings", "show_crossings", is_flag=True, help="Also print a table of border crossings.")
@click.option(
    "--as-of",
    "as_of",
    metavar="DATE",
    help="Only routes open on DATE (YYYY[-MM[-DD]]); planned ones count only from a known opening date.",
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
    ctx, route_ids, all_routes, show_crossings, as_of, show_estimates, fmt, boundaries_path, iso_field, min_excursion_km
) -> None:
    """Compare routes: geodesic length per mode and country, country sequence, crossings.

    With --estimates (and always in JSON): transit days, transshipments, customs borders and CO2 per
    tonne, from the cited factors in geo/factors.csv, as of --as-of or today.
    """
    from ..analysis import analyze_routes, default_boundaries
    from ..estimates import estimate_routes
    from ..timeline import parse_date

    if bool(route_ids) == all_routes:
        raise click.UsageError("give route ids or --all (not both)")
    data = dataset(ctx)
    ids = None if all_routes else list(route_ids)
    left_out = 0
    if as_of is not None:
        ids, left_out = routes_open_on(data, ids, as_of)
    boundaries = boundaries_from(boundaries_path, iso_field)
    analyses = analyze_routes(data, ids, boundaries=boundaries, min_excursion_km=min_excursion_km)
    estimates = None
    if fmt == "json" or show_estimates:
        on = parse_date(as_of, "--as-of") if as_of is not None else dt.date.today()
        bounds = boundaries or default_boundaries()
        estimates = estimate_routes(data, analyses, factor_table(ctx), on, boundaries=bounds)
    if fmt == "json":
        echo_json([a.to_dict() | e.to_dict() for a, e in zip(analyses, estimates or [])])
    elif fmt == "csv":
        write_csv(analyses, estimates)
    else:
        click.echo(comparison_table(analyses, estimates))
        if show_crossings:
            click.echo("\n" + crossings_table(analyses))
        if analyses:
            click.echo("\n" + tolerance_note(analyses[0].tolerance_km))
        if estimates:
            click.echo(estimates_note(estimates, [a.id for a in analyses]))
        if left_out:
            click.echo(f"As of {as_of}: {left_out} route(s) not open on that date left out.")


def routes_open_on(data, ids, as_of: str) -> tuple[list[str], int]:
    """The routes among ``ids`` (every route when None) that exist on the ``--as-of`` date, and how many were left out.

    Raises
    ------
    UsageError
        For a route named on the command line that does not exist on that date, or when none does.
    """
    from ..errors import UsageError
    from ..timeline import active_on, parse_date, why_not_on

    date = parse_date(as_of, "--as-of")
    is_open = active_on(data.routes, date)
    if ids is None:
        chosen = [i for i in data.routes.index if is_open[i]]
        if not chosen:
            raise UsageError(f"no route is open on {date.isoformat()}")
        return chosen, len(data.routes) - len(chosen)
    for route_id in ids:
        if route_id in data.routes.index and not is_open[route_id]:
            why = why_not_on(data.routes.loc[route_id], date)
            raise UsageError(f"route {route_id!r} does not exist on {date.isoformat()} ({why})")
    return ids, 0


def comparison_table(analyses, estimates=None) -> str:
    """One row per route: lengths, countries, crossings, and with ``estimates`` their four columns."""
    modes = sorted({m for a in analyses for m in a.length_by_mode_km})
    headers = ["route", "layer", "status", "km", *(f"{m} km" for m in modes), "countries", "crossings"]
    rows = [
        [
            a.id,
            a.layer,
            a.status,
            f"{a.length_km:.1f}",
            *(f"{a.length_by_mode_km.get(m, 0):.1f}" for m in modes),
            ARROW.join(a.countries),
            a.crossings_count,
        ]
        for a in analyses
    ]
    numeric = [False, False, False, True, *([True] * len(modes)), False, True]
    if estimates is not None:
        extra_headers, extra_rows = estimate_columns(estimates)
        headers += extra_headers
        rows = [row + extra for row, extra in zip(rows, extra_rows)]
        numeric += [True] * len(extra_headers)
    return render_table(headers, rows, numeric)


def crossings_table(analyses) -> str:
    headers = ["route", "#", "from", "to", "lon", "lat", "at km", "by sea"]
    rows = [
        [a.id, n, c.origin, c.destination, f"{c.lon:.4f}", f"{c.lat:.4f}", f"{c.at_km:.1f}", "yes" if c.by_sea else ""]
        for a in analyses
        for n, c in enumerate(a.border_crossings, start=1)
    ]
    return render_table(headers, rows, [False, True, False, False, True, True, True, False])


def write_csv(analyses, estimates=None) -> None:
    """One row per route; per-mode and per-country lengths flattened into columns, then the estimates."""
    rows = (([a.id, a.name, a.layer, a.status], a) for a in analyses)
    text = lengths_csv(rows, ["id", "name", "layer", "status"])
    if estimates is not None:
        text = with_estimate_columns(text, estimates)
    sys.stdout.write(text)


def with_estimate_columns(text: str, estimates) -> str:
    """CSV text with columns for the estimates appended (empty where a factor is missing)."""
    table = list(csv.reader(io.StringIO(text)))
    table[0] += [
        "customs_borders",
        "transshipments",
        "transit_days_low",
        "transit_days_high",
        "co2_kg_per_tonne_low",
        "co2_kg_per_tonne_high",
    ]
    for row, e in zip(table[1:], estimates):
        days, co2 = e.transit_days, e.co2_kg_per_tonne
        row += [
            e.customs_borders,
            e.transshipments,
            *((f"{days.low:.2f}", f"{days.high:.2f}") if days else ("", "")),
            *((f"{co2.low:.2f}", f"{co2.high:.2f}") if co2 else ("", "")),
        ]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(table)
    return buffer.getvalue()
