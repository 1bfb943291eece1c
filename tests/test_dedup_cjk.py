"""Near-duplicates in Chinese and Japanese: texts without spaces are shingled by characters."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from itertools import combinations

import pytest

from cleankit.core.document import Document
from cleankit.core.text import words
from cleankit.filters.minhash import jaccard, shingle_hashes
from cleankit.filters.near_duplicates import DropNearDuplicates

# Invented material: characters drawn from the common CJK block and the kana, put together
# into sentences of the shape of news prose (no real text of any outlet).
_HAN = [chr(c) for c in range(0x4E00, 0x4E00 + 3000, 7)]
_KANA = [chr(c) for c in range(0x3042, 0x3093, 2)]
_ENDS = "。！？"


def _sentence(rng: random.Random, japanese: bool) -> str:
    parts = []
    for _ in range(rng.randint(8, 14)):
        parts.append("".join(rng.choice(_HAN) for _ in range(rng.randint(1, 3))))
        if japanese and rng.random() < 0.5:
            parts.append(rng.choice(_KANA))
    return "".join(parts) + rng.choice(_ENDS)


def _article(rng: random.Random, japanese: bool, shared: list[str] | None = None) -> list[str]:
    lines = list(shared or [])
    while len(lines) < 10:
        lines.append(_sentence(rng, japanese))
    return lines


def _copy(rng: random.Random, lines: list[str]) -> str:
    """A syndicated copy: two characters replaced, a source line added at the end."""
    text = list("\n".join(lines))
    for _ in range(2):
        at = rng.randrange(len(text))
        if text[at] != "\n":
            text[at] = rng.choice(_HAN)
    return "".join(text) + "\n（来源：" + "".join(rng.choice(_HAN) for _ in range(3)) + "）"


def corpus(seed: int = 3) -> tuple[list[Document], dict[str, str]]:
    rng = random.Random(seed)
    docs: list[Document] = []
    truth: dict[str, str] = {}
    template: list[str] = []
    for cluster in range(240):
        japanese = cluster % 2 == 1
        if cluster % 10 == 0:  # a new template: the next articles share its first half
            template = [_sentence(rng, japanese) for _ in range(5)]
        shared = template if cluster % 10 < 4 else None
        lines = _article(rng, japanese, shared)
        members = ["\n".join(lines)] + [_copy(rng, lines) for _ in range(rng.randint(0, 2))]
        for n, text in enumerate(members):
            doc_id = f"c{cluster}-{n}"
            docs.append(Document(doc_id, text))
            truth[doc_id] = f"c{cluster}"
    return docs, truth


def test_each_character_of_an_unspaced_script_is_a_token() -> None:
    assert words("東京で地震、Don’t panic 2024") == [
        "東",
        "京",
        "で",
        "地",
        "震",
        "don't",
        "panic",
        "2024",
    ]
    assert words("ข่าวเช้า") == list("ข่าวเช้า")
    assert words("서울 날씨") == ["서울", "날씨"]  # Korean separates words by spaces


def test_near_duplicates_in_chinese_and_japanese_meet_the_english_targets() -> None:
    docs, truth = corpus()
    texts = {d.id: d.text for d in docs}
    clusters = DropNearDuplicates(threshold=0.8).observe(docs)
    predicted = {d.id: clusters.cluster_of.get(d.id, d.id) for d in docs}

    groups: dict[str, list[str]] = defaultdict(list)
    for doc_id, cluster in truth.items():
        groups[cluster].append(doc_id)
    high = [
        (a, b)
        for group in groups.values()
        for a, b in combinations(group, 2)
        if jaccard(shingle_hashes(texts[a], 5), shingle_hashes(texts[b], 5)) >= 0.8
    ]
    copies = sum(len(g) * (len(g) - 1) // 2 for g in groups.values())
    # Character shingles keep copies with a few characters changed above the threshold.
    assert len(high) >= 0.95 * copies > 100
    found = sum(predicted[a] == predicted[b] for a, b in high)
    both = Counter((predicted[d], truth[d]) for d in truth)
    hits = sum(n * (n - 1) // 2 for n in both.values())
    merged = sum(n * (n - 1) // 2 for n in Counter(predicted.values()).values())
    assert found / len(high) >= 0.99  # recall at J >= 0.8
    assert hits / merged >= 0.99  # pair precision: template siblings stay apart


@pytest.mark.parametrize("language", ["zh", "ja"])
def test_a_copy_with_one_character_changed_is_found(language: str) -> None:
    rng = random.Random(11)
    lines = _article(rng, japanese=language == "ja")
    original = "\n".join(lines)
    changed = original[:40] + rng.choice(_HAN) + original[41:]
    other = "\n".join(_article(rng, japanese=language == "ja"))
    docs = [Document("a", original), Document("b", changed), Document("c", other)]
    clusters = DropNearDuplicates(threshold=0.8).observe(docs)
    assert clusters.cluster_of.get("b") == "a"
    assert "c" not in clusters.cluster_of or clusters.cluster_of["c"] == "c"
