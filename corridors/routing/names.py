"""Place names as people type them: ids, names and aliases, with or without case and diacritics."""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

from ..dataset import Dataset
from ..errors import UsageError

#: Letters that Unicode decomposition leaves alone but a keyboard writes without their mark.
_FOLD = str.maketrans(
    {
        "ı": "i",
        "ə": "e",
        "Ə": "e",
        "ł": "l",
        "Ł": "l",
        "ø": "o",
        "Ø": "o",
        "đ": "d",
        "Đ": "d",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "þ": "th",
        "ʻ": "",
        "ʼ": "",
        "’": "",
        "'": "",
    }
)
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—_/,.()]+")


def normalize_name(text: str) -> str:
    """Fold a place name for matching: no case, no diacritics, dashes and spaces unified.

    ``"Laçın"``, ``"LACIN"`` and ``"lacin"`` all give ``"lacin"``; ``"Naxçıvan"`` gives ``"naxcivan"``.

    Parameters
    ----------
    text
        A place name.

    Returns
    -------
    str
        The folded name.
    """
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_FOLD).casefold()
    return _SEPARATORS.sub(" ", bare).strip()


@dataclass(frozen=True)
class PlaceIndex:
    """Every way of naming a place: its id, its name and its aliases, exact and folded."""

    names: dict[str, str]
    exact: dict[str, set[str]]
    folded: dict[str, set[str]]

    @classmethod
    def of(cls, data: Dataset) -> PlaceIndex:
        """Index every place of the dataset by id, name and aliases.

        Parameters
        ----------
        data
            The dataset.

        Returns
        -------
        PlaceIndex
            The index.
        """
        exact: dict[str, set[str]] = {}
        folded: dict[str, set[str]] = {}
        names: dict[str, str] = {}
        for place_id, row in data.places.iterrows():
            names[place_id] = row["name"]
            aliases = row["aliases"] if isinstance(row["aliases"], list) else []
            for label in (place_id, row["name"], *aliases):
                exact.setdefault(label.casefold(), set()).add(place_id)
                folded.setdefault(normalize_name(label), set()).add(place_id)
        return cls(names, exact, folded)

    def resolve(self, text: str) -> str:
        """The id of the place ``text`` names: an id, a name or an alias, in any case, with or without diacritics.

        An exact match (ignoring case) wins over one that needs diacritics folded, so ``Astara``
        (an alias of the Azerbaijani town) is not confused with ``Āstārā`` (the Iranian one).

        Parameters
        ----------
        text
            A place id, name or alias.

        Returns
        -------
        str
            The place id.

        Raises
        ------
        UsageError
            For a name no place has (with suggestions) or one that several places share (listing them).
        """
        query = text.strip()
        if query in self.names:
            return query
        for table, key in ((self.exact, query.casefold()), (self.folded, normalize_name(query))):
            found = sorted(table.get(key, ()))
            if len(found) == 1:
                return found[0]
            if found:
                listed = ", ".join(f"{i} ({self.names[i]})" for i in found)
                raise UsageError(f"place {text!r} is ambiguous: {listed}; give one of these ids")
        close = difflib.get_close_matches(normalize_name(query), list(self.folded), n=5, cutoff=0.6)
        suggestions = list(dict.fromkeys(i for c in close for i in sorted(self.folded[c])))[:3]
        hint = "; did you mean " + ", ".join(f"{self.names[i]} ({i})" for i in suggestions) + "?" if suggestions else ""
        raise UsageError(f"unknown place {text!r}{hint}")
