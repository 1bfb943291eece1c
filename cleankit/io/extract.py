"""HTML to text with trafilatura, imported lazily: it pins lxml, and most inputs are not HTML."""

from __future__ import annotations

from typing import Any

__all__ = ["extract_html"]


def extract_html(html: str, *, title_in_text: bool = False) -> tuple[str, dict[str, Any]]:
    """Return the main text of a page and its metadata; ``ValueError`` when no article text is found.

    Comments and tables of links are left out: they are page furniture, not the article. The
    page title goes to ``meta["title"]`` (and the manifest), not into the text: written into the
    text it is a line no reader of the body asked for, and it cost recall on the AEB benchmark.
    ``title_in_text=True`` puts it back in front, for those whose pipeline expects it there.
    """
    import trafilatura

    text = trafilatura.extract(html, include_comments=False, include_tables=True, deduplicate=False)
    if not text:
        raise ValueError("no article text found in HTML")
    metadata = trafilatura.extract_metadata(html)
    meta: dict[str, Any] = {"extractor": "trafilatura"}
    if metadata is not None:
        for key in ("title", "url", "date", "sitename"):
            value = getattr(metadata, key, None)
            if value:
                meta[key] = str(value)
    if "sitename" in meta:
        meta["site"] = meta.pop("sitename")
    if title_in_text and meta.get("title") and not text.startswith(meta["title"]):
        text = f"{meta['title']}\n\n{text}"
    return text, meta
