"""The ``cleankit`` command and ``python -m cleankit``.

The signal handlers go in before the command's imports (polars, trafilatura, datasketch take
a second or more): Ctrl-C or SIGTERM at any moment ends in one line and exit 130 or 143, never
in a traceback from the middle of an import.
"""

from __future__ import annotations

import signal
import sys

from cleankit.core.signals import (
    exit_now,
    interrupt_behind,
    raise_terminated,
    redeliver_swallowed,
)


def run() -> None:
    """Entry point of the console script."""
    signal.signal(signal.SIGTERM, raise_terminated)
    sys.unraisablehook = redeliver_swallowed
    try:
        try:
            from cleankit.cli.app import main

            main()
        finally:
            _ignore_late_signals()
    except SystemExit:
        raise  # click's own exit ("Aborted!" on a Ctrl-C while it parses) keeps its status
    except BaseException as error:
        # Ctrl-C or SIGTERM, also when Python wrapped its exception in another one.
        code = interrupt_behind(error)
        if code is None:
            raise
        exit_now(code, "interrupted")


def _ignore_late_signals() -> None:
    """Ignore Ctrl-C and SIGTERM once the command has ended, whichever way.

    What is left is the interpreter's shutdown, and Python puts the default handlers back while
    it shuts down: a signal in those last milliseconds would kill the process with no message
    and a status of -2 or -15, although the run's outputs were already complete. Ignored, the
    exit status is the command's own.
    """
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, signal.SIG_IGN)


if __name__ == "__main__":
    run()
