"""Reading corpora and writing outputs.

Readers never stop at a bad record: each malformed record becomes a :class:`DocumentError`
carrying ``path:line``, which the chain passes through and the manifest counts. Writers are
atomic: a crash leaves either the old file or the new one, never half of one.
"""

from __future__ import annotations

import base64
import codecs
import contextlib
import datetime
import decimal
import functools
import gzip
import json
import os
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, NamedTuple, cast

import polars as pl

from cleankit.document import Document
from cleankit.errors import DocumentError, InputError

__all__ = [
    "Corpus",
    "atomic_write",
    "read_documents",
    "read_output",
    "read_output_pairs",
    "write_documents",
]

JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")
TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
PARQUET_SUFFIXES = (".parquet",)
SUPPORTED = JSONL_SUFFIXES + TEXT_SUFFIXES + HTML_SUFFIXES + PARQUET_SUFFIXES


def _kind(path: Path) -> str | None:
    name = path.name.lower()
    for kind, suffixes in (
        ("jsonl", JSONL_SUFFIXES),
        ("txt", TEXT_SUFFIXES),
        ("html", HTML_SUFFIXES),
        ("parquet", PARQUET_SUFFIXES),
    ):
        if name.endswith(suffixes):
            return kind
    return None


def _decode(raw: bytes, path: str, first_line: int) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = first_line + raw.count(b"\n", 0, error.start)
        byte = raw[error.start : error.start + 1].hex()
        raise DocumentError(f"invalid UTF-8 (byte 0x{byte})", path=path, line=line) from None


class Shard(NamedTuple):
    """A piece of the input: file number, path, and (start byte, end byte, first line) or None."""

    file: int
    path: str
    span: tuple[int, int, int] | None


@dataclass(frozen=True)
class Corpus:
    """A re-iterable view of input files: each iteration reopens them (observers need two passes).

    Items are :class:`Document` or, for malformed records, :class:`DocumentError`. Files whose
    extension no reader knows are listed in :attr:`skipped` rather than silently ignored.
    """

    paths: tuple[Path, ...]
    text_key: str = "text"
    id_key: str = "id"
    skipped: tuple[Path, ...] = field(default=())
    title_in_text: bool = False
    #: Per file, the name made-up ids start from: its path relative to the input it came from.
    labels: tuple[str, ...] = field(default=())
    #: The folders given as inputs (an output folder must not lie inside one).
    roots: tuple[Path, ...] = field(default=())

    def __iter__(self) -> Iterator[Document | DocumentError]:
        seen: dict[str, str] = {}
        for number, path in enumerate(self.paths):
            for item in self._read(number, path):
                if isinstance(item, Document):
                    where = f"{item.source}:{item.line}"
                    if item.id in seen:
                        yield DocumentError(
                            f"duplicate id {item.id!r} (first seen at {seen[item.id]})",
                            path=item.source,
                            line=item.line,
                        )
                        continue
                    seen[item.id] = where
                elif item.doc_id is not None:
                    # A broken record keeps its own id unless a record before it has that id.
                    if item.doc_id in seen:
                        item.doc_id = None
                    else:
                        seen[item.doc_id] = f"{item.path}:{item.line}"
                yield item

    def shards(self, *, target_bytes: int = 32 << 20) -> list[Shard]:
        """Split the inputs into pieces that can be read independently, in input order.

        Plain JSONL files split at line boundaries about every ``target_bytes``; compressed
        JSONL, Parquet, .txt and .html files are one shard each.
        """
        shards: list[Shard] = []
        for number, path in enumerate(self.paths):
            name = path.name.lower()
            if _kind(path) == "jsonl" and not name.endswith(".gz"):
                start, line = 0, 1
                with path.open("rb") as handle:
                    position = 0
                    for lines, raw in enumerate(handle, start=1):
                        position += len(raw)
                        if position - start >= target_bytes:
                            shards.append(Shard(number, str(path), (start, position, line)))
                            start, line = position, lines + 1
                    if position > start or not shards or shards[-1].path != str(path):
                        shards.append(Shard(number, str(path), (start, position, line)))
            else:
                shards.append(Shard(number, str(path), None))
        return shards

    def read_shard(self, shard: Shard) -> Iterator[Document | DocumentError]:
        """The items of one shard, as iteration over the corpus would give them (no id check)."""
        path = Path(shard.path)
        if shard.span is not None:
            yield from _read_jsonl(
                path,
                text_key=self.text_key,
                id_key=self.id_key,
                span=shard.span,
                label=self._label(shard.file, path),
            )
        else:
            yield from self._read(shard.file, path)

    def estimate_records(self) -> int:
        """A cheap upper estimate of the record count, for a progress bar and the memory check
        (lines, Parquet rows); counted once per corpus, as it reads every JSONL file."""
        return self._record_estimate

    @functools.cached_property
    def _record_estimate(self) -> int:
        total = 0
        for path in self.paths:
            kind = _kind(path)
            try:
                if kind == "jsonl":
                    with _open_lines(path) as handle:
                        total += sum(
                            chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b"")
                        )
                elif kind == "parquet":
                    total += pl.scan_parquet(path).select(pl.len()).collect().item()
                else:
                    total += 1
            except (OSError, EOFError, pl.exceptions.PolarsError):
                total += 1  # the reader reports the problem itself
        return total

    def _label(self, number: int, path: Path) -> str:
        return self.labels[number] if number < len(self.labels) else path.name

    def _read(self, number: int, path: Path) -> Iterator[Document | DocumentError]:
        kind = _kind(path)
        label = self._label(number, path)
        if kind == "jsonl":
            yield from _read_jsonl(path, text_key=self.text_key, id_key=self.id_key, label=label)
        elif kind == "parquet":
            yield from _read_parquet(path, text_key=self.text_key, id_key=self.id_key, label=label)
        elif kind == "txt":
            yield _read_txt(path, stem=_without_suffix(label))
        elif kind == "html":
            yield _read_html(path, title_in_text=self.title_in_text, stem=_without_suffix(label))


def read_documents(
    paths: Sequence[str | Path] | str | Path,
    *,
    text_key: str = "text",
    id_key: str = "id",
    title_in_text: bool = False,
) -> Corpus:
    """Open inputs: JSONL (.jsonl, .jsonl.gz), Parquet, .txt, .html files, or folders of them.

    An HTML page's title goes to ``meta["title"]``; ``title_in_text`` also writes it in front
    of the extracted text.

    A missing path or a file of unknown type given by name is an :class:`InputError`; inside a
    folder, unknown files are skipped and reported through ``Corpus.skipped``.
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    files: list[Path] = []
    labels: list[str] = []
    skipped: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                (files if _kind(child) else skipped).append(child)
                if _kind(child):
                    labels.append(child.relative_to(path).as_posix())
        elif path.is_file():
            if _kind(path) is None:
                raise InputError(
                    f"unsupported input type; expected one of {', '.join(SUPPORTED)} or a folder",
                    path=str(path),
                )
            files.append(path)
            labels.append(path.name)
        else:
            raise InputError("no such file or folder", path=str(path))
    return Corpus(
        tuple(files),
        text_key=text_key,
        id_key=id_key,
        skipped=tuple(skipped),
        title_in_text=title_in_text,
        labels=_unique_labels(files, labels),
        roots=tuple(Path(p) for p in paths if Path(p).is_dir()),
    )


def _unique_labels(files: Sequence[Path], labels: Sequence[str]) -> tuple[str, ...]:
    """Labels relative to their inputs; two files that would share one (a/news.jsonl and
    b/news.jsonl given by name) are labelled by their paths as given instead."""
    counts = Counter(labels)
    return tuple(
        label if counts[label] == 1 else path.as_posix()
        for path, label in zip(files, labels, strict=True)
    )


def _without_suffix(label: str) -> str:
    """'a/index.html' -> 'a/index': what a page's made-up id has been (its stem), with its folder."""
    head, _, name = label.rpartition("/")
    stem = Path(name).stem
    return f"{head}/{stem}" if head else stem


def _open_lines(path: Path) -> IO[bytes]:
    if path.name.lower().endswith(".gz"):
        return cast(IO[bytes], gzip.open(path, "rb"))
    return path.open("rb")


def _record_to_document(
    record: Mapping[str, Any],
    *,
    path: str,
    line: int,
    text_key: str,
    id_key: str,
    label: str | None = None,
) -> Document:
    if text_key not in record:
        keys = ", ".join(sorted(record)) or "none"
        raise DocumentError(
            f"missing {text_key!r} field (fields: {keys}); Hint: choose another with --text-key",
            path=path,
            line=line,
        )
    text = record[text_key]
    if not isinstance(text, str):
        raise DocumentError(
            f"field {text_key!r} must be a string, not {type(text).__name__}", path=path, line=line
        )
    raw_id = record.get(id_key)
    if raw_id is None:
        doc_id = f"{label or Path(path).name}:{line}"
    elif _is_id(raw_id):
        doc_id = str(raw_id)
    else:
        raise DocumentError(
            f"field {id_key!r} must be a string or integer, not {type(raw_id).__name__}",
            path=path,
            line=line,
        )
    meta = {k: v for k, v in record.items() if k not in (text_key, id_key)}
    language = meta.get("language", meta.get("lang"))
    return Document(
        id=doc_id,
        text=text,
        source=path,
        line=line,
        language=language if isinstance(language, str) else None,
        meta=meta,
    )


def _read_jsonl(
    path: Path,
    *,
    text_key: str,
    id_key: str,
    span: tuple[int, int, int] | None = None,
    label: str | None = None,
) -> Iterator[Document | DocumentError]:
    """Records of a JSONL file; ``span`` = (start byte, end byte, first line number) reads a shard."""
    name = str(path)
    try:
        handle = _open_lines(path)
        with handle:
            first = 1
            lines: Iterable[bytes] = handle
            if span is not None:
                start, end, first = span
                handle.seek(start)
                lines = _lines_until(handle, end - start)
            for number, raw in enumerate(lines, start=first):
                if not raw.strip():
                    continue
                try:
                    line = _decode(raw, name, number).rstrip("\r\n")
                    if number == 1:
                        line = line.removeprefix("\ufeff")  # a byte order mark, not data
                    try:
                        record = json.loads(line)
                    except json.JSONDecodeError as error:
                        raise DocumentError(
                            f"invalid JSON: {error.msg} (column {error.colno})",
                            path=name,
                            line=number,
                        ) from None
                    if not isinstance(record, dict):
                        raise DocumentError(
                            f"expected a JSON object, found {type(record).__name__}",
                            path=name,
                            line=number,
                        )
                    try:
                        if _SURROGATE_ESCAPE.search(line):
                            _refuse_lone_surrogates(record, path=name, line=number)
                        yield _record_to_document(
                            record,
                            path=name,
                            line=number,
                            text_key=text_key,
                            id_key=id_key,
                            label=label,
                        )
                    except DocumentError as error:
                        error.doc_id = _own_id(record, id_key)
                        raise
                except DocumentError as error:
                    yield error
    except (OSError, EOFError) as error:
        # A truncated .gz ends the file; the records before it were already yielded.
        cause = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        yield DocumentError(f"cannot read: {cause}", path=name)


def _is_id(value: Any) -> bool:
    """Ids are strings or integers (a boolean is an int to Python, not an id)."""
    return isinstance(value, str | int) and not isinstance(value, bool)


def _own_id(record: Mapping[str, Any], id_key: str) -> str | None:
    """The record's id when it is a usable one (a string or integer without surrogates)."""
    raw = record.get(id_key)
    if not _is_id(raw):
        return None
    own = str(raw)
    try:
        own.encode("utf-8")
    except UnicodeEncodeError:
        return None
    return own or None


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _refuse_lone_surrogates(record: Mapping[str, Any], *, path: str, line: int) -> None:
    """JSON may escape half of a surrogate pair ("\\ud800"): Python decodes it to a string
    that no UTF-8 writer accepts. Such a record is an error row, not a crash after the output
    was half written. Escaped pairs that make one character are fine."""
    try:
        json.dumps(record, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as error:
        char = error.object[error.start : error.end]
        code = f"\\u{ord(char[0]):04x}" if char else "?"
        raise DocumentError(
            f"a lone surrogate escape ({code}) is not a Unicode character; "
            "repair the producer or remove the record",
            path=path,
            line=line,
        ) from None


def _lines_until(handle: IO[bytes], budget: int) -> Iterator[bytes]:
    for raw in handle:
        if budget <= 0:
            return
        budget -= len(raw)
        yield raw


_PARQUET_SLICE = 10_000


def _read_parquet(
    path: Path, *, text_key: str, id_key: str, label: str | None = None
) -> Iterator[Document | DocumentError]:
    """Rows of a Parquet file, read a slice at a time so a large file never sits in memory."""
    name = str(path)
    try:
        columns = list(pl.read_parquet_schema(path))
        rows = pl.scan_parquet(path).select(pl.len()).collect().item()
    except (OSError, pl.exceptions.PolarsError) as error:
        yield DocumentError(f"cannot read Parquet: {str(error).splitlines()[0]}", path=name)
        return
    if text_key not in columns:
        yield DocumentError(
            f"no column {text_key!r} (columns: {', '.join(columns)}); "
            "Hint: choose another with --text-key",
            path=name,
        )
        return
    for offset in range(0, rows, _PARQUET_SLICE):
        frame = pl.scan_parquet(path).slice(offset, _PARQUET_SLICE).collect()
        for number, row in enumerate(frame.iter_rows(named=True), start=offset + 1):
            if row[text_key] is None:
                yield DocumentError(f"column {text_key!r} is null", path=name, line=number)
                continue
            try:
                yield _record_to_document(
                    row, path=name, line=number, text_key=text_key, id_key=id_key, label=label
                )
            except DocumentError as error:
                yield error


def _read_txt(path: Path, *, stem: str | None = None) -> Document | DocumentError:
    name = str(path)
    try:
        text = _decode(path.read_bytes(), name, 1)
    except DocumentError as error:
        return error
    except OSError as error:
        return DocumentError(f"cannot read: {error.strerror}", path=name)
    title = text.split("\n", 1)[0].strip()
    # The first line is the title, and stays in the text: nothing of the input is hidden from
    # the filters, and restore() gives back the file byte for byte.
    return Document(id=stem or path.stem, text=text, source=name, line=1, meta={"title": title})


def _read_html(
    path: Path, *, title_in_text: bool = False, stem: str | None = None
) -> Document | DocumentError:
    name = str(path)
    try:
        html = _decode_html(path.read_bytes(), name)
    except DocumentError as error:
        return error
    except OSError as error:
        return DocumentError(f"cannot read: {error.strerror}", path=name)
    from cleankit.extract import extract_html  # trafilatura is heavy; import only for HTML

    try:
        text, meta = extract_html(html, title_in_text=title_in_text)
    except ValueError as error:
        return DocumentError(str(error), path=name, line=1)
    return Document(id=stem or path.stem, text=text, source=name, line=1, meta=meta)


#: ``<meta charset=...>`` or ``<meta http-equiv=Content-Type content="...; charset=...">``,
#: looked for where browsers look: in the first kilobytes of the page.
_DECLARED_CHARSET = re.compile(
    rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE
)
#: Labels whose WHATWG meaning is a wider codec than Python's codec of that name.
_CHARSET_ALIASES = {
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
}


def _decode_html(raw: bytes, path: str) -> str:
    """A page's text in the charset it declares (a byte order mark first, then a ``<meta>``
    charset in its first 4 KB), UTF-8 when it declares none. Bytes the declared charset cannot
    decode make the page an error row, never a silent replacement."""
    if raw.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-8-sig" if raw[:1] == b"\xef" else "utf-16")
    declared = _DECLARED_CHARSET.search(raw[:4096])
    if declared is None:
        return _decode(raw, path, 1)
    label = declared.group(1).decode("ascii").lower()
    codec_name = _CHARSET_ALIASES.get(label, label)
    try:
        codec = codecs.lookup(codec_name)
    except LookupError:
        return _decode(raw, path, 1)  # an unknown label: browsers fall back too
    if codec.name in ("utf-16-le", "utf-16-be", "utf-16"):
        return _decode(raw, path, 1)  # a page read as ASCII bytes cannot be UTF-16 (WHATWG)
    try:
        return raw.decode(codec.name)
    except UnicodeDecodeError as error:
        raise DocumentError(
            f"byte {error.start} is not valid {label} (the charset the page declares)",
            path=path,
            line=1,
        ) from None


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


class ParquetParts:
    """Write a large Parquet file in bounded memory: row batches go to part files beside the
    target, and :meth:`finish` streams them into the target atomically.
    """

    def __init__(self, path: str | Path, schema: pl.Schema, *, batch_rows: int = 5000) -> None:
        self.path = Path(path)
        self.schema = schema
        self.batch_rows = batch_rows
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
                pl.scan_parquet(self._parts).sink_parquet(temp, statistics=False)
                Path(temp).replace(self.path)
            except BaseException:
                Path(temp).unlink(missing_ok=True)
                raise
        finally:
            self.abandon()

    def abandon(self) -> None:
        """Remove the part files (after a failure, or once finished)."""
        shutil.rmtree(self._folder, ignore_errors=True)


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
                f"cannot read Parquet: {str(error).splitlines()[0]}", path=str(target)
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
