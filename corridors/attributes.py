"""Cited attributes (a value, its document and a verbatim quote) and the mention index.

The attribute table is typed by hand, so everything in it is checked against the text: the quote must
be in the document, and the value must be what the quote says. Mentions are never typed: they are
found in the text from each feature's name and aliases.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .documents import Document, fold_whitespace
from .errors import CitationError, InvalidData
from .paths import geo_dir
from .timeline import is_iso_date
from .vocab import STATUSES

ATTRIBUTES_FILE = "attributes.csv"
COLUMNS = ("feature_id", "attribute", "value", "document", "quote")

#: Wordings that let a quote support a status value; the check is a case-insensitive substring test.
STATUS_WORDING: dict[str, tuple[str, ...]] = {
    "historical": ("no longer exists", "part of history", "ceased to exist"),
    "operational": ("has long been established", "established", "inaugurat", "opened"),
    "under_construction": ("progress on", "being built", "under construction", "constructed"),
    "planned": ("proposed", "plans to build", "initiation", "would connect"),
}

_MONTHS = {
    m: i
    for i, m in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ),
        start=1,
    )
}
_MONTH = "(" + "|".join(_MONTHS) + ")"
_DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}}) {_MONTH},? (\d{{4}})\b", re.I)
_MONTH_DAY_YEAR = re.compile(rf"\b{_MONTH} (\d{{1,2}}),? (\d{{4}})\b", re.I)
_MONTH_YEAR = re.compile(rf"\b{_MONTH},? (\d{{4}})\b", re.I)
_YEAR = re.compile(r"(?<![\d.,])(1[89]\d\d|20\d\d)(?![\d.,]\d)")
#: Phrases that contain a feature's name without speaking of the feature: they win the longest match.
NOT_MENTIONS = ("OSCE Minsk Group", "Minsk Group")
_DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2212"} | {"\u2019": "'"})


@dataclass(frozen=True)
class Citation:
    """One attribute of a feature, with the sentence of a document that states it."""

    feature_id: str
    name: str
    value: str
    document: str
    quote: str


@dataclass(frozen=True)
class Mention:
    """A document sentence naming a feature, and the alias that matched."""

    feature_id: str
    document: str
    sentence: str
    alias: str


def dates_written_in(text: str) -> set[str]:
    """Every date the text writes out, as ISO strings at the precision written.

    ``"On 23 April 2023"`` gives ``{"2023-04-23", "2023-04", "2023"}``: a coarser claim is also
    supported by a finer statement.
    """
    found: set[str] = set()
    for day, month, year in _DAY_MONTH_YEAR.findall(text):
        found.add(f"{year}-{_MONTHS[month.lower()]:02d}-{int(day):02d}")
    for month, day, year in _MONTH_DAY_YEAR.findall(text):
        found.add(f"{year}-{_MONTHS[month.lower()]:02d}-{int(day):02d}")
    for month, year in _MONTH_YEAR.findall(text):
        found.add(f"{year}-{_MONTHS[month.lower()]:02d}")
    found.update(_YEAR.findall(text))
    return found


def unsupported_reason(name: str, value: str, quote: str) -> str | None:
    """Why the quote does not say the value, or None when it does (see geo/README.md for the rules)."""
    folded = fold_whitespace(quote).casefold()
    if name.endswith("_date"):
        if not is_iso_date(value):
            return f"{name} value {value!r} is not an ISO date"
        if value not in dates_written_in(quote):
            return f"quote does not write the date {value}"
        return None
    if name == "status":
        if value not in STATUS_WORDING:
            return f"status {value!r} is not one of {', '.join(STATUSES)}"
        if not any(w in folded for w in STATUS_WORDING[value]):
            return f"quote has none of the wordings for status {value!r}"
        return None
    if name.endswith("_amount") and not any(ch.isdigit() for ch in value):
        return f"{name} value {value!r} has no figure"
    if not value.strip():
        return "empty value"
    if fold_whitespace(value).casefold() not in folded:
        return f"value {value!r} does not appear in the quote"
    return None


def load_citations(
    documents: Mapping[str, Document],
    feature_ids: Iterable[str],
    path: Path | None = None,
) -> list[Citation]:
    """Read the attribute table and verify every row against its document.

    Raises
    ------
    CitationError
        Naming the file, the feature and what is wrong: unknown feature or document, a quote not in
        its document, a value the quote does not support, a duplicate row.
    """
    path = path or geo_dir() / ATTRIBUTES_FILE
    known = set(feature_ids)
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            if tuple(reader.fieldnames or ()) != COLUMNS:
                raise InvalidData(path, f"columns must be {', '.join(COLUMNS)}")
            rows = list(reader)
    except FileNotFoundError:
        raise InvalidData(path, "attribute table is missing") from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise InvalidData(path, f"not a UTF-8 CSV table ({exc})") from None

    citations: list[Citation] = []
    seen: set[tuple[str, ...]] = set()
    for line, row in enumerate(rows, start=2):
        if None in row or any(row[c] is None for c in COLUMNS):
            raise CitationError(f"{path}:{line}", f"row does not have the {len(COLUMNS)} columns {', '.join(COLUMNS)}")
        cite = Citation(row["feature_id"], row["attribute"], row["value"], row["document"], row["quote"])
        where = f"{path}:{line}"
        if cite.feature_id not in known:
            raise CitationError(where, "no layer has this feature", feature=cite.feature_id)
        if cite.document not in documents:
            raise CitationError(where, f"unknown document {cite.document!r}", feature=cite.feature_id)
        if not documents[cite.document].contains(cite.quote):
            raise CitationError(
                where, f"quote not found verbatim in {cite.document}: {cite.quote[:60]!r}", cite.feature_id
            )
        reason = unsupported_reason(cite.name, cite.value, cite.quote)
        if reason:
            raise CitationError(where, f"{cite.name}: {reason}", feature=cite.feature_id)
        key = (cite.feature_id, cite.name, cite.value, cite.document)
        if key in seen:
            raise CitationError(where, f"duplicate citation of {cite.name}={cite.value!r}", cite.feature_id)
        seen.add(key)
        citations.append(cite)
    return citations


def _matchable(text: str) -> str:
    """Unify dashes and apostrophes so "Lachin–Khankendi" and "Lachin-Khankendi" match."""
    return text.translate(_DASHES).casefold()


def mention_index(aliases: Mapping[str, Iterable[str]], documents: Mapping[str, Document]) -> dict[str, list[Mention]]:
    """Find, for each feature, the document sentences that name it by any of its aliases.

    Where one feature's match lies inside a longer match of another ("Lachin" inside
    "Lachin-Khankendi road"), only the longer one counts: the sentence is about the road. The
    phrases in :data:`NOT_MENTIONS` ("Minsk Group") take part in that contest and then count for
    nobody.
    """
    named: list[tuple[str | None, str]] = [
        (fid, alias) for fid, names in aliases.items() for alias in dict.fromkeys(n for n in names if n)
    ]
    named += [(None, phrase) for phrase in NOT_MENTIONS]
    patterns = [
        (fid, alias, needle, re.compile(rf"(?<!\w){re.escape(needle)}(?!\w)"))
        for fid, alias in named
        for needle in [_matchable(alias)]
    ]
    index: dict[str, list[Mention]] = {feature_id: [] for feature_id in aliases}
    for doc in documents.values():
        for sentence in doc.sentences:
            text = _matchable(sentence)
            hits = [  # the substring test first: a regex per alias and sentence is slow
                (m.start(), m.end(), feature_id, alias)
                for feature_id, alias, needle, pattern in patterns
                if needle in text
                for m in pattern.finditer(text)
            ]
            kept: dict[str, str] = {}
            for start, end, feature_id, alias in hits:
                inside_longer = any(
                    s <= start and end <= e and (e - s) > (end - start) and f != feature_id for s, e, f, _ in hits
                )
                if not inside_longer and feature_id is not None:
                    kept.setdefault(feature_id, alias)
            for feature_id, alias in kept.items():
                index[feature_id].append(Mention(feature_id, doc.id, sentence, alias))
    return index
