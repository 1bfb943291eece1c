"""Sharded, compressed output (issue #14): every shard named before it is written, the manifest
naming each kept document's shard, and the shards round-tripping through restore and verify."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from cleankit import audit
from cleankit.cli.app import main
from cleankit.io.manifest import read_manifest
from cleankit.io.outputs import RUN_RECORD
from cleankit.io.shards import OutputLayout, is_documents_file
from cleankit.io.sources import open_binary
from cleankit.io.writers import read_output_pairs

LEAD = (
    "Dewan kota menyetujui anggaran perbaikan {n} ruas jalan desa pada rapat Kamis malam. "
    "Camat {name} mengatakan pekerjaan dimulai setelah musim hujan berakhir."
)
NAMES = ("Sulastri", "Bambang", "Yohana", "Rizal", "Martinus", "Fitriani", "Dedi", "Paulus")


def _corpus(path: Path, count: int = 23) -> dict[str, str]:
    """``count`` distinct stories (some opening with a dateline to strip), two exact copies."""
    texts: dict[str, str] = {}
    with path.open("w", encoding="utf-8") as handle:
        for n in range(count):
            story = LEAD.format(n=n * 13 + 7, name=NAMES[n % len(NAMES)])
            text = f"SEMARANG - {story} Nomor {n * 7919}." if n % 3 == 0 else f"{story} {n}."
            texts[f"doc-{n:02d}"] = text
        texts["copy-a"] = texts["doc-04"]
        texts["copy-b"] = texts["doc-05"]
        for doc_id, text in texts.items():
            handle.write(json.dumps({"id": doc_id, "text": text}) + "\n")
    return texts


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def _clean(corpus: Path, out: Path, *extra: str) -> None:
    code, output = _run("clean", str(corpus), "-o", str(out), "-q", *extra)
    assert code == 0, output


def test_shards_hold_shard_size_documents_each_and_the_manifest_names_them(
    tmp_path: Path,
) -> None:
    corpus = tmp_path / "in.jsonl"
    _corpus(corpus)
    out = tmp_path / "out"
    _clean(corpus, out, "--shard-size", "5", "--compression", "zst")
    record = json.loads((out / RUN_RECORD).read_text(encoding="utf-8"))
    manifest = read_manifest(out / "manifest.parquet")
    kept = manifest.filter(pl.col("status") == "kept")
    names = [f"documents-{n:05d}.jsonl.zst" for n in range(-(-kept.height // 5))]
    assert record["documents"] == names
    assert sorted(p.name for p in out.iterdir() if is_documents_file(p.name)) == names
    held: dict[str, str] = {}
    for name in names:
        with open_binary(out / name) as handle:
            assert handle.read(4) == b'{"id'  # a real zstd stream, decompressed
        pairs = read_output_pairs(out / name)
        assert len(pairs) == (5 if name != names[-1] else kept.height - 5 * (len(names) - 1))
        held.update(dict.fromkeys((doc_id for doc_id, _ in pairs), name))
    assert dict(kept.select("doc_id", "shard").iter_rows()) == held
    assert manifest.filter(pl.col("status") != "kept")["shard"].null_count() == (
        manifest.height - kept.height
    )
    assert record["documents_records"] == kept.height


def test_shards_round_trip_through_audit_verify_and_restore(tmp_path: Path) -> None:
    corpus = tmp_path / "in.jsonl"
    texts = _corpus(corpus)
    out = tmp_path / "out"
    _clean(corpus, out, "--shard-size", "4", "--compression", "gz")
    manifest = str(out / "manifest.parquet")
    shards = sorted(str(p) for p in out.glob("documents-*.jsonl.gz"))
    assert len(shards) > 3
    for outputs in ([str(out)], shards):
        code, output = _run("audit", "verify", manifest, *outputs)
        assert code == 0, output
        assert "0 problem(s)" in output
        restored = tmp_path / "restored.jsonl"
        code, output = _run("restore", *outputs, "--manifest", manifest, "-o", str(restored))
        assert code == 0, output
        back = [json.loads(line) for line in restored.read_text(encoding="utf-8").splitlines()]
        assert {r["id"]: r["text"] for r in back} == texts
    # One shard left out: its documents are missing, by name.
    code, output = _run("audit", "verify", manifest, *shards[1:])
    assert code == 1
    first = {doc_id for doc_id, _ in read_output_pairs(shards[0])}
    assert {line.split(":")[0] for line in output.splitlines() if ": missing:" in line} == first


def test_a_document_moved_to_another_shard_is_reported(tmp_path: Path) -> None:
    corpus = tmp_path / "in.jsonl"
    _corpus(corpus)
    out = tmp_path / "out"
    _clean(corpus, out, "--shard-size", "6", "--compression", "gz")
    first, second = out / "documents-00000.jsonl.gz", out / "documents-00001.jsonl.gz"
    lines = gzip.decompress(first.read_bytes()).splitlines(keepends=True)
    moved = json.loads(lines[0])["id"]
    first.write_bytes(gzip.compress(b"".join(lines[1:])))
    second.write_bytes(gzip.compress(gzip.decompress(second.read_bytes()) + lines[0]))
    problems = audit.verify_folder(out)[1]
    kinds = {(p.doc_id, p.kind) for p in problems}
    assert (moved, "wrong-shard") in kinds
    assert ("(run)", "mismatched-pair") in kinds  # both files differ from the run record
    assert {p.kind for p in problems} == {"wrong-shard", "mismatched-pair"}


@pytest.mark.parametrize(
    ("output_format", "compression", "ending"),
    [
        ("jsonl", "none", "jsonl"),
        ("jsonl", "gz", "jsonl.gz"),
        ("jsonl", "zst", "jsonl.zst"),
        ("jsonl", "bz2", "jsonl.bz2"),
        ("jsonl", "xz", "jsonl.xz"),
        ("parquet", "none", "parquet"),
        ("parquet", "gz", "parquet"),
        ("parquet", "zst", "parquet"),
    ],
)
def test_every_compression_round_trips_and_is_deterministic(
    tmp_path: Path, output_format: str, compression: str, ending: str
) -> None:
    corpus = tmp_path / "in.jsonl"
    _corpus(corpus)
    plain, packed, again = tmp_path / "plain", tmp_path / "packed", tmp_path / "again"
    _clean(corpus, plain)
    flags = ("--format", output_format, "--compression", compression)
    _clean(corpus, packed, *flags)
    _clean(corpus, again, *flags)
    name = f"documents.{ending}"
    assert read_output_pairs(packed / name) == read_output_pairs(plain / "documents.jsonl")
    assert (packed / name).read_bytes() == (again / name).read_bytes()
    assert audit.verify_folder(packed)[1] == []
    digest = hashlib.sha256((packed / name).read_bytes()).hexdigest()
    assert json.loads((packed / RUN_RECORD).read_text())["documents_sha256"] == {name: digest}


def test_a_new_layout_replaces_the_earlier_runs_documents_files(tmp_path: Path) -> None:
    corpus = tmp_path / "in.jsonl"
    _corpus(corpus)
    out = tmp_path / "out"
    _clean(corpus, out, "--shard-size", "3")
    assert len(list(out.glob("documents-*.jsonl"))) > 5
    (out / "notes.txt").write_text("mine\n")
    _clean(corpus, out, "--compression", "zst")
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "documents.jsonl.zst",
        "manifest.parquet",
        "notes.txt",
        RUN_RECORD,
    ]
    assert audit.verify_folder(out)[1] == []


def test_parquet_with_a_codec_it_lacks_is_a_one_line_usage_error(tmp_path: Path) -> None:
    corpus = tmp_path / "in.jsonl"
    _corpus(corpus)
    code, output = _run(
        "clean", str(corpus), "-o", str(tmp_path / "out"), "--format", "parquet",
        "--compression", "bz2",
    )  # fmt: skip
    assert code == 2
    assert output.strip().endswith(
        "Error: Parquet files cannot be compressed with bz2; choose none, gz, zst (or write JSONL)"
    )
    assert not (tmp_path / "out").exists()


def test_layout_names_every_shard_from_a_position() -> None:
    layout = OutputLayout("jsonl", "xz", 1000)
    assert layout.shard_of(0) == "documents-00000.jsonl.xz"
    assert layout.shard_of(999) == "documents-00000.jsonl.xz"
    assert layout.shard_of(1000) == "documents-00001.jsonl.xz"
    assert OutputLayout("parquet").shard_of(10**6) == "documents.parquet"
    assert OutputLayout("parquet").parquet_codec == "zstd"
    assert is_documents_file("documents-00012.jsonl.bz2")
    assert not is_documents_file("documents-notes.jsonl")
