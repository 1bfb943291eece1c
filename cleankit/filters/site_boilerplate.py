"""Paragraphs that recur across one site's documents: boilerplate no rule names yet.

The observation counts, for each site, how many documents hold each paragraph (by a digest
with case, punctuation and digits masked, so "© 2023" and "© 2024" count together). Its three
phases: each document gives its distinct paragraph digests (map), each digest's documents are
counted (merge), and the recurring ones make the :class:`SiteIndex` (finish). In one process
(:meth:`DropSiteBoilerplate.reduce`) the digests are counted compactly instead: most
paragraphs occur once, and grouping every one with its text held 9 KB a document.
"""

from __future__ import annotations

import array
import tempfile
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

import numpy as np

from cleankit.core.chain import Observer
from cleankit.core.document import Document, Outcome, Span, cut, trim_overlaps
from cleankit.core.memo import masked_digest
from cleankit.core.text import block_extent, words
from cleankit.filters.sites import site_of

__all__ = ["DropSiteBoilerplate", "SiteIndex", "paragraph_key"]

#: Characters of a recurring paragraph kept as its example in the index.
EXAMPLE_CHARS = 200


def paragraph_key(text: str) -> int | None:
    """Digest of a paragraph with case, punctuation and digits masked: near repeats share it.
    None for a paragraph without a word (a rule of dashes, an emoji), which is never counted."""
    return masked_digest(words(text))


@dataclass(frozen=True)
class SiteIndex:
    """How many documents of each site hold each recurring paragraph (count 2 or more).

    ``counts`` maps ``(site, digest)`` to a document count; ``examples`` holds the text of the
    document that brought the count to two (cut to :data:`EXAMPLE_CHARS`). Saved as Parquet by
    :mod:`cleankit.io.site_index`, so a later run can start from the counts of earlier ones.
    """

    counts: Mapping[tuple[str, int], int] = field(default_factory=dict)
    examples: Mapping[tuple[str, int], str] = field(default_factory=dict)


#: What a run without a saved index starts from (made once: ``merge`` runs for every digest).
_NO_PRIOR = SiteIndex()


@dataclass(frozen=True)
class DropSiteBoilerplate(Observer[SiteIndex]):
    """Remove paragraphs that recur in at least ``min_docs`` documents of the same site.

    These are boilerplate no rule names yet (newsletter pitches, "follow us" lines, legal
    notes). Run it after document dedup: syndicated copies are not a site's boilerplate. A
    corpus without site information (``meta.site`` or ``meta.url``) is one site. ``prior``
    (a saved index) adds its counts to this corpus's.
    """

    min_docs: int = 5
    prior: SiteIndex | None = None
    name: str = "drop-site-boilerplate"

    def map(
        self, batch: Sequence[tuple[int, Document]]
    ) -> Iterator[tuple[Hashable, tuple[int, str]]]:
        """Each document's distinct paragraph digests, once per document, with its text."""
        for seq, doc in batch:
            site = site_of(doc)
            memo = doc.memo
            keyed = zip(memo.digests(doc.text), memo.paragraphs(doc.text), strict=True)
            texts = {key: p.text for key, p in keyed if key is not None}
            for key, text in texts.items():
                yield (site, key), (seq, text[:EXAMPLE_CHARS])

    def merge(
        self, key: Hashable, values: Sequence[tuple[int, str]]
    ) -> Iterator[tuple[tuple[str, int], int, str]]:
        """The digest's count, prior included, and its example: the prior's, or the text of
        the document that brings the count to two. Digests seen once are left out."""
        assert isinstance(key, tuple)
        prior = self.prior or _NO_PRIOR
        before = prior.counts.get(key, 0)
        total = before + len(values)
        if total < 2:
            return
        # the prior's example, or the text of the document that brings the count to two
        example = prior.examples.get(key, "") if before >= 2 else sorted(values)[1 - before][1]
        yield key, total, example

    def reduce(self, pairs: Iterable[tuple[Hashable, Any]]) -> SiteIndex:
        """The index :meth:`merge` and :meth:`finish` give, from :meth:`map`'s pairs in input
        order, holding 12 bytes a paragraph: each site as a number, each digest in an array,
        and the example texts in a spill file, read back only for digests that recur."""
        sites: dict[str, int] = {}
        site_ids = array.array("I")
        digests = array.array("Q")
        ends = array.array("q", [0])  # pair p's text is bytes ends[p]:ends[p + 1] of the spill
        with tempfile.TemporaryFile() as spill:
            for slot, (_, text) in pairs:
                assert isinstance(slot, tuple)  # map gives (site, digest)
                site, digest = slot
                site_ids.append(sites.setdefault(site, len(sites)))
                digests.append(digest)
                data = text.encode("utf-8")
                spill.write(data)
                ends.append(ends[-1] + len(data))
            names = list(sites)
            return self.finish(self._recurring(names, site_ids, digests, spill, ends))

    def _recurring(
        self,
        names: Sequence[str],
        site_ids: array.array[int],
        digests: array.array[int],
        spill: IO[bytes],
        ends: array.array[int],
    ) -> Iterator[tuple[tuple[str, int], int, str]]:
        """:meth:`merge`'s results, in the order their digests first occur: runs of equal
        (site, digest) after a stable sort, so each run lists its documents in input order."""
        site = np.frombuffer(site_ids, dtype=np.uint32)
        digest = np.frombuffer(digests, dtype=np.uint64)
        if not digest.size:
            return
        order = np.lexsort((digest, site))  # stable: a run keeps its documents in input order
        site, digest = site[order], digest[order]
        new_run = np.ones(order.size, dtype=bool)
        new_run[1:] = (site[1:] != site[:-1]) | (digest[1:] != digest[:-1])
        starts = np.flatnonzero(new_run)
        lengths = np.diff(np.append(starts, order.size))
        prior = self.prior or _NO_PRIOR
        if not prior.counts:  # without a prior, a digest seen once cannot recur
            starts, lengths = starts[lengths >= 2], lengths[lengths >= 2]
        runs = sorted(zip(order[starts].tolist(), starts.tolist(), lengths.tolist(), strict=True))
        spill.flush()
        for _, start, length in runs:
            key = (names[site[start]], int(digest[start]))
            before = prior.counts.get(key, 0)
            if before + length < 2:
                continue
            if before >= 2:
                example = prior.examples.get(key, "")
            else:  # the text of the document that brings the count to two
                at = int(order[start + 1 - before])
                spill.seek(ends[at])
                example = spill.read(ends[at + 1] - ends[at]).decode("utf-8")
            yield key, before + length, example

    def finish(self, results: Iterable[tuple[tuple[str, int], int, str]]) -> SiteIndex:
        """The index: the prior's counts, with this corpus's added."""
        prior = self.prior or _NO_PRIOR
        counts = dict(prior.counts)
        examples = dict(prior.examples)
        for slot, total, example in results:
            counts[slot] = total
            if example:
                examples[slot] = example
        return SiteIndex(counts, examples)

    def judge(self, doc: Document, state: SiteIndex) -> Outcome:
        """Cut every paragraph whose site count reaches the threshold."""
        site = site_of(doc)
        spans: list[Span] = []
        memo = doc.memo
        for key, paragraph in zip(memo.digests(doc.text), memo.paragraphs(doc.text), strict=True):
            if key is None:
                continue
            count = state.counts.get((site, key), 0)
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
