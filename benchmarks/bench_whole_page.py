"""Whole-page text of the AEB pages, cleaned without an extractor: how much page furniture the
line-level filters take out of real pages from 180 sites, and what article text they cost.

    python benchmarks/bench_whole_page.py [--aeb ../shared/benchmarks/aeb] [--pages N] [--gold-only]

A corpus that was scraped as plain text (the devpages' shape) never passes through
trafilatura, so ``drop-page-furniture`` and the rules are all that stand between the menus,
footers and teasers of a page and the output. Here each AEB page becomes the text a naive
scraper keeps: every text node of ``<body>``, one line per block element, scripts, styles and
comments left out. The default per-document chain (corpus dedup off) cleans it with no
``extractor`` in its metadata, so the furniture filter runs. Scored with the AEB metric
(scoring.py) against the gold body, before and after cleaning, and a table of the pages where
an edit removed gold text, by rule: the article text that plain-text cleaning loses.
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

import lxml.html

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from bench_aeb import gold_bodies, page_arguments  # noqa: E402
from scoring import RemovalTable, f1, precision_recall  # noqa: E402

from cleankit.core.document import Document  # noqa: E402
from cleankit.run import default_chain  # noqa: E402

#: Elements that start a new line in the scraped text (a browser's block boxes, roughly).
_BLOCKS = frozenset(
    {
        *("p", "div", "li", "br", "tr", "ul", "ol", "dd", "dt", "table", "form"),
        *("h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "figure", "figcaption"),
        *("section", "article", "header", "footer", "nav", "aside"),
    }
)
_DROPPED = "//script|//style|//noscript|//svg|//template"


def page_text(html: str) -> str:
    """The text of ``<body>`` as a scraper that keeps everything would write it."""
    root = lxml.html.fromstring(html)
    for node in root.xpath(_DROPPED):
        node.drop_tree()
    body = root.find("body")
    parts: list[str] = []

    def walk(node: lxml.html.HtmlElement) -> None:
        if not isinstance(node.tag, str):  # a comment or processing instruction
            return
        block = node.tag in _BLOCKS
        if block:
            parts.append("\n")
        parts.append(node.text or "")
        for child in node:
            walk(child)
            parts.append(child.tail or "")
        if block:
            parts.append("\n")

    walk(body if body is not None else root)
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def gold_only(golds: dict[str, str]) -> None:
    """Clean each gold body alone, as a corpus of articles without their pages would be: every
    line an edit removes is article text the gold kept (or furniture the gold kept, such as a
    dateline or a copyright line). Printed by step and rule, with counts of lines and pages."""
    chain = default_chain(corpus_level=False)
    lines: dict[tuple[str, str], int] = {}
    pages: dict[tuple[str, str], set[str]] = {}
    for page_id, gold in golds.items():
        outcome = chain(Document(id=page_id, text=gold))
        for edit in outcome.edits:
            if edit.removed.strip() and edit.step not in _LAYOUT_STEPS:
                key = (edit.step, edit.rule)
                lines[key] = lines.get(key, 0) + len(edit.removed.strip().splitlines())
                pages.setdefault(key, set()).add(page_id[:10])
    print(f"gold bodies cleaned alone: {len(golds)}")
    print(f"{'step':<26} {'rule':<28} {'lines':>5} {'pages':>5}")
    for key, count in sorted(lines.items(), key=lambda kv: -kv[1]):
        print(f"{key[0]:<26} {key[1]:<28} {count:>5} {len(pages[key]):>5}")


#: Steps that only change spacing or characters: no line of text goes with them.
_LAYOUT_STEPS = frozenset({"fix-text", "normalize-whitespace", "tidy-whitespace"})


def main() -> None:
    parser = page_arguments(__doc__.splitlines()[0])
    parser.add_argument(
        "--gold-only",
        action="store_true",
        help="clean each gold body alone and list what the chain removes from article text",
    )
    args = parser.parse_args()
    golds = gold_bodies(args.aeb, args.pages)
    if args.gold_only:
        gold_only(golds)
        return
    chain = default_chain(corpus_level=False)
    before = [0.0, 0.0]
    after = [0.0, 0.0]
    hurt = RemovalTable()
    for page_id, gold in golds.items():
        html = gzip.decompress((args.aeb / "html" / f"{page_id}.html.gz").read_bytes())
        text = page_text(html.decode("utf-8", "replace"))
        outcome = chain(Document(id=page_id, text=text))
        cleaned = outcome.doc.text if outcome.doc is not None else ""
        hurt.add(page_id, outcome.edits, gold)
        for sums, scored in ((before, text), (after, cleaned)):
            p, r = precision_recall(scored, gold)
            sums[0] += p
            sums[1] += r
    n = len(golds)
    print(f"pages: {n}")
    print(f"{'text':<24} {'F1':>6} {'precision':>9} {'recall':>7}")
    for label, (p, r) in (("whole page", before), ("whole page, cleaned", after)):
        print(f"{label:<24} {f1(p / n, r / n):>6.3f} {p / n:>9.3f} {r / n:>7.3f}")
    hurt.print()


if __name__ == "__main__":
    main()
