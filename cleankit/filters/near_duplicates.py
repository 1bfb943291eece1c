"""Near-duplicate documents across the corpus (syndicated copies), found with MinHash LSH.

Each document's MinHash signature is cut into ``bands`` bands of ``rows`` values, and each
band into one 64-bit key; documents that share a key share a bucket. A bucket's members, in
input order, are paired with the next ``window`` members only, not with every other member:
a bucket of same-template reports would otherwise make the pair count grow with the square of
the corpus, while a true copy shares many bands and sits next to its original in most of them.
Each candidate pair is verified with the exact shingle Jaccard before it merges clusters, so
templates whose signatures happen to collide in one band do not chain into one cluster.

The three phases of :class:`~cleankit.core.chain.Observer` are: sign and band (map), verify
each bucket's pairs (merge), join clusters and choose keepers (finish); the Ray engine runs
them. In one process (:meth:`DropNearDuplicates.reduce`, the local engine's and
:meth:`~cleankit.core.chain.Observer.observe`'s way) the index is compact instead
(:mod:`cleankit.filters.dedup_index`): band keys in one numpy array or in one file per band,
buckets found by sorting each band's keys, each document's shingles, id and rank spilled to a
temporary file and read back only for the pairs that need them.
"""

from __future__ import annotations

import datetime as dt
import email.utils
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from cleankit.core.chain import Observer
from cleankit.core.document import Document, Outcome, drop
from cleankit.core.settings import DEDUP_INDEXES, KEEP_POLICIES, Keep
from cleankit.filters.dedup_index import SpillIndex
from cleankit.filters.minhash import (
    Hashes,
    Sketch,
    band_keys,
    jaccard,
    one_permutation_signatures,
    signatures,
    token_shingles_many,
)
from cleankit.filters.sites import site_of

__all__ = ["SKETCHES", "Clusters", "DropNearDuplicates", "instant"]

#: How signatures are computed: one-permutation hashing in numpy (the default, one pass over a
#: batch's shingles), or datasketch's MinHash with one hash per permutation (the reference).
SKETCHES = ("one-permutation", "datasketch")


#: Candidate pairs turned into Python ints at a time for verifying (millions at 10M documents).
_VERIFY_CHUNK = 1 << 16


@dataclass(frozen=True)
class Clusters:
    """What an observation decided: the state :class:`DropNearDuplicates` judges by."""

    #: A dropped copy's id -> the kept document's id and their Jaccard similarity.
    duplicate_of: Mapping[str, tuple[str, float]] = field(default_factory=dict)
    #: Every clustered document's id -> the id of its cluster's kept document.
    cluster_of: Mapping[str, str] = field(default_factory=dict)
    #: Distinct candidate pairs from the buckets, and those the exact Jaccard confirmed.
    candidates: int = 0
    verified: int = 0


class _Member(NamedTuple):
    """A signed document, as the buckets carry it (ordered by ``seq``, which is unique)."""

    seq: int
    doc_id: str
    rank: tuple[Any, ...]
    shingles: Hashes
    bands: tuple[int, ...]


class _Pairs(NamedTuple):
    """One bucket's verdicts: the candidate pairs it gave (by ``seq``), and those verified."""

    candidates: tuple[tuple[int, int], ...]
    edges: tuple[tuple[_Member, _Member], ...]


def instant(value: object) -> dt.datetime | None:
    """A document's date as a moment in time, for ``keep = "earliest"``: ISO 8601 (with or
    without a time or an offset), RFC 2822 ("Tue, 05 Mar 2024 10:00:00 +0700"), a date or
    datetime object; a time without an offset counts as UTC. Anything else is undated (None):
    comparing the strings would put "9 March" after "10 March" and 09:00+07:00 after 03:00Z."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str) and value.strip():
        text = value.strip()
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            try:
                moment = email.utils.parsedate_to_datetime(text)
            except (TypeError, ValueError, IndexError):
                return None
    else:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class DropNearDuplicates(Observer[Clusters]):
    """Drop syndicated copies across the corpus; one document of each cluster is kept.

    ``keep`` picks the survivor: ``first`` (input order), ``longest``, ``earliest`` (by
    ``meta.date`` / ``meta.published_date``, undated last) or ``priority`` (by position of the
    document's site or source in ``source_priority``). Ties fall back to input order. ``keep``
    is checked when the filter is built: an unknown policy is a ValueError naming the choices.
    ``sketch`` picks how signatures are computed (:data:`SKETCHES`); ``window`` is how many
    following members of a bucket each member is compared with; ``index`` is where one
    process keeps the band keys while it looks for buckets
    (:data:`~cleankit.core.settings.DEDUP_INDEXES`: ``"disk"`` holds one band in memory at a
    time, for corpora whose keys would not fit).
    """

    threshold: float = 0.8
    shingle_size: int = 5
    num_perm: int = 128
    seed: int = 1
    bands: int = 25
    rows: int = 5
    keep: Keep | str = Keep.FIRST
    source_priority: tuple[str, ...] = ()
    sketch: str = "one-permutation"
    window: int = 4
    index: str = "memory"
    name: str = "drop-near-duplicates"

    def __post_init__(self) -> None:
        try:
            keep = Keep(self.keep)
        except ValueError:
            choices = ", ".join(KEEP_POLICIES)
            raise ValueError(f"keep must be one of {choices}, not {self.keep!r}") from None
        object.__setattr__(self, "keep", keep)
        if self.bands * self.rows > self.num_perm:
            raise ValueError(
                f"bands x rows ({self.bands} x {self.rows}) exceeds num_perm ({self.num_perm})"
            )
        if self.sketch not in SKETCHES:
            raise ValueError(f"sketch must be one of {', '.join(SKETCHES)}, not {self.sketch!r}")
        if self.window < 1:
            raise ValueError(f"window must be at least 1, not {self.window}")
        if self.index not in DEDUP_INDEXES:
            raise ValueError(f"index must be one of {', '.join(DEDUP_INDEXES)}, not {self.index!r}")

    def map(self, batch: Sequence[tuple[int, Document]]) -> Iterator[tuple[Hashable, _Member]]:
        """Sign the batch and put each document in one bucket per band; a document without
        words has no shingles and joins no bucket."""
        shingles = token_shingles_many(
            [doc.memo.text_words(doc.text) for _, doc in batch], self.shingle_size
        )
        keys = band_keys(self._sketch(shingles), bands=self.bands, rows=self.rows).tolist()
        for (seq, doc), doc_shingles, doc_keys in zip(batch, shingles, keys, strict=True):
            if not doc_shingles.size:
                continue
            bands = tuple(doc_keys)
            member = _Member(seq, doc.id, self._rank(doc, seq), doc_shingles, bands)
            for band, key in enumerate(bands):
                yield (band, key), member

    def _sketch(self, shingles: Sequence[Hashes]) -> Sketch:
        if self.sketch == "datasketch":
            signed = signatures(shingles, num_perm=self.num_perm, seed=self.seed)
            rows = [m.hashvalues.astype(np.uint64) for m in signed]
            return np.stack(rows) if rows else np.empty((0, self.num_perm), dtype=np.uint64)
        return one_permutation_signatures(shingles, slots=self.num_perm, seed=self.seed)

    def merge(self, key: Hashable, values: Sequence[_Member]) -> Iterator[_Pairs]:
        """Verify the pairs of one bucket: each member, in input order, with the next
        ``window`` members. A pair that shares several bands is looked at in each of them;
        :meth:`finish` counts it once."""
        if len(values) < 2:
            return
        ordered = sorted(values)
        candidates: list[tuple[int, int]] = []
        edges: list[tuple[_Member, _Member]] = []
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 : i + 1 + self.window]:
                candidates.append((a.seq, b.seq))
                if jaccard(a.shingles, b.shingles) >= self.threshold:
                    edges.append((a, b))
        yield _Pairs(tuple(candidates), tuple(edges))

    def finish(self, results: Iterable[_Pairs]) -> Clusters:
        """Join verified pairs into clusters and keep the best-ranked document of each."""
        candidates: set[tuple[int, int]] = set()
        members: dict[int, _Member] = {}
        edges: set[tuple[int, int]] = set()
        for pairs in results:
            candidates.update(pairs.candidates)
            for a, b in pairs.edges:
                members[a.seq], members[b.seq] = a, b
                edges.add((a.seq, b.seq))
        return _clusters(
            np.array(sorted(edges), dtype=np.int64).reshape(-1, 2),
            member=lambda seq: (members[seq].doc_id, members[seq].rank, members[seq].shingles),
            candidates=len(candidates),
        )

    def reduce(self, pairs: Iterable[tuple[Hashable, Any]]) -> Clusters:
        """The state from :meth:`map`'s pairs, in input order, with a compact index (see
        :mod:`cleankit.filters.dedup_index`); the clusters are those of :meth:`merge` and
        :meth:`finish`."""
        with SpillIndex(bands=self.bands, on_disk=self.index == "disk") as index:
            last = None
            for _, member in pairs:
                if member.seq != last:  # a member comes once per band, its bands together
                    index.add(member.seq, member.doc_id, member.rank, member.shingles, member.bands)
                    last = member.seq
            found = index.pairs(self.window)
            # Rows stand for seqs here: rows follow input order, so clusters, roots and
            # keepers come out as they would by seq.
            verified = np.zeros(len(found), dtype=bool)
            for start in range(0, len(found), _VERIFY_CHUNK):  # not all pairs as Python ints
                chunk = found[start : start + _VERIFY_CHUNK].tolist()
                verified[start : start + len(chunk)] = [
                    jaccard(index.shingles(i), index.shingles(j)) >= self.threshold
                    for i, j in chunk
                ]
            edges = found[verified]
            return _clusters(edges, member=index.member, candidates=len(found))

    def _rank(self, doc: Document, seq: int) -> tuple[Any, ...]:
        match self.keep:
            case Keep.LONGEST:
                return (-len(doc.text), seq)
            case Keep.EARLIEST:
                moment = instant(doc.meta.get("date") or doc.meta.get("published_date"))
                return (0, moment.timestamp(), seq) if moment else (1, 0.0, seq)
            case Keep.PRIORITY:
                last = len(self.source_priority)
                ranks = [
                    self.source_priority.index(name) if name in self.source_priority else last
                    for name in (site_of(doc), doc.source)
                ]
                return (min(ranks), seq)
            case Keep.FIRST:
                return (seq,)
        raise AssertionError(self.keep)  # unreachable: __post_init__ made it a Keep

    def judge(self, doc: Document, state: Clusters) -> Outcome:
        """Drop a document the observation found to be a copy; tag survivors with their cluster."""
        found = state.duplicate_of.get(doc.id)
        cluster = state.cluster_of.get(doc.id)
        if found is None:
            return Outcome(doc=doc, cluster_id=cluster)
        keeper, similarity = found
        return drop(
            doc,
            step=self.name,
            rule="near-duplicate",
            why=f"near-duplicate of {keeper} (jaccard {similarity:.2f})",
            duplicate_of=keeper,
            similarity=round(similarity, 6),
            cluster_id=cluster,
        )


def _clusters(
    edges: npt.NDArray[np.int64],
    *,
    member: Callable[[int], tuple[str, tuple[Any, ...], Hashes]],
    candidates: int,
) -> Clusters:
    """Clusters from verified pairs of seqs (or of anything that sorts as they do; one pair a
    row of ``edges``): the best-ranked document of each is kept, and every other member records
    its Jaccard similarity to it. ``member`` gives a seq's id, rank and shingles; it is asked
    once for each clustered seq (the spill index reads them back from a file). Clusters come in
    the order of their first seq, members in seq order."""
    nodes = np.unique(edges)
    roots = _components(
        nodes.size, np.searchsorted(nodes, edges[:, 0]), np.searchsorted(nodes, edges[:, 1])
    )
    order = np.argsort(roots, kind="stable")  # by cluster (its first node), nodes in order
    bounds = np.flatnonzero(np.diff(roots[order])) + 1
    duplicate_of: dict[str, tuple[str, float]] = {}
    cluster_of: dict[str, str] = {}
    for group in np.split(nodes[order], bounds) if nodes.size else []:
        seqs = group.tolist()
        found = {seq: member(seq) for seq in seqs}
        keeper = min(seqs, key=lambda seq: found[seq][1])
        kept_id, _, kept_shingles = found[keeper]
        for seq in seqs:
            doc_id, _, shingles = found[seq]
            cluster_of[doc_id] = kept_id
            if seq != keeper:
                duplicate_of[doc_id] = (kept_id, jaccard(shingles, kept_shingles))
    return Clusters(duplicate_of, cluster_of, candidates, len(edges))


def _components(
    count: int, a: npt.NDArray[np.int64], b: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """For each of ``count`` nodes, the smallest node of its connected component under the
    edges ``a[k]``-``b[k]``: roots hooked to the smaller root across each edge, then paths
    compressed, until no edge joins two roots; arrays throughout, where a union-find over
    Python ints held 200 bytes a clustered document at ten million documents."""
    root = np.arange(count, dtype=np.int64)
    while True:
        low, high = np.minimum(root[a], root[b]), np.maximum(root[a], root[b])
        crossing = low != high
        if not crossing.any():
            return root
        np.minimum.at(root, high[crossing], low[crossing])
        while True:  # every node points at its root again
            jumped = root[root]
            if np.array_equal(jumped, root):
                break
            root = jumped
