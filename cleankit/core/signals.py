"""Stopping on a signal: SIGTERM unwinds like Ctrl-C, and the exit after it is immediate.

Shared by the console entry point (which installs the handler before the command's heavy
imports) and the CLI's command wrapper (which also runs under click's test runner).
"""

from __future__ import annotations

import _thread
import contextlib
import os
import signal
import sys
import time
from collections.abc import Iterator
from typing import Any, NoReturn

from cleankit.core.errors import Terminated

__all__ = [
    "exit_now",
    "interrupt_behind",
    "raise_terminated",
    "redeliver_swallowed",
    "signals_deferred",
]


def raise_terminated(signum: int, frame: object) -> None:
    """SIGTERM handler: raise :class:`Terminated` in the main thread, so cleanup runs."""
    raise Terminated


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Run the block with SIGINT and SIGTERM noted rather than handled, then hand the first one
    to the handler it would have reached: Ctrl-C during a few system calls that must not be cut
    in two (a commit's renames, a worker's launch) takes effect right after them.

    Blocking a signal (``pthread_sigmask``) would not do: a mask is per thread, any of the
    process's threads (a queue's feeder, a library's pool) may receive the signal, and its
    Python handler then runs in the main thread at the next bytecode, wherever that is. Outside
    the main thread nothing is changed: handlers run in the main thread, not in this one.
    """
    noted: list[int] = []
    previous: dict[signal.Signals, Any] = {}
    try:
        for number in (signal.SIGINT, signal.SIGTERM):
            previous[number] = signal.signal(number, lambda received, _: noted.append(received))
    except ValueError:  # not the main thread
        pass
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        if noted:
            signal.raise_signal(noted[0])


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


def interrupt_behind(error: BaseException) -> int | None:
    """The exit status of the Ctrl-C (130) or SIGTERM (143) that caused ``error``, if one did.

    Python sometimes wraps the exception a signal raised in another one: in 3.11 a
    KeyboardInterrupt inside a class body's ``__set_name__`` (an import that a Ctrl-C cut
    short) comes out as a RuntimeError whose cause is the KeyboardInterrupt.
    """
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, KeyboardInterrupt):
            return 130
        if isinstance(current, Terminated):
            return 143
        current = current.__cause__ or current.__context__
    return None
