"""cleankit as a datatrove PipelineStep (needs ``pip install cleankit[datatrove]``)."""

from __future__ import annotations

import contextlib
from collections import deque
from collections.abc import Iterator
from typing import Any

from datatrove.data import Document as DatatroveDocument
from datatrove.pipeline.base import PipelineStep
from datatrove.pipeline.writers.disk_base import DiskWriter

from cleankit.adapters.columns import host_document, outcome_columns
from cleankit.core.chain import Chain
from cleankit.core.document import Document
from cleankit.core.errors import DocumentError
from cleankit.engines.local import run_chain
from cleankit.run import default_chain

__all__ = ["CleankitStep"]

# A datatrove document's text and id, under keys no metadata field can have.
_TEXT, _ID = "\0text", "\0id"


class CleankitStep(PipelineStep):  # type: ignore[misc]  # datatrove ships no type information
    """Clean each document's text; drop what cleankit drops; keep edits and provenance in metadata.

    The document's metadata reaches the filters as ``meta`` (``site``, ``url``, ``date``,
    ``language``...), as a JSONL field does on the command line, so the results are the
    command line's. Kept documents get ``cleankit_edits`` (a list of dicts) and one
    ``cleankit_<column>`` per manifest value found (language, provenance). Dropped documents
    go to ``exclusion_writer`` when one is given, with ``filter_reason`` (the step that
    dropped them) and the same metadata, as datatrove's own filters do. A document the chain
    fails on (a rule past its timeout) passes unchanged with ``cleankit_status = "error"`` and
    ``cleankit_error``. Corpus-level dedup is left out (datatrove has its own MinHash steps).
    """

    name = "cleankit"
    type = "Formatters"

    def __init__(self, chain: Chain | None = None, exclusion_writer: DiskWriter = None) -> None:
        super().__init__()
        self.chain = chain or default_chain(corpus_level=False)
        self.exclusion_writer = exclusion_writer

    def run(
        self, data: Iterator[DatatroveDocument], rank: int = 0, world_size: int = 1
    ) -> Iterator[DatatroveDocument]:
        """Yield the cleaned documents; count kept, edited, dropped and failed ones."""
        del world_size
        waiting: deque[DatatroveDocument] = deque()

        def docs() -> Iterator[Document | DocumentError]:
            for position, document in enumerate(data):
                waiting.append(document)
                row = {**document.metadata, _TEXT: document.text, _ID: str(document.id)}
                yield host_document(
                    row, position=position, text_column=_TEXT, id_column=_ID, source="datatrove"
                )

        excluded = self.exclusion_writer or contextlib.nullcontext()
        with excluded as writer:
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
                _mark(document, fields)
                if record.current is None:
                    self.stat_update("dropped")
                    if writer is not None:
                        document.metadata["filter_reason"] = f"cleankit:{fields['dropped_by']}"
                        writer.write(document, rank)
                    continue
                self.stat_update("edited" if fields["edits"] else "unchanged")
                document.text = record.current.text
                yield document


def _mark(document: DatatroveDocument, fields: dict[str, Any]) -> None:
    """Write the manifest's values into the document's metadata (empty ones left out)."""
    document.metadata["cleankit_edits"] = fields["edits"]
    for name, value in fields.items():
        if name not in ("edits", "suspects") and value is not None:
            document.metadata[f"cleankit_{name}"] = value
    if fields["suspects"]:
        document.metadata["cleankit_suspects"] = fields["suspects"]
