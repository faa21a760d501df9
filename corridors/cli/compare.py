"""``corridors compare``: lengths, countries and border crossings of routes side by side."""

from __future__ import annotations

import datetime as dt
import sys

import click

from .options import (
    ARROW,
    boundaries_from,
    boundary_options,
    complete_ids,
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
@click.argument("route_ids", nargs=-1, shell_complete=complete_ids("route"))
@click.option("--all", "all_routes", is_flag=True, help="Compare every route.")
@click.option("--crossings", "show_crossings", is_flag=True, help="Also print a table of border crossings.")
@click.option(
    "--as-of",
    "as_of",
    metavar="DATE",
    help="Only routes open on DATE (YYYY[-MM[-DD]]); planned ones count only from a known opening date.",
)
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
    ctx,
    route_ids,
    all_routes,
    show_crossings,
    as_of,
    show_published,
    show_estimates,
    fmt,
    boundaries_path,
    iso_field,
    min_excursion_km,
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
    from ..analysis import analyze_routes, default_boundaries
    from ..estimates import estimate_routes
    from ..lookup import resolve_feature
    from ..timeline import parse_date, undated_segments

    if bool(route_ids) == all_routes:
        raise click.UsageError("give route ids or --all (not both)")
    data = dataset(ctx)
    ids = None if all_routes else [resolve_feature(data, route_id, ["route"]) for route_id in route_ids]
    left_out = 0
    date = parse_date(as_of, "--as-of") if as_of is not None else None
    if date is not None:
        ids, left_out = routes_open_on(data, ids, date)
    chosen = data.routes if ids is None else data.routes.loc[ids]
    area = data.segments.loc[[s for segments in chosen["segments"] for s in segments]].total_bounds
    boundaries = boundaries_from(boundaries_path, iso_field, area)  # read near these routes only
    analyses = analyze_routes(data, ids, boundaries=boundaries, min_excursion_km=min_excursion_km, as_of=date)
    estimates = None
    if fmt == "json" or show_estimates:
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
            click.echo(f"As of {as_of}: {left_out} route(s) not open on that date left out; status is as on that date.")
    if undated:
        click.echo(
            f"Note: as of {as_of}, {', '.join(undated)} counted open although some of their segments have no "
            "opening date (a built line without one counts as open on any date).",
            err=fmt != "table",
        )


def routes_open_on(data, ids, date) -> tuple[list[str], int]:
    """The routes among ``ids`` (every route when None) that exist on ``date``, and how many were left out.

    A route exists when it and all its segments do (:func:`corridors.timeline.active_on`).

    Raises
    ------
    UsageError
        For a route named on the command line that does not exist on that date, or when none does.
    """
    from ..errors import UsageError
    from ..timeline import active_on, why_not_on

    is_open = active_on(data.routes, date, data.segments)
    if ids is None:
        chosen = [i for i in data.routes.index if is_open[i]]
        if not chosen:
            raise UsageError(f"no route is open on {date.isoformat()}")
        return chosen, len(data.routes) - len(chosen)
    for route_id in ids:
        if route_id in data.routes.index and not is_open[route_id]:
            why = why_not_on(data.routes.loc[route_id], date, data.segments)
            raise UsageError(f"route {route_id!r} does not exist on {date.isoformat()} ({why})")
    return ids, 0


def comparison_table(analyses, published: bool = False, estimates=None) -> str:
    """The table form; with ``published``, the published length, our deviation and the source; with
    ``estimates`` (one per analysis), customs borders, transshipments, days and CO2."""
    modes = sorted({m for a in analyses for m in a.length_by_mode_km})
    headers = ["route", "layer", "status", "km", *(f"{m} km" for m in modes), "countries", "crossings"]
    numeric = [False, False, False, True, *([True] * len(modes)), False, True]
    if published:
        headers += ["published km", "deviation %", "source"]
        numeric += [True, True, False]
    rows = []
    for a in analyses:
        row = [
            a.id,
            a.layer,
            a.status,
            f"{a.length_km:.1f}",
            *(f"{a.length_by_mode_km.get(m, 0):.1f}" for m in modes),
            ARROW.join(a.countries),
            a.crossings_count,
        ]
        if published:
            figures = a.to_dict()
            row += [
                "" if figures["published_km"] is None else f"{figures['published_km']:g}",
                "" if figures["deviation_pct"] is None else f"{figures['deviation_pct']:+.1f}",
                _short_source(figures["published_source"]),
            ]
        rows.append(row)
    if estimates is not None:
        extra_headers, extra_rows = estimate_columns(estimates)
        headers += extra_headers
        rows = [row + extra for row, extra in zip(rows, extra_rows)]
        numeric += [True] * len(extra_headers)
    return render_table(headers, rows, numeric)


def _short_source(source) -> str:
    return f"{source['outlet']}, {source['date']}" if source else ""


def crossings_table(analyses) -> str:
    headers = ["route", "#", "from", "to", "lon", "lat", "at km", "by sea"]
    rows = [
        [a.id, n, c.origin, c.destination, f"{c.lon:.4f}", f"{c.lat:.4f}", f"{c.at_km:.1f}", "yes" if c.by_sea else ""]
        for a in analyses
        for n, c in enumerate(a.border_crossings, start=1)
    ]
    return render_table(headers, rows, [False, True, False, False, True, True, True, False])


def write_csv(analyses, estimates=None) -> None:
    """One row per route; per-mode and per-country lengths flattened into columns, then the geometry
    quality, the published figures (empty where none) and, with ``estimates``, their columns (empty
    where a factor is missing)."""
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


def estimate_cells(found) -> dict[str, object]:
    """The CSV cells of one estimate: counts, then low and high days and CO2 (None where unknown)."""
    days, co2 = found.transit_days, found.co2_kg_per_tonne
    return {
        "customs_borders": found.customs_borders,
        "transshipments": found.transshipments,
        "transit_days_low": round(days.low, 2) if days else None,
        "transit_days_high": round(days.high, 2) if days else None,
        "co2_kg_per_tonne_low": round(co2.low, 2) if co2 else None,
        "co2_kg_per_tonne_high": round(co2.high, 2) if co2 else None,
    }
