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

__all__ = ["WorkerDiedError", "ordered_map"]

T = TypeVar("T")
R = TypeVar("R")

#: Seconds between checks that a worker is still alive while its results are awaited.
_POLL = 0.5


class WorkerDiedError(RuntimeError):
    """A worker process ended without answering (killed, or crashed in native code)."""


def _serve(tasks: Queue[Any], results: Queue[Any]) -> None:
    # The parent handles Ctrl-C for everyone. The worker was started with SIGINT blocked (see
    # ordered_map): a Ctrl-C during its start-up waits and is dropped here. A SIGTERM ends it,
    # as it should (the parent reads a worker ended by SIGTERM as a stop).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    # The parent reads every answer before it sends the stop sign, so there is never anything
    # left to flush at exit; waiting for the feeder thread could only hang on a dead parent.
    results.cancel_join_thread()
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()
    function: Callable[[Any], Any] = tasks.get()  # the first message; see ordered_map
    while (batch := tasks.get()) is not None:
        try:
            results.put((True, [function(item) for item in batch]))
        except Exception as error:  # noqa: BLE001 - any failure is handed to the parent, which raises it
            try:
                payload = pickle.dumps(error)
            except Exception:  # noqa: BLE001 - an exception that cannot be pickled
                payload = pickle.dumps(RuntimeError(f"{type(error).__name__}: {error}"))
            results.put((False, payload))


def _exit_with(parent: BaseProcess) -> None:
    """Leave as soon as the parent is gone (killed outright, it cannot say so): a worker may
    be blocked reading half a batch that the parent died writing, and would wait forever."""
    parent.join()
    os._exit(0)


def ordered_map(
    function: Callable[[T], R],
    items: Iterable[T],
    workers: int,
    *,
    batch: int = 32,
    ahead: int = 4,
) -> Iterator[R]:
    """``map(function, items)`` in ``workers`` spawned processes, in input order.

    ``function`` must be picklable (a module-level function or a ``functools.partial`` of one).
    At most ``workers * ahead`` batches are in flight. An exception in ``function`` is raised
    here; an exception here (Ctrl-C, a consumer that stops early) kills the workers first.
    """
    context = multiprocessing.get_context("spawn")  # fork could copy locked thread pools
    inboxes: list[Queue[Any]] = [context.Queue() for _ in range(workers)]
    outboxes: list[Queue[Any]] = [context.Queue() for _ in range(workers)]
    processes: list[BaseProcess] = [
        context.Process(target=_serve, args=(inboxes[n], outboxes[n]), daemon=True)
        for n in range(workers)
    ]
    source = iter(items)
    owners: deque[int] = deque()
    sent = 0
    finished = False

    def send() -> None:
        nonlocal sent
        chunk = list(itertools.islice(source, batch))
        if chunk:
            owner = sent % workers
            inboxes[owner].put(chunk)
            owners.append(owner)
            sent += 1

    try:
        # Started with SIGINT blocked, which a new process inherits through exec: a Ctrl-C
        # while a worker imports would print its traceback. SIGTERM stays open in the workers:
        # one dies of it silently. In the parent both wait until the workers are launched
        # (a few milliseconds): a handler raising in the middle of a launch would leave the
        # worker half its start-up message, and Python's spawn code prints a traceback then.
        with signals_deferred():
            held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
            try:
                for process in processes:
                    process.start()
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, held)
        # The function goes as each worker's first message, not in its start-up message.
        # Python's spawn launcher writes that message into a pipe whose read end the parent
        # itself still holds: a worker killed before it reads (the group's SIGTERM) leaves the
        # write blocked forever once the message outgrows the pipe (64 KiB; a chain with its
        # rules is three times that). A queue's feeder thread may block instead; nobody waits
        # on it.
        for inbox in inboxes:
            inbox.put(function)
        for _ in range(workers * ahead):
            send()
        while owners:
            owner = owners.popleft()
            ok, payload = _receive(outboxes[owner], processes[owner])
            if not ok:
                raise pickle.loads(payload)
            send()
            yield from payload
        for inbox in inboxes:
            inbox.put(None)
        for process in processes:
            process.join()
        finished = True
    finally:
        if not finished:
            for process in processes:
                if process.pid is not None:  # started
                    process.kill()
            for process in processes:
                if process.pid is not None:
                    process.join(timeout=1)
        for box in (*inboxes, *outboxes):
            if not finished:
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
