"""The output pair is one unit (issue #13): staged, committed together under a lock, verified
as a pair; a failure at any point leaves the earlier pair, and leftovers of a killed run go."""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from cleankit import audit
from cleankit.cli.app import main
from cleankit.io.manifest import read_manifest
from cleankit.io.outputs import COMMIT, LOCK, RUN_RECORD, finish_interrupted_commit
from cleankit.io.writers import read_output_pairs

ARTICLE = (
    "Pemerintah kota meresmikan jembatan baru di atas sungai pada Senin pagi. "
    "Warga menyambut pembukaan itu karena perjalanan ke pasar kini lebih singkat."
)


def _corpus(path: Path, marker: str, count: int = 4) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for n in range(count):
            text = f"{marker} nomor {n}. {ARTICLE} Catatan {marker} {n * 7919}."
            handle.write(json.dumps({"id": f"{marker}-{n}", "text": text}) + "\n")
    return path


def _clean(corpus: Path, out: Path, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["clean", str(corpus), "-o", str(out), *extra])
    return result.exit_code, result.output


def _verify(out: Path) -> tuple[int, str]:
    result = CliRunner().invoke(
        main, ["audit", "verify", str(out / "manifest.parquet"), str(out / "documents.jsonl")]
    )
    return result.exit_code, result.output


def _snapshot(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file()}


def test_a_run_commits_the_pair_and_its_run_record(tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, _ = _clean(_corpus(tmp_path / "a.jsonl", "alpha"), out)
    assert code == 0
    record = json.loads((out / RUN_RECORD).read_text(encoding="utf-8"))
    manifest = read_manifest(out / "manifest.parquet")
    assert record["run_id"] == manifest["run_id"][0]
    assert record["documents"] == ["documents.jsonl"]
    assert record["documents_records"] == 4
    # Nothing of the run's machinery is left but the lock file.
    assert sorted(p.name for p in out.iterdir()) == [
        LOCK,
        "documents.jsonl",
        "manifest.parquet",
        RUN_RECORD,
    ]
    assert _verify(out)[0] == 0


def test_a_second_run_on_a_locked_folder_fails_with_a_clear_message(tmp_path: Path) -> None:
    out = tmp_path / "out"
    corpus = _corpus(tmp_path / "a.jsonl", "alpha")
    assert _clean(corpus, out)[0] == 0
    before = _snapshot(out)
    holder = os.open(out / LOCK, os.O_RDWR)
    try:
        fcntl.flock(holder, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.ftruncate(holder, 0)
        os.write(holder, b"4242")
        code, output = _clean(_corpus(tmp_path / "b.jsonl", "beta"), out)
    finally:
        os.close(holder)
    assert code == 1
    assert output.strip().splitlines() == [
        f"Error: {out}: another cleankit run is writing to this folder (pid 4242); wait for it "
        "to finish or choose another output folder"
    ]
    after = _snapshot(out)
    after.pop(LOCK), before.pop(LOCK)
    assert after == before


def test_a_failure_during_the_run_leaves_the_earlier_pair(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    assert _clean(_corpus(tmp_path / "a.jsonl", "alpha"), out)[0] == 0
    before = _snapshot(out)

    import cleankit.io.writers

    real = cleankit.io.writers.write_documents

    def full_disk(docs: object, path: object, **options: object) -> int:
        real(docs, path, **options)  # type: ignore[arg-type]
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(cleankit.io.writers, "write_documents", full_disk)
    code, output = _clean(_corpus(tmp_path / "b.jsonl", "beta"), out)
    assert code == 1
    [line] = [line for line in output.splitlines() if line.startswith("Error")]
    assert "documents.jsonl: cannot write the output: No space left on device" in line
    assert "Traceback" not in output
    assert _snapshot(out) == before  # old pair, old run record, no staging left
    assert not [p for p in out.iterdir() if p.name.startswith(".cleankit-run-")]


def test_an_output_folder_that_cannot_be_created_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    code, output = _clean(_corpus(tmp_path / "a.jsonl", "alpha"), blocker / "out")
    assert code == 1
    assert output.strip().splitlines() == [
        f"Error: {blocker / 'out'}: cannot use the output folder: File exists"
    ] or output.strip().splitlines() == [
        f"Error: {blocker / 'out'}: cannot use the output folder: Not a directory"
    ]


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write a read-only folder")
def test_a_read_only_output_folder_is_one_line_and_keeps_the_pair(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert _clean(_corpus(tmp_path / "a.jsonl", "alpha"), out)[0] == 0
    before = _snapshot(out)
    out.chmod(0o555)
    try:
        code, output = _clean(_corpus(tmp_path / "b.jsonl", "beta"), out)
    finally:
        out.chmod(0o755)
    assert code == 1
    assert "Permission denied" in output
    assert "Traceback" not in output
    assert _snapshot(out) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_input_is_an_error_row_naming_it(tmp_path: Path) -> None:
    locked = _corpus(tmp_path / "locked.jsonl", "alpha")
    locked.chmod(0o000)
    code, output = _clean(locked, tmp_path / "out")
    assert code == 1
    assert f"{locked}: cannot read: Permission denied" in output


def test_permission_denied_on_the_output_folder_is_one_line_even_as_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The read-only case above, injected, so that it runs where tests run as root (CI)."""
    out = tmp_path / "out"
    assert _clean(_corpus(tmp_path / "a.jsonl", "alpha"), out)[0] == 0
    before = _snapshot(out)
    real_mkdir = Path.mkdir

    def denied(self: Path, *args: object, **kwargs: object) -> None:
        if self.name.startswith(".cleankit-run-"):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        real_mkdir(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "mkdir", denied)
    code, output = _clean(_corpus(tmp_path / "b.jsonl", "beta"), out)
    assert code == 1
    [line] = output.strip().splitlines()
    assert line.startswith(f"Error: {out}/.cleankit-run-")
    assert line.endswith(": cannot prepare the output folder: Permission denied")
    assert _snapshot(out) == before


def test_an_unreadable_input_is_an_error_row_even_as_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cleankit.io.formats

    locked = _corpus(tmp_path / "locked.jsonl", "alpha")
    readable = _corpus(tmp_path / "fine.jsonl", "beta")
    real_open = cleankit.io.formats.open_binary

    def denied(path: Path) -> object:
        if path.name == "locked.jsonl":
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_open(path)

    monkeypatch.setattr(cleankit.io.formats, "open_binary", denied)
    result = CliRunner().invoke(
        main, ["clean", str(locked), str(readable), "-o", str(tmp_path / "out")]
    )
    assert result.exit_code == 1
    assert f"{locked}: cannot read: Permission denied" in result.output
    assert "Traceback" not in result.output
    manifest = read_manifest(tmp_path / "out" / "manifest.parquet")
    assert manifest["status"].to_list() == ["error"] + ["kept"] * 4  # the other file went on


def test_stale_temporaries_of_a_killed_run_are_removed_by_the_next(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    stale = out / ".cleankit-run-99999-deadbeef.tmp"
    (stale / "documents.jsonl").parent.mkdir()
    (stale / "documents.jsonl").write_text("half", encoding="utf-8")
    legacy = out / ".documents.jsonl.abc123.tmp"
    legacy.write_text("half", encoding="utf-8")
    keep = out / "notes.txt"  # a user's file is not ours to remove
    keep.write_text("mine", encoding="utf-8")
    assert _clean(_corpus(tmp_path / "a.jsonl", "alpha"), out)[0] == 0
    assert not stale.exists()
    assert not legacy.exists()
    assert keep.read_text(encoding="utf-8") == "mine"


def test_a_commit_cut_short_is_rolled_forward_by_the_next_reader(tmp_path: Path) -> None:
    """A kill between the renames of a commit: the marker names what is left to switch."""
    old, new = tmp_path / "old", tmp_path / "new"
    assert _clean(_corpus(tmp_path / "a.jsonl", "alpha"), old)[0] == 0
    assert _clean(_corpus(tmp_path / "b.jsonl", "beta"), new)[0] == 0
    staging = old / ".cleankit-run-1-cafe.tmp"
    staging.mkdir()
    for name in ("manifest.parquet", RUN_RECORD):
        shutil.copy(new / name, staging / name)
    # documents.jsonl was already renamed when the run died; the other two were not.
    shutil.copy(new / "documents.jsonl", old / "documents.jsonl")
    (old / COMMIT).write_text(
        json.dumps(
            {
                "staging": staging.name,
                "files": ["documents.jsonl", "manifest.parquet", RUN_RECORD],
                "remove": ["documents.parquet"],
            }
        ),
        encoding="utf-8",
    )
    code, output = _verify(old)  # the reader finishes the commit before it reads
    assert code == 0, output
    assert not (old / COMMIT).exists()
    assert not staging.exists()
    assert (old / "documents.jsonl").read_bytes() == (new / "documents.jsonl").read_bytes()
    assert finish_interrupted_commit(old) is False  # nothing left to do


def test_verify_refuses_a_pair_from_two_runs(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    assert _clean(_corpus(tmp_path / "a.jsonl", "alpha"), first)[0] == 0
    assert _clean(_corpus(tmp_path / "b.jsonl", "beta", count=3), second)[0] == 0
    mixed_manifest, mixed_documents = tmp_path / "m1", tmp_path / "m2"
    shutil.copytree(first, mixed_manifest)
    shutil.copy(second / "manifest.parquet", mixed_manifest / "manifest.parquet")
    code, output = _verify(mixed_manifest)
    assert code == 1
    assert "(run): mismatched-pair: the manifest is from run" in output
    shutil.copytree(first, mixed_documents)
    shutil.copy(second / "documents.jsonl", mixed_documents / "documents.jsonl")
    code, output = _verify(mixed_documents)
    assert code == 1
    assert "(run): mismatched-pair: documents.jsonl is not the file run" in output


def test_verify_reports_a_repeated_or_injected_record(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert _clean(_corpus(tmp_path / "a.jsonl", "alpha"), out)[0] == 0
    documents = out / "documents.jsonl"
    lines = documents.read_text(encoding="utf-8").splitlines(keepends=True)
    forged = json.loads(lines[1])
    forged["text"] = "Teks yang disisipkan."
    copy = tmp_path / "copy.jsonl"
    injected = {**forged, "id": "alpha-99"}
    copy.write_text(
        "".join([*lines, lines[1], json.dumps(forged) + "\n", json.dumps(injected) + "\n"]),
        encoding="utf-8",
    )
    manifest = read_manifest(out / "manifest.parquet")
    problems = [str(p) for p in audit.verify(manifest, read_output_pairs(copy))]
    assert problems == [
        "alpha-1: repeated: appears more than once in the output",
        "alpha-1: repeated: appears more than once in the output",
        "alpha-99: extra: in the output but not kept in the manifest",
    ]


def test_verify_finds_a_forged_provenance_value_or_rule_name(tmp_path: Path) -> None:
    out = tmp_path / "out"
    corpus = tmp_path / "a.jsonl"
    corpus.write_text(
        json.dumps({"id": "x", "text": f"{ARTICLE}\n\nStory Code : 2208871"}) + "\n",
        encoding="utf-8",
    )
    assert _clean(corpus, out)[0] == 0
    manifest = read_manifest(out / "manifest.parquet")
    assert manifest["story_code"][0] == "2208871"
    pairs = read_output_pairs(out / "documents.jsonl")
    assert audit.verify(manifest, pairs) == []
    forged_value = manifest.with_columns(story_code=pl.lit("1111111"))
    assert [p.kind for p in audit.verify(forged_value, pairs)] == ["row-altered"]
    edits = manifest["edits"][0].to_list()
    edits[0]["rule"] = "made-up-rule"
    forged_rule = manifest.with_columns(edits=pl.Series([edits]))
    assert [p.kind for p in audit.verify(forged_rule, pairs)] == ["row-altered"]
