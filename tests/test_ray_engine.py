"""The Ray engine gives the local engine's output and manifest (needs cleankit[ray]; skips without)."""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

from cleankit.io.corpus import read_documents
from cleankit.run import clean_corpus
from tests.conftest import SAMPLES


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    ray = pytest.importorskip("ray", reason="install cleankit[ray] for the Ray engine")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level=logging.ERROR)
    yield
    ray.shutdown()


def corpus_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(SAMPLES, folder)
    lines = [
        json.dumps(
            {"id": "extra-1", "text": "Story Code : 9\nHarga beras naik lagi di pasar induk kota."}
        ),
        "{broken json",
        json.dumps({"id": "kabarnusa-0001", "text": "A second record that reuses an id."}),
        json.dumps(
            {"id": "extra-2", "text": "JAKARTA - Harga beras naik lagi di pasar induk kota."}
        ),
    ]
    (folder / "more.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.mark.usefixtures("local_ray")
def test_ray_engine_matches_the_local_engine(tmp_path: Path) -> None:
    folder = corpus_dir(tmp_path)
    index = {name: tmp_path / f"{name}-site.parquet" for name in ("local", "ray")}
    local = clean_corpus(read_documents(folder), tmp_path / "local", save_site_index=index["local"])
    remote = clean_corpus(
        read_documents(folder), tmp_path / "ray", engine="ray", save_site_index=index["ray"]
    )
    assert remote.statuses == local.statuses
    assert local.statuses["error"] == 2
    assert (tmp_path / "ray" / "documents.jsonl").read_bytes() == (
        tmp_path / "local" / "documents.jsonl"
    ).read_bytes()
    manifests = [
        pl.read_parquet(tmp_path / name / "manifest.parquet").drop("started_at")
        for name in ("local", "ray")
    ]
    assert manifests[0].equals(manifests[1])
    assert pl.read_parquet(index["ray"]).equals(pl.read_parquet(index["local"]))
