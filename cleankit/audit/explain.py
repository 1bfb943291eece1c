"""One document's story: what was removed, by which step and rule, and why."""

from __future__ import annotations

import polars as pl

from cleankit.audit.summary import edits_of
from cleankit.core.errors import InputError
from cleankit.core.provenance import PROVENANCE_COLUMNS


def explain(manifest: pl.DataFrame, doc_id: str, *, context: int = 30) -> str:
    """What happened to one document, step by step, with a little context around each cut."""
    rows = manifest.filter(pl.col("doc_id") == doc_id)
    if rows.height == 0:
        raise InputError(f"no document {doc_id!r} in the manifest")
    row = rows.row(0, named=True)
    lines = [f"{row['doc_id']} ({row['source']}:{row['source_line']}): {row['status']}"]
    if row["status"] == "error":
        lines.append(f"  error: {row['error']}")
        return "\n".join(lines)
    if row["duplicate_of"]:
        lines.append(f"  duplicate of {row['duplicate_of']} (jaccard {row['similarity']:.2f})")
    elif row["dropped_by"]:
        lines.append(f"  dropped by {row['dropped_by']}")
    lines.append(f"  characters: {row['chars_in']} in, {row['chars_out']} out")
    provenance = {c: row[c] for c in PROVENANCE_COLUMNS if row[c] is not None}
    if provenance:
        lines.append("  provenance: " + ", ".join(f"{k}={v}" for k, v in provenance.items()))
    for edit in edits_of(row):
        change = (
            f"removed {edit.removed!r}"
            if not edit.inserted
            else f"replaced {edit.removed!r} with {edit.inserted!r}"
        )
        if len(edit.removed) > 2 * context + 20:
            change = f"removed {edit.removed[:context]!r}...{edit.removed[-context:]!r} ({len(edit.removed)} chars)"
        lines.append(f"  {edit.step} / {edit.rule}: {change}")
        lines.append(f"      why: {edit.why}")
    if len(lines) == 3 + bool(provenance) and not row["dropped_by"]:
        lines.append("  no edits")
    return "\n".join(lines)
