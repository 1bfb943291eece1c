"""Stopping on a signal: SIGTERM unwinds like Ctrl-C, and the exit after it is immediate.

Shared by the console entry point (which installs the handler before the command's heavy
imports) and the CLI's command wrapper (which also runs under click's test runner).
"""

from __future__ import annotations

import _thread
import os
import signal
import sys
import time
from typing import Any, NoReturn

from cleankit.core.errors import Terminated

__all__ = ["exit_now", "raise_terminated", "redeliver_swallowed"]


def raise_terminated(signum: int, frame: object) -> None:
    """SIGTERM handler: raise :class:`Terminated` in the main thread, so cleanup runs."""
    raise Terminated


def redeliver_swallowed(unraisable: Any) -> None:
    """``sys.unraisablehook`` for a run: send again the signal whose exception was lost.

    A signal's handler runs in the main thread at the next bytecode, wherever that is, and when
    it is inside a destructor (a library object collected at that moment) Python prints the
    Terminated or KeyboardInterrupt it raised as "Exception ignored" and goes on: the run would
    not stop. Sent again from a thread of its own, the signal reaches its handler at a bytecode
    outside (and is sent again if it lands in another destructor).
    Every other unraisable goes to Python's own hook.
    """
    kind = unraisable.exc_type
    if kind is not None and issubclass(kind, Terminated | KeyboardInterrupt):
        number = signal.SIGTERM if issubclass(kind, Terminated) else signal.SIGINT
        # From another thread, a moment later: raised here, in the hook, it would be swallowed
        # again. threading.Thread.start would wait for the thread, and a signal handled during
        # that wait raises inside the hook; the low-level start returns at once.
        _thread.start_new_thread(_send_later, (int(number),))
    else:
        sys.__unraisablehook__(unraisable)


def _send_later(number: int) -> None:
    time.sleep(0.05)
    os.kill(os.getpid(), number)


def exit_now(code: int, message: str) -> NoReturn:
    """Exit at once after an interrupt, once cleanup has run: the interpreter's own exit
    handlers could wait on worker processes that were just killed."""
    sys.stderr.write(f"cleankit: {message}\n")
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
