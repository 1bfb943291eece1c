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
from pathlib import Path

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


def ensure_corpus(path: Path, docs: int, seed: int = 7) -> None:
    """Write the corpus to ``path`` unless it is already there (benchmarks share it)."""
    if path.is_file():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")  # an interrupted run leaves no short corpus
    with partial.open("w", encoding="utf-8") as handle:
        for doc in generate(docs, seed):
            handle.write(json.dumps(doc) + "\n")
    partial.replace(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("-o", "--out", type=Path, default=Path("benchmarks/out/corpus.jsonl"))
    args = parser.parse_args()
    args.out.unlink(missing_ok=True)
    ensure_corpus(args.out, args.docs, args.seed)
    print(f"wrote {args.docs} documents to {args.out}")


if __name__ == "__main__":
    main()
