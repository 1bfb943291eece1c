"""Where the article starts and ends among a page's lines, and which lines hold a table.

The lead is the first prose line with another prose line close below it, the end the last
with another close above it ("close": at most a few furniture-shaped lines between, or a
table): a lone prose line among the header's or the footer's menus is a motto, a teaser or a
legal note, not the story's start or end. The end then takes in what belongs to the story
below its last prose line: a last sentence that links broke into lines, and the items of a
numbered list that runs on. Hard-wrapped text, whose lines are all fragments, is recognised
so that the furniture filter can leave it alone.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

import regex as re

from cleankit.core.text import PROSE_ENDS, PROSE_WORDS, Paragraph, letter_words
from cleankit.filters.line_kinds import DATED_START, FURNITURE_KINDS, LABELLED_COUNT

__all__ = ["article_bounds", "hard_wrapped", "holds_table", "run_around"]

#: A line's kind and the evidence for it (:func:`~cleankit.filters.line_kinds.line_kind`).
Kind = tuple[str, str]


def article_bounds(
    found: Sequence[Paragraph], kinds: Sequence[Kind], stopwords: frozenset[str]
) -> tuple[int, int]:
    """The article's first and last lines (indexes into ``found``); ``kinds`` must hold at
    least one prose line."""
    prose = [i for i, (kind, _) in enumerate(kinds) if kind == "prose"]
    first = _lead_index(found, kinds, prose)
    last = _list_end(found, _sentence_end(found, _end_index(found, kinds, prose), stopwords))
    return first, _shaped_end(found, _dated_end(found, last))


#: Share of line breaks inside sentences above which a text is hard-wrapped.
_WRAPPED_SHARE = 0.3
#: Words of a wrapped line at the least (a menu of lower-case one-word items is no wrapping).
_WRAPPED_WORDS = 5


def hard_wrapped(found: Sequence[Paragraph]) -> bool:
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
#: Counts under their labels ("Tewas: 12") that make a data list of a gap, not counters.
_LABELLED_COUNTS = 2


def _lead_index(found: Sequence[Paragraph], kinds: Sequence[Kind], prose: Sequence[int]) -> int:
    """The article's lead: the first prose line with another prose line close below it.

    A prose line standing alone among the header's menus is a teaser, a cookie notice or a
    site's motto, and the menus below it are still the header; the first prose line is the
    lead when none has a neighbour."""
    for here, after in itertools.pairwise(prose):
        if _close(found, kinds, here, after):
            return here
    return prose[0]


def _end_index(found: Sequence[Paragraph], kinds: Sequence[Kind], prose: Sequence[int]) -> int:
    """The article's last prose line: the last one with another prose line close above it (a
    legal note or a site's description alone among the footer's menus is not the story)."""
    for after, here in itertools.pairwise(reversed(prose)):
        if _close(found, kinds, here, after):
            return after
    return prose[-1]


def _close(found: Sequence[Paragraph], kinds: Sequence[Kind], here: int, after: int) -> bool:
    """Whether prose lines ``here`` and ``after`` are neighbours in one text: at most a few
    furniture-shaped lines (a heading, a caption's credit) between them, or a table."""
    between = range(here + 1, after)
    furniture = sum(kinds[i][0] in FURNITURE_KINDS for i in between)
    return furniture <= _LEAD_GAP or _holds_list(found[here + 1 : after])


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


#: Entries that make a run of dated lines a schedule the article carries.
_DATED_ENTRIES = 3
#: Entries of one shape that make a run of lines a list the article carries.
_SHAPED_ENTRIES = 4


def _dated_end(found: Sequence[Paragraph], last: int) -> int:
    """The article's last line when a schedule follows it: three or more lines in a row that
    open with a date ("June 9 -- Coral Sky Amphitheatre, ...", a tour's or a festival's
    dates), starting at most two lines below the last line (a "Tour dates:" line between)."""
    return _run_below(found, last, _DATED_ENTRIES, lambda text: bool(DATED_START.match(text)))


def _shaped_end(found: Sequence[Paragraph], last: int) -> int:
    """The article's last line when a list of entries of one shape follows it: four or more
    lines in a row with the same punctuation between their words ("Austria (Group G): Third
    appearance", "Belgium (Group I): Sixth appearance"), starting at most two lines below the
    last line. Menus of bare words have no punctuation to share and stay furniture."""
    return _run_below(found, last, _SHAPED_ENTRIES, _punctuation)


def _run_below(
    found: Sequence[Paragraph], last: int, entries: int, shape: Callable[[str], object]
) -> int:
    """The last line of a run of ``entries`` or more lines of one ``shape`` (none when it is
    falsy) that starts at most two lines below ``last``; ``last`` when there is none."""
    for start in range(last + 1, min(len(found), last + 3)):
        first = shape(found[start].text)
        if not first:
            continue
        end = start + 1
        while end < len(found) and shape(found[end].text) == first:
            end += 1
        if end - start >= entries:
            return end - 1
    return last


def _punctuation(text: str) -> str:
    return "".join(c for c in text.strip() if not (c.isalnum() or c.isspace()))


def run_around(i: int, kinds: Sequence[Kind]) -> tuple[int, int]:
    """The run of non-prose lines that holds line ``i``, as a slice's bounds."""
    start, stop = i, i + 1
    while start > 0 and kinds[start - 1][0] != "prose":
        start -= 1
    while stop < len(kinds) and kinds[stop][0] != "prose":
        stop += 1
    return start, stop


def holds_table(lines: Sequence[Paragraph]) -> bool:
    """Whether the lines hold a table's cells or a list of quantities: three or more lines of
    bare numbers, or of lines that open with one ("1 tsp cinnamon", "2 cups flour"), or two or
    more counts under their labels ("Tewas: 12", "Luka-luka: 30"); one such line alone is a
    page's counter ("Views: 873333")."""
    return (
        _at_least(_TABLE_CELLS, lines, _is_cell)
        or _at_least(_TABLE_CELLS, lines, lambda text: text.lstrip()[:1].isdigit())
        or _at_least(_LABELLED_COUNTS, lines, lambda text: bool(LABELLED_COUNT.match(text)))
    )


def _holds_list(lines: Sequence[Paragraph]) -> bool:
    """Whether the lines hold a list or a table the article carries: three or more items
    with a bullet or an item's number, or cells of bare numbers ("63", "85%"). (Short lines
    with a figure, "Cabai merah Rp 80.000", would count a price list too, but menus of dates
    and times count with them: precision fell on whole pages with no recall gained.)"""
    return _at_least(_TABLE_CELLS, lines, lambda text: bool(_MARKER.match(text)) or _is_cell(text))


#: A list item's marker: a bullet, or an item's number ("1.", "2)").
_MARKER = re.compile(r"^\s*(?:[•·▪►✓*–-]\s|\d{1,3}[.)]\s)")


def _is_cell(text: str) -> bool:
    return not letter_words(text) and any(c.isdigit() for c in text)


def _at_least(count: int, lines: Sequence[Paragraph], test: Callable[[str], bool]) -> bool:
    found = 0
    for line in lines:
        if test(line.text):
            found += 1
            if found >= count:
                return True
    return False
