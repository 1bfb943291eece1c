"""Generate a synthetic news corpus with known duplicate clusters, for the dedup benchmark.

Each base article is 2-4 KB of sentences drawn from a fixed vocabulary (Indonesian-looking and
English-looking words). Copies of a base article are made the way syndication makes them: a few
words edited, a header and footer added, paragraphs reordered or one dropped. Template documents
share a skeleton with other template documents but are not copies: their true Jaccard stays well
below the threshold, so a detector that chains them is caught as imprecise.

Output: JSONL with id, text, site, and a truth column ``cluster`` (the base article's id, or the
document's own id when it has no copies).
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Iterator
from pathlib import Path

import numpy as np

SYLLABLES = [
    "ba",
    "be",
    "bi",
    "bo",
    "bu",
    "da",
    "de",
    "di",
    "do",
    "du",
    "ka",
    "ke",
    "ki",
    "ko",
    "ku",
    "la",
    "le",
    "li",
    "lo",
    "lu",
    "ma",
    "me",
    "mi",
    "mo",
    "mu",
    "na",
    "ne",
    "ni",
    "no",
    "nu",
    "pa",
    "pe",
    "pi",
    "po",
    "pu",
    "ra",
    "re",
    "ri",
    "ro",
    "ru",
    "sa",
    "se",
    "si",
    "so",
    "su",
    "ta",
    "te",
    "ti",
    "to",
    "tu",
    "ga",
    "gi",
    "go",
    "ja",
    "ji",
    "wa",
    "ya",
    "an",
    "ang",
    "ung",
]


def make_vocabulary(rng: random.Random, size: int) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def sentence(rng: random.Random, vocabulary: list[str]) -> str:
    words = [rng.choice(vocabulary) for _ in range(rng.randint(8, 18))]
    words[0] = words[0].capitalize()
    return " ".join(words) + "."


def article(rng: random.Random, vocabulary: list[str]) -> list[str]:
    paragraphs: list[str] = []
    size = 0
    target = rng.randint(2000, 4000)
    while size < target:
        paragraph = " ".join(sentence(rng, vocabulary) for _ in range(rng.randint(2, 4)))
        paragraphs.append(paragraph)
        size += len(paragraph) + 2
    return paragraphs


def syndicate(rng: random.Random, paragraphs: list[str], vocabulary: list[str]) -> list[str]:
    """A copy: edit 0.2-2% of words, maybe add header/footer, maybe reorder or drop a paragraph."""
    copy = []
    rate = rng.choice(
        (0.002, 0.005, 0.01, 0.02)
    )  # share of words edited: Jaccard ~0.98 down to ~0.8
    for paragraph in paragraphs:
        words = paragraph.split(" ")
        for i in range(len(words)):
            if rng.random() < rate:
                words[i] = rng.choice(vocabulary)
        copy.append(" ".join(words))
    kind = rng.random()
    if kind < 0.3 and len(copy) > 4:
        i = rng.randrange(1, len(copy) - 1)
        copy[i], copy[i + 1] = copy[i + 1], copy[i]
    elif kind < 0.5 and len(copy) > 8:
        del copy[rng.randrange(1, len(copy))]
    if rng.random() < 0.5:
        copy.insert(0, f"KOTA{rng.randint(1, 99)} - Dikutip dari portal{rng.randint(1, 50)}.com.")
    if rng.random() < 0.5:
        copy.append(f"Ikuti berita portal{rng.randint(1, 50)} di media sosial kami.")
    return copy


def generate(count: int, seed: int) -> list[dict[str, str]]:
    rng = random.Random(seed)
    vocabulary = make_vocabulary(rng, 20000)
    template_skeleton = article(rng, vocabulary)
    docs: list[dict[str, str]] = []
    while len(docs) < count:
        roll = rng.random()
        doc_id = f"doc{len(docs):07d}"
        if roll < 0.05:
            # template: half the skeleton's paragraphs plus fresh ones (Jaccard to others ~0.2-0.5)
            keep = rng.sample(template_skeleton, k=len(template_skeleton) // 2)
            paragraphs = keep + article(rng, vocabulary)[: len(template_skeleton) // 2]
            docs.append(
                {
                    "id": doc_id,
                    "text": "\n\n".join(paragraphs),
                    "site": "template.example",
                    "cluster": doc_id,
                }
            )
            continue
        paragraphs = article(rng, vocabulary)
        docs.append(
            {
                "id": doc_id,
                "text": "\n\n".join(paragraphs),
                "site": f"site{rng.randint(1, 200)}.example",
                "cluster": doc_id,
            }
        )
        if roll < 0.25:
            for _ in range(rng.randint(1, 3)):
                if len(docs) >= count:
                    break
                copy_id = f"doc{len(docs):07d}"
                text = "\n\n".join(syndicate(rng, paragraphs, vocabulary))
                docs.append(
                    {
                        "id": copy_id,
                        "text": text,
                        "site": f"site{rng.randint(1, 200)}.example",
                        "cluster": doc_id,
                    }
                )
    order = list(range(len(docs)))
    rng.shuffle(order)  # copies are not always right after their original
    return [docs[i] for i in order]


#: Documents generated, and shuffled, together by :func:`generate_small`.
_SMALL_BLOCK = 100_000


def generate_small(count: int, seed: int) -> Iterator[dict[str, str]]:
    """Short documents (40-90 words, one paragraph, about 500 bytes) with the clusters of
    :func:`generate`, streamed: ten million of them would not fit in memory as a list.

    The corpus is made in blocks of 100,000 documents, each shuffled on its own, so a copy
    sits in the block of its original (a window of 100,000 documents, where :func:`generate`
    shuffles the whole corpus); words are drawn in bulk with numpy.
    """
    rng = random.Random(seed)
    draw = np.random.default_rng(seed)
    words_of = make_vocabulary(rng, 20000)
    vocabulary = np.array(words_of)
    skeleton = vocabulary[draw.integers(0, vocabulary.size, 60)]
    made = 0
    while made < count:
        block: list[dict[str, str]] = []
        size = min(_SMALL_BLOCK, count - made)
        while len(block) < size:
            doc_id = f"doc{made + len(block):08d}"
            roll = rng.random()
            if roll < 0.05:
                # template: half of one skeleton plus fresh words (Jaccard to others < 0.5)
                picked = rng.sample(range(60), 30)
                fresh = vocabulary[draw.integers(0, vocabulary.size, 30)]
                text = _small_text([*skeleton[picked], *fresh])
                block.append(
                    {"id": doc_id, "text": text, "site": "template.example", "cluster": doc_id}
                )
                continue
            words = list(vocabulary[draw.integers(0, vocabulary.size, rng.randint(40, 90))])
            site = f"site{rng.randint(1, 200)}.example"
            block.append(
                {"id": doc_id, "text": _small_text(words), "site": site, "cluster": doc_id}
            )
            if roll < 0.25:
                for _ in range(rng.randint(1, 3)):
                    if len(block) >= size:
                        break
                    copy_id = f"doc{made + len(block):08d}"
                    text = "\n\n".join(syndicate(rng, [_small_text(words)], words_of))
                    site = f"site{rng.randint(1, 200)}.example"
                    block.append({"id": copy_id, "text": text, "site": site, "cluster": doc_id})
        rng.shuffle(block)
        yield from block
        made += len(block)


def _small_text(words: list[str]) -> str:
    """Words as sentences of about twelve: capitalised, each ending in a full stop."""
    sentences = [words[i : i + 12] for i in range(0, len(words), 12)]
    return " ".join(" ".join(s).capitalize() + "." for s in sentences)


def ensure_corpus(path: Path, docs: int, seed: int = 7, *, small: bool = False) -> None:
    """Write the corpus to ``path`` unless it is already there (benchmarks share it)."""
    if path.is_file():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")  # an interrupted run leaves no short corpus
    made = generate_small(docs, seed) if small else generate(docs, seed)
    with partial.open("w", encoding="utf-8") as handle:
        for doc in made:
            handle.write(json.dumps(doc) + "\n")
    partial.replace(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("-o", "--out", type=Path, default=Path("benchmarks/out/corpus.jsonl"))
    parser.add_argument("--small", action="store_true", help="short documents, streamed")
    args = parser.parse_args()
    args.out.unlink(missing_ok=True)
    ensure_corpus(args.out, args.docs, args.seed, small=args.small)
    print(f"wrote {args.docs} documents to {args.out}")


if __name__ == "__main__":
    main()
