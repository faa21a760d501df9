"""``corridors export``: the layers, their analysis and citations as a file QGIS, Google Earth and GDAL open."""

from __future__ import annotations

import click

from ..export import FORMATS, STDOUT, check_target, export_tables, write
from ..layers import LAYERS
from .options import boundaries_from, boundary_options, dataset


@click.command()
@click.option("--format", "-f", "fmt", type=click.Choice(FORMATS), required=True,
              help="gpkg: a table per kind, with QGIS styles; geojson, fgb, parquet: one layer with a kind "
              "column; kml: a folder per table, for Google Earth.")
@click.option("--output", "-o", "output", required=True, metavar="PATH",
              help=f"File to write (replaced atomically); '{STDOUT}' writes GeoJSON to standard output.")
@click.option("--layer", "layers", multiple=True, metavar="LAYER",
              help=f"Export only this layer (repeatable): {', '.join(LAYERS)}. Default: everything.")
@boundary_options
@click.pass_context
def export(ctx, fmt, output, layers, boundaries_path, iso_field, min_excursion_km) -> None:
    """Export routes with their analysis, segments, places, airports, border crossings and citations."""
    check_target(fmt, output)
    tables = export_tables(
        dataset(ctx), layers or None, boundaries=boundaries_from(boundaries_path, iso_field),
        min_excursion_km=min_excursion_km,
    )
    path = write(tables, fmt, output)
    if path is not None:
        counts = ", ".join(f"{len(frame)} {name}" for name, frame in tables.layers.items())
        click.echo(f"Wrote {path}: {counts}.", err=True)
