"""Thin adapters that put cleankit's filters inside other pipelines.

Each adapter returns the cleaned text plus the manifest's per-document columns, so what a host
pipeline keeps can still be audited. None of them imports its host library: they work on the
host's plain data (a polars frame, a batch dict), and the datatrove step lives in
:mod:`cleankit.datatrove_step` because it must subclass datatrove's class.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

import polars as pl

from cleankit.chain import Chain, Record
from cleankit.document import Document
from cleankit.errors import InputError
from cleankit.manifest import PROVENANCE_COLUMNS, SCHEMA, manifest_row
from cleankit.pipeline import default_chain

__all__ = ["EMBED_COLUMNS", "clean_frame", "datasets_map_function", "outcome_columns"]

#: Columns every adapter adds: the cleaned text, the verdict, the edits and the provenance.
EMBED_COLUMNS = (
    "status",
    "dropped_by",
    "duplicate_of",
    "similarity",
    "cluster_id",
    "edits",
    *PROVENANCE_COLUMNS,
    "error",
)


def outcome_columns(record: Record) -> dict[str, Any]:
    """The manifest's per-document fields for one record, as a plain dict."""
    row = manifest_row(record, run={})
    return {name: row[name] for name in EMBED_COLUMNS}


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
    for record in chain.run(docs):
        texts.append(record.current.text if record.current is not None else None)
        rows.append(outcome_columns(record))
    schema = {name: SCHEMA[name] for name in EMBED_COLUMNS}
    added = pl.DataFrame(rows, schema=schema)
    return frame.with_columns(pl.Series(output_column, texts, dtype=pl.String)).hstack(added)


def datasets_map_function(
    *, column: str = "text", chain: Chain | None = None
) -> Callable[[Mapping[str, list[Any]]], dict[str, list[Any]]]:
    """A function for ``datasets.Dataset.map(fn, batched=True)``.

    It rewrites ``column`` with the cleaned text ("" for dropped documents, the text as it was
    for documents that failed) and adds ``cleankit_status``, ``cleankit_error`` and
    ``cleankit_edits`` (JSON) plus one ``cleankit_<column>`` per provenance column. Each batch
    is cleaned on its own, so corpus-level dedup is left out: run ``cleankit clean`` for that. Follow with ``.filter(lambda r: r["cleankit_status"] == "kept")``.
    """
    chain = chain or default_chain(corpus_level=False)

    def clean_batch(batch: Mapping[str, list[Any]]) -> dict[str, list[Any]]:
        out: dict[str, list[Any]] = {column: [], "cleankit_status": [], "cleankit_edits": []}
        for name in PROVENANCE_COLUMNS:
            out[f"cleankit_{name}"] = []
        out["cleankit_error"] = []
        for number, text in enumerate(batch[column]):
            doc = Document(id=str(number), text=text or "")
            # One document that fails (a rule past its timeout) is an error row, as in a run,
            # not an exception that ends the host's whole map; its text stays as it was.
            record = chain.record(doc)
            fields = outcome_columns(record)
            if record.error is not None:
                out[column].append(doc.text)
            else:
                out[column].append(record.current.text if record.current is not None else "")
            out["cleankit_status"].append(fields["status"])
            out["cleankit_error"].append(fields["error"])
            out["cleankit_edits"].append(json.dumps(fields["edits"], ensure_ascii=False))
            for name in PROVENANCE_COLUMNS:
                value = fields[name]
                out[f"cleankit_{name}"].append(None if value is None else str(value))
        return out

    return clean_batch
