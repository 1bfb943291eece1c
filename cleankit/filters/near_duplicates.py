"""Near-duplicate documents across the corpus (syndicated copies), found with MinHash LSH.

Every candidate pair is verified with the exact shingle Jaccard before it merges clusters, so
templates whose signatures happen to collide in one band do not chain into one cluster.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from datasketch import MinHashLSH

from cleankit.core.chain import Observer
from cleankit.core.document import Document, Outcome, drop
from cleankit.core.settings import KEEP_POLICIES, Keep
from cleankit.core.sites import site_of
from cleankit.filters.minhash import _BATCH, Hashes, UnionFind, jaccard, shingle_hashes, signatures


@dataclass
class _Verdicts:
    """What an observation pass decided, by document id."""

    duplicate_of: dict[str, tuple[str, float]] = field(default_factory=dict)
    cluster_of: dict[str, str] = field(default_factory=dict)
    candidates: int = 0
    verified: int = 0
    observed: bool = False


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
class DropNearDuplicates(Observer):
    """Drop syndicated copies across the corpus; one document of each cluster is kept.

    ``keep`` picks the survivor: ``first`` (input order), ``longest``, ``earliest`` (by
    ``meta.date`` / ``meta.published_date``, undated last) or ``priority`` (by position of the
    document's site or source in ``source_priority``). Ties fall back to input order.
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
    verdicts: _Verdicts = field(default_factory=_Verdicts, compare=False, repr=False)

    def __post_init__(self) -> None:
        try:
            keep = Keep(self.keep)
        except ValueError:
            choices = ", ".join(KEEP_POLICIES)
            raise ValueError(f"keep must be one of {choices}, not {self.keep!r}") from None
        object.__setattr__(self, "keep", keep)

    def observe(self, docs: Iterable[Document]) -> None:
        """Sign every document, find candidate pairs with LSH, verify them, build clusters."""
        lsh = MinHashLSH(num_perm=self.num_perm, params=(self.bands, self.rows))
        ids: list[str] = []
        shingles: list[Hashes] = []
        rank: list[tuple[Any, ...]] = []
        pairs: set[tuple[int, int]] = set()
        for batch in _batches(docs, _BATCH):
            batch_shingles = [shingle_hashes(d.text, self.shingle_size) for d in batch]
            signed = signatures(batch_shingles, num_perm=self.num_perm, seed=self.seed)
            for doc, doc_shingles, signature in zip(batch, batch_shingles, signed, strict=True):
                index = len(ids)
                ids.append(doc.id)
                shingles.append(doc_shingles)
                rank.append(self._rank(doc, index))
                if doc_shingles.size:
                    lsh.insert(index, signature, check_duplication=False)
        # Candidate pairs straight from the band buckets: every pair that shares a bucket in any
        # band, which is what querying each document would return, without hashing bands twice.
        for table in lsh.hashtables:
            for bucket in table.keys():  # noqa: SIM118 - datasketch storage, not a dict
                members = table.get(bucket)
                if len(members) > 1:
                    pairs.update(itertools.combinations(sorted(members), 2))
        self._cluster(ids, shingles, rank, sorted(pairs))

    def _cluster(
        self,
        ids: Sequence[str],
        shingles: Sequence[Hashes],
        rank: Sequence[tuple[Any, ...]],
        pairs: Sequence[tuple[int, int]],
    ) -> None:
        groups = UnionFind(len(ids))
        verified = 0
        for a, b in pairs:
            if jaccard(shingles[a], shingles[b]) >= self.threshold:
                groups.union(a, b)
                verified += 1
        members: dict[int, list[int]] = {}
        for index in range(len(ids)):
            members.setdefault(groups.find(index), []).append(index)
        verdicts = self.verdicts
        verdicts.duplicate_of.clear()
        verdicts.cluster_of.clear()
        verdicts.candidates, verdicts.verified = len(pairs), verified
        verdicts.observed = True
        for group in members.values():
            if len(group) < 2:
                continue
            keeper = min(group, key=rank.__getitem__)
            for index in group:
                verdicts.cluster_of[ids[index]] = ids[keeper]
                if index != keeper:
                    similarity = jaccard(shingles[index], shingles[keeper])
                    verdicts.duplicate_of[ids[index]] = (ids[keeper], similarity)

    def _rank(self, doc: Document, index: int) -> tuple[Any, ...]:
        match self.keep:
            case Keep.LONGEST:
                return (-len(doc.text), index)
            case Keep.EARLIEST:
                moment = instant(doc.meta.get("date") or doc.meta.get("published_date"))
                return (0, moment.timestamp(), index) if moment else (1, 0.0, index)
            case Keep.PRIORITY:
                last = len(self.source_priority)
                ranks = [
                    self.source_priority.index(name) if name in self.source_priority else last
                    for name in (site_of(doc), doc.source)
                ]
                return (min(ranks), index)
            case Keep.FIRST:
                return (index,)
        raise AssertionError(self.keep)  # unreachable: __post_init__ made it a Keep

    @property
    def observed(self) -> bool:
        """Whether clusters from an observation are loaded."""
        return self.verdicts.observed

    def forget(self) -> None:
        """Drop the clusters, so that no verdict outlives the corpus it was made for."""
        self.verdicts.duplicate_of.clear()
        self.verdicts.cluster_of.clear()
        self.verdicts.observed = False

    def __call__(self, doc: Document) -> Outcome:
        """Drop a document the observation found to be a copy; tag survivors with their cluster."""
        found = self.verdicts.duplicate_of.get(doc.id)
        cluster = self.verdicts.cluster_of.get(doc.id)
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


def _batches(items: Iterable[Document], size: int) -> Iterator[list[Document]]:
    batch: list[Document] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
