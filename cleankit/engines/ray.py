"""The Ray Data engine: the same chain, run over shards on a Ray cluster, same manifest.

Per-document filters run as ``flat_map``/``map_batches`` over input shards. The two corpus
observers are computed without bringing documents to the driver: MinHash signatures are made in
parallel, LSH band keys are grouped into candidate pairs by a shuffle, pairs are verified by
exact Jaccard next to their shingles (two joins), and only the verified edges (and the rank and
shingles of documents that have a duplicate) reach the driver, where connected components and
keepers are chosen exactly as :class:`~cleankit.dedup.DropNearDuplicates` does. Site boilerplate
is a group-by count; only recurring paragraphs reach the driver. Records keep their input order,
so the output file and the manifest are the ones the local engine writes.

Needs ``pip install cleankit[ray]``.
"""

from __future__ import annotations

import itertools
import logging
import pickle
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from cleankit.core.chain import Chain, Filter, Observer, Record
from cleankit.core.document import Outcome
from cleankit.core.errors import CleankitError, DocumentError
from cleankit.core.sites import site_of
from cleankit.core.text import normalize_key, paragraphs
from cleankit.filters.minhash import jaccard, shingle_hashes, signatures
from cleankit.filters.near_duplicates import DropNearDuplicates
from cleankit.filters.site_boilerplate import DropSiteBoilerplate, SiteIndex, _paragraph_key
from cleankit.io.corpus import Corpus, Shard

__all__ = ["ray_records"]

_SHIFT = 1 << 32  # seq = shard number * _SHIFT + position in the shard: input order as an int


def _dump(record: Record) -> bytes:
    return pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL)


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
            record = chain._step(chain.filters, Record(item, Outcome(doc=item)))
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
    records = [chain._step(chain.filters, _load(data)) for data in batch["record"]]
    return {"seq": batch["seq"], "record": [_dump(r) for r in records]}


def _later_duplicates(group: dict[str, Any]) -> dict[str, Any]:
    order = np.argsort(group["seq"])
    seqs = [int(group["seq"][i]) for i in order]
    first = order[0]
    where = f"{group['source'][first]}:{int(group['line'][first])}"
    later = seqs[1:]
    return {
        "seq": later,
        "message": [f"duplicate id {group['doc_id'][first]!r} (first seen at {where})"]
        * len(later),
        "source": [group["source"][i] for i in order[1:]],
        "line": [int(group["line"][i]) for i in order[1:]],
    }


def _replace(batch: dict[str, Any], *, errors: Mapping[int, DocumentError]) -> dict[str, Any]:
    out = []
    for seq, data in zip(batch["seq"], batch["record"], strict=True):
        error = errors.get(int(seq))
        out.append(_dump(Record(None, None, error)) if error is not None else data)
    return {"seq": batch["seq"], "record": out}


def _sign(batch: dict[str, Any], *, dedup: DropNearDuplicates) -> dict[str, Any]:
    live = [
        (int(seq), _load(data).current)
        for seq, data in zip(batch["seq"], batch["record"], strict=True)
    ]
    docs = [(seq, doc) for seq, doc in live if doc is not None]
    shingles = [shingle_hashes(doc.text, dedup.shingle_size) for _, doc in docs]
    signed = signatures(shingles, num_perm=dedup.num_perm, seed=dedup.seed)
    out: dict[str, list[Any]] = {"seq": [], "doc_id": [], "rank": [], "shingles": [], "bands": []}
    for (seq, doc), doc_shingles, signature in zip(docs, shingles, signed, strict=True):
        if doc_shingles.size == 0:
            continue
        values = signature.hashvalues
        bands = [
            f"{band}:{values[band * dedup.rows : (band + 1) * dedup.rows].tobytes().hex()}"
            for band in range(dedup.bands)
        ]
        out["seq"].append(seq)
        out["doc_id"].append(doc.id)
        out["rank"].append(pickle.dumps(dedup._rank(doc, seq)))
        out["shingles"].append(doc_shingles.tobytes())
        out["bands"].append(bands)
    return out


def _bucket_pairs(group: dict[str, Any]) -> dict[str, Any]:
    members = sorted(int(s) for s in group["seq"])
    pairs = list(itertools.combinations(members, 2))
    return {"a": [a for a, _ in pairs], "b": [b for _, b in pairs]}


def _only_rows(batch: dict[str, Any], *, column: str, wanted: set[int]) -> dict[str, Any]:
    keep = [int(value) in wanted for value in batch[column]]
    return {
        name: [v for v, k in zip(values, keep, strict=True) if k] for name, values in batch.items()
    }


def _with_id(batch: dict[str, Any]) -> dict[str, Any]:
    keep = [doc_id is not None for doc_id in batch["doc_id"]]
    return {
        name: [v for v, k in zip(values, keep, strict=True) if k] for name, values in batch.items()
    }


def _as_hashes(data: bytes) -> Any:
    return np.frombuffer(data, dtype=np.uint32)


def _verify(batch: dict[str, Any], *, threshold: float) -> dict[str, Any]:
    keep = [
        jaccard(_as_hashes(sa), _as_hashes(sb)) >= threshold
        for sa, sb in zip(batch["sa"], batch["sb"], strict=True)
    ]
    return {
        "a": [a for a, k in zip(batch["a"], keep, strict=True) if k],
        "b": [b for b, k in zip(batch["b"], keep, strict=True) if k],
    }


def _observe_duplicates(dedup: DropNearDuplicates, current: Any, partitions: int) -> None:
    signed = current.map_batches(_sign, fn_kwargs={"dedup": dedup}, batch_size=256).materialize()
    keys = signed.flat_map(lambda row: [{"key": band, "seq": row["seq"]} for band in row["bands"]])
    pairs = keys.groupby("key", num_partitions=partitions).map_groups(_bucket_pairs)
    distinct = (
        pairs.groupby(["a", "b"], num_partitions=partitions).count().select_columns(["a", "b"])
    )
    shingles = signed.select_columns(["seq", "shingles"])
    left = distinct.join(
        shingles.rename_columns({"seq": "a", "shingles": "sa"}), "inner", partitions, on=("a",)
    )
    both = left.join(
        shingles.rename_columns({"seq": "b", "shingles": "sb"}), "inner", partitions, on=("b",)
    )
    edges = sorted(
        (int(r["a"]), int(r["b"]))
        for r in both.map_batches(_verify, fn_kwargs={"threshold": dedup.threshold}).take_all()
    )
    nodes = sorted({seq for edge in edges for seq in edge})
    wanted = set(nodes)
    members = sorted(
        (
            (int(r["seq"]), r["doc_id"], pickle.loads(r["rank"]), _as_hashes(r["shingles"]))
            for r in signed.select_columns(["seq", "doc_id", "rank", "shingles"])
            .map_batches(_only_rows, fn_kwargs={"column": "seq", "wanted": wanted})
            .take_all()
        ),
        key=lambda m: m[0],
    )
    position = {seq: index for index, (seq, *_) in enumerate(members)}
    dedup._cluster(
        [m[1] for m in members],
        [m[3] for m in members],
        [m[2] for m in members],
        sorted((position[a], position[b]) for a, b in edges),
    )


def _site_keys(row: Mapping[str, Any]) -> list[dict[str, Any]]:
    doc = _load(row["record"]).current
    if doc is None:
        return []
    site = site_of(doc)
    texts = {_paragraph_key(p.text): p.text for p in paragraphs(doc.text) if normalize_key(p.text)}
    # keys travel as text: 64-bit unsigned digests do not fit Arrow's signed integer columns
    return [
        {"site": site, "key": str(key), "seq": row["seq"], "text": text}
        for key, text in texts.items()
    ]


def _count_keys(group: dict[str, Any], *, prior: frozenset[tuple[str, int]]) -> dict[str, Any]:
    order = np.argsort(group["seq"])
    site, key = group["site"][0], int(group["key"][0])
    count = len(order)
    if count < 2 and (site, key) not in prior:
        return {"site": [], "key": [], "docs": [], "first": [], "second": []}
    texts = [group["text"][i] for i in order[:2]]
    return {
        "site": [site],
        "key": [str(key)],
        "docs": [count],
        "first": [texts[0]],
        "second": [texts[-1] if count > 1 else ""],
    }


def _observe_sites(step: DropSiteBoilerplate, current: Any, partitions: int) -> None:
    prior = step.prior or SiteIndex()
    slots = frozenset(prior.counts)
    keys = current.flat_map(_site_keys)
    counted = keys.groupby(["site", "key"], num_partitions=partitions).map_groups(
        _count_keys, fn_kwargs={"prior": slots}
    )
    step.start_observation()
    index = step.index
    for row in counted.take_all():
        slot = (row["site"], int(row["key"]))
        before = prior.counts.get(slot, 0)
        index.counts[slot] = before + int(row["docs"])
        if before < 2 <= before + int(row["docs"]):
            # the local engine records the text of the document that brings the count to 2
            index.examples[slot] = (row["second"] if before == 0 else row["first"])[:200]


def _observe(observer: Filter, current: Any, partitions: int) -> None:
    if isinstance(observer, DropNearDuplicates):
        _observe_duplicates(observer, current, partitions)
    elif isinstance(observer, DropSiteBoilerplate):
        _observe_sites(observer, current, partitions)
    else:
        raise CleankitError(
            f"the Ray engine cannot run observer {observer.name!r}; use the local engine"
        )


def ray_records(
    chain: Chain, corpus: Corpus, *, address: str | None = None, shard_bytes: int = 32 << 20
) -> Iterator[Record]:
    """Run ``chain`` over ``corpus`` on Ray and yield the records in input order."""
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
        yield from _run(ray, chain, corpus, partitions, shard_bytes)
    finally:
        if started:
            ray.shutdown()


def _cpus(ray: Any) -> int:
    """Shuffle partitions: one per CPU of the cluster, at least two."""
    return max(2, int(ray.cluster_resources().get("CPU", 2)))


def _run(
    ray: Any, chain: Chain, corpus: Corpus, partitions: int, shard_bytes: int
) -> Iterator[Record]:
    filters = chain.filters
    bounds = [0, *(i for i, f in enumerate(filters) if isinstance(f, Observer)), len(filters)]
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
    errors = {
        int(r["seq"]): DocumentError(r["message"], path=r["source"], line=int(r["line"]))
        for r in duplicates
    }
    current = current.map_batches(_replace, fn_kwargs={"errors": errors}).materialize()
    for start, stop in itertools.pairwise(bounds[:-1]):
        if start != 0:
            segment = chain.with_filters(filters[start:stop], f"{chain.name}-{start}")
            current = current.map_batches(_apply, fn_kwargs={"chain": segment}).materialize()
        _observe(filters[stop], current, partitions)
    last = chain.with_filters(filters[bounds[-2] :], f"{chain.name}-{bounds[-2]}")
    if bounds[-2] != 0:
        current = current.map_batches(_apply, fn_kwargs={"chain": last})
    for batch in current.iter_batches(batch_size=256):
        for data in batch["record"]:
            yield _load(data)
