"""Canonical names from rules/names: one spelling per agency in the manifest, the raw one kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleankit.core.errors import RuleError
from cleankit.filters.names import NameTable, load_names, name_key, person_names, same_outlet_key
from cleankit.filters.rules import load_rules
from cleankit.filters.strip_rules import StripRules
from cleankit.run import default_chain
from tests.conftest import make_doc


def test_keys_ignore_case_punctuation_and_spacing() -> None:
    assert name_key("ANTARA  News") == name_key("antara-news") == "antara news"


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("ANTARA", "Antara"),
        ("Antara", "Antara"),
        ("ANTARA News", "Antara"),
        ("antaranews.com", "Antara"),
    ],
)
def test_the_builtin_table_names_each_spelling_once(raw: str, canonical: str) -> None:
    assert load_rules().names.canonical(raw) == canonical


def test_an_unknown_name_is_recorded_as_found() -> None:
    assert NameTable({}).canonical("Harian Pelabuhan") == "Harian Pelabuhan"


def test_strip_rules_records_the_canonical_name_and_keeps_the_raw_spelling_in_the_edit() -> None:
    rules = load_rules()
    text = "TOMOHON (ANTARA) - Status gunung api dinaikkan pada Senin pagi oleh petugas pos pantau."
    outcome = StripRules(rules.rules, names=rules.names)(make_doc(text))
    assert outcome.provenance["wire_agency"] == "Antara"
    [edit] = outcome.edits
    assert edit.removed == "TOMOHON (ANTARA) - "
    assert edit.why.endswith("; wire_agency 'ANTARA' recorded as 'Antara'")
    assert outcome.doc is not None
    assert (
        outcome.doc.text == "Status gunung api dinaikkan pada Senin pagi oleh petugas pos pantau."
    )


def test_the_default_chain_uses_the_table() -> None:
    text = "JAKARTA (Antara News) - Harga beras di pasar induk turun untuk pertama kalinya sejak Maret lalu."
    outcome = default_chain(corpus_level=False)(make_doc(text))
    assert outcome.provenance["wire_agency"] == "Antara"


def test_a_page_with_two_stories_records_both_datelines_in_reading_order() -> None:
    rules = load_rules()
    first = "Status gunung api dinaikkan pada Senin pagi oleh petugas pos pantau setempat."
    second = "Harga cabai di pasar induk turun untuk pertama kalinya sejak bulan Maret lalu."
    text = f"TOMOHON (ANTARA) - {first}\n\nBITUNG (ANTARA) - {second}\n\nTOMOHON - {first}"
    outcome = StripRules(rules.rules, names=rules.names)(make_doc(text))
    # Every distinct city once, in the order a reader meets them; one agency, said once.
    assert outcome.provenance["dateline_city"] == "TOMOHON; BITUNG"
    assert outcome.provenance["wire_agency"] == "Antara"
    assert outcome.doc is not None
    assert outcome.doc.text == f"{first}\n\n{second}\n\n{first}"


def test_one_outlet_written_two_ways_is_one_value() -> None:
    assert same_outlet_key("Kabarnusa.com") == same_outlet_key("KABAR NUSA") == "kabarnusa"
    assert same_outlet_key("Kompas TV") == same_outlet_key("KOMPAS.TV")
    assert same_outlet_key("kontan.co.id") == same_outlet_key("Kontan")


def _table(tmp_path: Path, body: str) -> Path:
    (tmp_path / "names").mkdir()
    (tmp_path / "names" / "t.toml").write_text(body, encoding="utf-8")
    return tmp_path


def test_a_spelling_claimed_by_two_names_is_an_error_naming_both_places(tmp_path: Path) -> None:
    folder = _table(
        tmp_path,
        '[[name]]\ncanonical = "Kabar"\nspellings = ["KBR"]\n\n'
        '[[name]]\ncanonical = "Kabar Baru"\nspellings = ["kbr"]\n',
    )
    with pytest.raises(RuleError) as caught:
        load_names([folder])
    message = str(caught.value)
    assert message.startswith(
        f"{folder / 'names' / 't.toml'}:5: spelling 'kbr' already means 'Kabar'"
    )
    assert "t.toml:1)" in message


def test_unknown_fields_and_bad_types_are_errors(tmp_path: Path) -> None:
    folder = _table(tmp_path, '[[name]]\ncanonical = "Kabar"\nspelling = ["KBR"]\n')
    with pytest.raises(RuleError, match=r"t.toml:1: unknown field 'spelling'"):
        load_names([folder])


@pytest.mark.parametrize(
    ("byline", "people"),
    [
        ("Andy Bruce and Andrea Shalal", "Andy Bruce; Andrea Shalal"),
        ("Rina Putri, Dewi Lestari & Budi Santoso", "Rina Putri; Dewi Lestari; Budi Santoso"),
        ("Nanda Perdana PutraDelvira Hutabarat", "Nanda Perdana Putra; Delvira Hutabarat"),
        ("Rudi dan Sari", "Rudi; Sari"),
        # a capital inside a name after one or two letters is the name's own
        ("Ellen McDonald", "Ellen McDonald"),
        ("Ron DeSantis", "Ron DeSantis"),
    ],
)
def test_a_byline_is_recorded_as_its_people(byline: str, people: str) -> None:
    assert person_names(byline) == people


def test_strip_rules_records_authors_as_a_list_and_notes_the_raw_byline() -> None:
    chain = default_chain(corpus_level=False)
    text = (
        "By Maria Lopez and Tom Hale\n\nThe harbour board approved a second ferry terminal on "
        "Tuesday after a long debate about the cost."
    )
    outcome = chain(make_doc(text))
    assert outcome.provenance["author"] == "Maria Lopez; Tom Hale"
    edit = next(e for e in outcome.edits if e.rule == "byline-by")
    assert "author 'Maria Lopez and Tom Hale' recorded as 'Maria Lopez; Tom Hale'" in edit.why
