"""Language identification on real page excerpts: how often the identified language is the
annotated one, and what it costs per document.

Reads ``../shared/devpages/pages.jsonl`` (each record's ``lang`` is the annotation), leaves the
annotation out, and runs ``cleankit.filters.language.identify_language`` on each text.

    python benchmarks/bench_language.py
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from cleankit.filters.language import identify_language  # noqa: E402

PAGES = HERE.parent.parent / "shared" / "devpages" / "pages.jsonl"


def main() -> None:
    if not PAGES.is_file():
        sys.exit(f"{PAGES}: not found (the devpages set lives in ../shared)")
    pages = [json.loads(line) for line in PAGES.read_text(encoding="utf-8").splitlines()]
    identify_language("warm the model up before timing it")
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    wrong: list[str] = []
    start = time.process_time()
    for page in pages:
        found = identify_language(page["text"])
        total[page["lang"]] += 1
        if found == page["lang"]:
            right[page["lang"]] += 1
        else:
            wrong.append(f"{page['id']}: {page['lang']} taken for {found}")
    seconds = time.process_time() - start
    print(f"{'language':10} {'pages':>5} {'right':>5}")
    for lang, count in total.most_common():
        print(f"{lang:10} {count:5} {right[lang]:5}")
    print(f"{'all':10} {sum(total.values()):5} {sum(right.values()):5}")
    print(f"CPU per document: {seconds / len(pages) * 1000:.2f} ms")
    for line in wrong:
        print("  wrong", line)


if __name__ == "__main__":
    main()
