"""Page furniture found by the shape of lines, not by their spelling.

Scraped pages wrap the article in lines that are not prose: menus, section labels, "latest"
lists, share and comment widgets, time stamps and view counters, tag lists. Each line gets a
kind from its shape (:mod:`cleankit.filters.line_kinds`) and the article its bounds
(:mod:`cleankit.filters.article_bounds`). Position decides how sure we are: above the lead
(the page header) and below the article's end (the footer) short non-prose lines are
furniture; between prose lines only lines whose shape alone says "metadata" go, since a short
line inside the article is a heading or a list item, and a table's numbers are no counters.
The last line before the lead is kept when it could be the headline. A reader comment thread
below the story (:mod:`cleankit.filters.comment_threads`) goes whole, its prose included, and
the article ends above it. Hard-wrapped text, whose
lines are fragments of sentences, is left alone. Text that trafilatura extracted from HTML is
left alone: it already dropped the furniture with the DOM.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cleankit.core.document import Document, Outcome, Span, cut, trim_overlaps
from cleankit.core.text import Paragraph, block_extent, letter_words
from cleankit.filters.article_bounds import (
    Kind,
    article_bounds,
    hard_wrapped,
    holds_table,
    run_around,
)
from cleankit.filters.comment_threads import comment_thread
from cleankit.filters.line_kinds import FURNITURE_KINDS, line_kind, stopwords_for

__all__ = ["DropPageFurniture", "line_kind"]


@dataclass(frozen=True)
class DropPageFurniture:
    """Remove lines that are page furniture: above the lead, below the article's end, and
    metadata stamps and lines without a letter or digit anywhere. Every removal names its
    evidence in the edit's ``why``."""

    name: str = "drop-page-furniture"

    def __call__(self, doc: Document) -> Outcome:
        """Classify each line, find the article's bounds, cut what is furniture by position and shape."""
        if doc.meta.get("extractor") == "trafilatura":
            # trafilatura already separated the article from the page with the DOM in hand:
            # far better evidence than line shapes, which here would only cut article lists.
            return Outcome(doc=doc)
        found = doc.memo.paragraphs(doc.text)
        if len(found) < 2 or hard_wrapped(found):
            return Outcome(doc=doc)
        stopwords = stopwords_for(doc.language)
        kinds = [line_kind(p.text, stopwords) for p in found]
        if not any(kind == "prose" for kind, _ in kinds):
            return Outcome(doc=doc)
        first, last = article_bounds(found, kinds, stopwords)
        headline = _headline_index(found, kinds, first)
        cut_lines: dict[int, str] = {}
        thread = comment_thread(found, kinds, first)
        if thread is not None:
            start, stop, evidence = thread
            for i in range(start, stop):
                cut_lines[i] = f"a reader comment below the article: {evidence}"
            # The article ends above the comments: what follows them is the page's footer.
            last = max(i for i in range(first, start) if kinds[i][0] == "prose")
        headline_lists = _headline_lists(found, kinds, last)
        for i, (kind, evidence) in enumerate(kinds):
            if kind == "prose" or i == headline or i in cut_lines:
                continue
            where = "before the lead" if i < first else "after the article" if i > last else ""
            title = doc.meta.get("title")
            if title and found[i].text.strip() == str(title).strip():
                continue  # the document's own title is its headline, not furniture
            if kind == "short" and i < first and len(letter_words(found[i].text)) > 4:
                continue  # above the lead a line of 5+ words may be the headline or a standfirst
            if where and kind in FURNITURE_KINDS:
                why = f"page furniture {where}: {evidence}"
            elif (
                _headline_like(found[i].text, kind)
                and i > last
                and _below_furniture(found, last, i, kinds)
            ):
                # Below the story's end and below furniture, a line that reads like a headline
                # heads nothing: a listing's or a ticker's headlines.
                why = f"page furniture after the article, below other furniture: {evidence}"
            elif i in headline_lists:
                why = f"one of a list of headlines after the article: {evidence}"
            elif kind == "symbols":
                why = f"a line without words: {evidence}"
            elif (
                kind == "stamp"
                and len(letter_words(found[i].text)) <= 4
                and _between_prose(i, kinds)
                and not holds_table(found[slice(*run_around(i, kinds))])
            ):
                why = f"metadata line inside the article: {evidence}"
            else:
                continue
            cut_lines[i] = why
        for label in [i - 1 for i in cut_lines if kinds[i][0] == "stamp" and i > 0]:
            if label not in cut_lines and label != headline and _labels_stamp(found, label, kinds):
                cut_lines[label] = "the label of the date or count right below it"
        spans: list[Span] = []
        for i, why in sorted(cut_lines.items()):
            start, end = block_extent(doc.text, found[i].start, found[i].end)
            spans.append(Span(start, end, kinds[i][0], "", why))
        return cut(doc, trim_overlaps(spans), step=self.name)


def _labels_stamp(found: Sequence[Paragraph], i: int, kinds: Sequence[Kind]) -> bool:
    """Whether line ``i`` is a label over the stamp on the next line ("READOUT" over "DECEMBER
    14, 2022", "Diperbarui:" over a date): one or two words, no digit, in capitals or ending
    in a colon, with no blank line between. A label left over a removed date labels nothing;
    a heading in sentence case ("Background") stays, whatever stands under it."""
    text = found[i].text.strip()
    words = letter_words(text)
    if kinds[i][0] != "short" or not 1 <= len(words) <= 2 or any(c.isdigit() for c in text):
        return False
    if found[i].end + 1 != found[i + 1].start:
        return False  # a blank line between: the label is not the stamp's
    return text.endswith(":") or (text.isupper() and len(text) >= 3)


def _headline_index(found: Sequence[Paragraph], kinds: Sequence[Kind], first: int) -> int | None:
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


def _below_furniture(found: Sequence[Paragraph], last: int, i: int, kinds: Sequence[Kind]) -> bool:
    """Whether a line that is page furniture by shape stands between the last prose line and
    line ``i``: the story has ended and the page's own lines have begun. A line ending in a
    colon right under the story ("Dare to Play 3:", "What it offers:") announces what
    follows: the story's own list, not the page's (further down, "Follow us:" is a footer's)."""
    between = range(last + 1, i)
    if any(found[j].text.rstrip().endswith(":") for j in between[:2]):
        return False
    return any(kinds[j][0] in FURNITURE_KINDS for j in between)


#: Headlines in a row that make a list of them (the page's "latest" or "related" block).
_LISTED_HEADLINES = 3
#: Share of a line's words that are capitalised from which it is written in title case.
_TITLE_CASE_SHARE = 0.75
#: Words of a listed headline at the least.
_HEADLINE_WORDS = 4


def _headline_lists(found: Sequence[Paragraph], kinds: Sequence[Kind], last: int) -> set[int]:
    """The lines below the story's end (line ``last``) that are one of a list of headlines:
    three lines or more in a row are headlines in title case and none reads as prose (the
    first run may begin above the end). Short ones would go as furniture by their shape, and
    lines below furniture as headlines; the list's first line has no furniture above it. A
    story's last line that lost its full stop is written in sentence case, so it stays. Each
    line is judged once, walking run by run."""

    def listed(j: int) -> bool:
        return kinds[j][0] != "prose" and _title_cased(found[j].text)

    lines: set[int] = set()
    i = last + 1
    while i < len(found):
        if not listed(i):
            i += 1
            continue
        start = stop = i
        while start > 0 and listed(start - 1):
            start -= 1
        while stop + 1 < len(found) and listed(stop + 1):
            stop += 1
        if stop - start + 1 >= _LISTED_HEADLINES:
            lines.update(range(i, stop + 1))
        i = stop + 1
    return lines


def _title_cased(text: str) -> bool:
    """A headline in title case: four words or more, three in four capitalised (a sentence
    naming "Seksyen 147 Kanun Keseksaan" has fewer), no full stop, comma or colon at its end
    and no label's colon inside ("Facebook : Malaysia Gazette")."""
    words = letter_words(text)
    capitalised = sum(w[0].isupper() for w in words)
    body = text.strip()
    return (
        len(words) >= _HEADLINE_WORDS
        and capitalised >= _TITLE_CASE_SHARE * len(words)
        and not body.endswith((".", ",", ":", ";"))
        and ":" not in body
    )


def _between_prose(i: int, kinds: Sequence[Kind]) -> bool:
    return any(k == "prose" for k, _ in kinds[:i]) and any(k == "prose" for k, _ in kinds[i + 1 :])
