from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest

from cleankit.core.errors import InputError
from cleankit.core.provenance import PROVENANCE_COLUMNS
from cleankit.io.manifest import SCHEMA, read_manifest, scan_manifest


def test_schema_is_exactly_the_declared_one(sample_run: Path) -> None:
    manifest = read_manifest(sample_run / "manifest.parquet")
    assert manifest.schema == SCHEMA


def test_provenance_columns_are_typed(sample_run: Path) -> None:
    manifest = read_manifest(sample_run / "manifest.parquet")
    for column, kind in PROVENANCE_COLUMNS.items():
        assert manifest.schema[column] == (pl.Boolean() if kind is bool else pl.String())
    assert manifest.filter(pl.col("machine_translated")).get_column("doc_id").to_list() == [
        "voi-en-5521"
    ]


def test_one_row_per_input_record_and_edits_explode(sample_run: Path) -> None:
    manifest = read_manifest(sample_run / "manifest.parquet")
    assert manifest.height == 15
    assert manifest.get_column("doc_id").n_unique() == 15
    edits = manifest.explode("edits").drop_nulls("edits").unnest("edits")
    assert {"step", "rule", "start", "end", "removed", "inserted", "why"} <= set(edits.columns)
    assert edits.filter(pl.col("rule") == "story-code-line").get_column("removed").to_list() == [
        "Story Code : 2208871\n"
    ]


def test_duckdb_reads_the_manifest(sample_run: Path) -> None:
    path = sample_run / "manifest.parquet"
    rows = duckdb.sql(
        f"select status, count(*) from '{path}' group by status order by status"
    ).fetchall()
    assert rows == [("duplicate", 3), ("kept", 12)]


def test_scan_refuses_files_that_are_not_manifests(tmp_path: Path) -> None:
    path = tmp_path / "other.parquet"
    pl.DataFrame({"x": [1]}).write_parquet(path)
    with pytest.raises(
        InputError, match=r"other.parquet: not a cleankit manifest: missing columns run_id, doc_id"
    ):
        scan_manifest(path)
    with pytest.raises(InputError, match=r"missing.parquet: no such manifest$"):
        scan_manifest(tmp_path / "missing.parquet")
