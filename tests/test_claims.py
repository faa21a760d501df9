"""Claims say exactly what their source says: dates written, hedges kept, anchored once, dated right."""

from __future__ import annotations

import csv
from collections import Counter

import pytest
from conftest import REPO, SYNTHETIC_TEXT

import corridors
from corridors.attributes import (
    COLUMNS,
    HEDGES,
    QUALIFIERS,
    Citation,
    according_to,
    claim_date,
    dates_written_in,
    dropped_hedge,
    grouped_by_quote,
    hedges_in,
    selector_matches,
)
from corridors.errors import CitationError
from corridors.timeline import is_iso_date

TRIPP_INITIATED = "2025-08-08"


def test_a_date_in_a_value_is_written_in_its_quote(data):
    dated = [c for c in data.citations if is_iso_date(c.value)]
    assert len(dated) >= 10
    for cite in dated:
        assert cite.value in dates_written_in(cite.quote), cite


@pytest.mark.parametrize(
    ("quote", "qualifier", "kept"),
    [
        ("the proposed U.S.-overseen Zangezur Corridor", "", False),
        ("the proposed U.S.-overseen Zangezur Corridor", "proposed", True),
        ("which would connect Azerbaijan to its western exclave", "reported", False),
        ("the road—ostensibly overseen by Russian peacekeepers", "nominal", True),
        ("Pakistani soldiers were reportedly fighting", "", False),
        ("The corridor passes through Azerbaijan and Turkey.", "", True),
        ("The corridor passes through Azerbaijan and Turkey.", "rumoured", False),
    ],
)
def test_a_hedge_in_the_quote_needs_a_qualifier_that_keeps_it(quote, qualifier, kept):
    assert (dropped_hedge("passes_through", "x", quote, qualifier) is None) is kept


def test_only_the_sentence_stating_the_value_lends_it_its_hedges():
    quote = "The summit was held on August 8, 2025. It signed a declaration aimed at opening routes."
    assert dropped_hedge("summit_date", "2025-08-08", quote, "") is None
    assert dropped_hedge("purpose", "opening routes", quote, "") is not None


def test_no_real_claim_drops_a_hedge_of_its_quote(data):
    hedged = [c for c in data.citations if hedges_in(c.quote)]
    assert len(hedged) >= 8
    for cite in data.citations:
        assert dropped_hedge(cite.name, cite.value, cite.quote, cite.qualifier) is None, cite
    assert {c.qualifier for c in data.citations} - {""} <= set(QUALIFIERS)
    assert set().union(*HEDGES.values()) <= set(QUALIFIERS)


def test_no_tripp_claim_refers_to_a_date_before_tripp_existed(data):
    tripp = data.citations_for("tripp")
    assert len(tripp) >= 10
    for cite in tripp:
        date = claim_date(cite, data.documents[cite.document])
        assert date is not None and date >= TRIPP_INITIATED, cite


def test_statements_from_before_tripp_attach_to_the_zangezur_corridor_concept(data):
    concept = data.feature("zangezur-corridor")
    assert concept.kind == "concept" and concept.properties["succeeded_by"] == "tripp"
    values = {(c.name, c.value, c.qualifier) for c in concept.attributes}
    assert ("overseen_by", "U.S.", "proposed") in values
    assert ("opposed_by", "Iran", "") in values
    assert all(claim_date(c, data.documents[c.document]) <= TRIPP_INITIATED for c in concept.attributes)
    assert {m.document for m in data.mentions["zangezur-corridor"]} == {"002_34f8ce73b138eabe"}
    assert "002_34f8ce73b138eabe" not in {m.document for m in data.mentions["tripp"]}


def test_the_over_readings_of_issue_11_are_gone(data):
    claims = {(c.feature_id, c.name, c.value): c for c in data.citations}
    assert not any(c.value == "€12 billion" for c in data.citations)
    assert ("lachin", "controlled_by", "Azerbaijani control") not in claims
    assert not any(c.feature_id == "tripp" and c.name == "opposed_by" for c in data.citations)
    assert claims[("lachin-corridor", "width", "10-km-wide")].qualifier == "disputed"
    assert claims[("zangezur-corridor", "extraterritorial_corridor_rejected_by", "Armenia")].stated_by == "Armenia"
    assert not data.citations_for("suez-sea-route")
    assert all("other land routes" not in c.quote for c in data.citations)


def test_every_selector_matches_its_document_exactly_once(data):
    for cite in data.citations:
        text = data.documents[cite.document].text
        assert selector_matches(text, cite) == 1, cite
        assert "\n" not in cite.prefix + cite.suffix, cite
        start = text.index(cite.prefix + cite.quote + cite.suffix) + len(cite.prefix)
        end = start + len(cite.quote)
        # context is cut only at a line break: an empty prefix or suffix means the quote starts or ends a line
        assert cite.prefix or start == 0 or text[start - 1] == "\n", cite
        assert cite.suffix or end == len(text) or text[end] == "\n", cite


def test_a_selector_that_matches_twice_is_ambiguous():
    cite = Citation("f", "a", "x", "d", "road")
    assert selector_matches("A road and a road.", cite) == 2
    assert selector_matches("A road and a road.", Citation("f", "a", "x", "d", "road", prefix="A ")) == 1


def test_every_row_of_the_old_table_has_a_verdict_and_the_table_holds_the_survivors(data):
    with (REPO / "geo" / "attributes-review.csv").open(encoding="utf-8", newline="") as handle:
        review = list(csv.DictReader(handle))
    assert [int(r["line"]) for r in review] == list(range(2, 126))
    verdicts = Counter(r["verdict"] for r in review)
    assert set(verdicts) == {"kept", "changed", "moved", "dropped"}
    assert all(r["reason"] for r in review)
    assert len(data.citations) == len(review) - verdicts["dropped"]
    now = {f"{c.feature_id} {c.name}={c.value}" for c in data.citations}
    for row in review:
        if row["verdict"] != "dropped":
            assert row["now"].split(" [")[0] in now, row


def test_the_attribute_table_stays_sorted_for_easy_merges():
    with (REPO / "geo" / "attributes.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == COLUMNS
    keys = [(r["feature_id"], r["attribute"], r["value"], r["document"]) for r in rows]
    assert keys == sorted(keys)


def test_citations_read_according_to_their_source_and_each_quote_once(data):
    text = data.citations_text("middle-corridor")
    quotes = grouped_by_quote(data.citations_for("middle-corridor"), data.documents)
    assert len(quotes) < len(data.citations_for("middle-corridor"))
    for group in quotes:
        assert text.count(f"“{group.quote}”") == 1
        assert group.text.startswith("according to ")
    assert according_to(data.documents["004_efa0bcc7859ede98"]) == "according to Vasif Huseynov, 2025-10-21"
    assert according_to(data.documents["001_efd591de500ca5b2"]) == "according to News.Az, 2025-10-21"
    lachin = according_to(data.documents["000_91f3ee357d0df64f"])
    assert lachin == "according to Tofigakhanym GASIMOVA (Region Plus), undated"


def test_a_quote_from_one_piece_of_a_collection_is_that_pieces_authors(data):
    analyst = data.documents["002_34f8ce73b138eabe"]
    first = analyst.text.index("Armenia stands at a critical crossroads")
    last = analyst.text.index("a senior Iranian official reaffirmed")
    assert according_to(analyst, first) == "according to John DiPirro (Central Asia-Caucasus Analyst), 2025-07-25"
    assert according_to(analyst, last) == "according to Davit Petrosyan (Central Asia-Caucasus Analyst), undated"
    iran = next(c for c in data.citations_for("zangezur-corridor") if c.name == "opposed_by")
    assert claim_date(iran, analyst) == "2024-09-07"


def test_show_prints_a_concept_grouped_by_quote(invoke):
    result = invoke("show", "zangezur-corridor")
    assert result.exit_code == 0, result.output
    assert "concept in layer concepts" in result.output
    flat = " ".join(result.output.split())
    assert "according to John DiPirro (Central Asia-Caucasus Analyst), 2025-07-25:" in flat
    assert "according to Davit Petrosyan (Central Asia-Caucasus Analyst), undated:" in flat
    assert "overseen by: U.S. (proposed; refers to 2025-07-25)" in flat
    assert " ".join(result.output.split()).count("“On March 26, 2025, Turkish President Erdoğan declared") == 1


def _synthetic_row(synthetic, row: str) -> None:
    path = synthetic / "geo" / "attributes.csv"
    path.write_text(path.read_text(encoding="utf-8") + row + "\n", encoding="utf-8")


def test_loader_rejects_a_claim_from_before_its_feature_existed(synthetic):
    (synthetic / "geo" / "concepts.toml").write_text(
        '[[lifetime]]\nfeature = "test-road"\nvalid_from = "2022-01-01"\n', encoding="utf-8"
    )
    corridors.load_dataset(synthetic)  # the claims have no date: nothing to check
    path = synthetic / "geo" / "attributes.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("2021-05-02,,,", "2021-05-02,,2021-05-02,"))
    with pytest.raises(CitationError, match="outside the lifetime of test-road"):
        corridors.load_dataset(synthetic)


def test_loader_rejects_a_dropped_hedge_and_an_unknown_qualifier(synthetic):
    _synthetic_row(synthetic, "test-road,kind,road,,,,doc1,,The old Test Road bridge no longer exists.,")
    corridors.load_dataset(synthetic)
    text = SYNTHETIC_TEXT + "It would reportedly carry trains.\n"
    _replace_text(synthetic, text)
    _synthetic_row(synthetic, "test-road,carries,trains,,,,doc1,,It would reportedly carry trains.,")
    with pytest.raises(CitationError, match="qualifier must be one of"):
        corridors.load_dataset(synthetic)
    path = synthetic / "geo" / "attributes.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("trains,,,,", "trains,rumoured,,,"), encoding="utf-8")
    with pytest.raises(CitationError, match="'rumoured' is not one of"):
        corridors.load_dataset(synthetic)


def test_loader_rejects_an_ambiguous_selector(synthetic):
    _replace_text(synthetic, SYNTHETIC_TEXT + "It is a dual-purpose road.\n")
    with pytest.raises(CitationError, match="found 2 times"):
        corridors.load_dataset(synthetic)


def _replace_text(synthetic, text: str) -> None:
    """Swap the synthetic document's text, keeping its checksum right."""
    import hashlib
    import re

    (synthetic / "seeds" / "doc1.txt").write_text(text, encoding="utf-8")
    meta = synthetic / "seeds" / "documents.toml"
    digest = hashlib.sha256(text.encode()).hexdigest()
    meta.write_text(re.sub(r'sha256 = "[0-9a-f]+"', f'sha256 = "{digest}"', meta.read_text(encoding="utf-8")))
