"""HTML to text with trafilatura, imported lazily: it pins lxml, and most inputs are not HTML."""

from __future__ import annotations

from typing import Any

__all__ = ["extract_html"]


def extract_html(html: str) -> tuple[str, dict[str, Any]]:
    """Return the main text of a page and its title; ``ValueError`` when no article text is found.

    Comments and tables of links are left out: they are page furniture, not the article.
    """
    import trafilatura

    text = trafilatura.extract(html, include_comments=False, include_tables=True, deduplicate=False)
    if not text:
        raise ValueError("no article text found in HTML")
    metadata = trafilatura.extract_metadata(html)
    meta: dict[str, Any] = {}
    if metadata is not None:
        for key in ("title", "url", "date", "sitename"):
            value = getattr(metadata, key, None)
            if value:
                meta[key] = str(value)
    if "sitename" in meta:
        meta["site"] = meta.pop("sitename")
    if meta.get("title") and not text.startswith(meta["title"]):
        text = f"{meta['title']}\n\n{text}"
    return text, meta
