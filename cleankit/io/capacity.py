"""Whether a run fits in this machine's memory, judged before any work."""

from __future__ import annotations

import os
from pathlib import Path

from cleankit.core.errors import CapacityError
from cleankit.core.settings import Settings

__all__ = ["BASE_BYTES", "DEDUP_BYTES_PER_DOCUMENT", "available_memory", "check_memory"]


#: Memory a run holds per document, from what it keeps (benchmarks/README.md): the dedup index
#: 493 bytes (measured from 100k to 1M documents; 8 of them a band key), the site boilerplate
#: count 20 bytes a paragraph, the dedup verdicts about 250 bytes a clustered document; about
#: 950 bytes for a 2-4 KB news document, rounded up. (It was 12 KiB before the compact index.)
DEDUP_BYTES_PER_DOCUMENT = 1536
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


def check_memory(
    records: int,
    settings: Settings,
    *,
    available: int | None = None,
    dedup_index: str = "memory",
) -> None:
    """Refuse, before any work, a corpus of about ``records`` records whose dedup index would
    not fit in memory: an estimate beats the kernel's OOM killer an hour into the run.
    ``dedup_index="disk"`` (band keys in files) needs less."""
    if not settings.dedup:
        return
    available = available if available is not None else available_memory()
    if available is None:
        return
    per_document = DEDUP_BYTES_PER_DOCUMENT
    if dedup_index == "disk":  # one band's keys in memory at a time, not all of them
        per_document -= 8 * (settings.lsh_bands - 1)
    needed = BASE_BYTES + records * per_document
    if needed > available:
        gib = 1024**3
        raise CapacityError(
            f"about {records} records need about {needed / gib:.1f} GiB for the dedup index "
            f"and this machine has {available / gib:.1f} GiB available; split the corpus, run "
            "with --no-dedup or --dedup-index disk, or pass --skip-memory-check to try anyway"
        )
