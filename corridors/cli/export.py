"""``corridors export``: the layers, their analysis and citations as a file QGIS, Google Earth and GDAL open."""

from __future__ import annotations

import click

from ..defaults import EXPORT_FORMATS, STDOUT
from .options import boundaries_from, boundary_options, dataset, factor_table


@click.command()
@click.option("--format", "-f", "fmt", type=click.Choice(EXPORT_FORMATS), required=True,
              help="gpkg: a table per kind with a QGIS project and styles; geojson, fgb, parquet: one layer "
              "with a kind column; kml: a folder per table, for Google Earth; pmtiles: vector tiles for web maps; "
              "annotations: the citations as W3C Web Annotations (JSON-LD).")
@click.option("--output", "-o", "output", required=True, metavar="PATH",
              help=f"File to write (replaced atomically); '{STDOUT}' writes GeoJSON to standard output.")
@click.option("--layer", "layers", multiple=True, metavar="LAYER",
              help="Export only this layer (repeatable; `corridors layers` lists them). Default: everything.")
@boundary_options
@click.pass_context
def export(ctx, fmt, output, layers, boundaries_path, iso_field, min_excursion_km) -> None:
    """Export routes with their analysis, segments, places, airports, border crossings and citations.

    \b
    Examples:
      corridors export -f gpkg -o corridors.gpkg      # QGIS: Project > Open From > GeoPackage
      corridors export -f kml -o tripp.kml --layer tripp-zangezur
      corridors export -f pmtiles -o corridors.pmtiles
      corridors export -f geojson -o - | jq '.features | length'
    """
    from ..export import check_target, export_tables, write
    from ..io import check_writable

    check_target(fmt, output)
    if output != STDOUT:
        check_writable(output)
    data = dataset(ctx)
    tables = export_tables(
        data, layers or None, boundaries=boundaries_from(boundaries_path, iso_field, data.segments.total_bounds),
        min_excursion_km=min_excursion_km, factors=factor_table(ctx),
    )
    path = write(tables, fmt, output)
    if path is not None and fmt == "annotations":
        click.echo(f"Wrote {path}: {len(tables.claims)} annotations.", err=True)
    elif path is not None:
        counts = ", ".join(f"{len(frame)} {name}" for name, frame in tables.layers.items())
        click.echo(f"Wrote {path}: {counts}.", err=True)
