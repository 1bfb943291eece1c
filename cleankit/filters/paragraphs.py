"""Repeated paragraphs inside one document, and documents left empty."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from cleankit.core.document import Document, Outcome, Span, cut, drop, trim_overlaps
from cleankit.core.text import (
    LONG_PROSE_WORDS,
    Paragraph,
    block_extent,
    reads_as_prose,
)
from cleankit.filters.headline import headline_of
from cleankit.filters.minhash import Hashes, UnionFind, jaccard, token_shingles_many

#: Paragraphs shorter than this are labels, headings, list items: repeated by design.
_STRUCTURE_WORDS = 8
#: A line of this many words said again right below itself is pasted, list item or not (a
#: listing's "• Title" over "Title"); a few more words may trail the copy ("Title 150 150").
_ADJACENT_WORDS = 4
_ADJACENT_EXTRA = 3
_LIST_ITEM = re.compile(
    r"^\s*(?:[-–—•·*▪●◦►»✓✔]|\d{1,3}[.)]|\(?[a-z]\))\s|^[^\W\d_][^\W\d]{1,29}(?: [^\W\d]+){0,3}:\s"
)
#: A run of this many prose paragraphs repeated in order is a second copy of the text.
_RUN_PARAGRAPHS = 3
_TERMINAL = (".", "!", "?", '"', "”", "’", ")", "»")


@dataclass(frozen=True)
class DropRepeatedParagraphs:
    """Remove paragraphs that are junk copies of another: a headline, lead, caption or teaser.

    Pages repeat some lines by design, and those stay: short lines (labels, list items, table
    headers), questions, lines inside a run of short lines, table rows, and headings (lines
    that do not end like a sentence) outside the page header. Of a set of exact or near copies
    the one inside the article body survives (the copy with the most prose neighbours; the
    first on a tie), so a teaser or subtitle goes and the body paragraph stays; of a headline
    (copies that do not read as prose) the first stays and the one pasted again goes. A shorter
    paragraph contained in a longer one goes only when it sits in the page header, at most
    three paragraphs before it (a caption or standfirst repeating the lead), or anywhere
    before the body paragraph that says it again word for word; a pull quote or a summary
    inside the body stays. A line of four or more words said again right below
    itself in another form (a list item's words as a plain line, or with up to three words
    trailing) is pasted; the lower copy goes. Three or more prose paragraphs said again in
    the same order are a second copy of the text (a page that prints its article twice): the
    later copies go, whatever their number. Every pair is compared
    with exact shingle sets: there are few paragraphs, and exact is cheaper than signatures.
    """

    threshold: float = 0.8
    shingle_size: int = 5
    min_words: int = 5
    name: str = "drop-repeated-paragraphs"

    def __call__(self, doc: Document) -> Outcome:
        """Group the copies, keep the body copy of each group, cut the rest."""
        found = doc.memo.paragraphs(doc.text)
        if len(found) < 2:
            return Outcome(doc=doc)
        headline = headline_of(doc, found)
        tokens = [doc.memo.words(p.text) for p in found]  # each line's words, found once
        keys = [" ".join(t) for t in tokens]
        counts = [len(t) for t in tokens]
        prose = [reads_as_prose(p.text, n, _TERMINAL) for p, n in zip(found, counts, strict=True)]
        first_prose = prose.index(True) if True in prose else len(found)
        fixed = [
            self._structure(i, found, counts, in_header=i < first_prose) for i in range(len(found))
        ]
        compared = [i for i in range(len(found)) if not fixed[i] and counts[i] >= self.min_words]
        sets: list[Hashes | None] = [None] * len(found)
        for i, hashes in zip(
            compared,
            token_shingles_many([tokens[i] for i in compared], self.shingle_size),
            strict=True,
        ):
            sets[i] = hashes
        shared = _shared(sets)
        reasons: dict[int, tuple[str, str]] = {}
        for group in self._copies(keys, sets, shared, fixed):
            a = min(group)
            if not any(prose[i] for i in group) or (a == 0 and counts[a] < LONG_PROSE_WORDS):
                # A headline (even one ending in "!"): the first copy is the title, a later
                # one the paste.
                keeper = a
            else:
                keeper = max(group, key=lambda i: (_prose_neighbours(i, prose), -i))
            if not _pasted(group, keeper, first_prose):
                continue
            for i in group:
                if i != keeper:
                    reasons[i] = self._copy_reason(i, keeper, keys, sets)
        for i in range(1, len(found)):
            if i in reasons or i - 1 in reasons or counts[i - 1] < _ADJACENT_WORDS:
                continue
            if found[i].text.strip() == found[i - 1].text.strip():
                continue  # the same line twice, in the same form, is a list or a refrain
            if not keys[i].startswith(keys[i - 1]):
                continue
            extra = keys[i][len(keys[i - 1]) :]
            if extra[:1] not in ("", " ") or len(extra.split()) > _ADJACENT_EXTRA:
                continue  # another word that merely starts alike, or a longer line
            why = f"the words of paragraph {i - 1}, right above it, pasted again"
            reasons[i] = ("adjacent-copy", why + (f" with {extra.strip()!r}" if extra else ""))
        for i, why in _header_lines_again(keys, counts, fixed, first_prose, self.min_words).items():
            reasons.setdefault(i, ("header-line-again", why))
        for i, mine in enumerate(sets):
            if i in reasons or mine is None or not shared[i] or (i == 0 and headline):
                continue
            if i > first_prose:
                break  # inside the body a contained copy is a pull quote or a summary: it stays
            for j in range(i + 1, len(sets)):
                other = sets[j]
                if other is None or other.size <= mine.size or j in reasons:
                    continue
                if j >= i + 4:
                    # Further down only a verbatim copy counts: a standfirst that the body
                    # opens with again, word for word; nothing of it is lost.
                    if f" {keys[i]} " in f" {keys[j]} ":
                        reasons[i] = ("contained", f"said again word for word in paragraph {j}")
                        break
                    continue
                common = np.intersect1d(mine, other, assume_unique=True).size
                if common / mine.size >= self.threshold:
                    why = f"contained in paragraph {j} (containment {common / mine.size:.2f})"
                    reasons[i] = ("contained", why)
                    break
        for i, why in _repeated_runs(keys, prose, counts).items():
            reasons.setdefault(i, ("repeated-block", why))
        spans = []
        for i, (rule, why) in sorted(reasons.items()):
            start, end = block_extent(doc.text, found[i].start, found[i].end)
            spans.append(Span(start, end, rule, "", why))
        return cut(doc, trim_overlaps(spans), step=self.name)

    @staticmethod
    def _structure(
        i: int, found: Sequence[Paragraph], counts: Sequence[int], *, in_header: bool
    ) -> bool:
        text = found[i].text.strip()
        if counts[i] < _STRUCTURE_WORDS or text.endswith("?") or _LIST_ITEM.match(text):
            return True
        if "|" in text or "\t" in text:
            return True
        short_before = i > 0 and counts[i - 1] < _STRUCTURE_WORDS
        short_after = i + 1 < len(found) and counts[i + 1] < _STRUCTURE_WORDS
        if short_before and short_after:
            return True
        return not text.endswith(_TERMINAL) and not in_header and counts[i] < LONG_PROSE_WORDS

    def _copies(
        self,
        keys: Sequence[str],
        sets: Sequence[Hashes | None],
        shared: Sequence[bool],
        fixed: Sequence[bool],
    ) -> list[list[int]]:
        """Groups of paragraphs that are exact or near copies of each other (structure excluded)."""
        groups = UnionFind(len(keys))
        first_of: dict[str, int] = {}
        for i, key in enumerate(keys):
            if not key or fixed[i]:
                continue
            if key in first_of:
                groups.union(first_of[key], i)
            else:
                first_of[key] = i
        for i, mine in enumerate(sets):
            if mine is None or not shared[i]:
                continue
            for j in range(i):
                other = sets[j]
                if other is not None and jaccard(mine, other) >= self.threshold:
                    groups.union(j, i)
        members: dict[int, list[int]] = {}
        for i in range(len(keys)):
            members.setdefault(groups.find(i), []).append(i)
        return [g for g in members.values() if len(g) > 1]

    @staticmethod
    def _copy_reason(
        i: int, keeper: int, keys: Sequence[str], sets: Sequence[Hashes | None]
    ) -> tuple[str, str]:
        if keys[i] == keys[keeper]:
            return "exact-repeat", f"repeats paragraph {keeper} (jaccard 1.00)"
        mine, other = sets[i], sets[keeper]
        similarity = jaccard(mine, other) if mine is not None and other is not None else 0.0
        return (
            "near-repeat",
            f"near-duplicate of paragraph {keeper} (jaccard {similarity:.2f})",
        )


def _pasted(group: Sequence[int], keeper: int, first_prose: int) -> bool:
    """Whether copies look pasted (junk) rather than repeated by design.

    A headline, lead or teaser is pasted near the top: both copies in the page header, side
    by side, or a header copy of a line whose keeper sits further down in the body. A line
    repeated three times or more, or a header line repeated far below it where the later copy
    is not the body's, is the page's own structure (a meal plan's recurring rows, a refrain, a
    question put to each interviewee, a call to action that opens and closes a review).
    """
    header = first_prose + 1
    if len(group) > 2:
        return all(i <= header + 1 for i in group)
    a, b = sorted(group)
    return b <= header + 1 or b - a <= 2 or (a <= header and keeper == b)


def _repeated_runs(
    keys: Sequence[str], prose: Sequence[bool], counts: Sequence[int]
) -> dict[int, str]:
    """Later copies of a run of prose paragraphs said again in the same order.

    A page that serialises its article twice (a feed or metadata block below the body, an
    AMP copy) repeats whole runs of paragraphs. One repeated paragraph may be a refrain, but
    no article says three of its sentences-long paragraphs again in the same order: the
    earliest copy of each stays, and the later runs go. Short lines between the paragraphs
    (list markers, rules, labels) do not break a run.
    """
    first_of: dict[str, int] = {}
    order: list[tuple[int, int | None]] = []  # (paragraph, its first copy's place in order)
    for i, key in enumerate(keys):
        if not prose[i] or counts[i] < _STRUCTURE_WORDS:
            continue
        earlier = first_of.get(key)
        if earlier is None:
            first_of[key] = len(order)
        order.append((i, earlier))
    found: dict[int, str] = {}
    run: list[tuple[int, int]] = []
    for i, earlier in [*order, (-1, None)]:
        if earlier is not None and run and earlier == run[-1][1] + 1:
            run.append((i, earlier))
            continue
        if len(run) >= _RUN_PARAGRAPHS:
            for member, _ in run:
                found[member] = (
                    f"one of {len(run)} prose paragraphs said again in the same order "
                    f"(the run that starts at paragraph {order[run[0][1]][0]})"
                )
        run = [(i, earlier)] if earlier is not None else []
    return found


def _header_lines_again(
    keys: Sequence[str],
    counts: Sequence[int],
    fixed: Sequence[bool],
    first_prose: int,
    min_words: int,
) -> dict[int, str]:
    """Headings inside the body that say the headline again: the line right above the lead,
    pasted once more above a later paragraph, with or without a kicker ("IN-DEPTH: ...").

    Headings stand outside the comparison of copies (a page repeats its own section heads by
    design), but no article heads one of its sections with its own headline. A few words
    more or fewer (the kicker) still make the same line; the keys already count typographic
    and typewriter apostrophes as one. Other header lines are left out: a series label over
    a post may head its sections again, and fewer than ``min_words`` words may be a label
    that happens to match ("Live updates").
    """
    if not 0 < first_prose < len(keys) or not keys[first_prose - 1]:
        return {}
    headline = keys[first_prose - 1]
    found_again: dict[int, str] = {}
    for i in range(first_prose + 1, len(keys)):
        if not fixed[i] or counts[i] < min_words:
            continue
        shorter, longer = sorted((keys[i], headline), key=len)
        extra = len(longer.split()) - len(shorter.split())
        if extra <= _ADJACENT_EXTRA and f" {shorter} " in f" {longer} ":
            found_again[i] = (
                f"the headline (paragraph {first_prose - 1}, right above the lead) said again "
                "as a heading in the body"
            )
    return found_again


def _prose_neighbours(i: int, prose: Sequence[bool]) -> int:
    return int(i > 0 and prose[i - 1]) + int(i + 1 < len(prose) and prose[i + 1])


def _shared(sets: Sequence[Hashes | None]) -> list[bool]:
    """For each shingle set, whether any of its shingles occurs in another set: one np.unique
    over all of them instead of a comparison per pair, since most paragraphs share nothing."""
    present = [s for s in sets if s is not None and s.size]
    if len(present) < 2:
        return [False] * len(sets)
    every = np.concatenate(present)
    values, counts = np.unique(every, return_counts=True)
    repeated = values[counts > 1]
    hit = np.isin(every, repeated)
    ends = np.cumsum([s.size for s in present])
    # Whether each present set holds a repeated hash: one isin over all, then per set.
    any_hit = np.logical_or.reduceat(hit, np.concatenate(([0], ends[:-1])))
    flags = iter(any_hit.tolist())
    return [bool(next(flags)) if s is not None and s.size else False for s in sets]


@dataclass(frozen=True)
class DropEmpty:
    """Drop documents that cleaning left empty, so that no empty record reaches the output."""

    name: str = "drop-empty"

    def __call__(self, doc: Document) -> Outcome:
        """Keep documents with any non-space character."""
        if doc.text.strip():
            return Outcome(doc=doc)
        return drop(doc, step=self.name, rule="empty", why="no text left after cleaning")
