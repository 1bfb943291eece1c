"""The local engine: a chain over a corpus in this process (and a pool of worker processes).

Records stream through the filters before the first observer; while the observer sees the
documents they are spooled to a temporary file, so no filter runs twice on a document and
memory holds the observation, not the corpus. The observer's state is then bound into the
rest of the chain (:meth:`~cleankit.core.chain.Chain.bind`), which reads the spool back.
"""

from __future__ import annotations

import itertools
import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from typing import IO, Any

from cleankit.core.chain import Chain, Filter, Observer, Record
from cleankit.core.document import Document, Outcome
from cleankit.core.errors import DocumentError
from cleankit.engines.workers import ordered_map

__all__ = ["run_chain"]


def run_chain(
    chain: Chain,
    corpus: Iterable[Document | DocumentError],
    *,
    workers: int = 1,
    progress: Callable[[], None] | None = None,
    states: MutableMapping[str, Any] | None = None,
) -> Iterator[Record]:
    """Stream records through ``chain``, one :class:`Record` per input item, in input order.

    ``corpus`` items that are already errors (malformed input) pass through as error records;
    a filter's :class:`DocumentError` becomes an error record too. ``workers > 1`` runs the
    filters before the first observer (the per-document work) in that many processes; the
    output does not change. ``progress`` is called once per record as it leaves that first
    stage, where most of the time goes. ``states``, when given, receives each observer's state
    by name as it is observed (``--save-site-index`` writes one after the run).
    """
    records: Iterable[Record] = (
        Record(None, None, item)
        if isinstance(item, DocumentError)
        else Record(item, Outcome(doc=item))
        for item in corpus
    )
    filters = list(chain.filters)
    bounds = [0, *(i for i, f in enumerate(filters) if _needs_observation(f)), len(filters)]
    for start, stop in itertools.pairwise(bounds[:-1]):
        spool = tempfile.TemporaryFile()  # noqa: SIM115 - closed by _read_spool when drained
        stage = _stage(chain, filters[start:stop], records, workers if start == 0 else 1)
        if start == 0 and progress is not None:
            stage = _counted(stage, progress)
        docs = _spooled_docs(stage, spool)
        filters[stop] = _observed(filters[stop], docs, states)
        for _ in docs:  # an observer that stops reading early must not lose records
            pass
        records = _read_spool(spool)
    last = bounds[-2]
    final = _stage(chain, filters[last:], records, workers if last == 0 else 1)
    if last == 0 and progress is not None:
        final = _counted(final, progress)
    return final


def _observed(
    step: Filter, docs: Iterable[Document], states: MutableMapping[str, Any] | None
) -> Filter:
    """``step`` with what it must observe bound: an observer's state, or a nested chain's."""
    if isinstance(step, Observer):
        state = step.observe(docs)
        if states is not None:
            states[step.name] = state
        return step.bind(state)
    assert isinstance(step, Chain)
    inner: dict[str, Any] = {}
    for record in run_chain(step, docs, states=inner):
        del record
    if states is not None:
        states.update(inner)
    return step.bind(inner)


def _needs_observation(step: Filter) -> bool:
    if isinstance(step, Chain):
        return step.has_observers
    return isinstance(step, Observer)


def _stage(
    chain: Chain, filters: list[Filter], records: Iterable[Record], workers: int
) -> Iterator[Record]:
    stage = chain.with_filters(filters, f"{chain.name}-stage")
    if workers <= 1 or not filters:
        return (stage.advance(r) for r in records)
    return ordered_map(stage.advance, records, workers)


def _counted(records: Iterable[Record], progress: Callable[[], None]) -> Iterator[Record]:
    for record in records:
        progress()
        yield record


def _spooled_docs(records: Iterable[Record], spool: IO[bytes]) -> Iterator[Document]:
    for record in records:
        pickle.dump(record, spool, protocol=pickle.HIGHEST_PROTOCOL)
        if record.current is not None:
            yield record.current


def _read_spool(spool: IO[bytes]) -> Iterator[Record]:
    with spool:
        spool.seek(0)
        while True:
            try:
                record = pickle.load(spool)
            except EOFError:
                return
            yield record
