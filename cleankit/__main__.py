"""The ``cleankit`` command and ``python -m cleankit``.

The signal handlers go in before the command's imports (polars, trafilatura, datasketch take
a second or more): Ctrl-C or SIGTERM at any moment ends in one line and exit 130 or 143, never
in a traceback from the middle of an import.
"""

from __future__ import annotations

import os
import signal
import sys

from cleankit.errors import Terminated


def _on_sigterm(signum: int, frame: object) -> None:
    raise Terminated


def run() -> None:
    """Entry point of the console script."""
    signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        from cleankit.cli import main

        main()
    except (KeyboardInterrupt, Terminated) as signalled:
        code = 143 if isinstance(signalled, Terminated) else 130
        sys.stderr.write("cleankit: interrupted\n")
        sys.stderr.flush()
        os._exit(code)


if __name__ == "__main__":
    run()
