"""What the filters learn of a document's lines, kept with the document.

Several steps split the same text into lines and words: the repeat filter compares a
document's paragraphs, document dedup shingles its words, site boilerplate digests each
paragraph once to count it and once more to cut it. A :class:`TextMemo` travels with a
document (and with every version of it a filter makes), so each line is tokenised once
however many steps ask. Everything in it is a pure function of a line's (or the text's)
characters, so a version that changed some lines still finds the others; nothing a filter
decides is kept here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import xxhash

from cleankit.core.text import paragraphs, words, zero_digits

if TYPE_CHECKING:
    from cleankit.core.text import Paragraph

__all__ = ["TextMemo", "masked_digest"]


def masked_digest(tokens: list[str]) -> int | None:
    """Digest of a line's words with digits masked ("© 2023" and "© 2024" share it); None for a
    line without a word (a rule of dashes, an emoji)."""
    key = zero_digits(" ".join(tokens))
    return xxhash.xxh64_intdigest(key.encode("utf-8")) if key else None


class TextMemo:
    """Each line's :func:`~cleankit.core.text.words`, and the paragraphs and the paragraphs'
    masked digests of the last text asked about, computed on first use.

    A pickled memo (a record in the spool between two passes) carries the last text's lines'
    words, each line's joined by spaces, and the digests, each with the text they belong to
    (pickled once with the document that holds the same string): the next pass reads them
    instead of tokenising again. Splitting a joined line costs a fifth of tokenising it.
    """

    __slots__ = ("_carried", "_digests", "_last", "_words")

    def __init__(self) -> None:
        self._words: dict[str, list[str]] = {}
        self._last: tuple[str, list[Paragraph]] | None = None
        self._digests: tuple[str, list[int | None]] | None = None
        #: The words of a text's lines as pickled, not yet split: (text, one string a line).
        self._carried: tuple[str, list[str]] | None = None

    def paragraphs(self, text: str) -> list[Paragraph]:
        """:func:`~cleankit.core.text.paragraphs` of ``text``; the caller must not change the
        list (the next step that reads the same text gets it again)."""
        last = self._last
        if last is not None and last[0] == text:
            return last[1]
        found = paragraphs(text)
        self._last = (text, found)
        return found

    def words(self, line: str) -> list[str]:
        """:func:`~cleankit.core.text.words` of one line; the caller must not change the list."""
        found = self._words.get(line)
        if found is None and self._carried is not None:
            self._unpack()
            found = self._words.get(line)
        if found is None:
            found = self._words[line] = words(line)
        return found

    def _unpack(self) -> None:
        """The carried lines' words split again (no word holds a space)."""
        assert self._carried is not None
        text, joined = self._carried
        self._carried = None
        for paragraph, line_words in zip(self.paragraphs(text), joined, strict=True):
            self._words.setdefault(paragraph.text, line_words.split())

    def _to_carry(self) -> tuple[str, list[str]] | None:
        """The last text's lines' words, each line's joined, when every line's are known."""
        if self._carried is not None:
            return self._carried
        if self._last is None:
            return None
        text, found = self._last
        joined: list[str] = []
        for paragraph in found:
            line_words = self._words.get(paragraph.text)
            if line_words is None:
                return None
            joined.append(" ".join(line_words))
        return text, joined

    def text_words(self, text: str) -> list[str]:
        """:func:`~cleankit.core.text.words` of a whole text, from its lines' (no word spans a
        line break, and a blank line has none)."""
        tokens: list[str] = []
        for paragraph in self.paragraphs(text):
            tokens += self.words(paragraph.text)
        return tokens

    def digests(self, text: str) -> list[int | None]:
        """:func:`masked_digest` of each of :meth:`paragraphs`, in their order."""
        known = self._digests
        if known is not None and known[0] == text:
            return known[1]
        found = [masked_digest(self.words(p.text)) for p in self.paragraphs(text)]
        self._digests = (text, found)
        return found

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        return _unpickled, (self._to_carry(), self._digests)

    def __eq__(self, other: object) -> bool:
        # A cache: any two memos are interchangeable (documents compare without theirs).
        return isinstance(other, TextMemo)

    def __hash__(self) -> int:
        return 0

    def __repr__(self) -> str:
        return f"TextMemo({len(self._words)} lines)"


def _unpickled(
    carried: tuple[str, list[str]] | None, digests: tuple[str, list[int | None]] | None
) -> TextMemo:
    """A memo unpickled: the words and digests it was pickled with, to be split on first use."""
    memo = TextMemo()
    memo._carried = carried
    memo._digests = digests
    return memo
