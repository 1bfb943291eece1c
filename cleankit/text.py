"""Small text helpers shared by filters: paragraphs, removal extents, word normalisation.

A paragraph is a non-empty line. Scraped news comes both with blank lines between paragraphs
and without; treating each line as a paragraph works for both and never merges two paragraphs.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from cleankit.document import Span

__all__ = ["Paragraph", "block_extent", "normalize_key", "paragraphs", "trim_overlaps", "words"]

_LINE = re.compile(r"[^\n]+")
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")
_DIGIT = re.compile(r"\d")
_SPACE = re.compile(r"\s+")


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

    The following line breaks go with the block; a block at the end of the text takes the
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
        return line_start, after
    before = line_start
    while before > 0 and text[before - 1] in "\n \t\r":
        before -= 1
    return before, len(text)


def trim_overlaps(spans: list[Span]) -> list[Span]:
    """Adjacent removed lines can share a separator; keep each character in one span."""
    trimmed: list[Span] = []
    for span in sorted(spans):
        if trimmed and span.start < trimmed[-1].end:
            span = span._replace(start=trimmed[-1].end)
            if span.start >= span.end:
                continue
        trimmed.append(span)
    return trimmed


def words(text: str) -> list[str]:
    """Casefolded word tokens, punctuation dropped: the unit of shingles and comparisons."""
    return _WORD.findall(text.casefold())


def normalize_key(text: str, *, mask_digits: bool = False) -> str:
    """A comparison key: casefolded words joined by spaces, digits optionally masked to 0."""
    key = " ".join(words(text))
    return _DIGIT.sub("0", key) if mask_digits else key


def collapse_spaces(text: str) -> str:
    """Runs of whitespace to one space, ends stripped."""
    return _SPACE.sub(" ", text).strip()
