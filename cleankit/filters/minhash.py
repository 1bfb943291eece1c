"""Shingles, exact Jaccard and MinHash signatures: the measures every duplicate finder shares.

Shingles are word n-grams of casefolded, punctuation-free text, hashed in numpy (fast and the
same on every machine; Python's ``hash()`` is never used). Signatures come from
one-permutation hashing over a whole batch in numpy (:func:`one_permutation_signatures`), or,
as the reference they are tested against, from datasketch's ``MinHash.bulk``
(:func:`signatures`).
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from cleankit.core.text import words

if TYPE_CHECKING:
    from datasketch import LeanMinHash

Hashes = npt.NDArray[np.uint32]
Sketch = npt.NDArray[np.uint64]
#: The value of a signature slot that no shingle filled (above every 32-bit slot value and its
#: densification offset).
EMPTY_SLOT = np.uint64(2**64 - 1)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_LOW32 = np.uint64(0xFFFFFFFF)


def shingle_hashes(text: str, size: int) -> Hashes:
    """Sorted unique 32-bit hashes of the word ``size``-grams (one shingle if the text is shorter)."""
    return token_shingles(words(text), size)


def token_shingles(tokens: Sequence[str], size: int) -> Hashes:
    """:func:`shingle_hashes` of text already split into :func:`~cleankit.core.text.words`.

    Tokens are hashed together (:func:`token_hashes`); n-gram hashes are then combined with
    numpy (polynomial roll plus a 64-bit finaliser), instead of joining and hashing every
    n-gram string.
    """
    if not tokens:
        return np.empty(0, dtype=np.uint32)
    return _sorted_unique(_gram_hashes(tokens, min(size, len(tokens))))


def _sorted_unique(values: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """``np.unique`` of a 1-d array by sorting: numpy 2's hash-based unique took ten times as
    long on arrays of hashes."""
    ordered = np.sort(values)
    if ordered.size < 2:
        return ordered
    keep = np.empty(ordered.size, dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def _gram_hashes(tokens: Sequence[str], width: int) -> Hashes:
    """The 32-bit hash of every run of ``width`` consecutive tokens, in order, repeats kept."""
    return _rolled(token_hashes(tokens), width)


def _rolled(token_hashes: npt.NDArray[np.uint64], width: int) -> Hashes:
    """:func:`_gram_hashes` from the tokens' hashes: polynomial roll plus a 64-bit finaliser."""
    count = len(token_hashes) - width + 1
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
    total = int(lengths.sum())
    # Every n-gram of the lists laid end to end; those that lie inside one list, tagged with
    # the list's number, are sorted and made unique in one call, and each list's slice is
    # then its sorted unique hashes.
    hashes = token_hashes(itertools.chain.from_iterable(token_lists[i] for i in full))
    assert hashes.size == total
    grams = _rolled(hashes, size)
    owner = np.repeat(np.arange(len(full), dtype=np.int64), lengths)[: len(grams)]
    starts = np.cumsum(lengths) - lengths
    inside = np.arange(len(grams), dtype=np.int64) - starts[owner] <= lengths[owner] - size
    tagged = _sorted_unique((owner[inside].astype(np.uint64) << np.uint64(32)) | grams[inside])
    bounds = np.searchsorted(tagged >> np.uint64(32), np.arange(len(full) + 1, dtype=np.uint64))
    values = tagged.astype(np.uint32)
    for k, i in enumerate(full):
        result[i] = values[bounds[k] : bounds[k + 1]]
    return result


def token_hashes(tokens: Iterable[str]) -> npt.NDArray[np.uint64]:
    """A 64-bit hash of each token's UTF-8 bytes, all computed by numpy at once.

    The tokens are joined with NUL (which no word token holds) and encoded once (a lone
    surrogate, which JSON can carry, passes through); each token's
    hash is a polynomial in its bytes modulo 2**64 (each byte times an odd base to the power
    of its place in the token, summed per token), then mixed. No Python call per token:
    looking each token up in a memo of its xxh32 cost as much as finding the tokens.
    """
    joined = "\0".join(tokens)
    if not joined:  # no tokens (a word token is never empty)
        return np.empty(0, dtype=np.uint64)
    data = np.frombuffer(joined.encode("utf-8", "surrogatepass"), dtype=np.uint8)
    starts = np.concatenate(([0], np.flatnonzero(data == 0) + 1))
    lengths = np.diff(np.append(starts, data.size + 1)) - 1
    # Each byte's place in its token (a separator's is its token's length, and it adds 0).
    place = np.arange(data.size, dtype=np.int64) - np.repeat(starts, lengths + 1)[: data.size]
    powers = np.full(int(lengths.max()) + 1, _ROLL, dtype=np.uint64)
    powers[0] = 1
    terms = np.where(data == 0, np.uint64(0), (data + np.uint64(1)) * np.cumprod(powers)[place])
    polynomial = np.add.reduceat(terms, starts)
    return _mix64(polynomial ^ lengths.astype(np.uint64) * _GOLDEN)


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
    from datasketch import LeanMinHash, MinHash  # the reference path only; it brings in scipy

    built = MinHash.bulk(
        [s.tolist() for s in shingles], num_perm=num_perm, seed=seed, hashfunc=operator.index
    )
    return [LeanMinHash(m) for m in built]


def one_permutation_signatures(shingles: Sequence[Hashes], *, slots: int, seed: int) -> Sketch:
    """MinHash signatures of many shingle sets at once by one-permutation hashing: one row of
    ``slots`` values per set.

    Each shingle is hashed once (a seeded 64-bit mix); its high half picks one of ``slots``
    slots and its low half competes for that slot's minimum, so a set costs one pass over its
    shingles instead of one per permutation (datasketch's :func:`signatures`), and a batch is a
    handful of numpy calls. Two sets agree in a slot with probability close to their Jaccard
    similarity, as with ``slots`` permutations. A slot no shingle fell into borrows the value of
    the next filled slot to its right (wrapping), marked by the distance it travelled, which
    keeps agreement probabilities right for short texts (rotation densification, Shrivastava
    and Li 2014). A set without shingles gets a row of :data:`EMPTY_SLOT`.
    """
    count = len(shingles)
    sketch = np.full((count, slots), EMPTY_SLOT, dtype=np.uint64)
    lengths = np.fromiter(map(len, shingles), dtype=np.int64, count=count)
    if not lengths.sum():
        return sketch
    mixed = _mix64(np.concatenate(shingles).astype(np.uint64) + _salt(seed))
    owner = np.repeat(np.arange(count, dtype=np.int64), lengths)
    slot = ((mixed >> np.uint64(32)) * np.uint64(slots)) >> np.uint64(32)
    flat = sketch.reshape(-1)
    np.minimum.at(flat, owner * slots + slot.astype(np.int64), mixed & _LOW32)
    empty = sketch == EMPTY_SLOT
    filled_rows = lengths > 0
    if not (empty & filled_rows[:, None]).any():
        return sketch
    # For each slot, the next filled slot at or after it, reading the row twice to wrap.
    positions = np.arange(2 * slots, dtype=np.int64)
    doubled = np.concatenate([empty, empty], axis=1)
    candidates = np.where(doubled, 4 * slots, positions)
    nearest = np.minimum.accumulate(candidates[:, ::-1], axis=1)[:, ::-1][:, :slots]
    rows = np.flatnonzero(filled_rows)
    near = nearest[rows]
    distance = (near - positions[:slots]).astype(np.uint64)
    borrowed = sketch[rows[:, None], near % slots] + (distance << np.uint64(32))
    sketch[rows] = np.where(empty[rows], borrowed, sketch[rows])
    return sketch


def band_keys(sketch: Sketch, *, bands: int, rows: int) -> Sketch:
    """One 64-bit key per band of ``rows`` consecutive signature values, for each row of
    ``sketch``: two signatures share a key (bar a 2**-64 collision) when they agree on the
    whole band."""
    keys = np.empty((sketch.shape[0], bands), dtype=np.uint64)
    for band in range(bands):
        combined = np.full(sketch.shape[0], _salt(band + 1), dtype=np.uint64)
        for column in range(band * rows, (band + 1) * rows):
            combined = combined * _ROLL + sketch[:, column]
        keys[:, band] = _mix64(combined)
    return keys


def _salt(number: int) -> np.uint64:
    """``number`` times the golden ratio constant, modulo 2**64 (numpy scalars would warn about
    the wrap-around that arrays do silently)."""
    return np.uint64(number * int(_GOLDEN) % 2**64)


def _mix64(values: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """A 64-bit finaliser (splitmix64's): every input bit moves every output bit."""
    values = values ^ (values >> np.uint64(30))
    values *= np.uint64(0xBF58476D1CE4E5B9)
    values ^= values >> np.uint64(27)
    values *= np.uint64(0x94D049BB133111EB)
    return values ^ (values >> np.uint64(31))


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
