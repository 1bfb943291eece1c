"""Auditing manifests: summaries, one document's story, restore, verification and run diffs.

Everything returns polars DataFrames or plain values; the CLI only formats them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from cleankit.document import Edit, restore, sha256_text
from cleankit.errors import InputError
from cleankit.io import read_output_pairs
from cleankit.manifest import PROVENANCE_COLUMNS, read_manifest, row_digest
from cleankit.outputs import RUN_RECORD, file_sha256, read_run_record

__all__ = [
    "Problem",
    "check_pair",
    "diff_manifests",
    "edits_of",
    "explain",
    "first_texts",
    "restore_documents",
    "summarize",
    "verify",
    "verify_folder",
    "verify_frame",
    "verify_output",
]


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


@dataclass(frozen=True, slots=True)
class Problem:
    """One verification failure, named by document and kind."""

    doc_id: str
    kind: str
    detail: str

    def __str__(self) -> str:
        return f"{self.doc_id}: {self.kind}: {self.detail}"


def restore_documents(
    manifest: pl.DataFrame, outputs: Mapping[str, str]
) -> Iterator[tuple[str, str | None, Problem | None]]:
    """Rebuild every input text from the output and the edits; check it against input_sha256.

    Yields ``(doc_id, text, problem)``; ``text`` is None for error rows, which have no input.
    """
    for row in manifest.iter_rows(named=True):
        doc_id = row["doc_id"]
        if row["status"] == "error":
            yield doc_id, None, None
            continue
        if row["status"] == "kept":
            if doc_id not in outputs:
                yield (
                    doc_id,
                    None,
                    Problem(doc_id, "missing", "kept in the manifest but absent from the output"),
                )
                continue
            cleaned = outputs[doc_id]
        else:
            cleaned = ""
        try:
            text = restore(cleaned, edits_of(row))
        except ValueError as error:
            yield doc_id, None, Problem(doc_id, "unrestorable", str(error))
            continue
        if sha256_text(text) != row["input_sha256"]:
            yield (
                doc_id,
                text,
                Problem(doc_id, "restore-mismatch", "restored text does not match input_sha256"),
            )
        else:
            yield doc_id, text, None


def verify(
    manifest: pl.DataFrame, outputs: Mapping[str, str] | Iterable[tuple[str, str]]
) -> list[Problem]:
    """Check every manifest row against the output, and restore against the input hash.

    ``outputs`` is the output as ``(id, text)`` pairs in file order (what
    :func:`cleankit.io.read_output_pairs` gives), so a record that appears twice is found; a
    mapping is accepted too. Each row's own digest (``row_sha256``) is checked as well, so a
    rule name, reason or provenance value changed after the run is reported.
    """
    problems: list[Problem] = []
    if isinstance(outputs, Mapping):
        texts = dict(outputs)
    else:
        texts, repeats = first_texts(outputs)
        problems.extend(
            Problem(doc_id, "repeated", "appears more than once in the output")
            for doc_id in repeats
        )
    for row in manifest.iter_rows(named=True):
        if row["row_sha256"] != row_digest(row):
            problems.append(
                Problem(
                    str(row["doc_id"]),
                    "row-altered",
                    "the manifest row does not match its row_sha256 (changed after the run)",
                )
            )
    kept = {
        r["doc_id"]: r["output_sha256"]
        for r in manifest.filter(pl.col("status") == "kept").iter_rows(named=True)
    }
    for doc_id in texts:
        if doc_id not in kept:
            problems.append(Problem(doc_id, "extra", "in the output but not kept in the manifest"))
    for doc_id, expected in kept.items():
        if doc_id in texts and sha256_text(texts[doc_id]) != expected:
            problems.append(Problem(doc_id, "altered", "output text does not match output_sha256"))
    altered = {p.doc_id for p in problems if p.kind != "row-altered"}
    for doc_id, _, problem in restore_documents(manifest, texts):
        if problem is not None and doc_id not in altered:
            problems.append(problem)
    return problems


def first_texts(pairs: Iterable[tuple[str, str]]) -> tuple[dict[str, str], list[str]]:
    """``{id: text}`` of the first record with each id, and the id of every later record that
    repeats one (once per extra copy, in file order)."""
    texts: dict[str, str] = {}
    repeats: list[str] = []
    for doc_id, text in pairs:
        if doc_id in texts:
            repeats.append(doc_id)
        else:
            texts[doc_id] = text
    return texts, repeats


def verify_output(
    manifest: pl.DataFrame, output: str | Path, *, record: Mapping[str, Any] | None = None
) -> list[Problem]:
    """:func:`check_pair` and :func:`verify` over an output file as it lies on disk."""
    return check_pair(manifest, output, record=record) + verify(manifest, read_output_pairs(output))


def check_pair(
    manifest: pl.DataFrame, output: str | Path, *, record: Mapping[str, Any] | None = None
) -> list[Problem]:
    """Do the documents file and the manifest come from one run? Checked against the run
    record (``run.json``) that ``clean`` commits beside them: the manifest's run id and the
    documents file's digest must both be the recorded ones. No record (files moved elsewhere,
    or written by the library's writers): nothing to check here; :func:`verify` still compares
    every text with its hash. ``record``: the folder's run record when the caller has read
    it already (it is read, after settling the folder, otherwise).
    """
    target = Path(output)
    if record is None:
        record = read_run_record(target.parent)
    if record is None or record.get("documents") != target.name:
        return []
    problems: list[Problem] = []
    run_ids = sorted(set(manifest.get_column("run_id").drop_nulls().to_list()))
    if run_ids != [record.get("run_id")]:
        problems.append(
            Problem(
                "(run)",
                "mismatched-pair",
                f"the manifest is from run {', '.join(run_ids) or 'none'} but {target.name} "
                f"is from run {record.get('run_id')} (see {RUN_RECORD})",
            )
        )
    if file_sha256(target) != record.get("documents_sha256"):
        problems.append(
            Problem(
                "(run)",
                "mismatched-pair",
                f"{target.name} is not the file run {record.get('run_id')} wrote "
                f"(its digest differs from {RUN_RECORD})",
            )
        )
    return problems


def verify_folder(folder: str | Path) -> tuple[dict[str, Any], list[Problem]]:
    """Verify an output folder that ``clean`` wrote, as a reader finds it: finish a commit a
    killed run left half done, then :func:`check_pair` and :func:`verify` over its pair.

    Returns the run record and the problems; a folder without a run record is an InputError.
    """
    out = Path(folder)
    record = read_run_record(out)
    if record is None:
        raise InputError(f"no {RUN_RECORD}: not an output folder of cleankit clean", path=str(out))
    manifest = read_manifest(out / str(record.get("manifest", "manifest.parquet")))
    documents = out / str(record.get("documents", "documents.jsonl"))
    return record, verify_output(manifest, documents, record=record)


def verify_frame(manifest: pl.DataFrame, outputs: Mapping[str, str]) -> pl.DataFrame:
    """:func:`verify` as a DataFrame (doc_id, kind, detail): empty when everything checks out."""
    rows = [(p.doc_id, p.kind, p.detail) for p in verify(manifest, outputs)]
    return pl.DataFrame(
        rows, schema={"doc_id": pl.String, "kind": pl.String, "detail": pl.String}, orient="row"
    )


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
