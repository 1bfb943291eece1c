"""Document dedup benchmark: cleankit's DropNearDuplicates against plain datasketch and rensa.

Each engine runs in its own subprocess (so peak memory is its own) over the same synthetic corpus
from generate.py, streamed from JSONL. Reported: docs/s, peak RSS, pair precision and recall
against the generator's clusters, and recall on pairs whose true 5-gram Jaccard is >= the
threshold. The baseline is the textbook use of datasketch: one MinHash per document, ``update``
per shingle with the default SHA-1 hash, MinHashLSH at the threshold, candidates merged unverified.
rensa (``pip install -e '.[bench]'``) runs its bulk path, also unverified. Peak RSS is taken
before the accuracy check, and its growth over the engine's run is given per document.

    python benchmarks/bench_dedup.py --docs 100000 --baseline-docs 10000
    python benchmarks/bench_dedup.py --docs 1000000 --engines ours
    python benchmarks/bench_dedup.py --docs 10000000 --small --engines ours --index disk
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from itertools import combinations
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import numpy as np  # noqa: E402
import numpy.typing as npt  # noqa: E402
from generate import ensure_corpus  # noqa: E402
from measure import peak_rss_mb  # noqa: E402

from cleankit.core.document import Document  # noqa: E402
from cleankit.core.settings import DEDUP_INDEXES  # noqa: E402
from cleankit.core.text import words  # noqa: E402
from cleankit.filters.minhash import jaccard, shingle_hashes  # noqa: E402
from cleankit.filters.near_duplicates import DropNearDuplicates  # noqa: E402


def read(path: Path, limit: int) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            if number >= limit:
                return
            yield json.loads(line)


def pairs_of(sizes: Iterable[int]) -> int:
    return sum(n * (n - 1) // 2 for n in sizes)


def accuracy(
    path: Path, limit: int, predicted: dict[str, str], threshold: float
) -> dict[str, float]:
    """Pair precision/recall against the truth, and recall on true pairs with Jaccard >= threshold.

    Two passes over the corpus, holding the texts of clustered documents only, so that it runs
    at ten million documents."""
    truth: dict[str, str] = {}
    for record in read(path, limit):
        truth[record["id"]] = record["cluster"]
    true_sizes = Counter(truth.values())
    pred_sizes = Counter(predicted.get(d, d) for d in truth)
    both = Counter((predicted.get(d, d), cluster) for d, cluster in truth.items())
    hits = pairs_of(both.values())
    predicted_pairs, true_pairs = pairs_of(pred_sizes.values()), pairs_of(true_sizes.values())
    true_groups: dict[str, list[str]] = defaultdict(list)
    shingles: dict[str, npt.NDArray[np.uint32]] = {}
    for record in read(path, limit):
        if true_sizes[record["cluster"]] > 1:
            true_groups[record["cluster"]].append(record["id"])
            shingles[record["id"]] = shingle_hashes(record["text"], 5)
    high = found = 0
    for group in true_groups.values():
        for a, b in combinations(group, 2):
            if jaccard(shingles[a], shingles[b]) >= threshold:
                high += 1
                found += predicted.get(a, a) == predicted.get(b, b)
    return {
        "pair_precision": hits / predicted_pairs if predicted_pairs else 1.0,
        "pair_recall": hits / true_pairs if true_pairs else 1.0,
        "recall_at_threshold": found / high if high else 1.0,
        "true_pairs": true_pairs,
        "pairs_at_threshold": high,
        "predicted_pairs": predicted_pairs,
    }


def run_ours(path: Path, limit: int, threshold: float, index: str) -> dict[str, object]:
    dedup = DropNearDuplicates(threshold=threshold, index=index)
    docs = (Document(r["id"], r["text"], meta={"site": r["site"]}) for r in read(path, limit))
    start = time.perf_counter()
    clusters = dedup.observe(docs)
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "predicted": dict(clusters.cluster_of),
        "candidates": clusters.candidates,
        "verified": clusters.verified,
    }


def run_baseline(path: Path, limit: int, threshold: float, index: str) -> dict[str, object]:
    from datasketch import MinHash, MinHashLSH

    start = time.perf_counter()
    lsh = MinHashLSH(threshold=threshold, num_perm=128)
    ids: list[str] = []
    signatures = []
    for record in read(path, limit):
        tokens = words(record["text"])
        m = MinHash(num_perm=128)
        for i in range(max(1, len(tokens) - 4)):
            m.update(" ".join(tokens[i : i + 5]).encode("utf-8"))
        lsh.insert(record["id"], m)
        ids.append(record["id"])
        signatures.append(m)
    index = {doc_id: i for i, doc_id in enumerate(ids)}
    found = ([index[other] for other in lsh.query(m)] for m in signatures)
    return merged_unverified(ids, found, start)


def run_rensa(path: Path, limit: int, threshold: float, index: str) -> dict[str, object]:
    """rensa (Rust MinHash) through its bulk path: 5-gram token sets to sketches in one call,
    all inserted and queried at once, 16 bands, candidates merged unverified (rensa's LSH
    has no exact check). Reading and tokenising are timed, as for the others."""
    from rensa import RMinHash, RMinHashLSH

    start = time.perf_counter()
    ids: list[str] = []
    token_sets: list[list[str]] = []
    for record in read(path, limit):
        tokens = words(record["text"])
        grams = [" ".join(tokens[i : i + 5]) for i in range(max(1, len(tokens) - 4))]
        ids.append(record["id"])
        token_sets.append(grams)
    sketches = RMinHash.from_token_sets(token_sets, 128, 42)
    lsh = RMinHashLSH(threshold, 128, 16)
    lsh.insert_many(sketches, 0)
    return merged_unverified(ids, lsh.query_all(sketches), start)


def merged_unverified(
    ids: list[str], found: Iterable[Iterable[int]], start: float
) -> dict[str, object]:
    """Union-find over what an engine's LSH returned for each document (``found[i]``, indices
    into ``ids``), every candidate merged unverified as those engines do; the clock stops after
    the merge."""
    parent = list(range(len(ids)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    candidates = 0
    for i, others in enumerate(found):
        for j in others:
            if j != i:
                candidates += 1
                ra, rb = find(i), find(j)
                if ra != rb:
                    parent[max(ra, rb)] = min(ra, rb)
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "predicted": {ids[i]: ids[find(i)] for i in range(len(ids))},
        "candidates": candidates // 2,
        "verified": None,
    }


ENGINES = {"ours": run_ours, "baseline": run_baseline, "rensa": run_rensa}


def child(
    engine: str, path: Path, limit: int, threshold: float, index: str, *, checked: bool
) -> None:
    start_mb = peak_rss_mb()
    result = ENGINES[engine](path, limit, threshold, index)
    # Before the accuracy check, which holds the texts of every true cluster.
    peak_mb = peak_rss_mb()
    with path.open("rb") as handle:
        docs = min(limit, sum(1 for line in handle if line.strip()))
    predicted = result.pop("predicted")
    assert isinstance(predicted, dict)
    report = {
        "engine": engine,
        "docs": docs,
        "docs_per_s": docs / float(result["seconds"]),  # type: ignore[arg-type]
        "peak_rss_mb": peak_mb,
        "rss_growth_bytes_per_doc": (peak_mb - start_mb) * 1024 * 1024 / docs,
        **result,
    }
    print(json.dumps(report), flush=True)  # speed and memory first: the check takes a while
    if checked:
        print(json.dumps({**report, **accuracy(path, limit, predicted, threshold)}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000, help="documents for cleankit")
    parser.add_argument(
        "--baseline-docs", type=int, default=10_000, help="documents for the slow baseline"
    )
    parser.add_argument("--threshold", type=float, default=0.8)
    parser.add_argument("--corpus", type=Path, default=None)
    parser.add_argument(
        "--engines",
        nargs="+",
        choices=sorted(ENGINES),
        default=["baseline", "rensa", "ours"],
        help="engines to run (rensa holds ~45 KB per document: leave it out at 1M)",
    )
    parser.add_argument(
        "--index",
        choices=DEDUP_INDEXES,
        default="memory",
        help="where cleankit keeps its band keys (disk: one band in memory at a time)",
    )
    parser.add_argument(
        "--small", action="store_true", help="short documents (about 500 bytes), streamed"
    )
    parser.add_argument(
        "--no-accuracy", action="store_true", help="skip precision and recall (10M documents)"
    )
    parser.add_argument("--child", choices=sorted(ENGINES), help=argparse.SUPPRESS)
    args = parser.parse_args()
    name = f"corpus-small-{args.docs}.jsonl" if args.small else f"corpus-{args.docs}.jsonl"
    corpus = args.corpus or HERE / "out" / name
    if args.child:
        child(
            args.child,
            corpus,
            args.baseline_docs if args.child == "baseline" else args.docs,
            args.threshold,
            args.index,
            checked=not args.no_accuracy,
        )
        return
    ensure_corpus(corpus, args.docs, small=args.small)
    reports = {}
    for engine in args.engines:
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                engine,
                "--docs",
                str(args.docs),
                "--baseline-docs",
                str(args.baseline_docs),
                "--threshold",
                str(args.threshold),
                "--corpus",
                str(corpus),
                "--index",
                args.index,
                *(["--no-accuracy"] if args.no_accuracy else []),
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        reports[engine] = json.loads(out.stdout.splitlines()[-1])
        print(json.dumps(reports[engine]))
    for other, label in (("baseline", "plain datasketch"), ("rensa", "rensa")):
        if "ours" not in reports or other not in reports:
            continue
        ratio = reports["ours"]["docs_per_s"] / reports[other]["docs_per_s"]
        print(f"throughput ratio (cleankit / {label}): {ratio:.2f}x")


if __name__ == "__main__":
    main()
