from __future__ import annotations

from collections import Counter
from pathlib import Path

import polars as pl
import pytest

from cleankit.core.document import Document
from cleankit.core.errors import SettingsError
from cleankit.filters.normalize import _ASCII_FTFY_WORK
from cleankit.io.corpus import read_documents
from cleankit.run import clean_corpus
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


def test_ftfy_runs_once_per_document_in_a_full_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ftfy

    calls: list[str] = []
    original = ftfy.fix_text

    def counting(text: str, config: object = None) -> str:
        calls.append(text)
        return original(text, config)  # type: ignore[arg-type]

    monkeypatch.setattr(ftfy, "fix_text", counting)
    summary = clean_corpus(read_documents(SAMPLES), tmp_path / "out")
    assert summary.records == 15
    # Once for each document ftfy has work in; plain ASCII skips it (the fast path).
    texts = [doc.text for doc in read_documents(SAMPLES) if isinstance(doc, Document)]
    needing = [t for t in texts if not t.isascii() or _ASCII_FTFY_WORK.search(t)]
    assert 0 < len(needing) < 15
    assert sorted(calls) == sorted(needing)


def test_two_workers_give_the_same_output_and_manifest(tmp_path: Path) -> None:
    clean_corpus(read_documents(SAMPLES), tmp_path / "one")
    clean_corpus(read_documents(SAMPLES), tmp_path / "two", workers=2)
    assert (tmp_path / "one" / "documents.jsonl").read_bytes() == (
        tmp_path / "two" / "documents.jsonl"
    ).read_bytes()
    one, two = (
        pl.read_parquet(tmp_path / n / "manifest.parquet").drop("started_at")
        for n in ("one", "two")
    )
    assert one.equals(two)


def test_with_workers_the_parent_never_unpickles_a_spooled_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Spooled records go to the workers as the bytes they were written: the parent, which
    the workers wait on, does not unpickle each one only to pickle it again."""
    from cleankit.engines import local

    opened: list[bool] = []
    original = local._opened

    def counting(item: object) -> object:
        opened.append(isinstance(item, bytes))
        return original(item)  # type: ignore[arg-type]

    monkeypatch.setattr(local, "_opened", counting)
    clean_corpus(read_documents(SAMPLES), tmp_path / "two", workers=2)
    assert not any(opened)  # the workers opened them, in their own processes
    clean_corpus(read_documents(SAMPLES), tmp_path / "one")
    assert any(opened)  # one process opens its own spool


def test_parquet_written_in_batches_equals_one_batch(tmp_path: Path) -> None:
    from cleankit.io.files import ParquetParts
    from cleankit.io.manifest import SCHEMA

    clean_corpus(read_documents(SAMPLES), tmp_path / "run")
    frame = pl.read_parquet(tmp_path / "run" / "manifest.parquet")
    parts = ParquetParts(tmp_path / "batched.parquet", SCHEMA, batch_rows=4)
    for row in frame.iter_rows(named=True):
        parts.add(row)
    parts.finish()
    assert pl.read_parquet(tmp_path / "batched.parquet").equals(frame)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["batched.parquet", "run"]


def test_progress_is_reported_once_per_record_of_every_pass(tmp_path: Path) -> None:
    ticks: list[str] = []
    passes: list[str] = []
    summary = clean_corpus(
        read_documents(SAMPLES),
        tmp_path / "out",
        progress=lambda: ticks.append(passes[-1]),
        on_pass=passes.append,
    )
    assert passes == [
        "clean",
        "index drop-near-duplicates",
        "apply drop-near-duplicates",
        "index drop-site-boilerplate",
        "apply drop-site-boilerplate",
        "write manifest",
    ]
    assert summary.records == 15
    assert Counter(ticks) == {
        "clean": 15,
        "apply drop-near-duplicates": 15,
        "apply drop-site-boilerplate": 15,
    }


def test_unknown_engine_or_format_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown engine 'spark'"):
        clean_corpus(read_documents(SAMPLES), tmp_path / "out", engine="spark")
    with pytest.raises(SettingsError, match="unknown output format 'csv'"):
        clean_corpus(read_documents(SAMPLES), tmp_path / "out", output_format="csv")
    assert not (tmp_path / "out").exists()
