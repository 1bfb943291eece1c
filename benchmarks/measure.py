"""What the benchmarks measure in their child processes, the same way in each."""

from __future__ import annotations

import resource
from pathlib import Path


def peak_rss_mb() -> float:
    """This process's peak resident memory. Linux's ``ru_maxrss`` survives ``exec``: a child
    started by a parent that had just generated a large corpus reported the parent's peak.
    ``VmHWM`` belongs to the new program's address space."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
