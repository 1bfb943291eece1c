"""Restoring inputs from outputs and checking an output against its manifest."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from cleankit.audit.summary import edits_of
from cleankit.core.document import restore, sha256_text
from cleankit.core.errors import InputError
from cleankit.io.manifest import read_manifest, row_digest
from cleankit.io.outputs import RUN_RECORD, file_sha256, read_run_record
from cleankit.io.writers import read_output_pairs


@dataclass(frozen=True, slots=True)
class Problem:
    """One verification failure, named by document and kind."""

    doc_id: str
    kind: str
    detail: str

    def __str__(self) -> str:
        return f"{self.doc_id}: {self.kind}: {self.detail}"


def restore_documents(
    manifest: pl.DataFrame, outputs: Mapping[str, str]
) -> Iterator[tuple[str, str | None, Problem | None]]:
    """Rebuild every input text from the output and the edits; check it against input_sha256.

    Yields ``(doc_id, text, problem)``; ``text`` is None for error rows, which have no input.
    """
    for row in manifest.iter_rows(named=True):
        doc_id = row["doc_id"]
        if row["status"] == "error":
            yield doc_id, None, None
            continue
        if row["status"] == "kept":
            if doc_id not in outputs:
                yield (
                    doc_id,
                    None,
                    Problem(doc_id, "missing", "kept in the manifest but absent from the output"),
                )
                continue
            cleaned = outputs[doc_id]
        else:
            cleaned = ""
        try:
            text = restore(cleaned, edits_of(row))
        except ValueError as error:
            yield doc_id, None, Problem(doc_id, "unrestorable", str(error))
            continue
        if sha256_text(text) != row["input_sha256"]:
            yield (
                doc_id,
                text,
                Problem(doc_id, "restore-mismatch", "restored text does not match input_sha256"),
            )
        else:
            yield doc_id, text, None


def verify(
    manifest: pl.DataFrame, outputs: Mapping[str, str] | Iterable[tuple[str, str]]
) -> list[Problem]:
    """Check every manifest row against the output, and restore against the input hash.

    ``outputs`` is the output as ``(id, text)`` pairs in file order (what
    :func:`cleankit.io.read_output_pairs` gives), so a record that appears twice is found; a
    mapping is accepted too. Each row's own digest (``row_sha256``) is checked as well, so a
    rule name, reason or provenance value changed after the run is reported.
    """
    problems: list[Problem] = []
    if isinstance(outputs, Mapping):
        texts = dict(outputs)
    else:
        texts, repeats = first_texts(outputs)
        problems.extend(
            Problem(doc_id, "repeated", "appears more than once in the output")
            for doc_id in repeats
        )
    for row in manifest.iter_rows(named=True):
        if row["row_sha256"] != row_digest(row):
            problems.append(
                Problem(
                    str(row["doc_id"]),
                    "row-altered",
                    "the manifest row does not match its row_sha256 (changed after the run)",
                )
            )
    kept = {
        r["doc_id"]: r["output_sha256"]
        for r in manifest.filter(pl.col("status") == "kept").iter_rows(named=True)
    }
    for doc_id in texts:
        if doc_id not in kept:
            problems.append(Problem(doc_id, "extra", "in the output but not kept in the manifest"))
    for doc_id, expected in kept.items():
        if doc_id in texts and sha256_text(texts[doc_id]) != expected:
            problems.append(Problem(doc_id, "altered", "output text does not match output_sha256"))
    altered = {p.doc_id for p in problems if p.kind != "row-altered"}
    for doc_id, _, problem in restore_documents(manifest, texts):
        if problem is not None and doc_id not in altered:
            problems.append(problem)
    return problems


def first_texts(pairs: Iterable[tuple[str, str]]) -> tuple[dict[str, str], list[str]]:
    """``{id: text}`` of the first record with each id, and the id of every later record that
    repeats one (once per extra copy, in file order)."""
    texts: dict[str, str] = {}
    repeats: list[str] = []
    for doc_id, text in pairs:
        if doc_id in texts:
            repeats.append(doc_id)
        else:
            texts[doc_id] = text
    return texts, repeats


def documents_files(outputs: Iterable[str | Path]) -> list[Path]:
    """The documents files that ``outputs`` name: a file as it is, an output folder as the files
    its run record lists (every shard of a sharded run), in order, each once."""
    found: list[Path] = []
    for given in outputs:
        path = Path(given)
        if path.is_dir():
            record = read_run_record(path)
            if record is None:
                raise InputError(
                    f"a folder without {RUN_RECORD}: name the documents files instead",
                    path=str(path),
                )
            found.extend(path / name for name in _recorded_files(record))
        else:
            found.append(path)
    return list(dict.fromkeys(found))


def _recorded_files(record: Mapping[str, Any]) -> list[str]:
    """The documents files a run record lists (a single name in the records of earlier versions)."""
    names = record.get("documents", "documents.jsonl")
    return [names] if isinstance(names, str) else [str(name) for name in names]


def _recorded_digest(record: Mapping[str, Any], name: str) -> object:
    digests = record.get("documents_sha256")
    return digests.get(name) if isinstance(digests, Mapping) else digests


def verify_output(
    manifest: pl.DataFrame,
    output: str | Path | Sequence[str | Path],
    *,
    record: Mapping[str, Any] | None = None,
) -> list[Problem]:
    """:func:`check_pair` and :func:`verify` over documents files as they lie on disk: one
    file, or the shards of a run (each document is also looked for in the shard the manifest
    names for it)."""
    paths = documents_files([output] if isinstance(output, str | Path) else output)
    located: dict[str, str] = {}
    pairs: list[tuple[str, str]] = []
    for path in paths:
        for doc_id, text in read_output_pairs(path):
            located.setdefault(doc_id, path.name)
            pairs.append((doc_id, text))
    problems = check_pair(manifest, paths, record=record) + verify(manifest, pairs)
    shards = manifest.filter((pl.col("status") == "kept") & pl.col("shard").is_not_null())
    for doc_id, shard in shards.select("doc_id", "shard").iter_rows():
        where = located.get(doc_id)
        if where is not None and where != shard:
            problems.append(
                Problem(doc_id, "wrong-shard", f"found in {where}, the manifest names {shard}")
            )
    return problems


def check_pair(
    manifest: pl.DataFrame,
    output: str | Path | Sequence[str | Path],
    *,
    record: Mapping[str, Any] | None = None,
) -> list[Problem]:
    """Do the documents files and the manifest come from one run? Checked against the run
    record (``run.json``) that ``clean`` commits beside them: the manifest's run id and each
    documents file's digest must be the recorded ones. No record (files moved elsewhere, or
    written by the library's writers): nothing to check here; :func:`verify` still compares
    every text with its hash. ``record``: the folder's run record when the caller has read
    it already (it is read, after settling the folder, otherwise).
    """
    targets = [Path(output)] if isinstance(output, str | Path) else [Path(p) for p in output]
    if not targets:
        return []
    if record is None:
        record = read_run_record(targets[0].parent)
    if record is None:
        return []
    recorded = _recorded_files(record)
    targets = [target for target in targets if target.name in recorded]
    if not targets:
        return []
    problems: list[Problem] = []
    run_ids = sorted(set(manifest.get_column("run_id").drop_nulls().to_list()))
    if run_ids != [record.get("run_id")]:
        problems.append(
            Problem(
                "(run)",
                "mismatched-pair",
                f"the manifest is from run {', '.join(run_ids) or 'none'} but {targets[0].name} "
                f"is from run {record.get('run_id')} (see {RUN_RECORD})",
            )
        )
    for target in targets:
        if file_sha256(target) != _recorded_digest(record, target.name):
            problems.append(
                Problem(
                    "(run)",
                    "mismatched-pair",
                    f"{target.name} is not the file run {record.get('run_id')} wrote "
                    f"(its digest differs from {RUN_RECORD})",
                )
            )
    return problems


def verify_folder(folder: str | Path) -> tuple[dict[str, Any], list[Problem]]:
    """Verify an output folder that ``clean`` wrote, as a reader finds it: finish a commit a
    killed run left half done, then :func:`check_pair` and :func:`verify` over its documents
    files (every shard) and manifest.

    Returns the run record and the problems; a folder without a run record is an InputError.
    """
    out = Path(folder)
    record = read_run_record(out)
    if record is None:
        raise InputError(f"no {RUN_RECORD}: not an output folder of cleankit clean", path=str(out))
    manifest = read_manifest(out / str(record.get("manifest", "manifest.parquet")))
    documents = [out / name for name in _recorded_files(record)]
    return record, verify_output(manifest, documents, record=record)


def verify_frame(manifest: pl.DataFrame, outputs: Mapping[str, str]) -> pl.DataFrame:
    """:func:`verify` as a DataFrame (doc_id, kind, detail): empty when everything checks out."""
    rows = [(p.doc_id, p.kind, p.detail) for p in verify(manifest, outputs)]
    return pl.DataFrame(
        rows, schema={"doc_id": pl.String, "kind": pl.String, "detail": pl.String}, orient="row"
    )
