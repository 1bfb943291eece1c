"""Shingles, exact Jaccard and MinHash signatures: the measures every duplicate finder shares.

Shingles are word n-grams of casefolded, punctuation-free text, hashed with xxh32 (fast and
the same on every machine; Python's ``hash()`` is never used). Signatures are datasketch
MinHashes built with ``MinHash.bulk``.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import xxhash
from datasketch import LeanMinHash, MinHash

from cleankit.core.text import (
    words,
)

Hashes = npt.NDArray[np.uint32]


def shingle_hashes(text: str, size: int) -> Hashes:
    """Sorted unique 32-bit hashes of the word ``size``-grams (one shingle if the text is shorter)."""
    return token_shingles(words(text), size)


def token_shingles(tokens: Sequence[str], size: int) -> Hashes:
    """:func:`shingle_hashes` of text already split into :func:`~cleankit.core.text.words`.

    Each distinct token is hashed once (xxh32 of its UTF-8 bytes, remembered in
    :data:`_TOKEN_HASHES`); n-gram hashes are then combined with numpy (polynomial roll plus a
    64-bit finaliser), instead of joining and hashing every n-gram string.
    """
    if not tokens:
        return np.empty(0, dtype=np.uint32)
    return np.unique(_gram_hashes(tokens, min(size, len(tokens))))


def _gram_hashes(tokens: Sequence[str], width: int) -> Hashes:
    """The 32-bit hash of every run of ``width`` consecutive tokens, in order, repeats kept."""
    token_hashes = np.array(list(map(_TOKEN_HASHES.__getitem__, tokens)), dtype=np.uint64)
    count = len(tokens) - width + 1
    combined = np.zeros(count, dtype=np.uint64)
    for offset in range(width):
        combined = combined * _ROLL + token_hashes[offset : offset + count]
    combined ^= combined >> np.uint64(33)
    combined *= _MIX
    combined ^= combined >> np.uint64(33)
    return combined.astype(np.uint32)


def token_shingles_many(token_lists: Sequence[Sequence[str]], size: int) -> list[Hashes]:
    """:func:`token_shingles` of each list, the same arrays, computed together: a paragraph
    has a few dozen words, and numpy's cost per call, not per word, dominated one by one."""
    result: list[Hashes] = [np.empty(0, dtype=np.uint32)] * len(token_lists)
    full = [i for i, tokens in enumerate(token_lists) if len(tokens) >= size]
    for i, tokens in enumerate(token_lists):
        if 0 < len(tokens) < size:
            result[i] = token_shingles(tokens, size)
    if not full:
        return result
    lengths = np.array([len(token_lists[i]) for i in full], dtype=np.int64)
    # Every n-gram of the lists laid end to end; those that lie inside one list, tagged with
    # the list's number, are sorted and made unique in one call, and each list's slice is
    # then its sorted unique hashes.
    grams = _gram_hashes([token for i in full for token in token_lists[i]], size)
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    owner = np.repeat(np.arange(len(full), dtype=np.uint64), lengths - size + 1)
    positions = np.concatenate(
        [np.arange(a, a + n - size + 1) for a, n in zip(starts, lengths, strict=True)]
    )
    tagged = np.unique((owner << np.uint64(32)) | grams[positions])
    bounds = np.searchsorted(tagged >> np.uint64(32), np.arange(len(full) + 1, dtype=np.uint64))
    values = tagged.astype(np.uint32)
    for k, i in enumerate(full):
        result[i] = values[bounds[k] : bounds[k + 1]]
    return result


class _TokenHashes(dict[str, int]):
    """xxh32 of each token, computed on first sight: a corpus repeats its words so often that
    a lookup replaces nearly every hash. Cleared when it holds a million tokens, so memory
    stays bounded on any vocabulary; the values never depend on what it holds."""

    LIMIT = 1 << 20

    def __missing__(self, token: str) -> int:
        if len(self) >= self.LIMIT:
            self.clear()
        value = self[token] = xxhash.xxh32_intdigest(token.encode("utf-8"))
        return value


_TOKEN_HASHES = _TokenHashes()
_ROLL = np.uint64(0x100000001B3)
_MIX = np.uint64(0xFF51AFD7ED558CCD)


def jaccard(a: Hashes, b: Hashes) -> float:
    """Exact Jaccard similarity of two sorted unique hash arrays."""
    if a.size == 0 and b.size == 0:
        return 1.0
    common = np.intersect1d(a, b, assume_unique=True).size
    return common / (a.size + b.size - common)


def signatures(shingles: Sequence[Hashes], *, num_perm: int, seed: int) -> list[LeanMinHash]:
    """MinHash signatures for many shingle sets at once (datasketch's bulk path).

    The shingles are already 32-bit hashes, so the hash function is the identity; a C builtin
    (``operator.index``) keeps datasketch's per-item call cheap.
    """
    built = MinHash.bulk(
        [s.tolist() for s in shingles], num_perm=num_perm, seed=seed, hashfunc=operator.index
    )
    return [LeanMinHash(m) for m in built]


class UnionFind:
    """Disjoint sets over 0..size-1; the smallest index of a set is its root, so the first
    document of a cluster is found first."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, item: int) -> int:
        """The root of ``item``'s set (paths are halved on the way)."""
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a: int, b: int) -> None:
        """Join the sets of ``a`` and ``b`` under the smaller root."""
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)
