"""One interval timer for the rules' time limit, instead of a timeout on each regex call.

A rule may spend ``rule_timeout`` seconds on one document; a hostile pattern that backtracks
without end must cost one record, not the run. The ``regex`` module's own ``timeout=`` does
that per call, but reading the clock for it costs about 1.4 microseconds a call, and a
document gets some 170 calls (the lead-bound rules try each prose line): a ninth of the whole
per-document chain. The interval timer (``setitimer``) is armed once for each rule that gets
past its prefilters, for half a microsecond, and the ``regex`` module checks for signals while
it matches, so the alarm's ``TimeoutError`` stops a runaway match all the same.

The timer belongs to the process, and its signal to the main thread: it is used only there,
only where the platform has it, and only when nothing else has claimed SIGALRM or the timer.
Anywhere else the rules fall back to the per-call timeout, with the same limit and the same
error.
"""

from __future__ import annotations

import signal
import threading
from types import TracebackType
from typing import Any

__all__ = ["RuleAlarm"]


def _ring(signum: int, frame: object) -> None:
    raise TimeoutError("a rule ran out of time")


class RuleAlarm:
    """A context for one document's rules: ``active`` when the timer is ours to use, and then
    :meth:`arm` gives the rule about to run its seconds (re-arming replaces the last rule's)."""

    __slots__ = ("_previous", "active", "running")

    def __init__(self) -> None:
        self.active = False
        self._previous: Any = None
        #: What the last :meth:`arm` was for (a rule), to name it when the alarm rings.
        self.running: Any = None

    def __enter__(self) -> RuleAlarm:
        if (
            hasattr(signal, "setitimer")
            and threading.current_thread() is threading.main_thread()
            and signal.getsignal(signal.SIGALRM) == signal.SIG_DFL
            and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
        ):
            self._previous = signal.signal(signal.SIGALRM, _ring)
            self.active = True
        return self

    def arm(self, seconds: float, running: Any) -> None:
        """Ring ``seconds`` from now unless armed again or the context ends first; ``running``
        is what runs meanwhile."""
        self.running = running
        signal.setitimer(signal.ITIMER_REAL, seconds)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self.active:
            # Disarmed before the handler goes: an alarm that rang just before is delivered
            # when the disarming call returns, while Python's handler still catches it, and
            # Python skips the default disposition for a signal it caught itself.
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self._previous)
            self.active = False
