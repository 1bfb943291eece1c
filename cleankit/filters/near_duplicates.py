"""Near-duplicate documents across the corpus (syndicated copies), found with MinHash LSH.

Each document's MinHash signature is cut into ``bands`` bands of ``rows`` values; documents
that share a band share a bucket, and every pair in a bucket is a candidate. Each candidate
pair is verified with the exact shingle Jaccard (once, in the first band the two share) before
it merges clusters, so templates whose signatures happen to collide in one band do not chain
into one cluster. The three phases of :class:`~cleankit.core.chain.Observer` are: sign and
band (map), verify each bucket's pairs (merge), join clusters and choose keepers (finish).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import itertools
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from cleankit.core.chain import Observer
from cleankit.core.document import Document, Outcome, drop
from cleankit.core.settings import KEEP_POLICIES, Keep
from cleankit.filters.minhash import Hashes, UnionFind, jaccard, shingle_hashes, signatures
from cleankit.filters.sites import site_of

__all__ = ["Clusters", "DropNearDuplicates", "instant"]


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
    """A signed document, as the buckets carry it."""

    seq: int
    doc_id: str
    rank: tuple[Any, ...]
    shingles: Hashes
    bands: tuple[bytes, ...]


class _Pairs(NamedTuple):
    """One bucket's verdicts: candidate pairs counted there, and those verified."""

    candidates: int
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
    """

    threshold: float = 0.8
    shingle_size: int = 5
    num_perm: int = 128
    seed: int = 1
    bands: int = 25
    rows: int = 5
    keep: Keep | str = Keep.FIRST
    source_priority: tuple[str, ...] = ()
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

    def map(self, batch: Sequence[tuple[int, Document]]) -> Iterator[tuple[Hashable, _Member]]:
        """Sign the batch (datasketch's bulk path) and put each document in one bucket per
        band; a document without words has no shingles and joins no bucket."""
        shingles = [shingle_hashes(doc.text, self.shingle_size) for _, doc in batch]
        signed = signatures(shingles, num_perm=self.num_perm, seed=self.seed)
        for (seq, doc), doc_shingles, signature in zip(batch, shingles, signed, strict=True):
            if not doc_shingles.size:
                continue
            values = signature.hashvalues
            bands = tuple(
                values[band * self.rows : (band + 1) * self.rows].tobytes()
                for band in range(self.bands)
            )
            member = _Member(seq, doc.id, self._rank(doc, seq), doc_shingles, bands)
            for band, key in enumerate(bands):
                yield (band, key), member

    def merge(self, key: Hashable, values: Sequence[_Member]) -> Iterator[_Pairs]:
        """Verify the pairs of one bucket, each pair only in the first band its two share."""
        if len(values) < 2:
            return
        assert isinstance(key, tuple)
        band = key[0]
        candidates = 0
        edges: list[tuple[_Member, _Member]] = []
        for a, b in itertools.combinations(sorted(values), 2):
            if any(a.bands[earlier] == b.bands[earlier] for earlier in range(band)):
                continue
            candidates += 1
            if jaccard(a.shingles, b.shingles) >= self.threshold:
                edges.append((a, b))
        yield _Pairs(candidates, tuple(edges))

    def finish(self, results: Iterable[_Pairs]) -> Clusters:
        """Join verified pairs into clusters and keep the best-ranked document of each."""
        candidates = 0
        members: dict[int, _Member] = {}
        edges: list[tuple[int, int]] = []
        for pairs in results:
            candidates += pairs.candidates
            for a, b in pairs.edges:
                members[a.seq], members[b.seq] = a, b
                edges.append((a.seq, b.seq))
        order = sorted(members)
        position = {seq: index for index, seq in enumerate(order)}
        groups = UnionFind(len(order))
        for first, second in sorted(edges):
            groups.union(position[first], position[second])
        clusters: dict[int, list[_Member]] = {}
        for seq in order:
            clusters.setdefault(groups.find(position[seq]), []).append(members[seq])
        duplicate_of: dict[str, tuple[str, float]] = {}
        cluster_of: dict[str, str] = {}
        for group in clusters.values():
            keeper = min(group, key=lambda member: member.rank)
            for member in group:
                cluster_of[member.doc_id] = keeper.doc_id
                if member is not keeper:
                    similarity = jaccard(member.shingles, keeper.shingles)
                    duplicate_of[member.doc_id] = (keeper.doc_id, similarity)
        return Clusters(duplicate_of, cluster_of, candidates, len(edges))

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
