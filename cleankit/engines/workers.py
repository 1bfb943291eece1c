"""Worker processes for the per-document filters, built to stop at once when asked.

``multiprocessing.Pool`` shares one task queue between its workers, guarded by a lock that a
worker holds while it waits for work. A worker killed by the terminal's Ctrl-C (it goes to the
whole process group) dies holding that lock, and the pool's shutdown then waits on it forever.
Here every worker has a queue of its own, in and out, so no lock is shared: the workers ignore
SIGINT, the parent decides, and on any exception it kills them and goes on unwinding at once.
Batches go round-robin and come back in order, a bounded number ahead, so the parent's own
work overlaps the workers' and memory stays bounded.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import pickle
import queue
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.process import BaseProcess
from multiprocessing.queues import Queue
from typing import Any, TypeVar

from cleankit.core.errors import Terminated
from cleankit.core.signals import signals_deferred

__all__ = ["WorkerDiedError", "WorkerPool"]

T = TypeVar("T")
R = TypeVar("R")

#: Seconds between checks that a worker is still alive while its results are awaited.
_POLL = 0.5


class WorkerDiedError(RuntimeError):
    """A worker process ended without answering (killed, or crashed in native code)."""


def _serve(tasks: Queue[Any], results: Queue[Any]) -> None:
    # The parent handles Ctrl-C for everyone. The worker was started with SIGINT blocked (see
    # WorkerPool._start): a Ctrl-C during its start-up waits and is dropped here. A SIGTERM
    # ends it, as it should (the parent reads a worker ended by SIGTERM as a stop).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    # The parent reads every answer before it sends the stop sign, so there is never anything
    # left to flush at exit; waiting for the feeder thread could only hang on a dead parent.
    results.cancel_join_thread()
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()
    function: Callable[[Any], Any] | None = None
    while (message := tasks.get()) is not None:
        kind, payload = message
        if kind == _CALL:  # the function of the map that follows (see WorkerPool.map)
            function = payload
            continue
        assert function is not None
        try:
            results.put((True, [function(item) for item in payload]))
        except Exception as error:  # noqa: BLE001 - any failure is handed to the parent, which raises it
            try:
                answer = pickle.dumps(error)
            except Exception:  # noqa: BLE001 - an exception that cannot be pickled
                answer = pickle.dumps(RuntimeError(f"{type(error).__name__}: {error}"))
            results.put((False, answer))


#: Kinds of message to a worker: the function of the next map, or a batch of its items.
_CALL = "call"
_BATCH = "batch"


def _exit_with(parent: BaseProcess) -> None:
    """Leave as soon as the parent is gone (killed outright, it cannot say so): a worker may
    be blocked reading half a batch that the parent died writing, and would wait forever."""
    parent.join()
    os._exit(0)


class WorkerPool:
    """``workers`` spawned processes kept for several maps (a run's stages), so that each
    stage does not start its own: a start imports cleankit and its libraries, about a second
    of a core each. Used as a context manager: a clean exit stops the workers, an exception
    kills them. A map that is not read to its end (an exception, a consumer that stops early)
    kills them too, since its batches are still in flight; the pool cannot map again then.
    """

    def __init__(self, workers: int) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, not {workers}")
        self.workers = workers
        self._inboxes: list[Queue[Any]] = []
        self._outboxes: list[Queue[Any]] = []
        self._processes: list[BaseProcess] = []
        self._stopped = False
        self._reading = False  # a map's batches are in flight

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if kind is None:
            self.close()
        else:
            self.kill()

    def _start(self) -> None:
        context = multiprocessing.get_context("spawn")  # fork could copy locked thread pools
        self._inboxes = [context.Queue() for _ in range(self.workers)]
        self._outboxes = [context.Queue() for _ in range(self.workers)]
        self._processes = [
            context.Process(target=_serve, args=(inbox, outbox), daemon=True)
            for inbox, outbox in zip(self._inboxes, self._outboxes, strict=True)
        ]
        # Started with SIGINT blocked, which a new process inherits through exec: a Ctrl-C
        # while a worker imports would print its traceback. SIGTERM stays open in the workers:
        # one dies of it silently. In the parent both wait until the workers are launched
        # (a few milliseconds): a handler raising in the middle of a launch would leave the
        # worker half its start-up message, and Python's spawn code prints a traceback then.
        with signals_deferred():
            held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
            try:
                for process in self._processes:
                    process.start()
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, held)

    def map(
        self, function: Callable[[T], R], items: Iterable[T], *, batch: int = 32, ahead: int = 4
    ) -> Iterator[R]:
        """``map(function, items)`` in the pool's processes, in input order.

        ``function`` must be picklable (a module-level function or a ``functools.partial`` of
        one). At most ``workers * ahead`` batches are in flight. An exception in ``function``
        is raised here.
        """
        if self._stopped:
            raise RuntimeError("this worker pool was stopped")
        if self._reading:  # its answers would be read as this map's
            raise RuntimeError("a map of this worker pool is still being read")
        if not self._processes:
            self._start()
        self._reading = True
        # The function goes as a message, not in the start-up message: Python's spawn
        # launcher writes that one into a pipe whose read end the parent itself still holds,
        # so a worker killed before it reads (the group's SIGTERM) leaves the write blocked
        # forever once the message outgrows the pipe (64 KiB; a chain with its rules is
        # three times that). A queue's feeder thread may block instead; nobody waits on it.
        for inbox in self._inboxes:
            inbox.put((_CALL, function))
        source = iter(items)
        owners: deque[int] = deque()
        sent = 0

        def send() -> None:
            nonlocal sent
            chunk = list(itertools.islice(source, batch))
            if chunk:
                owner = sent % self.workers
                self._inboxes[owner].put((_BATCH, chunk))
                owners.append(owner)
                sent += 1

        finished = False
        try:
            for _ in range(self.workers * ahead):
                send()
            while owners:
                owner = owners.popleft()
                ok, payload = _receive(self._outboxes[owner], self._processes[owner])
                if not ok:
                    raise pickle.loads(payload)
                send()
                yield from payload
            finished = True
            self._reading = False
        finally:
            if not finished:
                self.kill()

    def close(self) -> None:
        """Stop the workers once they are idle (every map read to its end)."""
        if self._stopped:
            return
        self._stopped = True
        for inbox in self._inboxes:
            inbox.put(None)
        for process in self._processes:
            process.join()
        for box in (*self._inboxes, *self._outboxes):
            box.close()

    def kill(self) -> None:
        """Kill the workers at once (an exception, Ctrl-C, a map left half read)."""
        if self._stopped:
            return
        self._stopped = True
        for process in self._processes:
            if process.pid is not None:  # started
                process.kill()
        for process in self._processes:
            if process.pid is not None:
                process.join(timeout=1)
        for box in (*self._inboxes, *self._outboxes):
            box.cancel_join_thread()  # never wait to flush into a dead worker's pipe
            box.close()


def _receive(outbox: Queue[Any], process: BaseProcess) -> tuple[bool, Any]:
    while True:
        try:
            answer: tuple[bool, Any] = outbox.get(timeout=_POLL)
            return answer
        except queue.Empty:
            if not process.is_alive():
                if process.exitcode == -signal.SIGTERM:
                    # A SIGTERM to the whole process group reached the worker first: the
                    # run was stopped, not broken.
                    raise Terminated from None
                raise WorkerDiedError(
                    f"a worker process (pid {process.pid}) ended with exit code "
                    f"{process.exitcode} before it answered"
                ) from None
