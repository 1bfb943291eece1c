"""Writing the cleaned documents (JSONL or Parquet) and reading them back for restore and verify."""

from __future__ import annotations

import base64
import datetime
import decimal
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import polars as pl

from cleankit.core.document import Document
from cleankit.core.errors import DocumentError, InputError, first_line
from cleankit.io.files import ParquetParts, atomic_write
from cleankit.io.formats import _decode


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


def write_documents(docs: Iterable[Document], path: str | Path) -> int:
    """Write kept documents as JSONL or Parquet (by extension), atomically; returns the count."""
    target = Path(path)
    count = 0
    if target.name.endswith(".parquet"):
        parts = ParquetParts(target, OUTPUT_SCHEMA)
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
    with atomic_write(target, "w") as handle:
        for doc in docs:
            handle.write(_dumps(_output_row(doc)) + "\n")
            count += 1
    return count


def read_output(path: str | Path) -> dict[str, str]:
    """Read a cleaned output (JSONL or Parquet) back as ``{id: text}``, for restore."""
    return dict(read_output_pairs(path))


def read_output_pairs(path: str | Path) -> list[tuple[str, str]]:
    """Every record of a cleaned output as ``(id, text)``, in file order, repeats included
    (``audit verify`` reports them)."""
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
    with target.open("rb") as handle:
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
