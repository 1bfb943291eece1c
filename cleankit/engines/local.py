"""The local engine: a chain over a corpus in this process (and a pool of worker processes).

Records stream through the filters before the first observer; while they do, the observer's
``map`` phase runs on each chunk of them in the same task, and the records are spooled to a
temporary file, so no filter runs twice on a document and memory holds the observation, not
the corpus. This process groups the observer's pairs, merges and finishes them into its state,
which is bound into the rest of the chain (:meth:`~cleankit.core.chain.Chain.bind`) that
reads the spool back. With workers, every stage runs in them; this process reads, groups,
merges and writes. A spooled record stays the bytes a worker pickled it to until a worker
reads it again: this process, which the workers wait on, never unpickles a record only to
pickle it once more for the next stage.
"""

from __future__ import annotations

import functools
import itertools
import pickle
import struct
import tempfile
from collections.abc import Callable, Hashable, Iterable, Iterator, MutableMapping
from typing import IO, Any

from cleankit.core.chain import Chain, Filter, Observer, Record
from cleankit.core.document import Document, Outcome
from cleankit.core.errors import DocumentError
from cleankit.engines.workers import WorkerPool

__all__ = ["run_chain"]


def run_chain(
    chain: Chain,
    corpus: Iterable[Document | DocumentError],
    *,
    workers: int = 1,
    progress: Callable[[], None] | None = None,
    states: MutableMapping[str, Any] | None = None,
    on_pass: Callable[[str], None] | None = None,
) -> Iterator[Record]:
    """Stream records through ``chain``, one :class:`Record` per input item, in input order.

    ``corpus`` items that are already errors (malformed input) pass through as error records;
    a filter's :class:`DocumentError` becomes an error record too. ``workers > 1`` runs every
    stage's filters, and each observer's :meth:`~cleankit.core.chain.Observer.map` phase, in
    that many processes; this process groups the observers' pairs, merges them and writes.
    The output does not change. A chain with observers reads its records in several passes
    (clean and map, then apply each observer's verdict); ``on_pass`` is called with each pass's
    name as it starts ("clean", "index drop-near-duplicates" while an observer builds its
    state, "apply drop-near-duplicates"...) and ``progress`` once per record of every pass.
    ``states``, when given, receives each observer's state by name as it is observed
    (``--save-site-index`` writes one after the run).
    """

    def announce(name: str) -> None:
        if on_pass is not None:
            on_pass(name)

    records: Iterable[Record | bytes] = (
        Record(None, None, item)
        if isinstance(item, DocumentError)
        else Record(item, Outcome(doc=item))
        for item in corpus
    )
    filters = list(chain.filters)
    bounds = [0, *(i for i, f in enumerate(filters) if _needs_observation(f)), len(filters)]
    # One pool for every stage: a stage's map is read to its end before the next one starts.
    pool = WorkerPool(workers) if workers > 1 else None
    try:
        for start, stop in itertools.pairwise(bounds[:-1]):
            spool = tempfile.TemporaryFile()  # noqa: SIM115 - closed by _read_spool when drained
            step = filters[stop]
            announce(_pass_name(filters, start, stop))
            if isinstance(step, Observer):
                pairs = _stage_pairs(chain, filters[start:stop], step, records, pool, progress)
                indexing = functools.partial(announce, f"index {step.name}")
                stream = _then(_spooled_pairs(pairs, spool), indexing)
                state = step.reduce(stream)
                for _ in stream:  # a reduce that stops reading early must not lose records
                    pass
                if states is not None:
                    states[step.name] = state
                filters[stop] = step.bind(state)
            else:
                stage = _stage(chain, filters[start:stop], records, pool)
                if progress is not None:
                    stage = _counted(stage, progress)
                docs = _spooled_docs(stage, spool)
                filters[stop] = _observed(step, docs, states)
                for _ in docs:  # an observer that stops reading early must not lose records
                    pass
            records = _read_spool(spool)
        final = _stage(chain, filters[bounds[-2] :], records, pool)
    except BaseException:
        if pool is not None:
            pool.kill()
        raise
    if pool is not None:
        final = _closing(final, pool)
    if progress is not None:
        final = _counted(final, progress)
    if on_pass is None:
        return final
    return _first(final, functools.partial(announce, _pass_name(filters, bounds[-2], len(filters))))


def _closing(items: Iterable[Record], pool: WorkerPool) -> Iterator[Record]:
    """``items``, then the pool stopped; killed instead when they are not read to the end."""
    with pool:
        yield from items


def _pass_name(filters: list[Filter], start: int, stop: int) -> str:
    """A pass as a person reads it: the first reads and cleans, a later one applies the
    verdict of the observer that opens it."""
    if start == 0:
        return "clean" if stop > 0 else "read"
    return f"apply {filters[start].name}"


def _then(items: Iterable[Any], after: Callable[[], None]) -> Iterator[Any]:
    """``items``, then a call to ``after`` once they are exhausted."""
    yield from items
    after()


def _first(items: Iterable[Any], before: Callable[[], None]) -> Iterator[Any]:
    """``items``, with ``before`` called when the first is asked for (a lazy pass starts then)."""
    before()
    yield from items


#: Records per task when a stage ends in an observer: its map phase gets them as one batch.
_CHUNK = 64


def _stage_pairs(
    chain: Chain,
    filters: list[Filter],
    observer: Observer[Any],
    records: Iterable[Record | bytes],
    pool: WorkerPool | None,
    progress: Callable[[], None] | None,
) -> Iterator[tuple[bytes, list[tuple[Hashable, Any]]]]:
    """Each record after ``filters``, pickled for the spool, with the pairs ``observer.map``
    gave for it (in chunks: the pairs of a chunk come with its last record). ``seq`` is the
    record's place in the stream, which grows with input order as the observer contract asks."""
    stage = chain.with_filters(filters, f"{chain.name}-stage")
    task = functools.partial(_advance_and_map, stage, observer)
    numbered = enumerate(records)
    chunks = iter(lambda: list(itertools.islice(numbered, _CHUNK)), [])
    done = pool.map(task, chunks, batch=1) if pool is not None else map(task, chunks)
    for advanced, pairs in done:
        last = len(advanced) - 1
        for k, record in enumerate(advanced):
            if progress is not None:
                progress()
            yield record, pairs if k == last else []


def _advance_and_map(
    stage: Chain, observer: Observer[Any], chunk: list[tuple[int, Record | bytes]]
) -> tuple[list[bytes], list[tuple[Hashable, Any]]]:
    """A worker's task: take a chunk of records through a stage, map the live documents, and
    pickle the records for the spool (here, not in the process that writes it)."""
    advanced = [stage.advance(_opened(item)) for _, item in chunk]
    live = [
        (seq, record.current)
        for (seq, _), record in zip(chunk, advanced, strict=True)
        if record.current is not None
    ]
    pairs = list(observer.map(live)) if live else []
    return [_pickled(record) for record in advanced], pairs


def _advance(stage: Chain, item: Record | bytes) -> Record:
    """A worker's task: one record, spooled or not, through a stage."""
    return stage.advance(_opened(item))


def _pickled(record: Record) -> bytes:
    return pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL)


def _opened(item: Record | bytes) -> Record:
    """A record as the stage reads it: spooled records arrive as the bytes they were written."""
    if isinstance(item, bytes):
        record: Record = pickle.loads(item)
        return record
    return item


#: A spooled record: its length (8 bytes, little-endian), then its pickle.
_FRAME = struct.Struct("<Q")


def _spool_write(spool: IO[bytes], data: bytes) -> None:
    spool.write(_FRAME.pack(len(data)))
    spool.write(data)


def _spooled_pairs(
    stream: Iterable[tuple[bytes, list[tuple[Hashable, Any]]]], spool: IO[bytes]
) -> Iterator[tuple[Hashable, Any]]:
    for data, pairs in stream:
        _spool_write(spool, data)
        yield from pairs


def _observed(
    step: Filter, docs: Iterable[Document], states: MutableMapping[str, Any] | None
) -> Filter:
    """A nested chain with the states its observers observed bound."""
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
    chain: Chain,
    filters: list[Filter],
    records: Iterable[Record | bytes],
    pool: WorkerPool | None,
) -> Iterator[Record]:
    task = functools.partial(_advance, chain.with_filters(filters, f"{chain.name}-stage"))
    if pool is None or not filters:
        return map(task, records)
    return pool.map(task, records)


def _counted(records: Iterable[Record], progress: Callable[[], None]) -> Iterator[Record]:
    for record in records:
        progress()
        yield record


def _spooled_docs(records: Iterable[Record], spool: IO[bytes]) -> Iterator[Document]:
    for record in records:
        _spool_write(spool, _pickled(record))
        if record.current is not None:
            yield record.current


def _read_spool(spool: IO[bytes]) -> Iterator[bytes]:
    """The spooled records as written, still pickled: the stage that reads them unpickles."""
    with spool:
        spool.seek(0)
        while header := spool.read(_FRAME.size):
            (size,) = _FRAME.unpack(header)
            yield spool.read(size)
