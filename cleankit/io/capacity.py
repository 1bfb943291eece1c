"""Whether a run fits in this machine's memory, judged before any work."""

from __future__ import annotations

import os
from pathlib import Path

from cleankit.core.errors import CapacityError
from cleankit.core.settings import Settings

__all__ = ["BASE_BYTES", "DEDUP_BYTES_PER_DOCUMENT", "available_memory", "check_memory"]


#: Memory the dedup index takes per document, measured (benchmarks/README.md, "Memory"):
#: 11.6 KiB per 2-4 KB news document between 10k and 40k documents; rounded up.
DEDUP_BYTES_PER_DOCUMENT = 12 * 1024
#: What a run takes before its first document: the interpreter, polars, the rules.
BASE_BYTES = 320 * 1024 * 1024


def available_memory() -> int | None:
    """Bytes this machine can still give (MemAvailable on Linux, else physical memory)."""
    try:
        with Path("/proc/meminfo").open(encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (OSError, ValueError, AttributeError):
        return None


def check_memory(records: int, settings: Settings, *, available: int | None = None) -> None:
    """Refuse, before any work, a corpus of about ``records`` records whose dedup index would
    not fit in memory: an estimate beats the kernel's OOM killer an hour into the run."""
    if not settings.dedup:
        return
    available = available if available is not None else available_memory()
    if available is None:
        return
    needed = BASE_BYTES + records * DEDUP_BYTES_PER_DOCUMENT
    if needed > available:
        gib = 1024**3
        raise CapacityError(
            f"about {records} records need about {needed / gib:.1f} GiB for the dedup index "
            f"and this machine has {available / gib:.1f} GiB available; split the corpus, run "
            "with --no-dedup, or pass --skip-memory-check to try anyway"
        )
