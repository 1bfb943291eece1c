"""The output folder as one unit: a run's documents, manifest and run record change together.

Two files cannot be renamed in one step, so a run works like a small journal. It takes an
exclusive lock on OUT (a second run fails at once with a clear message), writes everything into
a staging folder inside OUT named for the run, and commits by writing a commit marker that lists
the staged files, renaming them into place and removing the marker. A run killed before the
marker leaves OUT as it was (its staging folder is removed by the next run, which holds the
lock); a run killed after it is rolled forward by the next run or reader. The run record
(``run.json``) names the run id and the documents file's digest, so ``audit verify`` refuses a
documents file and a manifest that come from different runs.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import secrets
import shutil
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from cleankit.core.errors import CleankitError
from cleankit.core.signals import signals_deferred
from cleankit.io.files import atomic_write

__all__ = [
    "RUN_RECORD",
    "OutputError",
    "OutputFolder",
    "file_sha256",
    "finish_interrupted_commit",
    "read_run_record",
    "settle",
]

LOCK = ".cleankit.lock"
COMMIT = ".cleankit-commit.json"
RUN_RECORD = "run.json"
STAGING_PREFIX = ".cleankit-run-"
STAGING_SUFFIX = ".tmp"
#: Temporary names older versions of cleankit left beside their outputs when killed.
_LEGACY_TEMPORARY = (".documents.", ".manifest.parquet.")


class OutputError(CleankitError):
    """The output folder cannot be used (locked by another run, not writable, disk full)."""


def os_problem(error: OSError, doing: str | None = None) -> OutputError:
    """One line for an OS failure: the path, what was being done, the cause."""
    where = error.filename if error.filename is not None else None
    cause = error.strerror or str(error)
    return OutputError(
        f"cannot {doing}: {cause}" if doing else cause, path=str(where) if where else None
    )


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_json(path: Path, value: Mapping[str, Any]) -> None:
    """Write a small JSON file durably (atomic_write: temp file, fsync, rename)."""
    with atomic_write(path, "w") as handle:
        json.dump(value, handle, ensure_ascii=False, sort_keys=True, indent=1)
        handle.write("\n")


def finish_interrupted_commit(folder: str | Path) -> bool:
    """Roll a commit that was cut short forward; True when there was one.

    Safe to repeat: each staged file still present is renamed into place, then the marker goes.
    """
    out = Path(folder)
    marker = out / COMMIT
    try:
        plan = json.loads(marker.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return False
    except (OSError, ValueError):
        # A marker that was being written when the run died: the commit had not begun.
        marker.unlink(missing_ok=True)
        return False
    staging = out / str(plan["staging"])
    for name in plan["files"]:
        staged = staging / name
        if staged.exists():
            staged.replace(out / name)
    for name in plan["remove"]:
        (out / name).unlink(missing_ok=True)
    _fsync_folder(out)
    marker.unlink(missing_ok=True)
    shutil.rmtree(staging, ignore_errors=True)
    return True


def settle(folder: str | Path) -> None:
    """Before reading an output folder: finish a commit that a killed run left half done,
    unless a live run holds the folder (it will). Readers call this, so that they never see
    a documents file and a manifest from two runs."""
    out = Path(folder)
    if (out / COMMIT).exists():
        with contextlib.suppress(OSError):  # a read-only copy of OUT: read what is there
            lock = _try_lock(out)
            if lock is not None:
                try:
                    finish_interrupted_commit(out)
                finally:
                    os.close(lock)


def read_run_record(folder: str | Path) -> dict[str, Any] | None:
    """The run record of an output folder (after settling it), if it has one."""
    out = Path(folder)
    settle(out)
    try:
        record = json.loads((out / RUN_RECORD).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except ValueError as error:
        raise OutputError(
            f"not a cleankit run record: {error}", path=str(out / RUN_RECORD)
        ) from None
    return record if isinstance(record, dict) else None


def _try_lock(out: Path) -> int | None:
    """A descriptor holding OUT's exclusive lock, or None when another process holds it."""
    fd = os.open(out / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as error:
        os.close(fd)
        if error.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            return None
        raise
    return fd


#: Output folders this process has committed to, in order: a Ctrl-C after a commit (while the
#: run writes its site index, say) must not be reported as leaving OUT as it was.
COMMITTED: list[Path] = []


class OutputFolder:
    """OUT for one run: locked, staged, committed as a unit (use as a context manager).

    Files are written to :meth:`staged` paths; :meth:`commit` switches them all into place.
    Leaving the ``with`` block without a commit (an error, Ctrl-C) removes the staging folder
    and leaves OUT exactly as it was.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock: int | None = None
        self.staging = (
            self.path / f"{STAGING_PREFIX}{os.getpid()}-{secrets.token_hex(4)}{STAGING_SUFFIX}"
        )
        self.committed = False

    def __enter__(self) -> OutputFolder:
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            self._lock = _try_lock(self.path)
        except OSError as error:
            raise os_problem(error, "use the output folder") from None
        if self._lock is None:
            holder = (self.path / LOCK).read_text(encoding="utf-8", errors="replace").strip()
            by = f" (pid {holder})" if holder.isdigit() else ""
            raise OutputError(
                f"another cleankit run is writing to this folder{by}; wait for it to finish "
                "or choose another output folder",
                path=str(self.path),
            )
        try:
            os.ftruncate(self._lock, 0)
            os.write(self._lock, str(os.getpid()).encode())
            finish_interrupted_commit(self.path)
            self._remove_stale()
            self.staging.mkdir()
        except OSError as error:
            self._release()
            raise os_problem(error, "prepare the output folder") from None
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if not self.committed:
            shutil.rmtree(self.staging, ignore_errors=True)
        self._release()

    def _release(self) -> None:
        if self._lock is not None:
            os.close(self._lock)  # closing the descriptor releases the lock
            self._lock = None

    def _remove_stale(self) -> None:
        """Staging folders and temp files of killed runs: no live run owns them, as this one
        holds the lock (every run takes it before it writes anything)."""
        for entry in self.path.iterdir():
            name = entry.name
            stale = (
                (name.startswith(STAGING_PREFIX) and name.endswith(STAGING_SUFFIX))
                or (name.startswith(f".{COMMIT}.") and name.endswith(".tmp"))
                or (
                    name.startswith(_LEGACY_TEMPORARY)
                    and (name.endswith(".tmp") or ".parts." in name)
                )
            )
            if not stale:
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)

    def staged(self, name: str) -> Path:
        """Where to write the output ``name`` during the run."""
        return self.staging / name

    def commit(self, files: list[str], record: Mapping[str, Any], *, remove: list[str]) -> None:
        """Switch the staged ``files`` and the run record into OUT; delete ``remove`` (outputs of
        an earlier run that would otherwise sit beside this run's pair, e.g. the other format)."""
        names = [*files, RUN_RECORD]
        try:
            _write_json(self.staged(RUN_RECORD), record)
            for name in files:
                with self.staged(name).open("rb") as handle:
                    os.fsync(handle.fileno())
            _fsync_folder(self.staging)
            with signals_deferred():
                _write_json(
                    self.path / COMMIT,
                    {"staging": self.staging.name, "files": names, "remove": remove},
                )
                self.committed = True
                COMMITTED.append(self.path)
                finish_interrupted_commit(self.path)
        except OSError as error:
            raise os_problem(error, "write the output") from None
