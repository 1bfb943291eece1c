"""The document's headline, and removing copies of it pasted into the text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from cleankit.core.document import Document, Outcome, Span, cut
from cleankit.core.text import Paragraph, block_extent, collapse_spaces

_SENTENCE_END = '.!?:;"”’)'
#: A page's <title> is often the headline, a separator and the site's name ("... - Site.com").
_SITE_SUFFIX = re.compile(r"\s+[-|–—:·•]{1,2}\s+(?:\S+\s+){0,5}\S+$")


def headline_of(doc: Document, found: list[Paragraph] | None = None) -> str | None:
    """The document's headline: its first paragraph when that reads as one (short, no full stop).
    ``found`` are the text's paragraphs when the caller already has them."""
    if found is None:
        found = doc.memo.paragraphs(doc.text)
    if not found:
        return None
    first = found[0].text.strip()
    title = str(doc.meta.get("title", first)).strip()
    if first != title or first.endswith(tuple(_SENTENCE_END)) or not 3 <= len(first.split()) <= 30:
        return None
    return first


def _title_opening(doc: Document, found: list[Paragraph]) -> str | None:
    """The first line of an extracted page when it is the page's title again.

    Extraction puts a page's title in ``meta["title"]`` (the manifest's ``title`` column) and
    keeps it out of the text unless asked to write it there; when the extractor took the
    headline in with the body, the text opens with the title all the same. The title may
    carry the site's name after a separator ("Headline - Site.com"), the line not.
    """
    if doc.meta.get("extractor") != "trafilatura" or doc.meta.get("title_in_text"):
        return None
    title = str(doc.meta.get("title") or "").strip()
    if not found or not title:
        return None
    first = found[0].text.strip()
    key = collapse_spaces(first).casefold()
    if len(first.split()) < 3:
        return None
    for form in (title, _SITE_SUFFIX.sub("", title)):
        if collapse_spaces(form).casefold() == key:
            return first
    return None


@dataclass(frozen=True)
class DropRepeatedHeadline:
    """Remove the headline pasted again: as a whole paragraph, or as the lead's first sentence;
    and, in a page's extracted text, the title that the manifest already holds."""

    name: str = "drop-repeated-headline"

    def __call__(self, doc: Document) -> Outcome:
        """The first occurrence stays (unless it is an extracted page's title); later copies
        go, and so does a copy glued to a lead."""
        found = doc.memo.paragraphs(doc.text)
        spans: list[Span] = []
        title = _title_opening(doc, found)
        if title is not None:
            start, end = block_extent(doc.text, found[0].start, found[0].end)
            why = (
                "the page's title, kept in the manifest's title column, opening the extracted text"
            )
            spans.append(Span(start, end, "title-in-text", "", why))
        else:
            title = headline_of(doc, found)
        if title is None:
            return Outcome(doc=doc)
        key = collapse_spaces(title).casefold()
        for paragraph in found[1:]:
            body = paragraph.text.strip()
            if collapse_spaces(body).casefold().rstrip(".") == key:
                start, end = block_extent(doc.text, paragraph.start, paragraph.end)
                spans.append(
                    Span(start, end, "headline-repeat", "", "headline pasted again as a paragraph")
                )
            elif body.startswith(title):
                rest = paragraph.text[paragraph.text.index(title) + len(title) :]
                glue = re.match(r"[.!?:]\s+(?=\S)", rest)
                if glue:
                    start = paragraph.start + paragraph.text.index(title)
                    end = start + len(title) + glue.end()
                    spans.append(
                        Span(
                            start,
                            end,
                            "headline-glued",
                            "",
                            "headline pasted before the lead sentence",
                        )
                    )
        return cut(doc, spans, step=self.name)
