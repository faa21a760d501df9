"""``corridors compare``: lengths, countries and border crossings of routes side by side."""

from __future__ import annotations

import sys

import click

from .options import (
    ARROW,
    boundaries_from,
    boundary_options,
    dataset,
    echo_json,
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
    "--published",
    "show_published",
    is_flag=True,
    help="Add the published length, our deviation from it and its source to the table.",
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
    fmt,
    boundaries_path,
    iso_field,
    min_excursion_km,
) -> None:
    """Compare routes: geodesic length per mode and country, country sequence, crossings.

    JSON and CSV also give each route's geometry quality and, where a length is published
    (geo/published.csv), that length, its source and our deviation from it.
    """
    from ..analysis import analyze_routes
    from ..timeline import parse_date, undated_segments

    if bool(route_ids) == all_routes:
        raise click.UsageError("give route ids or --all (not both)")
    data = dataset(ctx)
    ids = None if all_routes else list(route_ids)
    left_out = 0
    date = parse_date(as_of, "--as-of") if as_of is not None else None
    if date is not None:
        ids, left_out = routes_open_on(data, ids, date)
    analyses = analyze_routes(
        data,
        ids,
        boundaries=boundaries_from(boundaries_path, iso_field),
        min_excursion_km=min_excursion_km,
        as_of=date,
    )
    undated = [a.id for a in analyses if undated_segments(data.routes.loc[a.id], data.segments)] if date else []
    if fmt == "json":
        echo_json([a.to_dict() for a in analyses])
    elif fmt == "csv":
        write_csv(analyses)
    else:
        click.echo(comparison_table(analyses, show_published))
        if show_crossings:
            click.echo("\n" + crossings_table(analyses))
        if analyses:
            click.echo("\n" + tolerance_note(analyses))
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


def comparison_table(analyses, published: bool = False) -> str:
    """The table form; with ``published``, the published length, our deviation and the source."""
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


def write_csv(analyses) -> None:
    """One row per route; per-mode and per-country lengths flattened into columns, then the geometry
    quality and the published figures (empty where none)."""
    from ..published import source_text

    rows = [([a.id, a.name, a.layer, a.status], a) for a in analyses]
    trailing = []
    for a in analyses:
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
            }
        )
    sys.stdout.write(lengths_csv(rows, ["id", "name", "layer", "status"], trailing))
