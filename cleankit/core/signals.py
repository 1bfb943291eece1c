"""Stopping on a signal: SIGTERM unwinds like Ctrl-C, and the exit after it is immediate.

Shared by the console entry point (which installs the handler before the command's heavy
imports) and the CLI's command wrapper (which also runs under click's test runner).
"""

from __future__ import annotations

import os
import sys
from typing import NoReturn

from cleankit.core.errors import Terminated

__all__ = ["exit_now", "raise_terminated"]


def raise_terminated(signum: int, frame: object) -> None:
    """SIGTERM handler: raise :class:`Terminated` in the main thread, so cleanup runs."""
    raise Terminated


def exit_now(code: int, message: str) -> NoReturn:
    """Exit at once after an interrupt, once cleanup has run: the interpreter's own exit
    handlers could wait on worker processes that were just killed."""
    sys.stderr.write(f"cleankit: {message}\n")
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
