"""The audit report (issue #14): counts over every row, a table drawn from compact JSON that
samples past its limit, log-scale charts, run facts, relative paths; in headless Chromium at
15 and 100,000 rows."""

from __future__ import annotations

import json
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from click.testing import CliRunner

from cleankit.audit.report import MAX_ROWS, render_report, write_report
from cleankit.cli.app import main
from cleankit.io.corpus import read_documents
from cleankit.io.manifest import read_manifest
from cleankit.run import clean_corpus


def _data(page: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="data">(.*?)</script>', page, re.S)
    assert found is not None
    loaded: dict[str, Any] = json.loads(found.group(1))
    return loaded


def scaled(manifest: pl.DataFrame, rows: int) -> pl.DataFrame:
    """A manifest of ``rows`` rows made of a real run's rows under new ids (for scale only)."""
    copies = pl.concat([manifest] * -(-rows // manifest.height)).head(rows)
    return copies.with_columns(
        doc_id=pl.format("{}-{}", pl.col("doc_id"), pl.int_range(pl.len()).cast(pl.String))
    )


def test_small_runs_list_every_document_with_its_edits(sample_run: Path) -> None:
    manifest = read_manifest(sample_run / "manifest.parquet")
    page = render_report(manifest)
    data = _data(page)
    assert [row[0] for row in data["rows"]] == sorted(manifest["doc_id"].to_list())
    assert "sample-note" not in page
    strings = data["strings"]
    row = next(r for r in data["rows"] if r[0] == "it-2208871")
    rules = {strings[edit[0]] for edit in row[10]}
    assert "strip-rules/story-code-line" in rules
    why = {strings[edit[1]] for edit in row[10]}
    assert all(why)  # every edit says why
    assert {strings[name] for name, _ in row[12]} >= {"story_code"}
    # Run facts: id, start, version, rules digest; options in a details element.
    first = manifest.row(0, named=True)
    assert f'<b id="run-run">{first["run_id"]}</b>' in page
    assert f'<b id="run-cleankit">{first["cleankit_version"]}</b>' in page
    assert f'<b id="run-started">{first["started_at"].isoformat(timespec="seconds")}</b>' in page
    assert "<details><summary>options</summary>" in page


def test_local_paths_are_shown_relative_to_the_folder_they_share(tmp_path: Path) -> None:
    deep = tmp_path / "home" / "someone" / "crawl"
    (deep / "a").mkdir(parents=True)
    (deep / "b").mkdir()
    for folder, text in (("a", "Hujan turun sejak pagi."), ("b", "Pasar dibuka kembali.")):
        (deep / folder / "news.jsonl").write_text(
            json.dumps({"id": folder, "text": text}) + "\n", encoding="utf-8"
        )
    inputs = [str((deep / f / "news.jsonl").resolve()) for f in ("a", "b")]
    clean_corpus(read_documents(inputs), tmp_path / "out")
    page = render_report(read_manifest(tmp_path / "out" / "manifest.parquet"))
    data = _data(page)
    assert sorted(data["strings"][row[2]] for row in data["rows"]) == [
        "a/news.jsonl",
        "b/news.jsonl",
    ]
    assert str(tmp_path) not in page


def test_a_chart_spanning_orders_of_magnitude_is_drawn_on_a_log_scale(sample_run: Path) -> None:
    manifest = read_manifest(sample_run / "manifest.parquet")
    page = render_report(manifest)
    rules = re.search(r'<div class="chart" id="chart-rules" data-log="(\w+)">', page)
    assert rules is not None
    removed = [int(v.replace(",", "")) for v in re.findall(r'class="value">([\d,]+)<', page)]
    assert rules.group(1) == "true"  # 1,366 characters beside single ones
    assert max(removed) > 100 * min(removed)
    clusters = re.search(r'id="chart-clusters" data-log="(\w+)"', page)
    assert clusters is not None
    assert clusters.group(1) == "false"


def test_past_its_limit_the_table_holds_a_stable_sample_with_every_error_first(
    sample_run: Path,
) -> None:
    manifest = scaled(read_manifest(sample_run / "manifest.parquet"), 3000)
    marked = manifest.with_columns(
        status=pl.when(pl.int_range(pl.len()) % 500 == 7)
        .then(pl.lit("error"))
        .otherwise(pl.col("status"))
    )
    page = render_report(marked, max_rows=400)
    again = render_report(marked.reverse(), max_rows=400)
    assert _data(page)["rows"] == _data(again)["rows"]  # the same sample, whatever the order
    rows = _data(page)["rows"]
    strings = _data(page)["strings"]
    assert len(rows) == 400
    errors = set(marked.filter(pl.col("status") == "error")["doc_id"])
    assert errors <= {row[0] for row in rows}
    kept_share = sum(strings[row[1]] == "kept" for row in rows) / len(rows)
    assert 0.7 < kept_share < 0.9  # 12 of 15 kept in the run: each status in its share
    assert "The table holds 400 of 3,000 documents" in page
    assert '<div class="card" id="count-kept"><b>2,394</b>kept</div>' in page  # all rows


def test_report_escapes_document_text(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(
        json.dumps({"id": "</script><script>alert(1)</script>", "text": "Teks."}) + "\n",
        encoding="utf-8",
    )
    clean_corpus(read_documents(path), tmp_path / "out")
    write_report(read_manifest(tmp_path / "out" / "manifest.parquet"), tmp_path / "r.html")
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page
    assert _data(page)["rows"][0][0] == "</script><script>alert(1)</script>"


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not chromium or not driver:
        pytest.skip(
            "headless Chromium test needs Debian's chromium and chromium-driver (.ci/run installs them)"
        )
    pytest.importorskip("selenium", reason="selenium is in the dev extra")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

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
    session = webdriver.Chrome(service=Service(driver), options=options)
    try:
        yield session
    finally:
        session.quit()


def _wait_for(condition: Any, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the page did not update in time"
        time.sleep(0.05)


def _console_errors(session: Any) -> list[Any]:
    return [entry for entry in session.get_log("browser") if entry["level"] == "SEVERE"]


def test_report_renders_in_headless_chromium_without_console_errors(
    sample_run: Path, tmp_path: Path, browser: Any
) -> None:
    from selenium.webdriver.common.by import By

    report = tmp_path / "report.html"
    result = CliRunner().invoke(
        main, ["audit", "report", str(sample_run / "manifest.parquet"), "-o", str(report)]
    )
    assert result.exit_code == 0
    browser.get(report.as_uri())
    assert browser.find_element(By.CSS_SELECTOR, "#count-kept b").text == "12"
    assert browser.find_element(By.CSS_SELECTOR, "#count-duplicate b").text == "3"
    assert browser.find_element(By.ID, "total").text == "15"
    values = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#chart-clusters .value")]
    assert values == ["1", "1"]
    assert len(browser.find_elements(By.CSS_SELECTOR, "#documents .row")) == 15
    browser.find_element(By.ID, "search").send_keys("duplicate")
    _wait_for(lambda: browser.find_element(By.ID, "shown").text == "3")
    assert len(browser.find_elements(By.CSS_SELECTOR, "#documents .row")) == 3
    browser.find_element(By.CSS_SELECTOR, "#documents .row").click()
    detail = browser.find_element(By.ID, "detail").text
    assert ": duplicate" in detail
    assert "drop-near-duplicates/near-duplicate" in detail
    assert _console_errors(browser) == []


def test_report_of_100k_rows_loads_filters_and_sorts_in_chromium(
    sample_run: Path, tmp_path: Path, browser: Any
) -> None:
    from selenium.webdriver.common.by import By

    manifest = scaled(read_manifest(sample_run / "manifest.parquet"), 100_000)
    report = tmp_path / "report.html"
    write_report(manifest, report)
    assert report.stat().st_size < 5_000_000  # a few MB, whatever the run's size
    browser.get(report.as_uri())
    assert browser.find_element(By.ID, "total").text == "100000"
    assert browser.find_element(By.CSS_SELECTOR, "#count-duplicate b").text == "20,000"
    assert browser.find_element(By.ID, "shown").text == str(MAX_ROWS)
    assert (
        "The table holds 15,000 of 100,000 documents"
        in browser.find_element(By.ID, "sample-note").text
    )
    drawn = browser.find_elements(By.CSS_SELECTOR, "#documents .row")
    assert 10 < len(drawn) < 100  # a screenful, not 15,000 rows in the DOM
    browser.find_element(By.ID, "search").send_keys("aggregator-9001")
    shown = lambda: int(browser.find_element(By.ID, "shown").text)  # noqa: E731
    _wait_for(lambda: shown() < MAX_ROWS)
    expected = sum(1 for doc_id in manifest["doc_id"] if "aggregator-9001" in doc_id)
    assert abs(shown() - expected * MAX_ROWS / 100_000) < 0.3 * expected  # its share
    header = browser.find_elements(By.CSS_SELECTOR, "#documents .head span")[3]  # chars in
    header.click()
    header.click()
    first = browser.find_element(By.CSS_SELECTOR, "#documents .row").text.split("\n")
    largest = manifest.filter(pl.col("doc_id").str.contains("aggregator-9001"))["chars_in"].max()
    assert int(first[3]) == largest
    assert header.get_attribute("aria-sort") == "descending"
    assert _console_errors(browser) == []
