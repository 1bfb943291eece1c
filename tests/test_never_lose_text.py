"""Removal is the conservative act: each case here once cost article text (issue #11)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleankit.core.chain import Chain, as_filter
from cleankit.core.document import Document, Outcome, Span, cut
from cleankit.core.settings import Settings
from cleankit.filters.normalize import FixText, SplitGluedSentences
from cleankit.io.corpus import read_documents
from cleankit.io.extract import restore_dropped_lines
from cleankit.run import clean_text
from tests.conftest import make_doc

PAGE = (
    "<html><head><title>Pasar Apung Kembali Ramai</title></head><body><article>"
    "<p>Puluhan perahu pedagang kembali memenuhi sungai setiap "
    "Minggu pagi setelah pasar apung dihidupkan lagi oleh warga desa.</p><p>Pedagang menjual sayur, "
    "ikan asap, dan kue dari perahu mereka kepada pengunjung dari berbagai kota.</p></article></body></html>"
)


def test_html_title_goes_to_meta_not_into_the_text(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(PAGE, encoding="utf-8")
    [doc] = list(read_documents(page))
    assert isinstance(doc, Document)
    assert doc.meta["title"] == "Pasar Apung Kembali Ramai"
    assert doc.text.startswith("Puluhan perahu pedagang")
    [with_title] = list(read_documents(page, title_in_text=True))
    assert isinstance(with_title, Document)
    assert with_title.text.startswith("Pasar Apung Kembali Ramai\n\nPuluhan perahu")


LEAD = "The county opened two cooling centres on Monday after the heat index passed 40 degrees."
MIDDLE = "Officials said the libraries would stay open until ten at night for the rest of the week."
LAST = "A spokesperson asked residents to check on elderly neighbours at least once a day."


def test_precision_mode_loses_no_link_text_inside_a_sentence() -> None:
    cut_short = "The mayor said that for the rest of the summer."
    whole = "The mayor said that the centres would stay open for the rest of the summer."
    text, changed = restore_dropped_lines(
        f"{LEAD}\n{cut_short}\n{LAST}", f"{LEAD}\n{whole}\n{LAST}"
    )
    assert (text, changed) == (f"{LEAD}\n{whole}\n{LAST}", 1)


def test_a_paragraph_and_a_heading_dropped_inside_the_body_come_back_in_place() -> None:
    heading = "Where to find help"
    balanced = f"Related: Ten tips for a heatwave\n{LEAD}\n{MIDDLE}\n{heading}\n{LAST}\nMore stories from the valley are on our site today."
    text, changed = restore_dropped_lines(f"{LEAD}\n{LAST}", balanced)
    # Above the first kept line and below the last, balanced mode's extra lines stay out.
    assert (text, changed) == (f"{LEAD}\n{MIDDLE}\n{heading}\n{LAST}", 2)


@pytest.mark.parametrize(
    ("precise", "balanced"),
    [
        pytest.param(
            f"{LEAD}\n{LAST}",
            f"{LEAD}\nREAD MORE: HEAT WAVE CLOSES SCHOOLS\n{LAST}",
            id="a link shouted in capitals",
        ),
        pytest.param(f"{LEAD}\n{LAST}", f"{LEAD}\nAdvertisement\n{LAST}", id="a one-word label"),
        pytest.param(
            f"{LEAD}\n{LAST}",
            f"{LEAD}\nShop our picks\nSee the deals\nTop offers\n{LEAD[:40]}\n{LAST}",
            id="short lines over no kept prose",
        ),
        pytest.param(
            f"{LEAD}\n- {MIDDLE}\n{LAST}",
            f"{LEAD}\n- \n{MIDDLE}\n{LAST}",
            id="a line the text already holds",
        ),
    ],
)
def test_lines_precision_mode_was_right_to_drop_stay_out(precise: str, balanced: str) -> None:
    assert restore_dropped_lines(precise, balanced) == (precise, 0)


@pytest.mark.parametrize(
    "text",
    [
        "Write to Dear Abby at www.DearAbby.com today. Dear readers wrote back.",
        "Tickets are on LiveNation.com now. Nation fans queued.",
        "The SmartThermostat learns fast. Smart homes and a thermostat were shown.",
        "Try RemoteTalk for free. Remote workers talk more.",
        "Send tips to news.desk@Example.org please. Example cases follow.",
        "He posted to @ArvindKejriwal late. Arvind replied.",
        "The #SaveTheForest tag trended. Save it, they said.",
        "The IQ.LIGHT lamp sold out. Light sells.",
    ],
)
def test_glue_splitting_leaves_names_and_addresses_whole(text: str) -> None:
    outcome = SplitGluedSentences()(make_doc(text))
    assert outcome.doc is not None
    assert outcome.doc.text == text
    assert outcome.edits == ()


def test_an_opening_quote_stays_with_the_sentence_it_opens() -> None:
    text = 'Ia terbang ke Washington."Hari ini kami siap," katanya. Hari itu cerah.'
    outcome = SplitGluedSentences()(make_doc(text))
    assert outcome.doc is not None
    assert (
        outcome.doc.text
        == 'Ia terbang ke Washington. "Hari ini kami siap," katanya. Hari itu cerah.'
    )


def test_a_closing_quote_stays_with_the_sentence_it_closes() -> None:
    text = 'Ia berkata, "Kami siap."Hari itu cerah. Hari berikutnya hujan.'
    outcome = SplitGluedSentences()(make_doc(text))
    assert outcome.doc is not None
    assert outcome.doc.text == 'Ia berkata, "Kami siap." Hari itu cerah. Hari berikutnya hujan.'


def test_glued_paragraphs_are_still_split() -> None:
    text = (
        "Serangan terjadi di negara tersebutDalam pesan itu, dia bicara. Dalam hal tersebut jelas."
    )
    outcome = SplitGluedSentences()(make_doc(text))
    assert outcome.doc is not None
    assert outcome.doc.text == (
        "Serangan terjadi di negara tersebut\nDalam pesan itu, dia bicara. Dalam hal tersebut jelas."
    )


def test_full_width_characters_are_left_alone_by_default() -> None:
    text = "６月の会議で、代表は「はい」と答えた。"
    assert FixText()(make_doc(text)).edits == ()
    folded = FixText(fix_character_width=True)(make_doc(text))
    assert folded.doc is not None
    assert folded.doc.text.startswith("6月")


def test_fix_text_edits_carry_ftfys_own_explanation() -> None:
    text = "Kata dia, harga naik.\nThe Mona Lisa doesnÃ¢â‚¬â„¢t smile.\nSelesai."
    outcome = FixText()(make_doc(text))
    assert outcome.doc is not None
    assert outcome.doc.text == "Kata dia, harga naik.\nThe Mona Lisa doesn’t smile.\nSelesai."
    assert {e.rule for e in outcome.edits} == {"mojibake"}
    assert all(
        e.why.startswith("ftfy: encode sloppy-windows-1252, decode utf-8") for e in outcome.edits
    )


def test_a_store_date_stamp_glued_to_a_lead_removes_the_stamp_only() -> None:
    lead = "Outlet - Lead sentence of the story, which the reporter told in full on Monday."
    cleaned = clean_text(f" date 2024-07 {lead}\n\nSecond paragraph of the story follows here.")
    assert (
        cleaned.text
        == "Lead sentence of the story, which the reporter told in full on Monday.\n\nSecond paragraph of the story follows here."
    )
    assert cleaned.provenance["store_date"] == "2024-07"
    assert "photo_date" not in cleaned.provenance


def _remove_most(doc: Document) -> Outcome:
    return cut(
        doc, [Span(0, len(doc.text) - 10, "greedy", "", "takes nearly everything")], step="greedy"
    )


def _cut_inside_a_word(doc: Document) -> Outcome:
    at = doc.text.index("ketiga")
    return cut(doc, [Span(at + 2, at + 4, "nibble", "", "cuts a word")], step="nibble")


LONG = " ".join(f"Kalimat ketiga nomor {i} bercerita tentang banjir di desa." for i in range(30))


def test_the_guard_holds_back_an_edit_that_removes_most_of_a_document() -> None:
    chain = Chain((as_filter("greedy", _remove_most),), max_removal=0.3)
    outcome = chain(make_doc(LONG))
    assert outcome.doc is not None
    assert outcome.doc.text == LONG
    assert outcome.edits == ()
    [suspect] = outcome.suspects
    assert suspect.step == "greedy"
    assert suspect.why.startswith("guard: would remove 99% of the document (max_removal 0.3); ")
    # max_removal 1.0 turns the guard off
    off = Chain((as_filter("greedy", _remove_most),), max_removal=1.0)(make_doc(LONG))
    assert off.doc is not None
    assert len(off.doc.text) == 10


def test_the_guard_lets_a_pasted_copy_go_however_large_since_its_words_stay() -> None:
    # The same long paragraph twice, the second behind an outlet's name: removing the second
    # is half the document, but every word of it (but the name) stands in the first.
    text = f"{LONG}\n\nKABARKITA.ID - {LONG}"
    copy = Span(len(LONG), len(text), "near-repeat", "", "a pasted copy")
    chain = Chain((as_filter("repeat", lambda d: cut(d, [copy], step="repeat")),), max_removal=0.3)
    outcome = chain(make_doc(text))
    assert outcome.doc is not None
    assert outcome.doc.text == LONG
    assert outcome.suspects == ()
    # A large removal of words found nowhere else is held back as before.
    other = LONG.replace("banjir", "kebakaran")
    text = f"{LONG}\n\nKABARKITA.ID - {other}"
    copy = Span(len(LONG), len(text), "near-repeat", "", "not a copy")
    held = Chain((as_filter("repeat", lambda d: cut(d, [copy], step="repeat")),), max_removal=0.3)(
        make_doc(text)
    )
    assert held.doc is not None
    assert held.doc.text == text
    assert held.suspects[0].why.startswith("guard: would remove")


HEADLINES = "\n".join(f"Banjir Rendam Desa Nomor {i} di Pesisir Utara" for i in range(12))


def _remove_headlines(doc: Document) -> Outcome:
    at = doc.text.index("Banjir Rendam")
    return cut(doc, [Span(at, len(doc.text), "list", "", "a list of headlines")], step="list")


def test_the_guard_lets_a_long_list_of_headlines_go() -> None:
    # Twelve headline lines are most of this text but no reporting: the guard counts only the
    # removed lines that read as prose, so the list goes and the two sentences stay.
    text = (
        "Warga desa mengungsi ke balai desa sejak Senin malam karena air terus naik.\n" + HEADLINES
    )
    outcome = Chain((as_filter("list", _remove_headlines),), max_removal=0.3)(make_doc(text))
    assert outcome.doc is not None
    assert outcome.doc.text == text[: text.index("Banjir Rendam")]
    assert outcome.suspects == ()


def test_the_guard_holds_back_a_cut_inside_a_word() -> None:
    chain = Chain((as_filter("nibble", _cut_inside_a_word),), max_removal=0.3)
    outcome = chain(make_doc(LONG))
    assert outcome.doc is not None
    assert outcome.doc.text == LONG
    assert [s.why for s in outcome.suspects] == ["guard: cuts inside a word; cuts a word"]


def _cut_a_glued_label(doc: Document) -> Outcome:
    at = doc.text.index("Image caption")
    return cut(doc, [Span(at, at + len("Image caption"), "label", "", "a label")], step="label")


def test_a_cut_at_the_seam_of_two_glued_words_is_no_cut_inside_a_word() -> None:
    # "copyrightREUTERSImage captionDrummers": a lower-case letter before a capital is where
    # the scraper glued two words, so cutting the label there cuts no word.
    text = LONG + " Image copyrightREUTERSImage captionDrummers rehearse in the square."
    outcome = Chain((as_filter("label", _cut_a_glued_label),), max_removal=0.3)(make_doc(text))
    assert outcome.doc is not None
    assert outcome.doc.text == LONG + " Image copyrightREUTERSDrummers rehearse in the square."
    assert outcome.suspects == ()


def test_max_removal_is_validated() -> None:
    from cleankit.core.errors import SettingsError

    with pytest.raises(SettingsError, match="max_removal"):
        Settings(max_removal=0.0)


GREEDY_RULE = """
[[rule]]
id = "greedy-tail"
version = 1
description = "An over-reaching user rule: everything after 'Lihat' to the end."
pattern = '(?s)Lihat.*\\Z'
scope = "suffix"
language = ["*"]

  [[rule.example]]
  text = "Isi.\\nLihat semua"
  expect = "Isi."

  [[rule.example]]
  text = "Isi saja."
  expect = "Isi saja."
"""


def test_held_back_edits_are_counted_by_audit_summary_and_shown_in_the_report(
    tmp_path: Path,
) -> None:
    from click.testing import CliRunner

    from cleankit.audit.report import render_report
    from cleankit.audit.summary import summarize
    from cleankit.cli.app import main
    from cleankit.io.manifest import read_manifest

    body = " ".join(["Warga desa membangun jembatan bambu baru di atas sungai."] * 8)
    corpus = tmp_path / "in.jsonl"
    corpus.write_text(
        '{"id": "a", "text": "Jembatan itu dibuka pagi ini. Lihat ' + body + '"}\n',
        encoding="utf-8",
    )
    rules = tmp_path / "greedy.toml"
    rules.write_text(GREEDY_RULE, encoding="utf-8")
    result = CliRunner().invoke(
        main, ["clean", str(corpus), "-o", str(tmp_path / "out"), "--rules", str(rules)]
    )
    assert result.exit_code == 0, result.output
    assert "held back by the removal guard: 1 edit(s) (strip-rules/greedy-tail 1)" in result.output
    manifest = read_manifest(tmp_path / "out" / "manifest.parquet")
    table = summarize(manifest)["suspects"]
    assert table.select("step", "rule", "reason", "held", "documents").to_dicts() == [
        {
            "step": "strip-rules",
            "rule": "greedy-tail",
            "reason": "too large",
            "held": 1,
            "documents": 1,
        }
    ]
    page = render_report(manifest)
    assert '<div class="card" id="count-suspect"><b>1</b>suspect</div>' in page
    assert "<td>greedy-tail</td><td>too large</td>" in page
    # the text the rule wanted gone is still in the output, whole
    out = (tmp_path / "out" / "documents.jsonl").read_text(encoding="utf-8")
    assert body in out


def _hold_one_and_remove_most(doc: Document) -> Outcome:
    from dataclasses import replace

    from cleankit.core.document import Edit

    own = Edit("mixed", "label", 0, 7, doc.text[:7], "", "held by the step itself")
    return replace(_remove_most(doc), suspects=(own,))


def test_the_guard_keeps_the_suspects_a_step_held_itself() -> None:
    outcome = Chain((as_filter("mixed", _hold_one_and_remove_most),), max_removal=0.3)(
        make_doc(LONG)
    )
    assert [s.why.split(";")[0] for s in outcome.suspects] == [
        "held by the step itself",
        "guard: would remove 99% of the document (max_removal 0.3)",
    ]


#: Short stories whose sentences open or close with a word that rules look for ("Courtesy",
#: "Source:", "Copyright", "Ilustrasi", "Photo by"...), invented in the languages of the
#: corpus. Each once lost a sentence, or stands for a shape that could: every line must
#: come through the whole per-document chain as written.
STORIES_THAT_LOOK_LIKE_JUNK = [
    "The council approved the new budget on Tuesday after a long debate, officials said.\n"
    "Opposition members said the plan would raise fees for small traders across the city.\n"
    "Photo opportunities were limited because of the rain.",
    "The council approved the new budget on Tuesday.\n\n"
    "Opposition members said the plan would raise fees for small traders.\n"
    "Photo opportunities were limited because of the rain.",
    "Courtesy calls between the two leaders resumed on Monday.\n"
    "Both sides said the talks were useful.",
    "Source: a letter seen by this newspaper shows the deal was signed in March.\n"
    "The ministry declined to comment.",
    "The court ruled for the authors on Friday.\n"
    "Copyright lawyers said the ruling would change the industry.",
    "Harga beras di pasar induk naik lagi pada Senin pagi, kata pedagang setempat.\n"
    "Ilustrasi yang dipakai dalam buku itu dibuat oleh pelajar.",
    "Read more books, the minister told pupils on Monday.\n"
    "The library will open on Sundays from next month.",
    "Share prices rose 3% on Tuesday.\nAnalysts said the rally may not last.",
    "Editor Rina Lee said the paper would keep its print edition.\n"
    "Subscriptions rose 4% last year.",
    "End of an era: the last tram ran on Sunday.\nThousands came to watch it leave the depot.",
    "Foto-foto lama menunjukkan pasar itu ramai sejak 1950-an.\n"
    "Kini hanya tersisa sepuluh pedagang.",
    "Baca juga laporan lengkapnya di halaman berikut, kata dia.\nWarga diminta tetap tenang.",
    "Advertisement revenue fell by a third, the company said.\nIt plans to cut 200 jobs.",
    "Sign up for the vaccine opened on Monday, officials said.\n"
    "More than 10,000 people registered on the first day.",
    "Related talks will resume in Geneva next month.\nNo date has been set.",
    "Updated maps will be released next week, the agency said.\n"
    "They will show the new flood zones.",
    "Fuente de la información: el ministerio de salud publicó los datos el lunes.\n"
    "Los casos bajaron un 20%.",
    "Lire le rapport complet prend deux heures, selon ses auteurs.\nIl compte 300 pages.",
    "Leia a íntegra do discurso, pediu o deputado aos colegas.\nA sessão foi encerrada.",
    "Mehr als 300 Menschen kamen zum Protest.\nDie Polizei blieb ruhig.",
    "The agency denied it on Monday.\n"
    "Reporting by the Associated Press found that the agency ignored the warnings.",
    "The book sold well.\nEditing by hand took the team three weeks, the director said.",
    "Lagu itu diputar lagi di radio.\n"
    "Hak cipta atas lagu itu kini dipegang oleh keluarga penyanyi tersebut.",
    "Die Bilder hingen im Flur.\n"
    "Symbolbild und Wirklichkeit liegen oft weit auseinander, sagte der Fotograf.",
    # a lead that opens with a word and a colon or a dash is no dateline
    "Paris: a city of light, and of strikes, as the unions walked out again on Monday.\n"
    "The metro ran one train in three.",
    "Warning: heavy rain is expected across the province until Friday, forecasters said.\n"
    "Schools will stay open.",
    "Jakarta, Bandung and Surabaya - the three largest cities - will get new buses.\n"
    "The first arrive in March.",
    "Minister Tan - who took office in May - said the plan was on track.\n"
    "The budget was approved on Tuesday.",
    "Ahmad (45), seorang petani, mengatakan panen tahun ini gagal.\n"
    "Hujan datang terlambat dua bulan.",
    # closing lines that end in brackets or name an agency are reporting
    "The mayor, who was re-elected in 2019 (pictured), declined to comment.\n"
    "The figure was later revised (see below).",
    "The blast shook the port at dawn.\nReuters and AFP both reported the blast within minutes.",
    "Polis menahan dua lelaki.\nBernama melaporkan bahawa mangsa dibawa ke hospital.",
    # advice reported from someone is no call to the reader
    "Residents can sign up for the council's newsletter at the town hall, the mayor said.\n"
    "The first issue is due in May.",
    "Watch the video of the launch on the agency's channel, the spokesman said.\n"
    "The rocket lifted off at dawn.",
    "Dapatkan informasi terbaru dari BMKG melalui aplikasi resmi, kata kepala stasiun.\n"
    "Hujan diperkirakan turun hingga Jumat.",
    "Sponsored by the city, the festival drew 40,000 visitors.\n"
    "Video footage shows the crowd at the main stage.",
    "Jakarta - the capital - is sinking faster than any other city, scientists say.\n"
    "The government plans to move it.",
]


@pytest.mark.parametrize("story", STORIES_THAT_LOOK_LIKE_JUNK)
def test_stories_that_open_with_a_rules_word_come_through_whole(story: str) -> None:
    cleaned = clean_text(story)
    assert cleaned.text == story, cleaned.edits


@pytest.mark.parametrize(
    ("language", "headline", "lead", "junk", "rest"),
    [
        (
            "id",
            "Warga Desa Bersihkan Saluran Irigasi",
            "Ratusan warga membersihkan saluran irigasi yang tersumbat lumpur sejak musim hujan.",
            "BACA JUGA : Polisi Tangkap Pencuri Motor di Pasar",
            "Kepala desa mengatakan kegiatan ini rutin digelar setiap bulan oleh warga.",
        ),
        (
            "ms",
            "Penduduk Kampung Bersihkan Longkang Selepas Banjir",
            "Lebih 200 penduduk kampung membersihkan longkang yang tersumbat selepas banjir kilat.",
            "FOTO: Ihsan PBT",
            "Ketua kampung berkata aktiviti itu dianjurkan bersama pihak berkuasa tempatan.",
        ),
        (
            "pt",
            "Prefeitura inaugura nova ponte sobre o rio",
            "A prefeitura inaugurou nesta terça-feira uma nova ponte sobre o rio da cidade.",
            "LEIA MAIS: Prefeito anuncia novas obras",
            "A obra custou cerca de 2 milhões de reais, segundo o secretário de obras.",
        ),
    ],
)
def test_a_lead_above_a_pointer_or_credit_in_capitals_is_no_caption(
    language: str, headline: str, lead: str, junk: str, rest: str
) -> None:
    # The pointer or credit has a dateline's shape ("CAPITALS: ..."); the lead above it, under
    # the headline, once went as a caption over a dateline.
    cleaned = clean_text(f"{headline}\n\n{lead}\n\n{junk}\n\n{rest}", language=language)
    assert cleaned.text == f"{headline}\n\n{lead}\n\n{rest}", cleaned.edits
