"""The audit report at scale: page size, render time, and load, filter and sort time in
headless Chromium, against the report of an earlier commit in the same run.

    python benchmarks/bench_report.py [--rows 10000 100000 1000000] [--baseline REV]

The manifests are a real run's rows (cleankit clean samples/) repeated under new ids up to each
size. Load is the browser's DOMContentLoaded; filter is the time from typing a query until the
count of shown rows changes (what a user waits for, the page's debounce included); sort is a
click on "chars in". The baseline (``--baseline``, default the commit before the scalable report)
is rendered from that commit's ``cleankit/audit/report.py``; sizes past ``--baseline-max`` rows
are skipped for it (its page grows with every row).
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

import polars as pl  # noqa: E402

from cleankit.audit.report import render_report  # noqa: E402
from cleankit.io.corpus import read_documents  # noqa: E402
from cleankit.io.manifest import read_manifest  # noqa: E402
from cleankit.run import clean_corpus  # noqa: E402

QUERY = "aggregator"


def baseline_renderer(revision: str) -> Callable[[pl.DataFrame], str]:
    """``render_report`` as ``revision`` had it (its module loaded beside today's package)."""
    source = subprocess.run(
        ["git", "show", f"{revision}:cleankit/audit/report.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    path = Path(tempfile.mkdtemp()) / "report_baseline.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("report_baseline", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    render: Callable[[pl.DataFrame], str] = module.render_report
    return render


def scaled(manifest: pl.DataFrame, rows: int) -> pl.DataFrame:
    copies = pl.concat([manifest] * -(-rows // manifest.height)).head(rows)
    return copies.with_columns(
        doc_id=pl.format("{}-{}", pl.col("doc_id"), pl.int_range(pl.len()).cast(pl.String))
    )


def browser(profile: Path) -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    return webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)


FILTER = """
var done = arguments[arguments.length - 1];
var shown = document.getElementById('shown'), search = document.getElementById('search');
var before = shown.textContent, started = performance.now();
new MutationObserver(function (_, observer) {
  observer.disconnect(); done(performance.now() - started);
}).observe(shown, {childList: true, characterData: true, subtree: true});
search.value = arguments[0];
search.dispatchEvent(new Event('input'));
"""
SORT = """
var headers = document.querySelectorAll('#documents .head span, #documents thead th');
var started = performance.now();
headers[3].click();
return performance.now() - started;
"""


def measure(session: Any, page: Path) -> dict[str, float]:
    session.set_script_timeout(120)
    started = time.perf_counter()
    session.get(page.as_uri())
    wall = time.perf_counter() - started
    loaded = session.execute_script(
        "return performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd"
    )
    filtered = session.execute_async_script(FILTER, QUERY)
    sorted_ms = session.execute_script(SORT)
    return {"load_ms": float(loaded), "wall_s": wall, "filter_ms": filtered, "sort_ms": sorted_ms}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--baseline", default="7932248")
    parser.add_argument("--baseline-max", type=int, default=100_000)
    args = parser.parse_args()
    if not shutil.which("chromedriver"):
        sys.exit("needs chromium and chromedriver (Debian: apt install chromium chromium-driver)")
    work = Path(tempfile.mkdtemp(prefix="bench-report-"))
    clean_corpus(read_documents([ROOT / "samples"]), work / "run")
    base = read_manifest(work / "run" / "manifest.parquet")
    renderers: dict[str, Callable[[pl.DataFrame], str]] = {
        "baseline": baseline_renderer(args.baseline),
        "now": render_report,
    }
    session = browser(work / "profile")
    print(
        f"{'rows':>9} {'report':<9} {'page MB':>8} {'render s':>9} {'load ms':>9} "
        f"{'filter ms':>10} {'sort ms':>8}"
    )
    try:
        for rows in args.rows:
            manifest = scaled(base, rows)
            for name, render in renderers.items():
                if name == "baseline" and rows > args.baseline_max:
                    print(f"{rows:>9} {name:<9} {'skipped (page grows with every row)':>30}")
                    continue
                started = time.perf_counter()
                page = render(manifest)
                rendered = time.perf_counter() - started
                target = work / f"{name}-{rows}.html"
                target.write_text(page, encoding="utf-8")
                got = measure(session, target)
                print(
                    f"{rows:>9} {name:<9} {target.stat().st_size / 1e6:>8.2f} {rendered:>9.2f} "
                    f"{got['load_ms']:>9.0f} {got['filter_ms']:>10.0f} {got['sort_ms']:>8.0f}"
                )
                target.unlink()
    finally:
        session.quit()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
