"""A map function for Hugging Face ``datasets`` (``Dataset.map(..., batched=True)``)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from cleankit.adapters.columns import outcome_columns
from cleankit.core.chain import Chain
from cleankit.core.document import Document
from cleankit.core.provenance import PROVENANCE_COLUMNS
from cleankit.engines.local import run_chain
from cleankit.run import default_chain


def datasets_map_function(
    *, column: str = "text", chain: Chain | None = None
) -> Callable[[Mapping[str, list[Any]]], dict[str, list[Any]]]:
    """A function for ``datasets.Dataset.map(fn, batched=True)``.

        It rewrites ``column`` with the cleaned text ("" for dropped documents, the text as it was
        for documents that failed) and adds ``cleankit_status``, ``cleankit_error`` and
        ``cleankit_edits`` (JSON) plus one ``cleankit_<column>`` per provenance column. Each batch
        is cleaned on its own by the local engine, so the default leaves corpus-level dedup out (a
    chain with observers dedups within each batch): run ``cleankit clean`` for the corpus. A
    document the chain fails on is an error row, never an exception that ends the host's map.
    Follow with ``.filter(lambda r: r["cleankit_status"] == "kept")``.
    """
    chain = chain or default_chain(corpus_level=False)

    def clean_batch(batch: Mapping[str, list[Any]]) -> dict[str, list[Any]]:
        out: dict[str, list[Any]] = {column: [], "cleankit_status": [], "cleankit_edits": []}
        for name in PROVENANCE_COLUMNS:
            out[f"cleankit_{name}"] = []
        out["cleankit_error"] = []
        docs = [Document(id=str(n), text=text or "") for n, text in enumerate(batch[column])]
        for doc, record in zip(docs, run_chain(chain, docs), strict=True):
            fields = outcome_columns(record)
            if record.error is not None:
                out[column].append(doc.text)
            else:
                out[column].append(record.current.text if record.current is not None else "")
            out["cleankit_status"].append(fields["status"])
            out["cleankit_error"].append(fields["error"])
            out["cleankit_edits"].append(json.dumps(fields["edits"], ensure_ascii=False))
            for name in PROVENANCE_COLUMNS:
                value = fields[name]
                out[f"cleankit_{name}"].append(None if value is None else str(value))
        return out

    return clean_batch
