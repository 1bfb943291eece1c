from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from cleankit import audit
from cleankit.cli.app import main
from cleankit.io.manifest import read_manifest
from cleankit.io.writers import read_output
from tests.conftest import SAMPLES


@pytest.fixture
def run_dir(sample_run: Path) -> Path:
    return sample_run


def test_summary_counts(run_dir: Path) -> None:
    tables = audit.summarize(read_manifest(run_dir / "manifest.parquet"))
    assert dict(tables["status"].select("status", "documents").iter_rows()) == {
        "duplicate": 3,
        "kept": 12,
    }
    assert tables["clusters"].to_dicts() == [{"size": 2, "clusters": 1}, {"size": 3, "clusters": 1}]
    publishers = tables["provenance"].filter(pl.col("column") == "publisher")
    assert publishers.row(0, named=True) == {
        "column": "publisher",
        "value": "Kabarnusa.com",
        "documents": 5,
    }
    assert tables["machine_translated"].to_dicts() == [
        {"documents": 15, "machine_translated": 1, "share": 1 / 15}
    ]
    by_rule = {(r["step"], r["rule"]): r["edits"] for r in tables["by_rule"].iter_rows(named=True)}
    assert by_rule[("drop-site-boilerplate", "site-boilerplate")] == 6
    assert by_rule[("strip-rules", "story-code-line")] == 1
    chars = {
        (r["step"], r["rule"]): r["chars_removed"] for r in tables["by_rule"].iter_rows(named=True)
    }
    assert chars[("strip-rules", "story-code-line")] == len("Story Code : 2208871\n")
    inserted = {
        (r["step"], r["rule"]): r["chars_inserted"] for r in tables["by_rule"].iter_rows(named=True)
    }
    # A split inserts two spaces and removes nothing: never a negative removal.
    assert chars[("split-glued", "glued-sentence")] == 0
    assert inserted[("split-glued", "glued-sentence")] == 2


def test_summary_cli_json(run_dir: Path) -> None:
    result = CliRunner().invoke(
        main, ["audit", "summary", str(run_dir / "manifest.parquet"), "--json"]
    )
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert {row["status"]: row["documents"] for row in data["status"]} == {
        "duplicate": 3,
        "kept": 12,
    }


def test_verify_passes_on_an_untouched_run(run_dir: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["audit", "verify", str(run_dir / "manifest.parquet"), str(run_dir / "documents.jsonl")],
    )
    assert result.exit_code == 0
    assert result.stdout == "15 manifest rows checked, 0 problem(s)\n"


def tampered(run_dir: Path, tmp_path: Path, change: str) -> Path:
    lines = (run_dir / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    if change == "missing":
        records = [r for r in records if r["id"] != "antara-7732"]
    elif change == "extra":
        records.append({"id": "smuggled", "text": "not from this run", "source": "x", "meta": {}})
    elif change == "altered":
        for record in records:
            if record["id"] == "wire-en-0931":
                record["text"] = record["text"].replace("unchanged", "raised")
    path = tmp_path / "documents.jsonl"
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    return path


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ("missing", "antara-7732: missing: kept in the manifest but absent from the output"),
        ("extra", "smuggled: extra: in the output but not kept in the manifest"),
        ("altered", "wire-en-0931: altered: output text does not match output_sha256"),
    ],
)
def test_verify_catches_tampered_outputs(
    run_dir: Path, tmp_path: Path, change: str, expected: str
) -> None:
    output = tampered(run_dir, tmp_path, change)
    result = CliRunner().invoke(
        main, ["audit", "verify", str(run_dir / "manifest.parquet"), str(output)]
    )
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [expected]


def test_verify_catches_tampered_edits(run_dir: Path, tmp_path: Path) -> None:
    manifest = read_manifest(run_dir / "manifest.parquet")
    edits = manifest.filter(pl.col("doc_id") == "it-2208871")["edits"][0].to_list()
    edits[0]["removed"] = edits[0]["removed"] + "!"
    forged = manifest.with_columns(
        edits=pl.when(pl.col("doc_id") == "it-2208871")
        .then(pl.lit(pl.Series([edits])))
        .otherwise(pl.col("edits"))
    )
    problems = audit.verify(forged, read_output(run_dir / "documents.jsonl"))
    assert [str(p) for p in problems] == [
        "it-2208871: row-altered: the manifest row does not match its row_sha256 "
        "(changed after the run)",
        "it-2208871: restore-mismatch: restored text does not match input_sha256",
    ]


def test_diff_shows_what_a_rule_change_does(run_dir: Path, tmp_path: Path) -> None:
    # Without the story-code rule, the furniture filter still takes "Story Code : 1158489"
    # (a count under its label), so the diff shows one rule lost and another gained.
    rules = tmp_path / "rules"
    shutil.copytree(Path(__file__).resolve().parent.parent / "rules", rules)
    markers = rules / "markers.toml"
    text = markers.read_text(encoding="utf-8")
    start = text.index('[[rule]]\nid = "story-code-line"')
    end = text.index("[[rule]]", start + 1)
    markers.write_text(text[:start] + text[end:], encoding="utf-8")
    new = tmp_path / "new"
    result = CliRunner().invoke(
        main, ["clean", str(SAMPLES), "-o", str(new), "--no-builtin-rules", "--rules", str(rules)]
    )
    assert result.exit_code == 0, result.output
    changes = audit.diff_manifests(
        read_manifest(run_dir / "manifest.parquet"), read_manifest(new / "manifest.parquet")
    )
    assert changes.to_dicts() == [
        {
            "doc_id": "it-2208871",
            "change": "edits",
            "old_status": "kept",
            "new_status": "kept",
            # Without the rule, the furniture filter still takes the code line, by its shape.
            "rules_gained": ["drop-page-furniture/stamp"],
            "rules_lost": ["strip-rules/story-code-line"],
        }
    ]
    cli = CliRunner().invoke(
        main, ["audit", "diff", str(run_dir / "manifest.parquet"), str(new / "manifest.parquet")]
    )
    assert cli.stdout.splitlines() == [
        "it-2208871: edits +drop-page-furniture/stamp -strip-rules/story-code-line",
        "1 document(s) changed",
    ]


def test_verify_frame_is_empty_on_an_untouched_run_and_names_problems(
    run_dir: Path, tmp_path: Path
) -> None:
    manifest = read_manifest(run_dir / "manifest.parquet")
    assert audit.verify_frame(manifest, read_output(run_dir / "documents.jsonl")).height == 0
    frame = audit.verify_frame(manifest, read_output(tampered(run_dir, tmp_path, "extra")))
    assert frame.rows() == [("smuggled", "extra", "in the output but not kept in the manifest")]
