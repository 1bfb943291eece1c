"""Writing the cleaned documents (JSONL or Parquet) and reading them back for restore and verify."""

from __future__ import annotations

import base64
import bz2
import contextlib
import datetime
import decimal
import gzip
import json
import lzma
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import polars as pl

from cleankit.core.document import Document
from cleankit.core.errors import DocumentError, InputError, first_line
from cleankit.io.files import ParquetParts, atomic_write
from cleankit.io.formats import _decode
from cleankit.io.sources import compression_of, open_binary

if TYPE_CHECKING:
    import zstandard
    from polars._typing import ParquetCompression


def _output_row(doc: Document) -> dict[str, Any]:
    return {"id": doc.id, "text": doc.text, "source": doc.source, "meta": dict(doc.meta)}


def _json_value(value: Any) -> Any:
    """JSON for the extra column types Parquet carries and JSON lacks: the value as an ISO or
    base64 string, with its type beside it, so nothing is lost and nothing crashes."""
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return {"$type": type(value).__name__, "value": value.isoformat()}
    if isinstance(value, datetime.timedelta):
        return {"$type": "timedelta", "value": value.total_seconds()}
    if isinstance(value, decimal.Decimal):
        return {"$type": "decimal", "value": str(value)}
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$type": "binary", "value": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, pl.Series):
        return value.to_list()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=_json_value)


OUTPUT_SCHEMA = pl.Schema(
    {"id": pl.String(), "text": pl.String(), "source": pl.String(), "meta": pl.String()}
)


def _compressor(
    handle: IO[bytes], kind: str
) -> gzip.GzipFile | bz2.BZ2File | lzma.LZMAFile | zstandard.ZstdCompressionWriter:
    """A writer that compresses into ``handle`` and leaves it open when closed (atomic_write
    syncs and renames it after). Every codec writes the same bytes for the same input: gzip's
    header carries no time and no file name, so two identical runs give identical files."""
    # The caller closes the writer in a with block: these are opened, not leaked.
    if kind == "gzip":
        return gzip.GzipFile(filename="", mode="wb", fileobj=handle, mtime=0)
    if kind == "bz2":
        return bz2.BZ2File(handle, "wb")
    if kind == "xz":
        return lzma.LZMAFile(handle, "wb")
    import zstandard

    return zstandard.ZstdCompressor().stream_writer(handle, closefd=False)


@contextlib.contextmanager
def _writing(handle: IO[bytes], kind: str | None) -> Iterator[Callable[[bytes], object]]:
    """The write function of ``handle``, through a compressor when ``kind`` names one."""
    if kind is None:
        yield handle.write
        return
    with _compressor(handle, kind) as stream:
        yield stream.write


def write_documents(
    docs: Iterable[Document], path: str | Path, *, parquet_codec: ParquetCompression = "zstd"
) -> int:
    """Write kept documents as JSONL or Parquet (by extension), atomically; returns the count.

    A JSONL name ending in .gz, .zst, .bz2 or .xz is written compressed with that codec;
    ``parquet_codec`` compresses a Parquet file's pages (zstd, gzip or uncompressed).
    """
    target = Path(path)
    count = 0
    if target.name.endswith(".parquet"):
        parts = ParquetParts(target, OUTPUT_SCHEMA, compression=parquet_codec)
        try:
            for doc in docs:
                row = _output_row(doc)
                row["meta"] = _dumps(row["meta"])
                parts.add(row)
                count += 1
        except BaseException:
            parts.abandon()
            raise
        parts.finish()
        return count
    with (
        atomic_write(target, "wb") as handle,
        _writing(handle, compression_of(target.name)) as write,
    ):
        for doc in docs:
            write((_dumps(_output_row(doc)) + "\n").encode("utf-8"))
            count += 1
    return count


def read_output(path: str | Path) -> dict[str, str]:
    """Read a cleaned output (JSONL or Parquet) back as ``{id: text}``, for restore."""
    return dict(read_output_pairs(path))


def read_output_pairs(path: str | Path) -> list[tuple[str, str]]:
    """Every record of a cleaned output as ``(id, text)``, in file order, repeats included
    (``audit verify`` reports them). JSONL may be compressed (.gz, .zst, .bz2, .xz)."""
    target = Path(path)
    if not target.is_file():
        raise InputError("no such file", path=str(target))
    if target.name.endswith(".parquet"):
        try:
            frame = pl.read_parquet(target, columns=["id", "text"])
        except (OSError, pl.exceptions.PolarsError) as error:
            raise InputError(
                f"cannot read Parquet: {first_line(error)}", path=str(target)
            ) from None
        return list(zip(frame["id"].to_list(), frame["text"].to_list(), strict=True))
    pairs: list[tuple[str, str]] = []
    with open_binary(target) as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                record = json.loads(_decode(raw, str(target), number))
                pairs.append((str(record["id"]), record["text"]))
            except (json.JSONDecodeError, KeyError, TypeError) as error:
                raise InputError(
                    f"not a cleankit output record: {error}", path=str(target), line=number
                ) from None
            except DocumentError as error:
                raise InputError(error.cause, path=str(target), line=number) from None
    return pairs
