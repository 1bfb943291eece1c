"""Saving and loading a site boilerplate index (Parquet: site, key, docs, example), so that a
run can start from the paragraph counts of earlier runs."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from cleankit.core.errors import InputError, first_line
from cleankit.filters.site_boilerplate import SiteIndex
from cleankit.io.files import atomic_write

__all__ = ["SITE_INDEX_SCHEMA", "read_site_index", "write_site_index"]

SITE_INDEX_SCHEMA = pl.Schema(
    {"site": pl.String, "key": pl.UInt64, "docs": pl.Int64, "example": pl.String}
)


def write_site_index(index: SiteIndex, path: str | Path) -> None:
    """Save the recurring paragraphs (count >= 2) atomically, sorted for byte-identical files."""
    rows = sorted(
        (site, key, count, index.examples.get((site, key), ""))
        for (site, key), count in index.counts.items()
        if count >= 2
    )
    frame = pl.DataFrame(rows, schema=SITE_INDEX_SCHEMA, orient="row")
    with atomic_write(path) as handle:
        frame.write_parquet(handle, statistics=False)


def read_site_index(path: str | Path) -> SiteIndex:
    """Load a saved index; a file that is not one is an InputError naming it."""
    try:
        frame = pl.read_parquet(path)
    except (OSError, pl.exceptions.PolarsError) as error:
        raise InputError(f"cannot read site index: {first_line(error)}", path=str(path)) from None
    if frame.schema != SITE_INDEX_SCHEMA:
        raise InputError(
            f"not a cleankit site index (expected columns {', '.join(SITE_INDEX_SCHEMA.names())})",
            path=str(path),
        )
    counts: dict[tuple[str, int], int] = {}
    examples: dict[tuple[str, int], str] = {}
    for site, key, count, example in frame.iter_rows():
        counts[(site, key)] = count
        if example:
            examples[(site, key)] = example
    return SiteIndex(counts, examples)
