"""What changed between two runs' manifests."""

from __future__ import annotations

from collections import Counter
from typing import Any

import polars as pl


def _edit_keys(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(
        "doc_id",
        "status",
        rules=pl.col("edits").list.eval(
            pl.element().struct.field("step")
            + "/"
            + pl.element().struct.field("rule").fill_null("")
        ),
        output_sha256="output_sha256",
    )


def diff_manifests(old: pl.DataFrame, new: pl.DataFrame) -> pl.DataFrame:
    """Documents whose status, output or edits differ between two runs, with the rules involved.

    Columns: doc_id, change (added / removed / status / edits), old_status, new_status,
    rules_gained, rules_lost (step/rule strings, one per edit).
    """
    joined = _edit_keys(old).join(
        _edit_keys(new), on="doc_id", how="full", suffix="_new", coalesce=True
    )
    rows: list[dict[str, Any]] = []
    for row in joined.sort("doc_id").iter_rows(named=True):
        before, after = row["rules"] or [], row["rules_new"] or []
        gained = sorted((Counter(after) - Counter(before)).elements())
        lost = sorted((Counter(before) - Counter(after)).elements())
        if row["status"] is None:
            change = "added"
        elif row["status_new"] is None:
            change = "removed"
        elif row["status"] != row["status_new"]:
            change = "status"
        elif gained or lost or row["output_sha256"] != row["output_sha256_new"]:
            change = "edits"
        else:
            continue
        rows.append(
            {
                "doc_id": row["doc_id"],
                "change": change,
                "old_status": row["status"],
                "new_status": row["status_new"],
                "rules_gained": gained,
                "rules_lost": lost,
            }
        )
    schema: dict[str, pl.DataType] = {
        "doc_id": pl.String(),
        "change": pl.String(),
        "old_status": pl.String(),
        "new_status": pl.String(),
        "rules_gained": pl.List(pl.String()),
        "rules_lost": pl.List(pl.String()),
    }
    return pl.DataFrame(rows, schema=schema)
