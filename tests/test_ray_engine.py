"""The Ray engine gives the local engine's output and manifest (needs cleankit[ray]; skips without)."""

from __future__ import annotations

import json
import logging
import shutil
import sys
from collections.abc import Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest

from cleankit.core.chain import Chain, Observer
from cleankit.core.document import Document, Outcome, Span, cut
from cleankit.filters.normalize import FixText
from cleankit.filters.sites import site_of
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


@dataclass(frozen=True)
class DocumentsPerSite(Observer[dict[str, int]]):
    """A new observer, known to neither engine: how many documents each site has."""

    name: str = "documents-per-site"

    def map(self, batch: Sequence[tuple[int, Document]]) -> Iterator[tuple[Hashable, int]]:
        for seq, doc in batch:
            yield site_of(doc), seq

    def merge(self, key: Hashable, values: Sequence[int]) -> Iterator[tuple[str, int]]:
        yield str(key), len(values)

    def finish(self, results: Iterable[tuple[str, int]]) -> dict[str, int]:
        return dict(sorted(results))

    def judge(self, doc: Document, state: dict[str, int]) -> Outcome:
        count = state[site_of(doc)]
        return cut(doc, [Span(0, 0, "site-size", f"[{count}] ")], step=self.name)


@pytest.mark.usefixtures("local_ray")
def test_a_new_observer_runs_on_both_engines_unchanged(tmp_path: Path) -> None:
    import ray.cloudpickle

    from cleankit.engines.local import run_chain
    from cleankit.engines.ray import ray_records

    # Ray's workers cannot import a test module: its classes travel by value, as a user's would
    # from a notebook.
    ray.cloudpickle.register_pickle_by_value(sys.modules[DocumentsPerSite.__module__])
    folder = corpus_dir(tmp_path)
    chain = Chain((FixText(), DocumentsPerSite()))
    states: dict[str, dict[str, dict[str, int]]] = {"local": {}, "ray": {}}
    local = list(run_chain(chain, read_documents(folder), states=states["local"]))
    remote = list(ray_records(chain, read_documents(folder), states=states["ray"]))
    assert states["local"] == states["ray"]
    counts = states["local"]["documents-per-site"]
    assert sum(counts.values()) == sum(1 for r in local if r.current is not None)
    assert len(counts) > 1
    assert [r.current.text if r.current else str(r.error) for r in remote] == [
        r.current.text if r.current else str(r.error) for r in local
    ]
    kept = next(r.current for r in local if r.current is not None)
    assert kept.text.startswith(f"[{counts[site_of(kept)]}] ")
