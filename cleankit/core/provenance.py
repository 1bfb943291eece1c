"""The manifest's vocabulary, without polars: the statuses a record ends in, and the provenance
columns that the junk itself carried (publisher, dateline, wire agency...).

Filters and rules name these columns; only :mod:`cleankit.io.manifest` turns them into a
Parquet schema. Keeping the names here lets the rule loader check a rule's columns without
importing the manifest writer (and polars with it).
"""

from __future__ import annotations

from typing import Final

__all__ = ["MULTI_VALUED", "PROVENANCE_COLUMNS", "STATUSES", "VALUE_SEPARATOR"]

#: What became of an input record, in the order summaries list them.
STATUSES: Final = ("kept", "dropped", "duplicate", "error")

#: Provenance that the junk itself carried, with each value's Python type; rules fill these
#: through named groups or ``sets``.
PROVENANCE_COLUMNS: Final[dict[str, type[str] | type[bool]]] = {
    "publisher": str,
    "publisher_from": str,
    "dateline_city": str,
    "wire_agency": str,
    "story_code": str,
    "desk_tag": str,
    "photo_credit": str,
    "photo_date": str,
    "cited_source": str,
    "cited_source_from": str,
    "published_date": str,
    "machine_translated": bool,
    "translation_system": str,
    "syndicated_from": str,
    "author": str,
    "editor": str,
    "store_date": str,
}

#: Columns a page can name several values of (an aggregator page with two datelines, a
#: gallery with three credits): every distinct value is kept, in reading order, joined by
#: :data:`VALUE_SEPARATOR`. The others keep one value: the first rule's.
MULTI_VALUED: Final = frozenset({"dateline_city", "photo_credit", "cited_source"})
VALUE_SEPARATOR: Final = "; "
