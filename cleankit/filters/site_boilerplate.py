"""Paragraphs that recur across one site's documents: boilerplate no rule names yet.

The observation counts, for each site, how many documents hold each paragraph (by a digest
with case, punctuation and digits masked, so "© 2023" and "© 2024" count together). Its three
phases: each document gives its distinct paragraph digests (map), each digest's documents are
counted (merge), and the recurring ones make the :class:`SiteIndex` (finish).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import xxhash

from cleankit.core.chain import Observer
from cleankit.core.document import Document, Outcome, Span, cut
from cleankit.core.text import block_extent, normalize_key, paragraphs, trim_overlaps
from cleankit.filters.sites import site_of

__all__ = ["DropSiteBoilerplate", "SiteIndex", "paragraph_key"]

#: Characters of a recurring paragraph kept as its example in the index.
EXAMPLE_CHARS = 200


def paragraph_key(text: str) -> int:
    """Digest of a paragraph with case, punctuation and digits masked: near repeats share it."""
    return xxhash.xxh64_intdigest(normalize_key(text, mask_digits=True).encode("utf-8"))


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
            texts = {
                paragraph_key(p.text): p.text for p in paragraphs(doc.text) if normalize_key(p.text)
            }
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
        for paragraph in paragraphs(doc.text):
            if not normalize_key(paragraph.text):
                continue
            count = state.counts.get((site, paragraph_key(paragraph.text)), 0)
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
