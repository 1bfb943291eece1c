"""Full clean + dedup pipeline throughput: 1 vs 2 local workers, and Ray vs local, same input.

    python benchmarks/bench_pipeline.py --docs 20000

Each configuration runs ``cleankit.clean_corpus`` over the same synthetic corpus (generate.py)
into its own folder, in its own subprocess; the outputs are compared byte for byte, so a faster
configuration that changed the result would be reported as such.
"""

from __future__ import annotations

import argparse
import json
import logging
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from generate import ensure_corpus  # noqa: E402
from measure import peak_rss_mb  # noqa: E402

from cleankit.io.corpus import read_documents  # noqa: E402
from cleankit.run import clean_corpus  # noqa: E402

CONFIGS = {"local-1": ("local", 1), "local-2": ("local", 2), "ray-2": ("ray", 2)}


def child(name: str, corpus: Path, out: Path) -> None:
    engine, workers = CONFIGS[name]
    if engine == "ray":
        import ray

        ray.init(
            num_cpus=workers,
            include_dashboard=False,
            log_to_driver=False,
            logging_level=logging.ERROR,
        )
    start = time.perf_counter()
    summary = clean_corpus(read_documents(corpus), out / name, workers=workers, engine=engine)
    seconds = time.perf_counter() - start
    peak = peak_rss_mb()
    print(
        json.dumps(
            {
                "config": name,
                "docs": summary.records,
                "seconds": seconds,
                "docs_per_s": summary.records / seconds,
                "peak_rss_mb_driver": peak,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--child", choices=list(CONFIGS), help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--out", type=Path, default=HERE / "out" / "pipeline")
    parser.add_argument(
        "--configs", nargs="+", choices=list(CONFIGS), default=list(CONFIGS), help="which to run"
    )
    args = parser.parse_args()
    corpus = args.corpus or HERE / "out" / f"corpus-{args.docs}.jsonl"
    if args.child:
        child(args.child, corpus, args.out)
        return
    ensure_corpus(corpus, args.docs)
    results = {}
    for name in args.configs:
        done = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                name,
                "--corpus",
                str(corpus),
                "--out",
                str(args.out),
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        results[name] = json.loads(done.stdout.strip().splitlines()[-1])
        print(json.dumps(results[name]))
    reference = (args.out / "local-1" / "documents.jsonl").read_bytes()
    for name in args.configs:
        same = (args.out / name / "documents.jsonl").read_bytes() == reference
        ratio = results[name]["docs_per_s"] / results["local-1"]["docs_per_s"]
        print(
            f"{name}: {results[name]['docs_per_s']:.0f} docs/s, {ratio:.2f}x local-1, output identical: {same}"
        )


if __name__ == "__main__":
    main()
