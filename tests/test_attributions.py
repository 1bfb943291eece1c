"""Sources the story's sentences cite are recorded and the sentences kept, byte for byte."""

from __future__ import annotations

import pytest

from cleankit.filters.outlets import reads_as_organisation
from cleankit.filters.rules import load_rules
from tests.conftest import make_doc

RULES = load_rules()
STRIP = RULES.strip()
NAMES = RULES.names

STORY = (
    "Banjir Rendam Tiga Desa di Hulu Sungai\n\n"
    "Air setinggi satu meter merendam tiga desa di hulu sungai sejak Minggu malam setelah hujan "
    "deras mengguyur selama enam jam.\n\n"
    "Menurut Badan Penanggulangan Bencana Daerah (BPBD), sedikitnya 300 rumah terendam dan 40 "
    "keluarga mengungsi ke balai desa.\n\n"
    '"Kami masih menunggu perahu karet dari kabupaten," ujar Rahmat, kepala desa, kepada '
    "Radio Suara Lembah (RSL) pada Senin pagi.\n\n"
    "Warga juga membagikan video genangan itu lewat akun X mereka sejak Minggu malam."
)


def test_a_citation_is_recorded_and_the_story_kept_byte_for_byte() -> None:
    outcome = STRIP(make_doc(STORY))
    assert outcome.doc is not None
    assert outcome.doc.text == STORY
    assert outcome.edits == ()
    assert outcome.provenance["cited_source"] == "BPBD; RSL; X"
    assert outcome.provenance["cited_source_from"] == "prose"


def test_people_quoted_by_name_are_not_sources() -> None:
    text = (
        "Menurut Rahmat Hidayat, warga sudah mengungsi sejak Minggu malam karena air terus naik.\n\n"
        '"Perahu karet belum datang sampai pagi ini," kata Siti Aminah kepada warga desa lain.'
    )
    outcome = STRIP(make_doc(text))
    assert "cited_source" not in outcome.provenance
    assert "cited_source_from" not in outcome.provenance


def test_the_pages_own_outlet_is_no_cited_source() -> None:
    text = (
        "The council voted on Tuesday to close the old bridge to lorries for the whole winter.\n\n"
        '"We had no other choice," the mayor told The Harbour Post after the vote on Tuesday.'
    )
    own = STRIP(make_doc(text, site="harbourpost.com"))
    other = STRIP(make_doc(text, site="valleyherald.com"))
    assert "cited_source" not in own.provenance
    assert other.provenance["cited_source"] == "The Harbour Post"


def test_a_credit_line_and_a_citation_are_listed_once_each() -> None:
    text = (
        "Gempa bermagnitudo 5,1 mengguncang pesisir selatan pada Selasa dini hari, kata BMKG.\n\n"
        "Data dari BNPB menunjukkan dua rumah rusak ringan dan tidak ada korban jiwa.\n\n"
        "Sumber: BMKG"
    )
    outcome = STRIP(make_doc(text))
    assert outcome.doc is not None
    assert outcome.doc.text == text[: text.index("\n\nSumber")]
    assert outcome.provenance["cited_source"] == "BMKG; BNPB"
    assert outcome.provenance["cited_source_from"] == "credit; prose"


def test_a_citation_in_a_teaser_list_is_not_read() -> None:
    text = (
        "Warga mulai kembali ke rumah masing-masing setelah air surut pada Rabu sore kemarin.\n\n"
        "Menurut BMKG Hujan Reda\nKata BNPB Soal Banjir"
    )
    assert "cited_source" not in STRIP(make_doc(text)).provenance


@pytest.mark.parametrize(
    ("name", "organisation"),
    [
        ("BMKG", True),
        ("USA TODAY", True),
        ("FOX 9", True),
        ("Canal 4 CBS", True),
        ("FlightRadar", True),
        ("detikcom", True),
        ("The Star", True),
        ("Harbour Gazette", True),  # a press word
        ("kabarlembah.id", True),  # an address
        ("AP", True),  # an agency of the names table
        ("US", False),  # two capitals: a country as often as a body
        ("Rahmat Hidayat", False),
        ("Kepala BMKG", False),  # a title before the body reads as a person's
        ("9", False),
    ],
)
def test_reads_as_organisation(name: str, organisation: bool) -> None:
    assert reads_as_organisation(name, NAMES) is organisation
