"""Cleaning a polars DataFrame (or LazyFrame) column, dedup across rows included."""

from __future__ import annotations

from typing import overload

import polars as pl

from cleankit.adapters.columns import EMBED_SCHEMA, host_document, outcome_columns
from cleankit.core.chain import Chain
from cleankit.core.errors import InputError
from cleankit.engines.local import run_chain
from cleankit.run import default_chain


@overload
def clean_frame(
    frame: pl.DataFrame,
    *,
    column: str = ...,
    id_column: str | None = ...,
    chain: Chain | None = ...,
    output_column: str = ...,
    prefix: str = ...,
) -> pl.DataFrame: ...
@overload
def clean_frame(
    frame: pl.LazyFrame,
    *,
    column: str = ...,
    id_column: str | None = ...,
    chain: Chain | None = ...,
    output_column: str = ...,
    prefix: str = ...,
) -> pl.LazyFrame: ...
def clean_frame(
    frame: pl.DataFrame | pl.LazyFrame,
    *,
    column: str = "text",
    id_column: str | None = None,
    chain: Chain | None = None,
    output_column: str = "cleaned",
    prefix: str = "",
) -> pl.DataFrame | pl.LazyFrame:
    """Clean a text column; the frame is one corpus, so dedup works across rows.

    Returns a frame of the same kind (a LazyFrame is collected to be cleaned and handed back
    lazy) with ``output_column`` (null for dropped and failed rows) and the columns of
    :data:`~cleankit.adapters.columns.EMBED_SCHEMA`, typed as in the manifest. Every other
    column reaches the filters as ``meta`` (``site``, ``url``, ``date``, ``language``,
    ``title``), as a JSONL field does on the command line. Row order is kept; a null text is
    an error row. Without ``id_column``, a row's id is its position ("0", "1", ...).
    ``prefix`` goes in front of each added column's name: a frame that has columns of those
    names (``language``, ``author``) needs one, and is refused without it rather than
    overwritten.
    """
    lazy = isinstance(frame, pl.LazyFrame)
    data = frame.collect() if isinstance(frame, pl.LazyFrame) else frame
    if column not in data.columns:
        raise InputError(f"no column {column!r} (columns: {', '.join(data.columns)})")
    if id_column is not None and id_column not in data.columns:
        raise InputError(f"no id column {id_column!r} (columns: {', '.join(data.columns)})")
    names = [output_column, *(prefix + name for name in EMBED_SCHEMA.names())]
    clashing = [name for name in names if name in data.columns]
    if clashing:
        raise InputError(
            f"the frame already has column{'s' if len(clashing) > 1 else ''} "
            f"{', '.join(clashing)}; pass prefix='cleankit_' (or another output_column)"
        )
    chain = chain or default_chain()
    docs = [
        host_document(
            row, position=position, text_column=column, id_column=id_column, source="polars"
        )
        for position, row in enumerate(data.iter_rows(named=True))
    ]
    texts: list[str | None] = []
    rows = []
    for record in run_chain(chain, docs):
        texts.append(record.current.text if record.current is not None else None)
        rows.append(outcome_columns(record))
    added = pl.DataFrame(rows, schema=EMBED_SCHEMA).rename(lambda name: prefix + name)
    out = data.with_columns(pl.Series(output_column, texts, dtype=pl.String)).hstack(added)
    return out.lazy() if lazy else out
