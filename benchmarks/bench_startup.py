"""How long the command line takes to answer: `import cleankit`, `cleankit --help`.

    python benchmarks/bench_startup.py [--runs 7]

Each command runs in a fresh interpreter ``--runs`` times; the median wall time is printed
next to a bare ``python -c pass`` of the same run, the floor every command pays. The target
(#14, #15) is under 0.3 s for both: the library (polars, datasketch and scipy, trafilatura) is
imported only by the commands that use it.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "import cleankit": [sys.executable, "-c", "import cleankit"],
    "cleankit --help": [sys.executable, "-m", "cleankit", "--help"],
    "cleankit clean --help": [sys.executable, "-m", "cleankit", "clean", "--help"],
}


def median_seconds(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    floor = median_seconds(COMMANDS["python -c pass"], args.runs)
    print(f"{'command':<24} {'median s':>9} {'x python':>9}")
    for name, command in COMMANDS.items():
        seconds = median_seconds(command, args.runs)
        print(f"{name:<24} {seconds:>9.3f} {seconds / floor:>9.1f}")


if __name__ == "__main__":
    main()
