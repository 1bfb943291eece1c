"""``explain``, ``restore`` and ``audit ...``: reading what a run recorded."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from cleankit.cli.app import _friendly, _manifest_option, _report, _target_option, main

if TYPE_CHECKING:
    import polars as pl  # loaded by the commands that read a manifest, not by --help


@main.command()
@click.argument("doc_id")
@_manifest_option
@_friendly
def explain(doc_id: str, manifest_path: Path) -> None:
    """Print what was removed from DOC_ID, by which step and rule, and why."""
    from cleankit import audit
    from cleankit.io.manifest import read_manifest

    click.echo(audit.explain(read_manifest(manifest_path), doc_id))


@main.command()
@click.argument("outputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@_manifest_option
@_target_option("JSONL file of restored originals.")
@_friendly
def restore(outputs: tuple[Path, ...], manifest_path: Path, target: Path) -> None:
    """Rebuild the original texts from OUTPUTS and the manifest's edits, checked by input hash.

    OUTPUTS: documents files (every shard of a sharded run), or the run's output folder."""
    from cleankit import audit
    from cleankit.io.files import atomic_write
    from cleankit.io.manifest import read_manifest
    from cleankit.io.writers import read_output_pairs

    files = _settled_files(outputs)
    manifest = read_manifest(manifest_path)
    texts, repeats = audit.first_texts(pair for path in files for pair in read_output_pairs(path))
    problems = [
        audit.Problem(doc_id, "repeated", "appears more than once in the output; not restored")
        for doc_id in dict.fromkeys(repeats)
    ]
    for repeated in problems:
        texts.pop(repeated.doc_id)
    count = 0
    with atomic_write(target, "w") as handle:
        for doc_id, text, trouble in audit.restore_documents(manifest, texts):
            if trouble is not None:
                problems.append(trouble)
            elif text is not None:
                handle.write(json.dumps({"id": doc_id, "text": text}, ensure_ascii=False) + "\n")
                count += 1
    _report(problems, f"restored {count} documents to {target}")


@main.group("audit")
def audit_group() -> None:
    """Inspect, verify and compare manifests."""


def _echo_frame(title: str, frame: pl.DataFrame) -> None:
    import polars as pl

    click.echo(f"\n{title}")
    with pl.Config(
        tbl_rows=40,
        tbl_cols=10,
        fmt_str_lengths=60,
        tbl_hide_dataframe_shape=True,
        tbl_hide_column_data_types=True,
    ):
        click.echo(str(frame))


@audit_group.command("summary")
@click.argument("manifest_path", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the tables as one JSON object.")
@_friendly
def audit_summary(manifest_path: Path, as_json: bool) -> None:
    """Documents by status, removals by step and rule, clusters, provenance, errors."""
    from cleankit import audit
    from cleankit.io.manifest import read_manifest

    tables = audit.summarize(read_manifest(manifest_path))
    if as_json:
        click.echo(
            json.dumps(
                {name: frame.to_dicts() for name, frame in tables.items()},
                ensure_ascii=False,
                default=str,
            )
        )
        return
    for name, frame in tables.items():
        _echo_frame(name.replace("_", " "), frame)


def _settled_files(outputs: tuple[Path, ...]) -> list[Path]:
    """The documents files OUTPUTS name (a folder: its run's files), once every folder they lie
    in has finished a commit that a killed run left half done."""
    from cleankit import audit
    from cleankit.io.outputs import settle

    for given in outputs:
        settle(given if given.is_dir() else given.parent)
    return audit.documents_files(outputs)


@audit_group.command("verify")
@click.argument("manifest_path", type=click.Path(path_type=Path))
@click.argument("outputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@_friendly
def audit_verify(manifest_path: Path, outputs: tuple[Path, ...]) -> None:
    """Check OUTPUTS against the manifest: missing, extra, altered, unrestorable documents.

    OUTPUTS: documents files (every shard of a sharded run), or the run's output folder."""
    from cleankit import audit
    from cleankit.io.manifest import read_manifest

    files = _settled_files(outputs)
    manifest = read_manifest(manifest_path)
    problems = audit.verify_output(manifest, files)
    _report(problems, f"{manifest.height} manifest rows checked, {len(problems)} problem(s)")


@audit_group.command("diff")
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per changed document.")
@_friendly
def audit_diff(old: Path, new: Path, as_json: bool) -> None:
    """What changed between two runs' manifests (status or edits), by rule."""
    from cleankit import audit
    from cleankit.io.manifest import read_manifest

    changes = audit.diff_manifests(read_manifest(old), read_manifest(new))
    if as_json:
        for row in changes.iter_rows(named=True):
            click.echo(json.dumps(row, ensure_ascii=False))
        return
    for row in changes.iter_rows(named=True):
        detail = []
        if row["change"] == "status":
            detail.append(f"{row['old_status']} -> {row['new_status']}")
        if row["rules_gained"]:
            detail.append("+" + " +".join(row["rules_gained"]))
        if row["rules_lost"]:
            detail.append("-" + " -".join(row["rules_lost"]))
        click.echo(f"{row['doc_id']}: {row['change']} {' '.join(detail)}".rstrip())
    click.echo(f"{changes.height} document(s) changed")


@audit_group.command("report")
@click.argument("manifest_path", type=click.Path(path_type=Path))
@_target_option("HTML file to write.")
@_friendly
def audit_report(manifest_path: Path, target: Path) -> None:
    """Write one self-contained HTML page with charts and a searchable table."""
    from cleankit.audit.report import write_report
    from cleankit.io.manifest import read_manifest

    write_report(read_manifest(manifest_path), target)
    click.echo(f"wrote {target}")
