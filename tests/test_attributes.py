"""Citations: quotes verbatim in their documents, values stated by their quotes; mentions found in text."""

from __future__ import annotations

import pytest

from corridors.attributes import dates_written_in, mention_index, unsupported_reason
from corridors.documents import fold_whitespace


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("On 23 April 2023, the checkpoint", {"2023-04-23", "2023-04", "2023"}),
        ("held on August 8, 2025.", {"2025-08-08", "2025"}),
        ("In December 2022, Azerbaijan", {"2022-12", "2022"}),
        ("signed on the night of 10 November", set()),
        ("$1.5 billion and 2,000 peacekeepers", set()),
    ],
)
def test_dates_written_in_reads_the_forms_documents_use(text, expected):
    assert dates_written_in(text) >= expected
    if not expected:
        assert dates_written_in(text) == set()


@pytest.mark.parametrize(
    ("name", "value", "quote", "ok"),
    [
        ("checkpoint_established_date", "2023-04-23", "On 23 April 2023, the Lachin-Goris border checkpoint", True),
        ("checkpoint_established_date", "2023-04-24", "On 23 April 2023, the Lachin-Goris border checkpoint", False),
        ("opened_date", "23 April 2023", "On 23 April 2023", False),
        ("status", "historical", "The Lachin corridor is now part of history", True),
        ("status", "operational", "The Lachin corridor is now part of history", False),
        ("status", "closed", "The corridor ceased to exist.", False),
        ("investment_amount", "€12 billion", "the Union pledged €12 billion in investments", True),
        ("investment_amount", "€13 billion", "the Union pledged €12 billion in investments", False),
        ("purpose", "Dual-purpose  infrastructure project", "a dual-purpose infrastructure project, much like", True),
        ("purpose", "military road", "a dual-purpose infrastructure project", False),
    ],
)
def test_value_must_be_what_the_quote_says(name, value, quote, ok):
    assert (unsupported_reason(name, value, quote) is None) is ok


def test_every_real_quote_is_verbatim_in_its_document(data):
    assert len(data.citations) >= 40
    for cite in data.citations:
        assert fold_whitespace(cite.quote) in fold_whitespace(data.documents[cite.document].text), cite


def test_every_real_value_is_supported_by_its_quote(data):
    for cite in data.citations:
        assert unsupported_reason(cite.name, cite.value, cite.quote, cite.qualifier) is None, cite


def test_key_facts_are_cited(data):
    facts = {(c.feature_id, c.name, c.value) for c in data.citations}
    assert any(f[0] == "lachin-goris-checkpoint" or f[0] == "lachin-corridor" for f in facts if f[2] == "2023-04-23")
    assert any(f[0] == "tripp" and f[2] == "2025-08-08" for f in facts)
    assert {"UBLC", "UBBF", "UBBZ"} <= {c.feature_id for c in data.citations}


def test_mentions_prefer_the_longest_alias():
    from pathlib import Path

    from corridors.documents import Document

    doc = Document(
        "d", "t", Path("d.txt"), "A new Lachin–Khankendi road has long been established. Lachin was occupied."
    )
    index = mention_index({"lachin": ["Lachin"], "lachin-khankendi-road": ["Lachin-Khankendi road"]}, {"d": doc})
    assert [m.sentence for m in index["lachin-khankendi-road"]] == [
        "A new Lachin–Khankendi road has long been established."
    ]
    assert [m.sentence for m in index["lachin"]] == ["Lachin was occupied."]


def test_mention_index_finds_tripp_by_every_alias(data):
    mentions = data.mentions["tripp"]
    assert "zangezur corridor" in {m.alias.casefold() for m in mentions}
    assert any("Trump Route for International Peace and Prosperity" in m.sentence for m in mentions)
    assert len({m.document for m in mentions}) >= 2
    for m in mentions:
        assert m.sentence in data.documents[m.document].sentences


def test_the_minsk_group_is_not_a_mention_of_minsk():
    from pathlib import Path

    from corridors.documents import Document

    doc = Document("d", "t", Path("d.txt"), "The OSCE Minsk Group was dissolved. Trains run to Minsk.")
    index = mention_index({"minsk": ["Minsk"]}, {"d": doc})
    assert [m.sentence for m in index["minsk"]] == ["Trains run to Minsk."]


def test_the_checkpoint_is_mentioned_by_its_full_name(data):
    sentences = [m.sentence for m in data.mentions["lachin-goris-checkpoint"]]
    assert any(s.startswith("On 23 April 2023, the Lachin-Goris border checkpoint") for s in sentences)
