"""``corridors show ID``: one feature with its citations and mentions."""

from __future__ import annotations

import textwrap

import click

from .options import dataset, echo_json, format_option, render_table


@click.command()
@click.argument("feature_id")
@format_option("table", "json")
@click.pass_context
def show(ctx: click.Context, feature_id: str, fmt: str) -> None:
    """Show a route, segment, place or airport by id, with its cited attributes."""
    data = dataset(ctx)
    info = data.feature(feature_id)
    if fmt == "json":
        echo_json(info.to_dict())
        return
    click.echo(f"{info.name}  [{info.id}]  {info.kind} in layer {info.layer}")
    facts = [[k, _short(v)] for k, v in info.properties.items() if v not in (None, [], "") and k not in IN_FULL]
    click.echo(render_table(["property", "value"], facts))
    for key in IN_FULL:
        if info.properties.get(key):
            click.echo(f"\n{key}:\n" + textwrap.indent(textwrap.fill(str(info.properties[key]), 96), "    "))
    if info.attributes:
        click.echo(f"\nCited attributes ({len(info.attributes)}):")
        for cite in info.attributes:
            title = data.documents[cite.document].title
            click.echo(f"- {cite.name}: {cite.value}")
            click.echo(textwrap.indent(textwrap.fill(f"“{cite.quote}” — {title}", 96), "    "))
    click.echo(
        f"\nMentioned in {len(info.mentions)} sentence(s) of {len({m.document for m in info.mentions})} document(s)."
    )


#: Properties printed whole under the table: a source cut short loses its URL.
IN_FULL = ("opened_source",)


def _short(value: object) -> str:
    if isinstance(value, dict):
        value = [f"{k} {v}" for k, v in value.items()]
    text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    return text if len(text) <= 100 else text[:97] + "..."
