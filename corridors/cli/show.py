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
    """Show a route, segment, place, airport or concept by id, with its cited attributes."""
    from ..attributes import claim_label, grouped_by_quote

    data = dataset(ctx)
    info = data.feature(feature_id)
    if fmt == "json":
        echo_json(info.to_dict())
        return
    click.echo(f"{info.name}  [{info.id}]  {info.kind} in layer {info.layer}")
    facts = [[k, _short(v)] for k, v in info.properties.items() if v not in (None, [], "")]
    click.echo(render_table(["property", "value"], facts))
    if info.attributes:
        click.echo(f"\nCited attributes ({len(info.attributes)}):")
        for group in grouped_by_quote(info.attributes, data.documents):
            click.echo(textwrap.fill(group.text, 100, initial_indent="- ", subsequent_indent="  "))
            for cite in group.claims:
                click.echo(textwrap.fill(claim_label(cite), 100, initial_indent="    · ", subsequent_indent="      "))
    click.echo(
        f"\nMentioned in {len(info.mentions)} sentence(s) of {len({m.document for m in info.mentions})} document(s)."
    )


def _short(value: object) -> str:
    text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    return text if len(text) <= 100 else text[:97] + "..."
