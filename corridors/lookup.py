"""Features named as people name them: an id, a name or an alias, in any case, with or without diacritics.

``show BTK``, ``compare "Baku-Tbilisi-Kars railway"`` and ``map lachin-corridor`` all name a feature;
this module turns such a name into its id, the one way every command does it.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

from .dataset import Dataset
from .errors import UnknownFeature, UsageError

#: Kinds of feature, in the order a name shared across kinds is resolved (a route before its segment,
#: a feature before the concept it grew out of: "Zangezur corridor" names TRIPP, ``zangezur-corridor`` the idea).
KINDS = ("route", "segment", "place", "airport", "concept")


@dataclass(frozen=True)
class Entry:
    """One feature as a list shows it."""

    id: str
    kind: str
    name: str
    group: str  # corridor layer, or country for places and airports
    aliases: tuple[str, ...]


def entries(data: Dataset, kinds: Sequence[str] = KINDS) -> list[Entry]:
    """Every feature of the given kinds, in :data:`KINDS` order then in layer order.

    Parameters
    ----------
    data
        The loaded dataset.
    kinds
        Kinds to include (``route``, ``segment``, ``place``, ``airport``, ``concept``).

    Returns
    -------
    list of Entry
        Id, kind, name, group and aliases of each feature.
    """
    found: list[Entry] = []
    for kind in KINDS:
        if kind not in kinds:
            continue
        if kind == "concept":
            found.extend(Entry(c.id, kind, c.name, "concepts", c.aliases) for c in data.concepts.concepts.values())
            continue
        frame = data.frames[kind]
        group = frame["layer"] if "layer" in frame.columns else frame["country"]
        aliases_column = frame["aliases"] if "aliases" in frame.columns else [None] * len(frame)  # segments have none
        for feature_id, name, where, aliases in zip(frame.index, frame["name"], group, aliases_column):
            extra = tuple(aliases) if isinstance(aliases, list) else ()
            found.append(Entry(feature_id, kind, name, "" if where is None else str(where), extra))
    return found


def resolve_feature(data: Dataset, text: str, kinds: Sequence[str] = KINDS) -> str:
    """The id of the feature ``text`` names: its id, its name or an alias, ignoring case and diacritics.

    An id wins, then an exact name or alias (ignoring case), then one matched with diacritics folded.
    Among kinds, the first in :data:`KINDS` order with a match wins, so a route's name gives the route
    rather than its only segment of the same name.

    Parameters
    ----------
    data
        The loaded dataset.
    text
        An id, name or alias, as the user typed it.
    kinds
        Kinds of feature it may name.

    Returns
    -------
    str
        The feature's id.

    Raises
    ------
    UnknownFeature
        For a name no feature of those kinds has, with close ids as suggestions.
    UsageError
        For a name several features of one kind share, listing their ids.
    """
    query = text.strip()
    chosen = entries(data, kinds)
    if any(entry.id == query for entry in chosen):
        return query  # an id, the usual case: no need to import routing (and networkx) for names
    from .routing import normalize_name

    for fold in (str.casefold, normalize_name):
        for kind in KINDS:
            matches = sorted({e.id for e in chosen if e.kind == kind and fold(query) in
                              {fold(label) for label in (e.id, e.name, *e.aliases)}})
            if len(matches) == 1:
                return matches[0]
            if matches:
                raise UsageError(f"{kind} {text!r} is ambiguous: {', '.join(matches)}; give one of these ids")
    ids = {e.id.lower(): e.id for e in chosen}
    close = difflib.get_close_matches(query.lower(), list(ids), n=3, cutoff=0.6)
    raise UnknownFeature(text, [ids[c] for c in close])
