"""The seed corpus: byte-identical copies, listed with checksums and what each text says of itself."""

from __future__ import annotations

from conftest import REPO

from corridors.documents import fold_whitespace, load_documents


def test_seeds_are_byte_identical_to_the_shared_corpus(shared_seeds):
    for original in sorted(shared_seeds.glob("*.txt")):
        assert (REPO / "seeds" / original.name).read_bytes() == original.read_bytes()


def test_every_seed_file_is_listed_and_loads(data):
    files = {p.stem for p in (REPO / "seeds").glob("*.txt")}
    assert set(load_documents(REPO)) == files == set(data.documents)


def test_metadata_states_only_what_the_text_says(data):
    for doc in data.documents.values():
        for author in doc.authors:
            assert author.casefold() in doc.text.casefold(), (doc.id, author)
    assert data.documents["004_efa0bcc7859ede98"].authors == ("Vasif Huseynov",)


def test_whitespace_folding_is_the_only_normalisation():
    assert fold_whitespace(" a\n\n b\t c ") == "a b c"
    assert fold_whitespace("Lachin–Goris") != fold_whitespace("Lachin-Goris")


def test_sentences_split_on_full_stops_and_line_breaks(data):
    sentences = data.documents["000_91f3ee357d0df64f"].sentences
    assert "BIG DIPLOMACY IN LACHIN" in sentences
    assert "On 23 April 2023, the Lachin-Goris border checkpoint was established on the Lachin-Goris road." in sentences


def test_metadata_names_the_original_page_where_it_was_found(data):
    documents = data.documents
    for doc in documents.values():
        assert doc.established, doc.id  # every document says how its metadata was established
        assert doc.licence == "other-closed"
        assert doc.url is None or doc.url.startswith(("https://", "http://")), doc.id
        assert (doc.url is None) == (doc.outlet is None), doc.id
    assert documents["000_91f3ee357d0df64f"].url == "https://regionplus.az/en/articles/view/8722"
    assert documents["001_efd591de500ca5b2"].outlet == "News.Az"
    assert documents["002_34f8ce73b138eabe"].url.endswith("/feature-articles/itemlist/tag/Azerbaijan.html")
    assert documents["004_efa0bcc7859ede98"].url is None  # not found: no URL is invented
