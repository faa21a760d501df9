"""Why no path satisfies a request: the constraints that removed every path, in one line."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from ..timeline import active_on, why_not_on
from .network import Constraints, Network


def explain(network: Network, stops: Sequence[str], constraints: Constraints, rejected: int = 0) -> str:
    """Say which constraints removed every path, in one line.

    ``rejected`` counts the paths whose segments each avoid the avoided countries but which, analysed
    as a whole, still enter one of them.

    Parameters
    ----------
    network
        The network searched.
    stops
        Origin, via places and destination, as place ids.
    constraints
        The constraints of the search.
    rejected
        Paths dropped because, analysed whole, they enter an avoided country.

    Returns
    -------
    str
        The explanation, one line.
    """
    names = network.places.names
    request = f"no route from {names[stops[0]]} to {names[stops[-1]]}"
    described = constraints.describe(names)
    if described:
        request += " " + described
    if rejected:
        return (
            f"{request}: the {rejected} shortest path(s) left each enter {', '.join(constraints.avoid)} "
            "when analysed as a whole"
        )
    everything = set(network.data.segments.index)
    for a, b in itertools.pairwise(stops):
        if not network.has_path([a, b], everything):
            return f"{request}: {names[a]} and {names[b]} are not connected by any segment of the network"
    single = {
        "avoid": Constraints(avoid=constraints.avoid),
        "modes": Constraints(modes=constraints.modes),
        "as_of": Constraints(as_of=constraints.as_of),
    }
    active = {k: c for k, c in single.items() if getattr(constraints, k)}
    blocking = [k for k, c in active.items() if not network.has_path(stops, network.allowed(c))]
    if not blocking:
        return f"{request}: each of these constraints alone leaves a path, but no path meets them all together"
    reasons = [_reason(network, stops, kind, constraints) for kind in blocking]
    return f"{request}: " + "; ".join(reasons)


def _reason(network: Network, stops: Sequence[str], kind: str, constraints: Constraints) -> str:
    names = network.places.names
    if kind == "avoid":
        codes = list(constraints.avoid)
        listed = codes[0] if len(codes) == 1 else ", ".join(codes[:-1]) + " or " + codes[-1]
        inside = [s for s in (stops[0], stops[-1]) if network.graph.nodes[s]["country"] in codes]
        reason = f"every path crosses {listed}"
        if inside:
            reason += " (" + " and ".join(f"{names[s]} is in {network.graph.nodes[s]['country']}" for s in inside) + ")"
        return reason
    shortest = next(iter(network.shortest_paths(stops, set(network.data.segments.index), 1)), [])
    if kind == "modes":
        needed = sorted({network.data.segments.at[s, "mode"] for s, _ in shortest} - set(constraints.modes))
        allowed = " or ".join(constraints.modes)
        return f"every path needs another mode than {allowed} (the shortest uses {', '.join(needed)})"
    date = constraints.as_of
    assert date is not None
    closed = [s for s, _ in shortest if not active_on(network.data.segments.loc[[s]], date).iloc[0]]
    shown = ", ".join(f"{s} ({why_not_on(network.data.segments.loc[s], date)})" for s in closed[:4])
    more = f" and {len(closed) - 4} more" if len(closed) > 4 else ""
    return f"every path uses a segment that does not exist on {date.isoformat()} (the shortest: {shown}{more})"
