from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from cleankit.core.chain import Chain, Observer
from cleankit.core.document import Document, restore
from cleankit.core.settings import DEDUP_INDEXES
from cleankit.engines.local import run_chain
from cleankit.filters import dedup_index
from cleankit.filters.dedup_index import SpillIndex
from cleankit.filters.minhash import (
    EMPTY_SLOT,
    UnionFind,
    jaccard,
    one_permutation_signatures,
    shingle_hashes,
)
from cleankit.filters.near_duplicates import DropNearDuplicates
from cleankit.filters.paragraphs import DropRepeatedParagraphs
from cleankit.filters.site_boilerplate import DropSiteBoilerplate, SiteIndex
from cleankit.io.site_index import read_site_index, write_site_index
from tests.conftest import ROOT, make_doc

LEAD = "Sekretaris Jenderal NATO menyatakan pihaknya setuju memperluas misi pelatihan di Irak untuk membantu pasukan lokal."


def test_exact_repeat_is_removed_after_the_first() -> None:
    text = f"Judul\n\n{LEAD}\n\nParagraf kedua yang berbeda sama sekali dari yang lain.\n\n{LEAD}"
    outcome = DropRepeatedParagraphs()(make_doc(text))
    assert outcome.doc is not None
    assert (
        outcome.doc.text
        == f"Judul\n\n{LEAD}\n\nParagraf kedua yang berbeda sama sekali dari yang lain."
    )
    assert [(e.rule, e.why) for e in outcome.edits] == [
        ("exact-repeat", "repeats paragraph 1 (jaccard 1.00)")
    ]


def test_near_repeat_names_the_paragraph_and_similarity() -> None:
    near = LEAD.replace("lokal.", "lokal!").replace("Irak", "Irak,")
    other = "Delegasi lain tiba pada hari Senin untuk membahas jadwal penarikan pasukan dari kawasan itu."
    text = f"{LEAD}\n{other}\n{near} Kata dia."
    outcome = DropRepeatedParagraphs(threshold=0.8)(make_doc(text))
    assert outcome.doc is not None
    assert outcome.doc.text == f"{LEAD}\n{other}"
    assert outcome.edits[0].rule == "near-repeat"
    assert outcome.edits[0].why.startswith("near-duplicate of paragraph 0 (jaccard 0.")


def test_caption_repeating_the_lead_sentence_is_removed_though_it_comes_first() -> None:
    caption = (
        "Sekretaris Jenderal NATO menyatakan pihaknya setuju memperluas misi pelatihan di Irak"
    )
    lead = f"{LEAD} Kesepakatan itu dicapai dalam pertemuan menteri pertahanan."
    text = f"NATO Tetap di Irak\n\n{caption}\n\n{lead}\n\nParagraf penutup berita ini."
    outcome = DropRepeatedParagraphs()(make_doc(text, title="NATO Tetap di Irak"))
    assert outcome.doc is not None
    assert outcome.doc.text == f"NATO Tetap di Irak\n\n{lead}\n\nParagraf penutup berita ini."
    assert outcome.edits[0].rule == "contained"
    assert outcome.edits[0].why == "contained in paragraph 2 (containment 1.00)"


def test_the_headline_said_again_as_a_heading_in_the_body_goes() -> None:
    # A forum post pastes the article: its headline with a kicker over the lead, then the
    # headline again as if it headed a section. The lower copy goes; the body stays whole.
    headline = "How the harbour permit rules apply to the ferry dispute"
    body = (
        "Roughly four hundred boats hold a harbour permit, and the rules took effect in 2009. "
        "They let holders moor at public quays for up to three nights."
    )
    more = "Many owners confuse the permit with a mooring lease; the two are not the same thing."
    text = f"Thread title\nANALYSIS: {headline}\n{body}\n{headline}\n{more}"
    outcome = DropRepeatedParagraphs()(make_doc(text))
    assert outcome.doc is not None
    assert outcome.doc.text == f"Thread title\nANALYSIS: {headline}\n{body}\n{more}"
    assert outcome.edits[0].rule == "header-line-again"


def test_a_header_label_heading_sections_again_stays() -> None:
    # Only the line right above the lead is the headline; a series label higher up may head
    # the post's sections again by design, and a short heading may match by chance.
    body = (
        "The choir opened the festival on a stage in the park, and the crowd kept growing "
        "until dusk."
    )
    more = "The second night brought drums, dances and a long queue at the gate."
    label = "Autumn Park Festival Concert Series"
    text = f"{label}\nA night of drums in the park\n{body}\n{label}\n{more}"
    assert DropRepeatedParagraphs()(make_doc(text)).edits == ()
    short = f"Live updates\n{body}\nLive updates\n{more}"
    assert DropRepeatedParagraphs()(make_doc(short)).edits == ()


def test_headline_is_never_removed_as_contained_in_the_lead() -> None:
    title = "AS mencapai kesepakatan dengan Niger untuk menarik pasukan militer"
    text = f"{title}\n\n{title} pada tanggal 15 September"
    assert DropRepeatedParagraphs()(make_doc(text, title=title)).edits == ()


def test_short_paragraphs_are_structure_and_stay_even_when_repeated() -> None:
    text = "Judul\n\nYa.\n\nKata dia panjang sekali di sini.\n\nYa.\n\nIa pergi."
    outcome = DropRepeatedParagraphs()(make_doc(text))
    assert outcome.doc is not None
    assert outcome.doc.text == text
    assert outcome.edits == ()


MEAL = "Portion Fix Containers: 1 Green, 1 Red, 1 Yellow, 1 tsp. of oil for the pan."
ROW = "Grilled fish with rice, one cup of greens and a spoon of sambal on the side."


def test_list_items_and_recurring_rows_of_a_plan_stay() -> None:
    body = " ".join(["The plan spreads six small meals across the day, the coach said."] * 2)
    text = (
        f"Meal plan for a week\n\n{body}\n\nMonday\n\nMeal 1\n\n{ROW}\n\n{MEAL}\n\n"
        f"Tuesday\n\nMeal 1\n\n{ROW}\n\n{MEAL}\n\nWednesday\n\nMeal 1\n\n{ROW}\n\n{MEAL}\n\n"
        "- Eat every 2-3 hours\n\n- Eat every 2-3 hours"
    )
    outcome = DropRepeatedParagraphs()(make_doc(text))
    assert outcome.doc is not None
    assert outcome.doc.text == text


def test_the_same_question_put_to_each_interviewee_stays() -> None:
    question = "What is the one thing you would change about the city's buses and trains?"
    answers = [
        "More night buses, because the last one leaves before my shift ends at the market.",
        "Cleaner stations; the one near my school floods every time it rains in March.",
        "Cheaper fares for students, who now pay the same as office workers do each day.",
    ]
    text = "Voices from the platform\n\n" + "\n\n".join(f"{question}\n\n{a}" for a in answers)
    outcome = DropRepeatedParagraphs()(make_doc(text))
    assert outcome.doc is not None
    assert outcome.doc.text == text


def test_a_teaser_repeating_the_lead_goes_and_the_body_copy_stays() -> None:
    second = "Delegasi lain tiba pada hari Senin untuk membahas jadwal penarikan pasukan dari kawasan itu."
    text = f"NATO Tetap di Irak\n\n{LEAD}\n\n{LEAD}\n\n{second}"
    outcome = DropRepeatedParagraphs()(make_doc(text, title="NATO Tetap di Irak"))
    assert outcome.doc is not None
    assert outcome.doc.text == f"NATO Tetap di Irak\n\n{LEAD}\n\n{second}"
    # The copy beside the title went; the one between two prose paragraphs (the body) stayed.
    assert outcome.edits[0].start == len("NATO Tetap di Irak\n\n")
    assert outcome.edits[0].why == "repeats paragraph 2 (jaccard 1.00)"


def test_a_headline_pasted_again_loses_the_later_copy_even_with_an_exclamation() -> None:
    title = "Ditanya soal jembatan baru, reaksi wali kota buat warga tercengang!"
    body = (
        "Wali kota berkata beliau belum pernah mendengar rencana pembangunan jembatan kedua "
        "di atas sungai itu, walaupun dokumennya sudah beredar sejak pekan lalu."
    )
    text = f"{title}\n\n{title}\n\n{body}"
    outcome = DropRepeatedParagraphs()(make_doc(text))
    assert outcome.doc is not None
    assert outcome.doc.text == f"{title}\n\n{body}"
    # The first copy is the title; the one pasted under it is the repeat.
    assert outcome.edits[0].start == len(title) + 2
    assert outcome.edits[0].why == "repeats paragraph 0 (jaccard 1.00)"


LISTING_BODY = (
    "KABARKOTA - Petugas gabungan menutup jalan desa selama dua hari karena longsor "
    "menimbun badan jalan sepanjang tiga puluh meter."
)


def test_a_list_item_pasted_again_right_below_itself_goes() -> None:
    item = "Longsor Tutup Jalan Desa di Lereng Gunung Selama Dua Hari"
    text = f"Kategori: Daerah\n\n  • {item}\n\n    {item}\n\n{LISTING_BODY}"
    outcome = DropRepeatedParagraphs()(make_doc(text))
    assert outcome.doc is not None
    assert outcome.doc.text == f"Kategori: Daerah\n\n  • {item}\n\n{LISTING_BODY}"
    assert outcome.edits[0].rule == "adjacent-copy"


def test_a_headline_pasted_with_trailing_residue_goes() -> None:
    title = "Harbour board approves plan for a second ferry terminal"
    text = f"{title}\n\n{title} 150 150 admin\n\nBy Sari Wulan\n\n{LISTING_BODY}"
    outcome = DropRepeatedParagraphs()(make_doc(text))
    assert outcome.doc is not None
    assert outcome.doc.text == f"{title}\n\nBy Sari Wulan\n\n{LISTING_BODY}"
    assert outcome.edits[0].why.endswith("pasted again with '150 150 admin'")


@pytest.mark.parametrize(
    "pair",
    [
        # a heading and the sentence that opens with its words
        "Harga beras naik\nHarga beras naik lagi di pasar induk kota pada Senin pagi ini.",
        # three words said twice are a label or a chorus
        "Hidup rakyat kecil\nHidup rakyat kecil",
    ],
)
def test_adjacent_lines_that_are_no_paste_stay(pair: str) -> None:
    text = f"{pair}\n\n{LISTING_BODY}"
    assert DropRepeatedParagraphs()(make_doc(text)).edits == ()


def test_a_subheading_contained_in_a_later_paragraph_stays() -> None:
    sub = "Why the port matters to the fishing villages of the north coast"
    para = (
        "Why the port matters to the fishing villages of the north coast is simple: every boat "
        "lands its catch there, and the cold store is the only one for sixty kilometres."
    )
    text = f"Harbour plans\n\nThe council met on Monday to approve the plan for the port.\n\n{para}\n\nMore.\n\n{sub}\n\nEnd of the story, told in full here."
    outcome = DropRepeatedParagraphs()(make_doc(text))
    assert outcome.doc is not None
    assert outcome.doc.text == text


def test_a_standfirst_the_body_says_again_word_for_word_goes_wherever_the_body_is() -> None:
    deck = "Polemik terbesar seputar aplikasi itu menyangkut perlindungan data para pemilih."
    body = f"{deck} Sejumlah kalangan menilai kelemahan sistem bisa disalahgunakan oknum."
    text = (
        f"Mengenal Cara Kerja Aplikasi Rekapitulasi Suara pada Pemilu Tahun Ini\n\n{deck}\n\n"
        "oleh Penulis Kami diperbarui 17 Februari 2024, 15:30 WIB\n\nFoto suasana rapat\n\n"
        f"Keterangan foto kedua\n\n{LEAD}\n\n{body}"
    )
    outcome = DropRepeatedParagraphs()(make_doc(text))
    assert outcome.doc is not None
    assert outcome.doc.text == text.replace(f"{deck}\n\n", "", 1)
    [edit] = outcome.edits
    assert edit.rule == "contained"
    assert edit.why == "said again word for word in paragraph 6"
    # A deck the body only paraphrases stays, as does the headline.
    paraphrase = body.replace("Polemik terbesar", "Masalah utama")
    kept = text.replace(body, paraphrase)
    assert DropRepeatedParagraphs()(make_doc(kept)).edits == ()


def test_shingles_and_jaccard() -> None:
    a = shingle_hashes("one two three four five six", 5)
    b = shingle_hashes("One, two three four five SEVEN", 5)
    assert a.size == 2
    assert jaccard(a, b) == pytest.approx(1 / 3)
    assert shingle_hashes("too short", 5).size == 1


ARTICLE = " ".join(
    f"Kalimat nomor {i} menceritakan peristiwa banjir di desa {i % 7} dengan rincian berbeda-beda."
    for i in range(40)
)


def corpus() -> list[Document]:
    copy = ARTICLE.replace("nomor 3 ", "nomor tiga ")  # a light edit: still a copy
    template_a = (
        " ".join(f"Harga komoditas {i} naik di pasar kota pada pekan ini." for i in range(12))
        + " Beras naik."
    )
    template_b = (
        " ".join(f"Harga komoditas {i} naik di pasar kota pada pekan ini." for i in range(6, 18))
        + " Gula turun."
    )
    return [
        Document(
            "a", ARTICLE, source="x.jsonl", line=1, meta={"date": "2024-09-15", "site": "one.com"}
        ),
        Document(
            "b",
            copy + " Tambahan kalimat penutup yang panjang sekali.",
            source="x.jsonl",
            line=2,
            meta={"date": "2024-09-14", "site": "two.com"},
        ),
        Document(
            "c",
            "Berita lain sama sekali tentang sepak bola antardesa di Maros yang ramai.",
            source="x.jsonl",
            line=3,
        ),
        Document("t1", template_a, source="x.jsonl", line=4),
        Document("t2", template_b, source="x.jsonl", line=5),
    ]


def run_dedup(dedup: DropNearDuplicates) -> dict[str, tuple[str, str | None, str | None]]:
    records = list(run_chain(Chain((dedup,)), corpus()))
    result = {}
    for record in records:
        assert record.original is not None
        assert record.outcome is not None
        outcome = record.outcome
        result[record.original.id] = (
            "kept" if outcome.doc else "duplicate",
            outcome.duplicate_of,
            outcome.cluster_id,
        )
        if outcome.doc is None:
            assert restore("", outcome.edits) == record.original.text
    return result


def test_syndicated_copy_is_dropped_and_first_seen_is_kept() -> None:
    result = run_dedup(DropNearDuplicates())
    assert result == {
        "a": ("kept", None, "a"),
        "b": ("duplicate", "a", "a"),
        "c": ("kept", None, None),
        "t1": ("kept", None, None),
        "t2": ("kept", None, None),
    }


@pytest.mark.parametrize(
    ("keep", "priority", "keeper"),
    [
        ("longest", (), "b"),
        ("earliest", (), "b"),
        ("priority", ("two.com",), "b"),
        ("first", (), "a"),
    ],
)
def test_keep_policies(keep: str, priority: tuple[str, ...], keeper: str) -> None:
    result = run_dedup(DropNearDuplicates(keep=keep, source_priority=priority))
    loser = "a" if keeper == "b" else "b"
    assert result[keeper] == ("kept", None, keeper)
    assert result[loser] == ("duplicate", keeper, keeper)


def test_candidates_are_verified_so_templates_do_not_merge() -> None:
    dedup = DropNearDuplicates(bands=64, rows=2)  # a loose LSH: many candidates
    result = run_dedup(dedup)
    assert result["t1"][0] == result["t2"][0] == "kept"
    clusters = dedup.observe(corpus())
    assert clusters.candidates > clusters.verified


def test_similarity_is_recorded() -> None:
    records = list(run_chain(Chain((DropNearDuplicates(),)), corpus()))
    outcome = records[1].outcome
    assert outcome is not None
    assert outcome.similarity is not None
    assert 0.8 <= outcome.similarity < 1.0
    assert outcome.edits[0].why == f"near-duplicate of a (jaccard {outcome.similarity:.2f})"


FOOTER = "Ikuti berita terbaru kami di kanal WhatsApp, edisi 12 September 2024."


TOWNS = ["Maros", "Sinjai", "Wajo", "Pangkep", "Bone", "Gowa", "Takalar"]
TOPICS = ["banjir", "pasar", "sekolah", "listrik", "jalan", "panen", "pelabuhan"]


def site_docs(n: int, site: str = "kabar.com", offset: int = 0) -> list[Document]:
    return [
        Document(
            f"{site}-{i + offset}",
            f"Kabar {TOWNS[i + offset]}\n\nBerita tentang {TOPICS[i + offset]} di kota {TOWNS[i + offset]}.\n\n"
            + FOOTER.replace("12", str(10 + i)),
            meta={"site": site},
        )
        for i in range(n)
    ]


def test_site_boilerplate_above_the_threshold_is_removed_with_numbers_masked() -> None:
    records = list(
        run_chain(
            Chain((DropSiteBoilerplate(min_docs=5),)), site_docs(5) + site_docs(4, "lain.com")
        )
    )
    texts = {r.original.id: r.current.text for r in records if r.original and r.current}
    assert texts["kabar.com-0"] == "Kabar Maros\n\nBerita tentang banjir di kota Maros."
    assert texts["lain.com-0"].endswith("edisi 10 September 2024.")
    edit = records[0].outcome.edits[0]  # type: ignore[union-attr]
    assert (edit.rule, edit.why) == ("site-boilerplate", "recurs in 5 documents of site kabar.com")


def test_site_index_is_saved_and_reused(tmp_path: Path) -> None:
    first = DropSiteBoilerplate(min_docs=5)
    states: dict[str, object] = {}
    list(run_chain(Chain((first,)), site_docs(3), states=states))
    index = states[first.name]
    assert isinstance(index, SiteIndex)
    path = tmp_path / "index.parquet"
    write_site_index(index, path)
    loaded = read_site_index(path)
    assert loaded.counts == {k: v for k, v in index.counts.items() if v >= 2}
    second = DropSiteBoilerplate(min_docs=5, prior=loaded)
    records = list(run_chain(Chain((second,)), site_docs(2, offset=3)))
    assert all(r.current and "WhatsApp" not in r.current.text for r in records)


def site_pairs(observer: DropSiteBoilerplate) -> list[tuple[object, object]]:
    """map's pairs over a few sites whose documents share footers of different reach."""
    rng = random.Random(3)
    numbers = ["satu", "dua", "tiga", "empat", "lima", "enam"]  # digits are masked in digests
    footers = [f"Ikuti kanal berita {n} kami setiap hari di aplikasi." for n in numbers]
    docs = []
    for i in range(60):
        site = f"situs{i % 3}.id"
        body = " ".join(rng.choice(["hujan", "pasar", "jalan", "warga", "kota"]) for _ in range(9))
        shared = [f"{footer} ({i})" for footer in footers[: 1 + i % 6]]  # one digest, own text
        docs.append(Document(f"d{i}", "\n\n".join([body, *shared]), meta={"site": site}))
    numbered = list(enumerate(docs))
    return [pair for start in range(0, 60, 7) for pair in observer.map(numbered[start : start + 7])]


@pytest.mark.parametrize("with_prior", [False, True])
def test_the_compact_site_count_gives_the_index_of_merge_and_finish(with_prior: bool) -> None:
    prior = None
    if with_prior:
        earlier = DropSiteBoilerplate(min_docs=5)
        prior = earlier.reduce(site_pairs(earlier)[:40])
        prior = SiteIndex(
            {**prior.counts, ("situs9.id", 77): 3},  # a prior digest this corpus lacks
            {**prior.examples, ("situs9.id", 77): "Teks lama."},
        )
    observer = DropSiteBoilerplate(min_docs=5, prior=prior)
    pairs = site_pairs(observer)
    compact, grouped = observer.reduce(pairs), Observer.reduce(observer, pairs)
    assert compact == grouped
    assert list(compact.counts) == list(grouped.counts)  # the same order, for saved indexes
    assert len(compact.counts) >= 6
    assert compact.examples


def test_a_file_that_is_not_a_site_index_is_refused(tmp_path: Path) -> None:
    from cleankit.core.errors import InputError

    path = tmp_path / "x.parquet"
    import polars as pl

    pl.DataFrame({"a": [1]}).write_parquet(path)
    with pytest.raises(InputError, match=r"not a cleankit site index"):
        read_site_index(path)


def test_results_do_not_depend_on_pythonhashseed(tmp_path: Path) -> None:
    outputs = []
    for seed in ("1", "4242"):
        out = tmp_path / seed
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [sys.executable, "-m", "cleankit", "clean", str(ROOT / "samples"), "-o", str(out)],
            check=True,
            env=env,
            capture_output=True,
        )
        outputs.append((out / "documents.jsonl").read_bytes())
    assert outputs[0] == outputs[1]


def test_a_call_to_action_that_opens_and_closes_a_review_stays_twice() -> None:
    cta = "Tap here to read the full guide or download the app."
    body = [
        "The app plans a week of shared chores for a household and sends a reminder each evening.",
        "Families in the trial said arguments about the dishes fell by half within a month.",
        "The makers plan a version for shared flats, where the rota changes every few weeks.",
    ]
    text = (
        f"New in version 3\n\n- Shared lists\n\n- Reminders\n\n{cta}\n\n"
        + "\n\n".join(body)
        + f"\n\n- Dark mode\n\n- Fewer bugs\n\n{cta}"
    )
    outcome = DropRepeatedParagraphs()(make_doc(text))
    assert outcome.doc is not None
    assert outcome.doc.text == text
    assert outcome.edits == ()


_BODY = [
    "The county opened two cooling centres on Monday after the heat index passed 40 degrees.",
    "Officials said the libraries would stay open until ten at night for the rest of the week.",
    "A spokesperson asked residents to check on elderly neighbours at least once a day.",
]


def test_a_body_serialised_again_below_itself_loses_every_later_copy() -> None:
    # A page that prints its article a second and a third time (a feed or metadata block),
    # with list dashes between the first copy's lines: the later runs go, the first stays.
    first = "\n-\n".join(_BODY)
    again = "\n".join(_BODY)
    text = f"Heat closes schools\n\n{first}\nSubscribe to our morning briefing.\n{again}\nlogo\n{again}"
    outcome = DropRepeatedParagraphs()(make_doc(text))
    assert outcome.doc is not None
    # Each line goes with one of its line breaks; the last one's is left for tidy-whitespace.
    expected = f"Heat closes schools\n\n{first}\nSubscribe to our morning briefing.\nlogo\n"
    assert outcome.doc.text == expected
    assert {e.rule for e in outcome.edits} == {"repeated-block"}
    assert "said again in the same order" in outcome.edits[0].why
    assert restore(outcome.doc.text, outcome.edits) == text


@pytest.mark.parametrize(
    "later",
    [
        pytest.param(_BODY[:2], id="two paragraphs are not yet a run"),
        pytest.param([_BODY[0], _BODY[2], _BODY[1]], id="the same paragraphs in another order"),
    ],
)
def test_repeats_that_are_no_second_copy_of_the_body_stay(later: list[str]) -> None:
    text = "\n\n".join([*_BODY, "The schools reopen on Friday if the forecast holds.", *later])
    outcome = DropRepeatedParagraphs()(make_doc(text))
    assert not any(e.rule == "repeated-block" for e in outcome.edits)
    assert outcome.doc is not None
    assert "The schools reopen on Friday if the forecast holds." in outcome.doc.text


def test_site_boilerplate_counts_subdomains_as_one_site() -> None:
    footer = "Redaksi menerima kiriman foto warga setiap hari kerja melalui surel."
    leads = [
        "Pasar ikan di kota pelabuhan itu kembali ramai setelah cuaca membaik.",
        "Harga beras di pasar induk turun untuk pertama kalinya sejak Maret.",
        "Jembatan gantung di desa hulu sungai akhirnya selesai dibangun warga.",
        "Sekolah dasar di pesisir utara mulai memakai perahu untuk antar murid.",
        "Petani garam memanen lebih awal karena musim kemarau datang cepat.",
    ]
    hosts = ["m", "www", "news", "m", "www"]
    docs = [
        Document(
            id=f"d{i}",
            text=f"{lead}\n\n{footer}",
            meta={"url": f"https://{host}.kabarkota.co.id/{i}"},
        )
        for i, (lead, host) in enumerate(zip(leads, hosts, strict=True))
    ]
    boilerplate = DropSiteBoilerplate(min_docs=5)
    outcome = boilerplate.bind(boilerplate.observe(docs))(docs[0])
    assert outcome.doc is not None
    assert outcome.doc.text == leads[0]
    assert outcome.edits[0].why == "recurs in 5 documents of site kabarkota.co.id"


def _two_copies(first_date: str, second_date: str) -> list[Document]:
    copy = ARTICLE.replace("nomor 3 ", "nomor tiga ")
    return [
        Document("a", ARTICLE, meta={"date": first_date}),
        Document("b", copy, meta={"date": second_date}),
    ]


@pytest.mark.parametrize(
    ("first_date", "second_date"),
    [
        # as strings "2024-03-05T03:00:00Z" sorts first; in time 09:00+07:00 is 02:00 UTC
        ("2024-03-05T03:00:00Z", "2024-03-05T09:00:00+07:00"),
        # RFC 2822: as strings "Fri" sorts before "Thu"; in time Thursday comes first
        ("Fri, 08 Mar 2024 10:00:00 +0000", "Thu, 07 Mar 2024 10:00:00 +0000"),
    ],
)
def test_earliest_compares_moments_not_strings(first_date: str, second_date: str) -> None:
    records = list(
        run_chain(
            Chain((DropNearDuplicates(keep="earliest"),)), _two_copies(first_date, second_date)
        )
    )
    kept = [r.original.id for r in records if r.original and r.current]
    assert kept == ["b"]


def test_an_undated_copy_loses_to_a_dated_one_and_an_unreadable_date_counts_as_none() -> None:
    records = list(
        run_chain(
            Chain((DropNearDuplicates(keep="earliest"),)), _two_copies("kemarin", "2024-03-05")
        )
    )
    assert [r.original.id for r in records if r.original and r.current] == ["b"]


def test_an_unknown_keep_policy_is_refused_where_the_filter_is_built() -> None:
    with pytest.raises(
        ValueError, match=r"^keep must be one of first, longest, earliest, priority, not 'newest'$"
    ):
        DropNearDuplicates(keep="newest")


def test_a_dedup_chain_called_on_one_document_refuses_instead_of_keeping_every_copy() -> None:
    from cleankit.core.errors import ObserverError

    chain = Chain((DropNearDuplicates(), DropSiteBoilerplate()))
    with pytest.raises(ObserverError, match="drop-near-duplicates, drop-site-boilerplate must see"):
        chain(corpus()[0])


def test_no_verdict_outlives_its_run() -> None:
    from cleankit.core.errors import ObserverError

    dedup = DropNearDuplicates()
    chain = Chain((dedup,))
    records = list(run_chain(chain, corpus()))
    assert [r.original.id for r in records if r.original and not r.current] == ["b"]
    # a new text that happens to carry the id of the dropped copy is not judged by the old run
    with pytest.raises(ObserverError):
        chain(Document("b", "Sebuah berita baru yang tidak ada hubungannya sama sekali."))


def generated_corpus(stories: int = 60, seed: int = 7) -> list[Document]:
    """Invented stories, each with 0-2 lightly edited copies, and same-template reports."""
    rng = random.Random(seed)
    vocabulary = [f"kata{i}" for i in range(3000)]
    docs: list[Document] = []
    for story in range(stories):
        body = [rng.choice(vocabulary) for _ in range(rng.randint(40, 300))]
        docs.append(Document(f"s{story}", " ".join(body), meta={"site": f"site{story % 5}.com"}))
        for copy in range(rng.randint(0, 2)):
            edited = list(body)
            for _ in range(max(1, len(body) // 100)):
                edited[rng.randrange(len(edited))] = rng.choice(vocabulary)
            docs.append(Document(f"s{story}c{copy}", " ".join(edited) + " tambahan."))
    skeleton = [rng.choice(vocabulary) for _ in range(120)]
    for report in range(30):
        own = [rng.choice(vocabulary) for _ in range(120)]
        docs.append(Document(f"t{report}", " ".join(skeleton[:60] + own[:60])))
    rng.shuffle(docs)
    return docs


def test_one_permutation_and_datasketch_sketches_give_the_same_clusters() -> None:
    docs = generated_corpus()
    fast = DropNearDuplicates().observe(docs)
    reference = DropNearDuplicates(sketch="datasketch").observe(docs)
    assert fast.duplicate_of == reference.duplicate_of
    assert fast.cluster_of == reference.cluster_of
    assert len(fast.duplicate_of) > 20  # the corpus has copies to find


@pytest.mark.parametrize("index", DEDUP_INDEXES)
@pytest.mark.parametrize("keep", ["first", "longest"])
def test_the_compact_index_gives_the_clusters_of_merge_and_finish(keep: str, index: str) -> None:
    dedup = DropNearDuplicates(keep=keep, bands=32, rows=4, index=index)
    docs = list(enumerate(generated_corpus(seed=11)))
    pairs = [
        pair for start in range(0, len(docs), 50) for pair in dedup.map(docs[start : start + 50])
    ]
    assert dedup.reduce(pairs) == Observer.reduce(dedup, pairs)


def test_band_keys_on_disk_give_the_pairs_and_clusters_of_band_keys_in_memory(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(dedup_index, "_FLUSH_DOCS", 7)  # many flushes, one partly filled
    docs = generated_corpus(seed=5)
    in_memory = DropNearDuplicates().observe(docs, batch_size=16)
    on_disk = DropNearDuplicates(index="disk").observe(docs, batch_size=16)
    assert on_disk == in_memory
    assert in_memory.verified > 20
    assert in_memory.candidates > in_memory.verified


def test_the_spill_index_reads_back_what_it_was_given_and_refuses_disorder(
    tmp_path: Path,
) -> None:
    shingles = np.array([3, 9, 40], dtype=np.uint32)
    with SpillIndex(bands=2, on_disk=True, folder=str(tmp_path)) as index:
        index.add(4, "dokumen-é", (-12, 4), shingles, [11, 12])
        index.add(9, "d2", (-3, 9), np.empty(0, dtype=np.uint32), [11, 13])
        with pytest.raises(ValueError, match="seq 9 after 9"):
            index.add(9, "d3", (0, 9), shingles, [1, 2])
        doc_id, rank, read = index.member(0)
        assert (doc_id, rank, read.tolist()) == ("dokumen-é", (-12, 4), [3, 9, 40])
        assert index.shingles(1).size == 0
        assert index.member(1)[:2] == ("d2", (-3, 9))
        assert index.pairs(window=4).tolist() == [[0, 1]]  # band 0 shares key 11
        assert list(tmp_path.iterdir()) == []  # no file has a name: a killed run leaves none


def test_components_in_arrays_agree_with_a_union_find() -> None:
    from cleankit.filters.near_duplicates import _components

    rng = random.Random(9)
    count = 400
    edges = [(rng.randrange(count), rng.randrange(count)) for _ in range(250)]
    edges += [(i, i + 1) for i in range(300, 360)]  # a long chain: many rounds of hooking
    edges += [(399, 0), (398, 399)]  # the largest nodes joined to the smallest
    groups = UnionFind(count)
    for a, b in edges:
        groups.union(a, b)
    roots = _components(count, np.array([a for a, _ in edges]), np.array([b for _, b in edges]))
    assert roots.tolist() == [groups.find(i) for i in range(count)]


def test_a_bucket_of_copies_is_paired_in_a_window_not_all_with_all() -> None:
    docs = [Document(f"d{i}", ARTICLE) for i in range(200)]
    clusters = DropNearDuplicates(window=4).observe(docs)
    assert clusters.candidates == 4 * 200 - 10  # every pair within 4 places, once
    assert clusters.candidates < 200 * 199 // 2
    assert set(clusters.duplicate_of) == {f"d{i}" for i in range(1, 200)}
    assert {keeper for keeper, _ in clusters.duplicate_of.values()} == {"d0"}


def test_an_unknown_sketch_or_a_window_under_one_is_refused() -> None:
    with pytest.raises(ValueError, match="sketch must be one of one-permutation, datasketch"):
        DropNearDuplicates(sketch="simhash")
    with pytest.raises(ValueError, match="window must be at least 1"):
        DropNearDuplicates(window=0)
    with pytest.raises(ValueError, match="index must be one of memory, disk"):
        DropNearDuplicates(index="ssd")


def test_one_permutation_slots_agree_about_as_often_as_the_sets_overlap() -> None:
    base = np.arange(1, 2001, dtype=np.uint32) * np.uint32(2654435761)
    half = np.concatenate([base[:1000], base[:1000] + np.uint32(7)])  # Jaccard 1/3
    short = base[:20]  # fewer shingles than slots: most slots borrowed
    sketch = one_permutation_signatures(
        [np.sort(base), np.sort(half), np.sort(short), np.sort(short), np.empty(0, np.uint32)],
        slots=128,
        seed=1,
    )
    agreement = float(np.mean(sketch[0] == sketch[1]))
    assert abs(agreement - 1 / 3) < 0.15
    assert np.array_equal(sketch[2], sketch[3])
    assert not np.any(sketch[2] == EMPTY_SLOT)
    assert np.all(sketch[4] == EMPTY_SLOT)
