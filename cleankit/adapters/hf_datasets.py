"""Cleaning a Hugging Face ``datasets.Dataset`` (``pip install cleankit[datasets]``).

:func:`clean_dataset` is the one call: it maps the cleaning over the dataset with the added
columns' types declared up front. Those types matter: ``datasets`` fixes a column's type from
the first batch written, so a provenance column that the first thousand rows leave empty
would become a null column and the first value after it would end the map.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import polars as pl

from cleankit.adapters.columns import EMBED_SCHEMA, host_document, outcome_columns
from cleankit.core.chain import Chain
from cleankit.core.errors import InputError
from cleankit.engines.local import run_chain
from cleankit.run import default_chain

if TYPE_CHECKING:
    import datasets

__all__ = ["PREFIX", "clean_dataset", "datasets_features", "datasets_map_function"]

#: The added columns' names start with this, so that they never meet the host's own.
PREFIX = "cleankit_"


def _feature(dtype: Any) -> Any:
    from datasets import Value

    if isinstance(dtype, type):
        dtype = dtype()
    if isinstance(dtype, pl.List):
        return [_feature(dtype.inner)]  # a list of this feature (list of struct for edits)
    if isinstance(dtype, pl.Struct):
        return {field.name: _feature(field.dtype) for field in dtype.fields}
    kinds = {pl.String: "string", pl.Int64: "int64", pl.Float64: "float64", pl.Boolean: "bool"}
    return Value(kinds[type(dtype)])


def datasets_features() -> datasets.Features:
    """The types of the columns :func:`datasets_map_function` adds, for ``map(features=...)``:
    ``cleankit_status`` ... ``cleankit_edits`` (a list of structs), ``cleankit_machine_translated``
    (a bool), the manifest's types."""
    from datasets import Features

    return Features({PREFIX + name: _feature(dtype) for name, dtype in EMBED_SCHEMA.items()})


def datasets_map_function(
    *, column: str = "text", id_column: str | None = None, chain: Chain | None = None
) -> Callable[[Mapping[str, list[Any]], Sequence[int] | None], dict[str, list[Any]]]:
    """A function for ``Dataset.map(fn, batched=True, with_indices=True, features=...)``.

    It rewrites ``column`` with the cleaned text ("" for dropped rows, the text as it was for
    rows that failed) and adds the ``cleankit_*`` columns of :func:`datasets_features`. Every
    other column of a row reaches the filters as ``meta``, as a JSONL field does on the
    command line; a row's id is its ``id_column``, else its index in the dataset (which is why
    the map needs ``with_indices=True``). A null text is an error row. Each batch is cleaned on
    its own, so the default chain leaves corpus-level dedup out (a chain with observers would
    dedup within each batch only): run ``cleankit clean`` for the corpus.
    Prefer :func:`clean_dataset`, which passes the right arguments.
    """
    chain = chain or default_chain(corpus_level=False)

    def clean_batch(
        batch: Mapping[str, list[Any]], indices: Sequence[int] | None = None
    ) -> dict[str, list[Any]]:
        if column not in batch:
            raise InputError(f"no column {column!r} (columns: {', '.join(batch)})")
        size = len(batch[column])
        if indices is None:
            if id_column is None:
                raise InputError(
                    "rows need ids: call Dataset.map(..., with_indices=True) or name an "
                    "id_column; ids counted within each batch would repeat"
                )
            indices = range(size)
        rows = [{name: values[i] for name, values in batch.items()} for i in range(size)]
        docs = [
            host_document(
                row, position=index, text_column=column, id_column=id_column, source="datasets"
            )
            for row, index in zip(rows, indices, strict=True)
        ]
        out: dict[str, list[Any]] = {column: []}
        out.update({PREFIX + name: [] for name in EMBED_SCHEMA.names()})
        for row, record in zip(rows, run_chain(chain, docs), strict=True):
            if record.error is not None:
                out[column].append(row[column])
            else:
                out[column].append(record.current.text if record.current is not None else "")
            for name, value in outcome_columns(record).items():
                out[PREFIX + name].append(value)
        return out

    return clean_batch


def clean_dataset(
    dataset: datasets.Dataset,
    *,
    column: str = "text",
    id_column: str | None = None,
    chain: Chain | None = None,
    num_proc: int | None = None,
    batch_size: int = 1000,
) -> datasets.Dataset:
    """``dataset`` with ``column`` cleaned and the ``cleankit_*`` columns added, typed.

    Follow with ``.filter(lambda row: row["cleankit_status"] == "kept")`` to keep what
    cleankit keeps. ``num_proc`` processes share the batches; the result does not change.
    """
    from datasets import Features

    added = datasets_features()
    clashing = [name for name in added if name in dataset.column_names]
    if clashing:
        raise InputError(f"the dataset already has column(s) {', '.join(clashing)}")
    return dataset.map(
        datasets_map_function(column=column, id_column=id_column, chain=chain),
        batched=True,
        with_indices=True,
        batch_size=batch_size,
        num_proc=num_proc,
        features=Features({**dataset.features, **added}),
        desc="cleankit",
    )
