"""Concepts and dated identities: what the documents speak of that is not a line or a point.

A statement attaches to what it was about on its date. The "Zangezur corridor" that Azerbaijan
demanded, Armenia rejected as extraterritorial and Iran called a red line is not TRIPP, which was
initiated on 8 August 2025: the idea is a concept here, with no geometry, ending when TRIPP began,
and TRIPP has a lifetime that starts that day. ``geo/concepts.toml`` holds both.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InvalidData
from .timeline import is_iso_date

CONCEPTS_FILE = "concepts.toml"
CONCEPTS_LAYER = "concepts"


@dataclass(frozen=True)
class Concept:
    """A feature without geometry: an idea, a proposal, a name for something that changed."""

    id: str
    name: str
    description: str
    aliases: tuple[str, ...] = ()
    valid_from: str | None = None
    valid_until: str | None = None
    succeeded_by: str | None = None

    def properties(self) -> dict[str, Any]:
        """The properties ``corridors show`` lists.

        Returns
        -------
        dict
            Description, lifetime, successor and aliases.
        """
        return {
            "description": self.description,
            "valid_from": self.valid_from,
            "valid_until": self.valid_until,
            "succeeded_by": self.succeeded_by,
            "aliases": list(self.aliases),
        }


@dataclass(frozen=True)
class Concepts:
    """The concepts by id, and the lifetime ``(valid_from, valid_until)`` of every dated feature."""

    concepts: dict[str, Concept] = field(default_factory=dict)
    lifetimes: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)


def load_concepts(path: Path) -> Concepts:
    """Read ``geo/concepts.toml``: ``[[concept]]`` tables and ``[[lifetime]]`` tables of layer features.

    A missing file means no concepts and no lifetimes.

    Parameters
    ----------
    path
        The concepts file.

    Returns
    -------
    Concepts
        The concepts by id and the lifetimes by feature id.

    Raises
    ------
    InvalidData
        For malformed TOML, a missing id or name, a duplicate id, or a date that is not ISO.
    """
    try:
        content = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Concepts()
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InvalidData(path, f"malformed concepts file ({exc})") from None
    concepts: dict[str, Concept] = {}
    lifetimes: dict[str, tuple[str | None, str | None]] = {}
    for entry in content.get("concept", []):
        concept_id = entry.get("id")
        for key in ("id", "name", "description"):
            if not entry.get(key):
                raise InvalidData(path, f"concept needs {key!r}", feature=concept_id)
        if concept_id in concepts:
            raise InvalidData(path, "duplicate concept id", feature=concept_id)
        concepts[concept_id] = Concept(
            id=concept_id,
            name=entry["name"],
            description=entry["description"],
            aliases=tuple(entry.get("aliases", ())),
            valid_from=_date(path, entry, "valid_from"),
            valid_until=_date(path, entry, "valid_until"),
            succeeded_by=entry.get("succeeded_by"),
        )
        lifetimes[concept_id] = (concepts[concept_id].valid_from, concepts[concept_id].valid_until)
    for entry in content.get("lifetime", []):
        feature_id = entry.get("feature")
        if not feature_id:
            raise InvalidData(path, "lifetime needs 'feature'")
        if feature_id in lifetimes:
            raise InvalidData(path, "lifetime given twice", feature=feature_id)
        lifetimes[feature_id] = (_date(path, entry, "valid_from"), _date(path, entry, "valid_until"))
    return Concepts(concepts, lifetimes)


def _date(path: Path, entry: dict[str, Any], key: str) -> str | None:
    value = entry.get(key)
    if value is None:
        return None
    if not is_iso_date(value):
        raise InvalidData(path, f"{key} {value!r} is not an ISO date", feature=entry.get("id") or entry.get("feature"))
    return str(value)
