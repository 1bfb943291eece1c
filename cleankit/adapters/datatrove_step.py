"""cleankit as a datatrove PipelineStep (needs ``pip install cleankit[datatrove]``)."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from typing import Any

from datatrove.data import Document as DatatroveDocument
from datatrove.pipeline.base import PipelineStep

from cleankit.adapters.columns import outcome_columns
from cleankit.core.chain import Chain
from cleankit.core.document import Document
from cleankit.engines.local import run_chain
from cleankit.run import default_chain

__all__ = ["CleankitStep"]


class CleankitStep(PipelineStep):  # type: ignore[misc]  # datatrove ships no type information
    """Clean each document's text; drop what cleankit drops; keep edits and provenance in metadata.

    Metadata gets ``cleankit_edits`` (a list of dicts) and one ``cleankit_<column>`` per
    provenance value found. A document the chain fails on (a rule past its timeout) passes
    unchanged with ``cleankit_status = "error"`` and ``cleankit_error``. Corpus-level dedup
    is left out (datatrove has its own MinHash steps).
    """

    name = "cleankit"
    type = "Formatters"

    def __init__(self, chain: Chain | None = None) -> None:
        super().__init__()
        self.chain = chain or default_chain(corpus_level=False)

    def run(
        self, data: Iterator[DatatroveDocument], rank: int = 0, world_size: int = 1
    ) -> Iterator[DatatroveDocument]:
        """Yield the cleaned documents; count kept, edited and dropped ones in the step's stats."""
        del rank, world_size
        waiting: deque[DatatroveDocument] = deque()

        def docs() -> Iterator[Document]:
            for document in data:
                waiting.append(document)
                yield Document(
                    id=str(document.id), text=document.text, meta=dict(document.metadata)
                )

        # The local engine, as a run uses it: a failing document is an error record.
        records = run_chain(self.chain, docs())
        while True:
            with self.track_time():
                record = next(records, None)
            if record is None:
                break
            document = waiting.popleft()
            fields: dict[str, Any] = outcome_columns(record)
            if record.error is not None:
                # One failing document does not end the task; it goes on unchanged, marked.
                self.stat_update("error")
                document.metadata["cleankit_status"] = "error"
                document.metadata["cleankit_error"] = fields["error"]
                yield document
                continue
            if record.current is None:
                self.stat_update("dropped")
                continue
            self.stat_update("edited" if fields["edits"] else "unchanged")
            document.text = record.current.text
            document.metadata["cleankit_edits"] = fields["edits"]
            for name, value in fields.items():
                if name not in ("status", "edits") and value is not None:
                    document.metadata[f"cleankit_{name}"] = value
            yield document
