from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest

from cleankit.core.document import Document

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
SAMPLES = ROOT / "samples"

# The test run keeps its own cache (the unpacked language model, cleankit.filters.
# language_model), shared by the processes it starts, and leaves none in the home directory.
_CACHE = tempfile.mkdtemp(prefix="cleankit-test-cache-")
os.environ.setdefault("CLEANKIT_CACHE_DIR", _CACHE)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    shutil.rmtree(_CACHE, ignore_errors=True)


@pytest.fixture
def seeds_dir() -> Path:
    if not SEEDS.is_dir():
        pytest.skip(
            f"seed articles not found at {SEEDS} (../shared/seeds is absent outside the workplace)"
        )
    return SEEDS


def make_doc(text: str, doc_id: str = "d1", **meta: Any) -> Document:
    return Document(id=doc_id, text=text, source="test", line=1, meta=meta)


@pytest.fixture
def write_jsonl(tmp_path: Path) -> Callable[..., Path]:
    def write(records: Iterable[Mapping[str, Any] | str], name: str = "in.jsonl") -> Path:
        path = tmp_path / name
        with path.open("w", encoding="utf-8") as handle:
            for record in records:
                line = record if isinstance(record, str) else json.dumps(record, ensure_ascii=False)
                handle.write(line + "\n")
        return path

    return write


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One default run over samples/, shared by the tests that only read its files."""
    from cleankit.io.corpus import read_documents
    from cleankit.run import clean_corpus

    out = tmp_path_factory.mktemp("sample-run")
    clean_corpus(read_documents(SAMPLES), out)
    return out
