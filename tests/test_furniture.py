"""Page furniture by line shape: removed around the article, the article kept byte for byte."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleankit.core.document import Document
from cleankit.filters.furniture import DropPageFurniture, line_kind
from cleankit.run import default_chain
from tests.conftest import make_doc

LEAD = "Hujan deras sejak Senin malam merendam dua belas desa di tepi sungai, kata petugas."
BODY = "Warga mengungsi ke balai desa dan sekolah, sementara perahu karet dikirim ke lokasi."
HEADING = "Warga Bertahan di Atap Rumah"
CLOSE = "Petugas meminta warga tetap waspada karena hujan diperkirakan turun lagi malam ini."


def test_menus_stamps_and_footer_lists_go_and_the_article_stays() -> None:
    header = (
        "Beranda | Daerah | Nasional | Olahraga\nDAERAH\n12 Des 2024, 10:15 WIB\n2873 Kali Dibaca\n"
    )
    title = "Banjir Rendam Dua Belas Desa di Tepi Sungai\n"
    article = f"{LEAD}\n{BODY}\n{HEADING}\n{CLOSE}"
    footer = "\nBagikan\nTerpopuler\nKomentar\n#banjir #sungai"
    doc = make_doc(header + title + article + footer)
    outcome = DropPageFurniture()(doc)
    assert outcome.doc is not None
    # One separator is left where the footer began; tidy-whitespace takes it in the chain.
    assert outcome.doc.text == title + article + "\n"
    rules = [e.rule for e in outcome.edits]
    assert rules == ["menu", "short", "stamp", "stamp", "short", "short", "short", "address"]
    assert outcome.edits[0].why == (
        "page furniture before the lead: short items between separators (a menu or breadcrumb)"
    )


MENUS = ["Beranda", "Daerah", "Nasional", "Olahraga", "Ekonomi", "Hiburan"]


@pytest.mark.parametrize("where", ["header", "footer"])
def test_a_prose_line_alone_among_menus_neither_starts_nor_ends_the_article(where: str) -> None:
    # A site's motto or legal note (prose) among menus: the menus around it are furniture.
    lone = "Berita terkini dari desa dan kota, setiap hari untuk pembaca di seluruh negeri."
    # Four menu lines stand between the lone line and the article, more than a heading would.
    split = 2 if where == "header" else 4
    block = "\n".join([*MENUS[:split], lone, *MENUS[split:]])
    title = "Banjir Rendam Dua Belas Desa di Tepi Sungai\n"
    article = f"{LEAD}\n{BODY}\n{HEADING}\n{CLOSE}"
    text = f"{block}\n{title}{article}" if where == "header" else f"{title}{article}\n{block}"
    outcome = DropPageFurniture()(make_doc(text))
    assert outcome.doc is not None
    # The lone line reads as prose and is kept (unsure); every menu item goes.
    expected = f"{lone}\n{title}{article}" if where == "header" else f"{title}{article}\n{lone}\n"
    assert outcome.doc.text == expected
    assert [e.removed.strip() for e in outcome.edits] == MENUS
    side = "before the lead" if where == "header" else "after the article"
    assert all(e.why.startswith(f"page furniture {side}") for e in outcome.edits)


def test_a_last_sentence_broken_by_links_below_the_last_prose_line_stays() -> None:
    # Links cut the sentence into lines; the first ends on a stopword ("the"), so it runs on.
    broken = "Shares have gained 40% this year, easily outpacing the\nDow Jones\nand\nS&P 500\n"
    end = "over the same span."
    text = (
        "The retailer cut its sales forecast on Tuesday, and its shares fell in early trade.\n"
        "Analysts said the cut was smaller than the market had feared before the report.\n"
        f"{broken}{end}\nShare\nTweet"
    )
    outcome = DropPageFurniture()(Document(id="d1", text=text, language="en"))
    assert outcome.doc is not None
    assert outcome.doc.text.endswith(f"{broken}{end}\n")
    assert [e.removed.strip() for e in outcome.edits] == ["Share", "Tweet"]


def test_a_numbered_list_running_on_below_the_last_prose_line_stays() -> None:
    # The list's items are short lines with links under them; those numbered on from the
    # article's own are the article's, a "most read" list starting again at 1 is the page's.
    items = (
        "1) Lampu meja lipat dengan baterai isi ulang yang tahan sampai dua belas jam.\n"
        "https://toko.example/a1\n"
        "2) Termos baja tahan karat untuk kopi dan teh panas, kapasitas satu liter.\n"
        "https://toko.example/a2\n"
        "3) Payung lipat otomatis\n"
        "https://toko.example/a3\n"
        "4) Tas kanvas belanja\n"
    )
    footer = "Terpopuler\n1) Harga cabai naik lagi\n2) Jalan tol baru dibuka"
    doc = make_doc(f"{LEAD}\n{BODY}\n{items}{footer}")
    outcome = DropPageFurniture()(doc)
    assert outcome.doc is not None
    assert outcome.doc.text == f"{LEAD}\n{BODY}\n{items}"
    assert [e.removed.strip() for e in outcome.edits] == [
        "Terpopuler",
        "1) Harga cabai naik lagi",
        "2) Jalan tol baru dibuka",
    ]


TABLE = "Pemain\nMenit\nPersen\nAndi Saputra\n63\n85%\nBudi Santoso\n57\n77%\n"
BULLETS = "Yang dibawa warga:\n• Beras\n• Air minum\n• Selimut\n• Obat-obatan\n"
SCHEDULE = (  # lines that open with a date, under a line that announces them
    "Jadwal konser:\n12 Des -- Gedung Kesenian, Jakarta\n14 Des -- Taman Budaya, Solo\n"
    "16 Des -- Balai Pemuda, Surabaya"
)
ONE_SHAPE = (  # entries with the same punctuation
    "Austria (Group G): Third appearance\nBelgium (Group I): Sixth appearance\n"
    "Croatia (Group E): Sixth appearance\nDenmark (Group D): Ninth appearance"
)


@pytest.mark.parametrize(
    "text",
    [
        # one prose line, then a table or a list, then more prose: the lead stays the lead
        f"{LEAD}\n{TABLE}{BODY}\n{CLOSE}",
        f"{LEAD}\n{BULLETS}{BODY}\n{CLOSE}",
        # under the last prose line: a schedule, a list of one shape
        f"{LEAD}\n{BODY}\n{CLOSE}\n{SCHEDULE}",
        f"{LEAD}\n{BODY}\n{CLOSE}\n{ONE_SHAPE}",
    ],
)
def test_tables_lists_and_schedules_of_the_story_stay(text: str) -> None:
    assert DropPageFurniture()(make_doc(text)).edits == ()


def test_a_list_announced_by_a_colon_under_the_story_stays() -> None:
    # Long lines without a full stop under a short line are a teaser list, unless that line
    # ends in a colon right under the story: then it announces the story's own list.
    items = (
        "Ratusan tugas baru yang membuat permainan makin seru bagi seluruh keluarga\n"
        "Puluhan pertanyaan jebakan untuk saling mengenal lebih baik lagi"
    )
    text = f"{LEAD}\n{BODY}\nYang baru di versi ini:\n{items}"
    outcome = DropPageFurniture()(make_doc(text))
    assert outcome.doc is not None
    assert items in outcome.doc.text


def test_a_list_of_quantities_inside_the_story_is_no_counter() -> None:
    # "1 tsp cinnamon" has a counter's shape; three such lines in a row are a recipe's list.
    recipe = "1 tsp kayu manis\n2 sdm gula aren\n3 gelas air\n"
    text = f"{LEAD}\n{recipe}{BODY}"
    assert DropPageFurniture()(make_doc(text)).edits == ()


def test_a_short_line_between_prose_paragraphs_is_a_heading_and_stays() -> None:
    text = f"{LEAD}\n{HEADING}\n{BODY}\nBaca\n{CLOSE}"
    assert DropPageFurniture()(make_doc(text)).edits == ()


@pytest.mark.parametrize(
    ("lines", "why"),
    [
        ("12 Des 2024, 10:15 WIB", "metadata line inside the article: a date or time"),
        # One "Label: number" line between prose is the page's counter.
        ("Dibaca: 1.204 kali", "a count under its label"),
        # "RINGKASAN" over a readout's date labels the date; with the date gone it labels
        # nothing.
        ("RINGKASAN\n14 Desember 2022", "the label of the date or count right below it"),
        ("Posted on", "a date's label without its date"),
    ],
)
def test_metadata_lines_inside_the_article_go(lines: str, why: str) -> None:
    outcome = DropPageFurniture()(make_doc(f"{LEAD}\n{lines}\n{BODY}"))
    assert outcome.doc is not None
    assert outcome.doc.text == f"{LEAD}\n{BODY}"
    assert why in outcome.edits[0].why


def test_a_list_of_counts_and_a_heading_with_a_number_stay() -> None:
    # Two or more "Label: number" lines in a row are the story's figures; a heading without a
    # colon ("Bagian 2") is no label.
    figures = f"{LEAD}\nMeninggal: 12\nLuka-luka: 30\n{BODY}\nBagian 2\n{CLOSE}"
    assert DropPageFurniture()(make_doc(figures)).edits == ()


def test_over_a_stamp_a_sentence_case_heading_or_a_label_a_blank_line_away_stays() -> None:
    heading = f"{LEAD}\nLatar belakang\n14 Desember 2022\n{BODY}"
    apart = f"{LEAD}\nRINGKASAN\n\n14 Desember 2022\n{BODY}"
    for kept, label in ((heading, "Latar belakang"), (apart, "RINGKASAN")):
        outcome = DropPageFurniture()(make_doc(kept))
        assert outcome.doc is not None
        assert label in outcome.doc.text
        assert "14 Desember 2022" not in outcome.doc.text


def test_numbered_subheadings_and_a_quoted_post_s_signature_inside_the_article_stay() -> None:
    text = (
        f"{LEAD}\n2. Avoid skipping meals\n{BODY}\n"
        f"— Rina Lee (@rinalee) November 18, 2019\n3. Sleep well\n{CLOSE}"
    )
    assert DropPageFurniture()(make_doc(text)).edits == ()


def test_a_title_case_headline_ending_in_a_question_is_no_lead() -> None:
    # The headline ends like a sentence; were it taken for the lead, the channel label above
    # it would be the headline and stay.
    title = "Gempa Landa Dua Desa, Kenapa Sirene Tak Berbunyi?"
    text = f"Kabar TV video vod\n\n{title}\n\n{LEAD}\n\n{BODY}"
    outcome = DropPageFurniture()(make_doc(text))
    assert outcome.doc is not None
    assert outcome.doc.text == f"{title}\n\n{LEAD}\n\n{BODY}"


@pytest.mark.parametrize(
    "headlines",
    [
        # a ticker's headlines run together: long, every word capitalised
        "JEMBATAN BARU DI HULU SUNGAI DIBUKA UNTUK WARGA DUA DESA SETELAH LIMA TAHUN MENUNGGU   "
        "HARGA CABAI DI PASAR INDUK TURUN UNTUK PERTAMA KALINYA SEJAK MARET",
        # a teaser list's headlines in sentence case: eight words and more, no full stop
        "Pasar ikan baru di pesisir utara dibuka untuk nelayan dari tiga desa\n"
        "Jembatan gantung di hulu sungai diperbaiki setelah banjir bulan lalu",
    ],
)
def test_headlines_below_the_furniture_under_the_story_go_and_a_closing_line_stays(
    headlines: str,
) -> None:
    text = f"{LEAD}\n{BODY}\n{CLOSE}\nBERITA LAINNYA\n21:59\n{headlines}"
    outcome = DropPageFurniture()(make_doc(text))
    assert outcome.doc is not None
    assert outcome.doc.text == f"{LEAD}\n{BODY}\n{CLOSE}\n"
    assert outcome.edits[-1].why.startswith(
        "page furniture after the article, below other furniture: "
    )
    # Right under the last paragraph, with no furniture between, the same lines are kept (and
    # a line opening in lower case stays below furniture too: hard-wrapped prose looks so).
    kept = f"{LEAD}\n{BODY}\n{CLOSE}\n{headlines}"
    assert DropPageFurniture()(make_doc(kept)).edits == ()
    wrapped = (
        f"{LEAD}\n{BODY}\n{CLOSE}\nBERITA LAINNYA\n"
        "saat rapat tahunan berlangsung di kota itu pekan lalu, misalnya, pertumbuhan"
    )
    left = DropPageFurniture()(make_doc(wrapped)).doc
    assert left is not None
    assert left.text.endswith("pertumbuhan")


def test_hard_wrapped_text_is_left_alone() -> None:
    # Wrapped at a fixed width, sentences break across lines; a line holding one word of a
    # sentence ("Bambang", the start of "Bambang Wiratmoko menegaskan ...") is no menu item.
    text = (
        "Bambang\n"
        "Wiratmoko menegaskan bahwa posisi negara kini berada di barisan terdepan\n"
        "kepemimpinan kawasan usai sukses menjadi tuan rumah pertemuan puncak\n"
        "di pulau itu pekan lalu dan bersiap memimpin forum tahun depan.\n"
        "\n"
        "“Sebagai\n"
        "pengusaha, modal utama yang kita jaga itu kepercayaan pelanggan kepada kita,”\n"
        "tutur Bambang ketika menyampaikan pidato di forum musyawarah nasional\n"
        "para pengusaha muda di sebuah hotel di kota itu."
    )
    assert DropPageFurniture()(make_doc(text)).edits == ()


@pytest.mark.parametrize(
    ("text", "kept", "why"),
    [
        pytest.param(
            f"{LEAD}\n{BODY}\n"
            ":format(jpeg)/media-store/photos/5472/original/0038_1768.jpg?w=1200&ssl=1)",
            f"{LEAD}\n{BODY}",
            "page furniture after the article: a path or address without spaces",
            id="a media path under the article",
        ),
        pytest.param(
            f"{LEAD}\n{BODY}\n{CLOSE}\n"
            "- nonton bola gratis - skor langsung - jadwal liga - bandar88",
            f"{LEAD}\n{BODY}\n{CLOSE}",
            "page furniture after the article: short items between dashes (a menu or a line "
            "of keywords)",
            id="a line of keywords between dashes under the article",
        ),
        pytest.param(
            "Berita Daerah – Halaman 312 – Kabar Kita Online\n\n"
            f"Banjir Rendam Dua Belas Desa di Tepi Sungai\n\n{LEAD}\n{BODY}",
            f"Banjir Rendam Dua Belas Desa di Tepi Sungai\n\n{LEAD}\n{BODY}",
            "page furniture before the lead: a listing page's title (a page number between "
            "separators)",
            id="a listing page's title above the headline",
        ),
    ],
)
def test_one_furniture_line_goes_and_the_rest_stays(text: str, kept: str, why: str) -> None:
    outcome = DropPageFurniture()(make_doc(text))
    assert outcome.doc is not None
    assert outcome.doc.text == kept
    assert [e.why for e in outcome.edits] == [why]


def test_text_extracted_by_trafilatura_is_left_alone() -> None:
    text = f"Beranda | Daerah | Nasional\n{LEAD}\n{BODY}"
    assert DropPageFurniture()(make_doc(text, extractor="trafilatura")).edits == ()


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        (LEAD, "prose"),
        ("Posted 3:23 pm, August 10, 2018", "stamp"),
        ("8.8K", "stamp"),
        ("218 views", "stamp"),
        ("2. Avoid skipping meals", "short"),  # an item's number, not a count
        ("16) Taboo", "short"),
        ("— Rina Lee (@rinalee) November 18, 2019", "other"),  # a quoted post's signature
        ("Home / World / Asia", "menu"),
        ("- live skor bola - jadwal liga - hasil laga - prediksi", "menu"),  # search keywords
        ("Berita - Daerah - Nasional - Olahraga", "menu"),
        ("Banjir Sinjai - Warga Mengungsi - BPBD", "short"),  # a headline's two dashes
        ("Pengaturan Cookie Berita Daerah – Halaman 312 – Kabar Kita", "menu"),  # a listing
        ("World | Page 4", "menu"),
        ("Page 3 of the report - leaked", "short"),  # a page number that is no item
        ("Mereka datang - katanya - dari desa - yang jauh sekali - di hulu sungai.", "prose"),
        ("Hari pertama - Senin - dibuka panitia dengan upacara adat di alun-alun", "other"),
        ("info@example.org", "address"),
        ("Latest Stories", "short"),
        ("Banjir Rendam 12 Desa di Kabupaten Sinjai", "short"),
        ("2 days ago", "stamp"),
        ("3 jam yang lalu", "stamp"),
        ("hace 5 horas", "stamp"),
        ("Posted on", "stamp"),
        ("Diperbarui:", "stamp"),
        ("Posted by the desk", "short"),
        ("Canada (English)", "short"),  # a bracket closes a label, not a sentence
        ("Ia tiba pukul tiga.)", "other"),  # a sentence's mark inside the bracket
        ("The Guardian2 days ago", "stamp"),
        ("5H ago", "stamp"),  # the unit as one letter
        ("7:54pm", "stamp"),
        ("Get the game for $58.56", "short"),  # a price is no clock time
        ("— 9to5Mac.com (@9to5mac) November 4, 2019", "other"),  # a post's signature
        ("2019年11月", "stamp"),
        ("Gempa Landa Dua Desa, Kenapa Sirene Tak Berbunyi?", "title"),
        (":format(jpeg)/media-store/photos/5472/original/0038_1768.jpg?w=1200&ssl=1)", "address"),
        ("[]", "symbols"),
        ("* * *", "symbols"),
        ("– –", "symbols"),
    ],
)
def test_line_kinds(line: str, kind: str) -> None:
    assert line_kind(line, frozenset())[0] == kind


def test_a_line_without_words_goes_even_between_prose_paragraphs() -> None:
    second = "Harga saham perbankan ikut melemah pada penutupan perdagangan sore itu."
    text = f"{LEAD}\n\n[]\n\n{second}\n\n* * *\n\n{LEAD.replace('Senin', 'Selasa')}"
    outcome = DropPageFurniture()(make_doc(text))
    assert outcome.doc is not None
    assert outcome.doc.text == f"{LEAD}\n\n{second}\n\n{LEAD.replace('Senin', 'Selasa')}"
    assert [e.removed for e in outcome.edits] == ["[]\n\n", "* * *\n\n"]
    assert outcome.edits[0].why.startswith("a line without words: no letter or digit")


DEVPAGES = Path(__file__).resolve().parents[2] / "shared" / "devpages" / "pages.jsonl"


@pytest.mark.skipif(not DEVPAGES.exists(), reason="../shared/devpages is absent")
def test_devpages_content_sentences_survive_the_default_chain() -> None:
    chain = default_chain(corpus_level=False)
    total = kept = 0
    lost = []
    for line in DEVPAGES.read_text(encoding="utf-8").splitlines():
        page = json.loads(line)
        meta = {"site": page["site"], "url": page["url"]}
        outcome = chain(
            Document(id=page["id"], text=page["text"], language=page["lang"], meta=meta)
        )
        text = outcome.doc.text if outcome.doc is not None else ""
        for sentence in page["content"]:
            total += 1
            kept += sentence in text
            if sentence not in text:
                lost.append(page["id"])
    assert kept / total >= 0.995, lost


#: Lines of every kind the filter tells apart, to be shuffled into pages.
_POOL = [
    LEAD,
    BODY,
    CLOSE,
    HEADING,
    "Beranda",
    "Daerah | Nasional | Olahraga",
    "12 Des 2024, 10:15 WIB",
    "2873 Kali Dibaca",
    "63",
    "• Beras",
    "3) Payung lipat otomatis",
    "Pasar ikan baru di pesisir utara dibuka untuk nelayan dari tiga desa",
    "Berita terkini dari desa dan kota, setiap hari untuk pembaca di seluruh negeri.",
    "https://example.org/berita/123",
    "* * *",
    "saat rapat tahunan berlangsung di kota itu pekan lalu, misalnya, pertumbuhan",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_POOL), min_size=2, max_size=25))
def test_prose_lines_are_never_removed_and_kept_lines_never_changed(lines: list[str]) -> None:
    """Whatever the page, the filter removes whole lines only, and never one that reads as
    prose: the bounds it finds decide which furniture goes, never whether a sentence does."""
    outcome = DropPageFurniture()(make_doc("\n".join(lines)))
    assert outcome.doc is not None
    kept = [line for line in outcome.doc.text.split("\n") if line]
    removed = [edit.removed.strip() for edit in outcome.edits]
    assert sorted(kept + removed) == sorted(lines)  # whole lines, as written
    for line in set(lines):
        if line_kind(line, frozenset())[0] == "prose":
            assert kept.count(line) == lines.count(line)


LISTED = (
    "Polisi Tangkap Dua Pelaku Pencurian Motor di Bekasi\n"
    "Harga Cabai Naik Tajam Menjelang Hari Raya Lebaran\n"
    "Dua Sekolah Rusak Diterjang Angin Kencang di Garut"
)


def test_a_list_of_headlines_right_under_the_story_goes_whole() -> None:
    article = f"{LEAD}\n{BODY}\n{CLOSE}"
    outcome = DropPageFurniture()(make_doc(f"{article}\n{LISTED}"))
    assert outcome.doc is not None
    assert outcome.doc.text == article + "\n"
    assert [e.why.split(":")[0] for e in outcome.edits] == [
        "one of a list of headlines after the article"
    ] * 3


@pytest.mark.parametrize(
    "ending",
    [
        # the story's last line lost its full stop: sentence case, it stays
        "Sementara itu polisi masih menyelidiki siapa pemilik gudang tersebut",
        # a closing sentence that names a law, over a follow-us box in capitals
        "Siasatan dijalankan menurut Seksyen 147 Kanun Keseksaan.",
    ],
)
def test_a_last_line_over_headlines_or_labels_stays(ending: str) -> None:
    below = "IKUTI KAMI DI MEDIA SOSIAL\nFacebook : Harian Lembah\nTikTok : Harian Lembah Terkini"
    for after in (LISTED, below):
        text = f"{LEAD}\n{BODY}\n{ending}\n{after}"
        outcome = DropPageFurniture()(make_doc(text))
        assert outcome.doc is not None
        assert f"{BODY}\n{ending}\n" in outcome.doc.text
