"""The worker processes of ``WorkerPool``: order kept, one pool for several maps, and no
hang when a worker dies young."""

from __future__ import annotations

import functools
import multiprocessing.resource_tracker
import multiprocessing.spawn
import os
import shutil
import threading

import pytest

from cleankit.engines.workers import WorkerDiedError, WorkerPool


def _tagged(payload: bytes, item: int) -> tuple[int, int]:
    return item, len(payload)


def _pid_of(item: int) -> tuple[int, int]:
    return item, os.getpid()


def _fail_on_seven(item: int) -> int:
    if item == 7:
        raise ValueError("seven")
    return item


def test_one_pool_serves_several_maps_with_the_same_processes() -> None:
    """A run's stages share the pool: no stage starts workers of its own."""
    with WorkerPool(2) as pool:
        first = list(pool.map(_pid_of, range(40), batch=4))
        second = list(pool.map(functools.partial(_tagged, b"ab"), range(30), batch=4))
        third = list(pool.map(_pid_of, range(40), batch=4))
    assert [n for n, _ in first] == list(range(40))
    assert second == [(n, 2) for n in range(30)]
    workers = {pid for _, pid in first}
    assert len(workers) == 2
    assert os.getpid() not in workers
    assert {pid for _, pid in third} == workers


def test_a_map_left_half_read_kills_the_pool() -> None:
    pool = WorkerPool(2)
    started = pool.map(_pid_of, range(1000), batch=4)
    next(started)
    with pytest.raises(RuntimeError, match="still being read"):
        next(pool.map(_pid_of, range(3)))
    started.close()  # the consumer stops early: its batches are in flight, the workers go
    with pytest.raises(RuntimeError, match="was stopped"):
        next(pool.map(_pid_of, range(3)))


def test_an_error_in_the_function_reaches_the_caller_and_stops_the_pool() -> None:
    pool = WorkerPool(2)
    with pytest.raises(ValueError, match="seven"):
        list(pool.map(_fail_on_seven, range(20), batch=2))
    with pytest.raises(RuntimeError, match="was stopped"):
        next(pool.map(_pid_of, range(3)))


def test_results_come_back_in_input_order() -> None:
    task = functools.partial(_tagged, b"x" * 10)
    with WorkerPool(2) as pool:
        assert list(pool.map(task, range(100), batch=3, ahead=2)) == [(n, 10) for n in range(100)]


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
            with WorkerPool(2) as pool:
                list(pool.map(task, range(10)))
            outcome.append(None)
        except BaseException as error:  # noqa: BLE001 - handed to the test's thread
            outcome.append(error)

    thread = threading.Thread(target=consume, daemon=True)
    thread.start()
    thread.join(timeout=30)
    assert not thread.is_alive(), "the parent hung writing a worker's start-up message"
    assert len(outcome) == 1
    assert isinstance(outcome[0], WorkerDiedError), outcome
