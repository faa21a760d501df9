"""Provenance in open standards: citations as W3C Web Annotations, the data as a Frictionless package.

:func:`annotation_collection` turns every citation into a Web Annotation (JSON-LD,
https://www.w3.org/TR/annotation-model/): the body names the feature and says the claim (attribute,
value, qualifier, date, who states it); the target is the seed document, identified by the sha256 of
its bytes as an RFC 6920 ``ni:`` URI, with the TextQuoteSelector of the quote and, when known, the
page it was taken from as ``scope``.

:func:`datapackage_descriptor` describes the repository's data as a Frictionless Data Package
(https://specs.frictionlessdata.io/data-package/): the layers, the attributes table and its review,
the concepts, the published figures and the seed documents with their hashes and licences. It lives
at the repository root, ``datapackage.json``, because its resources are in both ``geo/`` and
``seeds/`` and a package may only name paths below its own directory. ``python -m
corridors.provenance`` regenerates it; a test fails when it drifts.
"""

from __future__ import annotations

import base64
import sys
import uuid
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .attributes import ATTRIBUTES_FILE, QUALIFIERS, Citation
from .concepts import CONCEPTS_FILE
from .documents import Document
from .io import to_json, write_text_atomic
from .paths import data_dir
from .published import COLUMNS as PUBLISHED_COLUMNS
from .published import PUBLISHED_FILE

ANNOTATION_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
DATAPACKAGE_FILE = "datapackage.json"
REVIEW_FILE = "attributes-review.csv"
#: Names the annotation ids are derived from, so an unchanged citation keeps its id.
_ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/corridors/citations")
_LAYER_FILES = ("places", "middle-corridor", "tripp-zangezur", "lachin-road", "north-south", "airports")
_ISO_DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"
#: Field types of geo/published.csv beyond plain text (its columns are :data:`corridors.published.COLUMNS`).
_PUBLISHED_FIELDS: dict[str, dict[str, Any]] = {
    "route_id": {"name": "route_id", "type": "string", "constraints": {"required": True}},
    "country": {"name": "country", "type": "string", "constraints": {"pattern": "^[A-Z]{3}$"}},
    "km": {"name": "km", "type": "number", "constraints": {"required": True, "minimum": 0}},
    "source_outlet": {"name": "source_outlet", "type": "string", "constraints": {"required": True}},
    "source_title": {"name": "source_title", "type": "string", "constraints": {"required": True}},
    "source_date": {
        "name": "source_date", "type": "string", "constraints": {"required": True, "pattern": _ISO_DATE_PATTERN},
    },
    "source_url": {"name": "source_url", "type": "string", "constraints": {"required": True, "pattern": "https?://.+"}},
    "tolerance_pct": {"name": "tolerance_pct", "type": "number", "constraints": {"minimum": 0}},
}
#: Licence of the seed texts: none of their pages states one; they are quoted for citation only.
_CLOSED = {"name": "other-closed", "title": "No licence stated by the publisher; the text is quoted for citation"}


def document_uri(document: Document) -> str:
    """The RFC 6920 ``ni:`` URI of the document's bytes: names exactly the text the selectors resolve in.

    Parameters
    ----------
    document
        A seed document.

    Returns
    -------
    str
        ``ni:///sha-256;<base64url digest>``.
    """
    digest = bytes.fromhex(document.sha256 or "")
    return "ni:///sha-256;" + base64.urlsafe_b64encode(digest).decode().rstrip("=")


def annotation(cite: Citation, document: Document) -> dict[str, Any]:
    """One citation as a W3C Web Annotation (without ``@context``, which the collection carries).

    Parameters
    ----------
    cite
        The citation.
    document
        Its document.

    Returns
    -------
    dict
        The annotation, with a stable ``urn:uuid`` id.
    """
    key = "\x1f".join((cite.feature_id, cite.name, cite.value, cite.document))
    body: list[dict[str, Any]] = [
        {"type": "TextualBody", "purpose": "identifying", "value": cite.feature_id},
        {"type": "TextualBody", "purpose": "describing", "value": f"{cite.name}: {cite.value}"},
    ]
    if cite.qualifier:
        body.append({"type": "TextualBody", "purpose": "classifying", "value": cite.qualifier})
    notes = [
        *([f"refers to {cite.refers_to}"] if cite.refers_to else []),
        *([f"stated by {cite.stated_by}"] if cite.stated_by else []),
    ]
    if notes:
        body.append({"type": "TextualBody", "purpose": "commenting", "value": "; ".join(notes)})
    source: dict[str, Any] = {
        "id": document_uri(document),
        "type": "Text",
        "format": "text/plain",
        "language": "en",
        "title": document.title,
        "sha256": document.sha256,
    }
    target: dict[str, Any] = {"type": "SpecificResource", "source": source, "selector": cite.selector}
    if document.url:
        target["scope"] = document.url
    return {
        "id": f"urn:uuid:{uuid.uuid5(_ID_NAMESPACE, key)}",
        "type": "Annotation",
        "motivation": "describing",
        "body": body,
        "target": target,
    }


def annotation_collection(citations: Iterable[Citation], documents: Mapping[str, Document]) -> dict[str, Any]:
    """Every citation as a Web Annotation, in one JSON-LD AnnotationCollection with a single page.

    Parameters
    ----------
    citations
        The citations to export.
    documents
        The seed documents by id.

    Returns
    -------
    dict
        The collection, ready for JSON.
    """
    items = [annotation(cite, documents[cite.document]) for cite in citations]
    return {
        "@context": ANNOTATION_CONTEXT,
        "id": f"urn:uuid:{uuid.uuid5(_ID_NAMESPACE, 'collection')}",
        "type": "AnnotationCollection",
        "label": "corridors: cited attributes and the sentences that state them",
        "total": len(items),
        "first": {"type": "AnnotationPage", "startIndex": 0, "items": items},
    }


def annotations_text(citations: Iterable[Citation], documents: Mapping[str, Document]) -> str:
    """The collection as JSON-LD text (UTF-8, indented, ending in a newline).

    Parameters
    ----------
    citations
        The citations to export.
    documents
        The seed documents by id.

    Returns
    -------
    str
        The JSON-LD text.
    """
    return to_json(annotation_collection(citations, documents), ensure_ascii=False, indent=2) + "\n"


def datapackage_descriptor(documents: Mapping[str, Document]) -> dict[str, Any]:
    """The Frictionless Data Package descriptor of the repository's data (paths relative to its root).

    Parameters
    ----------
    documents
        The seed documents by id, one resource each.

    Returns
    -------
    dict
        The descriptor, ready for JSON.
    """
    string = {"type": "string"}
    attribute_fields: list[dict[str, Any]] = [
        {"name": name, **string, "description": description}
        for name, description in (
            ("feature_id", "id of a layer feature or a concept (geo/concepts.toml)"),
            ("attribute", "what the value is; names ending _date hold ISO dates, _amount a figure"),
            ("value", "the value, as the quote states it"),
            ("qualifier", "empty when the document asserts the value, else how it stands: " + ", ".join(QUALIFIERS)),
            ("refers_to", "ISO date the statement is about, empty when the document does not say"),
            ("stated_by", "whose position the document reports, empty when it is the author's statement"),
            ("document", "seed document id (file stem in seeds/)"),
            ("prefix", "W3C TextQuoteSelector prefix: the text just before the quote, on the same line"),
            ("quote", "W3C TextQuoteSelector exact: the verbatim quote"),
            ("suffix", "W3C TextQuoteSelector suffix: the text just after the quote, on the same line"),
        )
    ]
    for field in attribute_fields:
        if field["name"] == "qualifier":
            field["constraints"] = {"enum": list(QUALIFIERS)}
        if field["name"] == "refers_to":
            field["constraints"] = {"pattern": _ISO_DATE_PATTERN}
        if field["name"] in ("feature_id", "attribute", "value", "document", "quote"):
            field["constraints"] = {"required": True}
    resources: list[dict[str, Any]] = [
        {
            "name": f"layer-{name}",
            "path": f"geo/{name}.geojson",
            "format": "geojson",
            "mediatype": "application/geo+json",
            "encoding": "utf-8",
            "description": f"GeoJSON (RFC 7946) features of {name}; see geo/README.md for the properties",
        }
        for name in _LAYER_FILES
    ]
    resources += [
        {
            "name": "attributes",
            "path": f"geo/{ATTRIBUTES_FILE}",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "description": "Cited attributes: each value with its document and anchored quote",
            "schema": {"fields": attribute_fields, "primaryKey": ["feature_id", "attribute", "value", "document"]},
        },
        {
            "name": "attributes-review",
            "path": f"geo/{REVIEW_FILE}",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "description": "The review of every row the attributes table held before issue 11: verdict and why",
            "schema": {
                "fields": [
                    {"name": "line", "type": "integer", "description": "line in the table before the review"},
                    {"name": "feature_id", **string},
                    {"name": "attribute", **string},
                    {"name": "value", **string},
                    {"name": "document", **string},
                    {"name": "verdict", **string, "constraints": {"enum": ["kept", "changed", "moved", "dropped"]}},
                    {"name": "now", **string, "description": "the row after the review, empty when dropped"},
                    {"name": "reason", **string},
                ],
                "primaryKey": ["line"],
            },
        },
        {
            "name": "concepts",
            "path": f"geo/{CONCEPTS_FILE}",
            "format": "toml",
            "mediatype": "application/toml",
            "encoding": "utf-8",
            "description": "Features without geometry and the lifetimes of dated features",
        },
        {
            "name": "published",
            "path": f"geo/{PUBLISHED_FILE}",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "description": "Lengths the routes' builders and the press publish, to compare with ours",
            "schema": {"fields": [_PUBLISHED_FIELDS.get(name, {"name": name, **string}) for name in PUBLISHED_COLUMNS]},
        },
    ]
    for document in documents.values():
        resource: dict[str, Any] = {
            "name": f"document-{document.id.replace('_', '-')}",
            "path": f"seeds/{document.path.name}",
            "title": document.title,
            "format": "txt",
            "mediatype": "text/plain",
            "encoding": "utf-8",
            "hash": f"sha256:{document.sha256}",
            "licenses": [_CLOSED if document.licence in (None, "other-closed") else {"name": document.licence}],
        }
        if document.url:
            resource["sources"] = [{"title": document.outlet or document.title, "path": document.url}]
        resources.append(resource)
    return {
        "name": "corridors",
        "title": "South Caucasus transport corridors: layers, cited attributes and their documents",
        "licenses": [{"name": "MIT", "path": "https://opensource.org/licenses/MIT", "title": "MIT License"}],
        "sources": [
            {"title": "GeoNames (places, CC BY 4.0)", "path": "https://www.geonames.org/"},
            {"title": "Natural Earth (country boundaries, public domain)", "path": "https://www.naturalearthdata.com/"},
        ],
        "resources": resources,
    }


def datapackage_text(documents: Mapping[str, Document]) -> str:
    """The Frictionless Data Package descriptor as JSON text (``datapackage.json``).

    Parameters
    ----------
    documents
        The seed documents by id.

    Returns
    -------
    str
        Indented JSON ending in a newline.
    """
    return to_json(datapackage_descriptor(documents), ensure_ascii=False, indent=2) + "\n"


def write_datapackage(root: Path | None = None) -> Path:
    """Regenerate ``datapackage.json`` at the data root from the seed metadata.

    Parameters
    ----------
    root
        Data directory; None for :func:`corridors.paths.data_dir`.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    from .documents import load_documents

    base = data_dir(root)
    target = base / DATAPACKAGE_FILE
    write_text_atomic(target, datapackage_text(load_documents(base)))
    return target


if __name__ == "__main__":
    print(f"Wrote {write_datapackage(Path(sys.argv[1]) if len(sys.argv) > 1 else None)}")
