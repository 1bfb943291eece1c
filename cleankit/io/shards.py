"""How a run lays out its documents: one file or numbered shards, compressed or not.

A corpus of millions of documents is easier to move, list and read in parallel as shards of a
fixed size (``documents-00000.jsonl.zst``, ``documents-00001.jsonl.zst``, ...) than as one
large file. The layout decides every name before anything is written, from the position of a
kept document alone, so the manifest can name each document's shard while the documents are
still streaming into it, and two runs over the same input name the same shards.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cleankit.core.document import Document
from cleankit.core.errors import SettingsError

if TYPE_CHECKING:
    from polars._typing import ParquetCompression

__all__ = ["COMPRESSION_CHOICES", "OutputLayout", "is_documents_file", "write_shards"]

#: ``--compression`` choices, and the name ending each gives a JSONL file.
COMPRESSION_CHOICES = {"none": "", "gz": ".gz", "zst": ".zst", "bz2": ".bz2", "xz": ".xz"}
#: The Parquet codec for each choice Parquet supports (Parquet compresses its own pages, so
#: its files keep the plain ``.parquet`` name).
PARQUET_CODECS: dict[str, ParquetCompression] = {
    "none": "uncompressed",
    "gz": "gzip",
    "zst": "zstd",
}

_DOCUMENTS_FILE = re.compile(r"documents(?:-\d{5,})?\.(?:jsonl(?:\.(?:gz|zst|bz2|xz))?|parquet)")


def is_documents_file(name: str) -> bool:
    """Whether ``name`` is a documents file some cleankit run could have written into OUT."""
    return _DOCUMENTS_FILE.fullmatch(name) is not None


@dataclass(frozen=True, slots=True)
class OutputLayout:
    """The documents files of a run.

    ``compression``: for JSONL, the codec of each file (named by its ending); for Parquet, the
    codec of its pages (``None``: zstd, polars' default). ``shard_size``: kept documents per
    shard; ``None`` writes one file, ``documents.<format>``.
    """

    output_format: str = "jsonl"
    compression: str | None = None
    shard_size: int | None = None

    def __post_init__(self) -> None:
        if self.output_format not in ("jsonl", "parquet"):
            raise SettingsError(
                f"unknown output format {self.output_format!r}; expected jsonl or parquet"
            )
        if self.compression is not None and self.compression not in COMPRESSION_CHOICES:
            raise SettingsError(
                f"unknown compression {self.compression!r}; expected one of "
                + ", ".join(COMPRESSION_CHOICES)
            )
        if self.output_format == "parquet" and self.compression not in (None, *PARQUET_CODECS):
            raise SettingsError(
                f"Parquet files cannot be compressed with {self.compression}; "
                f"choose {', '.join(PARQUET_CODECS)} (or write JSONL)"
            )
        if self.shard_size is not None and self.shard_size < 1:
            raise SettingsError(f"shard size must be at least 1, not {self.shard_size}")

    @property
    def suffix(self) -> str:
        """The name ending of every documents file: ``.jsonl.zst``, ``.parquet``..."""
        if self.output_format == "parquet":
            return ".parquet"
        return ".jsonl" + COMPRESSION_CHOICES[self.compression or "none"]

    @property
    def parquet_codec(self) -> ParquetCompression:
        """The codec of Parquet pages (zstd for a JSONL layout, which has none)."""
        if self.output_format != "parquet":
            return PARQUET_CODECS["zst"]
        return PARQUET_CODECS[self.compression or "zst"]

    def name(self, shard: int) -> str:
        """The file name of shard number ``shard`` (0 when not sharded)."""
        if self.shard_size is None:
            return f"documents{self.suffix}"
        return f"documents-{shard:05d}{self.suffix}"

    def shard_of(self, position: int) -> str:
        """The file that holds the kept document at ``position`` (counted from 0)."""
        return self.name(0 if self.shard_size is None else position // self.shard_size)

    def options(self) -> dict[str, object]:
        """The layout as recorded in the manifest's options column."""
        chosen: dict[str, object] = {"output_format": self.output_format}
        if self.compression is not None:
            chosen["compression"] = self.compression
        if self.shard_size is not None:
            chosen["shard_size"] = self.shard_size
        return chosen


def write_shards(
    docs: Iterable[Document], folder: Path, layout: OutputLayout
) -> list[tuple[str, int]]:
    """Write ``docs`` into ``folder`` as the layout's files; returns ``(name, documents)`` per
    file, in order. Every file but the last holds exactly ``shard_size`` documents; a run that
    keeps nothing still writes one (empty) file, so every run has a documents file to verify.
    """
    from cleankit.io.writers import write_documents

    stream = iter(docs)
    size = layout.shard_size
    written: list[tuple[str, int]] = []
    for shard in itertools.count():
        first = next(stream, None)
        if first is None and written:
            break
        chunk: Iterator[Document]
        if first is None:
            chunk = iter(())
        elif size is None:
            chunk = itertools.chain([first], stream)
        else:
            chunk = itertools.chain([first], itertools.islice(stream, size - 1))
        name = layout.name(shard)
        count = write_documents(chunk, folder / name, parquet_codec=layout.parquet_codec)
        written.append((name, count))
        if size is None:
            break
    return written
