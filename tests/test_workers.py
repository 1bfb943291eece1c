"""The worker processes of ``ordered_map``: order kept, and no hang when a worker dies young."""

from __future__ import annotations

import functools
import multiprocessing.resource_tracker
import multiprocessing.spawn
import os
import shutil
import threading

import pytest

from cleankit.engines.workers import WorkerDiedError, ordered_map


def _tagged(payload: bytes, item: int) -> tuple[int, int]:
    return item, len(payload)


def test_results_come_back_in_input_order() -> None:
    task = functools.partial(_tagged, b"x" * 10)
    assert list(ordered_map(task, range(100), 2, batch=3, ahead=2)) == [(n, 10) for n in range(100)]


@pytest.mark.skipif(shutil.which("true") is None, reason="needs a `true` executable")
def test_a_worker_that_dies_before_reading_its_start_up_message_does_not_hang_the_parent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A worker killed at start-up (the group's SIGTERM) never reads what the parent sends it.
    Python's launcher writes the start-up message into a pipe whose read end the parent still
    holds, so a message larger than the pipe blocked the parent forever. Here the worker is
    `true`, which exits without reading, and the function carries 1 MB: the parent must learn
    that the worker died, not wait."""
    multiprocessing.resource_tracker.ensure_running()  # started before its executable is swapped
    true = os.fsencode(shutil.which("true") or "true")  # the launcher takes the path as bytes
    monkeypatch.setattr(multiprocessing.spawn, "get_executable", lambda: true)
    task = functools.partial(_tagged, b"x" * 1_000_000)
    outcome: list[BaseException | None] = []

    def consume() -> None:
        try:
            list(ordered_map(task, range(10), 2))
            outcome.append(None)
        except BaseException as error:  # noqa: BLE001 - handed to the test's thread
            outcome.append(error)

    thread = threading.Thread(target=consume, daemon=True)
    thread.start()
    thread.join(timeout=30)
    assert not thread.is_alive(), "the parent hung writing a worker's start-up message"
    assert len(outcome) == 1
    assert isinstance(outcome[0], WorkerDiedError), outcome
