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
    """Sorted unique 32-bit hashes of the word ``size``-grams (one shingle if the text is shorter).

    Each token is hashed once (xxh32 of its UTF-8 bytes); n-gram hashes are then combined with
    numpy (polynomial roll plus a 64-bit finaliser), instead of joining and hashing every n-gram
    string, which was most of the cost of signing a document.
    """
    tokens = words(text)
    if not tokens:
        return np.empty(0, dtype=np.uint32)
    digest = xxhash.xxh32_intdigest
    token_hashes = np.fromiter((digest(t.encode("utf-8")) for t in tokens), np.uint64, len(tokens))
    width = min(size, len(tokens))
    count = len(tokens) - width + 1
    combined = np.zeros(count, dtype=np.uint64)
    for offset in range(width):
        combined = combined * _ROLL + token_hashes[offset : offset + count]
    combined ^= combined >> np.uint64(33)
    combined *= _MIX
    combined ^= combined >> np.uint64(33)
    return np.unique(combined.astype(np.uint32))


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
