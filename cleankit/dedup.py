"""Near-duplicate detection at three levels: inside a document, across a site, across a corpus.

Shingles are word n-grams of casefolded, punctuation-free text, hashed with xxh32 (fast and the
same on every machine; Python's ``hash()`` is never used). Signatures are datasketch MinHashes
built with ``MinHash.bulk``; candidate pairs come from ``MinHashLSH`` and every candidate is
verified with the exact shingle Jaccard before it merges clusters, so templates whose
signatures happen to collide in one band do not chain into one cluster.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import itertools
import operator
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl
import xxhash
from datasketch import LeanMinHash, MinHash, MinHashLSH

from cleankit.chain import Observer
from cleankit.document import Document, Outcome, Span, cut, drop
from cleankit.errors import InputError
from cleankit.io import atomic_write
from cleankit.normalize import headline_of
from cleankit.settings import KEEP_POLICIES, Keep
from cleankit.sites import site_of
from cleankit.text import (
    LONG_PROSE_WORDS,
    Paragraph,
    block_extent,
    normalize_key,
    paragraphs,
    reads_as_prose,
    trim_overlaps,
    words,
)

__all__ = [
    "DropEmpty",
    "DropNearDuplicates",
    "DropRepeatedParagraphs",
    "DropSiteBoilerplate",
    "jaccard",
    "shingle_hashes",
    "signatures",
]

Hashes = npt.NDArray[np.uint32]
_BATCH = 512


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


#: Paragraphs shorter than this are labels, headings, list items: repeated by design.
_STRUCTURE_WORDS = 8
#: A line of this many words said again right below itself is pasted, list item or not (a
#: listing's "• Title" over "Title"); a few more words may trail the copy ("Title 150 150").
_ADJACENT_WORDS = 4
_ADJACENT_EXTRA = 3
_LIST_ITEM = re.compile(
    r"^\s*(?:[-–—•·*▪●◦►»✓✔]|\d{1,3}[.)]|\(?[a-z]\))\s|^[^\W\d_][^\W\d]{1,29}(?: [^\W\d]+){0,3}:\s"
)
_TERMINAL = (".", "!", "?", '"', "”", "’", ")", "»")


@dataclass(frozen=True)
class DropRepeatedParagraphs:
    """Remove paragraphs that are junk copies of another: a headline, lead, caption or teaser.

    Pages repeat some lines by design, and those stay: short lines (labels, list items, table
    headers), questions, lines inside a run of short lines, table rows, and headings (lines
    that do not end like a sentence) outside the page header. Of a set of exact or near copies
    the one inside the article body survives (the copy with the most prose neighbours; the
    first on a tie), so a teaser or subtitle goes and the body paragraph stays; of a headline
    (copies that do not read as prose) the first stays and the one pasted again goes. A shorter
    paragraph contained in a longer one goes only when it sits in the page header, at most
    three paragraphs before it (a caption or standfirst repeating the lead); a pull quote or
    a summary inside the body stays. A line of four or more words said again right below
    itself in another form (a list item's words as a plain line, or with up to three words
    trailing) is pasted; the lower copy goes. Every pair is compared
    with exact shingle sets: there are few paragraphs, and exact is cheaper than signatures.
    """

    threshold: float = 0.8
    shingle_size: int = 5
    min_words: int = 5
    name: str = "drop-repeated-paragraphs"

    def __call__(self, doc: Document) -> Outcome:
        """Group the copies, keep the body copy of each group, cut the rest."""
        found = paragraphs(doc.text)
        if len(found) < 2:
            return Outcome(doc=doc)
        headline = headline_of(doc)
        keys = [normalize_key(p.text) for p in found]
        counts = [len(k.split()) for k in keys]
        prose = [reads_as_prose(p.text, n, _TERMINAL) for p, n in zip(found, counts, strict=True)]
        first_prose = prose.index(True) if True in prose else len(found)
        fixed = [
            self._structure(i, found, counts, in_header=i < first_prose) for i in range(len(found))
        ]
        sets = [
            None
            if fixed[i] or counts[i] < self.min_words
            else shingle_hashes(p.text, self.shingle_size)
            for i, p in enumerate(found)
        ]
        shared = _shared(sets)
        reasons: dict[int, tuple[str, str]] = {}
        for group in self._copies(keys, sets, shared, fixed):
            a = min(group)
            if not any(prose[i] for i in group) or (a == 0 and counts[a] < LONG_PROSE_WORDS):
                # A headline (even one ending in "!"): the first copy is the title, a later
                # one the paste.
                keeper = a
            else:
                keeper = max(group, key=lambda i: (_prose_neighbours(i, prose), -i))
            if not _pasted(group, keeper, first_prose):
                continue
            for i in group:
                if i != keeper:
                    reasons[i] = self._copy_reason(i, keeper, keys, sets)
        for i in range(1, len(found)):
            if i in reasons or i - 1 in reasons or counts[i - 1] < _ADJACENT_WORDS:
                continue
            if found[i].text.strip() == found[i - 1].text.strip():
                continue  # the same line twice, in the same form, is a list or a refrain
            if not keys[i].startswith(keys[i - 1]):
                continue
            extra = keys[i][len(keys[i - 1]) :]
            if extra[:1] not in ("", " ") or len(extra.split()) > _ADJACENT_EXTRA:
                continue  # another word that merely starts alike, or a longer line
            why = f"the words of paragraph {i - 1}, right above it, pasted again"
            reasons[i] = ("adjacent-copy", why + (f" with {extra.strip()!r}" if extra else ""))
        for i, mine in enumerate(sets):
            if i in reasons or mine is None or not shared[i] or (i == 0 and headline):
                continue
            if i > first_prose:
                break  # inside the body a contained copy is a pull quote or a summary: it stays
            for j in range(i + 1, min(i + 4, len(sets))):
                other = sets[j]
                if other is None or other.size <= mine.size or j in reasons:
                    continue
                common = np.intersect1d(mine, other, assume_unique=True).size
                if common / mine.size >= self.threshold:
                    why = f"contained in paragraph {j} (containment {common / mine.size:.2f})"
                    reasons[i] = ("contained", why)
                    break
        spans = []
        for i, (rule, why) in sorted(reasons.items()):
            start, end = block_extent(doc.text, found[i].start, found[i].end)
            spans.append(Span(start, end, rule, "", why))
        return cut(doc, trim_overlaps(spans), step=self.name)

    @staticmethod
    def _structure(
        i: int, found: Sequence[Paragraph], counts: Sequence[int], *, in_header: bool
    ) -> bool:
        text = found[i].text.strip()
        if counts[i] < _STRUCTURE_WORDS or text.endswith("?") or _LIST_ITEM.match(text):
            return True
        if "|" in text or "\t" in text:
            return True
        short_before = i > 0 and counts[i - 1] < _STRUCTURE_WORDS
        short_after = i + 1 < len(found) and counts[i + 1] < _STRUCTURE_WORDS
        if short_before and short_after:
            return True
        return not text.endswith(_TERMINAL) and not in_header and counts[i] < LONG_PROSE_WORDS

    def _copies(
        self,
        keys: Sequence[str],
        sets: Sequence[Hashes | None],
        shared: Sequence[bool],
        fixed: Sequence[bool],
    ) -> list[list[int]]:
        """Groups of paragraphs that are exact or near copies of each other (structure excluded)."""
        groups = _UnionFind(len(keys))
        first_of: dict[str, int] = {}
        for i, key in enumerate(keys):
            if not key or fixed[i]:
                continue
            if key in first_of:
                groups.union(first_of[key], i)
            else:
                first_of[key] = i
        for i, mine in enumerate(sets):
            if mine is None or not shared[i]:
                continue
            for j in range(i):
                other = sets[j]
                if other is not None and jaccard(mine, other) >= self.threshold:
                    groups.union(j, i)
        members: dict[int, list[int]] = {}
        for i in range(len(keys)):
            members.setdefault(groups.find(i), []).append(i)
        return [g for g in members.values() if len(g) > 1]

    @staticmethod
    def _copy_reason(
        i: int, keeper: int, keys: Sequence[str], sets: Sequence[Hashes | None]
    ) -> tuple[str, str]:
        if keys[i] == keys[keeper]:
            return "exact-repeat", f"repeats paragraph {keeper} (jaccard 1.00)"
        mine, other = sets[i], sets[keeper]
        similarity = jaccard(mine, other) if mine is not None and other is not None else 0.0
        return (
            "near-repeat",
            f"near-duplicate of paragraph {keeper} (jaccard {similarity:.2f})",
        )


def _pasted(group: Sequence[int], keeper: int, first_prose: int) -> bool:
    """Whether copies look pasted (junk) rather than repeated by design.

    A headline, lead or teaser is pasted near the top: both copies in the page header, side
    by side, or a header copy of a line whose keeper sits further down in the body. A line
    repeated three times or more, or a header line repeated far below it where the later copy
    is not the body's, is the page's own structure (a meal plan's recurring rows, a refrain, a
    question put to each interviewee, a call to action that opens and closes a review).
    """
    header = first_prose + 1
    if len(group) > 2:
        return all(i <= header + 1 for i in group)
    a, b = sorted(group)
    return b <= header + 1 or b - a <= 2 or (a <= header and keeper == b)


def _prose_neighbours(i: int, prose: Sequence[bool]) -> int:
    return int(i > 0 and prose[i - 1]) + int(i + 1 < len(prose) and prose[i + 1])


def _shared(sets: Sequence[Hashes | None]) -> list[bool]:
    """For each shingle set, whether any of its shingles occurs in another set: one np.unique
    over all of them instead of a comparison per pair, since most paragraphs share nothing."""
    present = [s for s in sets if s is not None and s.size]
    if len(present) < 2:
        return [False] * len(sets)
    values, counts = np.unique(np.concatenate(present), return_counts=True)
    repeated = values[counts > 1]
    return [s is not None and bool(np.isin(s, repeated, assume_unique=True).any()) for s in sets]


@dataclass(frozen=True)
class DropEmpty:
    """Drop documents that cleaning left empty, so that no empty record reaches the output."""

    name: str = "drop-empty"

    def __call__(self, doc: Document) -> Outcome:
        """Keep documents with any non-space character."""
        if doc.text.strip():
            return Outcome(doc=doc)
        return drop(doc, step=self.name, rule="empty", why="no text left after cleaning")


class _UnionFind:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, item: int) -> int:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


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
        groups = _UnionFind(len(ids))
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


def _paragraph_key(text: str) -> int:
    """Digest of a paragraph with case, punctuation and digits masked: near repeats share it."""
    return xxhash.xxh64_intdigest(normalize_key(text, mask_digits=True).encode("utf-8"))


SITE_INDEX_SCHEMA = pl.Schema(
    {"site": pl.String, "key": pl.UInt64, "docs": pl.Int64, "example": pl.String}
)


@dataclass
class SiteIndex:
    """How many documents of each site hold each paragraph (by masked digest).

    Saved as Parquet (columns site, key, docs, example) so that a later run can start from the
    counts of earlier ones; counts then add up.
    """

    counts: dict[tuple[str, int], int] = field(default_factory=dict)
    examples: dict[tuple[str, int], str] = field(default_factory=dict)

    def add_document(self, site: str, texts: Iterable[str]) -> None:
        """Count each distinct paragraph once per document."""
        for key in {_paragraph_key(t): t for t in texts if normalize_key(t)}.items():
            slot = (site, key[0])
            seen = self.counts.get(slot, 0) + 1
            self.counts[slot] = seen
            if seen == 2:
                self.examples[slot] = key[1][:200]

    def merge(self, other: SiteIndex) -> None:
        """Add another index's counts to this one."""
        for slot, count in other.counts.items():
            self.counts[slot] = self.counts.get(slot, 0) + count
            if slot in other.examples:
                self.examples.setdefault(slot, other.examples[slot])

    def write(self, path: str | Path) -> None:
        """Save the recurring paragraphs (count >= 2) atomically, sorted for byte-identical files."""
        rows = sorted(
            (site, key, count, self.examples.get((site, key), ""))
            for (site, key), count in self.counts.items()
            if count >= 2
        )
        frame = pl.DataFrame(rows, schema=SITE_INDEX_SCHEMA, orient="row")
        with atomic_write(path) as handle:
            frame.write_parquet(handle, statistics=False)

    @classmethod
    def read(cls, path: str | Path) -> SiteIndex:
        """Load a saved index; a file that is not one is an InputError naming it."""
        try:
            frame = pl.read_parquet(path)
        except (OSError, pl.exceptions.PolarsError) as error:
            raise InputError(
                f"cannot read site index: {str(error).splitlines()[0]}", path=str(path)
            ) from None
        if frame.schema != SITE_INDEX_SCHEMA:
            raise InputError(
                f"not a cleankit site index (expected columns {', '.join(SITE_INDEX_SCHEMA.names())})",
                path=str(path),
            )
        index = cls()
        for site, key, count, example in frame.iter_rows():
            index.counts[(site, key)] = count
            if example:
                index.examples[(site, key)] = example
        return index


@dataclass(frozen=True)
class DropSiteBoilerplate(Observer):
    """Remove paragraphs that recur in at least ``min_docs`` documents of the same site.

    These are boilerplate no rule names yet (newsletter pitches, "follow us" lines, legal
    notes). Repeats are counted after masking case, punctuation and digits, so "© 2023" and
    "© 2024" count together. Run it after document dedup: syndicated copies are not a site's
    boilerplate. A corpus without site information (``meta.site`` or ``meta.url``) is one site.
    """

    min_docs: int = 5
    prior: SiteIndex | None = None
    name: str = "drop-site-boilerplate"
    index: SiteIndex = field(default_factory=SiteIndex, compare=False, repr=False)
    _seen: list[bool] = field(default_factory=lambda: [False], compare=False, repr=False)

    def observe(self, docs: Iterable[Document]) -> None:
        """Count paragraphs per site (starting from ``prior`` when given)."""
        self.start_observation()
        for doc in docs:
            self.index.add_document(site_of(doc), (p.text for p in paragraphs(doc.text)))

    def start_observation(self) -> None:
        """Reset the counts to ``prior`` (or nothing) and count as observed from here on; an
        engine that counts elsewhere (Ray) fills :attr:`index` after this."""
        self.index.counts.clear()
        self.index.examples.clear()
        if self.prior is not None:
            self.index.merge(self.prior)
        self._seen[0] = True

    @property
    def observed(self) -> bool:
        """Whether paragraph counts from an observation are loaded."""
        return self._seen[0]

    def forget(self) -> None:
        """Stop judging by the counts, so that none outlives the corpus it was made for. They
        stay readable in :attr:`index` (``--save-site-index`` writes them after the run) until
        the next observation starts afresh."""
        self._seen[0] = False

    def __call__(self, doc: Document) -> Outcome:
        """Cut every paragraph whose site count reaches the threshold."""
        site = site_of(doc)
        spans: list[Span] = []
        for paragraph in paragraphs(doc.text):
            if not normalize_key(paragraph.text):
                continue
            count = self.index.counts.get((site, _paragraph_key(paragraph.text)), 0)
            if count >= self.min_docs:
                start, end = block_extent(doc.text, paragraph.start, paragraph.end)
                where = f"site {site}" if site else "the corpus"
                spans.append(
                    Span(
                        start,
                        end,
                        "site-boilerplate",
                        "",
                        f"recurs in {count} documents of {where}",
                    )
                )
        return cut(doc, trim_overlaps(spans), step=self.name)
