"""The columns every adapter adds to a host's rows: the cleaned text, verdict, edits, provenance."""

from __future__ import annotations

from typing import Any

from cleankit.core.chain import Record
from cleankit.core.provenance import PROVENANCE_COLUMNS
from cleankit.io.manifest import manifest_row

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
