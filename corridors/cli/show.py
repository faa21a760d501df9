"""``corridors show ID``: one feature with its citations and mentions."""

from __future__ import annotations

import textwrap

import click

from ..errors import printable
from .helpers import dataset, echo_json, render_table
from .options import complete_ids, format_option


@click.command()
@click.argument("feature_id", shell_complete=complete_ids())
@format_option("table", "json")
@click.pass_context
def show(ctx: click.Context, feature_id: str, fmt: str) -> None:
    """Show a route, segment, place, airport or concept, with its cited attributes.

    FEATURE_ID is an id, a name or an alias, in any case (`corridors list` shows them).

    \b
    Examples:
      corridors show BTK
      corridors show lachin-corridor -f json
    """
    from ..attributes import claim_label, grouped_by_quote
    from ..lookup import resolve_feature

    data = dataset(ctx)
    info = data.feature(resolve_feature(data, feature_id))
    if fmt == "json":
        echo_json(info.to_dict())
        return
    click.echo(printable(f"{info.name}  [{info.id}]  {info.kind} in layer {info.layer}"))
    facts = [[k, _short(v)] for k, v in info.properties.items() if v not in (None, [], "") and k not in IN_FULL]
    click.echo(render_table(["property", "value"], facts))
    for key in IN_FULL:
        if info.properties.get(key):
            click.echo(f"\n{key}:\n" + textwrap.indent(textwrap.fill(printable(info.properties[key]), 96), "    "))
    if info.attributes:
        click.echo(f"\nCited attributes ({len(info.attributes)}):")
        for group in grouped_by_quote(info.attributes, data.documents):
            click.echo(textwrap.fill(printable(group.text), 100, initial_indent="- ", subsequent_indent="  "))
            for cite in group.claims:
                label = printable(claim_label(cite))
                click.echo(textwrap.fill(label, 100, initial_indent="    · ", subsequent_indent="      "))
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
