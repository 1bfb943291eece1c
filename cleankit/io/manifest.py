"""The provenance manifest: one Parquet row per input record, schema declared here and only here."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import polars as pl

from cleankit.core.chain import Record
from cleankit.core.document import Edit, sha256_text
from cleankit.core.errors import InputError, first_line
from cleankit.core.provenance import PROVENANCE_COLUMNS
from cleankit.filters.sites import site_of

__all__ = [
    "EDIT_STRUCT",
    "SCHEMA",
    "manifest_row",
    "manifest_rows",
    "read_manifest",
    "row_digest",
    "scan_manifest",
]


EDIT_STRUCT = pl.Struct(
    {
        "step": pl.String,
        "rule": pl.String,
        "start": pl.Int64,
        "end": pl.Int64,
        "removed": pl.String,
        "inserted": pl.String,
        "why": pl.String,
    }
)

_COLUMNS: dict[str, pl.DataType] = {
    "run_id": pl.String(),
    "doc_id": pl.String(),
    "source": pl.String(),
    "source_line": pl.Int64(),
    "status": pl.String(),
    "dropped_by": pl.String(),
    "duplicate_of": pl.String(),
    "similarity": pl.Float64(),
    "cluster_id": pl.String(),
    "input_sha256": pl.String(),
    "output_sha256": pl.String(),
    "shard": pl.String(),
    "chars_in": pl.Int64(),
    "chars_out": pl.Int64(),
    "edits": pl.List(EDIT_STRUCT),
    "suspects": pl.List(EDIT_STRUCT),
    "title": pl.String(),
    "site": pl.String(),
    "url": pl.String(),
    "language": pl.String(),
    **{
        name: pl.Boolean() if kind is bool else pl.String()
        for name, kind in PROVENANCE_COLUMNS.items()
    },
    "error": pl.String(),
    "cleankit_version": pl.String(),
    "rules_sha256": pl.String(),
    "options": pl.String(),
    "started_at": pl.Datetime("us", "UTC"),
    "row_sha256": pl.String(),
}
SCHEMA = pl.Schema(_COLUMNS)


def _edit_dict(edit: Edit) -> dict[str, Any]:
    return {
        "step": edit.step,
        "rule": edit.rule,
        "start": edit.start,
        "end": edit.end,
        "removed": edit.removed,
        "inserted": edit.inserted,
        "why": edit.why,
    }


#: Columns a row's digest leaves out: the start time differs between identical runs by design.
_UNDIGESTED = ("started_at", "row_sha256")


def row_digest(row: Mapping[str, Any]) -> str:
    """SHA-256 of one row's values (edits, provenance, status, hashes...) as canonical JSON.

    Written with every row and checked by ``audit verify``: a rule name, reason or provenance
    value changed after the run no longer matches. It is a checksum, not a signature: it finds
    edits made by hand or by a tool that does not know it, not a forger who recomputes it.
    """
    values = {name: row[name] for name in SCHEMA.names() if name not in _UNDIGESTED}
    return sha256_text(
        json.dumps(values, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    )


def manifest_row(
    record: Record, *, run: Mapping[str, Any], shard: str | None = None
) -> dict[str, Any]:
    """One manifest row for one record; ``run`` holds the per-run columns (run_id, options...),
    ``shard`` the documents file a kept document was written to (relative to the output)."""
    row = _row_values(record, run=run)
    if row["status"] == "kept":
        row["shard"] = shard
    row["row_sha256"] = row_digest(row)
    return row


def _row_values(record: Record, *, run: Mapping[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(SCHEMA.names())
    row.update(run)
    original = record.original
    if original is not None:
        row.update(
            doc_id=original.id,
            source=original.source,
            source_line=original.line,
            input_sha256=sha256_text(original.text),
            chars_in=len(original.text),
        )
        title = original.meta.get("title")
        row["title"] = str(title) if title is not None else None
        url = original.meta.get("url")
        row.update(
            site=site_of(original) or None,
            url=url if isinstance(url, str) and url else None,
            language=original.language,
        )
    row["edits"] = []
    row["suspects"] = []
    if record.error is not None:
        error = record.error
        row.update(status="error", error=str(error))
        if original is None:
            row.update(
                doc_id=error.doc_id or (f"{error.path}:{error.line}" if error.line else error.path),
                source=error.path,
                source_line=error.line,
            )
        return row
    outcome = record.outcome
    assert outcome is not None
    row["edits"] = [_edit_dict(edit) for edit in outcome.edits]
    row["suspects"] = [_edit_dict(edit) for edit in outcome.suspects]
    for name, value in outcome.provenance.items():
        row[name] = value  # the identified language too (cleankit.filters.language)
    row.update(
        dropped_by=outcome.dropped_by,
        duplicate_of=outcome.duplicate_of,
        similarity=outcome.similarity,
        cluster_id=outcome.cluster_id,
    )
    if outcome.doc is None:
        row["status"] = "duplicate" if outcome.duplicate_of else "dropped"
        row["chars_out"] = 0
    else:
        row.update(
            status="kept",
            output_sha256=sha256_text(outcome.doc.text),
            chars_out=len(outcome.doc.text),
        )
    return row


def manifest_rows(
    records: Iterable[Record], *, run: Mapping[str, Any] | None = None
) -> pl.DataFrame:
    """The manifest of records an engine gave (``run_chain(chain, docs)``), any chain's: one
    row per record with exactly :data:`SCHEMA`. ``run`` fills the per-run columns (``run_id``,
    ``options``, ``started_at``...); without it they are null. For a corpus too large to hold
    its manifest in memory, write it with :func:`cleankit.clean_corpus`."""
    values = run or {}
    return to_frame(manifest_row(record, run=values) for record in records)


def to_frame(rows: Iterable[Mapping[str, Any]]) -> pl.DataFrame:
    """Build the manifest DataFrame with exactly :data:`SCHEMA`."""
    return pl.DataFrame(list(rows), schema=SCHEMA)


def read_manifest(path: str | Path) -> pl.DataFrame:
    """Read a manifest eagerly; an unreadable or foreign file is an InputError naming it."""
    return scan_manifest(path).collect()


def scan_manifest(path: str | Path) -> pl.LazyFrame:
    """Scan a manifest lazily, after checking that it has the manifest's columns."""
    target = Path(path)
    if not target.is_file():
        raise InputError("no such manifest", path=str(target))
    try:
        schema = pl.read_parquet_schema(target)
    except (OSError, pl.exceptions.PolarsError) as error:
        raise InputError(f"not a Parquet file: {first_line(error)}", path=str(target)) from None
    missing = [name for name in SCHEMA.names() if name not in schema]
    if missing:
        raise InputError(
            f"not a cleankit manifest: missing columns {', '.join(missing)}", path=str(target)
        )
    return pl.scan_parquet(target)


def now() -> dt.datetime:
    """The run's start time (UTC): the one value allowed to differ between identical runs."""
    return dt.datetime.now(dt.UTC)
