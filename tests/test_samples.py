"""End to end on samples/: the junk listed in samples/README.md is gone, the reporting is kept."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from cleankit.io.corpus import read_documents
from cleankit.io.writers import read_output
from cleankit.run import clean_corpus
from tests.conftest import SAMPLES

WITHOUT = {
    "kabarnusa-0001": [
        "Sabtu, 14 September 2024",
        "Foto: Kabarnusa/Rahmat",
        "Kabarnusa.com, Sinjai -",
        "Baca juga",
        "WhatsApp",
    ],
    "kabarnusa-0002": ["(ant)", "WhatsApp", "Senin, 16 September"],
    "kabarnusa-0003": ["MAROS -", "Editor:", "WhatsApp"],
    "kabarnusa-0004": ["***", "WhatsApp", "Jumat, 20 September 2024"],
    "voi-en-5521": ["JAKARTA -", "SEE ALSO", "automatically generated"],
    "it-2208871": ["Story Code", "Pelabuhan Hodeidah", "perbatasan Q", "[IT/r]"],
    "it-2209114": [
        "date 2024-09",
        "IslamTimes",
        "tersebutMenurut",
        "distribusi.Pernyataan",
        "[IT/r]",
    ],
    "wire-en-0931": ["Wednesday, October 9", "(Reuters)", "\u00e2\u0080", "Reporting by"],
    "antara-7732": ["TOMOHON (ANTARA) -", "(Foto:", "Pewarta"],
    "coastline-4410": ["on Monday\n", "month.l", "Read also"],
    "pages/kabarnusa-pasar-apung": [
        "Beranda",
        "Rabu, 25 September",
        "Kabarnusa.com, Makassar -",
        "WhatsApp",
        "hak cipta",
    ],
}

WITH = {
    "kabarnusa-0001": "Banjir Rendam 12 Desa di Kabupaten Sinjai Barat\n\nBanjir merendam sedikitnya 12 desa",
    "kabarnusa-0002": "Rudi memperkirakan harga akan kembali normal dalam dua pekan jika cuaca membaik.",
    "voi-en-5521": "The ministry said the seized catch, mostly squid and mackerel, would be auctioned",
    "it-2208871": "jalur bantuan kemanusiaan di perbatasan Rafah dan pengawasan internasional",
    "it-2209114": "di kamp tersebut\n\nMenurut pernyataan itu, lebih dari 40 truk",
    "wire-en-0931": "\u201cWe are comfortable with where prices are,\u201d he said.",
    "antara-7732": "setelah mencatat peningkatan gempa vulkanik.\n\nKepala pos pengamatan",
    "coastline-4410": "Passengers board the first ferry to Karimun since the storm closed the route on Monday, port officials said",
    "pages/kabarnusa-pasar-apung": "Puluhan perahu pedagang kembali memenuhi Sungai Tallo",
}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str], pl.DataFrame]:
    out: Path = tmp_path_factory.mktemp("samples")
    summary = clean_corpus(read_documents(SAMPLES), out)
    assert summary.skipped == (SAMPLES / "README.md",)
    return read_output(out / "documents.jsonl"), pl.read_parquet(out / "manifest.parquet")


@pytest.mark.parametrize("doc_id", sorted(WITHOUT))
def test_listed_junk_is_gone(run: tuple[dict[str, str], pl.DataFrame], doc_id: str) -> None:
    texts, _ = run
    assert [junk for junk in WITHOUT[doc_id] if junk in texts[doc_id]] == []


@pytest.mark.parametrize("doc_id", sorted(WITH))
def test_reporting_is_kept(run: tuple[dict[str, str], pl.DataFrame], doc_id: str) -> None:
    texts, _ = run
    assert WITH[doc_id] in texts[doc_id]


def test_an_html_page_keeps_its_title_in_the_manifest_not_in_the_text(
    run: tuple[dict[str, str], pl.DataFrame],
) -> None:
    texts, manifest = run
    doc_id = "pages/kabarnusa-pasar-apung"
    row = manifest.filter(pl.col("doc_id") == doc_id).row(0, named=True)
    assert row["title"] == "Pasar Apung Lahir Kembali di Sungai Tallo"
    assert texts[doc_id].startswith("Puluhan perahu pedagang kembali memenuhi Sungai Tallo")


def test_copies_are_clustered_with_the_first_seen(run: tuple[dict[str, str], pl.DataFrame]) -> None:
    _, manifest = run
    duplicates = (
        manifest.filter(pl.col("status") == "duplicate").select("doc_id", "duplicate_of").rows()
    )
    assert duplicates == [
        ("wartatimur-0101", "kabarnusa-0001"),
        ("portalsulsel-0207", "kabarnusa-0001"),
        ("aggregator-9001", "voi-en-5521"),
    ]


def test_provenance_from_the_junk(run: tuple[dict[str, str], pl.DataFrame]) -> None:
    _, manifest = run
    rows = {r["doc_id"]: r for r in manifest.iter_rows(named=True)}
    assert rows["wire-en-0931"]["wire_agency"] == "Reuters"
    assert rows["kabarnusa-0002"]["wire_agency"] == "Antara"
    assert rows["antara-7732"]["photo_credit"] == "Antara/Fiqman"
    assert rows["it-2209114"]["store_date"] == "2024-09"  # a page-store stamp, not a photo date
    # "Dikutip dari Kabarnusa.com," and "Sumber: Kabarnusa" name the outlet it was copied from.
    assert rows["wartatimur-0101"]["syndicated_from"] == "Kabarnusa.com"
    assert rows["wartatimur-0101"]["cited_source"] is None
    assert rows["voi-en-5521"]["machine_translated"] is True
