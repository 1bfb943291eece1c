"""Sites as registrable domains, and the publisher a site stands for when no furniture names one."""

from __future__ import annotations

import pytest

from cleankit.core.document import Document
from cleankit.filters.rules import load_rules
from cleankit.filters.sites import publisher_host, site_of, spelled_site_name
from cleankit.filters.strip_rules import StripRules


@pytest.mark.parametrize(
    ("meta", "site", "publisher"),
    [
        ({"url": "https://m.kabarkota.co.id/berita/1"}, "kabarkota.co.id", "kabarkota.co.id"),
        ({"url": "https://news.harbour.co.uk/a"}, "harbour.co.uk", "harbour.co.uk"),
        ({"url": "http://www.Example.com/x"}, "example.com", "example.com"),
        ({"site": "sport.example.com"}, "example.com", "example.com"),
        # a blog on a hosting platform is a site and a publisher of its own
        (
            {"site": "kabarkampung.blogspot.com"},
            "kabarkampung.blogspot.com",
            "kabarkampung.blogspot.com",
        ),
        ({"site": "Warta Timur"}, "Warta Timur", ""),
        ({"url": "http://localhost:8000/page"}, "localhost", "localhost"),
        ({"url": "http://192.168.0.4/page"}, "192.168.0.4", "192.168.0.4"),
        ({}, "", ""),
    ],
)
def test_sites_and_publisher_hosts(meta: dict[str, str], site: str, publisher: str) -> None:
    doc = Document(id="d", text="x", meta=meta)
    assert site_of(doc) == site
    assert publisher_host(doc) == publisher


@pytest.mark.parametrize(
    ("text", "host", "spelled"),
    [
        ("© 2024 Harian Pagi. Hak cipta dilindungi.", "harianpagi.co.id", "Harian Pagi"),
        ("HARIANPAGI.CO.ID - Warga antre.", "harianpagi.co.id", "HARIANPAGI.CO.ID"),
        # the name as words is preferred to the address
        ("HARIANPAGI.CO.ID - Warga antre. Harian Pagi", "harianpagi.co.id", "Harian Pagi"),
        # a lowercase word of the prose is not the outlet's name
        ("the tribune of the people", "tribune.com", None),
        # short site names meet common words, so they are not looked for
        ("ABC news", "abc.es", None),
        ("Nothing about it here.", "harianpagi.co.id", None),
        # an ending that is part of the name (.tv, .fm) is looked for with it
        ("Sumber : Berita Kota TV", "beritakota.tv", "Berita Kota TV"),
        ("BERITAKOTA - Warga antre.", "beritakota.tv", "BERITAKOTA"),
        # a word the page broke in two is no spelling; the whole one further on is
        (
            "Ketika dihubungi Berita Ki ni, dia diam. Ikuti Beritakini.",
            "beritakini.com",
            "Beritakini",
        ),
        # a capitalised word that the prose also writes in lower case is a common word
        ("Tourism Board said global tourism grew.", "tourism.gov.my", None),
        # a handle in lower case is no prose: the name stands
        ("Ikuti @harianpagi di X. HarianPagi melaporkan.", "harianpagi.co.id", "HarianPagi"),
        # letters that match the name's regardless of case, though they fold otherwise: "İ"
        # (a dotted capital I folds to "i" and a dot above), the Kelvin sign for "K"
        ("Kaynak: İLKHABER.COM", "ilkhaber.com", "İLKHABER.COM"),
        ("Sumber: \u212aabarnusa", "kabarnusa.com", "\u212aabarnusa"),
    ],
)
def test_spelled_site_name(text: str, host: str, spelled: str | None) -> None:
    assert spelled_site_name(text, host) == spelled


def _strip(text: str, site: str) -> dict[str, object]:
    rules = load_rules()
    step = StripRules(rules.rules, names=rules.names)
    return dict(step(Document(id="d", text=text, meta={"site": site})).provenance)


def test_a_publisher_named_by_the_page_wins_over_the_site() -> None:
    got = _strip("IslamTimes - Warga desa mengungsi sejak Senin malam karena air naik.", "x.org")
    assert got["publisher"] == "IslamTimes"
    assert got["publisher_from"] == "text"


def test_the_site_stands_for_the_publisher_when_no_furniture_names_one() -> None:
    text = "Warga desa mengungsi sejak Senin malam karena air naik.\n\n© Harian Pagi"
    got = _strip(text, "www.harianpagi.co.id")
    assert got["publisher"] == "Harian Pagi"
    assert got["publisher_from"] == "site"
    plain = _strip("Warga desa mengungsi sejak Senin malam karena air naik.", "harianpagi.co.id")
    assert plain["publisher"] == "harianpagi.co.id"
    assert plain["publisher_from"] == "site"
    assert "publisher" not in _strip("Warga desa mengungsi sejak Senin malam.", "")


def test_the_site_fallback_can_be_turned_off() -> None:
    rules = load_rules()
    step = StripRules(rules.rules, names=rules.names, site_publisher=False)
    outcome = step(Document(id="d", text="Warga mengungsi.", meta={"site": "harianpagi.co.id"}))
    assert dict(outcome.provenance) == {}
