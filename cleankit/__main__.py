"""The ``cleankit`` command and ``python -m cleankit``.

The signal handlers go in before the command's imports (polars, trafilatura, datasketch take
a second or more): Ctrl-C or SIGTERM at any moment ends in one line and exit 130 or 143, never
in a traceback from the middle of an import.
"""

from __future__ import annotations

import signal
import sys

from cleankit.core.errors import Terminated
from cleankit.core.signals import exit_now, raise_terminated, redeliver_swallowed


def run() -> None:
    """Entry point of the console script."""
    signal.signal(signal.SIGTERM, raise_terminated)
    sys.unraisablehook = redeliver_swallowed
    try:
        from cleankit.cli.app import main

        main()
    except KeyboardInterrupt:
        exit_now(130, "interrupted")
    except Terminated:
        exit_now(143, "interrupted")


if __name__ == "__main__":
    run()
