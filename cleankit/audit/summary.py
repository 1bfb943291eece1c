"""The one summary of a run: tables over a manifest, and the counts a person reads after a run."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from cleankit.core.chain import Record
from cleankit.core.document import Edit
from cleankit.core.provenance import PROVENANCE_COLUMNS


def edits_of(row: Mapping[str, Any]) -> list[Edit]:
    """The edits of one manifest row as :class:`Edit` values, in the order they were made."""
    return [Edit(**edit) for edit in row["edits"] or []]


def summarize(manifest: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """The tables a reviewer reads first, keyed by name."""
    edits = manifest.select("doc_id", "edits").explode("edits").drop_nulls("edits").unnest("edits")
    # Removed and inserted apart: a repair that inserts (a split adds a line break) is not a
    # negative removal, and a replacement both removes and inserts.
    edits = edits.with_columns(
        chars=pl.col("removed").str.len_chars().cast(pl.Int64),
        inserted_chars=pl.col("inserted").str.len_chars().cast(pl.Int64),
    )
    clusters = (
        manifest.drop_nulls("cluster_id")
        .group_by("cluster_id")
        .agg(size=pl.len())
        .group_by("size")
        .agg(clusters=pl.len())
        .sort("size")
    )
    suspects = (
        manifest.select("doc_id", "suspects")
        .explode("suspects")
        .drop_nulls("suspects")
        .unnest("suspects")
        .with_columns(
            chars=pl.col("removed").str.len_chars().cast(pl.Int64),
            reason=pl.col("why")
            .str.extract(r"^guard: (cuts inside a word|would remove)")
            .replace({"would remove": "too large"})
            .fill_null("other"),
        )
    )
    provenance = [
        manifest.drop_nulls(column)
        .group_by(pl.col(column).cast(pl.String).alias("value"))
        .agg(documents=pl.len())
        .select(pl.lit(column).alias("column"), "value", "documents")
        for column in PROVENANCE_COLUMNS
    ]
    total = manifest.height
    translated = manifest.filter(pl.col("machine_translated").fill_null(False)).height
    return {
        "status": manifest.group_by("status")
        .agg(
            documents=pl.len(),
            chars_in=pl.col("chars_in").sum(),
            chars_out=pl.col("chars_out").sum(),
        )
        .sort("status"),
        "by_step": edits.group_by("step")
        .agg(
            edits=pl.len(),
            chars_removed=pl.col("chars").sum(),
            chars_inserted=pl.col("inserted_chars").sum(),
        )
        .sort("chars_removed", "step", descending=[True, False]),
        "by_rule": edits.group_by("step", "rule")
        .agg(
            edits=pl.len(),
            chars_removed=pl.col("chars").sum(),
            chars_inserted=pl.col("inserted_chars").sum(),
            documents=pl.col("doc_id").n_unique(),
        )
        .sort("chars_removed", "step", "rule", descending=[True, False, False]),
        "suspects": suspects.group_by("step", "rule", "reason")
        .agg(
            held=pl.len(),
            chars_held=pl.col("chars").sum(),
            documents=pl.col("doc_id").n_unique(),
        )
        .sort("chars_held", "step", "rule", descending=[True, False, False]),
        "clusters": clusters,
        "provenance": pl.concat(provenance).sort(
            "column", "documents", "value", descending=[False, True, False]
        ),
        "machine_translated": pl.DataFrame(
            {
                "documents": [total],
                "machine_translated": [translated],
                "share": [translated / total if total else 0.0],
            }
        ),
        "errors": manifest.filter(pl.col("status") == "error").select(
            "doc_id", "source", "source_line", "error"
        ),
    }


@dataclass
class RunSummary:
    """Counts a person reads after a run; also what ``audit summary`` recomputes from a manifest."""

    output: Path
    manifest: Path
    statuses: Counter[str] = field(default_factory=Counter)
    dropped_by: Counter[str] = field(default_factory=Counter)
    edits_by_rule: Counter[str] = field(default_factory=Counter)
    #: Characters each step took out and put in (repairs replace; splits insert line breaks).
    chars_removed_by_step: Counter[str] = field(default_factory=Counter)
    chars_inserted_by_step: Counter[str] = field(default_factory=Counter)
    chars_in: int = 0
    chars_out: int = 0
    suspects: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    skipped: tuple[Path, ...] = ()

    @property
    def records(self) -> int:
        """Input records seen, malformed ones included."""
        return sum(self.statuses.values())

    def to_dict(self) -> dict[str, Any]:
        """The summary as plain JSON values (``clean --json``): paths as strings, counters as
        objects sorted by key, without zero counts."""

        def counts(counter: Counter[str]) -> dict[str, int]:
            return {key: value for key, value in sorted(counter.items()) if value}

        return {
            "output": str(self.output),
            "manifest": str(self.manifest),
            "records": self.records,
            "statuses": counts(self.statuses),
            "dropped_by": counts(self.dropped_by),
            "edits_by_rule": counts(self.edits_by_rule),
            "chars_removed_by_step": counts(self.chars_removed_by_step),
            "chars_inserted_by_step": counts(self.chars_inserted_by_step),
            "chars_in": self.chars_in,
            "chars_out": self.chars_out,
            "suspects": counts(self.suspects),
            "errors": list(self.errors),
            "skipped": [str(p) for p in self.skipped],
        }

    def add(self, record: Record, row: dict[str, Any]) -> None:
        """Account for one record. A failed record counts as a record, not as characters in or
        out: its text was never cleaned, so nothing of it was removed."""
        self.statuses[row["status"]] += 1
        if row["status"] != "error":
            self.chars_in += row["chars_in"] or 0
            self.chars_out += row["chars_out"] or 0
        if row["dropped_by"]:
            self.dropped_by[row["dropped_by"]] += 1
        if record.error is not None:
            self.errors.append(str(record.error))
        for edit in row["suspects"]:
            self.suspects[f"{edit['step']}/{edit['rule']}"] += 1
        for edit in row["edits"]:
            self.edits_by_rule[f"{edit['step']}/{edit['rule']}"] += 1
            self.chars_removed_by_step[edit["step"]] += len(edit["removed"])
            self.chars_inserted_by_step[edit["step"]] += len(edit["inserted"])
