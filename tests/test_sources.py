"""Inputs from anywhere fsspec reaches, compressed or not, by glob, and from standard input."""

from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import zstandard
from click.testing import CliRunner

from cleankit.cli.app import main
from cleankit.core.document import Document
from cleankit.core.errors import InputError
from cleankit.io.corpus import read_documents
from cleankit.io.sources import spool_stdin

RECORDS = [
    {
        "id": "a",
        "text": "JAKARTA - Harga beras naik di pasar induk kota pekan ini.\nStory Code : 11",
    },
    {"id": "b", "text": "Petani mulai menanam kopi jenis baru yang tahan kemarau panjang."},
]
PAYLOAD = "".join(json.dumps(r) + "\n" for r in RECORDS).encode()
COMPRESS = {
    "": lambda b: b,
    ".gz": gzip.compress,
    ".zst": lambda b: zstandard.ZstdCompressor().compress(b),
    ".bz2": bz2.compress,
    ".xz": lzma.compress,
}


def texts(items: object) -> list[tuple[str, str]]:
    found = list(items)  # type: ignore[call-overload]
    assert all(isinstance(i, Document) for i in found), found
    return [(d.id, d.text) for d in found]


@pytest.mark.parametrize("ending", list(COMPRESS))
def test_compressed_jsonl_is_read_by_its_name(tmp_path: Path, ending: str) -> None:
    path = tmp_path / f"news.jsonl{ending}"
    path.write_bytes(COMPRESS[ending](PAYLOAD))
    corpus = read_documents([path])
    assert texts(corpus) == [(r["id"], r["text"]) for r in RECORDS]
    assert corpus.estimate_records() == 2


def test_a_local_glob_reads_its_matches_in_order_and_an_empty_one_is_an_error(
    tmp_path: Path,
) -> None:
    for n, ending in enumerate((".zst", ".gz")):
        (tmp_path / f"part-{n}.jsonl{ending}").write_bytes(
            COMPRESS[ending](json.dumps({"id": f"p{n}", "text": "Teks."}).encode() + b"\n")
        )
    (tmp_path / "notes.md").write_text("not an input", encoding="utf-8")
    corpus = read_documents([str(tmp_path / "*")])
    assert [d.id for d in corpus] == ["p0", "p1"]  # type: ignore[union-attr]
    assert [p.name for p in corpus.skipped] == ["notes.md"]
    with pytest.raises(InputError, match=r"no file matches$"):
        read_documents([str(tmp_path / "*.parquet")])


@pytest.fixture
def bucket() -> Iterator[str]:
    """A stand-in for an object store: fsspec's in-memory file system, emptied afterwards."""
    import fsspec

    memory = fsspec.filesystem("memory")
    root = "memory://bucket-for-tests"
    memory.pipe(f"{root}/news/2024-01.jsonl.zst", COMPRESS[".zst"](PAYLOAD))
    memory.pipe(
        f"{root}/news/2024-02.jsonl.gz",
        gzip.compress(json.dumps({"id": "c", "text": "Banjir surut di pesisir."}).encode()),
    )
    memory.pipe(f"{root}/news/README.txt", b"Kabar\nA file of another kind.")
    frame = pl.DataFrame({"id": ["d"], "text": ["Hujan turun sepanjang sore di kota."]})
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    memory.pipe(f"{root}/tables/one.parquet", buffer.getvalue())
    yield root
    memory.rm(root, recursive=True)


def test_a_remote_parquet_file_is_counted_from_its_footer(
    bucket: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import fsspec

    from cleankit.io.formats import parquet_rows
    from cleankit.io.sources import RemoteFile

    texts = [f"Berita nomor {n} tentang panen padi di lereng bukit." * 4 for n in range(20_000)]
    buffer = io.BytesIO()
    pl.DataFrame({"id": [str(n) for n in range(20_000)], "text": texts}).write_parquet(
        buffer, row_group_size=2_000
    )
    fsspec.filesystem("memory").pipe(f"{bucket}/big/rows.parquet", buffer.getvalue())
    read: list[int] = []
    opened = RemoteFile.open

    def counting(self: RemoteFile, mode: str = "rb") -> Any:
        handle = opened(self, mode)
        original = handle.read

        def read_some(size: int = -1) -> bytes:
            data: bytes = original(size)
            read.append(len(data))
            return data

        handle.read = read_some
        return handle

    monkeypatch.setattr(RemoteFile, "open", counting)
    corpus = read_documents([f"{bucket}/big/rows.parquet", f"{bucket}/tables/one.parquet"])
    assert corpus.estimate_records() == 20_001
    assert sum(read) < len(buffer.getvalue()) / 20  # the footers, not the pages
    fsspec.filesystem("memory").pipe(f"{bucket}/big/fake.parquet", b"x" * 64)
    fake = read_documents([f"{bucket}/big/fake.parquet"])
    with pytest.raises(OSError, match="not a Parquet file"):
        parquet_rows(fake.paths[0])
    assert fake.estimate_records() == 1  # the reader reports the file itself


def test_urls_globs_and_folders_through_fsspec(bucket: str) -> None:
    corpus = read_documents([f"{bucket}/news/*.jsonl.*"])
    assert [d.id for d in corpus] == ["a", "b", "c"]  # type: ignore[union-attr]
    # fsspec's own spelling of each file's URL (the memory file system roots paths at "/")
    assert [str(p) for p in corpus.paths] == [
        "memory:///bucket-for-tests/news/2024-01.jsonl.zst",
        "memory:///bucket-for-tests/news/2024-02.jsonl.gz",
    ]
    folder = read_documents([f"{bucket}/news", f"{bucket}/tables/one.parquet"])
    ids = [getattr(d, "id", None) for d in folder]
    assert ids == ["a", "b", "c", "README", "d"]  # files in path order
    with pytest.raises(InputError, match="no file matches"):
        read_documents([f"{bucket}/news/*.parquet"])
    with pytest.raises(InputError, match="no such file or folder"):
        read_documents([f"{bucket}/missing.jsonl"])


def test_clean_reads_a_bucket_glob_and_its_shards_restore_and_verify(
    bucket: str, tmp_path: Path
) -> None:
    runner = CliRunner()
    out = tmp_path / "out"
    result = runner.invoke(
        main,
        [
            "clean",
            f"{bucket}/news/*.jsonl.*",
            "-o",
            str(out),
            *("--shard-size", "2", "--compression", "zst"),
        ],
    )
    assert result.exit_code == 0, result.output
    manifest = pl.read_parquet(out / "manifest.parquet")
    assert [s.rsplit("/", 1)[1] for s in manifest["source"]] == [
        "2024-01.jsonl.zst",
        "2024-01.jsonl.zst",
        "2024-02.jsonl.gz",
    ]
    assert manifest["story_code"].to_list() == ["11", None, None]
    shards = sorted(str(p) for p in out.glob("documents-*.jsonl.zst"))
    assert [Path(p).name for p in shards] == [
        "documents-00000.jsonl.zst",
        "documents-00001.jsonl.zst",
    ]
    assert manifest["shard"].to_list() == [Path(shards[0]).name] * 2 + [Path(shards[1]).name]
    verified = runner.invoke(main, ["audit", "verify", str(out / "manifest.parquet"), *shards])
    assert verified.exit_code == 0, verified.output
    restored = tmp_path / "restored.jsonl"
    result = runner.invoke(
        main,
        ["restore", *shards, "--manifest", str(out / "manifest.parquet"), "-o", str(restored)],
    )
    assert result.exit_code == 0, result.output
    back = [json.loads(line) for line in restored.read_text(encoding="utf-8").splitlines()]
    assert [(r["id"], r["text"]) for r in back][:2] == [(r["id"], r["text"]) for r in RECORDS]


def test_standard_input_is_read_as_jsonl(tmp_path: Path) -> None:
    spooled = spool_stdin(io.BytesIO(PAYLOAD))
    assert str(spooled) == "-"
    runner = CliRunner()
    out = tmp_path / "out"
    result = runner.invoke(main, ["clean", "-", "-o", str(out)], input=PAYLOAD)
    assert result.exit_code == 0, result.output
    manifest = pl.read_parquet(out / "manifest.parquet")
    assert manifest["doc_id"].to_list() == ["a", "b"]
    assert manifest["source"].to_list() == ["-", "-"]


def test_a_url_of_a_backend_that_is_not_installed_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["clean", "nosuchscheme://bucket/x.jsonl", "-o", str(tmp_path / "o")]
    )
    assert result.exit_code == 2
    assert "nosuchscheme://bucket/x.jsonl" in result.output
    assert "Traceback" not in result.output
