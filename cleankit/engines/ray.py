"""The Ray Data engine: the same chain, run over shards on a Ray cluster, same manifest.

Per-document filters run as ``flat_map``/``map_batches`` over input shards. Observers run
their three phases (:class:`~cleankit.core.chain.Observer`) without bringing documents to the
driver: ``map`` over batches of live documents, a shuffle by key, ``merge`` per key group, and
only the merged results reach the driver, where ``finish`` makes the state. The engine knows
no observer class: any observer runs here as it runs locally. Records keep their input order,
so the output file and the manifest are the ones the local engine writes.

Needs ``pip install cleankit[ray]``.
"""

from __future__ import annotations

import itertools
import logging
import pickle
from collections.abc import Iterator, Mapping, MutableMapping, Sequence
from typing import Any

import numpy as np

from cleankit.core.chain import Chain, Observer, Record
from cleankit.core.document import Outcome
from cleankit.core.errors import CleankitError, DocumentError
from cleankit.io.corpus import Corpus, Shard, duplicate_id

__all__ = ["ray_records"]

_SHIFT = 1 << 32  # seq = shard number * _SHIFT + position in the shard: input order as an int


def _dump(value: object) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def _load(data: bytes) -> Record:
    record: Record = pickle.loads(data)
    return record


def _read_shard(
    row: Mapping[str, Any], *, corpus: Corpus, shards: Sequence[Shard], chain: Chain
) -> list[dict[str, Any]]:
    number = int(row["shard"])
    rows = []
    for position, item in enumerate(corpus.read_shard(shards[number])):
        if isinstance(item, DocumentError):
            record = Record(None, None, item)
            doc_id, source, line = None, None, None
        else:
            record = chain.advance(Record(item, Outcome(doc=item)))
            doc_id, source, line = item.id, item.source, item.line
        rows.append(
            {
                "seq": number * _SHIFT + position,
                "record": _dump(record),
                "doc_id": doc_id,
                "source": source,
                "line": line,
            }
        )
    return rows


def _apply(batch: dict[str, Any], *, chain: Chain) -> dict[str, Any]:
    records = [chain.advance(_load(data)) for data in batch["record"]]
    return {"seq": batch["seq"], "record": [_dump(r) for r in records]}


def _later_duplicates(group: dict[str, Any]) -> dict[str, Any]:
    order = np.argsort(group["seq"])
    first = order[0]
    where = f"{group['source'][first]}:{int(group['line'][first])}"
    errors = [
        duplicate_id(str(group["doc_id"][i]), where, str(group["source"][i]), int(group["line"][i]))
        for i in order[1:]
    ]
    return {"seq": [int(group["seq"][i]) for i in order[1:]], "error": [_dump(e) for e in errors]}


def _replace(batch: dict[str, Any], *, errors: Mapping[int, DocumentError]) -> dict[str, Any]:
    out = []
    for seq, data in zip(batch["seq"], batch["record"], strict=True):
        error = errors.get(int(seq))
        out.append(_dump(Record(None, None, error)) if error is not None else data)
    return {"seq": batch["seq"], "record": out}


def _with_id(batch: dict[str, Any]) -> dict[str, Any]:
    keep = [doc_id is not None for doc_id in batch["doc_id"]]
    return {
        name: [v for v, k in zip(values, keep, strict=True) if k] for name, values in batch.items()
    }


def _map_keys(batch: dict[str, Any], *, observer: Observer[Any]) -> dict[str, Any]:
    live = [
        (int(seq), doc)
        for seq, data in zip(batch["seq"], batch["record"], strict=True)
        if (doc := _load(data).current) is not None
    ]
    pairs = list(observer.map(live)) if live else []
    # keys travel pickled: a key may be any hashable (a tuple of a band and bytes, a site and
    # a 64-bit digest) that Arrow has no column type for
    return {
        "key": [_dump(key) for key, _ in pairs],
        "value": [_dump(value) for _, value in pairs],
    }


def _merge_group(group: dict[str, Any], *, observer: Observer[Any]) -> dict[str, Any]:
    key = pickle.loads(group["key"][0])
    values = [pickle.loads(value) for value in group["value"]]
    return {"result": [_dump(result) for result in observer.merge(key, values)]}


def _observe(observer: Observer[Any], current: Any, partitions: int) -> Any:
    """The observer's state, computed by its three phases on the cluster."""
    keyed = current.map_batches(_map_keys, fn_kwargs={"observer": observer}, batch_size=512)
    merged = keyed.groupby("key", num_partitions=partitions).map_groups(
        _merge_group, fn_kwargs={"observer": observer}
    )
    return observer.finish(pickle.loads(row["result"]) for row in merged.take_all())


def ray_records(
    chain: Chain,
    corpus: Corpus,
    *,
    address: str | None = None,
    shard_bytes: int = 32 << 20,
    states: MutableMapping[str, Any] | None = None,
) -> Iterator[Record]:
    """Run ``chain`` over ``corpus`` on Ray and yield the records in input order; ``states``,
    when given, receives each observer's state by name (as :func:`~cleankit.engines.local.run_chain`)."""
    try:
        import ray
        import ray.data
    except ImportError:
        raise CleankitError(
            "the Ray engine needs Ray; install it with: pip install 'cleankit[ray]'"
        ) from None
    started = not ray.is_initialized()
    if started:
        ray.init(
            address=address,
            include_dashboard=False,
            log_to_driver=False,
            logging_level=logging.ERROR,
        )
    logging.getLogger("ray.data").setLevel(logging.ERROR)
    context = ray.data.DataContext.get_current()
    context.execution_options.preserve_order = True
    context.enable_progress_bars = False
    partitions = _cpus(ray)
    try:
        yield from _run(
            ray, chain, corpus, partitions, shard_bytes, {} if states is None else states
        )
    finally:
        if started:
            ray.shutdown()


def _cpus(ray: Any) -> int:
    """Shuffle partitions: one per CPU of the cluster, at least two."""
    return max(2, int(ray.cluster_resources().get("CPU", 2)))


def _run(
    ray: Any,
    chain: Chain,
    corpus: Corpus,
    partitions: int,
    shard_bytes: int,
    states: MutableMapping[str, Any],
) -> Iterator[Record]:
    filters = list(chain.filters)
    observing = [
        i
        for i, f in enumerate(filters)
        if isinstance(f, Observer) or (isinstance(f, Chain) and f.has_observers)
    ]
    bounds = [0, *observing, len(filters)]
    shards = corpus.shards(target_bytes=shard_bytes)
    first = chain.with_filters(filters[: bounds[1]], f"{chain.name}-0")
    current = (
        ray.data.from_items(
            [{"shard": i} for i in range(len(shards))], override_num_blocks=max(1, len(shards))
        )
        .flat_map(_read_shard, fn_kwargs={"corpus": corpus, "shards": shards, "chain": first})
        .materialize()
    )
    ids = current.select_columns(["seq", "doc_id", "source", "line"]).map_batches(_with_id)
    duplicates = (
        ids.groupby("doc_id", num_partitions=partitions).map_groups(_later_duplicates).take_all()
    )
    errors: dict[int, DocumentError] = {int(r["seq"]): pickle.loads(r["error"]) for r in duplicates}
    current = current.map_batches(_replace, fn_kwargs={"errors": errors}).materialize()
    for start, stop in itertools.pairwise(bounds[:-1]):
        if start != 0:
            segment = chain.with_filters(filters[start:stop], f"{chain.name}-{start}")
            current = current.map_batches(_apply, fn_kwargs={"chain": segment}).materialize()
        observer = filters[stop]
        if not isinstance(observer, Observer):
            raise CleankitError(
                f"the Ray engine runs observers of the top-level chain only; {observer.name!r} is "
                "a chain with observers inside: put its filters in the outer chain"
            )
        state = _observe(observer, current, partitions)
        states[observer.name] = state
        filters[stop] = observer.bind(state)
    last = chain.with_filters(filters[bounds[-2] :], f"{chain.name}-{bounds[-2]}")
    if bounds[-2] != 0:
        current = current.map_batches(_apply, fn_kwargs={"chain": last})
    for batch in current.iter_batches(batch_size=256):
        for data in batch["record"]:
            yield _load(data)
