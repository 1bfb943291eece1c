"""Shared scoring helpers: which original characters survived a chain, and the AEB metric.

Edits record offsets in the text each step received, so the characters of the original that
survive are found by replaying the edits step by step over an array of origins.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from itertools import groupby

from cleankit.core.document import Edit

_TOKEN = re.compile(r"\w+", re.UNICODE)


def surviving(length: int, edits: Sequence[Edit]) -> list[bool]:
    """For each character of an original of ``length`` characters: is it still in the output?

    A replacement that inserts visible text (a mojibake repair) keeps the characters it
    replaced; a pure removal, or a replacement by whitespace, loses them.
    """
    origin: list[int] = list(range(length))
    for _, group in groupby(edits, key=lambda e: e.step):
        pieces: list[int] = []
        position = 0
        for edit in group:
            pieces.extend(origin[position : edit.start])
            replaced = origin[edit.start : edit.end]
            if edit.inserted.strip() and replaced:
                pieces.extend(
                    replaced[min(i, len(replaced) - 1)] for i in range(len(edit.inserted))
                )
            else:
                pieces.extend([-1] * len(edit.inserted))
            position = edit.end
        pieces.extend(origin[position:])
        origin = pieces
    kept = [False] * length
    for index in origin:
        if index >= 0:
            kept[index] = True
    return kept


def shingles(text: str, size: int = 4) -> Counter[tuple[str, ...]]:
    """Multiset of word ``size``-grams after collapsing whitespace (the AEB authors' metric)."""
    tokens = _TOKEN.findall(" ".join(text.split()))
    if len(tokens) < size:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1))


def precision_recall(predicted: str, gold: str) -> tuple[float, float]:
    """Shingle precision and recall of one page; empty sides score by the same counts."""
    pred, ref = shingles(predicted), shingles(gold)
    tp = sum((pred & ref).values())
    fp = sum((pred - ref).values())
    fn = sum((ref - pred).values())
    precision = tp / (tp + fp) if tp + fp else (1.0 if not fn else 0.0)
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall


def f1(precision: float, recall: float) -> float:
    """Harmonic mean, 0 when both are 0."""
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def gold_removals(edits: Iterable[Edit], gold: str) -> list[tuple[str, str]]:
    """(step, rule) of each edit whose removed text, whitespace collapsed, is 20+ characters
    found in the gold body: the article text a page lost to that rule."""
    gold_flat = " ".join(gold.split())
    found = []
    for edit in edits:
        removed = " ".join(edit.removed.split())
        if len(removed) >= 20 and removed in gold_flat:
            found.append((edit.step, edit.rule or ""))
    return found


class RemovalTable:
    """Pages where an edit removed gold text, gathered by step and rule, printed as a table."""

    def __init__(self) -> None:
        self.pages: dict[tuple[str, str], set[str]] = defaultdict(set)

    def add(self, page_id: str, edits: Iterable[Edit], gold: str) -> None:
        for key in gold_removals(edits, gold):
            self.pages[key].add(page_id[:10])

    def print(self) -> None:
        print("\npages where an edit removed gold text, by step and rule:")
        if not self.pages:
            print("  none")
        for (step, rule), pages in sorted(self.pages.items(), key=lambda kv: -len(kv[1])):
            shown = " ".join(sorted(pages)[:6])
            print(f"  {step:<26} {rule:<24} {len(pages):>3} pages  {shown}")
