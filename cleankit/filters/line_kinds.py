"""What kind of line a text line is, by its shape: prose, a headline, a stamp, a menu...

Page furniture is told from article prose the way jusText tells boilerplate blocks from
content, but on text lines: how many words a line has, how many of them are stopwords of the
document's language, whether it ends like a sentence, and whether it has the shape of a date,
a counter, an address or a menu. :mod:`cleankit.filters.furniture` decides from these kinds
and the lines' positions what goes.
"""

from __future__ import annotations

from functools import lru_cache

import regex as re

from cleankit.core.text import PROSE_ENDS, letter_words, reads_as_prose

__all__ = ["DATED_START", "FURNITURE_KINDS", "LABELLED_COUNT", "line_kind", "stopwords_for"]

# Month names and their usual short forms in the languages of the stoplists (id, ms, en, es,
# fr, de, pt, it, nl); a short form must end the word ("Des" and "Des." count, "Desa" does not).
_MONTHS = (
    r"(?:januari|january|janvier|januar|enero|janeiro|gennaio|februari|february|février|februar|"
    r"febrero|fevereiro|febbraio|maret|mac|march|mars|märz|marzo|março|maart|april|avril|abril|"
    r"aprile|mei|may|mai|mayo|maio|maggio|juni|jun|june|juin|junio|junho|giugno|juli|jul|july|"
    r"julai|juillet|julio|julho|luglio|agustus|ogos|august|août|agosto|augustus|september|"
    r"septembre|septiembre|setembro|settembre|oktober|october|octobre|octubre|outubro|ottobre|"
    r"november|novembre|noviembre|novembro|desember|disember|december|décembre|dezember|"
    r"diciembre|dezembro|dicembre|jan|feb|mar|apr|agu|ags|aug|sep|sept|okt|oct|nov|des|dec)"
    r"\.?(?!\p{L})"
)
# A date's shapes: in figures ("27/10/2024"), month then day ("June 9"), day then month ("12
# Des"); one spelling each for the stamps and for the schedules below.
_NUMERIC_DATE = r"\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}\b"
_MONTH_DAY = rf"{_MONTHS}\s+\d{{1,2}}\b"
_DAY_MONTH = rf"\d{{1,2}}\.?\s+{_MONTHS}"
# A stamp: dates, times and the words that label them, with little else on the line.
_DATE = re.compile(
    rf"\b{_NUMERIC_DATE}|(?<![$€£¥₹]\s?)\b\d{{1,2}}[:.h]\d{{2}}(?:\s*[ap]\.?m\b\.?)?\b"
    r"|\b\d{4}-\d{2}(?:-\d{2})?\b|\d{2,4}年\d{1,2}月(?:\d{1,2}日)?"
    rf"|\b{_DAY_MONTH}\b|\b{_MONTH_DAY}|\b{_MONTHS}\s+\d{{4}}\b",
    re.IGNORECASE,
)
# A line that opens with a date: an entry of a schedule or a tour ("June 9 -- Coral Sky
# Amphitheatre, West Palm Beach", "12 Des - Pameran batik di Solo").
DATED_START = re.compile(rf"^\s*(?:{_MONTH_DAY}|{_DAY_MONTH}|{_NUMERIC_DATE})", re.IGNORECASE)
# How long ago, in the languages of the stoplists: "2 days ago", "3 jam lalu", "hace 2 horas";
# also glued to the outlet before it ("The Guardian2 days ago").
_AGO = re.compile(
    r"(?<!\d)\d{1,3}\s*(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?"
    r"|[hmdwy])\s+ago\b"
    r"|(?<!\d)\d{1,3}\s+(?:detik|menit|minit|jam|hari|minggu|bulan|tahun)\s+(?:yang\s+)?lalu\b"
    r"|\bhace\s+\d{1,3}\s+\p{L}+|\bil y a\s+\d{1,3}\s+\p{L}+|\bhá\s+\d{1,3}\s+\p{L}+"
    r"|\bvor\s+\d{1,3}\s+(?:Sekunden|Minuten|Stunden|Tagen|Wochen|Monaten|Jahren)\b"
    r"|(?<!\d)\d{1,3}\s+(?:minuti|ore|giorni|settimane|mesi|anni)\s+fa\b"
    r"|(?<!\d)\d{1,3}\s+(?:minuten|uur|dagen|weken|maanden|jaar)\s+geleden\b",
    re.IGNORECASE,
)
# A date's label whose date was lost: "Posted on", "Updated", "Diterbitkan".
_DATE_LABEL = re.compile(
    r"^(?:posted|published|updated|last updated|diterbitkan|diperbarui|dipublikasikan|"
    r"dikemas ?kini|publicado|actualizado|atualizado|publié|mis à jour|veröffentlicht|"
    r"aktualisiert|pubblicato|aggiornato|gepubliceerd|bijgewerkt)"
    r"(?:\s+(?:on|at|el|le|am|em|pada|il|op))?\s*:?$",
    re.IGNORECASE,
)
# A number as counters write it ("873333", "1.204", "8,5"): it ends in a digit, so an item's
# number ("2. Avoid skipping meals", "16) Taboo") heads a list and is no counter.
_COUNT = r"\d(?:[\d.,]*\d)?"
# A count with its unit ("8.8K", "218 views", "12 Komentar").
_COUNTER = re.compile(rf"^{_COUNT}\s*[KkMmJjRrBb]?\+?(?:\s+\p{{L}}+){{0,3}}$")
# A count under its label: "Views: 873333", "Dibaca: 1.204 kali", "Komentar: 12". The colon
# makes it a label ("Part 2", "Pasal 12" are headings); two such lines together are a data
# list, which :func:`cleankit.filters.article_bounds.holds_table` keeps.
LABELLED_COUNT = re.compile(
    rf"^\s*\p{{L}}[\p{{L}}-]*(?:\s\p{{L}}[\p{{L}}-]*)?\s*:\s*{_COUNT}\s*[KkMm]?(?:\s+\p{{L}}+)?\s*$"
)
# The signature under an embedded post: a dash, the author, the account in brackets, the date
# ("— Rina Lee (@rinalee) November 18, 2019"). It says who wrote the quoted post: not a stamp.
_POST_SIGNATURE = re.compile(r"^[—–-]\s*[\p{L}\d][^\n]{0,80}\(@\w+\)")
_ADDRESS = re.compile(r"https?://|www\.|\S+@\S+\.\S+|(?:^|\s)[@#]\w+")
_MENU_SEPARATORS = re.compile(r"\s[|•·/›»>]\s|\s\|\s?|\s?\|\s")
# A sentence's end: its mark, maybe inside a closing quote or bracket. A bracket or quote
# alone closes a label ("Canada (English)", "(Reuters)"), not a sentence.
_CLOSES_SENTENCE = re.compile(r"[.!?…»][\"”’)\]]*\s*$")
_SENTENCE_INSIDE = re.compile(r"\p{Ll}[.!?][\"”’)]?\s")
_EMOJI = re.compile(r"[\U0001F300-\U0001FAFF\u2600-\u27BF]")
# Dashes part a headline from its outlet or a clause from the next, once or twice; three or
# more between items of a few words each ("- live scores - results - fixtures - odds") are a
# menu or a line of search keywords.
_DASH_BETWEEN = r"\s[-–—]\s"
_DASH = re.compile(_DASH_BETWEEN)
_DASH_ITEMS = re.compile(
    rf"^[-–—]?\s*[^\W_][^-–—.!?]{{0,40}}(?:{_DASH_BETWEEN}[^-–—.!?]{{1,40}}){{3,}}$"
)
# A listing's page title: a page number as one of the items between separators ("Sport –
# Page 849 – Site", "Berita | Halaman 2"); an article's headline carries no page number.
_ITEM_BETWEEN = r"\s[-–—|]\s"
_SEPARATED = re.compile(_ITEM_BETWEEN)
_PAGE_ITEM = re.compile(
    rf"(?:^|{_ITEM_BETWEEN})(?i:page|halaman|hal\.|página|pagina|pág\.|seite)\s?\d{{1,5}}"
    rf"(?={_ITEM_BETWEEN}|\s*$)"
)


@lru_cache(maxsize=32)
def stopwords_for(language: str | None) -> frozenset[str]:
    """Stopwords of a language from stopwordsiso (ISO 639-1 codes); empty when unknown."""
    if not language:
        return frozenset()
    import stopwordsiso

    if not stopwordsiso.has_lang(language):
        return frozenset()
    return frozenset(stopwordsiso.stopwords(language))


def line_kind(text: str, stopwords: frozenset[str]) -> tuple[str, str]:
    """Classify one line: ("prose" | "title" | "stamp" | "menu" | "address" | "short" |
    "symbols" | "other", evidence)."""
    body = text.strip()
    if body and not any(c.isalnum() for c in body):
        return "symbols", "no letter or digit (an empty image frame, a rule, a stray bullet)"
    words = letter_words(body)
    count = len(words)
    ends = body.endswith(PROSE_ENDS)
    if " " not in body and body.count("/") >= 2:
        return "address", "a path or address without spaces"
    if reads_as_prose(body, count, PROSE_ENDS):
        if all(w[0].isupper() for w in words):
            # Every word capitalised, articles too: a headline in title case that ends like a
            # sentence ("..., Kenapa BMKG Tak Beri Peringatan Dini?"). It is not the lead.
            return "title", f"{count} words, every one capitalised"
        if stopwords and count >= 12:
            share = sum(w.casefold() in stopwords for w in words) / count
            if share < 0.08:
                return "other", f"{count} words but {share:.0%} stopwords (a list, not prose)"
        return "prose", f"{count} words"
    if _POST_SIGNATURE.match(body):
        return "other", "the signature of a quoted post (author, account, date)"
    if _COUNTER.match(body):
        return "stamp", "a number with at most a few words (a counter)"
    if LABELLED_COUNT.match(body):
        return "stamp", "a count under its label (a counter)"
    if _DATE_LABEL.match(body):
        return "stamp", "a date's label without its date"
    dates = _DATE.findall(body) or _AGO.findall(body)
    if dates and count <= 10 and not ends:
        return "stamp", "a date or time with few words"
    if dates and count <= 6:
        return "stamp", "a date or time with few words"
    if count <= 20 and _PAGE_ITEM.search(body) and _SEPARATED.search(body):
        return "menu", "a listing page's title (a page number between separators)"
    if len(_MENU_SEPARATORS.findall(body)) >= 2 and count <= 20:
        return "menu", "short items between separators (a menu or breadcrumb)"
    if (
        count <= 20
        and _DASH_ITEMS.match(body)
        and all(len(letter_words(item)) <= 5 for item in _DASH.split(body))
    ):
        return "menu", "short items between dashes (a menu or a line of keywords)"
    if _ADDRESS.search(body) and count <= 8:
        return "address", "an address, handle or hashtag with few words"
    if _EMOJI.search(body) and count <= 8:
        return "short", "emoji on a short line"
    if count <= 7 and not _CLOSES_SENTENCE.search(body) and not _SENTENCE_INSIDE.search(body):
        return "short", f"{count} word{'s' if count != 1 else ''}, no sentence punctuation"
    return "other", "not prose"


#: Line kinds that are page furniture wherever they stand outside the story.
FURNITURE_KINDS = ("stamp", "menu", "address", "short", "symbols")
