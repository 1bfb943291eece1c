"""Fault injection: kill ``cleankit clean`` at random moments and check the output folder.

Each trial starts ``clean --workers 2`` over OUT that holds an earlier run's pair, and at a
moment drawn uniformly over the length of an uninterrupted run (every other trial: over its
last fifth and a little beyond, where the commit is; never in the interpreter's own first
0.1 s: start-up, reading, the
workers, dedup, writing, the commit) sends one of: SIGKILL to the whole process group, SIGKILL
to the parent alone (its workers orphaned), SIGINT or SIGTERM to the group (Ctrl-C, a service
stop). Then it checks what a reader would see: the pair verifies as one run's (run record,
row digests, every text) and is either the earlier pair or the new one; the exit after SIGINT
or SIGTERM comes within 2 s, without a traceback; the interrupted runs' temporary files are gone
after the next run. (That no worker outlives its run is checked by tests/test_interrupts.py.) Prints one line per trial and a table of outcomes.

    python benchmarks/bench_faults.py --trials 50
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import ensure_corpus  # noqa: E402

from cleankit import audit  # noqa: E402
from cleankit.io.outputs import LOCK, RUN_RECORD  # noqa: E402

FAULTS = ("kill-group", "kill-parent", "sigint", "sigterm")
#: Seconds before the first kill: in its first few tens of milliseconds the interpreter itself
#: is starting (site-packages), before any code of cleankit runs, and a Ctrl-C there gets
#: Python's own "Fatal Python error" whatever the program.
START = 0.1
OURS = {LOCK, RUN_RECORD, "documents.jsonl", "manifest.parquet"}


def _command(corpus: Path, out: Path, workers: int) -> list[str]:
    return [sys.executable, "-m", "cleankit", "clean", str(corpus), "-o", str(out)] + (
        ["--workers", str(workers)] if workers > 1 else []
    )


def _pair(out: Path) -> tuple[str, int]:
    """(documents digest, problems) of OUT as a reader finds it."""
    record, problems = audit.verify_folder(out)
    return str(record["documents_sha256"]), len(problems)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--docs", type=int, default=1500)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="cleankit-faults-"))
    try:
        corpora = [work / "a.jsonl", work / "b.jsonl"]
        for seed, corpus in enumerate(corpora, start=1):
            ensure_corpus(corpus, args.docs, seed=seed)
        out = work / "out"
        digests: list[str] = []
        for number, corpus in enumerate(corpora):
            reference = work / f"reference-{number}"
            started = time.monotonic()  # the second run is timed: caches warm, like the trials
            subprocess.run(
                _command(corpus, reference, args.workers), check=True, capture_output=True
            )
            full = time.monotonic() - started
            digests.append(_pair(reference)[0])
        subprocess.run(_command(corpora[0], out, args.workers), check=True, capture_output=True)
        current = 0  # which corpus's pair OUT holds
        print(
            f"uninterrupted run: {full:.1f} s; {args.trials} trials, kill at U({START}, {full:.1f}) s "
            f"or U({0.8 * full:.1f}, {1.15 * full:.1f}) s"
        )
        outcomes: Counter[str] = Counter()
        failures = 0
        for trial in range(args.trials):
            fault = FAULTS[trial % len(FAULTS)]
            # Half over the whole run, half over its end (dedup, writing, the commit), where a
            # kill can fall between the two renames; a few land after it: no-ops.
            late = (trial // len(FAULTS)) % 2 == 1  # every fault in both windows
            low, high = (0.8 * full, 1.15 * full) if late else (START, full)
            delay = rng.uniform(low, high)
            target = 1 - current  # every trial would replace the pair OUT holds
            new_corpus = corpora[target]
            log = work / "stderr.txt"
            with log.open("wb") as handle:
                process = subprocess.Popen(
                    _command(new_corpus, out, args.workers),
                    stdout=subprocess.DEVNULL,
                    stderr=handle,
                    start_new_session=True,
                )
            time.sleep(delay)
            finished_first = process.poll() is not None
            signalled = time.monotonic()
            if not finished_first:
                if fault == "kill-group":
                    os.killpg(process.pid, signal.SIGKILL)
                elif fault == "kill-parent":
                    os.kill(process.pid, signal.SIGKILL)
                else:
                    os.killpg(process.pid, signal.SIGINT if fault == "sigint" else signal.SIGTERM)
            try:
                code = process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                code = process.wait()
                outcomes["hung"] += 1
            exit_s = time.monotonic() - signalled
            digest, problems = _pair(out)
            if digest == digests[current]:
                state = "earlier pair"
            elif digest == digests[target]:
                state, current = "new pair", target
            else:
                state = "foreign"
            stderr = log.read_text(encoding="utf-8", errors="replace")
            # A parent killed outright while starting a worker leaves it half its start-up
            # message, which Python's spawn code reports on stderr: only the signals the
            # parent handles must end without a traceback.
            traceback = "Traceback" in stderr and not fault.startswith("kill")
            ok = (
                problems == 0
                and state != "foreign"
                and not traceback
                and (finished_first or fault.startswith("kill") or exit_s < 2)
            )
            failures += not ok
            outcomes[f"{fault}: {state}"] += 1
            print(
                f"trial {trial:2d} {fault:<11} at {delay:5.2f} s: exit {code:>4} in {exit_s:4.2f} s, "
                f"{state}, {problems} problem(s)"
                + (", traceback" if traceback else "")
                + ("" if ok else "  <-- FAIL")
            )
            if traceback:
                print("    " + stderr.strip().replace("\n", "\n    ")[-1500:])
        subprocess.run(_command(corpora[current], out, 1), check=True, capture_output=True)
        leftovers = sorted(p.name for p in out.iterdir() if p.name not in OURS)
        print("\noutcome                       trials")
        for name, count in sorted(outcomes.items()):
            print(f"{name:<30}{count:>6}")
        print(f"\ninconsistent or failed trials: {failures} of {args.trials}")
        print(f"temporary files after the next run: {leftovers or 'none'}")
        if failures or leftovers:
            sys.exit(1)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
