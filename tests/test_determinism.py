from __future__ import annotations

from pathlib import Path

import polars as pl

from cleankit.io import read_documents
from cleankit.pipeline import clean_corpus
from tests.conftest import SAMPLES


def test_two_runs_give_identical_outputs_and_manifests_except_started_at(tmp_path: Path) -> None:
    runs = []
    for name in ("one", "two"):
        clean_corpus(read_documents(SAMPLES), tmp_path / name)
        runs.append(tmp_path / name)
    first, second = (r / "documents.jsonl" for r in runs)
    assert first.read_bytes() == second.read_bytes()
    manifests = [pl.read_parquet(r / "manifest.parquet").drop("started_at") for r in runs]
    assert manifests[0].equals(manifests[1])
