"""HTML to text with trafilatura, imported lazily: it pins lxml, and most inputs are not HTML."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import islice
from typing import Any

from cleankit.core.text import PROSE_WORDS, collapse_spaces, in_order

__all__ = ["PRECISION_KEEPS", "extract_html", "restore_dropped_lines"]

#: trafilatura's precision mode is used when it keeps at least this share of the characters its
#: balanced mode keeps; below it, precision mode has dropped part of the body, not furniture.
PRECISION_KEEPS = 0.5
#: A body line put back must read as prose: PROSE_WORDS words and one of these ends.
_PROSE_ENDS = (".", "!", "?", '"', "”", "’", ")")
#: A heading put back is at most this long and stands right above a line of the body.
_HEADING_WORDS = 12


def extract_html(html: str, *, title_in_text: bool = False) -> tuple[str, dict[str, Any]]:
    """Return the main text of a page and its metadata; ``ValueError`` when no article text is found.

    Comments and tables of links are left out: they are page furniture, not the article. The
    page is extracted twice, in trafilatura's precision mode and in its balanced mode, and the
    precision text is taken unless it holds less than :data:`PRECISION_KEEPS` of the balanced
    text: precision mode leaves out the related-links blocks and teasers balanced mode keeps,
    but on some layouts it loses part of the body, and then the balanced text is the safer one
    (on the AEB pages: F1 0.960 -> 0.967, recall 0.978 -> 0.976; precision mode alone loses
    0.008 of recall). ``meta["extraction"]`` says which was taken. Precision mode also drops
    some of the body it keeps around: link text inside sentences, a paragraph, a subheading;
    :func:`restore_dropped_lines` puts those back from the balanced text
    (``meta["restored_lines"]`` counts them). The page title goes to
    ``meta["title"]`` (and the manifest), not into the text: written into the text it is a line
    no reader of the body asked for, and it cost recall on the AEB benchmark.
    ``title_in_text=True`` puts it back in front, for those whose pipeline expects it there.
    """
    import trafilatura

    options: dict[str, Any] = {
        "include_comments": False,
        "include_tables": True,
        "deduplicate": False,
    }
    balanced = trafilatura.extract(html, **options) or ""
    precise = trafilatura.extract(html, favor_precision=True, **options) or ""
    if precise and len(precise) >= PRECISION_KEEPS * len(balanced):
        (text, restored), mode = restore_dropped_lines(precise, balanced), "precision"
    else:
        text, restored, mode = balanced, 0, "balanced"
    if not text:
        raise ValueError("no article text found in HTML")
    metadata = trafilatura.extract_metadata(html)
    meta: dict[str, Any] = {"extractor": "trafilatura", "extraction": mode}
    if restored:
        meta["restored_lines"] = restored
    if metadata is not None:
        for key in ("title", "url", "date", "sitename"):
            value = getattr(metadata, key, None)
            if value:
                meta[key] = str(value)
    if "sitename" in meta:
        meta["site"] = meta.pop("sitename")
    if title_in_text:
        # Said in meta too, so that drop-repeated-headline leaves the title where it was asked for.
        meta["title_in_text"] = True
        if meta.get("title") and not text.startswith(meta["title"]):
            text = f"{meta['title']}\n\n{text}"
    return text, meta


def restore_dropped_lines(precise: str, balanced: str) -> tuple[str, int]:
    """Precision mode's text with the body it dropped taken back from balanced mode's text.

    Precision mode cuts furniture that balanced mode keeps (related links, teasers), but on
    the way it also cuts reporting: the words of a link inside a sentence ("reported that
    the league will fine him for his role" becomes "reported that for his role"), a paragraph
    between two it kept, a subheading. Losing a sentence is worse than keeping a line of
    junk, so three things come back, each only inside the stretch of the page both modes
    agree is the body (between the first and the last balanced line precision mode kept):
    a line whose words are all in one longer balanced line, in order, is replaced by it; a
    balanced line that reads as prose is put back where it stood; so is a line of 2 to 12
    words, not shouted in capitals, right above a kept line of prose (a heading over its
    paragraph). Lines the text already holds are not put back twice. Returns the text and
    how many lines changed.
    """
    lines = precise.split("\n")
    others = balanced.split("\n")
    stripped = [line.strip() for line in others]
    present = set(stripped)
    worded = [(line, len(line.split())) for line in others]
    changed = 0
    for j, line in enumerate(lines):
        fuller = _fuller_line(line, present, worded)
        if fuller is not None:
            lines[j] = fuller
            changed += 1
    kept: dict[str, int] = {}
    for j, line in enumerate(lines):
        kept.setdefault(line.strip(), j)
    kept.pop("", None)
    matched = [i for i, body in enumerate(stripped) if body in kept]
    if len(matched) < 2:
        return "\n".join(lines), changed
    flat = collapse_spaces(" ".join(lines))
    after: dict[int, list[str]] = {}
    anchor = kept[stripped[matched[0]]]
    for i in range(matched[0] + 1, matched[-1]):
        body = stripped[i]
        if body in kept:
            anchor = kept[body]
        elif body and collapse_spaces(body) not in flat and _body_line(body, stripped, i, kept):
            after.setdefault(anchor, []).append(others[i])
            changed += 1
    merged = [out for j, line in enumerate(lines) for out in (line, *after.get(j, ()))]
    return "\n".join(merged), changed


def _fuller_line(line: str, present: set[str], others: Sequence[tuple[str, int]]) -> str | None:
    """The one balanced line that holds all of ``line``'s words in order and more (the link
    text precision mode cut from it); None when the line is there as it is, or no single
    line fits. ``present`` holds the balanced lines stripped, ``others`` each with its count
    of words."""
    body = line.strip()
    words = body.split()
    if len(words) < 4 or body in present:
        return None
    fits = [
        other
        for other, count in others
        if len(words) < count <= 2 * len(words) + 10 and in_order(words, other.split())
    ]
    return fits[0] if len(fits) == 1 else None


def _body_line(body: str, stripped: Sequence[str], at: int, kept: dict[str, int]) -> bool:
    """Whether balanced line ``at``, which precision mode dropped from inside the body, is
    reporting: prose, or a heading right above a kept prose line."""
    count = len(body.split())
    if count >= PROSE_WORDS and body.endswith(_PROSE_ENDS):
        return True
    if not 2 <= count <= _HEADING_WORDS or body.isupper():
        return False  # one word ("Advertisement", "Tags") labels a slot; capitals shout a link
    following = next((line for line in islice(stripped, at + 1, None) if line), "")
    return following in kept and len(following.split()) >= PROSE_WORDS
