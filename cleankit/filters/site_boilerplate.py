"""Paragraphs that recur across one site's documents: boilerplate no rule names yet."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import xxhash

from cleankit.core.chain import Observer
from cleankit.core.document import Document, Outcome, Span, cut
from cleankit.core.errors import InputError
from cleankit.core.sites import site_of
from cleankit.core.text import (
    block_extent,
    normalize_key,
    paragraphs,
    trim_overlaps,
)
from cleankit.io.files import atomic_write


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
