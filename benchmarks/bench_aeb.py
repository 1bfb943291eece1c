"""Article Extraction Benchmark: trafilatura alone against cleankit's extraction and cleaning.

    python benchmarks/bench_aeb.py [--aeb ../shared/benchmarks/aeb] [--pages N]

The metric is the benchmark authors' (reimplemented in scoring.py): multisets of word 4-grams,
precision and recall averaged over pages, F1 of the two averages. Three rows: trafilatura with
its default settings (the reference #10 reads recall against); cleankit's ``extract_html``
(trafilatura's precision mode unless it lost half of the balanced text; the title goes to
metadata, not into the text); and that text cleaned by the default per-document chain with
corpus dedup off (each page is its own site). Extractions are cached in benchmarks/out.
A second table lists, by step and rule, the pages where an edit removed text of the gold body
(an edit counts when its removed text, whitespace collapsed, is 20+ characters found in the gold).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from scoring import RemovalTable, f1, precision_recall  # noqa: E402

from cleankit.core.document import Document  # noqa: E402
from cleankit.io.extract import extract_html  # noqa: E402
from cleankit.run import default_chain  # noqa: E402

DEFAULT_AEB = HERE.parent.parent / "shared" / "benchmarks" / "aeb"


def extracted(aeb: Path, page_id: str, cache: Path) -> tuple[str, dict[str, str]]:
    cached = cache / f"{page_id}.v4.json"
    if cached.exists():
        data = json.loads(cached.read_text(encoding="utf-8"))
        return data["text"], data["meta"]
    html = gzip.decompress((aeb / "html" / f"{page_id}.html.gz").read_bytes())
    try:
        text, meta = extract_html(html.decode("utf-8", "replace"))
    except ValueError:
        text, meta = "", {}
    cache.mkdir(parents=True, exist_ok=True)
    cached.write_text(json.dumps({"text": text, "meta": meta}), encoding="utf-8")
    return text, meta


def reference(aeb: Path, page_id: str, cache: Path) -> str:
    """trafilatura's own text with its default settings (comments and tables as cleankit asks)."""
    cached = cache / f"{page_id}.trafilatura.json"
    if cached.exists():
        return str(json.loads(cached.read_text(encoding="utf-8"))["text"])
    import trafilatura

    html = gzip.decompress((aeb / "html" / f"{page_id}.html.gz").read_bytes())
    text = (
        trafilatura.extract(
            html.decode("utf-8", "replace"),
            include_comments=False,
            include_tables=True,
            deduplicate=False,
        )
        or ""
    )
    cache.mkdir(parents=True, exist_ok=True)
    cached.write_text(json.dumps({"text": text}), encoding="utf-8")
    return text


def page_arguments(description: str) -> argparse.ArgumentParser:
    """The options every AEB script takes: where the set is, and how many of its pages."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--aeb", type=Path, default=DEFAULT_AEB)
    parser.add_argument("--pages", type=int, default=0, help="only the first N pages")
    return parser


def gold_bodies(aeb: Path, pages: int) -> dict[str, str]:
    """Page id -> gold article body, in id order, the first ``pages`` (all with 0); exits
    with a one-line message when the set is not there."""
    truth_path = aeb / "ground-truth.json"
    if not truth_path.exists():
        sys.exit(f"{truth_path}: no such file (the AEB data lives in ../shared/benchmarks/aeb)")
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    return {page_id: truth[page_id]["articleBody"] for page_id in sorted(truth)[: pages or None]}


def main() -> None:
    parser = page_arguments(__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=HERE / "out" / "aeb-extract")
    parser.add_argument("--worst", type=int, default=0, help="list the N pages cleaning hurt most")
    args = parser.parse_args()
    golds = gold_bodies(args.aeb, args.pages)
    chain = default_chain(corpus_level=False)
    sums = {"trafilatura": [0.0, 0.0], "extraction": [0.0, 0.0], "cleankit": [0.0, 0.0]}
    hurt = RemovalTable()
    deltas: list[tuple[float, str]] = []
    for page_id, gold in golds.items():
        text, meta = extracted(args.aeb, page_id, args.cache)
        pr, rr = precision_recall(reference(args.aeb, page_id, args.cache), gold)
        sums["trafilatura"][0] += pr
        sums["trafilatura"][1] += rr
        p0, r0 = precision_recall(text, gold)
        cleaned = text
        if text.strip():
            outcome = chain(Document(id=page_id, text=text, meta=meta))
            cleaned = outcome.doc.text if outcome.doc is not None else ""
            hurt.add(page_id, outcome.edits, gold)
        p1, r1 = precision_recall(cleaned, gold)
        sums["extraction"][0] += p0
        sums["extraction"][1] += r0
        sums["cleankit"][0] += p1
        sums["cleankit"][1] += r1
        deltas.append((f1(p1, r1) - f1(p0, r0), page_id))
    n = len(golds)
    print(f"pages: {n}")
    print(f"{'system':<24} {'F1':>6} {'precision':>9} {'recall':>7}")
    labels = {
        "trafilatura": "trafilatura (default)",
        "extraction": "cleankit extraction",
        "cleankit": "extraction + cleaning",
    }
    for name, (p, r) in sums.items():
        print(f"{labels[name]:<24} {f1(p / n, r / n):>6.3f} {p / n:>9.3f} {r / n:>7.3f}")
    hurt.print()
    for delta, page_id in sorted(deltas)[: args.worst]:
        print(f"  worst: {page_id} F1 change {delta:+.3f}")


if __name__ == "__main__":
    main()
