"""Atomic file writes: a crash leaves the old file or the new one, never half of one."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import polars as pl

if TYPE_CHECKING:
    from polars._typing import ParquetCompression


def _file_mode() -> int:
    """The mode a plain ``open()`` would give a new file: 0666 less the umask. mkstemp makes
    its files 0600, which would hide every output from the user's group whatever the umask."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


@contextlib.contextmanager
def atomic_write(path: str | Path, mode: str = "wb") -> Iterator[IO[Any]]:
    """Write to a temporary file beside ``path`` and rename it into place only on success."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        Path(temp).chmod(_file_mode())
        handle: IO[Any] = (
            os.fdopen(fd, mode) if "b" in mode else os.fdopen(fd, mode, encoding="utf-8")
        )
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        Path(temp).replace(target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            Path(temp).unlink()
        raise


#: Rows per row group of a finished file: each group carries min/max statistics per column,
#: so a reader filtering on status, site, language or doc_id skips the groups that cannot
#: match; a million-row manifest has 50 groups to choose from, each still large enough to
#: compress well.
ROW_GROUP_ROWS = 20_000


class ParquetParts:
    """Write a large Parquet file in bounded memory: row batches go to part files beside the
    target, and :meth:`finish` streams them into the target atomically, in row groups of
    ``row_group_rows`` with column statistics (for pruning), pages compressed with
    ``compression`` (a polars codec name: zstd, gzip, uncompressed...).
    """

    def __init__(
        self,
        path: str | Path,
        schema: pl.Schema,
        *,
        batch_rows: int = 5000,
        row_group_rows: int = ROW_GROUP_ROWS,
        compression: ParquetCompression = "zstd",
    ) -> None:
        self.path = Path(path)
        self.schema = schema
        self.batch_rows = batch_rows
        self.row_group_rows = row_group_rows
        self.compression = compression
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._folder = Path(
            tempfile.mkdtemp(dir=self.path.parent, prefix=f".{self.path.name}.parts.")
        )
        self._rows: list[Mapping[str, Any]] = []
        self._parts: list[Path] = []

    def add(self, row: Mapping[str, Any]) -> None:
        """Queue one row; a full batch is written out."""
        self._rows.append(row)
        if len(self._rows) >= self.batch_rows:
            self._flush()

    def _flush(self) -> None:
        part = self._folder / f"{len(self._parts):06d}.parquet"
        pl.DataFrame(self._rows, schema=self.schema).write_parquet(part, statistics=False)
        self._parts.append(part)
        self._rows = []

    def finish(self) -> None:
        """Combine the parts into the target (temp file, then rename) and remove them."""
        try:
            if self._rows or not self._parts:
                self._flush()
            fd, temp = tempfile.mkstemp(
                dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp"
            )
            os.close(fd)
            try:
                Path(temp).chmod(_file_mode())
                pl.scan_parquet(self._parts).sink_parquet(
                    temp,
                    statistics=True,
                    row_group_size=self.row_group_rows,
                    compression=self.compression,
                )
                Path(temp).replace(self.path)
            except BaseException:
                Path(temp).unlink(missing_ok=True)
                raise
        finally:
            self.abandon()

    def abandon(self) -> None:
        """Remove the part files (after a failure, or once finished)."""
        shutil.rmtree(self._folder, ignore_errors=True)
