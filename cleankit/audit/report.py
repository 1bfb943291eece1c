"""A self-contained HTML audit page that stays small and fast however large the run.

The counts and charts are computed over every row (:func:`cleankit.audit.summarize`); the
table is drawn by the page itself from compact JSON, a screenful of rows at a time, so the
browser never holds a million rows in its DOM. Past ``max_rows`` documents the table holds a
sample, named as one on the page: every document with an error or a held-back edit first, then
the others chosen by a hash of their id (the same sample for the same manifest, each status in
its share). Every string that repeats (statuses, sources, sites, rules, reasons) is written
once, so a row costs tens of bytes, not hundreds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import math
import posixpath
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

import polars as pl

from cleankit.audit.summary import summarize
from cleankit.core.provenance import PROVENANCE_COLUMNS
from cleankit.io.files import atomic_write

__all__ = ["MAX_ROWS", "render_report", "write_report"]

#: Documents the table holds before it samples: about 4 MB of page at six edits a document.
MAX_ROWS = 15_000
#: Characters of removed (and inserted) text kept per edit in the page; the manifest has all.
SNIPPET = 40
#: A chart whose largest bar is this many times its smallest is drawn on a log scale.
LOG_SPREAD = 100


def _asset(name: str) -> str:
    return resources.files("cleankit.audit").joinpath(name).read_text(encoding="utf-8")


def _bars(title: str, items: list[tuple[str, int]], chart_id: str) -> str:
    """A horizontal bar chart in HTML (it takes the page's width); log scale when the values
    span more than two orders of magnitude, so one large bar does not flatten the rest."""
    head = f"<h2>{html.escape(title)}</h2>"
    if not items:
        return f'{head}<p id="{chart_id}">none</p>'
    values = [value for _, value in items]
    log = max(values) > LOG_SPREAD * max(min(values), 1)
    peak = math.log10(max(values) + 1) if log else max(values) or 1
    rows = []
    for label, value in items:
        share = (math.log10(value + 1) if log else value) / peak
        rows.append(
            f'<div class="bar"><span class="label" title="{html.escape(label)}">'
            f"{html.escape(label)}</span>"
            f'<span class="track"><span class="fill" style="width:{100 * share:.2f}%"></span>'
            f'</span><span class="value">{value:,}</span></div>'
        )
    scale = '<p class="note">log scale</p>' if log else ""
    return f'{head}{scale}<div class="chart" id="{chart_id}" data-log="{str(log).lower()}">{"".join(rows)}</div>'


def _suspects(table: pl.DataFrame) -> str:
    """Edits the removal guard held back: a person decides whether the rule or the guard is right."""
    if table.height == 0:
        return '<h2>Held back by the removal guard</h2><p id="suspects">none</p>'
    head = "".join(f"<th>{html.escape(name)}</th>" for name in table.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(value))}</td>" for value in row) + "</tr>"
        for row in table.iter_rows()
    )
    return (
        "<h2>Held back by the removal guard</h2>"
        f'<table id="suspects"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    )


def _sample(manifest: pl.DataFrame, max_rows: int) -> pl.DataFrame:
    """The rows the table holds: all of them, or ``max_rows`` chosen as the module says."""
    if manifest.height <= max_rows:
        return manifest.sort("doc_id")
    # A hash of our own, not polars' (which may change between its versions): the same
    # manifest gives the same sample wherever the report is made.
    digests = [
        hashlib.blake2b(doc_id.encode("utf-8"), digest_size=8).digest()
        for doc_id in manifest["doc_id"].to_list()
    ]
    ranked = manifest.with_columns(
        _first=(pl.col("status") == "error") | (pl.col("suspects").list.len() > 0),
        _hash=pl.Series(digests, dtype=pl.Binary),
    )
    chosen = ranked.sort(["_first", "_hash", "doc_id"], descending=[True, False, False])
    return chosen.head(max_rows).drop("_first", "_hash").sort("doc_id")


class _Strings:
    """Each distinct string once; rows refer to it by number."""

    def __init__(self) -> None:
        self.values: list[str] = []
        self._index: dict[str, int] = {}

    def __call__(self, value: object) -> int:
        """The number of ``value`` (-1 for none)."""
        if value is None or value == "":
            return -1
        text = str(value)
        found = self._index.get(text)
        if found is None:
            found = self._index[text] = len(self.values)
            self.values.append(text)
        return found


def _snippet(text: str | None) -> str:
    text = text or ""
    return text if len(text) <= SNIPPET else text[:SNIPPET] + "…"


def _edits(edits: Iterable[dict[str, Any]] | None, strings: _Strings) -> list[list[Any]]:
    return [
        [
            strings(f"{edit['step']}/{edit['rule']}"),
            strings(edit["why"]),
            edit["start"],
            edit["end"],
            _snippet(edit["removed"]),
            _snippet(edit["inserted"]),
        ]
        for edit in edits or ()
    ]


def _display_sources(sources: list[str]) -> dict[str, str]:
    """Sources as the page shows them: local paths relative to the folder they share, so the
    page names no one's home directory; URLs and the standard input as they are."""
    local = sorted({s for s in sources if s and "://" not in s and s.startswith("/")})
    base = posixpath.dirname(local[0]) if len(local) == 1 else ""
    if len(local) > 1:
        base = posixpath.commonpath(local)
        if base in local:  # one file named twice
            base = posixpath.dirname(base)
    return {s: posixpath.relpath(s, base) if base and s in local else s for s in set(sources)}


def _table_data(rows: pl.DataFrame) -> dict[str, Any]:
    strings = _Strings()
    sources = _display_sources([s for s in rows["source"].to_list() if s is not None])
    provenance = [name for name in PROVENANCE_COLUMNS if name in rows.columns]
    data = []
    for row in rows.iter_rows(named=True):
        found = [
            [strings(name), strings(row[name])]
            for name in provenance
            if row[name] is not None and row[name] is not False
        ]
        data.append(
            [
                row["doc_id"],
                strings(row["status"]),
                strings(sources.get(row["source"], row["source"])),
                row["source_line"],
                row["chars_in"] or 0,
                row["chars_out"] or 0,
                strings(row["site"]),
                strings(row["language"]),
                strings(row["publisher"]),
                row["duplicate_of"] or row["error"] or "",
                _edits(row["edits"], strings),
                _edits(row["suspects"], strings),
                found,
            ]
        )
    return {"strings": strings.values, "rows": data}


def _run_facts(manifest: pl.DataFrame) -> str:
    """Which run this is: id, date, version, rules digest, options (as recorded per row)."""
    if manifest.height == 0:
        return '<p id="run">an empty manifest</p>'
    first = manifest.row(0, named=True)
    run_ids = manifest["run_id"].drop_nulls().unique().sort().to_list()
    started = manifest["started_at"].min()
    when = started.isoformat(timespec="seconds") if isinstance(started, dt.datetime) else "unknown"
    try:
        options = json.dumps(json.loads(first["options"] or "{}"), indent=1, sort_keys=True)
    except ValueError:
        options = str(first["options"])
    facts = [
        ("run", ", ".join(run_ids) or "unknown"),
        ("started", when),
        ("cleankit", first["cleankit_version"] or "unknown"),
        ("rules", (first["rules_sha256"] or "unknown")[:16]),
    ]
    items = "".join(
        f'<span><i>{name}</i> <b id="run-{name}">{html.escape(str(value))}</b></span>'
        for name, value in facts
    )
    return (
        f'<p class="facts" id="run">{items}</p>'
        f"<details><summary>options</summary><pre>{html.escape(options)}</pre></details>"
    )


def _documents_by(manifest: pl.DataFrame, column: str, limit: int = 25) -> list[tuple[str, int]]:
    """The ``limit`` most common values of a column, with their document counts."""
    counts = (
        manifest.drop_nulls(column)
        .group_by(column)
        .agg(documents=pl.len())
        .sort(["documents", column], descending=[True, False])
        .head(limit)
    )
    return [(str(value), int(documents)) for value, documents in counts.iter_rows()]


def render_report(manifest: pl.DataFrame, *, max_rows: int = MAX_ROWS) -> str:
    """The page as a string. Counts and charts cover every row; the table holds at most
    ``max_rows`` documents (a sample beyond, see the module)."""
    tables = summarize(manifest)
    status = {row["status"]: row["documents"] for row in tables["status"].iter_rows(named=True)}
    status["suspect"] = manifest.filter(pl.col("suspects").list.len() > 0).height
    cards = "".join(
        f'<div class="card" id="count-{name}"><b>{status.get(name, 0):,}</b>{name}</div>'
        for name in ("kept", "dropped", "duplicate", "error", "suspect")
    )
    # Repairs that insert (a space between glued sentences) remove a negative count: not a bar.
    by_rule = [
        (f"{r['step']}/{r['rule']}", int(r["chars_removed"]))
        for r in tables["by_rule"]
        .filter(pl.col("chars_removed") > 0)
        .head(25)
        .iter_rows(named=True)
    ]
    clusters = [
        (f"size {r['size']}", int(r["clusters"])) for r in tables["clusters"].iter_rows(named=True)
    ]
    provenance = [
        (f"{r['column']}: {r['value']}", int(r["documents"]))
        for r in tables["provenance"]
        .filter(pl.col("column").is_in(["publisher", "wire_agency", "machine_translated"]))
        .head(25)
        .iter_rows(named=True)
    ]
    shown = _sample(manifest, max_rows)
    sampled = shown.height < manifest.height
    note = (
        f'<p class="note" id="sample-note">The table holds {shown.height:,} of '
        f"{manifest.height:,} documents: every one with an error or a held-back edit, then a "
        "sample chosen by a hash of the id (each status in its share). The counts and charts "
        "above cover all of them; <code>cleankit explain DOC_ID</code> tells any one's story.</p>"
        if sampled
        else ""
    )
    data = json.dumps(_table_data(shown), ensure_ascii=False, separators=(",", ":"))
    # "<" escaped inside the JSON so no text of a document can close the script element.
    data = data.replace("<", "\\u003c")
    run_id = html.escape(str(manifest["run_id"][0])) if manifest.height else ""
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>cleankit audit {run_id}</title><style>{_asset('report.css')}</style></head>"
        f"<body><h1>cleankit audit</h1>{_run_facts(manifest)}"
        f'<p><span id="total">{manifest.height}</span> documents</p>'
        f'<div class="cards">{cards}</div>'
        + _bars("Characters removed by rule", by_rule, "chart-rules")
        + _suspects(tables["suspects"])
        + _bars("Duplicate clusters by size", clusters, "chart-clusters")
        + _bars("Provenance", provenance, "chart-provenance")
        + _bars("Documents by site (top 25)", _documents_by(manifest, "site"), "chart-sites")
        + _bars("Documents by language", _documents_by(manifest, "language"), "chart-languages")
        + "<h2>Documents</h2>"
        + note
        + '<p><input id="search" type="search" placeholder="filter: id, status, source, site, '
        'rule..." aria-label="filter rows"> <span id="shown">'
        f"{shown.height}</span> shown</p>"
        '<div id="documents" role="table"><div class="head" role="row"></div>'
        '<div class="viewport"><div class="spacer"></div></div></div>'
        '<div id="detail" hidden></div>'
        f'<script type="application/json" id="data">{data}</script>'
        f"<script>{_asset('report.js')}</script></body></html>"
    )


def write_report(manifest: pl.DataFrame, path: str | Path, *, max_rows: int = MAX_ROWS) -> None:
    """Write the page atomically."""
    with atomic_write(path, "w") as handle:
        handle.write(render_report(manifest, max_rows=max_rows))
