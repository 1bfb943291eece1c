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


def _located(page: str, start: int, text: str) -> int:
    """Where an annotated item stands: its own offset unless that offset lies inside a word.

    The set's offsets were found by searching for each item's text, so a short item can point
    into a longer word ("0" inside the title's "2024") while the line it annotates stands
    further on. An item cut out of the middle of a word on both sides moves to the first
    occurrence of its text that stands on word boundaries; items glued on one side only (a
    credit run into a caption) are real and stay where they are.
    """
    end = start + len(text)
    inside = start > 0 and end < len(page)
    inside = inside and page[start - 1].isalnum() and page[start].isalnum()
    inside = inside and page[end - 1].isalnum() and page[end].isalnum()
    if not inside:
        return start
    bounded = re.compile(rf"(?<!\w){re.escape(text)}(?!\w)")
    match = bounded.search(page)
    return match.start() if match else start


def _gone(page: str, kept: list[bool], start: int, text: str) -> bool:
    """At most 10% of the item's visible characters survived."""
    visible = [i for i in range(start, start + len(text)) if not page[i].isspace()]
    return bool(visible) and sum(kept[i] for i in visible) <= 0.1 * len(visible)


def _other_copy_gone(page: str, kept: list[bool], start: int, text: str) -> bool:
    """For a repeated headline or lead: was an identical copy elsewhere removed instead?

    The annotation marks one of two equal copies as the repeat; keeping that one and removing
    the other leaves the same text, so either removal counts.
    """
    needle = text.strip()
    position = page.find(needle)
    while position >= 0:
        outside = position + len(needle) <= start or position >= start + len(text)
        if outside and _gone(page, kept, position, needle):
            return True
        position = page.find(needle, position + 1)
    return False


def score(pages: list[dict[str, Any]]) -> dict[str, Any]:
    chain = default_chain(corpus_level=False)
    items: Counter[str] = Counter()
    removed: Counter[str] = Counter()
    missed: dict[str, list[str]] = defaultdict(list)
    content_total = content_kept = 0
    lost: list[str] = []
    prov_total = prov_right = prov_lenient = 0
    wrong: list[str] = []
    moved: list[str] = []
    other_copy: list[str] = []
    for page in pages:
        meta = {"site": page["site"], "url": page["url"]}
        doc = Document(id=page["id"], text=page["text"], language=page["lang"], meta=meta)
        outcome = chain(doc)
        output = outcome.doc.text if outcome.doc is not None else ""
        kept = surviving(len(page["text"]), outcome.edits)
        for item in page["boilerplate"]:
            text, category = item["text"], item["category"]
            start = _located(page["text"], item["start"], text)
            if start != item["start"]:
                moved.append(f"{page['id']}: {text[:40]!r} {item['start']} -> {start}")
            items[category] += 1
            if _gone(page["text"], kept, start, text):
                removed[category] += 1
            elif category.endswith("_repeated") and _other_copy_gone(
                page["text"], kept, start, text
            ):
                removed[category] += 1
                other_copy.append(f"{page['id']}: {text[:60]!r}")
            else:
                missed[category].append(f"{page['id']}: {text[:90]!r}")
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
        "moved": moved,
        "other_copy": other_copy,
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
    for line in result["moved"]:
        print("  offset inside a word, moved:", line)
    for line in result["other_copy"]:
        print("  repeat removed as the other, identical copy:", line)
    for category in sorted(result["missed"]):
        if args.all or category in args.show:
            for line in result["missed"][category]:
                print(f"  missed {category}: {line}")


if __name__ == "__main__":
    main()
