"""The seed corpus: the documents every cited attribute points into, checked against their checksums."""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .errors import InvalidData
from .paths import seeds_dir
from .timeline import is_iso_date

METADATA_FILE = "documents.toml"

_WHITESPACE = re.compile(r"\s+")
# A sentence ends at . ! or ? (optionally closed by a quote or bracket) before white space, or at a
# line break: the seeds are web pages whose headings and bylines have no full stop.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]*\s+|\s*\n\s*")


def fold_whitespace(text: str) -> str:
    """Collapse every run of white space to one space, the only normalisation quotes get.

    Parameters
    ----------
    text
        Any text.

    Returns
    -------
    str
        The text, folded and stripped.
    """
    return _WHITESPACE.sub(" ", text).strip()


@dataclass(frozen=True)
class DocumentPart:
    """A piece of a document by its own author (a page listing several articles), from ``offset`` on."""

    offset: int
    author: str
    date: str | None = None


@dataclass(frozen=True)
class Document:
    """One seed document and what its text states about itself."""

    id: str
    title: str
    path: Path
    text: str = field(repr=False)
    authors: tuple[str, ...] = ()
    publisher: str | None = None
    date: str | None = None
    outlet: str | None = None
    url: str | None = None
    licence: str | None = None
    established: str | None = None
    sha256: str | None = None
    parts: tuple[DocumentPart, ...] = ()

    def byline_at(self, offset: int) -> tuple[tuple[str, ...], str | None]:
        """The authors and date of the text at ``offset``: its part's when the document has parts.

        Parameters
        ----------
        offset
            Character offset in the document's text.

        Returns
        -------
        tuple
            The authors and the date (None when undated).
        """
        part = next((p for p in reversed(self.parts) if p.offset <= offset), None)
        return ((part.author,), part.date) if part else (self.authors, self.date)

    @cached_property
    def folded(self) -> str:
        """The text with white space folded, as quotes are matched against it."""
        return fold_whitespace(self.text)

    @cached_property
    def sentences(self) -> tuple[str, ...]:
        """The text cut into sentences, each whitespace-folded; empty pieces dropped."""
        pieces = (fold_whitespace(p) for p in _SENTENCE_END.split(self.text))
        return tuple(p for p in pieces if p)

    def contains(self, quote: str) -> bool:
        """True when the quote appears verbatim, white space folded on both sides.

        Parameters
        ----------
        quote
            The text looked for.

        Returns
        -------
        bool
            Whether the document holds it.
        """
        return fold_whitespace(quote) in self.folded


def load_documents(root: Path | None = None) -> dict[str, Document]:
    """Read ``seeds/documents.toml`` and every document it lists, verifying each sha256.

    Parameters
    ----------
    root
        Data directory; defaults to :func:`corridors.paths.data_dir`.

    Returns
    -------
    dict of str to Document
        The documents by id, in listed order.

    Raises
    ------
    InvalidData
        If the metadata is malformed, a listed file is missing, or its checksum differs.
    """
    folder = seeds_dir(root)
    meta_path = folder / METADATA_FILE
    try:
        entries = tomllib.loads(meta_path.read_text(encoding="utf-8"))["document"]
    except FileNotFoundError:
        raise InvalidData(meta_path, "document metadata file is missing") from None
    except (tomllib.TOMLDecodeError, KeyError, UnicodeDecodeError) as exc:
        raise InvalidData(meta_path, f"malformed document metadata ({exc})") from None
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise InvalidData(meta_path, "'document' must be a list of [[document]] tables")

    documents: dict[str, Document] = {}
    for entry in entries:
        doc_id = entry.get("id")
        for key in ("id", "file", "title", "sha256"):
            if not entry.get(key):
                raise InvalidData(meta_path, f"missing {key!r}", feature=doc_id)
        if doc_id in documents:
            raise InvalidData(meta_path, "duplicate document id", feature=doc_id)
        path = folder / entry["file"]
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise InvalidData(path, "listed in documents.toml but missing", feature=doc_id) from None
        digest = hashlib.sha256(data).hexdigest()
        if digest != entry["sha256"]:
            raise InvalidData(path, f"sha256 {digest} does not match documents.toml", feature=doc_id)
        if entry.get("date") and not is_iso_date(str(entry["date"])):
            raise InvalidData(meta_path, f"date {entry['date']!r} is not an ISO date", feature=doc_id)
        text = _decoded(data, path, doc_id)
        documents[doc_id] = Document(
            id=doc_id,
            title=entry["title"],
            path=path,
            text=text,
            authors=tuple(entry.get("authors", ())),
            publisher=entry.get("publisher"),
            date=str(entry["date"]) if entry.get("date") else None,
            outlet=entry.get("outlet"),
            url=entry.get("url"),
            licence=entry.get("licence"),
            established=entry.get("established"),
            sha256=digest,
            parts=_parts(meta_path, doc_id, text, entry.get("parts", [])),
        )
    return documents


def _parts(meta_path: Path, doc_id: str, text: str, entries: list[dict[str, str]]) -> tuple[DocumentPart, ...]:
    """Locate each part at the first line of the text equal to its ``starts``."""
    lines = text.splitlines(keepends=True)
    starts = [sum(len(x) for x in lines[:i]) for i in range(len(lines))]
    parts = []
    for entry in entries:
        where = [at for at, line in zip(starts, lines, strict=True) if line.strip() == entry.get("starts")]
        if not where or not entry.get("author"):
            raise InvalidData(meta_path, f"part {entry.get('starts')!r} needs an author and a line of the text", doc_id)
        date = entry.get("date")
        if date and not is_iso_date(str(date)):
            raise InvalidData(meta_path, f"part date {date!r} is not an ISO date", feature=doc_id)
        parts.append(DocumentPart(where[0], entry["author"], str(date) if date else None))
    return tuple(sorted(parts, key=lambda p: p.offset))


def _decoded(data: bytes, path: Path, doc_id: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidData(path, f"not UTF-8 text ({exc})", feature=doc_id) from None
