"""Page furniture found by the shape of lines, not by their spelling.

Scraped pages wrap the article in lines that are not prose: menus, section labels, "latest"
lists, share and comment widgets, time stamps and view counters, tag lists. They are told from
prose the way jusText tells boilerplate blocks from content, but on text lines: how many words
a line has, how many of them are stopwords of the document's language, whether it ends like a
sentence, and whether it has the shape of a date, a counter, an address or a menu. Position
decides how sure we are: above the lead (the page header) and below the last prose line (the
footer) short non-prose lines are furniture; between prose lines only lines whose shape alone
says "metadata" go, since a short line inside the article is a heading or a list item, and a
table's numbers are no counters. The lead is the first prose line with another close below
it, the end the last with another close above it: a lone prose line among the header's or
the footer's menus is a motto, a teaser or a legal note, not the story's start or end. The
last line before the lead is kept when it could be the headline. Hard-wrapped text, whose
lines are fragments of sentences, is left alone. Text that
trafilatura extracted from HTML is left alone: it already dropped the furniture with the DOM.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import regex as re

from cleankit.core.document import Document, Outcome, Span, cut
from cleankit.core.text import (
    PROSE_ENDS,
    PROSE_WORDS,
    Paragraph,
    block_extent,
    letter_words,
    paragraphs,
    reads_as_prose,
    trim_overlaps,
)

__all__ = ["DropPageFurniture", "line_kind"]

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
# A stamp: dates, times and the words that label them, with little else on the line.
_DATE = re.compile(
    r"\b\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}\b|\b\d{1,2}[:.h]\d{2}\b|\b\d{4}-\d{2}(?:-\d{2})?\b"
    rf"|\b\d{{1,2}}\.?\s+{_MONTHS}\b|\b{_MONTHS}\s+\d{{1,2}}\b|\b{_MONTHS}\s+\d{{4}}\b",
    re.IGNORECASE,
)
# How long ago, in the languages of the stoplists: "2 days ago", "3 jam lalu", "hace 2 horas";
# also glued to the outlet before it ("The Guardian2 days ago").
_AGO = re.compile(
    r"(?<!\d)\d{1,3}\s*(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)\s+ago\b"
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
# A count with its unit ("8.8K", "218 views", "12 Komentar"); the number ends in a digit, so an
# item's number ("2. Avoid skipping meals", "16) Taboo") heads a list and is no counter.
_COUNTER = re.compile(r"^\d(?:[\d.,]*\d)?\s*[KkMmJjRrBb]?\+?(?:\s+\p{L}+){0,3}$")
# The signature under an embedded post: a dash, the author, the account in brackets, the date
# ("— Rina Lee (@rinalee) November 18, 2019"). It says who wrote the quoted post: not a stamp.
_POST_SIGNATURE = re.compile(r"^[—–-]\s*\p{L}[^\n]{0,80}\(@\w+\)")
_ADDRESS = re.compile(r"https?://|www\.|\S+@\S+\.\S+|(?:^|\s)[@#]\w+")
_MENU_SEPARATORS = re.compile(r"\s[|•·/›»>]\s|\s\|\s?|\s?\|\s")
# A sentence's end: its mark, maybe inside a closing quote or bracket. A bracket or quote
# alone closes a label ("Canada (English)", "(Reuters)"), not a sentence.
_CLOSES_SENTENCE = re.compile(r"[.!?…»][\"”’)\]]*\s*$")
_SENTENCE_INSIDE = re.compile(r"\p{Ll}[.!?][\"”’)]?\s")
_EMOJI = re.compile(r"[\U0001F300-\U0001FAFF\u2600-\u27BF]")


@lru_cache(maxsize=32)
def _stopwords(language: str | None) -> frozenset[str]:
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
    if _DATE_LABEL.match(body):
        return "stamp", "a date's label without its date"
    dates = _DATE.findall(body) or _AGO.findall(body)
    if dates and count <= 10 and not ends:
        return "stamp", "a date or time with few words"
    if dates and count <= 6:
        return "stamp", "a date or time with few words"
    if len(_MENU_SEPARATORS.findall(body)) >= 2 and count <= 20:
        return "menu", "short items between separators (a menu or breadcrumb)"
    if _ADDRESS.search(body) and count <= 8:
        return "address", "an address, handle or hashtag with few words"
    if _EMOJI.search(body) and count <= 8:
        return "short", "emoji on a short line"
    if count <= 7 and not _CLOSES_SENTENCE.search(body) and not _SENTENCE_INSIDE.search(body):
        return "short", f"{count} word{'s' if count != 1 else ''}, no sentence punctuation"
    return "other", "not prose"


#: Line kinds that are page furniture wherever they stand outside the story.
_FURNITURE_KINDS = ("stamp", "menu", "address", "short", "symbols")


@dataclass(frozen=True)
class DropPageFurniture:
    """Remove lines that are page furniture: above the first prose line, below the last, and
    metadata stamps and lines without a letter or digit anywhere. Every removal names its
    evidence in the edit's ``why``."""

    name: str = "drop-page-furniture"

    def __call__(self, doc: Document) -> Outcome:
        """Classify each line, find the prose region, cut what is furniture by position and shape."""
        if doc.meta.get("extractor") == "trafilatura":
            # trafilatura already separated the article from the page with the DOM in hand:
            # far better evidence than line shapes, which here would only cut article lists.
            return Outcome(doc=doc)
        found = paragraphs(doc.text)
        if len(found) < 2 or _hard_wrapped(found):
            return Outcome(doc=doc)
        stopwords = _stopwords(doc.language)
        kinds = [line_kind(p.text, stopwords) for p in found]
        prose = [i for i, (kind, _) in enumerate(kinds) if kind == "prose"]
        if not prose:
            return Outcome(doc=doc)
        first = _lead_index(found, kinds, prose)
        last = _list_end(found, _sentence_end(found, _end_index(found, kinds, prose), stopwords))
        headline = _headline_index(found, kinds, first)
        spans: list[Span] = []
        for i, (kind, evidence) in enumerate(kinds):
            if kind == "prose" or i == headline:
                continue
            where = "before the lead" if i < first else "after the article" if i > last else ""
            title = doc.meta.get("title")
            if title and found[i].text.strip() == str(title).strip():
                continue  # the document's own title is its headline, not furniture
            if kind == "short" and i < first and len(letter_words(found[i].text)) > 4:
                continue  # above the lead a line of 5+ words may be the headline or a standfirst
            if where and kind in _FURNITURE_KINDS:
                why = f"page furniture {where}: {evidence}"
            elif (
                _headline_like(found[i].text, kind)
                and i > last
                and _below_furniture(last, i, kinds)
            ):
                # Below the story's end and below furniture, a line that reads like a headline
                # heads nothing: a listing's or a ticker's headlines.
                why = f"page furniture after the article, below other furniture: {evidence}"
            elif kind == "symbols":
                why = f"a line without words: {evidence}"
            elif (
                kind == "stamp"
                and len(letter_words(found[i].text)) <= 4
                and _between_prose(i, kinds)
                and not _holds_table(found[slice(*_run_around(i, kinds))])
            ):
                why = f"metadata line inside the article: {evidence}"
            else:
                continue
            start, end = block_extent(doc.text, found[i].start, found[i].end)
            spans.append(Span(start, end, kind, "", why))
        return cut(doc, trim_overlaps(spans), step=self.name)


#: Share of line breaks inside sentences above which a text is hard-wrapped.
_WRAPPED_SHARE = 0.3
#: Words of a wrapped line at the least (a menu of lower-case one-word items is no wrapping).
_WRAPPED_WORDS = 5


def _hard_wrapped(found: Sequence[Paragraph]) -> bool:
    """Whether the text was wrapped at a fixed width, its sentences broken across lines (a
    line that does not end a sentence, then one that opens in lower case). There every line
    is a fragment, and a short one ("Bambang", the first word of a sentence) would read as
    furniture: line shapes say nothing, so the filter keeps everything."""
    breaks = sum(
        1
        for line, after in itertools.pairwise(found)
        if after.text.lstrip()[:1].islower()
        and not line.text.rstrip().endswith(PROSE_ENDS)
        and len(letter_words(line.text)) >= _WRAPPED_WORDS
    )
    return breaks >= _WRAPPED_SHARE * (len(found) - 1)


#: Furniture lines between two prose lines beyond which one stands alone (a header's teaser).
_LEAD_GAP = 3
#: Number-only lines (a table's cells: "63", "85%") that make a gap part of the article.
_TABLE_CELLS = 3


def _lead_index(
    found: Sequence[Paragraph], kinds: Sequence[tuple[str, str]], prose: Sequence[int]
) -> int:
    """The article's lead: the first prose line with another prose line close below it.

    A prose line standing alone among the header's menus is a teaser, a cookie notice or a
    site's motto, and the menus below it are still the header; the first prose line is the
    lead when none has a neighbour."""
    for here, after in itertools.pairwise(prose):
        if _close(found, kinds, here, after):
            return here
    return prose[0]


def _end_index(
    found: Sequence[Paragraph], kinds: Sequence[tuple[str, str]], prose: Sequence[int]
) -> int:
    """The article's last prose line: the last one with another prose line close above it (a
    legal note or a site's description alone among the footer's menus is not the story)."""
    for after, here in itertools.pairwise(reversed(prose)):
        if _close(found, kinds, here, after):
            return after
    return prose[-1]


def _close(
    found: Sequence[Paragraph], kinds: Sequence[tuple[str, str]], here: int, after: int
) -> bool:
    """Whether prose lines ``here`` and ``after`` are neighbours in one text: at most a few
    furniture-shaped lines (a heading, a caption's credit) between them, or a table."""
    between = range(here + 1, after)
    furniture = sum(kinds[i][0] in _FURNITURE_KINDS for i in between)
    return furniture <= _LEAD_GAP or _holds_table(found[here + 1 : after])


def _sentence_end(found: Sequence[Paragraph], last: int, stopwords: frozenset[str]) -> int:
    """The article's last line when its last sentence runs on below the last prose line,
    broken where a page had links ("... easily outpacing the" / "Dow Jones" / "and" / "S&P
    500" / "over the same span."): a line of sentence length that ends on a stopword of the
    document's language (an article, a preposition, a conjunction) is continued, and the
    lines down to the one that ends the sentence, a few at most, are the article's."""
    start = last + 1
    if not stopwords or start >= len(found):
        return last
    words = letter_words(found[start].text)
    if len(words) < PROSE_WORDS or words[-1].casefold() not in stopwords:
        return last
    if found[start].text.rstrip().endswith(PROSE_ENDS):
        return last
    for j in range(start + 1, min(len(found), start + 1 + _LEAD_GAP + 2)):
        if found[j].text.rstrip().endswith(PROSE_ENDS):
            return j
    return last


#: An item's number opening a line ("16) Camera", "3. Sleep well").
_ITEM = re.compile(r"^\s*(\d{1,3})[.)]\s+\S")
#: Lines an item of a numbered list may take before the next item's number (a link, a price).
_ITEM_LINES = 4


def _list_end(found: Sequence[Paragraph], last: int) -> int:
    """The article's last line: the last prose line, or the last item of a numbered list that
    runs on below it. Items numbered on from the article's own ("15)" after "14) ...") belong
    to it however short they are; a list that starts again at 1 is the page's."""
    number = None
    for i in range(last, -1, -1):
        if match := _ITEM.match(found[i].text):
            number = int(match.group(1))
            break
    if number is None:
        return last
    end = last
    for j in range(last + 1, len(found)):
        if j - end > _ITEM_LINES + 1:
            break
        match = _ITEM.match(found[j].text)
        if match and int(match.group(1)) == number + 1:
            number, end = number + 1, j
    return end


def _run_around(i: int, kinds: Sequence[tuple[str, str]]) -> tuple[int, int]:
    """The run of non-prose lines that holds line ``i``, as a slice's bounds."""
    start, stop = i, i + 1
    while start > 0 and kinds[start - 1][0] != "prose":
        start -= 1
    while stop < len(kinds) and kinds[stop][0] != "prose":
        stop += 1
    return start, stop


def _holds_table(lines: Sequence[Paragraph]) -> bool:
    """Whether the lines hold a table's cells: three or more lines of bare numbers."""
    cells = 0
    for line in lines:
        if not letter_words(line.text) and any(c.isdigit() for c in line.text):
            cells += 1
            if cells >= _TABLE_CELLS:
                return True
    return False


def _headline_index(
    found: Sequence[Paragraph], kinds: Sequence[tuple[str, str]], first: int
) -> int | None:
    """The headline: the nearest line above the lead with 4+ words that is not a stamp or menu
    (it may be separated from the lead by a byline or a date)."""
    for i in range(first - 1, max(-1, first - 5), -1):
        kind = kinds[i][0]
        if kind in ("stamp", "menu", "address"):
            continue
        if len(letter_words(found[i].text)) >= 4:
            return i
    return None


def _headline_like(text: str, kind: str) -> bool:
    """A headline's shape: every word capitalised, or a long line that does not end like a
    sentence and opens as one would (a line opening in lower case is a wrapped fragment)."""
    return kind == "title" or (kind == "other" and not text.lstrip()[:1].islower())


def _below_furniture(last: int, i: int, kinds: Sequence[tuple[str, str]]) -> bool:
    """Whether a line that is page furniture by shape stands between the last prose line and
    line ``i``: the story has ended and the page's own lines have begun."""
    return any(k in _FURNITURE_KINDS for k, _ in kinds[last + 1 : i])


def _between_prose(i: int, kinds: Sequence[tuple[str, str]]) -> bool:
    return any(k == "prose" for k, _ in kinds[:i]) and any(k == "prose" for k, _ in kinds[i + 1 :])
