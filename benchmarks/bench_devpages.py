"""Boilerplate removed, content kept and provenance right on ../shared/devpages.

    python benchmarks/bench_devpages.py [--pages ../shared/devpages/pages.jsonl] [--show CATEGORY]

Each record is cleaned on its own by the default per-document chain (no corpus dedup: the set
holds deliberate copies, and dropping a whole copy would say nothing about boilerplate). The
edits are replayed over the original to learn which characters survived, so a boilerplate item
counts as removed when at most 10% of its visible characters are left. A content sentence
counts as kept only verbatim. Provenance is compared value by value, case-insensitively, after
the same canonical naming cleankit applies.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from scoring import surviving  # noqa: E402

from cleankit.core.document import Document  # noqa: E402
from cleankit.filters.names import same_outlet_key  # noqa: E402
from cleankit.run import default_chain  # noqa: E402

DEFAULT_PAGES = HERE.parent.parent / "shared" / "devpages" / "pages.jsonl"
#: Provenance keys of the set that cleankit records (author/editor included).
KEYS = (
    "publisher",
    "dateline_city",
    "wire_agency",
    "desk_tag",
    "photo_credit",
    "cited_source",
    "syndicated_from",
    "machine_translated",
    "author",
    "editor",
)


def load(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _same(expected: Any, got: Any) -> bool:
    """Strict: the same value, ignoring case, spacing and end punctuation."""
    if isinstance(expected, bool) or isinstance(got, bool):
        return bool(expected) == bool(got)
    if got is None:
        return False
    norm = lambda v: " ".join(str(v).casefold().split()).strip(" .,:;-–—")  # noqa: E731
    return norm(expected) == norm(got)


_NOTE = re.compile(r"\s*\(([^)]*)\)\s*")
#: The "; " between values of the annotation, not one inside a note ("Twitter (A; B)").
_BETWEEN_VALUES = re.compile(r";(?![^()]*\))")


#: A title's leading article, which a web address leaves out ("The Straits Times",
#: straitstimes.com; "O São Gonçalo", osaogoncalo.com.br).
_ARTICLE = re.compile(r"^(?:the|o|a|os|as|el|la|los|las|le|les|der|die|das|de|het)\s+", re.I)


def _address_keys(name: str) -> tuple[str, str]:
    """The keys of ``name`` as a web address may spell it: without accents, with and without
    a leading article ("straitstimes.com", "osaogoncalo.com.br")."""
    bare = unicodedata.normalize("NFKD", name.strip())
    bare = "".join(c for c in bare if not unicodedata.combining(c))
    return same_outlet_key(bare), same_outlet_key(_ARTICLE.sub("", bare))


def _same_name(expected: Any, got: Any) -> bool:
    """Lenient: the same set of names, each written any way an outlet's name is written.

    The annotation joins several values with "; " and adds notes in parentheses ("Keratonnews
    (keratonnews.co.id)", "Bloomberg (second item)"): each expected value matches its name or
    its note. A name matches across case, spacing, punctuation and a domain ending ("Kompas
    TV" = "KOMPAS.TV", "Kontan" = "KONTAN.CO.ID"), and as an address spells it, without a
    leading article or accents ("The Straits Times" = straitstimes.com). Every expected value
    must be matched and every recorded value must match one: a missing or an extra value is
    wrong.
    """
    if isinstance(expected, bool) or isinstance(got, bool) or got is None:
        return _same(expected, got)
    wanted = [
        {
            key
            for spelling in (_NOTE.sub(" ", item), *_NOTE.findall(item))
            for key in (same_outlet_key(spelling), *_address_keys(spelling))
        }
        for item in _BETWEEN_VALUES.split(str(expected))
    ]
    recorded = {same_outlet_key(item) for item in str(got).split(";")}
    return all(options & recorded for options in wanted) and all(
        any(key in options for options in wanted) for key in recorded
    )


def score(pages: list[dict[str, Any]]) -> dict[str, Any]:
    chain = default_chain(corpus_level=False)
    items: Counter[str] = Counter()
    removed: Counter[str] = Counter()
    missed: dict[str, list[str]] = defaultdict(list)
    content_total = content_kept = 0
    lost: list[str] = []
    prov_total = prov_right = prov_lenient = 0
    wrong: list[str] = []
    for page in pages:
        meta = {"site": page["site"], "url": page["url"]}
        doc = Document(id=page["id"], text=page["text"], language=page["lang"], meta=meta)
        outcome = chain(doc)
        output = outcome.doc.text if outcome.doc is not None else ""
        kept = surviving(len(page["text"]), outcome.edits)
        for item in page["boilerplate"]:
            start, text = item["start"], item["text"]
            visible = [i for i in range(start, start + len(text)) if not page["text"][i].isspace()]
            left = sum(kept[i] for i in visible)
            items[item["category"]] += 1
            if visible and left <= 0.1 * len(visible):
                removed[item["category"]] += 1
            else:
                missed[item["category"]].append(f"{page['id']}: {text[:90]!r}")
        for sentence in page["content"]:
            content_total += 1
            if sentence in output:
                content_kept += 1
            else:
                lost.append(f"{page['id']}: {sentence[:100]!r}")
        for key in KEYS:
            if key not in page["provenance"]:
                continue
            prov_total += 1
            got = outcome.provenance.get(key)
            as_name = _same_name(page["provenance"][key], got)
            prov_lenient += as_name
            if _same(page["provenance"][key], got):
                prov_right += 1
            else:
                mark = "  " if as_name else "* "
                wrong.append(
                    f"{mark}{page['id']}: {key} expected {page['provenance'][key]!r}, got {got!r}"
                )
    return {
        "items": items,
        "removed": removed,
        "missed": missed,
        "content": (content_kept, content_total, lost),
        "provenance": (prov_right, prov_total, wrong),
        "provenance_lenient": prov_lenient,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES)
    parser.add_argument("--show", action="append", default=[], help="list misses of a category")
    parser.add_argument("--all", action="store_true", help="list every miss")
    args = parser.parse_args()
    if not args.pages.exists():
        sys.exit(f"{args.pages}: no such file (devpages live in ../shared/devpages)")
    result = score(load(args.pages))
    items, removed = result["items"], result["removed"]
    print(f"{'category':<18} {'items':>5} {'removed':>7} {'share':>6}")
    for category, count in items.most_common():
        print(f"{category:<18} {count:>5} {removed[category]:>7} {removed[category] / count:>6.1%}")
    total, done = sum(items.values()), sum(removed.values())
    print(f"{'all':<18} {total:>5} {done:>7} {done / total:>6.1%}")
    kept, content_total, lost = result["content"]
    print(f"\ncontent sentences kept verbatim: {kept}/{content_total} = {kept / content_total:.1%}")
    for line in lost:
        print("  lost", line)
    right, prov_total, wrong = result["provenance"]
    print(f"provenance values right: {right}/{prov_total} = {right / prov_total:.1%}")
    lenient = result["provenance_lenient"]
    print(
        f"  ... as names (case, spacing, punctuation, domain ending, notes and lists of the "
        f"annotation): {lenient}/{prov_total} = {lenient / prov_total:.1%}"
    )
    print("  (* wrong as a name too)")
    for line in wrong:
        print("  wrong", line)
    for category in sorted(result["missed"]):
        if args.all or category in args.show:
            for line in result["missed"][category]:
                print(f"  missed {category}: {line}")


if __name__ == "__main__":
    main()
