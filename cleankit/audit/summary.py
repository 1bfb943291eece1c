"""The one summary of a run: tables over a manifest, and the counts a person reads after a run."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from cleankit.core.document import Edit
from cleankit.core.provenance import PROVENANCE_COLUMNS


def edits_of(row: Mapping[str, Any]) -> list[Edit]:
    """The edits of one manifest row as :class:`Edit` values, in the order they were made."""
    return [Edit(**edit) for edit in row["edits"] or []]


def summarize(frame: pl.DataFrame | pl.LazyFrame) -> dict[str, pl.DataFrame]:
    """The tables a reviewer reads first, keyed by name: the one summary of a run.

    ``audit summary`` and the report read them from a manifest, and a run's own
    :class:`RunSummary` is made from them (:meth:`RunSummary.take`), so the counts printed after
    a run and those recomputed later cannot disagree. A LazyFrame (a scanned manifest) is read
    once, without loading it whole.
    """
    manifest = frame.lazy()
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
    translated = manifest.select(
        documents=pl.len().cast(pl.Int64),
        machine_translated=pl.col("machine_translated").fill_null(False).sum().cast(pl.Int64),
    ).with_columns(
        share=pl.when(pl.col("documents") > 0)
        .then(pl.col("machine_translated") / pl.col("documents"))
        .otherwise(0.0)
    )
    tables = {
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
        "machine_translated": translated,
        "dropped_by": manifest.drop_nulls("dropped_by")
        .group_by("dropped_by")
        .agg(documents=pl.len())
        .sort("dropped_by"),
        "errors": manifest.filter(pl.col("status") == "error").select(
            "doc_id", "source", "source_line", "error"
        ),
    }
    return dict(zip(tables, pl.collect_all(list(tables.values())), strict=True))


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
    #: Every documents file written (one, or the shards in order); ``output`` is the first.
    outputs: tuple[Path, ...] = ()

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
            "outputs": [str(p) for p in self.outputs or (self.output,)],
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

    def take(self, tables: Mapping[str, pl.DataFrame]) -> None:
        """Set the counts from :func:`summarize`'s tables of the run's manifest. A failed
        record counts as a record, not as characters in or out: its text was never cleaned."""
        self.statuses = Counter()
        self.chars_in = self.chars_out = 0
        for status, documents, chars_in, chars_out in tables["status"].iter_rows():
            self.statuses[status] = documents
            if status != "error":
                self.chars_in += chars_in or 0
                self.chars_out += chars_out or 0
        self.dropped_by = Counter(dict(tables["dropped_by"].iter_rows()))
        by_rule = tables["by_rule"].sort("step", "rule")
        self.edits_by_rule = Counter(
            {
                f"{step}/{rule}": edits
                for step, rule, edits in by_rule.select("step", "rule", "edits").iter_rows()
            }
        )
        by_step = tables["by_step"].sort("step")
        self.chars_removed_by_step = Counter(
            dict(by_step.select("step", "chars_removed").iter_rows())
        )
        self.chars_inserted_by_step = Counter(
            dict(by_step.select("step", "chars_inserted").iter_rows())
        )
        held = (
            tables["suspects"]
            .group_by("step", "rule")
            .agg(pl.col("held").sum())
            .sort("step", "rule")
        )
        self.suspects = Counter({f"{step}/{rule}": count for step, rule, count in held.iter_rows()})
        self.errors = tables["errors"].get_column("error").to_list()
