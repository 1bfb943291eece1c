"""Every adapter gives the command line's manifest rows for the same records."""

from __future__ import annotations

import gzip
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import polars as pl
import pytest

import cleankit
from cleankit.adapters.columns import EMBED_COLUMNS
from cleankit.adapters.polars_frames import clean_frame
from cleankit.core.settings import Settings
from cleankit.io.corpus import read_documents
from cleankit.run import clean_corpus

CITIES = ("JAKARTA", "SURABAYA", "MEDAN", "KUPANG")
STORIES = (
    "Harga beras di pasar induk naik tiga kali dalam sebulan terakhir, kata para pedagang.",
    "Pemerintah kota membuka dua posko banjir baru setelah hujan deras semalam.",
    "The port authority said container traffic rose for the fourth month in a row.",
    "Petani di lereng gunung mulai menanam kopi jenis baru yang tahan kemarau.",
)


def _record(n: int, *, junk: bool) -> dict[str, Any]:
    story = STORIES[n % len(STORIES)]
    body = f"{story} Laporan nomor {n} mencatat {n % 97} keluhan warga sejak awal pekan."
    if junk:
        city = CITIES[n % len(CITIES)]
        body = f"{city} - {body}\nBaca juga: Banjir rob di pesisir utara {n}\nStory Code : {n}"
    return {
        "id": f"doc-{n}",
        "text": body,
        "site": "m.kabar-contoh.co.id" if n % 2 else "kabar-contoh.co.id",
        "url": f"https://kabar-contoh.co.id/berita/{n}",
        "date": f"2024-03-{1 + n % 28:02d}",
    }


def records(count: int, *, plain_first: int = 0) -> list[dict[str, Any]]:
    """``count`` invented records; the first ``plain_first`` carry no junk (no provenance)."""
    rows = [_record(n, junk=n >= plain_first) for n in range(count)]
    rows.append({"id": "empty", "text": "Story Code : 1", "site": "x.example", "url": None})
    rows.append({"id": "null-text", "text": None, "site": "x.example", "url": None})
    return rows


def cli_manifest(rows: Sequence[dict[str, Any]], tmp_path: Path, *, dedup: bool) -> pl.DataFrame:
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    summary = clean_corpus(
        read_documents([source]), tmp_path / "cli", settings=Settings(dedup=dedup)
    )
    return pl.read_parquet(summary.manifest)


def by_id(frame: pl.DataFrame, columns: Sequence[str], *, id_column: str = "doc_id") -> dict:
    """Rows by id; an error by its cause (its location differs: a file's line, a host's row)."""
    found = {row[id_column]: {c: row[c] for c in columns} for row in frame.iter_rows(named=True)}
    for row in found.values():
        if row.get("error"):
            row["error"] = row["error"].split(": ", 1)[1]
    return found


def test_clean_frame_gives_the_cli_manifest_rows(tmp_path: Path) -> None:
    rows = records(60)
    expected = cli_manifest(rows, tmp_path, dedup=True)
    frame = pl.DataFrame(rows)
    out = clean_frame(frame, id_column="id", prefix="ck_")
    renamed = out.rename({f"ck_{c}": c for c in EMBED_COLUMNS})
    assert by_id(renamed, EMBED_COLUMNS, id_column="id") == by_id(expected, EMBED_COLUMNS)
    # the host's columns reached the filters: sites grouped, provenance and language found
    assert out.filter(pl.col("id") == "doc-1")["ck_dateline_city"].item() == "SURABAYA"
    assert out.filter(pl.col("id") == "null-text")["ck_error"].item().endswith("is null")
    assert set(expected["site"].drop_nulls()) == {"kabar-contoh.co.id", "x.example"}


def test_clean_frame_takes_a_lazy_frame_and_refuses_clashing_columns() -> None:
    lazy = pl.LazyFrame({"text": [STORIES[0]], "language": ["id"]})
    with pytest.raises(cleankit.InputError, match="already has column language; pass prefix"):
        clean_frame(lazy)
    out = clean_frame(lazy, prefix="cleankit_")
    assert isinstance(out, pl.LazyFrame)
    assert out.collect()["cleankit_language"].to_list() == ["id"]


def test_manifest_rows_of_a_custom_chain_and_clean_corpus_of_documents(tmp_path: Path) -> None:
    chain = cleankit.Chain((cleankit.load_rules().strip(),), name="only-rules")
    docs = [cleankit.Document(id=r["id"], text=r["text"]) for r in records(4)[:4]]
    frame = cleankit.manifest_rows(cleankit.run_chain(chain, docs))
    assert frame.schema == cleankit.SCHEMA
    assert frame["story_code"].to_list() == ["0", "1", "2", "3"]
    summary = cleankit.clean_corpus(iter(docs), tmp_path / "out", chain=chain)
    written = pl.read_parquet(summary.manifest)
    assert written["shard"].to_list() == ["documents.jsonl"] * 4  # a file: only a run has one
    run_columns = ("started_at", "row_sha256", "options", "run_id", "cleankit_version")
    assert written.drop(*run_columns, "rules_sha256", "shard").equals(
        frame.drop(*run_columns, "rules_sha256", "shard")
    )
    assert json.loads(pl.read_parquet(summary.manifest)["options"][0])["chain"] == ["strip-rules"]


def test_clean_corpus_refuses_what_is_not_a_document(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="a Corpus \\(read_documents\\) or Documents, not str"):
        cleankit.clean_corpus(["news.jsonl"], tmp_path / "out")  # type: ignore[list-item]


def test_hugging_face_dataset_of_10k_rows_in_two_processes(tmp_path: Path) -> None:
    datasets = pytest.importorskip("datasets", reason="install cleankit[datasets]")
    from cleankit.adapters.hf_datasets import clean_dataset

    rows = records(10_000, plain_first=1_500)  # the first batch finds no provenance at all
    expected = cli_manifest(rows, tmp_path, dedup=False)
    data = datasets.Dataset.from_list(rows)
    out = clean_dataset(data, id_column="id", num_proc=2)
    frame = out.to_polars().rename({f"cleankit_{c}": c for c in EMBED_COLUMNS})
    assert by_id(frame, EMBED_COLUMNS, id_column="id") == by_id(expected, EMBED_COLUMNS)
    assert out.features["cleankit_machine_translated"].dtype == "bool"
    assert out[1_600]["cleankit_edits"][0]["rule"] == "dateline-city-caps"
    kept = expected.filter(pl.col("status") == "kept")
    assert kept.height == out.filter(lambda r: r["cleankit_status"] == "kept").num_rows


def test_the_datasets_map_function_needs_ids_that_do_not_restart() -> None:
    pytest.importorskip("datasets", reason="install cleankit[datasets]")
    from cleankit.adapters.hf_datasets import datasets_map_function

    clean = datasets_map_function()
    with pytest.raises(cleankit.InputError, match="with_indices=True"):
        clean({"text": [STORIES[0]]})
    out = clean({"text": [STORIES[0], None]}, [4000, 4001])
    assert out["cleankit_status"] == ["kept", "error"]
    assert out["cleankit_error"][1] == "datasets:4002: field 'text' is null"  # row 4001, from 1


def _read_jsonl_gz(folder: Path) -> list[dict[str, Any]]:
    found = []
    for path in sorted(folder.glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            found.extend(json.loads(line) for line in handle)
    return found


def test_datatrove_pipeline_in_two_tasks_gives_the_cli_rows(tmp_path: Path) -> None:
    pytest.importorskip("datatrove", reason="install cleankit[datatrove]")
    pytest.importorskip("orjson", reason="install cleankit[datatrove]")
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    from cleankit.adapters.datatrove_step import CleankitStep

    rows = [r for r in records(40) if r["text"] is not None]
    inputs = tmp_path / "in"
    inputs.mkdir()
    for part in range(2):
        (inputs / f"part-{part}.jsonl").write_text(
            "".join(json.dumps(r) + "\n" for r in rows[part::2]), encoding="utf-8"
        )
    expected = by_id(cli_manifest(rows, tmp_path, dedup=False), EMBED_COLUMNS)
    LocalPipelineExecutor(
        pipeline=[
            JsonlReader(str(inputs)),
            CleankitStep(exclusion_writer=JsonlWriter(str(tmp_path / "excluded"))),
            JsonlWriter(str(tmp_path / "out")),
        ],
        tasks=2,
        logging_dir=str(tmp_path / "logs"),
    ).run()
    kept = _read_jsonl_gz(tmp_path / "out")
    excluded = _read_jsonl_gz(tmp_path / "excluded")
    assert len(kept) + len(excluded) == len(rows)
    for doc in kept + excluded:
        meta = doc["metadata"]
        want = expected[doc["id"]]
        found = {c: meta.get(f"cleankit_{c}") for c in EMBED_COLUMNS}
        found["edits"] = meta.get("cleankit_edits", [])
        found["suspects"] = meta.get("cleankit_suspects", [])
        assert found == want, doc["id"]
    assert [d["metadata"]["filter_reason"] for d in excluded] == ["cleankit:drop-empty"]
