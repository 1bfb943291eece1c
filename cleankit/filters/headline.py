"""The document's headline, and removing copies of it pasted into the text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from cleankit.core.document import Document, Outcome, Span, cut
from cleankit.core.text import block_extent, collapse_spaces, paragraphs

_SENTENCE_END = '.!?:;"”’)'


def headline_of(doc: Document) -> str | None:
    """The document's headline: its first paragraph when that reads as one (short, no full stop)."""
    found = paragraphs(doc.text)
    if not found:
        return None
    first = found[0].text.strip()
    title = str(doc.meta.get("title", first)).strip()
    if first != title or first.endswith(tuple(_SENTENCE_END)) or not 3 <= len(first.split()) <= 30:
        return None
    return first


@dataclass(frozen=True)
class DropRepeatedHeadline:
    """Remove the headline pasted again: as a whole paragraph, or as the lead's first sentence."""

    name: str = "drop-repeated-headline"

    def __call__(self, doc: Document) -> Outcome:
        """The first occurrence stays; later copies go, and so does a copy glued to a lead."""
        title = headline_of(doc)
        if title is None:
            return Outcome(doc=doc)
        key = collapse_spaces(title).casefold()
        spans: list[Span] = []
        for paragraph in paragraphs(doc.text)[1:]:
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
