"""Small text helpers shared by filters: paragraphs, removal extents, word normalisation.

A paragraph is a non-empty line. Scraped news comes both with blank lines between paragraphs
and without; treating each line as a paragraph works for both and never merges two paragraphs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

__all__ = [
    "LONG_PROSE_WORDS",
    "PROSE_ENDS",
    "PROSE_WORDS",
    "Paragraph",
    "block_extent",
    "in_order",
    "letter_words",
    "paragraphs",
    "reads_as_prose",
    "words",
    "zero_digits",
]

_LINE = re.compile(r"[^\n]+")
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")
#: Scripts written without spaces between words: Han, Hiragana, Katakana, Thai, Lao, Khmer,
#: Myanmar. A run of them is a whole sentence to ``\w+``, so a one-character edit would make a
#: copy share no token with its original; each of their characters is a token instead, and
#: shingles of them are character n-grams (Korean is written with spaces and stays in words).
_UNSPACED = (
    "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u31f0-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
)
_HAS_UNSPACED = re.compile(f"[{_UNSPACED}]")
_MIXED_WORD = re.compile(
    f"[{_UNSPACED}]|(?:(?![{_UNSPACED}])\\w)+(?:[-'’](?:(?![{_UNSPACED}])\\w)+)*"
)
_DIGIT = re.compile(r"\d")
_SPACE = re.compile(r"\s+")
_LETTER_WORD = re.compile(r"[^\W\d_][\w'’-]*")

#: How a sentence ends: a full stop, a question or exclamation mark, a closing quote or bracket.
PROSE_ENDS = (".", "!", "?", '"', "”", "’", ")", "»", "…")

#: A line of reporting has at least this many words and ends like a sentence ...
PROSE_WORDS = 8
#: ... or has this many, whatever its end (a long sentence cut by the excerpt is still prose).
LONG_PROSE_WORDS = 20


class Paragraph(NamedTuple):
    """A non-empty line: its position in the document and its text."""

    number: int
    start: int
    end: int
    text: str


def paragraphs(text: str) -> list[Paragraph]:
    """Non-blank lines with their offsets; blank and whitespace-only lines are separators."""
    found: list[Paragraph] = []
    for match in _LINE.finditer(text):
        if match.group().strip():
            found.append(Paragraph(len(found), match.start(), match.end(), match.group()))
    return found


def block_extent(text: str, start: int, end: int) -> tuple[int, int]:
    """Extend ``[start, end)`` to whole lines plus one side's separator.

    The following line breaks (and blank lines) go with the block, not the indentation of the
    line after them, which is that line's own; a block at the end of the text takes the
    preceding ones instead, so removing it leaves neither a gap nor a dangling newline.
    """
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", max(end - 1, start))
    if line_end == -1:
        line_end = len(text)
    after = line_end
    while after < len(text) and text[after] in "\n \t\r":
        after += 1
    if after < len(text):
        return line_start, text.rfind("\n", line_end, after) + 1
    before = line_start
    while before > 0 and text[before - 1] in "\n \t\r":
        before -= 1
    return before, len(text)


def letter_words(text: str) -> list[str]:
    """Words as written, each opening with a letter: numbers, dates and counters are not words
    when the question is whether a line reads as a sentence."""
    return _LETTER_WORD.findall(text)


def reads_as_prose(body: str, count: int, ends: tuple[str, ...]) -> bool:
    """Whether a line of ``count`` words reads as reporting: long enough, and ending with one of
    ``ends`` (each caller's sentence ends) or long anyway. Datelines, leads, the furniture
    filter's prose lines and the repeat filter's body paragraphs all use this one test."""
    return count >= PROSE_WORDS and (body.rstrip().endswith(ends) or count >= LONG_PROSE_WORDS)


def words(text: str) -> list[str]:
    """Casefolded word tokens, punctuation dropped: the unit of shingles and comparisons.

    Typographic apostrophes count as plain ones (a copy that differs only in "don’t" against
    "don't" is the same text); each character of a script written without spaces is a token.
    """
    folded = text.casefold()
    if "’" in folded:
        folded = folded.replace("’", "'")
    if not folded.isascii() and _HAS_UNSPACED.search(folded):
        return _MIXED_WORD.findall(folded)
    return _WORD.findall(folded)


def zero_digits(text: str) -> str:
    """Every digit as 0: counts and years that differ between copies of one line match."""
    return _DIGIT.sub("0", text)


def in_order(items: Iterable[object], within: Iterable[object]) -> bool:
    """Whether every one of ``items`` stands in ``within`` in the same order, others between
    allowed: the letters of initials in a name, the words of a line in a longer line."""
    rest = iter(within)
    return all(item in rest for item in items)


def collapse_spaces(text: str) -> str:
    """Runs of whitespace to one space, ends stripped."""
    return _SPACE.sub(" ", text).strip()
