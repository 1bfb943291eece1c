"""A self-contained HTML audit page: inline SVG charts and a searchable table, no network."""

from __future__ import annotations

import html
from pathlib import Path

import polars as pl

from cleankit.audit.summary import summarize
from cleankit.io.files import atomic_write

__all__ = ["render_report", "write_report"]

_STYLE = """
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
h1{font-size:1.5em}h2{font-size:1.15em;margin-top:2em}
.cards{display:flex;gap:1em;flex-wrap:wrap}.card{border:1px solid #ccc;border-radius:6px;padding:.6em 1em}
.card b{display:block;font-size:1.6em}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #eee;padding:.25em .5em;text-align:left}
td.n,th.n{text-align:right}svg text{font-size:12px}input{padding:.4em;width:30em;max-width:100%}
"""

_SCRIPT = """
document.getElementById('search').addEventListener('input', function (event) {
  var needle = event.target.value.toLowerCase();
  var shown = 0;
  document.querySelectorAll('#documents tbody tr').forEach(function (row) {
    var match = row.textContent.toLowerCase().indexOf(needle) !== -1;
    row.style.display = match ? '' : 'none';
    if (match) { shown += 1; }
  });
  document.getElementById('shown').textContent = shown;
});
"""


def _bars(title: str, items: list[tuple[str, int]], chart_id: str) -> str:
    if not items:
        return f'<h2>{html.escape(title)}</h2><p id="{chart_id}">none</p>'
    width, bar_height, label_width = 640, 20, 260
    peak = max(value for _, value in items) or 1
    rows = []
    for i, (label, value) in enumerate(items):
        y = i * (bar_height + 4)
        length = max(1, int((width - label_width - 80) * value / peak))
        rows.append(
            f'<text x="0" y="{y + 14}">{html.escape(label[:40])}</text>'
            f'<rect x="{label_width}" y="{y}" width="{length}" height="{bar_height}" fill="#4a7ab5"></rect>'
            f'<text class="value" x="{label_width + length + 6}" y="{y + 14}">{value}</text>'
        )
    height = len(items) * (bar_height + 4)
    return (
        f"<h2>{html.escape(title)}</h2>"
        f'<svg id="{chart_id}" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">{"".join(rows)}</svg>'
    )


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


def render_report(manifest: pl.DataFrame) -> str:
    """The page as a string; its numbers come from :func:`cleankit.audit.summarize`, except the
    count of documents with held edits (the suspects table counts per rule, not per document)."""
    tables = summarize(manifest)
    status = {row["status"]: row["documents"] for row in tables["status"].iter_rows(named=True)}
    status["suspect"] = manifest.filter(pl.col("suspects").list.len() > 0).height
    cards = "".join(
        f'<div class="card" id="count-{name}"><b>{status.get(name, 0)}</b>{name}</div>'
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
        .iter_rows(named=True)
    ]
    rows = []
    for row in manifest.sort("doc_id").iter_rows(named=True):
        cells = [
            html.escape(str(row["doc_id"])),
            html.escape(str(row["status"])),
            html.escape(f"{row['source']}:{row['source_line']}"),
            f'<td class="n">{row["chars_in"] or 0}</td><td class="n">{row["chars_out"] or 0}</td>',
            str(len(row["edits"] or [])),
            str(len(row["suspects"] or [])),
            html.escape(str(row["publisher"] or "")),
            html.escape(str(row["duplicate_of"] or row["error"] or "")),
        ]
        rows.append(
            f"<tr><td>{cells[0]}</td><td>{cells[1]}</td><td>{cells[2]}</td>{cells[3]}"
            f'<td class="n">{cells[4]}</td><td class="n">{cells[5]}</td>'
            f"<td>{cells[6]}</td><td>{cells[7]}</td></tr>"
        )
    run_id = html.escape(str(manifest["run_id"][0])) if manifest.height else ""
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>cleankit audit {run_id}</title><style>{_STYLE}</style></head><body>"
        f'<h1>cleankit audit</h1><p>run {run_id}: <span id="total">{manifest.height}</span> documents</p>'
        f'<div class="cards">{cards}</div>'
        + _bars("Characters removed by rule", by_rule, "chart-rules")
        + _suspects(tables["suspects"])
        + _bars("Duplicate clusters by size", clusters, "chart-clusters")
        + _bars("Provenance", provenance, "chart-provenance")
        + '<h2>Documents</h2><p><input id="search" type="search" placeholder="filter rows" '
        'aria-label="filter rows"> <span id="shown">'
        f"{manifest.height}</span> shown</p>"
        '<table id="documents"><thead><tr><th>doc_id</th><th>status</th><th>source</th>'
        '<th class="n">chars in</th><th class="n">chars out</th><th class="n">edits</th>'
        '<th class="n">held</th><th>publisher</th><th>duplicate of / error</th></tr></thead><tbody>'
        + "".join(rows)
        + f"</tbody></table><script>{_SCRIPT}</script></body></html>"
    )


def write_report(manifest: pl.DataFrame, path: str | Path) -> None:
    """Write the page atomically."""
    with atomic_write(path, "w") as handle:
        handle.write(render_report(manifest))
