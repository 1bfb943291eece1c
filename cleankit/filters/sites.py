"""Which site a document comes from, and the publisher that a site stands for.

A site is a registrable domain (m.site.com and news.site.co.uk count as site.com and
site.co.uk), read from tldextract's bundled snapshot of the Public Suffix List: runs never
fetch it, so they do not depend on the network. The list's private section counts too: a blog
on a hosting platform (name.blogspot.com) is a site of its own, with its own template and
its own publisher, not one site with every other blog of the platform.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import regex as re

from cleankit.core.document import Document
from cleankit.filters.names import same_outlet_key

__all__ = ["publisher_host", "registrable_domain", "site_of", "spelled_site_name"]

_HOSTLIKE = re.compile(r"^[\w-]+(?:\.[\w-]+)+\.?$")


def _host(doc: Document) -> tuple[str, bool]:
    """The document's host from ``meta.site`` or ``meta.url``, and whether it is a host name
    (a ``meta.site`` like "Regional desk" is a label, used as it is)."""
    site = doc.meta.get("site")
    if isinstance(site, str) and site:
        return site, bool(_HOSTLIKE.match(site))
    url = doc.meta.get("url")
    if isinstance(url, str) and url:
        return urlsplit(url if "//" in url else f"//{url}").hostname or "", True
    return "", False


def _site(doc: Document) -> tuple[str, bool]:
    """The document's site and whether it is a host's domain (not a label)."""
    host, is_host = _host(doc)
    return (registrable_domain(host) if is_host and host else host), is_host


def site_of(doc: Document) -> str:
    """Which site a document belongs to: the registrable domain of ``meta.site`` or of
    ``meta.url``; a ``meta.site`` that is no host name ("Regional desk") as it is; else ""."""
    return _site(doc)[0]


def publisher_host(doc: Document) -> str:
    """The host that stands for the document's publisher: its site when that is a host name,
    else "" (a label names no outlet)."""
    site, is_host = _site(doc)
    return site if is_host else ""


@lru_cache(maxsize=65536)
def registrable_domain(host: str) -> str:
    """The domain a registrant owns under its public suffix, private suffixes included. Hosts
    with no such domain (localhost, an IP address) come back lower-cased, without "www."."""
    host = host.strip().rstrip(".").lower()
    found = _extractor()(host).top_domain_under_public_suffix
    return str(found) if found else host.removeprefix("www.")


@lru_cache(maxsize=1)
def _extractor() -> Any:
    import tldextract  # imported on first use: the snapshot takes a moment to parse

    return tldextract.TLDExtract(
        suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True
    )


#: Shortest site name looked for in the text: shorter ones ("rp", "abc") meet common words.
_MIN_NAME = 5
_ENDING = r"(?:\.(?:co|com|or|net|org|web|news)(?:\.\p{Ll}{2})?|\.\p{Ll}{2,3})?"


def spelled_site_name(text: str, host: str) -> str | None:
    """How the text spells the site's own name, if it does: "Malay Mail" or "MALAYMAIL.COM"
    for malaymail.com (letters in order, with at most one space, dot or hyphen between two).

    Pages name their own outlet in datelines, credits and footers; its spelling there is a
    better record of the publisher than the bare domain. A spelling must carry a capital
    letter or the domain ending, so that a name that is also a common word is not taken from
    the prose; a single capitalised word is not taken either when the text also writes it in
    lower case ("Tourism" for tourism.gov.my, where the text speaks of "global tourism").
    Each word after a space must open in capitals: "Mala ysiakini" is a word the page broke,
    not a spelling of the name.
    """
    # The whole host first where its ending is part of the name ("Kompas TV" for kompas.tv,
    # not "Kompas"), then its first label.
    run_together: str | None = None
    for key in dict.fromkeys((same_outlet_key(host), same_outlet_key(host.split(".")[0]))):
        if len(key) < _MIN_NAME:
            continue
        if run_together is None:
            run_together = text.casefold().translate(_SEPARATORS)
        if key not in run_together:
            continue  # the name's letters stand nowhere in a row: no spelling to compile for
        spellings = [
            found
            for found in (m.group() for m in _name_pattern(key).finditer(text))
            if (any(c.isupper() for c in found) or "." in found) and _spells_a_name(found, text)
        ]
        if spellings:
            # A name as words ("Kompas TV") reads better than the address or capitals.
            spellings.sort(key=lambda found: ("." in found, found.isupper()))
            return spellings[0]
    return None


def _spells_a_name(found: str, text: str) -> bool:
    """Whether a match of the site's letters reads as its name (see :func:`spelled_site_name`)."""
    words = found.split(" ")
    if any(not word[:1].isupper() and not word[:1].isdigit() for word in words[1:]):
        return False  # "Mala ysiakini": a word broken in two
    if len(words) == 1 and "." not in found and not found.isupper():
        lower = re.compile(rf"(?<![\w.@#/]){re.escape(found.lower())}(?!\w|\.\w)")
        return lower.search(text) is None  # "tourism" in the prose: a common word
    return True


#: What a spelling may put between the name's letters, dropped before the cheap test that
#: the letters stand in a row; with the dot above that "İ" folds to besides its "i", since
#: the pattern's letters match "İ" for "i" regardless of case.
_SEPARATORS = str.maketrans("", "", " .-\u0307")


@lru_cache(maxsize=4096)
def _name_pattern(key: str) -> re.Pattern[str]:
    letters = r"[ .\-]?".join(re.escape(c) for c in key)
    return re.compile(rf"(?<![\w.]){letters}{_ENDING}(?![\w])", re.IGNORECASE)
