"""Per-document chain throughput of this checkout against another one, same corpus, same run.

    git worktree add /tmp/base <commit>
    python benchmarks/bench_chain.py --base /tmp/base [--docs 2000] [--rounds 3]

Each side runs the default per-document chain (corpus dedup off) in its own subprocess over
the synthetic corpus of generate.py, alternating sides; each reports its best CPU time of
three passes, and the table gives documents per CPU-second and the ratio this/base.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import ensure_corpus  # noqa: E402


def child(root: Path, corpus: Path) -> None:
    sys.path.insert(0, str(root))
    from cleankit.core.document import Document
    from cleankit.io.corpus import read_documents
    from cleankit.run import default_chain

    docs = [d for d in read_documents(corpus) if isinstance(d, Document)]
    chain = default_chain(corpus_level=False)
    for doc in docs[:50]:
        chain(doc)
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        for doc in docs:
            chain(doc)
        best = min(best, time.process_time() - started)
    print(len(docs) / best)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, required=True, help="checkout to compare against")
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.corpus)
        return
    corpus = HERE / "out" / f"chain-{args.docs}.jsonl"
    ensure_corpus(corpus, args.docs)
    rates: dict[str, list[float]] = {"base": [], "this": []}
    for _ in range(args.rounds):
        for side, root in (("base", args.base.resolve()), ("this", HERE.parent)):
            out = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--base",
                    str(args.base),
                    "--child",
                    str(root),
                    "--corpus",
                    str(corpus),
                ],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            rates[side].append(float(out.strip().splitlines()[-1]))
    base, this = statistics.median(rates["base"]), statistics.median(rates["this"])
    print(f"{'checkout':10} {'docs/CPU-s':>12}")
    print(f"{'base':10} {base:12.0f}")
    print(f"{'this':10} {this:12.0f}")
    print(f"ratio this/base: {this / base:.2f}")


if __name__ == "__main__":
    main()
