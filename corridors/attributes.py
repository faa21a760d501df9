"""Cited attributes (claims: a value, its document and a verbatim quote) and the mention index.

The attribute table is typed by hand, so everything in it is checked against the text: the quote,
with its prefix and suffix, must match its document exactly once (a W3C TextQuoteSelector); the value
must be what the quote says; a hedge in the quote ("proposed", "would", "ostensibly") must survive
as the claim's qualifier; and the date a claim refers to must fall in the lifetime of what it is
about (no TRIPP claim before TRIPP existed). Mentions are never typed: they are found in the text
from each feature's name and aliases. How a claim is worded for people is here too, in one place.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .documents import Document, fold_whitespace
from .errors import CitationError, InvalidData
from .paths import geo_dir
from .timeline import is_iso_date
from .vocab import STATUSES

ATTRIBUTES_FILE = "attributes.csv"
COLUMNS = (
    "feature_id", "attribute", "value", "qualifier", "refers_to", "stated_by", "document", "prefix", "quote", "suffix",
)
#: How far a claim stands from a plain fact the document asserts; empty means it asserts it.
QUALIFIERS: dict[str, str] = {
    "reported": "the document reports it from others (media, officials) without asserting it",
    "alleged": "a party asserts it; the document does not confirm it",
    "proposed": "put forward or discussed, not agreed",
    "planned": "agreed or announced, not yet done",
    "expected": "forecast by the document or its sources",
    "aspirational": "an aim the document describes, not a present fact",
    "nominal": "so in name only (nominally, ostensibly)",
    "disputed": "other sources give a different value",
}
#: Hedge words in a quote and the qualifiers that keep them; a claim whose quote has one needs one.
HEDGES: dict[str, tuple[str, ...]] = {
    "proposed": ("proposed", "planned"),
    "plans": ("planned", "proposed"),
    "planned": ("planned", "proposed"),
    "would": ("proposed", "planned", "expected", "aspirational"),
    "could": ("proposed", "expected", "aspirational"),
    "expected": ("expected", "planned"),
    "reportedly": ("reported", "alleged"),
    "allegedly": ("alleged", "reported"),
    "asserted": ("alleged", "reported"),
    "ostensibly": ("nominal", "alleged"),
    "nominally": ("nominal",),
    "discussed": ("proposed",),
    "earmarked": ("planned",),
    "aimed at": ("planned", "proposed", "aspirational"),
}
_QUOTE_SENTENCE = re.compile(r"(?<=[.!?])[\"”’)]*\s+")
_HEDGE = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, HEDGES)) + r")(?!\w)", re.I)

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
    """One claim about a feature, anchored in the document that states it.

    ``prefix``, ``quote`` and ``suffix`` are a W3C TextQuoteSelector (prefix, exact, suffix) into the
    document's text. ``refers_to`` is the ISO date the statement is about (empty when the document
    does not say), ``stated_by`` whose position the document reports (empty when it is the author's
    own statement), ``qualifier`` one of :data:`QUALIFIERS` (empty when the document asserts it).
    """

    feature_id: str
    name: str
    value: str
    document: str
    quote: str
    qualifier: str = ""
    refers_to: str = ""
    stated_by: str = ""
    prefix: str = ""
    suffix: str = ""

    @property
    def selector(self) -> dict[str, str]:
        """The W3C Web Annotation TextQuoteSelector of the quote."""
        return {"type": "TextQuoteSelector", "exact": self.quote, "prefix": self.prefix, "suffix": self.suffix}


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

    Parameters
    ----------
    text
        Text to scan, e.g. a quote.

    Returns
    -------
    set of str
        ISO dates (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``).
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


def hedges_in(quote: str) -> list[str]:
    """The hedge words of :data:`HEDGES` the quote uses, lower case, in order.

    Parameters
    ----------
    quote
        Text to scan.

    Returns
    -------
    list of str
        The hedge words found, repeats kept.
    """
    return [m.group(1).casefold() for m in _HEDGE.finditer(quote)]


def supporting_sentences(name: str, value: str, quote: str) -> list[str]:
    """The sentences of the quote that state the value (all of them when none does on its own).

    A date is stated where the sentence writes it, a status where it has one of the status's
    wordings, anything else where the value appears.

    Parameters
    ----------
    name
        Attribute name (``status``, ``*_date`` or another).
    value
        The attribute's value.
    quote
        The quote that should state it.

    Returns
    -------
    list of str
        The sentences, white space folded.
    """
    sentences = [s for s in _QUOTE_SENTENCE.split(fold_whitespace(quote)) if s]

    def states(sentence: str) -> bool:
        """Whether the sentence states the value.

        Parameters
        ----------
        sentence
            One sentence of the quote.

        Returns
        -------
        bool
            Whether it states the value.
        """
        if name.endswith("_date"):
            return value in dates_written_in(sentence)
        if name == "status":
            return any(w in sentence.casefold() for w in STATUS_WORDING.get(value, ()))
        return fold_whitespace(value).casefold() in sentence.casefold()

    return [s for s in sentences if states(s)] or sentences


def dropped_hedge(name: str, value: str, quote: str, qualifier: str) -> str | None:
    """Why the qualifier loses a hedge of the sentence stating the value, or None when it keeps it.

    Parameters
    ----------
    name
        Attribute name.
    value
        The attribute's value.
    quote
        The quote that states it.
    qualifier
        The row's qualifier, empty when the value is asserted.

    Returns
    -------
    str or None
        The reason, for an error message.
    """
    if qualifier and qualifier not in QUALIFIERS:
        return f"qualifier {qualifier!r} is not one of {', '.join(QUALIFIERS)}"
    hedges = [h for sentence in supporting_sentences(name, value, quote) for h in hedges_in(sentence)]
    if hedges and not any(qualifier in HEDGES[h] for h in hedges):
        allowed = sorted({q for h in hedges for q in HEDGES[h]})
        return f"the quote says {hedges[0]!r}: qualifier must be one of {', '.join(allowed)}"
    return None


def unsupported_reason(name: str, value: str, quote: str, qualifier: str = "") -> str | None:
    """Why the quote does not say the value, or None when it does (see geo/README.md for the rules).

    Parameters
    ----------
    name
        Attribute name (``status``, ``*_date``, ``*_amount`` or another).
    value
        The attribute's value.
    quote
        The quote that should state it.
    qualifier
        The row's qualifier, empty when the value is asserted.

    Returns
    -------
    str or None
        The reason, for an error message.
    """
    hedge = dropped_hedge(name, value, quote, qualifier)
    if hedge:
        return hedge
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
    lifetimes: Mapping[str, tuple[str | None, str | None]] | None = None,
) -> list[Citation]:
    """Read the attribute table and verify every row against its document.

    Parameters
    ----------
    documents
        The seed documents by id.
    feature_ids
        Ids of every feature a row may name.
    path
        The attribute table; defaults to ``geo/attributes.csv``.
    lifetimes
        For features that exist only over a period (TRIPP from 8 August 2025, the Zangezur corridor
        idea until then), ``(valid_from, valid_until)`` ISO dates, either None: a claim must refer to a
        date inside it (its ``refers_to``, else its document's date).

    Returns
    -------
    list of Citation
        The verified rows, in table order.

    Raises
    ------
    CitationError
        Naming the file, the feature and what is wrong: unknown feature or document, a selector that
        does not match its document exactly once, a value the quote does not support, a dropped hedge,
        a date outside the feature's lifetime, a duplicate row.
    InvalidData
        If the table is missing, not UTF-8 CSV, or its columns are not :data:`COLUMNS`.
    """
    path = path or geo_dir() / ATTRIBUTES_FILE
    known = set(feature_ids)
    lifetimes = lifetimes or {}
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
        where = f"{path}:{line}"
        if None in row or any(row[c] is None for c in COLUMNS):
            raise CitationError(where, f"row does not have the {len(COLUMNS)} columns {', '.join(COLUMNS)}")
        cite = Citation(
            row["feature_id"], row["attribute"], row["value"], row["document"], row["quote"],
            row["qualifier"], row["refers_to"], row["stated_by"], row["prefix"], row["suffix"],
        )
        if cite.feature_id not in known:
            raise CitationError(where, "no layer has this feature", feature=cite.feature_id)
        if cite.document not in documents:
            raise CitationError(where, f"unknown document {cite.document!r}", feature=cite.feature_id)
        document = documents[cite.document]
        matches = selector_matches(document.text, cite)
        if matches != 1:
            what = "not found verbatim" if matches == 0 else f"found {matches} times"
            raise CitationError(
                where, f"quote with its prefix and suffix {what} in {cite.document}: {cite.quote[:60]!r}",
                cite.feature_id,
            )
        reason = unsupported_reason(cite.name, cite.value, cite.quote, cite.qualifier)
        if reason:
            raise CitationError(where, f"{cite.name}: {reason}", feature=cite.feature_id)
        reason = _outside_lifetime(cite, document, lifetimes.get(cite.feature_id))
        if reason:
            raise CitationError(where, f"{cite.name}: {reason}", feature=cite.feature_id)
        key = (cite.feature_id, cite.name, cite.value, cite.document)
        if key in seen:
            raise CitationError(where, f"duplicate citation of {cite.name}={cite.value!r}", cite.feature_id)
        seen.add(key)
        citations.append(cite)
    return citations


def selector_matches(text: str, cite: Citation) -> int:
    """How many times the quote, preceded by its prefix and followed by its suffix, occurs in the text.

    The match is on the document's text as stored (no normalisation), as a W3C TextQuoteSelector
    is resolved; an empty quote matches nothing.

    Parameters
    ----------
    text
        The document's text.
    cite
        The citation whose selector is matched.

    Returns
    -------
    int
        The number of (possibly overlapping) matches.
    """
    if not cite.quote:
        return 0
    needle = cite.prefix + cite.quote + cite.suffix
    return sum(1 for _ in re.finditer(f"(?={re.escape(needle)})", text))


def quote_offset(document: Document, cite: Citation) -> int:
    """Where the quote starts in the document's text (-1 when its selector does not match).

    Parameters
    ----------
    document
        The cited document.
    cite
        The citation.

    Returns
    -------
    int
        Character offset of the quote, or -1.
    """
    found = document.text.find(cite.prefix + cite.quote + cite.suffix)
    return found + len(cite.prefix) if found >= 0 else -1


def claim_date(cite: Citation, document: Document) -> str | None:
    """The date a claim is about.

    Its ``refers_to``, else the date of the part of the document that says it, else the document's
    date (which bounds its parts from above), else None.

    Parameters
    ----------
    cite
        The citation.
    document
        Its document.

    Returns
    -------
    str or None
        A (partial) ISO date.
    """
    return cite.refers_to or document.byline_at(quote_offset(document, cite))[1] or document.date or None


def _outside_lifetime(cite: Citation, document: Document, lifetime: tuple[str | None, str | None] | None) -> str | None:
    if cite.refers_to and not is_iso_date(cite.refers_to):
        return f"refers_to {cite.refers_to!r} is not an ISO date"
    date = claim_date(cite, document)
    if lifetime is None or in_lifetime(date, lifetime):
        return None
    valid_from, valid_until = lifetime
    return f"refers to {date}, outside the lifetime of {cite.feature_id} ({valid_from or '…'} to {valid_until or '…'})"


def _first_day(iso: str) -> str:
    """The first day of a date written at any ISO precision, as ``YYYY-MM-DD``."""
    return (iso + "-01-01")[:10] if len(iso) == 4 else (iso + "-01")[:10]


def _last_day(iso: str) -> str:
    """The last day (or a later one) of a date written at any ISO precision: enough for comparing."""
    return iso + "-12-31" if len(iso) == 4 else iso + "-31" if len(iso) == 7 else iso


def in_lifetime(date: str | None, lifetime: tuple[str | None, str | None] | None) -> bool:
    """True when a (partial) ISO date may fall inside the lifetime; unknown dates and lifetimes pass.

    Parameters
    ----------
    date
        A (partial) ISO date, or None.
    lifetime
        ``(valid_from, valid_until)`` ISO dates, either None; or None for no lifetime.

    Returns
    -------
    bool
        False only when the date lies wholly outside the lifetime.
    """
    if date is None or lifetime is None:
        return True
    valid_from, valid_until = lifetime
    return not (valid_from and _last_day(date) < valid_from) and not (valid_until and _first_day(date) > valid_until)


@dataclass(frozen=True)
class QuoteGroup:
    """One quote of one document and every claim it supports, shown once."""

    document: Document
    quote: str
    claims: tuple[Citation, ...]

    @property
    def source(self) -> str:
        """Who states the quote and when: ``according to <outlet or author>, <date>``."""
        return according_to(self.document, quote_offset(self.document, self.claims[0]))

    @property
    def text(self) -> str:
        """``according to <outlet or author>, <date>: “quote”``."""
        return f"{self.source}: “{self.quote}”"


def according_to(document: Document, offset: int = -1) -> str:
    """Who says it and when, so no claim is the tool's: ``according to <author> (<outlet>), <date>``.

    The author and date are those of the part of the document at ``offset`` when it has parts (a page
    of several articles); without an author, the outlet alone; without either, the title.

    Parameters
    ----------
    document
        The cited document.
    offset
        Character offset of the claim in its text; -1 for the document as a whole.

    Returns
    -------
    str
        The attribution phrase.
    """
    authors, date = document.byline_at(offset) if offset >= 0 else (document.authors, document.date)
    author = ", ".join(authors)
    outlet = document.outlet or document.publisher
    who = f"{author} ({outlet})" if author and outlet else author or outlet or f"“{document.title}”"
    return f"according to {who}, {date or 'undated'}"


def claim_label(cite: Citation) -> str:
    """``attribute: value`` with what qualifies it: ``(proposed; refers to 2025-07-25; stated by Baku)``.

    Parameters
    ----------
    cite
        The citation.

    Returns
    -------
    str
        One line for display.
    """
    notes = [
        note
        for note in (
            cite.qualifier,
            f"refers to {cite.refers_to}" if cite.refers_to and cite.refers_to != cite.value else "",
            f"stated by {cite.stated_by}" if cite.stated_by else "",
        )
        if note
    ]
    label = f"{cite.name.replace('_', ' ')}: {cite.value}"
    return f"{label} ({'; '.join(notes)})" if notes else label


def grouped_by_quote(citations: Sequence[Citation], documents: Mapping[str, Document]) -> list[QuoteGroup]:
    """The citations grouped by (document, quote), in order of first appearance.

    Parameters
    ----------
    citations
        Citations, usually of one feature.
    documents
        The seed documents by id.

    Returns
    -------
    list of QuoteGroup
        One group per quote, with the claims it supports.
    """
    groups: dict[tuple[str, str], list[Citation]] = {}
    for cite in citations:
        groups.setdefault((cite.document, cite.quote), []).append(cite)
    return [QuoteGroup(documents[doc], quote, tuple(claims)) for (doc, quote), claims in groups.items()]


def _matchable(text: str) -> str:
    """Unify dashes and apostrophes so "Lachin–Khankendi" and "Lachin-Khankendi" match."""
    return text.translate(_DASHES).casefold()


def mention_index(aliases: Mapping[str, Iterable[str]], documents: Mapping[str, Document]) -> dict[str, list[Mention]]:
    """Find, for each feature, the document sentences that name it by any of its aliases.

    Where one feature's match lies inside a longer match of another ("Lachin" inside
    "Lachin-Khankendi road"), only the longer one counts: the sentence is about the road. The
    phrases in :data:`NOT_MENTIONS` ("Minsk Group") take part in that contest and then count for
    nobody.

    Parameters
    ----------
    aliases
        Names of each feature, by feature id.
    documents
        The seed documents by id.

    Returns
    -------
    dict of str to list of Mention
        Every feature id, with its mentions in document order (possibly none).
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
