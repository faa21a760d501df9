"""``corridors analyze FILE``: lengths and border crossings of your own lines, in any format and CRS."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .helpers import ARROW, boundaries_from, lengths_csv, render_table, tolerance_note
from .options import boundary_options, format_option

if TYPE_CHECKING:  # the library loads geopandas: imported inside the command, when it runs
    from ..boundaries import Boundaries
    from ..crossings import LineAnalysis
    from ..userdata import PartitionedLines, UserLines

#: Runs with more lines than this show a progress bar when stderr is a terminal.
PROGRESS_MIN_LINES = 1000
_FORMAT_BY_SUFFIX = {".json": "json", ".geojson": "geojson", ".csv": "csv"}


@click.command()
@click.argument("path", metavar="FILE")
@click.argument("ids", nargs=-1)
@click.option("--layer", help="Layer to read from a multi-layer file (GeoPackage, ...).")
@click.option("--id-field", help="Field that identifies lines [default: id if present, else the row number].")
@click.option("--crs", help="CRS of a file that declares none, e.g. a CSV [default: EPSG:4326 if coordinates fit].")
@format_option("table", "json", "csv", "geojson", default=None)
@click.option(
    "-o",
    "--output",
    help="Write here (atomically) instead of stdout; '-' is stdout. "
    "Sets the format from a .json, .geojson or .csv suffix.",
)
@click.option(
    "--engine",
    type=click.Choice(["single", "dask"]),
    default="single",
    show_default=True,
    help="dask: run partitions in parallel (pip install 'corridors[dask]').",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="With --engine dask: run on the dask.distributed cluster whose scheduler is here, e.g. tcp://10.0.0.5:8786.",
)
@click.option("--skip-invalid", is_flag=True, help="Skip, with a warning, lines that cannot be repaired.")
@click.option(
    "--progress/--no-progress",
    default=None,
    help=f"Progress bar on stderr [default: when stderr is a terminal and over {PROGRESS_MIN_LINES} lines].",
)
@boundary_options
def analyze(
    path: str,
    ids: tuple[str, ...],
    layer: str | None,
    id_field: str | None,
    crs: str | None,
    fmt: str | None,
    output: str | None,
    engine: str,
    scheduler: str | None,
    skip_invalid: bool,
    progress: bool | None,
    boundaries_path: str | None,
    iso_field: str,
    min_excursion_km: float,
) -> None:
    """Lengths per country and border crossings of every line in FILE (or only the IDS given).

    FILE is any line layer: GeoJSON, GeoPackage, FlatGeobuf, GeoParquet, CSV with a WKT column.
    Repairable lines are repaired with a warning; the rest stop the run (or are skipped with
    --skip-invalid). Warnings and progress go to stderr.

    \b
    Examples:
      corridors analyze my-lines.geojson
      corridors analyze survey.gpkg --layer tracks --id-field name -o lengths.csv
      corridors analyze lines.csv --crs EPSG:32638 -f json
    """
    from ..boundaries import default_boundaries
    from ..io import STDOUT, check_writable, protect, write_text_atomic

    fmt = fmt or _FORMAT_BY_SUFFIX.get(_suffix(output), "table")
    if scheduler is not None and engine != "dask":
        raise click.UsageError("--scheduler needs --engine dask")
    protect(path, boundaries_path)  # never an output of this run
    if output not in (None, STDOUT):
        check_writable(output)  # fails before any work
    lines = _read(
        path, engine, scheduler, layer=layer, id_field=id_field, crs=crs, select=ids or None, skip_invalid=skip_invalid
    )
    boundaries = boundaries_from(boundaries_path, iso_field, lines.total_bounds) or default_boundaries()
    stderr = sys.stderr
    show = progress if progress is not None else len(lines.keys) > PROGRESS_MIN_LINES and stderr.isatty()
    bar = click.progressbar(length=len(lines.keys), label="Analysing lines", file=stderr) if show else None
    with bar if bar is not None else contextlib.nullcontext():
        results, texts = _analyze(
            lines,
            boundaries,
            min_excursion_km=min_excursion_km,
            engine=engine,
            progress=bar.update if bar is not None else None,
            scheduler=scheduler,
            fmt=fmt,
        )
    write_text_atomic(output or STDOUT, render(fmt, lines, results, texts))
    if output not in (None, STDOUT):
        click.echo(f"Wrote {output}: {len(results)} line(s), {fmt}.", err=True)


def _read(path: str, engine: str, scheduler: str | None, **options: Any) -> UserLines | PartitionedLines:
    """GeoParquet with the dask engine stays in its row groups, on the workers; the rest is read here."""
    from ..userdata import is_parquet, read_lines, read_partitioned

    if engine == "dask" and is_parquet(path):
        return read_partitioned(path, scheduler=scheduler, **options)
    return read_lines(path, **options)


def _analyze(
    lines: UserLines | PartitionedLines, boundaries: Boundaries, *, fmt: str, **options: Any
) -> tuple[list[LineAnalysis], list[str] | None]:
    """The analyses, and for partitioned lines, their output in ``fmt`` as text when the workers can make it."""
    from ..userdata import PartitionedLines, analyze_lines, analyze_partitioned
    from ..userdata.partitions import TEXTS

    if isinstance(lines, PartitionedLines):
        del options["engine"]
        analysis = analyze_partitioned(lines, boundaries, texts=fmt if fmt in TEXTS else None, **options)
        return analysis.results, analysis.texts
    return analyze_lines(lines, boundaries, **options), None


def render(
    fmt: str,
    lines: UserLines | PartitionedLines,
    results: Sequence[LineAnalysis],
    texts: Sequence[str] | None = None,
) -> str:
    """The analysis as text in the given format, ending with a newline.

    Parameters
    ----------
    fmt
        ``json``, ``geojson``, ``csv`` or ``table``.
    lines
        The lines read (or surveyed in their row groups).
    results
        Their analyses, in the same order.
    texts
        For lines left in their row groups, their records (``json``) or GeoJSON features
        (``geojson``) as text, made on the workers; ``geojson`` needs them.

    Returns
    -------
    str
        The text.
    """
    from ..io import to_json
    from ..userdata import PartitionedLines, collection_text, feature_collection
    from ..userdata.engine import records_list_text, records_text, warn_replaced_properties

    if fmt == "json":
        # One line per record: readable, and fast (the C encoder only runs without indent).
        return records_list_text(texts if texts is not None else records_text(lines.keys, results))
    if fmt == "geojson":
        if isinstance(lines, PartitionedLines):
            warn_replaced_properties(lines.path, lines.columns, results)
            return collection_text(texts or []) + "\n"
        return to_json(feature_collection(lines, results), ensure_ascii=False) + "\n"
    if fmt == "csv":
        return _csv(lines.keys, results)
    return _table(lines.keys, results)


def _table(keys: Sequence[Any], results: Sequence[LineAnalysis]) -> str:
    headers = ["id", "km", "countries", "crossings"]
    rows = [
        [key, f"{r.length_km:.1f}", ARROW.join(r.countries), len(r.crossings)] for key, r in zip(keys, results)
    ]
    note = "\n" + tolerance_note(results)
    return render_table(headers, rows, [False, True, False, True]) + "\n" + note + "\n"


def _csv(keys: Sequence[Any], results: Sequence[LineAnalysis]) -> str:
    return lengths_csv((([key], r) for key, r in zip(keys, results)), ["id"])


def _suffix(output: str | None) -> str:
    return Path(output).suffix.lower() if output and output != "-" else ""
