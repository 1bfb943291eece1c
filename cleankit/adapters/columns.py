"""What every adapter shares: host rows into documents, and the columns added to a host's rows.

A host row becomes a document exactly as a JSONL record does in ``cleankit clean``: its text
column is the text, its id column the id, every other column goes to ``meta`` (so ``site``,
``url``, ``date``, ``language`` and ``title`` reach the filters as they do on the command
line), and a row that cannot be a document (a null text) is an error row, never an exception.
So the same records give the same manifest rows in a host as on the command line.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from cleankit.core.chain import Record
from cleankit.core.document import Document
from cleankit.core.errors import DocumentError
from cleankit.core.provenance import PROVENANCE_COLUMNS
from cleankit.io.formats import record_to_document
from cleankit.io.manifest import SCHEMA, manifest_row

__all__ = ["EMBED_COLUMNS", "EMBED_SCHEMA", "host_document", "outcome_columns"]

#: Columns every adapter adds: the verdict, the edits, the language, the provenance, the error.
EMBED_COLUMNS = (
    "status",
    "dropped_by",
    "duplicate_of",
    "similarity",
    "cluster_id",
    "edits",
    "suspects",
    "language",
    *PROVENANCE_COLUMNS,
    "error",
)
#: Their types, the manifest's: fixed, so that no batch of a host infers a null-typed column.
EMBED_SCHEMA = pl.Schema({name: SCHEMA[name] for name in EMBED_COLUMNS})

#: Where a row's own position goes when the host has no id column (internal, never in meta).
_POSITION_KEY = "\0position"


def host_document(
    row: Mapping[str, Any],
    *,
    position: int,
    text_column: str,
    id_column: str | None,
    source: str,
) -> Document | DocumentError:
    """One host row as a document (or the error of a row that cannot be one).

    ``position`` is the row's place in the whole host dataset, counted from 0: the id of a row
    without an id column, and (plus one) its line in the manifest's ``source_line``.
    """
    record: Mapping[str, Any] = row
    if id_column is None:
        record = {**row, _POSITION_KEY: str(position)}
    try:
        return record_to_document(
            record,
            path=source,
            line=position + 1,
            text_key=text_column,
            id_key=id_column or _POSITION_KEY,
        )
    except DocumentError as error:
        error.doc_id = _row_id(row, id_column, position)
        return error


def _row_id(row: Mapping[str, Any], id_column: str | None, position: int) -> str | None:
    if id_column is None:
        return str(position)
    value = row.get(id_column)
    return None if value is None else str(value)


def outcome_columns(record: Record) -> dict[str, Any]:
    """The manifest's per-document fields for one record, as a plain dict."""
    row = manifest_row(record, run={})
    return {name: row[name] for name in EMBED_COLUMNS}
