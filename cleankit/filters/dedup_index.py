"""Where one process keeps a corpus's signed documents while it looks for their copies.

:meth:`~cleankit.filters.near_duplicates.DropNearDuplicates.reduce` reads every document's
band keys (to find the buckets) but the shingles, id and rank of only the documents in a
candidate pair. So each document's record goes to a spill file as it arrives, and memory keeps
one offset a document plus the band keys: all in one array (``"memory"``, 8 bytes a band a
document), or (``"disk"``) in one file per band, read back and bucketed one band at a time, so
that memory holds a single band (8 bytes a document, and the sort's work arrays) whatever the
number of bands. The pairs found are the same either way; disk costs one sequential read of
each band file.
"""

from __future__ import annotations

import array
import pickle
import tempfile
from collections.abc import Iterator
from types import TracebackType
from typing import IO, Any

import numpy as np
import numpy.typing as npt

from cleankit.filters.minhash import Hashes, Sketch

__all__ = ["SpillIndex", "window_pairs"]

#: Documents whose band keys are buffered before ``"disk"`` appends them to the band files.
_FLUSH_DOCS = 1 << 16
_LENGTH = 4  # bytes of a record's shingle count


class SpillIndex:
    """Signed documents in input order, one row each: records spilled to a temporary file in
    ``folder`` (the system's by default), band keys in memory or in per-band files (see the
    module's docstring). Close it (``with``) to free them."""

    def __init__(self, *, bands: int, on_disk: bool, folder: str | None = None) -> None:
        self.bands = bands
        # Files without a name (unlinked at once), so that even a killed run leaves none behind.
        self._records: IO[bytes] = tempfile.TemporaryFile(dir=folder)  # noqa: SIM115 - closed in __exit__
        self._ends = array.array("q", [0])  # row r's record is bytes ends[r]:ends[r + 1]
        self._keys = array.array("Q")
        self._band_files: list[IO[bytes]] = [
            tempfile.TemporaryFile(dir=folder)  # noqa: SIM115 - closed in __exit__
            for _ in range(bands if on_disk else 0)
        ]
        self._last_seq: int | None = None

    def __enter__(self) -> SpillIndex:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        for handle in (self._records, *self._band_files):
            handle.close()

    def __len__(self) -> int:
        return len(self._ends) - 1

    def add(
        self, seq: int, doc_id: str, rank: tuple[Any, ...], shingles: Hashes, keys: Any
    ) -> None:
        """Take one document's record and its ``bands`` keys; documents come in input order
        (``seq`` grows), each in the next row."""
        if self._last_seq is not None and seq <= self._last_seq:
            raise ValueError(f"pairs out of input order: seq {seq} after {self._last_seq}")
        self._last_seq = seq
        meta = pickle.dumps((doc_id, rank), protocol=pickle.HIGHEST_PROTOCOL)
        self._records.write(shingles.size.to_bytes(_LENGTH, "little"))
        self._records.write(shingles.tobytes())
        self._records.write(meta)
        self._ends.append(self._ends[-1] + _LENGTH + shingles.nbytes + len(meta))
        self._keys.extend(keys)
        if self._band_files and len(self._keys) >= _FLUSH_DOCS * self.bands:
            self._flush()

    def _flush(self) -> None:
        block = np.frombuffer(self._keys, dtype=np.uint64).reshape(-1, self.bands)
        for band, handle in enumerate(self._band_files):
            handle.write(np.ascontiguousarray(block[:, band]).tobytes())
        self._keys = array.array("Q")

    def band_columns(self) -> Iterator[Sketch]:
        """Each band's keys, one value a row, band after band."""
        if not self._band_files:
            keys = np.frombuffer(self._keys, dtype=np.uint64).reshape(-1, self.bands)
            for band in range(self.bands):
                yield keys[:, band]
            return
        self._flush()
        for handle in self._band_files:
            handle.flush()
            handle.seek(0)
            yield np.fromfile(handle, dtype=np.uint64)

    def _read(self, row: int) -> tuple[bytes, Hashes]:
        """Row ``row``'s record, and the shingles at its start."""
        start, end = self._ends[row], self._ends[row + 1]
        self._records.seek(start)
        data = self._records.read(end - start)
        count = int.from_bytes(data[:_LENGTH], "little")
        return data, np.frombuffer(data, dtype=np.uint32, count=count, offset=_LENGTH)

    def shingles(self, row: int) -> Hashes:
        """The shingles of the document in ``row``."""
        return self._read(row)[1]

    def member(self, row: int) -> tuple[str, tuple[Any, ...], Hashes]:
        """The id, rank and shingles of the document in ``row``, read back together."""
        data, shingles = self._read(row)
        doc_id, rank = pickle.loads(data[_LENGTH + shingles.nbytes :])
        return doc_id, rank, shingles

    def pairs(self, window: int) -> npt.NDArray[np.int64]:
        """:func:`window_pairs` over this index's bands."""
        self._records.flush()
        return window_pairs(self.band_columns(), len(self), window)


def window_pairs(columns: Iterator[Sketch], count: int, window: int) -> npt.NDArray[np.int64]:
    """Distinct ``(i, j)`` row pairs, ``i < j``, that stand within ``window`` places of each
    other in some band's bucket (rows of equal key, in row order), sorted. ``columns`` gives
    each band's keys for rows ``0..count-1``; the pairs found so far are merged after each
    band, so a pair that many bands share is held once."""
    found = np.empty(0, dtype=np.int64)
    for column in columns:
        order = np.argsort(column, kind="stable")
        ordered = column[order]
        band: list[npt.NDArray[np.int64]] = []
        for step in range(1, min(window, count - 1) + 1):
            same = np.flatnonzero(ordered[step:] == ordered[:-step])
            if same.size:
                band.append(order[same] * count + order[same + step])
        if band:
            found = np.union1d(found, np.concatenate(band))
    return np.stack([found // count, found % count], axis=1)
