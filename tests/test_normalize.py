from __future__ import annotations

import pytest

from cleankit.core.document import restore
from cleankit.filters.headline import DropRepeatedHeadline
from cleankit.filters.normalize import (
    FixText,
    NormalizeWhitespace,
    RepairStrayLetters,
    SplitGluedSentences,
)
from cleankit.io.extract import extract_html
from tests.conftest import make_doc


def text_after(step: object, text: str, **meta: str) -> str:
    outcome = step(make_doc(text, **meta))  # type: ignore[operator]
    assert outcome.doc is not None
    assert restore(outcome.doc.text, outcome.edits) == text
    return outcome.doc.text


# --- ftfy --------------------------------------------------------------------------------------


def test_mojibake_is_fixed_and_the_rest_kept() -> None:
    text = "Harga naik.\nThe governor said \u00e2\u0080\u009cwe are comfortable\u00e2\u0080\u009d on Monday."
    assert (
        text_after(FixText(), text)
        == "Harga naik.\nThe governor said \u201cwe are comfortable\u201d on Monday."
    )


def test_fix_text_records_why() -> None:
    outcome = FixText()(make_doc("caf\u00c3\u00a9 open"))
    assert [(e.rule, e.removed, e.inserted) for e in outcome.edits] == [
        ("mojibake", "\u00c3\u00a9", "\u00e9")
    ]


def test_curly_quotes_stay_unless_asked() -> None:
    text = "\u201cKami siap,\u201d katanya."
    assert text_after(FixText(), text) == text
    assert text_after(FixText(uncurl_quotes=True), text) == '"Kami siap," katanya.'


def test_decomposed_unicode_becomes_nfc() -> None:
    assert text_after(FixText(), "Cafe\u0301 baru") == "Caf\u00e9 baru"


def test_control_characters_removed() -> None:
    assert text_after(FixText(), "Harga\u0007 naik.") == "Harga naik."


# --- whitespace -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["Fish &amp; chips", "line one\r\nline two", "red \x1b[31mtext", "nul\x00here", "bell\x07"],
)
def test_ascii_that_ftfy_would_change_is_not_taken_for_plain(text: str) -> None:
    import ftfy

    fixer = FixText()
    outcome = fixer(make_doc(text))
    assert outcome.doc is not None
    assert outcome.doc.text == ftfy.fix_text(text, fixer._config(explain=False)) != text


def test_plain_ascii_comes_back_as_ftfy_would_leave_it() -> None:
    # The fast path skips ftfy for plain ASCII; on any such text ftfy must agree.
    import random

    import ftfy

    rng = random.Random(5)
    alphabet = [chr(i) for i in range(128)]
    fixers = [FixText(), FixText(uncurl_quotes=True), FixText(fix_character_width=True)]
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        for fixer in fixers:
            outcome = fixer(make_doc(text))
            assert outcome.doc is not None
            assert outcome.doc.text == ftfy.fix_text(text, fixer._config(explain=False)), text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  Lead.\n\n\n\nBody.  \n", "Lead.\n\nBody."),
        ("One\u00a0two   three\tfour.", "One two three four."),
        ("Line one.   \nLine two.", "Line one.\nLine two."),
        ("Line one.\n    Line two.", "Line one.\nLine two."),
        ("Zero\u200bwidth.", "Zerowidth."),
        ("Windows\r\nline.", "Windows\nline."),
    ],
)
def test_whitespace_is_normalised(text: str, expected: str) -> None:
    assert text_after(NormalizeWhitespace(), text) == expected


def test_canonical_whitespace_is_left_alone() -> None:
    text = "Lead.\n\nBody one.\nBody two."
    assert NormalizeWhitespace()(make_doc(text)).edits == ()


# --- glued sentences and paragraphs -----------------------------------------------------------

GLUED = [
    (
        "Koalisi dipimpin AS.Sementara itu, sementara waktu, pasukan tetap.",
        "Koalisi dipimpin AS. Sementara itu, sementara waktu, pasukan tetap.",
    ),
    (
        "Hal itu dikutip oleh Reuters dan CNN.Hussein kemudian menolak. Hussein tiba kemarin.",
        "Hal itu dikutip oleh Reuters dan CNN. Hussein kemudian menolak. Hussein tiba kemarin.",
    ),
    (
        "Semua sepakat soal jadwal tersebut.Namun beberapa pejabat menolak, namun tidak resmi.",
        "Semua sepakat soal jadwal tersebut. Namun beberapa pejabat menolak, namun tidak resmi.",
    ),
    (
        "The talks ended without a deal.Negotiators will meet again in May.",
        "The talks ended without a deal. Negotiators will meet again in May.",
    ),
    (
        "Dia menyebut \u201cdalam waktu dekat.\u201dMenurut sumber, menurut laporan, belum pasti.",
        "Dia menyebut \u201cdalam waktu dekat.\u201d Menurut sumber, menurut laporan, belum pasti.",
    ),
    (
        "Warga mengungsi ke negara tersebutDalam pesan itu, pemerintah meminta bantuan dalam jumlah besar. Negara tersebut siap.",
        "Warga mengungsi ke negara tersebut\nDalam pesan itu, pemerintah meminta bantuan dalam jumlah besar. Negara tersebut siap.",
    ),
]


@pytest.mark.parametrize(("text", "expected"), GLUED)
def test_glued_joins_are_split(text: str, expected: str) -> None:
    assert text_after(SplitGluedSentences(), text) == expected


def test_glued_paragraph_uses_the_documents_paragraph_separator() -> None:
    text = "Title\n\nBantuan tiba di kamp tersebutDalam pesan itu, dalam jumlah besar, kamp tersebut disebut."
    assert text_after(SplitGluedSentences(), text) == (
        "Title\n\nBantuan tiba di kamp tersebut\n\nDalam pesan itu, dalam jumlah besar, kamp tersebut disebut."
    )


NOT_GLUED = [
    "The U.S. Army and the U.K. Navy held drills.",
    "The meeting starts at 9 a.m. and ends at noon.",
    "Sekitar 2.500 tentara masih berada di sana.",
    "Inflation was 3.5% in March.",
    "Dikutip dari Sindonews.com, pasukan itu tetap tinggal.",
    "Berita ini terbit di Detik.Com hari ini.",
    "IslamTimes melaporkan serangan itu. Islam dan Times bukan kata baru.",
    "She bought an iPhone at the McDonald's near the station.",
    "PlayStation sales rose, Sony said.",
    "YouTube removed the video on Tuesday.",
    "Kantor berita Antara.Com belum memberi tanggapan.",
    "Presiden Joko Widodo (Jokowi) tiba di Jakarta.",
    "Mr.Smith said nothing. Smith left.",
    "Dr.Ahmad memimpin tim medis. Ahmad lulus tahun 2001.",
    "J.R.R.Tolkien wrote it.",
    "The file is named report.PDF on the server.",
    "Gubernur DKI Jakarta meresmikan MRT fase dua.",
    "Visit us at www.kabarnusa.com for more.",
    "He said: \u201cWe will return.\u201d",
    "Nilai tukar rupiah Rp15.600 per dolar AS.",
    "Pertemuan di Kairo berlangsung 3.5 jam.",
    "The iPad and the MacBook were shown.",
    "Operasi itu bernama DeepBlue dan berlangsung di laut.",
]


@pytest.mark.parametrize("text", NOT_GLUED)
def test_look_alikes_of_glued_text_are_left_alone(text: str) -> None:
    assert SplitGluedSentences()(make_doc(text)).edits == ()


# --- stray letters ----------------------------------------------------------------------------


def test_stray_letter_after_a_sentence_end_is_removed() -> None:
    text = "Misi akan diputuskan pada pertemuan menteri pertahanan aliansi pada Februari.l\n\nNATO menghentikan misi."
    assert text_after(RepairStrayLetters(), text) == (
        "Misi akan diputuskan pada pertemuan menteri pertahanan aliansi pada Februari.\n\nNATO menghentikan misi."
    )


def test_line_broken_by_a_stray_letter_is_joined_when_the_bigram_is_known() -> None:
    text = (
        "Serangan genosida Israel di Gaza terus berlanjut.\n"
        "Balasan atas dukungan Washington terhadap genosida Z\n"
        "Israel di Gaza dan kekejamannya."
    )
    assert text_after(RepairStrayLetters(), text) == (
        "Serangan genosida Israel di Gaza terus berlanjut.\n"
        "Balasan atas dukungan Washington terhadap genosida Israel di Gaza dan kekejamannya."
    )


def test_line_broken_by_a_stray_letter_is_joined_when_the_next_line_continues_lowercase() -> None:
    text = (
        "The ministry said the vessels were seized near the northern islands x\nafter a long chase."
    )
    assert text_after(RepairStrayLetters(), text) == (
        "The ministry said the vessels were seized near the northern islands after a long chase."
    )


NOT_STRAY = [
    "Washington is looking for Plan B\nThe process is slow.",
    "Vitamin C\nKandungan vitamin tinggi.",
    "He read the e.g. list twice.",
    "Versi 2.x dirilis kemarin.",
    "The committee approved the budget for the new hospital in the city of Z\nOfficials welcomed it.",
    "Pasukan tiba di Sektor A.\nMereka berjaga.",
    "Lihat lampiran B.\nData lengkap.",
    "Grup musik itu bernama Band X\nKonser digelar besok.",
]


@pytest.mark.parametrize("text", NOT_STRAY)
def test_look_alikes_of_stray_letters_are_left_alone(text: str) -> None:
    assert RepairStrayLetters()(make_doc(text)).edits == ()


# --- headline repeats -------------------------------------------------------------------------

HEADLINE = "AS mencapai kesepakatan dengan Niger untuk menarik pasukan militer"


def test_repeated_headline_survives_only_as_title_and_in_the_sentence_that_adds_a_date() -> None:
    text = (
        f"{HEADLINE}\n\n{HEADLINE}. {HEADLINE} pada tanggal 15 September\n\n"
        f"Batas waktu memberi AS empat bulan.\n\n{HEADLINE}\n\n{HEADLINE}\n\nDelegasi AS dipimpin Chris Meier."
    )
    assert text_after(DropRepeatedHeadline(), text, title=HEADLINE) == (
        f"{HEADLINE}\n\n{HEADLINE} pada tanggal 15 September\n\n"
        "Batas waktu memberi AS empat bulan.\n\nDelegasi AS dipimpin Chris Meier."
    )


NOT_HEADLINE = [
    # first paragraph is a sentence, not a headline
    "The withdrawal was completed, officials said.\n\nThe withdrawal was completed, officials said.",
    # a later paragraph that only starts with the headline's words, without a sentence break
    f"{HEADLINE}\n\n{HEADLINE} pada tanggal 15 September.",
    # title differs from the first paragraph
    "Banjir di Sinjai\n\nBanjir di Sinjai meluas.",
    "Pasar Apung Lahir Kembali\n\nPasar apung lahir kembali di Sungai Tallo pekan ini.",
]


@pytest.mark.parametrize("text", NOT_HEADLINE)
def test_look_alikes_of_repeated_headlines_are_left_alone(text: str) -> None:
    assert DropRepeatedHeadline()(make_doc(text)).edits == ()


EXTRACTED_BODY = (
    "The county opened two cooling centres on Monday after the heat index passed 40 degrees.\n\n"
    "Officials said the libraries would stay open late for the rest of the week."
)


@pytest.mark.parametrize(
    "title",
    [
        pytest.param("Heat forces county to open cooling centres", id="the title itself"),
        pytest.param(
            "Heat forces county to open cooling centres - Valley Courier", id="with the site's name"
        ),
    ],
)
def test_an_extracted_page_loses_the_title_that_opens_its_text(title: str) -> None:
    text = f"Heat forces county to open cooling centres\n\n{EXTRACTED_BODY}"
    doc = make_doc(text, title=title, extractor="trafilatura")
    outcome = DropRepeatedHeadline()(doc)
    assert outcome.doc is not None
    assert outcome.doc.text == EXTRACTED_BODY
    assert [e.rule for e in outcome.edits] == ["title-in-text"]
    assert "manifest's title column" in outcome.edits[0].why


@pytest.mark.parametrize(
    "meta",
    [
        pytest.param({"title": "Heat forces county to open cooling centres"}, id="not extracted"),
        pytest.param(
            {
                "title": "Heat forces county to open cooling centres",
                "extractor": "trafilatura",
                "title_in_text": True,
            },
            id="title asked for in the text",
        ),
        pytest.param(
            {"title": "Heat forces county to open centres", "extractor": "trafilatura"},
            id="another title",
        ),
    ],
)
def test_the_opening_title_stays_where_it_is_no_copy_of_the_metadata(
    meta: dict[str, object],
) -> None:
    text = f"Heat forces county to open cooling centres\n\n{EXTRACTED_BODY}"
    assert DropRepeatedHeadline()(make_doc(text, **meta)).edits == ()


def test_extraction_says_when_the_title_was_written_into_the_text() -> None:
    html = (
        "<html><head><title>Heat forces county to open cooling centres</title></head><body>"
        "<article><p>" + EXTRACTED_BODY.replace("\n\n", "</p><p>") + "</p></article></body></html>"
    )
    _, meta = extract_html(html, title_in_text=True)
    assert meta["title_in_text"] is True
    _, meta = extract_html(html)
    assert "title_in_text" not in meta
