"""Cleaning a polars DataFrame column, dedup across rows included."""

from __future__ import annotations

from typing import Any

import polars as pl

from cleankit.adapters.columns import EMBED_COLUMNS, outcome_columns
from cleankit.core.chain import Chain
from cleankit.core.document import Document
from cleankit.core.errors import InputError
from cleankit.engines.local import run_chain
from cleankit.io.manifest import SCHEMA
from cleankit.run import default_chain


def clean_frame(
    frame: pl.DataFrame,
    *,
    column: str = "text",
    id_column: str | None = None,
    chain: Chain | None = None,
    output_column: str = "cleaned",
) -> pl.DataFrame:
    """Clean a text column of a DataFrame; the frame is one corpus, so dedup works across rows.

    Returns the frame with ``output_column`` (null for dropped rows) and the columns of
    :data:`EMBED_COLUMNS`, typed as in the manifest. Row order is kept.
    """
    if column not in frame.columns:
        raise InputError(f"no column {column!r} (columns: {', '.join(frame.columns)})")
    chain = chain or default_chain()
    ids = (
        frame[id_column].cast(pl.String)
        if id_column
        else pl.Series([str(i) for i in range(frame.height)])
    )
    docs = [
        Document(id=doc_id, text=text or "", source=column, line=number)
        for number, (doc_id, text) in enumerate(zip(ids, frame[column], strict=True), start=1)
    ]
    texts: list[str | None] = []
    rows: list[dict[str, Any]] = []
    for record in run_chain(chain, docs):
        texts.append(record.current.text if record.current is not None else None)
        rows.append(outcome_columns(record))
    schema = {name: SCHEMA[name] for name in EMBED_COLUMNS}
    added = pl.DataFrame(rows, schema=schema)
    return frame.with_columns(pl.Series(output_column, texts, dtype=pl.String)).hstack(added)
