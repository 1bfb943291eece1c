from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from cleankit import audit
from cleankit.audit.report import write_report
from cleankit.cli.app import main
from cleankit.io.corpus import read_documents
from cleankit.io.manifest import read_manifest
from cleankit.io.writers import read_output
from cleankit.run import clean_corpus
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
            "rules_gained": ["drop-page-furniture/short"],
            "rules_lost": ["strip-rules/story-code-line"],
        }
    ]
    cli = CliRunner().invoke(
        main, ["audit", "diff", str(run_dir / "manifest.parquet"), str(new / "manifest.parquet")]
    )
    assert cli.stdout.splitlines() == [
        "it-2208871: edits +drop-page-furniture/short -strip-rules/story-code-line",
        "1 document(s) changed",
    ]


def _browser() -> tuple[str, str]:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not chromium or not driver:
        pytest.skip(
            "headless Chromium test needs Debian's chromium and chromium-driver (.ci/run installs them)"
        )
    pytest.importorskip("selenium", reason="selenium is in the dev extra")
    return chromium, driver


def test_report_renders_in_headless_chromium_without_console_errors(
    run_dir: Path, tmp_path: Path
) -> None:
    chromium, driver_path = _browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    report = tmp_path / "report.html"
    result = CliRunner().invoke(
        main, ["audit", "report", str(run_dir / "manifest.parquet"), "-o", str(report)]
    )
    assert result.exit_code == 0
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    browser = webdriver.Chrome(service=Service(driver_path), options=options)
    try:
        browser.get(report.as_uri())
        assert browser.find_element(By.CSS_SELECTOR, "#count-kept b").text == "12"
        assert browser.find_element(By.CSS_SELECTOR, "#count-duplicate b").text == "3"
        assert browser.find_element(By.ID, "total").text == "15"
        values = [
            e.text for e in browser.find_elements(By.CSS_SELECTOR, "#chart-clusters text.value")
        ]
        assert values == ["1", "1"]
        assert len(browser.find_elements(By.CSS_SELECTOR, "#documents tbody tr")) == 15
        browser.find_element(By.ID, "search").send_keys("duplicate")
        assert browser.find_element(By.ID, "shown").text == "3"
        errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
        assert errors == []
    finally:
        browser.quit()


def test_report_escapes_document_text(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(
        json.dumps({"id": "<script>alert(1)</script>", "text": "Teks."}) + "\n", encoding="utf-8"
    )
    clean_corpus(read_documents(path), tmp_path / "out")
    write_report(read_manifest(tmp_path / "out" / "manifest.parquet"), tmp_path / "r.html")
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_verify_frame_is_empty_on_an_untouched_run_and_names_problems(
    run_dir: Path, tmp_path: Path
) -> None:
    manifest = read_manifest(run_dir / "manifest.parquet")
    assert audit.verify_frame(manifest, read_output(run_dir / "documents.jsonl")).height == 0
    frame = audit.verify_frame(manifest, read_output(tampered(run_dir, tmp_path, "extra")))
    assert frame.rows() == [("smuggled", "extra", "in the output but not kept in the manifest")]
