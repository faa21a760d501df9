"""``corridors export``: the layers, their analysis and citations as a file QGIS, Google Earth and GDAL open."""

from __future__ import annotations

from pathlib import Path

import click

from ..vocab import EXPORT_FORMATS, STDOUT
from .helpers import boundaries_from, dataset, factor_table
from .options import boundary_options


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
def export(
    ctx: click.Context,
    fmt: str,
    output: str,
    layers: tuple[str, ...],
    boundaries_path: str | None,
    iso_field: str,
    min_excursion_km: float,
) -> None:
    """Export routes with their analysis, segments, places, airports, border crossings and citations.

    \b
    Examples:
      corridors export -f gpkg -o corridors.gpkg      # QGIS: Project > Open From > GeoPackage
      corridors export -f kml -o tripp.kml --layer tripp-zangezur
      corridors export -f pmtiles -o corridors.pmtiles
      corridors export -f geojson -o - | jq '.features | length'
    """
    from ..export import export as export_dataset

    data = dataset(ctx)
    tables = export_dataset(
        data, fmt, output, layers or None,
        boundaries=boundaries_from(boundaries_path, iso_field, data.segments.total_bounds),
        min_excursion_km=min_excursion_km, factors=factor_table(ctx),
    )
    if output != STDOUT and fmt == "annotations":
        click.echo(f"Wrote {Path(output)}: {len(tables.claims)} annotations.", err=True)
    elif output != STDOUT:
        counts = ", ".join(f"{len(frame)} {name}" for name, frame in tables.layers.items())
        click.echo(f"Wrote {Path(output)}: {counts}.", err=True)
