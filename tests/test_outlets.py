"""Credits land in the column that says what they name: agency, other outlet, own outlet, source."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleankit.core.errors import RuleError
from cleankit.filters.names import NameTable, load_names
from cleankit.filters.outlets import another_outlet, route, same_outlet
from cleankit.filters.rules import load_rules
from tests.conftest import make_doc

RULES = load_rules()
STRIP = RULES.strip()


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Kompas TV", "kompas.tv", True),
        ("KOMPAS.TV", "Kompas", True),
        ("detikNews", "detik.com", True),
        ("FMT", "freemalaysiatoday.com", True),
        ("WANE", "wane.com", True),
        # a sister site of one network has a name of its own
        ("suarajatimpost.com", "suara.com", False),
        ("Harian Metro", "rmp.gov.my", False),
        ("GELORA.CO", "xcloud.id", False),
        ("AP", "apahabar.com", False),
    ],
)
def test_same_outlet(a: str, b: str, same: bool) -> None:
    assert same_outlet(a, b) is same


@pytest.mark.parametrize(
    ("column", "value", "target"),
    [
        ("cited_source", "AFP", "wire_agency"),
        ("cited_source", "Agence France-Presse", "wire_agency"),
        ("cited_source", "Harian Metro", "syndicated_from"),
        ("cited_source", "beritatimur.com", "syndicated_from"),
        ("cited_source", "BMKG", "cited_source"),
        ("cited_source", "media sosial", "cited_source"),
        ("cited_source", "News agencies", "cited_source"),  # a description, not a title
        ("cited_source", "Folha de S.Paulo", "syndicated_from"),  # short links stay in a title
        ("cited_source", "Kompas TV", None),  # on kompas.tv: the page itself
        ("wire_agency", "Bernama", "wire_agency"),
        ("wire_agency", "Sinar Harian", "syndicated_from"),
        ("wire_agency", "MalaysiaGazette", "wire_agency"),  # unknown, no title word: stays
        ("wire_agency", "Kompas", "desk_tag"),  # the page's own outlet signing its text
        ("dateline_city", "Harian Metro", "dateline_city"),  # a dateline of words is a place
        ("desk_tag", "AP", "wire_agency"),  # "(AP)" closing the story: an agency's credit
        ("desk_tag", "jbr/fdn", "desk_tag"),
    ],
)
def test_route(column: str, value: str, target: str | None) -> None:
    got, why = route(column, value, names=RULES.names, own=("kompas.tv", ""))
    assert got == target
    assert bool(why) is (got != column)


def test_an_agency_on_its_own_site_stays_the_wire_agency() -> None:
    body = "Harga beras di pasar induk turun untuk pertama kalinya sejak Maret lalu, kata pedagang."
    outcome = STRIP(make_doc(f"JAKARTA (ANTARA) - {body}", site="antaranews.com"))
    assert outcome.doc is not None
    assert outcome.doc.text == body
    assert outcome.provenance["wire_agency"] == "Antara"
    assert "desk_tag" not in outcome.provenance


def test_a_source_line_naming_the_page_itself_is_removed_but_not_recorded() -> None:
    lead = "Gempa bermagnitudo 5,2 mengguncang pesisir selatan Jawa pada Minggu pagi, kata petugas."
    doc = make_doc(f"{lead}\n\nSumber : Kompas TV", site="kompas.tv")
    outcome = STRIP(doc)
    assert outcome.doc is not None
    assert outcome.doc.text == lead
    assert "cited_source" not in outcome.provenance
    [edit] = outcome.edits
    assert edit.removed == "\n\nSumber : Kompas TV"
    assert edit.why.endswith("; cited_source 'Kompas TV' not recorded: the page's own outlet")


def test_an_agency_in_a_source_line_is_the_wire_agency() -> None:
    lead = "Die Polizei sperrte die Straße am Abend für mehrere Stunden, wie ein Sprecher sagte."
    outcome = STRIP(make_doc(f"{lead}\nQuelle: AFP", site="nachrichten-beispiel.de"))
    assert outcome.doc is not None
    assert outcome.doc.text == lead
    assert outcome.provenance["wire_agency"] == "AFP"
    assert "cited_source" not in outcome.provenance


def test_a_cited_outlet_and_its_source_line_are_one_syndicated_outlet() -> None:
    text = (
        "Dikutip dari Kabarwarta.com, warga bertahan di lantai dua rumah mereka sejak Sabtu.\n\n"
        "Petugas terus menyisir permukiman untuk mengevakuasi warga lanjut usia.\n\n"
        "Sumber: Kabarwarta"
    )
    outcome = STRIP(make_doc(text, site="lain-kabar.com"))
    assert outcome.doc is not None
    assert outcome.doc.text == (
        "warga bertahan di lantai dua rumah mereka sejak Sabtu.\n\n"
        "Petugas terus menyisir permukiman untuk mengevakuasi warga lanjut usia."
    )
    assert outcome.provenance["syndicated_from"] == "Kabarwarta.com"
    assert "cited_source" not in outcome.provenance


@pytest.mark.parametrize(
    ("site", "syndicated"), [("agregat-berita.id", True), ("beritakita.com", False)]
)
def test_a_dateline_naming_another_outlet_than_the_site_is_syndication(
    site: str, syndicated: bool
) -> None:
    body = "Harga beras di pasar induk turun untuk pertama kalinya sejak Maret lalu, kata pedagang."
    outcome = STRIP(make_doc(f"BERITAKITA.COM - {body}", site=site))
    assert outcome.doc is not None
    assert outcome.doc.text == body
    assert outcome.provenance["publisher"] == "BERITAKITA.COM"
    assert outcome.provenance.get("syndicated_from") == ("BERITAKITA.COM" if syndicated else None)
    assert another_outlet("BERITAKITA.COM", site) is syndicated


def test_without_a_site_the_text_publisher_is_not_syndication() -> None:
    body = "Harga beras di pasar induk turun untuk pertama kalinya sejak Maret lalu, kata pedagang."
    outcome = STRIP(make_doc(f"BERITAKITA.COM - {body}"))
    assert "syndicated_from" not in outcome.provenance


def test_press_words_load_and_bad_ones_are_errors(tmp_path: Path) -> None:
    assert {"harian", "zeitung", "times"} <= RULES.names.press_words
    folder = tmp_path / "rules"
    (folder / "names").mkdir(parents=True)
    (folder / "names" / "w.toml").write_text('press_words = ["Daily Star"]\n', encoding="utf-8")
    with pytest.raises(RuleError, match=r"w.toml: press_words must be a list of single words"):
        load_names([folder])
    (folder / "names" / "w.toml").write_text('press_words = ["Kurier"]\n', encoding="utf-8")
    table, _ = load_names([folder])
    assert table.press_words == frozenset({"kurier"})
    assert route("cited_source", "Kurier Lokal", names=table, own=()) == (
        "syndicated_from",
        "another outlet's title or address",
    )
    assert route("cited_source", "Kurier Lokal", names=NameTable(), own=())[0] == "cited_source"


def test_a_site_label_also_spells_the_page_s_own_outlet() -> None:
    lead = "Shares of the carmaker fell 4% on Tuesday after it cut its outlook for the year."
    doc = make_doc(f"{lead}\nSource: Harbour Times", site="Harbour Times", url="https://ht.example")
    outcome = STRIP(doc)
    assert outcome.doc is not None
    assert outcome.doc.text == lead
    assert "syndicated_from" not in outcome.provenance
    assert "cited_source" not in outcome.provenance


@pytest.mark.parametrize(
    ("dateline", "site", "column"),
    [
        ("Malang - ", "beritakita.com", "dateline_city"),
        ("Kraków – ", "", "dateline_city"),
        ("Inforiau - ", "inforiau.co", "publisher"),  # the page's own outlet by its letters
    ],
)
def test_a_one_word_dateline_is_the_city_unless_it_names_the_site(
    dateline: str, site: str, column: str
) -> None:
    body = "Harga beras di pasar induk turun untuk pertama kalinya sejak Maret lalu, kata pedagang."
    outcome = STRIP(make_doc(f"{dateline}{body}", **({"site": site} if site else {})))
    assert outcome.doc is not None
    assert outcome.doc.text == body
    word = dateline.split()[0]
    assert outcome.provenance[column] == word
    other = "publisher" if column == "dateline_city" else "dateline_city"
    assert outcome.provenance.get(other) != word


def test_a_city_and_region_on_a_site_named_for_the_city_stay_a_place() -> None:
    body = "The county opened two cooling centres on Monday as the heat wave went on."
    outcome = STRIP(make_doc(f"CLEVELAND, Ohio – {body}", site="cleveland.com"))
    assert outcome.doc is not None
    assert outcome.doc.text == body
    assert outcome.provenance["dateline_city"] == "CLEVELAND"
